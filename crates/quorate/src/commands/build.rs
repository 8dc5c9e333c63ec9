//! `quorate build`: build every target of a release reproducibly into
//! `dist/<version>/`, print the plan (`--dry-run`), or prove the build
//! reproducible (`--check`). The steps are `crate::steps::release`'s and
//! `quorate_release`'s, shared with `quorate demo`.

use std::path::Path;

use anyhow::Context;
use quorate_release::build::{self, BuildOptions, ToolchainFacts};
use quorate_release::check;
use quorate_release::plan::ToolchainChoice;

use crate::cli::BuildArgs;
use crate::exit::ExitStatus;
use crate::output::{self, json};
use crate::steps::explain::explain_release_difference;
use crate::steps::release::{default_jobs, prepare, varied_rebuild};
use crate::ui::Ui;

fn choice(args: &BuildArgs, gocache: Option<std::path::PathBuf>) -> ToolchainChoice {
    ToolchainChoice {
        explicit: args.toolchain.clone(),
        allow_patched: args.allow_patched,
        gocache,
    }
}

/// Runs `quorate build`.
pub fn run(args: BuildArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let jobs = args.jobs.unwrap_or_else(default_jobs).max(1);
    if let Some(out) = &args.internal_out {
        return run_internal(&args, out, jobs, ui);
    }
    let p = prepare(
        &args.config,
        args.version.as_deref(),
        args.allow_dirty,
        &choice(&args, None),
    )?;
    for w in output::build::prepared_warnings(&p) {
        ui.warn(w);
    }
    if args.dry_run {
        if args.json {
            ui.out(json(&p.plan)?);
        } else {
            ui.out(p.plan.to_text());
        }
        return Ok(ExitStatus::Success);
    }
    let dist_root = match &args.dist {
        Some(d) => std::path::absolute(d)?,
        None => p.dir.join("dist"),
    };
    ui.step(output::build::building_line(&p, jobs));
    let release = build::build_into(&p, &dist_root, jobs, ui)?;
    let (dest, built) = (&release.dest, &release.built);
    if release.replaced {
        ui.say(format!("replaced the earlier build in {}", dest.display()));
    }
    ui.say(format!(
        "wrote {} ({} artifacts listed in {})",
        dest.display(),
        built.manifest.len(),
        p.plan.manifest
    ));
    let mut status = ExitStatus::Success;
    let mut check_outcome = None;
    if args.check {
        ui.step("rebuilding under varied conditions to check reproducibility");
        for v in check::variations(check::separate_gocache().is_some()) {
            ui.say(format!("    varied: {v}"));
        }
        let outcome = varied_rebuild(&p, &built.manifest, jobs, ui)?;
        output::build::check_outcome(&outcome, built.manifest.len(), ui);
        status = ExitStatus::check(outcome.reproducible);
        if let Some(second) = &outcome.second {
            explain_release_difference(dest, second, 5, ui);
        }
        check_outcome = Some(outcome);
    }
    if args.json {
        ui.out(json(&serde_json::json!({
            "dist": dest,
            "manifest": dest.join(&p.plan.manifest),
            "artifacts": built.manifest.entries(),
            "build": built.info,
            "check": check_outcome,
        }))?);
    }
    Ok(status)
}

/// The varied build of `--check`, run as a child process: builds in the
/// given work folder (files copied in reverse order, with old times) and
/// moves the result to `out`.
fn run_internal(args: &BuildArgs, out: &Path, jobs: usize, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let work = args
        .internal_work_dir
        .as_deref()
        .context("--internal-out needs --internal-work-dir")?;
    let p = prepare(
        &args.config,
        args.version.as_deref(),
        args.allow_dirty,
        &choice(args, args.internal_gocache.clone()),
    )?;
    std::fs::create_dir_all(&p.gocache)?;
    let built = build::execute(
        &p.plan,
        &p.state,
        &ToolchainFacts::of(&p.toolchain),
        &BuildOptions {
            jobs,
            work_dir: work.to_path_buf(),
            reverse_copy: true,
            copy_mtime: Some(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(check::VARIED_MTIME),
            ),
        },
        ui,
    )?;
    build::publish(&built.out_dir, out)?;
    Ok(ExitStatus::Success)
}
