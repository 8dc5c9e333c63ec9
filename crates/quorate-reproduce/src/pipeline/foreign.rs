//! The reproduction of a release quorate did not make (no build.json, no
//! quorate.toml at the tag): the recipe is read from the published
//! programs and archives ([`crate::recipe`]), the release is rebuilt from
//! it in-process ([`crate::foreign`]: no host tar, gzip or zip), then
//! compared and explained as usual.

use std::path::Path;

use quorate_release::toolchain::{self, FindOptions};

use super::{Done, Verified, place_rebuild};
use crate::compare::{self, ToolchainUsed};
use crate::event::{Event, Reporter};
use crate::foreign::{self, ForeignOutcome, XDefinition};
use crate::goreleaser;
use crate::recipe::{self, Limits, Recipe};
use crate::{Published, ReproduceError, source};

/// Whether the release is one quorate did not make: no build.json and no
/// quorate.toml (`config`) at the checked-out commit.
pub fn is_foreign(published: &Published, checkout: &source::Checkout, config: &Path) -> bool {
    published.build_info.is_none() && !checkout.dir.join(config).is_file()
}

/// Reads the recipe, rebuilds, compares, composes the outcome.
pub(super) fn reproduce(
    v: Verified<'_>,
    r: &impl Reporter,
) -> Result<Done<ForeignOutcome>, ReproduceError> {
    let (published, checkout) = (v.published, &v.checkout);
    if v.req.attest {
        return Err(ReproduceError::NotAttestable);
    }
    r.event(Event::ReadingRecipe {
        release: &published.dir,
        config: &v.req.config,
        git_ref: &checkout.git_ref,
    });
    let rec = recipe::from_published(published, &Limits::default())
        .map_err(|e| ReproduceError::Recipe(Box::new(e)))?;
    for w in &rec.warnings {
        r.event(Event::Warning(w));
    }
    r.event(Event::RecipeRead {
        recipe: &rec,
        release: &published.dir,
    });
    let go = foreign::go_version(&rec)?;
    let t = toolchain::find(&FindOptions {
        version: &go,
        config_path: None,
        explicit: v.req.toolchain.as_deref(),
        allow_patched: v.req.allow_patched,
    })?;
    if !t.is_official() {
        r.event(Event::PatchedToolchain {
            toolchain: &t,
            from_recipe: true,
        });
    }
    let mut warnings = published.warnings.clone();
    warnings.extend(rec.warnings.iter().cloned());
    let xdefs = x_definitions(&rec, checkout, &mut warnings, r);
    let defs: Vec<String> = xdefs.iter().map(|x| x.definition.clone()).collect();
    r.event(Event::RebuildingRecipe {
        recipe: &rec,
        go: &t.version,
    });
    let gocache = toolchain::cache_dir().join("go-build");
    let work = v.workspace.work_dir();
    let rebuilt = foreign::rebuild(&rec, checkout, &t, &gocache, &defs, &work, r)?;
    for w in &rebuilt.warnings {
        r.event(Event::Warning(w));
    }
    warnings.extend(rebuilt.warnings.iter().cloned());
    let rebuilt_dir = place_rebuild(&rebuilt.out_dir, v.req.out.as_deref())?;
    r.event(Event::Comparing {
        artifacts: published.manifest.len(),
    });
    // The programs inside the published archives are compared too (the
    // diff engine reads them from an extracted copy).
    let view = foreign::published_view(
        &rec,
        published,
        &rebuilt.manifest,
        &v.workspace.path().join("published"),
    )?;
    let (artifacts, counts, causes) = compare::compare(
        &view,
        &rebuilt.manifest,
        &rebuilt_dir,
        false,
        &v.diff_options(),
        r,
    );
    let reproduced = counts.different == 0 && counts.missing == 0 && counts.extra == 0;
    let outcome = ForeignOutcome {
        release: published.dir.clone(),
        manifest: published.manifest_path.clone(),
        version: published.version.clone(),
        source: checkout.repo.clone(),
        git_ref: checkout.git_ref.clone(),
        commit: checkout.commit.clone(),
        verification: v.verification.clone(),
        toolchain: ToolchainUsed {
            version: t.version.clone(),
            goroot: t.goroot.clone(),
            official: t.is_official(),
            patched: t.patched.clone(),
        },
        recipe: rec,
        x_definitions: xdefs,
        commands: rebuilt.commands,
        artifacts,
        counts,
        causes,
        warnings,
        rebuild_dir: v.kept().then(|| rebuilt_dir.clone()),
        reproduced,
    };
    v.done(outcome, rebuilt_dir)
}

/// The `-X` definitions of the rebuild: not in the build info of a
/// -trimpath build, so read from the source's Makefile and scripts and
/// from a GoReleaser configuration (its templates expanded with the tag
/// and commit), and kept when the published program holds their value;
/// the others are warnings (reported and added to `warnings`).
fn x_definitions(
    rec: &Recipe,
    checkout: &source::Checkout,
    warnings: &mut Vec<String>,
    r: &impl Reporter,
) -> Vec<XDefinition> {
    let mut found =
        foreign::source_x_definitions(&checkout.dir, &checkout.git_ref, &checkout.commit);
    let values = goreleaser::TemplateValues {
        tag: checkout.git_ref.clone(),
        commit: checkout.commit.clone(),
        commit_time: goreleaser::commit_time(&checkout.dir),
        project: rec.manifest.project.clone(),
    };
    for x in goreleaser::x_definitions(&checkout.dir, &values) {
        if !found.iter().any(|f| f.definition == x.definition) {
            found.push(x);
        }
    }
    let sample = rec
        .binaries
        .iter()
        .find(|b| b.ldflags.is_none())
        .and_then(|b| rec.program_bytes(b));
    let mut xdefs = Vec::new();
    for x in found {
        let value = x.definition.split_once('=').map(|(_, v)| v).unwrap_or("");
        let present = sample.as_ref().is_some_and(|d| {
            !value.is_empty() && d.windows(value.len()).any(|w| w == value.as_bytes())
        });
        if present {
            r.event(Event::XDefinition { definition: &x });
            xdefs.push(x);
        } else {
            let w = format!(
                "{}: -X {} is not used: the published program does not hold {value:?}",
                x.file, x.definition
            );
            r.event(Event::Warning(&w));
            warnings.push(w);
        }
    }
    xdefs
}
