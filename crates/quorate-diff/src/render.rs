//! The text rendering of a [`Report`]: findings first, ranked, each with
//! its fix; then the evidence; bounded.

use std::fmt::Write;

use crate::model::{Cause, Confidence, Finding, Report};

/// How much of a report the text shows.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Findings shown (the rest summarized in one line).
    pub max_findings: usize,
    /// Evidence items shown per finding.
    pub max_evidence: usize,
    /// Notes shown (limits reached, knock-on effects, skipped parts).
    pub max_notes: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            max_findings: 10,
            max_evidence: 6,
            max_notes: 20,
        }
    }
}

/// Renders a report as text, at most `max_findings` findings (the rest
/// summarized).
pub fn render_text(r: &Report, max_findings: usize) -> String {
    render_text_with(
        r,
        &TextOptions {
            max_findings,
            ..TextOptions::default()
        },
    )
}

/// Renders a report as text within the bounds of `o` (a short summary for
/// embedding in other commands' output, or the full `quorate diff` text).
pub fn render_text_with(r: &Report, o: &TextOptions) -> String {
    let max_findings = o.max_findings;
    let mut s = String::new();
    if r.identical {
        let _ = writeln!(
            s,
            "identical: {} and {} have the same bytes ({} entries compared)",
            r.a, r.b, r.stats.entries
        );
        return s;
    }
    write_headline(&mut s, r);
    let shown = r.findings.iter().take(max_findings.max(1));
    for (i, f) in shown.enumerate() {
        write_finding(&mut s, i, f, o);
    }
    if r.findings.len() > max_findings.max(1) {
        let rest: Vec<String> = r.findings[max_findings.max(1)..]
            .iter()
            .map(|f| format!("{} ({})", f.cause.wire(), f.evidence_total))
            .collect();
        let _ = writeln!(s, "… {} more finding(s): {}\n", rest.len(), rest.join(", "));
    }
    write_notes(&mut s, r, o);
    if r.findings.iter().all(|f| f.cause == Cause::Unexplained) && !r.findings.is_empty() {
        let _ = writeln!(
            s,
            "no rule of the catalogue explains these differences; the regions above are located as precisely as possible"
        );
    }
    s
}

/// The first lines of a report that differs: what differs, how much, and
/// whether the time limit cut it short; then a blank line.
fn write_headline(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "{} and {} differ: {} finding{} ({} of {} entries differ, {} ms)",
        r.a,
        r.b,
        r.findings.len(),
        if r.findings.len() == 1 { "" } else { "s" },
        r.stats.differing,
        r.stats.entries,
        r.stats.millis
    );
    if r.timed_out {
        let _ = writeln!(
            s,
            "PARTIAL: the time limit was reached; the findings below are those found so far"
        );
    }
    let _ = writeln!(s);
}

/// Finding number `i` (from 0): its title, subjects, cause, confidence,
/// fix, files, knock-on count and evidence.
fn write_finding(s: &mut String, i: usize, f: &Finding, o: &TextOptions) {
    let conf = match f.confidence {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    };
    let subjects = if f.subjects.is_empty() {
        String::new()
    } else {
        let mut v: Vec<&str> = f.subjects.iter().map(String::as_str).take(8).collect();
        if f.subjects.len() > 8 {
            v.push("…");
        }
        format!(": {}", v.join(", "))
    };
    let _ = writeln!(
        s,
        "{}. {}{} [{}; confidence {}]",
        i + 1,
        f.title,
        subjects,
        f.cause.wire(),
        conf
    );
    if let Some(fix) = &f.fix {
        let _ = writeln!(s, "   fix: {fix}");
    }
    let files = if f.files.len() > 3 {
        format!("{} and {} more", f.files[..3].join(", "), f.files.len() - 3)
    } else {
        f.files.join(", ")
    };
    let _ = writeln!(s, "   in: {files}");
    if f.knock_on > 0 {
        let _ = writeln!(
            s,
            "   and {} differing region{} that follow from it (displaced pointers, offsets, lengths, code): not listed",
            f.knock_on,
            if f.knock_on == 1 { "" } else { "s" }
        );
    }
    if o.max_evidence > 0 {
        write_evidence(s, f, o.max_evidence);
    }
    let _ = writeln!(s);
}

/// A finding's evidence, at most `max` items (the rest counted).
fn write_evidence(s: &mut String, f: &Finding, max: usize) {
    let _ = writeln!(
        s,
        "   evidence ({} item{}):",
        f.evidence_total,
        if f.evidence_total == 1 { "" } else { "s" }
    );
    for e in f.evidence.iter().take(max) {
        let _ = writeln!(s, "     {}  [{}]", e.location(), e.what);
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(absent)".into());
        let _ = writeln!(s, "       A: {}", clip(&v(&e.a)));
        let _ = writeln!(s, "       B: {}", clip(&v(&e.b)));
    }
    if f.evidence_total > max {
        let _ = writeln!(s, "     … and {} more (see --json)", f.evidence_total - max);
    }
}

/// The notes (limits reached, knock-on effects, skipped parts), at most
/// `o.max_notes` of them, else a one-line count.
fn write_notes(s: &mut String, r: &Report, o: &TextOptions) {
    if !r.notes.is_empty() && o.max_notes > 0 {
        let _ = writeln!(s, "notes:");
        for n in r.notes.iter().take(o.max_notes) {
            let _ = writeln!(s, "  [{}] {}: {}", n.kind, n.path, n.message);
        }
        if r.notes.len() > o.max_notes {
            let _ = writeln!(
                s,
                "  … and {} more notes (see --json)",
                r.notes.len() - o.max_notes
            );
        }
    } else if !r.notes.is_empty() {
        let _ = writeln!(
            s,
            "({} notes on limits and knock-on effects: see `quorate diff`)",
            r.notes.len()
        );
    }
}

fn clip(v: &str) -> String {
    if v.chars().count() > 200 {
        let mut c: String = v.chars().take(200).collect();
        c.push('…');
        c
    } else {
        v.to_string()
    }
}
