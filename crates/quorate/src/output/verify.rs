//! `quorate verify`'s report: the trust line, each signature's verdict,
//! the quorum, the files; and the attestation matrix.

use quorate_attest::Verdict;
use quorate_attest::attest::{ArtifactAgreement, AttestationReport};
use quorate_attest::verify::{ReleaseReport, SignatureReport};

use crate::output::{files_table, quorum_line};
use crate::report::Trust;
use crate::ui::{Ui, style};

/// The JSON report with where the trust came from.
pub fn with_trust(rep: &impl serde::Serialize, trust: &Trust) -> anyhow::Result<String> {
    let mut v = serde_json::to_value(rep)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("trust".into(), serde_json::to_value(trust)?);
        o.insert(
            "threshold_override".into(),
            match trust.overridden_policy_threshold {
                Some(p) => serde_json::json!({"policy_threshold": p, "used": trust.threshold}),
                None => serde_json::Value::Null,
            },
        );
    }
    Ok(serde_json::to_string_pretty(&v)?)
}

fn short(fpr: &str) -> String {
    fpr.to_string()
}

/// One signature as a line (and its reason/notes as indented lines).
pub fn signature_lines(r: &SignatureReport) -> String {
    let st = match r.verdict {
        Verdict::Good => style::GOOD,
        Verdict::Duplicate => style::WARN,
        _ => style::BAD,
    };
    let file = if r.index > 0 {
        format!("{}#{}", r.file, r.index + 1)
    } else {
        r.file.clone()
    };
    let mut s = format!(
        "{}  {file}  signer={}  key={}{}",
        Ui::paint(st, format!("{:<9}", r.verdict)),
        r.signer.as_deref().unwrap_or("-"),
        r.fingerprint
            .as_deref()
            .map(short)
            .unwrap_or_else(|| "-".into()),
        r.created
            .as_deref()
            .map(|c| format!("  signed={c}"))
            .unwrap_or_default()
    );
    if let Some(sk) = &r.signing_key {
        s.push_str(&format!("  subkey={sk}"));
    }
    s.push('\n');
    if let Some(reason) = &r.reason {
        s.push_str(&format!("           reason: {reason}\n"));
    }
    for n in &r.notes {
        s.push_str(&format!("           note: {n}\n"));
    }
    s
}

pub fn print_release(ui: &Ui, rep: &ReleaseReport, trust: &Trust) {
    ui.out(trust.line());
    let signed_name = rep
        .signed
        .as_ref()
        .and_then(|s| s.name.as_deref())
        .map(|n| format!(", project {n}"))
        .unwrap_or_default();
    ui.out(match (&rep.signed, &rep.version_problem) {
        (_, Some(p)) => format!(
            "version: {} {}\n",
            rep.version,
            Ui::paint(style::BAD, format!("NOT TRUSTED: {p}"))
        ),
        (Some(s), None) if s.version.is_some() => {
            format!("version: {} (signed: build.json{signed_name})\n", rep.version)
        }
        _ => format!(
            "version: {} (from the file names only: the manifest lists no build.json, so nothing signed states it)\n",
            rep.version
        ),
    });
    for d in &rep.quorum.duplicate_keys {
        ui.warn(format!("policy: {d}"));
    }
    ui.out(format!(
        "{} {} ({} signature{})\n",
        Ui::paint(style::HEAD, "signatures over"),
        rep.manifest.display(),
        rep.signatures.len(),
        if rep.signatures.len() == 1 { "" } else { "s" }
    ));
    for r in &rep.signatures {
        ui.out(signature_lines(r));
    }
    for n in &rep.ignored {
        ui.warn(format!(
            "{n}: not a signature of version {} (ignored)",
            rep.version
        ));
    }
    let q = &rep.quorum;
    ui.out(format!("{}\n", quorum_line(q)));
    if let Some(e) = &rep.checksum_error {
        ui.say(format!(
            "{}: the checksum list cannot be read, so no file was checked: {e}",
            Ui::paint(style::BAD, "NOT VERIFIED")
        ));
        return;
    }
    if !rep.checksum_list {
        ui.say(format!(
            "{}: {} is not a checksum list; its signatures are all there is to check",
            if q.met {
                Ui::paint(style::GOOD, "VERIFIED")
            } else {
                Ui::paint(style::BAD, "NOT VERIFIED")
            },
            rep.manifest.display()
        ));
        return;
    }
    ui.out(format!("{}\n", Ui::paint(style::HEAD, "files")));
    ui.out(files_table(&rep.files, rep.require_all));
    let (m, mm, miss, unr) = rep.files.counts();
    let unl = rep.files.unlisted.len();
    ui.say(format!(
        "{}: {} {}, quorum {}{}, files: {m} match, {mm} mismatch, {miss} missing, {unl} unlisted{}{}{}",
        if rep.ok {
            Ui::paint(style::GOOD, "VERIFIED")
        } else {
            Ui::paint(style::BAD, "NOT VERIFIED")
        },
        rep.signed
            .as_ref()
            .and_then(|s| s.name.as_deref())
            .unwrap_or("version"),
        rep.version,
        if q.met { "met" } else { "not met" },
        trust.override_text(),
        super::unreadable_note(unr),
        if unl > 0 && rep.strict {
            " (unlisted files fail with --strict)"
        } else {
            ""
        },
        if miss > 0 && !rep.require_all {
            " (missing files allowed; --require-all demands them)"
        } else {
            ""
        }
    ));
}

fn short_digest(d: &quorate_manifest::Digest) -> String {
    d.to_hex()[..12].to_string()
}

pub fn print_attestations(ui: &Ui, rep: &AttestationReport, threshold: usize, trust: &Trust) {
    ui.out(trust.line());
    for d in &rep.quorum.duplicate_keys {
        ui.warn(format!("policy: {d}"));
    }
    ui.out(format!(
        "{} {} in {}\n",
        Ui::paint(style::HEAD, "attestations for"),
        rep.version,
        rep.repo.display()
    ));
    for s in &rep.signers {
        if s.signatures.is_empty() {
            ui.out(format!(
                "{}  {}/  {}\n",
                Ui::paint(style::BAD, format!("{:<9}", "MISSING")),
                s.signer,
                s.problem.as_deref().unwrap_or("")
            ));
        }
        for r in &s.signatures {
            ui.out(signature_lines(r));
        }
    }
    ui.out(format!("{}\n", quorum_line(&rep.quorum)));
    ui.out(agreement_table(rep));
    for a in &rep.artifacts {
        ui.out(artifact_problems(a, threshold));
    }
    ui.say(format!(
        "{}{}",
        if rep.ok {
            Ui::paint(style::GOOD, "VERIFIED: the quorum agrees on every artifact")
        } else {
            Ui::paint(style::BAD, "NOT VERIFIED")
        },
        trust.override_text()
    ));
}

/// The artifact × signer table: each counting signer's digest of each
/// artifact, `*` where it differs from the majority.
fn agreement_table(rep: &AttestationReport) -> String {
    let counting: Vec<&str> = rep
        .signers
        .iter()
        .filter(|s| s.counts)
        .map(|s| s.signer.as_str())
        .collect();
    let mut out = format!(
        "{}\n",
        Ui::paint(
            style::HEAD,
            "agreement (artifact × signer; * = disagrees with the majority)"
        )
    );
    let w = rep
        .artifacts
        .iter()
        .map(|a| a.path.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut header = format!("{:<10} {:<w$}", "", "artifact");
    for s in &counting {
        header.push_str(&format!("  {s:<13}"));
    }
    out.push_str(&format!("{}\n", header.trim_end()));
    for a in &rep.artifacts {
        let word = if a.disagree.is_empty() && a.quorum_met {
            Ui::paint(style::GOOD, format!("{:<10}", "AGREE"))
        } else if a.disagree.is_empty() {
            Ui::paint(style::WARN, format!("{:<10}", "NO QUORUM"))
        } else {
            Ui::paint(style::BAD, format!("{:<10}", "DISAGREE"))
        };
        let mut line = format!("{word} {:<w$}", a.path);
        for s in &counting {
            if a.conflicts.iter().any(|(n, _)| n == s) {
                line.push_str(&format!("  {:<13}", "(conflict)  *"));
                continue;
            }
            let cell = a
                .digests
                .iter()
                .find(|(_, v)| v.iter().any(|n| n == s))
                .map(|(d, _)| {
                    let mark = if Some(*d) == a.majority { " " } else { "*" };
                    format!("{}{mark}", short_digest(d))
                })
                .unwrap_or_else(|| "(absent)    *".into());
            line.push_str(&format!("  {cell:<13}"));
        }
        out.push_str(&format!("{}\n", line.trim_end()));
    }
    out
}

/// What is wrong with one artifact, one line each: a signer attesting
/// several digests, a signer disagreeing with the majority, no quorum.
fn artifact_problems(a: &ArtifactAgreement, threshold: usize) -> String {
    let mut out = String::new();
    for (name, several) in &a.conflicts {
        out.push_str(&format!(
            "{} {name} attests {} different digests for {}: {}; {name} vouches for none of them\n",
            Ui::paint(style::BAD, "CONFLICT"),
            several.len(),
            a.path,
            several
                .iter()
                .map(|(d, doc)| format!("{} ({doc})", d.to_hex()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for name in &a.disagree {
        if a.conflicts.iter().any(|(n, _)| n == name) {
            continue;
        }
        let theirs = a
            .digests
            .iter()
            .find(|(_, v)| v.iter().any(|n| n == name))
            .map(|(d, _)| d.to_hex())
            .unwrap_or_else(|| "nothing (the file is not in their manifest)".into());
        let majority = match (&a.majority, a.digests.first()) {
            (Some(m), Some((_, who))) => format!("{} ({})", m.to_hex(), who.join(", ")),
            _ => "no majority (tie)".into(),
        };
        out.push_str(&format!(
            "{} {name} disagrees on {}: attests {theirs}; majority {majority}\n",
            Ui::paint(style::BAD, "DISAGREE"),
            a.path
        ));
    }
    if a.disagree.is_empty() && !a.quorum_met {
        out.push_str(&format!(
            "{} {}: only {} signer(s) attest it, {threshold} required\n",
            Ui::paint(style::WARN, "NO QUORUM"),
            a.path,
            a.digests.first().map(|g| g.1.len()).unwrap_or(0)
        ));
    }
    out
}
