//! Explaining why two builds of a release differ (`build --check`, the
//! demo): the diff engine over the two release folders, its top findings
//! on stderr.

use std::path::Path;

use quorate_diff::{DiffOptions, diff_paths_with_progress};

use crate::ui::Ui;

/// Explains why two builds of a release differ: diffs the two release
/// folders with the engine and prints the top findings on stderr, indented.
/// Used by `build --check`, `demo` and anything else that finds two
/// manifests disagree. A failure to explain is a warning, not an error: the
/// comparison of the manifests already said what differs.
pub fn explain_release_difference(
    first: &Path,
    second: &Path,
    max_findings: usize,
    ui: &Ui,
) -> Option<quorate_diff::Report> {
    ui.say(format!(
        "  Why (quorate diff {} {}):",
        first.display(),
        second.display()
    ));
    match diff_paths_with_progress(first, second, &DiffOptions::default(), ui) {
        Ok(report) => {
            let short = quorate_diff::TextOptions {
                max_findings,
                max_evidence: 2,
                max_notes: 0,
            };
            for line in quorate_diff::render_text_with(&report, &short).lines() {
                ui.say(format!("    {line}"));
            }
            Some(report)
        }
        Err(e) => {
            ui.warn(format!("could not explain the difference: {e}"));
            None
        }
    }
}
