//! `quorate build`: build every target of a release reproducibly into
//! `dist/<version>/`, print the plan (`--dry-run`), or prove the build
//! reproducible (`--check`).
//!
//! The pieces are public so `quorate demo` runs exactly what `quorate
//! build` runs: [`prepare`] (config, git, toolchain, plan), [`build_to`]
//! (execute and publish) and [`varied_rebuild`] (the `--check` build in a
//! child process under varied conditions).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use quorate_manifest::Manifest;
use quorate_release::build::{self, BuildOptions, Built, ToolchainFacts};
use quorate_release::check::{self, ArtifactDiff};
use quorate_release::config::Config;
use quorate_release::gitsrc::{self, SourceState};
use quorate_release::plan::{Plan, PlanToolchain, Release};
use quorate_release::toolchain::{self, FindOptions, Toolchain};

use crate::ui::{Ui, style};
use crate::{EXIT_FAILED, EXIT_OK};

/// Flags of `quorate build`.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(after_help = "\
Examples:
  quorate build --dry-run          print every go build (argv and environment) and output
  quorate build                    build dist/<tag>/ from the tagged commit
  quorate build -j 2 --check       build, then rebuild under varied conditions and compare
  SOURCE_DATE_EPOCH=1700000000 quorate build --version v1.0.0-rc1 --allow-dirty

The version is the tag on HEAD (`git describe --tags --exact-match`) unless
--version is given; SOURCE_DATE_EPOCH is the commit time unless set. Only
files tracked by git are built and packed. The toolchain must be the exact
official Go release quorate.toml pins: searched in [go] toolchain,
$QUORATE_GO, `go` on PATH, then quorate's cache (`quorate toolchain install`).

Outputs in dist/<version>/: <name>-<os>-<arch>-<version>/ (binaries) and its
.tar.gz (.zip for windows), vendor.tar.gz, <name>-source-<version>.tar.gz,
manifest-<version>.txt (sha256sum -c format) and build.json. They are built
in a temporary folder and moved there only when every target built.

Exit codes: 0 built (and, with --check, reproducible); 1 --check found
artifacts that differ; 2 quorate could not build (config, toolchain, dirty
tree, compile error, I/O).")]
pub struct Args {
    /// The config file; the Go module is its folder.
    #[arg(long, default_value = "quorate.toml")]
    pub config: PathBuf,
    /// Print the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Build twice, the second time under varied conditions, and compare.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Targets built at once (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The release version (default: the tag on HEAD).
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Build even though tracked files were modified (recorded in build.json).
    #[arg(long)]
    pub allow_dirty: bool,
    /// A Go toolchain (GOROOT or go binary) to use first.
    #[arg(long, value_name = "PATH")]
    pub toolchain: Option<PathBuf>,
    /// Accept a patched toolchain, for investigation only (build.json says
    /// official: false).
    #[arg(long)]
    pub allow_patched: bool,
    /// Where releases go (default: dist/ beside the config).
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// Print JSON on stdout (the plan with --dry-run, else the result).
    #[arg(long)]
    pub json: bool,
    /// Internal (--check's varied build): write the release to this folder.
    #[arg(long, hide = true, requires = "internal_work_dir")]
    pub internal_out: Option<PathBuf>,
    /// Internal: the work folder of the varied build.
    #[arg(long, hide = true)]
    pub internal_work_dir: Option<PathBuf>,
    /// Internal: the Go build cache of the varied build.
    #[arg(long, hide = true)]
    pub internal_gocache: Option<PathBuf>,
}

/// Everything a build needs, computed before anything is written.
pub struct Prepared {
    /// The config.
    pub config: Config,
    /// The config file (absolute).
    pub config_path: PathBuf,
    /// The Go module folder (absolute).
    pub dir: PathBuf,
    /// The git state.
    pub state: SourceState,
    /// The toolchain.
    pub toolchain: Toolchain,
    /// The Go build cache.
    pub gocache: PathBuf,
    /// The plan.
    pub plan: Plan,
}

/// Loads the config, reads git, finds the toolchain and makes the plan.
pub fn prepare(args: &Args, gocache: Option<&Path>) -> anyhow::Result<Prepared> {
    let config_path = std::path::absolute(&args.config)
        .with_context(|| format!("{}: cannot resolve the path", args.config.display()))?;
    if !config_path.is_file() {
        bail!(
            "{}: no such file\nhint: run `quorate init` in the Go module, or pass --config",
            config_path.display()
        );
    }
    let config = Config::load(&config_path)?;
    let dir = config_path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let state = gitsrc::read_state(&dir, args.allow_dirty)?;
    let version = match (&args.version, &state.tag) {
        (Some(v), _) => v.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => {
            return Err(gitsrc::GitError::NoTag {
                dir: dir.clone(),
                commit: state.commit.clone(),
            }
            .into());
        }
    };
    gitsrc::check_version(&version)?;
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.is_empty() => gitsrc::parse_epoch(&v)?,
        _ => state.commit_time,
    };
    let config_tool = config.go.toolchain.as_ref().map(|p| dir.join(p));
    let toolchain = toolchain::find(&FindOptions {
        version: &config.go.version,
        config_path: config_tool.as_deref(),
        explicit: args.toolchain.as_deref(),
        allow_patched: args.allow_patched,
    })?;
    let gocache = match gocache {
        Some(p) => p.to_path_buf(),
        None => toolchain::cache_dir().join("go-build"),
    };
    let release = Release {
        version,
        commit: state.commit.clone(),
        source_date_epoch,
        dirty: state.dirty,
    };
    let plan_tool = PlanToolchain {
        version: toolchain.version.clone(),
        go: toolchain.go.clone(),
        base_env: toolchain.base_env(&gocache),
    };
    let vendored = build::will_vendor(&state, config.go.vendor);
    let plan = Plan::new(&config, &release, &plan_tool, vendored);
    Ok(Prepared {
        config,
        config_path,
        dir,
        state,
        toolchain,
        gocache,
        plan,
    })
}

/// The default number of targets built at once: the number of CPUs.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Executes the plan in a work folder inside `dist_root` and publishes it
/// as `dist_root/<version>`. On failure `dist_root` is left as it was
/// (removed again if this call created it).
pub fn build_to(
    p: &Prepared,
    dist_root: &Path,
    jobs: usize,
    ui: &Ui,
) -> anyhow::Result<(PathBuf, Built)> {
    let created = !dist_root.exists();
    let result = (|| {
        std::fs::create_dir_all(dist_root).with_context(|| {
            format!(
                "{}: cannot create the dist folder\nhint: check that it is writable, or pass --dist",
                dist_root.display()
            )
        })?;
        let work = tempfile::Builder::new()
            .prefix(".quorate-build-")
            .tempdir_in(dist_root)
            .with_context(|| {
                format!(
                    "{}: cannot write in the dist folder\nhint: check that it is writable, or pass --dist",
                    dist_root.display()
                )
            })?;
        std::fs::create_dir_all(&p.gocache).with_context(|| {
            format!("{}: cannot create the Go build cache", p.gocache.display())
        })?;
        let built = build::execute(
            &p.plan,
            &p.state,
            &facts(p),
            &BuildOptions {
                jobs,
                work_dir: work.path().to_path_buf(),
                reverse_copy: false,
                copy_mtime: None,
            },
            ui,
        )?;
        let dest = dist_root.join(&p.plan.release.version);
        let replaced = build::publish(&built.out_dir, &dest)?;
        if replaced {
            ui.say(format!("replaced the earlier build in {}", dest.display()));
        }
        let built = Built {
            out_dir: dest.clone(),
            ..built
        };
        Ok((dest, built))
    })();
    if result.is_err() && created {
        // Leave dist/ as it was: it did not exist.
        let _ = std::fs::remove_dir(dist_root);
    }
    result
}

fn facts(p: &Prepared) -> ToolchainFacts {
    ToolchainFacts {
        official: p.toolchain.patched.is_empty(),
        found_via: serde_json::to_value(p.toolchain.found_via)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        goroot: p.toolchain.goroot.clone(),
    }
}

/// The outcome of `--check`.
#[derive(Debug, serde::Serialize)]
pub struct CheckOutcome {
    /// True when both manifests are identical.
    pub reproducible: bool,
    /// The artifacts that differ.
    pub differences: Vec<ArtifactDiff>,
    /// What the second build varied.
    pub variations: Vec<&'static str>,
    /// The second build's folder (kept when it differs).
    pub second: Option<PathBuf>,
}

/// Rebuilds `p`'s release in a child `quorate build` under varied
/// conditions ([`check::noise_env`], umask, another path and file order,
/// other file times, a fresh Go cache) and compares its manifest with
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
    let gocache = root.path().join("fresh-go-build-cache");
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
        bail!(
            "the varied build (the second build of --check) failed:\n{}\nhint: the first build succeeded; the output above is the second build's",
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
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
        variations: check::VARIATIONS.to_vec(),
        second: kept,
    })
}

/// Prints the comparison (stderr) and returns the exit code.
pub fn report_check(outcome: &CheckOutcome, total: usize, ui: &Ui) -> u8 {
    if outcome.reproducible {
        ui.say(format!(
            "{}: all {total} artifacts are byte-identical in both builds",
            Ui::paint(style::GOOD, "REPRODUCIBLE")
        ));
        EXIT_OK
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
        EXIT_FAILED
    }
}

/// Runs `quorate build`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    let jobs = args.jobs.unwrap_or_else(default_jobs).max(1);
    if let Some(out) = &args.internal_out {
        return run_internal(&args, out, jobs, ui);
    }
    let p = prepare(&args, None)?;
    if !p.toolchain.patched.is_empty() {
        ui.warn(format!(
            "{} is a patched toolchain ({} references to /nix/store): this build is for investigation, not for release",
            p.toolchain.goroot.display(),
            p.toolchain.patched.len()
        ));
    }
    if p.state.dirty {
        ui.warn("building from a dirty tree (--allow-dirty); build.json records it");
    }
    if args.dry_run {
        if args.json {
            ui.out(format!("{}\n", serde_json::to_string_pretty(&p.plan)?));
        } else {
            ui.out(p.plan.to_text());
        }
        return Ok(EXIT_OK);
    }
    let dist_root = match &args.dist {
        Some(d) => std::path::absolute(d)?,
        None => p.dir.join("dist"),
    };
    ui.step(format!(
        "building {} {} for {} targets with Go {} ({} at once)",
        p.plan.name,
        p.plan.release.version,
        p.plan.targets.len(),
        p.toolchain.version,
        jobs
    ));
    let (dest, built) = build_to(&p, &dist_root, jobs, ui)?;
    let manifest_path = dest.join(&p.plan.manifest);
    ui.say(format!(
        "wrote {} ({} artifacts listed in {})",
        dest.display(),
        built.manifest.len(),
        p.plan.manifest
    ));
    let mut code = EXIT_OK;
    let mut check_outcome = None;
    if args.check {
        ui.step("rebuilding under varied conditions to check reproducibility");
        for v in check::VARIATIONS {
            ui.say(format!("    varied: {v}"));
        }
        let outcome = varied_rebuild(&p, &built.manifest, jobs, ui)?;
        code = report_check(&outcome, built.manifest.len(), ui);
        if let Some(second) = &outcome.second {
            super::diff::explain_release_difference(&dest, second, 5, ui);
        }
        check_outcome = Some(outcome);
    }
    if args.json {
        let v = serde_json::json!({
            "dist": dest,
            "manifest": manifest_path,
            "artifacts": built.manifest.entries(),
            "build": built.info,
            "check": check_outcome,
        });
        ui.out(format!("{}\n", serde_json::to_string_pretty(&v)?));
    }
    Ok(code)
}

/// The varied build of `--check`, run as a child process: builds in the
/// given work folder (files copied in reverse order, with old times) and
/// moves the result to `out`.
fn run_internal(args: &Args, out: &Path, jobs: usize, ui: &Ui) -> anyhow::Result<u8> {
    let work = args
        .internal_work_dir
        .as_deref()
        .context("--internal-out needs --internal-work-dir")?;
    let p = prepare(args, args.internal_gocache.as_deref())?;
    std::fs::create_dir_all(&p.gocache)?;
    let built = build::execute(
        &p.plan,
        &p.state,
        &facts(&p),
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
    Ok(EXIT_OK)
}
