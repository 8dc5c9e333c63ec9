//! `quorate reproduce`'s report: each artifact, the likely causes, the
//! explanations; the verification line and the closing summary.

use quorate_attest::attest::AttestationReport;
use quorate_attest::verify::ReleaseReport;
use quorate_reproduce::foreign::ForeignOutcome;
use quorate_reproduce::{Artifact, CauseSummary, Counts, Outcome, Status};

use crate::output::quorum_line;
use crate::ui::{Ui, style};

/// The published release's verification in one line.
pub fn verification_line(rep: &ReleaseReport) -> String {
    let (m, mm, miss, _) = rep.files.counts();
    format!(
        "{}: {}; files: {m} match, {mm} mismatch, {miss} not present",
        if rep.ok {
            Ui::paint(style::GOOD, "VERIFIED")
        } else {
            Ui::paint(style::BAD, "NOT VERIFIED")
        },
        quorum_line(&rep.quorum)
    )
}

fn status_style(s: Status) -> anstyle::Style {
    match s {
        Status::Reproduced => style::GOOD,
        Status::Different => style::BAD,
        Status::Missing | Status::Extra => style::WARN,
    }
}

/// What the report shows of a rebuild: the parts that [`Outcome`] (a
/// release quorate made) and [`ForeignOutcome`] (one it did not) share.
struct Rebuild<'a> {
    version: &'a str,
    source: &'a str,
    git_ref: &'a str,
    commit: &'a str,
    go: &'a str,
    artifacts: &'a [Artifact],
    counts: &'a Counts,
    causes: &'a [CauseSummary],
    kept: bool,
    reproduced: bool,
}

/// `From<&T> for Rebuild` for each outcome type (they name their fields
/// alike).
macro_rules! rebuild_from {
    ($($t:ty),*) => {$(
        impl<'a> From<&'a $t> for Rebuild<'a> {
            fn from(o: &'a $t) -> Self {
                Rebuild {
                    version: &o.version,
                    source: &o.source,
                    git_ref: &o.git_ref,
                    commit: &o.commit,
                    go: &o.toolchain.version,
                    artifacts: &o.artifacts,
                    counts: &o.counts,
                    causes: &o.causes,
                    kept: o.rebuild_dir.is_some(),
                    reproduced: o.reproduced,
                }
            }
        }
    )*};
}
rebuild_from!(Outcome, ForeignOutcome);

/// The text report (stdout): each artifact, the causes, the explanations.
pub fn render(o: &Outcome, max_findings: usize) -> String {
    report(&o.into(), "", max_findings)
}

/// The text report for a release quorate did not make.
pub fn render_foreign(o: &ForeignOutcome, max_findings: usize) -> String {
    report(&o.into(), ", recipe read from the release", max_findings)
}

/// The closing line on stderr.
pub fn summary(o: &Outcome, ui: &Ui) {
    closing(&o.into(), "", ui);
}

/// The closing line on stderr for a release quorate did not make.
pub fn summary_foreign(o: &ForeignOutcome, ui: &Ui) {
    closing(&o.into(), ", without a host tar, gzip or zip", ui);
}

/// The report; `how` ends its first line (how the rebuild was made).
fn report(o: &Rebuild, how: &str, max_findings: usize) -> String {
    let mut s = format!(
        "{} {} from {} at {} ({}){how}\n",
        Ui::paint(style::HEAD, "reproduce"),
        o.version,
        o.source,
        o.git_ref,
        &o.commit[..o.commit.len().min(12)]
    );
    for a in o.artifacts {
        s.push_str(&format!(
            "{}  {}",
            Ui::paint(status_style(a.status), format!("{:<10}", a.status.as_str())),
            a.path
        ));
        if !a.causes.is_empty() && a.status == Status::Different {
            s.push_str(&format!("  ({})", a.causes.join(", ")));
        }
        s.push('\n');
    }
    if !o.causes.is_empty() {
        s.push_str(&format!("{}\n", Ui::paint(style::HEAD, "likely causes")));
        for c in o.causes {
            s.push_str(&format!(
                "  {}: {}\n    artifacts: {}\n",
                Ui::paint(style::BAD, &c.cause),
                c.title,
                c.artifacts.join(", ")
            ));
            for e in &c.evidence {
                s.push_str(&format!("    evidence: {e}\n"));
            }
            if let Some(f) = &c.fix {
                s.push_str(&format!("    fix: {f}\n"));
            }
        }
    }
    let different: Vec<_> = o
        .artifacts
        .iter()
        .filter(|a| a.status == Status::Different)
        .collect();
    if !different.is_empty() {
        s.push_str(&format!(
            "{} (A = published, B = rebuild)\n",
            Ui::paint(style::HEAD, "explanations")
        ));
        for a in different {
            s.push_str(&format!("--- {}\n", a.path));
            if let Some(u) = &a.unexplained {
                s.push_str(&format!("    {u}\n"));
            }
            if let Some(r) = &a.explanation {
                let opts = quorate_diff::TextOptions {
                    max_findings,
                    max_evidence: 3,
                    max_notes: 4,
                };
                for line in quorate_diff::render_text_with(r, &opts).lines() {
                    s.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    s
}

/// The closing line; `how` ends the REPRODUCED line.
fn closing(o: &Rebuild, how: &str, ui: &Ui) {
    let c = o.counts;
    let total = c.reproduced + c.different + c.missing;
    if o.reproduced {
        ui.say(format!(
            "{}: all {total} published artifacts rebuilt byte for byte from {} with Go {}{how}",
            Ui::paint(style::GOOD, "REPRODUCED"),
            o.git_ref,
            o.go
        ));
    } else {
        ui.say(format!(
            "{}: {} reproduced, {} different, {} missing, {} extra (of {total} published){}",
            Ui::paint(style::BAD, "NOT REPRODUCED"),
            c.reproduced,
            c.different,
            c.missing,
            c.extra,
            o.causes
                .first()
                .map(|x| format!("; most likely cause: {}", x.cause))
                .unwrap_or_default()
        ));
        if !o.kept {
            ui.hint("--out DIR or --keep keeps the rebuild for `quorate diff`");
        }
    }
}

/// The demo's attestation matrix (artifact × builder: agrees or DIFFERS),
/// then the quorum, as lines for stderr.
pub fn demo_matrix(rep: &AttestationReport) -> Vec<String> {
    let names: Vec<&str> = rep.signers.iter().map(|s| s.signer.as_str()).collect();
    let w = rep
        .artifacts
        .iter()
        .map(|a| a.path.len())
        .max()
        .unwrap_or(8);
    let mut lines = vec![format!(
        "    {:<w$}{}",
        "artifact",
        names
            .iter()
            .map(|n| format!("  {n:<width$}", width = n.len().max(7)))
            .collect::<String>()
    )];
    for a in &rep.artifacts {
        let mut row = format!("    {:<w$}", a.path);
        for n in &names {
            let agrees = a.majority.as_ref().is_some_and(|m| {
                a.digests
                    .iter()
                    .any(|(d, who)| d == m && who.iter().any(|x| x == n))
            });
            let width = n.len().max(7);
            let mark = if agrees {
                Ui::paint(style::GOOD, format!("{:<width$}", "agrees"))
            } else {
                Ui::paint(style::BAD, format!("{:<width$}", "DIFFERS"))
            };
            row.push_str(&format!("  {mark}"));
        }
        lines.push(row);
    }
    lines.push(format!("  {}", quorum_line(&rep.quorum)));
    lines
}
