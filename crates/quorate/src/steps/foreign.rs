//! `quorate reproduce` for a release quorate did not make (no build.json,
//! no quorate.toml at the tag): the recipe is read from the published
//! programs and archives (`quorate_reproduce::recipe`), the release is
//! rebuilt from it in-process (`quorate_reproduce::foreign`: no host tar,
//! gzip or zip), then compared and explained as usual.

use std::path::{Path, PathBuf};

use quorate_diff::DiffOptions;
use quorate_release::toolchain::{self, FindOptions};
use quorate_reproduce::compare::{self, ToolchainUsed};
use quorate_reproduce::foreign::{self, ForeignOutcome};
use quorate_reproduce::goreleaser;
use quorate_reproduce::recipe::{self, Limits};
use quorate_reproduce::{Published, ReproduceError, Workspace, source};

use crate::cli::ReproduceArgs;
use crate::exit::ExitStatus;
use crate::output::reproduce::{render_foreign, summary_foreign};
use crate::steps::reproduce::{Report, closing, place_rebuild, write_report};
use crate::ui::Ui;

/// Everything the common part of `reproduce` has done before.
pub struct Ready<'a> {
    /// The published release.
    pub published: &'a Published,
    /// The clone.
    pub checkout: &'a source::Checkout,
    /// The verification, when done.
    pub verification: Option<quorate_attest::verify::ReleaseReport>,
    /// `--out`, absolute.
    pub out: Option<PathBuf>,
}

/// Whether the release is one quorate did not make: no build.json and no
/// quorate.toml (`--config`) at the checked-out commit.
pub fn is_foreign(published: &Published, checkout: &source::Checkout, config: &Path) -> bool {
    published.build_info.is_none() && !checkout.dir.join(config).is_file()
}

/// Reads the recipe, rebuilds, compares, reports.
pub fn reproduce_foreign(
    args: &ReproduceArgs,
    ready: Ready<'_>,
    ws: Workspace,
    registered: crate::interrupt::Registered,
    report: Report,
    ui: &Ui,
) -> anyhow::Result<ExitStatus> {
    let Ready {
        published,
        checkout,
        verification,
        out,
    } = ready;
    if args.attest {
        anyhow::bail!(
            "--attest is for releases quorate made (with build.json); this release has none"
        );
    }
    ui.step(format!(
        "reading the recipe of {} from its programs and archives (no build.json, no {} at {})",
        published.dir.display(),
        args.config.display(),
        checkout.git_ref
    ));
    let r = recipe::from_published(published, &Limits::default())?;
    for w in &r.warnings {
        ui.warn(w);
    }
    ui.say(format!(
        "    {} archives, {} Go programs; `quorate recipe {}` shows the whole recipe",
        r.archives.len(),
        r.binaries.len(),
        published.dir.display()
    ));
    let go = foreign::go_version(&r)?;
    let t = toolchain::find(&FindOptions {
        version: &go,
        config_path: None,
        explicit: args.toolchain.as_deref(),
        allow_patched: args.allow_patched,
    })
    .map_err(ReproduceError::from)?;
    if !t.is_official() {
        ui.warn(format!(
            "{} is a PATCHED toolchain: this rebuild is for investigation only",
            t.goroot.display()
        ));
    }
    let mut warnings = published.warnings.clone();
    warnings.extend(r.warnings.iter().cloned());

    // -X definitions: not in the build info of a -trimpath build; read from
    // the source's Makefile and scripts, kept when the published program
    // holds their value.
    let mut found =
        foreign::source_x_definitions(&checkout.dir, &checkout.git_ref, &checkout.commit);
    // And those of a GoReleaser configuration, its templates expanded with
    // the tag and commit.
    let values = goreleaser::TemplateValues {
        tag: checkout.git_ref.clone(),
        commit: checkout.commit.clone(),
        commit_time: goreleaser::commit_time(&checkout.dir),
        project: r.manifest.project.clone(),
    };
    for x in goreleaser::x_definitions(&checkout.dir, &values) {
        if !found.iter().any(|f| f.definition == x.definition) {
            found.push(x);
        }
    }
    let sample = r
        .binaries
        .iter()
        .find(|b| b.ldflags.is_none())
        .and_then(|b| r.program_bytes(b));
    let mut xdefs = Vec::new();
    for x in found {
        let value = x.definition.split_once('=').map(|(_, v)| v).unwrap_or("");
        let present = sample.as_ref().is_some_and(|d| {
            !value.is_empty() && d.windows(value.len()).any(|w| w == value.as_bytes())
        });
        if present {
            ui.say(format!("    -X {} (from {})", x.definition, x.file));
            xdefs.push(x);
        } else {
            let w = format!(
                "{}: -X {} is not used: the published program does not hold {value:?}",
                x.file, x.definition
            );
            ui.warn(&w);
            warnings.push(w);
        }
    }
    let defs: Vec<String> = xdefs.iter().map(|x| x.definition.clone()).collect();
    ui.step(format!(
        "rebuilding {} programs and {} archives with Go {} (in-process tar, gzip and zip)",
        r.binaries.len(),
        r.archives.len(),
        t.version
    ));
    let gocache = toolchain::cache_dir().join("go-build");
    let rebuilt = foreign::rebuild(&r, checkout, &t, &gocache, &defs, &ws.work_dir(), ui)?;
    for w in &rebuilt.warnings {
        ui.warn(w);
    }
    warnings.extend(rebuilt.warnings.iter().cloned());
    let rebuilt_dir = place_rebuild(&rebuilt.out_dir, out.as_deref())?;
    ui.step(format!(
        "comparing {} published artifacts with the rebuild",
        published.manifest.len()
    ));
    // The programs inside the published archives are compared too (the
    // diff engine reads them from an extracted copy).
    let view = foreign::published_view(
        &r,
        published,
        &rebuilt.manifest,
        &ws.path().join("published"),
    )?;
    let (artifacts, counts, causes) = compare::compare(
        &view,
        &rebuilt.manifest,
        &rebuilt_dir,
        false,
        &DiffOptions {
            timeout: std::time::Duration::from_secs(args.diff_timeout.max(1)),
            ..DiffOptions::default()
        },
        ui,
    );
    let reproduced = counts.different == 0 && counts.missing == 0 && counts.extra == 0;
    let kept = out.is_some() || args.keep;
    let outcome = ForeignOutcome {
        release: published.dir.clone(),
        manifest: published.manifest_path.clone(),
        version: published.version.clone(),
        source: checkout.repo.clone(),
        git_ref: checkout.git_ref.clone(),
        commit: checkout.commit.clone(),
        verification,
        toolchain: ToolchainUsed {
            version: t.version.clone(),
            goroot: t.goroot.clone(),
            official: t.is_official(),
            patched: t.patched.clone(),
        },
        recipe: r,
        x_definitions: xdefs,
        commands: rebuilt.commands,
        artifacts,
        counts,
        causes,
        warnings,
        rebuild_dir: kept.then(|| rebuilt_dir.clone()),
        reproduced,
    };
    write_report(&outcome, &rebuilt_dir, report, args, ui, || {
        render_foreign(&outcome, args.max_findings)
    })?;
    if let Some(file) = &args.html {
        let page = quorate_html::foreign_report(&outcome, &Default::default());
        crate::steps::html::write_html(file, &page, ui)?;
    }
    summary_foreign(&outcome, ui);
    closing(args, out.is_some(), ws, registered, &rebuilt_dir, ui);
    Ok(ExitStatus::check(outcome.reproduced))
}
