//! The lines of a reproduction's progress on stderr: one function maps
//! each [`Event`] that `quorate_reproduce` reports to what the user reads
//! (`==> ` steps, indented facts, warnings).

use quorate_base::text::count;
use quorate_release::toolchain::Toolchain;
use quorate_reproduce::{Event, Prepared, Published};

use crate::output::reproduce::verification_line;
use crate::ui::Ui;

/// Prints the line (or lines) of `event`.
pub fn reproduce(event: Event<'_>, ui: &Ui) {
    match event {
        Event::ReadingRelease { dir } => {
            ui.step(format!("reading the release in {}", dir.display()));
        }
        Event::ReleaseRead { published } => ui.say(release_read(published)),
        Event::Warning(w) => ui.warn(w),
        Event::Workspace { .. } => {}
        Event::Cloning { source, git_ref } => ui.step(format!(
            "cloning {source} at {git_ref} into a fresh temporary folder"
        )),
        Event::CheckedOut { commit } => ui.say(format!("    commit {commit}")),
        Event::NotVerifying => ui.warn(
            "--no-verify: the published release is NOT verified; its signatures and files are taken on trust",
        ),
        Event::Verifying { policy } => ui.step(format!(
            "verifying the published release against {} (threshold {})",
            policy.source.display(),
            policy.threshold
        )),
        Event::Verified { report } => ui.say(format!("    {}", verification_line(report))),
        Event::PatchedToolchain {
            toolchain,
            from_recipe,
        } => ui.warn(patched_toolchain(toolchain, from_recipe)),
        Event::Rebuilding { prepared, jobs } => ui.step(rebuilding(prepared, jobs)),
        Event::ReadingRecipe {
            release,
            config,
            git_ref,
        } => ui.step(format!(
            "reading the recipe of {} from its programs and archives (no build.json, no {} at {git_ref})",
            release.display(),
            config.display(),
        )),
        Event::RecipeRead { recipe, release } => ui.say(format!(
            "    {}, {}; `quorate recipe {}` shows the whole recipe",
            count(recipe.archives.len(), "archive"),
            count(recipe.binaries.len(), "Go program"),
            release.display()
        )),
        Event::XDefinition { definition: x } => {
            ui.say(format!("    -X {} (from {})", x.definition, x.file));
        }
        Event::RebuildingRecipe { recipe, go } => ui.step(format!(
            "rebuilding {} and {} with Go {go} (in-process tar, gzip and zip)",
            count(recipe.binaries.len(), "program"),
            count(recipe.archives.len(), "archive"),
        )),
        Event::Comparing { artifacts } => ui.step(format!(
            "comparing {artifacts} published artifacts with the rebuild"
        )),
        Event::NotAttesting { why } => ui.warn(format!("not attesting: {why}")),
        Event::ForcedAttestation => {
            ui.warn("--force: attesting a rebuild that differs from the published release");
        }
        Event::Signing { signer, repo } => ui.step(format!(
            "signing the rebuilt manifest as {signer} and adding it to {}",
            repo.display()
        )),
        Event::Attested {
            signature,
            added,
            repo,
            version,
        } => {
            ui.say(format!(
                "    wrote {}; committed {} ({})",
                signature.display(),
                added.files.join(", "),
                &added.commit[..added.commit.len().min(12)]
            ));
            ui.say(format!(
                "    compare everyone's attestations: quorate verify --attestations {} --version {version} --policy POLICY",
                repo.display(),
            ));
        }
    }
}

/// What the published release holds: its manifest, version, artifacts,
/// signature files and (from `build.json`) what built it.
fn release_read(p: &Published) -> String {
    format!(
        "    {} {}: {}, {}{}",
        p.manifest_path.display(),
        p.version(),
        count(p.manifest.len(), "artifact"),
        count(p.signatures.len(), "signature file"),
        p.build_info
            .as_ref()
            .map(|b| format!(
                ", built by quorate {} with Go {}",
                b.quorate_version, b.toolchain.version
            ))
            .unwrap_or_default()
    )
}

/// The warning that the toolchain is patched (one given by hand, or the
/// one a recipe needs).
fn patched_toolchain(t: &Toolchain, from_recipe: bool) -> String {
    if from_recipe {
        format!(
            "{} is a PATCHED toolchain: this rebuild is for investigation only",
            t.goroot.display()
        )
    } else {
        format!(
            "{} is a PATCHED toolchain ({} references to /nix/store): this rebuild is for investigation only and cannot reproduce an official release",
            t.goroot.display(),
            t.patched.len()
        )
    }
}

/// The step line of a rebuild: what, for how many targets, with which Go.
fn rebuilding(prepared: &Prepared, jobs: usize) -> String {
    let plan = &prepared.plan;
    format!(
        "rebuilding {} {} for {} target{} with Go {} (SOURCE_DATE_EPOCH={}, {} at once)",
        plan.name,
        plan.release.version,
        plan.targets.len(),
        if plan.targets.len() == 1 { "" } else { "s" },
        prepared.toolchain.version,
        plan.release.source_date_epoch,
        jobs
    )
}
