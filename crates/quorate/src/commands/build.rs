//! `quorate build`: build every target of a release reproducibly into
//! `dist/<version>/`, print the plan (`--dry-run`), or prove the build
//! reproducible (`--check`). The whole step is
//! `quorate_release::pipeline::build`; its events and result are rendered
//! by `crate::output::build`.

use std::path::Path;

use anyhow::Context;
use quorate_release::check;
use quorate_release::pipeline::{self, Check, Outcome, Request};
use quorate_release::plan::ToolchainChoice;

use crate::cli::BuildArgs;
use crate::exit::ExitStatus;
use crate::output;
use crate::steps::explain::explain_release_difference;
use crate::steps::release::{default_jobs, own_program, prepare, project};
use crate::ui::Ui;

fn choice(args: &BuildArgs, gocache: Option<std::path::PathBuf>) -> ToolchainChoice {
    ToolchainChoice {
        explicit: args.toolchain.clone(),
        allow_patched: args.allow_patched,
        gocache,
    }
}

/// The library's request from the arguments.
fn request(args: &BuildArgs, jobs: usize) -> anyhow::Result<Request> {
    Ok(Request {
        project: project(&args.config, args.version.as_deref(), args.allow_dirty),
        toolchain: choice(args, None),
        plan_only: args.dry_run,
        dist: args.dist.as_deref().map(std::path::absolute).transpose()?,
        jobs,
        check: match args.check {
            true => Some(Check {
                program: own_program()?,
            }),
            false => None,
        },
    })
}

/// Runs `quorate build`.
pub fn run(args: BuildArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let jobs = args.jobs.unwrap_or_else(default_jobs).max(1);
    if let Some(out) = &args.internal_out {
        return run_internal(&args, out, jobs, ui);
    }
    let done = match pipeline::build(&request(&args, jobs)?, ui)? {
        Outcome::Planned(p) => {
            output::build::plan(&p, args.json, ui)?;
            return Ok(ExitStatus::Success);
        }
        Outcome::Built(done) => done,
    };
    let mut status = ExitStatus::Success;
    if let Some(outcome) = &done.check {
        status = ExitStatus::check(outcome.reproducible);
        if let Some(second) = &outcome.second {
            explain_release_difference(&done.release.dest, second, 5, ui);
        }
    }
    if args.json {
        ui.out(output::build::done_json(&done)?);
    }
    Ok(status)
}

/// The varied build of `--check`, run as a child process
/// ([`check::build_varied`]).
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
    check::build_varied(&p, work, out, jobs, ui)?;
    Ok(ExitStatus::Success)
}
