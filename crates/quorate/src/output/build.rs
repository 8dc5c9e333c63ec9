//! `quorate build`'s messages: the `--check` comparison.

use quorate_release::check::ArtifactDiff;
use quorate_release::plan::Prepared;

use crate::report::CheckOutcome;
use crate::ui::{Ui, style};

/// Prints the comparison (stderr).
pub fn check_outcome(outcome: &CheckOutcome, total: usize, ui: &Ui) {
    if outcome.reproducible {
        ui.say(format!(
            "{}: all {total} artifacts are byte-identical in both builds",
            Ui::paint(style::GOOD, "REPRODUCIBLE")
        ));
    } else {
        ui.say(format!(
            "{}: {} of {total} artifacts differ:",
            Ui::paint(style::BAD, "NOT REPRODUCIBLE"),
            outcome.differences.len()
        ));
        for d in &outcome.differences {
            let what = match d {
                ArtifactDiff::Differs { .. } => "differs",
                ArtifactDiff::OnlyFirst { .. } => "only in the first build",
                ArtifactDiff::OnlySecond { .. } => "only in the second build",
            };
            ui.say(format!("  {}  ({what})", d.path()));
        }
    }
}

/// Warnings about what a plan is built from (a patched toolchain, a dirty
/// tree).
pub fn prepared_warnings(p: &Prepared) -> Vec<String> {
    let mut w = Vec::new();
    if !p.toolchain.patched.is_empty() {
        w.push(format!(
            "{} is a patched toolchain ({} references to /nix/store): this build is for investigation, not for release",
            p.toolchain.goroot.display(),
            p.toolchain.patched.len()
        ));
    }
    if p.state.dirty {
        w.push("building from a dirty tree (--allow-dirty); build.json records it".into());
    }
    w
}

/// `building NAME VERSION for N targets with Go V (J at once)`.
pub fn building_line(p: &Prepared, jobs: usize) -> String {
    format!(
        "building {} {} for {} target{} with Go {} ({} at once)",
        p.plan.name,
        p.plan.release.version,
        p.plan.targets.len(),
        if p.plan.targets.len() == 1 { "" } else { "s" },
        p.toolchain.version,
        jobs
    )
}
