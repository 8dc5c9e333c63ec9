//! `quorate build --check`: what the second, varied build changes, and the
//! comparison of two builds' manifests.
//!
//! The second build varies what reprotest varies and a process can vary by
//! itself: the build path (another folder, of another length), the order in
//! which files are created on disk, the files' modification times, the
//! umask, TZ, LANG/LC_ALL, HOME, a fresh Go build cache, and hostile
//! environment noise (GOFLAGS, GOOS, CGO_ENABLED…). The wall clock cannot be
//! faked without faketime; the second build simply runs later. Since quorate
//! builds from a from-scratch environment, the environment variations test
//! that it really scrubs it.
//!
//! [`varied_rebuild`] runs that second build as a child process (umask,
//! environment and working folder are a process's own) and compares it;
//! the child calls [`build_varied`].

use std::path::{Path, PathBuf};
use std::process::Command;

use quorate_manifest::{Digest, Manifest, ManifestError, Progress};
use serde::Serialize;

use crate::build::{self, BuildError, BuildOptions, ToolchainFacts};
use crate::plan::Prepared;
use crate::toolchain;

/// One artifact that differs between two builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ArtifactDiff {
    /// In both manifests with different digests.
    Differs {
        /// The path.
        path: String,
        /// The first build's digest.
        first: String,
        /// The second build's digest.
        second: String,
    },
    /// Only the first build has it.
    OnlyFirst {
        /// The path.
        path: String,
    },
    /// Only the second build has it.
    OnlySecond {
        /// The path.
        path: String,
    },
}

impl ArtifactDiff {
    /// The artifact's path.
    pub fn path(&self) -> &str {
        match self {
            ArtifactDiff::Differs { path, .. }
            | ArtifactDiff::OnlyFirst { path }
            | ArtifactDiff::OnlySecond { path } => path,
        }
    }
}

/// Compares two manifests; returns every differing artifact, sorted by
/// path. Empty means the builds are identical.
pub fn compare_manifests(first: &Manifest, second: &Manifest) -> Vec<ArtifactDiff> {
    let hex = |d: &Digest| d.to_hex();
    let mut out = Vec::new();
    for e in first.entries() {
        match second.get(&e.path) {
            Some(d) if *d == e.digest => {}
            Some(d) => out.push(ArtifactDiff::Differs {
                path: e.path.clone(),
                first: hex(&e.digest),
                second: hex(d),
            }),
            None => out.push(ArtifactDiff::OnlyFirst {
                path: e.path.clone(),
            }),
        }
    }
    for e in second.entries() {
        if first.get(&e.path).is_none() {
            out.push(ArtifactDiff::OnlySecond {
                path: e.path.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.path().as_bytes().cmp(b.path().as_bytes()));
    out
}

/// The environment the varied build's process gets on top of its parent's:
/// a different time zone, locale and HOME, plus variables that would change
/// or break a Go build if they leaked into it.
pub fn noise_env(home: &std::path::Path) -> Vec<(String, String)> {
    [
        ("TZ", "Pacific/Chatham"),
        ("LANG", "fr_FR.UTF-8"),
        ("LC_ALL", "fr_FR.UTF-8"),
        ("LANGUAGE", "fr"),
        ("GOFLAGS", "-mod=mod -trimpath=false"),
        ("GOOS", "plan9"),
        ("GOARCH", "mips"),
        ("GOAMD64", "v3"),
        ("GOARM", "5"),
        ("CGO_ENABLED", "1"),
        ("GO111MODULE", "off"),
        ("GOPATH", "/nonexistent/gopath"),
        ("GOCACHE", "/nonexistent/gocache"),
        ("GOEXPERIMENT", "nosuchexperiment"),
        ("GOTOOLCHAIN", "go1.0"),
        ("CC", "false"),
        ("USER", "reprotest"),
        ("QUORATE_NOISE", "a value that no build should see"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([("HOME".to_string(), home.to_string_lossy().into_owned())])
    .collect()
}

/// The umask of the varied build.
pub const VARIED_UMASK: &str = "0077";

/// The modification time given to the varied build's copied files
/// (2001-09-09, long before any plausible commit).
pub const VARIED_MTIME: u64 = 1_000_000_000;

/// The environment variable naming the varied build's own Go build cache.
pub const CHECK_GOCACHE_ENV: &str = "QUORATE_CHECK_GOCACHE";

/// The varied build's own Go build cache, when `$QUORATE_CHECK_GOCACHE`
/// names one (an absolute path): a cache only `--check` uses, never the
/// first build's, so a stale or poisoned first cache still shows, while
/// repeated checks (a CI job, a test suite) compile the standard library
/// once instead of every time. Unset, empty or relative: `None`, and the
/// varied build starts from a fresh, empty cache.
pub fn separate_gocache() -> Option<std::path::PathBuf> {
    std::env::var_os(CHECK_GOCACHE_ENV)
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
}

/// What the varied build changes, in words (for reports): [`VARIATIONS`],
/// with the cache's line saying which cache it used.
pub fn variations(separate_cache: bool) -> Vec<&'static str> {
    VARIATIONS
        .iter()
        .map(|v| {
            if separate_cache && *v == FRESH_CACHE {
                "a separate Go build cache, only --check's ($QUORATE_CHECK_GOCACHE)"
            } else {
                v
            }
        })
        .collect()
}

const FRESH_CACHE: &str = "a fresh, empty Go build cache";

/// Words for what the varied build changes (for reports).
pub const VARIATIONS: &[&str] = &[
    "build path (another folder, of another length)",
    "order of files on disk (copied in reverse)",
    "file modification times (2001-09-09)",
    "umask 0077",
    "TZ=Pacific/Chatham, LANG/LC_ALL=fr_FR.UTF-8",
    "HOME (an empty folder)",
    FRESH_CACHE,
    "environment noise: GOFLAGS, GOOS, GOARCH, CGO_ENABLED, GOPATH, CC, …",
    "the time (it runs later; the clock itself is not faked)",
];

/// Why the varied build of `--check` could not be run or compared.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The varied build's temporary folder cannot be made.
    #[error("cannot create a temporary folder for the varied build")]
    TempDir(#[source] std::io::Error),
    /// A folder of the varied build cannot be made.
    #[error("{}: cannot create", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The child process cannot be started.
    #[error("cannot start the varied build")]
    Spawn(#[source] std::io::Error),
    /// The varied build failed; `stderr` is its own output.
    #[error("the varied build (the second build of --check) failed:\n{stderr}")]
    Failed {
        /// The child's stderr, trimmed at the end.
        stderr: String,
    },
    /// The varied build's manifest cannot be read.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
}

impl quorate_manifest::Hint for CheckError {
    fn hint(&self) -> Option<String> {
        match self {
            CheckError::Failed { .. } => {
                Some("the first build succeeded; the output above is the second build's".into())
            }
            CheckError::Manifest(e) => e.hint(),
            _ => None,
        }
    }
}

/// The outcome of `--check`.
#[derive(Debug, Serialize)]
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

/// Rebuilds `p`'s release in a child process under varied conditions
/// ([`noise_env`], [`VARIED_UMASK`], another path and file order, other
/// file times, a fresh Go cache or [`separate_gocache`]'s) and compares its
/// manifest with `first`. When the builds differ the second build is kept
/// (in a temporary folder named by [`CheckOutcome::second`]) for `quorate
/// diff`.
///
/// `program` is a quorate executable (the running one): it is run as
/// `program build --config C --version V --toolchain GOROOT -j N
/// --internal-out OUT --internal-work-dir WORK --internal-gocache CACHE
/// [--allow-dirty] [--allow-patched]`, under `sh -c 'umask …'`, and must
/// plan the same release and call [`build_varied`].
pub fn varied_rebuild(
    p: &Prepared,
    first: &Manifest,
    jobs: usize,
    program: &Path,
) -> Result<CheckOutcome, CheckError> {
    let root = tempfile::Builder::new()
        .prefix("quorate-check-")
        .tempdir()
        .map_err(CheckError::TempDir)?;
    let home = root.path().join("home");
    let work = root
        .path()
        .join("a-longer-path/for-the-second-build/so-that-any-leaked-path/shows-up");
    let out = root.path().join("second");
    let gocache = separate_gocache().unwrap_or_else(|| root.path().join("fresh-go-build-cache"));
    for d in [&home, &work, &gocache] {
        std::fs::create_dir_all(d).map_err(|source| CheckError::CreateDir {
            path: d.clone(),
            source,
        })?;
    }
    let output = child(p, jobs, program, &home, &work, &out, &gocache)
        .output()
        .map_err(CheckError::Spawn)?;
    if !output.status.success() {
        return Err(CheckError::Failed {
            stderr: String::from_utf8_lossy(&output.stderr)
                .trim_end()
                .to_string(),
        });
    }
    let second = Manifest::read(&out.join(&p.plan.manifest))?;
    let differences = compare_manifests(first, &second);
    let reproducible = differences.is_empty();
    let kept = (!reproducible).then(|| root.keep().join("second"));
    Ok(CheckOutcome {
        reproducible,
        differences,
        variations: variations(separate_gocache().is_some()),
        second: kept,
    })
}

/// The varied build's command: `program build …` under the varied umask,
/// in `home`, with [`noise_env`].
fn child(
    p: &Prepared,
    jobs: usize,
    program: &Path,
    home: &Path,
    work: &Path,
    out: &Path,
    gocache: &Path,
) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {VARIED_UMASK} && exec \"$0\" \"$@\""))
        .arg(program)
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
        .arg(out)
        .arg("--internal-work-dir")
        .arg(work)
        .arg("--internal-gocache")
        .arg(gocache);
    if p.plan.release.dirty {
        cmd.arg("--allow-dirty");
    }
    if !p.toolchain.patched.is_empty() {
        cmd.arg("--allow-patched");
    }
    cmd.current_dir(home)
        .envs(noise_env(home))
        .env(
            "SOURCE_DATE_EPOCH",
            p.plan.release.source_date_epoch.to_string(),
        )
        .env("QUORATE_CACHE", toolchain::cache_dir())
        .env("NO_COLOR", "1");
    cmd
}

/// The varied build itself (the child of [`varied_rebuild`]): executes
/// `p` in `work` with the tracked files copied in reverse order and dated
/// [`VARIED_MTIME`], and publishes the release in `out`.
pub fn build_varied(
    p: &Prepared,
    work: &Path,
    out: &Path,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<(), BuildError> {
    std::fs::create_dir_all(&p.gocache).map_err(|source| BuildError::Io {
        path: p.gocache.clone(),
        source,
    })?;
    let built = build::execute(
        &p.plan,
        &p.state,
        &ToolchainFacts::of(&p.toolchain),
        &BuildOptions {
            jobs,
            work_dir: work.to_path_buf(),
            reverse_copy: true,
            copy_mtime: Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(VARIED_MTIME)),
        },
        progress,
    )?;
    build::publish(&built.out_dir, out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(entries: &[(&str, &[u8])]) -> Manifest {
        let mut m = Manifest::new();
        for (p, b) in entries {
            m.insert(*p, Digest::of_bytes(b)).unwrap();
        }
        m
    }

    #[test]
    fn the_cache_line_names_the_cache_used() {
        assert!(variations(false).contains(&"a fresh, empty Go build cache"));
        let v = variations(true);
        assert_eq!(v.len(), VARIATIONS.len());
        assert!(v.iter().any(|l| l.contains("QUORATE_CHECK_GOCACHE")));
        assert!(!v.contains(&"a fresh, empty Go build cache"));
    }

    #[test]
    fn compares() {
        let a = m(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let b = m(&[("a", b"1"), ("b", b"X"), ("d", b"4")]);
        let d = compare_manifests(&a, &b);
        assert_eq!(
            d.iter().map(|x| x.path()).collect::<Vec<_>>(),
            vec!["b", "c", "d"]
        );
        assert!(matches!(d[0], ArtifactDiff::Differs { .. }));
        assert!(matches!(d[1], ArtifactDiff::OnlyFirst { .. }));
        assert!(matches!(d[2], ArtifactDiff::OnlySecond { .. }));
        assert!(compare_manifests(&a, &a).is_empty());
        let j = serde_json::to_value(&d[0]).unwrap();
        assert_eq!(j["status"], "differs");
    }
}
