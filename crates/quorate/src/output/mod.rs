//! Rendering typed results as text: every line a user reads from a
//! command's report is made here, from the libraries' result types.
//! Commands hand results to these functions and write what they return
//! (stdout for data, stderr for messages, through `crate::ui::Ui`).

use quorate_attest::verify::Quorum;
use quorate_manifest::{CheckReport, EntryStatus};

use crate::ui::{Ui, style};

pub mod build;
pub mod doctor;
pub mod events;
pub mod inspect;
pub mod policy;
pub mod recipe;
pub mod reproduce;
pub mod verify;

/// The quorum, the one way every command says it:
/// `quorum: 2 of 3 required: MET (2 counted: alice, bob)`.
pub fn quorum_line(q: &Quorum) -> String {
    format!(
        "quorum: {} of {} required: {} ({} counted{})",
        q.threshold,
        q.signers,
        if q.met {
            Ui::paint(style::GOOD, "MET")
        } else {
            Ui::paint(style::BAD, "NOT MET")
        },
        q.count,
        if q.counted.is_empty() {
            String::new()
        } else {
            format!(": {}", q.counted.join(", "))
        }
    )
}

/// The files of a check, one line each (`MATCH      path`, `MISMATCH …
/// (expected …, found …)`, …), then the unlisted ones. A missing file is
/// shown as a failure only when `missing_fails`.
pub fn files_table(report: &CheckReport, missing_fails: bool) -> String {
    let mut s = String::new();
    for e in &report.entries {
        let (word, st) = match &e.status {
            EntryStatus::Match => ("MATCH", style::GOOD),
            EntryStatus::Mismatch { .. } => ("MISMATCH", style::BAD),
            EntryStatus::Missing if missing_fails => ("MISSING", style::BAD),
            EntryStatus::Missing => ("MISSING", style::DIM),
            EntryStatus::Unreadable { .. } => ("UNREADABLE", style::BAD),
        };
        let extra = match &e.status {
            EntryStatus::Mismatch { actual } => {
                format!("  (expected {}, found {actual})", e.expected)
            }
            EntryStatus::Unreadable { error } => format!("  ({error})"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "{} {}{extra}\n",
            Ui::paint(st, format!("{word:<10}")),
            e.path
        ));
    }
    for p in &report.unlisted {
        s.push_str(&format!(
            "{} {p}  (present but not listed)\n",
            Ui::paint(style::WARN, format!("{:<10}", "UNLISTED"))
        ));
    }
    s
}

/// `, N unreadable` when there are unreadable files.
pub fn unreadable_note(n: usize) -> String {
    if n > 0 {
        format!(", {n} unreadable")
    } else {
        String::new()
    }
}

/// Pretty JSON with a final newline (what every `--json` prints).
pub fn json(value: &impl serde::Serialize) -> anyhow::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(value)?))
}
