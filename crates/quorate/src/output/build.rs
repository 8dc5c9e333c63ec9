//! `quorate build`'s text: the progress lines of a build (one per
//! [`Event`] of `quorate_release::pipeline`), the `--check` comparison,
//! the plan (`--dry-run`) and the JSON result.

use quorate_release::check::{ArtifactDiff, CheckOutcome};
use quorate_release::event::{Event, Reporter};
use quorate_release::pipeline::Done;
use quorate_release::plan::Prepared;
use quorate_release::toolchain::Toolchain;

use crate::output::json;
use crate::ui::{Ui, style};

/// The terminal renders a build's events.
impl Reporter for Ui {
    fn event(&self, e: Event<'_>) {
        event(e, self);
    }
}

/// Prints the line (or lines) of `event` (stderr).
pub fn event(event: Event<'_>, ui: &Ui) {
    match event {
        Event::PatchedToolchain { toolchain } => ui.warn(patched_warning(toolchain)),
        Event::DirtyTree => ui.warn(DIRTY_WARNING),
        Event::Building { prepared, jobs } => ui.step(building_line(prepared, jobs)),
        Event::Published { release, manifest } => {
            if release.replaced {
                ui.say(format!(
                    "replaced the earlier build in {}",
                    release.dest.display()
                ));
            }
            ui.say(format!(
                "wrote {} ({} artifacts listed in {manifest})",
                release.dest.display(),
                release.built.manifest.len(),
            ));
        }
        Event::Checking { variations } => {
            ui.step("rebuilding under varied conditions to check reproducibility");
            for v in variations {
                ui.say(format!("    varied: {v}"));
            }
        }
        Event::Checked { outcome, artifacts } => check_outcome(outcome, artifacts, ui),
    }
}

/// Prints where the second build is kept (when it differs), then the
/// comparison (stderr).
pub fn check_outcome(outcome: &CheckOutcome, total: usize, ui: &Ui) {
    if let Some(kept) = &outcome.second {
        ui.say(format!("the second build is kept in {}", kept.display()));
    }
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

const DIRTY_WARNING: &str = "building from a dirty tree (--allow-dirty); build.json records it";

fn patched_warning(t: &Toolchain) -> String {
    format!(
        "{} is a patched toolchain ({} references to /nix/store): this build is for investigation, not for release",
        t.goroot.display(),
        t.patched.len()
    )
}

/// `building NAME VERSION for N targets with Go V (J at once)`.
fn building_line(p: &Prepared, jobs: usize) -> String {
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

/// The plan of `--dry-run` (stdout): its text, or JSON.
pub fn plan(p: &Prepared, as_json: bool, ui: &Ui) -> anyhow::Result<()> {
    if as_json {
        ui.out(json(&p.plan)?);
    } else {
        ui.out(p.plan.to_text());
    }
    Ok(())
}

/// The result of a build as JSON (`--json`): where it went, its
/// artifacts, `build.json` and the `--check` outcome.
pub fn done_json(done: &Done) -> anyhow::Result<String> {
    let dest = &done.release.dest;
    let built = &done.release.built;
    json(&serde_json::json!({
        "dist": dest,
        "manifest": dest.join(&done.prepared.plan.manifest),
        "artifacts": built.manifest.entries(),
        "build": built.info,
        "check": done.check,
    }))
}
