//! The build steps `build` and `demo` share: the project's plan, the
//! default parallelism, and `--check`'s varied rebuild (a child `quorate
//! build` under other conditions, compared by manifest).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use quorate_manifest::Manifest;
use quorate_release::check;
use quorate_release::plan::{self, PrepareError, Prepared, ProjectOptions, ToolchainChoice};
use quorate_release::toolchain;

use crate::error::hinted;
use crate::ui::Ui;

/// The plan of the project whose config is `config` (version from the tag,
/// SOURCE_DATE_EPOCH from the environment or the commit).
pub fn prepare(
    config: &Path,
    version: Option<&str>,
    allow_dirty: bool,
    choice: &ToolchainChoice,
) -> Result<Prepared, PrepareError> {
    plan::prepare_project(
        &ProjectOptions {
            config: config.to_path_buf(),
            version: version.map(str::to_string),
            source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
            allow_dirty,
        },
        choice,
    )
}

/// The default number of targets built at once: the number of CPUs.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

pub use crate::report::CheckOutcome;

/// Rebuilds `p`'s release in a child `quorate build` under varied
/// conditions ([`check::noise_env`], umask, another path and file order,
/// other file times, a fresh Go cache, or `$QUORATE_CHECK_GOCACHE`'s) and
/// compares its manifest with
/// `first`. When the builds differ the second build is kept (in a
/// temporary folder whose path is returned) for `quorate diff`.
pub fn varied_rebuild(
    p: &Prepared,
    first: &Manifest,
    jobs: usize,
    ui: &Ui,
) -> anyhow::Result<CheckOutcome> {
    // The running binary, even if it was replaced on disk meanwhile
    // (/proc/<pid>/exe stays executable on Linux).
    let proc_exe = PathBuf::from(format!("/proc/{}/exe", std::process::id()));
    let exe = if proc_exe.exists() {
        proc_exe
    } else {
        std::env::current_exe().context("cannot find quorate's own executable")?
    };
    let root = tempfile::Builder::new()
        .prefix("quorate-check-")
        .tempdir()
        .context("cannot create a temporary folder for the varied build")?;
    let home = root.path().join("home");
    let work = root
        .path()
        .join("a-longer-path/for-the-second-build/so-that-any-leaked-path/shows-up");
    let out = root.path().join("second");
    let gocache =
        check::separate_gocache().unwrap_or_else(|| root.path().join("fresh-go-build-cache"));
    for d in [&home, &work, &gocache] {
        std::fs::create_dir_all(d).with_context(|| format!("{}: cannot create", d.display()))?;
    }
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "umask {} && exec \"$0\" \"$@\"",
            check::VARIED_UMASK
        ))
        .arg(&exe)
        .arg("build")
        .arg("--config")
        .arg(&p.config_path)
        .arg("--version")
        .arg(&p.plan.release.version)
        .arg("--toolchain")
        .arg(&p.toolchain.goroot)
        .arg("-j")
        .arg(jobs.to_string())
        .arg("--internal-out")
        .arg(&out)
        .arg("--internal-work-dir")
        .arg(&work)
        .arg("--internal-gocache")
        .arg(&gocache);
    if p.plan.release.dirty {
        cmd.arg("--allow-dirty");
    }
    if !p.toolchain.patched.is_empty() {
        cmd.arg("--allow-patched");
    }
    cmd.current_dir(&home)
        .envs(check::noise_env(&home))
        .env(
            "SOURCE_DATE_EPOCH",
            p.plan.release.source_date_epoch.to_string(),
        )
        .env("QUORATE_CACHE", toolchain::cache_dir())
        .env("NO_COLOR", "1");
    let output = cmd.output().context("cannot start the varied build")?;
    if !output.status.success() {
        return Err(hinted(
            format!(
                "the varied build (the second build of --check) failed:\n{}",
                String::from_utf8_lossy(&output.stderr).trim_end()
            ),
            "the first build succeeded; the output above is the second build's",
        ));
    }
    let second = Manifest::read(&out.join(&p.plan.manifest))?;
    let differences = check::compare_manifests(first, &second);
    let reproducible = differences.is_empty();
    let kept = if reproducible {
        None
    } else {
        let kept = root.keep().join("second");
        ui.say(format!("the second build is kept in {}", kept.display()));
        Some(kept)
    };
    Ok(CheckOutcome {
        reproducible,
        differences,
        variations: check::variations(check::separate_gocache().is_some()),
        second: kept,
    })
}
