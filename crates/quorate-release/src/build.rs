//! Executing a [`Plan`]: copy the tracked files, vendor, run every `go
//! build` (targets in parallel), pack each target folder, the source and
//! the vendored dependencies, write the manifest and `build.json`, all in a
//! work folder; [`publish`] then renames the result into `dist/<version>/`.
//! Nothing reaches `dist/` unless every step succeeded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use quorate_manifest::check::manifest_of_tree;
use quorate_manifest::{Manifest, Progress, fsutil};
use serde::Serialize;

use crate::archive::{self, ArchiveError, Format, PackOptions};
use crate::config::VendorMode;
use crate::gitsrc::SourceState;
use crate::plan::{Plan, Prepared, TargetPlan, source_prefix};

/// Errors of a build. Each names the file, folder or command concerned.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// `go build` failed for one or more targets; `output` is Go's own.
    #[error("go build failed for {targets}:\n{output}\ncommand (in {cwd}): {command}")]
    GoFailed {
        /// The failing targets, space-separated.
        targets: String,
        /// Go's output for the first failing target.
        output: String,
        /// The command of that target, shell-quoted.
        command: String,
        /// Where it ran.
        cwd: PathBuf,
    },
    /// `go` could not be started.
    #[error("cannot run {go}: {source}")]
    Spawn {
        /// The program.
        go: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// `go mod vendor` failed.
    #[error("`go mod vendor` failed in {dir}:\n{output}")]
    VendorFailed {
        /// Where it ran.
        dir: PathBuf,
        /// Go's output.
        output: String,
    },
    /// `vendor = "committed"` but no vendor/modules.txt is tracked.
    #[error("{dir}: vendor = \"committed\" in quorate.toml, but no vendor/modules.txt is tracked")]
    NoCommittedVendor {
        /// The module folder.
        dir: PathBuf,
    },
    /// An archive could not be written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The manifest could not be made or written.
    #[error("{path}: {message}")]
    Manifest {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The outputs are not what the plan said (a bug or a meddling build).
    #[error("{dir}: the build wrote {found:?} where the plan lists {expected:?}")]
    Unexpected {
        /// The output folder.
        dir: PathBuf,
        /// Paths the plan lists but that are missing.
        expected: Vec<String>,
        /// Paths found but not planned.
        found: Vec<String>,
    },
    /// A value of the plan (from quorate.toml or a release's build.json)
    /// does not follow its grammar; nothing was run.
    #[error("refusing to build: {0}")]
    Untrusted(#[from] crate::untrusted::Invalid),
    /// `go build` wrote something other than the planned binaries into
    /// its private folder; nothing was moved into the release.
    #[error("{dir}: go build wrote {found:?}; the plan lists only the regular files {expected:?}")]
    UnexpectedBinaries {
        /// The private folder.
        dir: PathBuf,
        /// The binaries the plan lists.
        expected: Vec<String>,
        /// What was there.
        found: Vec<String>,
    },
    /// The dist folder cannot be created or written in.
    #[error("{path}: cannot write in the dist folder: {source}")]
    DistFolder {
        /// The dist folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The destination cannot be replaced.
    #[error("{dest}: cannot publish the build there: {source}")]
    Publish {
        /// The destination.
        dest: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl quorate_manifest::Hint for BuildError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            BuildError::GoFailed { .. } => "fix the error above; nothing was written to dist/".into(),
            BuildError::VendorFailed { .. } => "the build runs offline (GOPROXY=off): commit vendor/ (vendor = \"committed\") or use replace directives to local folders".into(),
            BuildError::NoCommittedVendor { .. } => "run `go mod vendor` and commit vendor/, or set vendor = \"auto\"".into(),
            BuildError::Untrusted(_) => "packages, tags, linker flags and versions come from quorate.toml or a release's build.json, and must follow the grammar in docs/reproduce.md; nothing was run".into(),
            BuildError::Publish { .. } => "check that dist/ is writable; nothing was changed in it".into(),
            BuildError::DistFolder { .. } => "check that it is writable, or pass --dist".into(),
            BuildError::Archive(e) => return e.hint(),
            _ => return None,
        })
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How to execute a plan. The defaults are a normal build; `--check`'s
/// varied build reverses the copy order and changes file times.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Targets built at once (at least 1).
    pub jobs: usize,
    /// An empty folder; `src/` and `out/` are made inside.
    pub work_dir: PathBuf,
    /// Copy the tracked files in reverse order (a different order of
    /// files on disk).
    pub reverse_copy: bool,
    /// Set the copied files' modification time to this.
    pub copy_mtime: Option<SystemTime>,
}

/// Facts about a build, written to `build.json`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct BuildInfo {
    /// quorate's version.
    pub quorate_version: String,
    /// The release name.
    pub name: String,
    /// The release version.
    pub version: String,
    /// The commit.
    pub commit: String,
    /// SOURCE_DATE_EPOCH.
    pub source_date_epoch: u64,
    /// Built from a tree with modified tracked files (`--allow-dirty`).
    pub dirty: bool,
    /// The Go toolchain.
    pub toolchain: ToolchainInfo,
    /// The build settings.
    pub flags: FlagsInfo,
    /// The targets, as in the config.
    pub targets: Vec<String>,
    /// The main packages.
    pub packages: Vec<String>,
    /// Where vendor.tar.gz came from: `committed`, `go-mod-vendor` or `none`.
    pub vendor: String,
    /// The compressor scheme of the archives (`archive::Packer`): `"1"`
    /// when absent (releases made before it was recorded) and then not
    /// written, so such a release's build.json rebuilds byte for byte. Kept
    /// as text: an unknown value is refused where it is used, by name.
    #[serde(default = "packer_v1", skip_serializing_if = "is_packer_v1")]
    pub packer: String,
}

fn packer_v1() -> String {
    archive::Packer::V1.as_str().to_string()
}

fn is_packer_v1(p: &str) -> bool {
    p == archive::Packer::V1.as_str()
}

/// The toolchain part of `build.json`: what it is, never where it is on
/// the builder's machine (two honest builders must write the same file).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ToolchainInfo {
    /// `1.27.3`.
    pub version: String,
    /// True for an official, unpatched toolchain.
    pub official: bool,
    /// `sha256:<hex>` of the toolchain's platform-independent content
    /// (`VERSION` and `src/`, see `toolchain::digest`); empty in releases
    /// made before it was recorded.
    #[serde(default)]
    pub digest: String,
}

/// The settings part of `build.json`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct FlagsInfo {
    /// `-ldflags`.
    pub ldflags: String,
    /// `-tags`.
    pub tags: Vec<String>,
    /// Always true.
    pub trimpath: bool,
    /// Always false.
    pub buildvcs: bool,
    /// `0`.
    pub cgo_enabled: String,
    /// `v1`.
    pub goamd64: String,
    /// `-mod=vendor` or `-mod=mod`.
    pub goflags: String,
}

/// What the caller knows about the toolchain beyond the plan.
#[derive(Debug, Clone)]
pub struct ToolchainFacts {
    /// Official and unpatched.
    pub official: bool,
    /// Where it was found.
    pub found_via: String,
    /// Its GOROOT.
    pub goroot: PathBuf,
}

/// A finished build (in the work folder, not yet published).
#[derive(Debug, Clone)]
pub struct Built {
    /// `work_dir/out`: what becomes `dist/<version>/`.
    pub out_dir: PathBuf,
    /// The manifest written there.
    pub manifest: Manifest,
    /// `build.json` as written.
    pub info: BuildInfo,
}

pub use crate::plan::will_vendor;

impl ToolchainFacts {
    /// What `build.json` records of a found toolchain.
    pub fn of(t: &crate::toolchain::Toolchain) -> Self {
        ToolchainFacts {
            official: t.is_official(),
            found_via: serde_json::to_value(t.found_via)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            goroot: t.goroot.clone(),
        }
    }
}

/// Executes a prepared plan in `work_dir` (empty or absent), `jobs`
/// targets at once. The release is then complete in [`Built::out_dir`].
pub fn execute_prepared(
    p: &Prepared,
    work_dir: &Path,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Built, BuildError> {
    std::fs::create_dir_all(work_dir).map_err(io(work_dir))?;
    std::fs::create_dir_all(&p.gocache).map_err(io(&p.gocache))?;
    execute(
        &p.plan,
        &p.state,
        &ToolchainFacts::of(&p.toolchain),
        &BuildOptions {
            jobs: jobs.max(1),
            work_dir: work_dir.to_path_buf(),
            reverse_copy: false,
            copy_mtime: None,
        },
        progress,
    )
}

/// A release published in the dist folder by [`build_into`].
#[derive(Debug)]
pub struct Release {
    /// `dist_root/<version>`.
    pub dest: PathBuf,
    /// What was built (its `out_dir` is `dest`).
    pub built: Built,
    /// True when an earlier build there was replaced.
    pub replaced: bool,
}

/// Executes a prepared plan in a work folder inside `dist_root` and
/// publishes it as `dist_root/<version>`. On failure `dist_root` is left
/// as it was (removed again if this call created it).
pub fn build_into(
    p: &Prepared,
    dist_root: &Path,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Release, BuildError> {
    let created = !dist_root.exists();
    let dist_err = |source| BuildError::DistFolder {
        path: dist_root.to_path_buf(),
        source,
    };
    let result = (|| {
        std::fs::create_dir_all(dist_root).map_err(dist_err)?;
        let work = tempfile::Builder::new()
            .prefix(".quorate-build-")
            .tempdir_in(dist_root)
            .map_err(dist_err)?;
        let built = execute_prepared(p, work.path(), jobs, progress)?;
        let dest = dist_root.join(&p.plan.release.version);
        let replaced = publish(&built.out_dir, &dest)?;
        let built = Built {
            out_dir: dest.clone(),
            ..built
        };
        Ok(Release {
            dest,
            built,
            replaced,
        })
    })();
    if result.is_err() && created {
        // Leave dist/ as it was: it did not exist.
        let _ = std::fs::remove_dir(dist_root);
    }
    result
}

/// Executes `plan` from the tracked files of `state`. On success the
/// release is complete in the returned [`Built::out_dir`].
pub fn execute(
    plan: &Plan,
    state: &SourceState,
    tool: &ToolchainFacts,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Built, BuildError> {
    plan.check()?;
    let src = opts.work_dir.join("src");
    let out = opts.work_dir.join("out");
    std::fs::create_dir_all(&src).map_err(io(&src))?;
    std::fs::create_dir_all(&out).map_err(io(&out))?;
    let mtime = plan.release.source_date_epoch;

    progress.note(&format!("copying {} tracked files", state.files.len()));
    copy_tracked(state, &src, opts)?;
    let tar = |prefix: String| PackOptions {
        format: Format::TarGz,
        mtime,
        prefix: Some(prefix),
        packer: plan.packer,
    };
    archive::pack_files(
        &src,
        &state.files,
        &out.join(&plan.source_archive),
        &tar(source_prefix(&plan.name, &plan.release.version)),
    )?;

    let vendor_source = vendor(plan, state, &src, progress)?;
    let vendor_dir = src.join("vendor");
    if !vendor_dir.is_dir() {
        std::fs::create_dir_all(&vendor_dir).map_err(io(&vendor_dir))?;
    }
    archive::pack_dir(
        &vendor_dir,
        &out.join(&plan.vendor_archive),
        &tar("vendor".into()),
    )?;

    build_targets(plan, &opts.work_dir, opts.jobs.max(1), progress)?;

    // build.json is listed in the manifest (so the signatures cover the
    // recipe `reproduce` follows, and the version verify trusts): written
    // first, with nothing host-specific in it.
    let info = build_info(plan, tool, vendor_source)?;
    let json = serde_json::to_vec_pretty(&info).unwrap_or_default();
    let info_path = out.join(&plan.build_info);
    fsutil::write_atomic(&info_path, &[json.as_slice(), b"\n"].concat()).map_err(io(&info_path))?;

    let skip = |rel: &str| rel == plan.manifest;
    let manifest = manifest_of_tree(&out, &skip, progress).map_err(|e| BuildError::Manifest {
        path: out.clone(),
        message: e.to_string(),
    })?;
    let found: Vec<String> = manifest.paths().into_iter().map(str::to_string).collect();
    let expected = plan.manifest_paths();
    if found != expected {
        return Err(BuildError::Unexpected {
            dir: out.clone(),
            expected: expected
                .iter()
                .filter(|p| !found.contains(p))
                .cloned()
                .collect(),
            found: found
                .iter()
                .filter(|p| !expected.contains(p))
                .cloned()
                .collect(),
        });
    }
    let manifest_path = out.join(&plan.manifest);
    manifest
        .write(&manifest_path)
        .map_err(|e| BuildError::Manifest {
            path: manifest_path.clone(),
            message: e.to_string(),
        })?;
    normalize_modes(&out)?;
    Ok(Built {
        out_dir: out,
        manifest,
        info,
    })
}

fn build_info(plan: &Plan, tool: &ToolchainFacts, vendor: &str) -> Result<BuildInfo, BuildError> {
    let digest = crate::toolchain::digest(&tool.goroot).map_err(io(&tool.goroot))?;
    let env_of = |k: &str| {
        plan.targets
            .first()
            .and_then(|t| t.invocation.env.iter().find(|(key, _)| key == k))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    Ok(BuildInfo {
        quorate_version: env!("CARGO_PKG_VERSION").to_string(),
        name: plan.name.clone(),
        version: plan.release.version.clone(),
        commit: plan.release.commit.clone(),
        source_date_epoch: plan.release.source_date_epoch,
        dirty: plan.release.dirty,
        toolchain: ToolchainInfo {
            version: plan.toolchain.version.clone(),
            official: tool.official,
            digest,
        },
        flags: FlagsInfo {
            ldflags: plan.ldflags.clone(),
            tags: plan.tags.clone(),
            trimpath: true,
            buildvcs: false,
            cgo_enabled: env_of("CGO_ENABLED"),
            goamd64: env_of("GOAMD64"),
            goflags: env_of("GOFLAGS"),
        },
        targets: plan.targets.iter().map(|t| t.target.to_string()).collect(),
        packages: plan.packages.clone(),
        vendor: vendor.to_string(),
        packer: plan.packer.as_str().to_string(),
    })
}

/// Gives the release folder plain modes whatever the umask and temporary
/// files made: folders and executables 0755, other files 0644.
fn normalize_modes(dir: &Path) -> Result<(), BuildError> {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(|e| BuildError::Io {
            path: dir.to_path_buf(),
            source: e.into(),
        })?;
        let meta = entry.metadata().map_err(|e| BuildError::Io {
            path: entry.path().to_path_buf(),
            source: e.into(),
        })?;
        if meta.file_type().is_symlink() {
            continue;
        }
        let mode = if meta.is_dir() || meta.permissions().mode() & 0o111 != 0 {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))
            .map_err(io(entry.path()))?;
    }
    Ok(())
}

/// Copies the tracked files into `dest`, keeping the execute bit and
/// symbolic links.
fn copy_tracked(state: &SourceState, dest: &Path, opts: &BuildOptions) -> Result<(), BuildError> {
    let mut files: Vec<&String> = state.files.iter().collect();
    if opts.reverse_copy {
        files.reverse();
    }
    for rel in files {
        let from = state.dir.join(rel);
        let to = dest.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let meta = std::fs::symlink_metadata(&from).map_err(io(&from))?;
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&from).map_err(io(&from))?;
            std::os::unix::fs::symlink(&target, &to).map_err(io(&to))?;
            continue;
        }
        std::fs::copy(&from, &to).map_err(io(&from))?;
        if let Some(t) = opts.copy_mtime {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&to)
                .map_err(io(&to))?;
            f.set_modified(t).map_err(io(&to))?;
        }
    }
    Ok(())
}

/// Fills `src/vendor/` as the config says; returns where it came from.
fn vendor(
    plan: &Plan,
    state: &SourceState,
    src: &Path,
    progress: &dyn Progress,
) -> Result<&'static str, BuildError> {
    let committed = state.files.iter().any(|f| f == "vendor/modules.txt");
    match plan.vendor_mode {
        VendorMode::Committed if !committed => {
            return Err(BuildError::NoCommittedVendor {
                dir: state.dir.clone(),
            });
        }
        VendorMode::Committed | VendorMode::Auto if committed => return Ok("committed"),
        _ => {}
    }
    if committed {
        // go-mod-vendor: regenerate from scratch.
        let v = src.join("vendor");
        std::fs::remove_dir_all(&v).map_err(io(&v))?;
    }
    progress.note("go mod vendor");
    let mut env = plan.toolchain.base_env.clone();
    env.retain(|(k, _)| k != "GOFLAGS");
    env.push(("GOFLAGS".into(), "-mod=mod".into()));
    let out = Command::new(&plan.toolchain.go)
        .args(["mod", "vendor"])
        .env_clear()
        .envs(env)
        .current_dir(src)
        .output()
        .map_err(|source| BuildError::Spawn {
            go: plan.toolchain.go.clone(),
            source,
        })?;
    if !out.status.success() {
        return Err(BuildError::VendorFailed {
            dir: state.dir.clone(),
            output: String::from_utf8_lossy(&[out.stdout, out.stderr].concat())
                .trim_end()
                .to_string(),
        });
    }
    Ok(if src.join("vendor/modules.txt").is_file() {
        "go-mod-vendor"
    } else {
        "none"
    })
}

/// Runs every target's `go build` (`jobs` at once), then packs its folder.
fn build_targets(
    plan: &Plan,
    work: &Path,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<(), BuildError> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| BuildError::Io {
            path: work.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
    progress.begin_items("building", plan.targets.len() as u64);
    let results: Vec<Result<(), BuildError>> = pool.install(|| {
        plan.targets
            .par_iter()
            .with_max_len(1)
            .map(|t| {
                let r = build_one(plan, t, work);
                progress.advance(1);
                if r.is_ok() {
                    progress.note(&format!("built {}", t.archive));
                }
                r
            })
            .collect()
    });
    progress.end();
    let mut failed = Vec::new();
    let mut first = None;
    for (t, r) in plan.targets.iter().zip(results) {
        if let Err(e) = r {
            failed.push(t.target.to_string());
            if first.is_none() {
                first = Some(e);
            }
        }
    }
    match first {
        None => Ok(()),
        Some(BuildError::GoFailed {
            output,
            command,
            cwd,
            ..
        }) => Err(BuildError::GoFailed {
            targets: failed.join(" "),
            output,
            command,
            cwd,
        }),
        Some(e) => Err(e),
    }
}

fn build_one(plan: &Plan, t: &TargetPlan, work: &Path) -> Result<(), BuildError> {
    use std::os::unix::fs::DirBuilderExt;
    let inv = &t.invocation;
    let cwd = work.join(&inv.cwd);
    let folder = work.join("out").join(&t.folder);
    // `go build` writes into a private folder; the binaries are moved to
    // `out/` only once they are exactly the planned regular files.
    let bin_root = work.join("bin");
    let private = bin_root.join(&t.folder);
    for d in [&bin_root, &private] {
        match std::fs::DirBuilder::new().mode(0o700).create(d) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && d == &bin_root => {}
            Err(e) => return Err(io(d)(e)),
        }
    }
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    let (prog, args) = inv.argv.split_first().ok_or_else(|| BuildError::Spawn {
        go: PathBuf::new(),
        source: std::io::Error::other("empty command"),
    })?;
    let out = Command::new(prog)
        .args(args)
        .env_clear()
        .envs(inv.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&cwd)
        .output()
        .map_err(|source| BuildError::Spawn {
            go: PathBuf::from(prog),
            source,
        })?;
    if !out.status.success() {
        return Err(BuildError::GoFailed {
            targets: t.target.to_string(),
            output: String::from_utf8_lossy(&[out.stdout, out.stderr].concat())
                .trim_end()
                .to_string(),
            command: inv.to_shell(),
            cwd,
        });
    }
    let mut expected: Vec<String> = t
        .binaries
        .iter()
        .map(|b| b.rsplit('/').next().unwrap_or(b).to_string())
        .collect();
    expected.sort();
    let mut found = Vec::new();
    let mut all_files = true;
    for e in std::fs::read_dir(&private).map_err(io(&private))? {
        let e = e.map_err(io(&private))?;
        let ft = e.file_type().map_err(io(&e.path()))?;
        all_files &= ft.is_file();
        found.push(e.file_name().to_string_lossy().into_owned());
    }
    found.sort();
    if found != expected || !all_files {
        return Err(BuildError::UnexpectedBinaries {
            dir: private,
            expected,
            found,
        });
    }
    for name in &expected {
        let from = private.join(name);
        let to = folder.join(name);
        std::fs::rename(&from, &to).map_err(io(&to))?;
    }
    archive::pack_dir(
        &folder,
        &work.join("out").join(&t.archive),
        &PackOptions {
            format: t.format,
            mtime: plan.release.source_date_epoch,
            prefix: Some(t.folder.clone()),
            packer: plan.packer,
        },
    )?;
    Ok(())
}

/// Moves a finished `out` folder to `dest` (`dist/<version>`), replacing
/// an earlier build there only once the new one is in place beside it.
/// Returns true when an earlier build was replaced.
pub fn publish(out: &Path, dest: &Path) -> Result<bool, BuildError> {
    let err = |source| BuildError::Publish {
        dest: dest.to_path_buf(),
        source,
    };
    if !dest.exists() {
        std::fs::rename(out, dest).map_err(err)?;
        return Ok(false);
    }
    let parent = dest.parent().unwrap_or(Path::new("."));
    let old = tempfile::Builder::new()
        .prefix(".quorate-old-")
        .tempdir_in(parent)
        .map_err(err)?;
    let aside = old.path().join("old");
    std::fs::rename(dest, &aside).map_err(err)?;
    if let Err(e) = std::fs::rename(out, dest) {
        let _ = std::fs::rename(&aside, dest);
        return Err(err(e));
    }
    drop(old);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_replaces_only_after_success() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("v1");
        let a = d.path().join("a");
        std::fs::create_dir(&a).unwrap();
        std::fs::write(a.join("f"), "one").unwrap();
        assert!(!publish(&a, &dest).unwrap());
        let b = d.path().join("b");
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("f"), "two").unwrap();
        assert!(publish(&b, &dest).unwrap());
        assert_eq!(std::fs::read_to_string(dest.join("f")).unwrap(), "two");
        // Only dest is left.
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("v1")]);
        // A missing source leaves the destination alone.
        assert!(publish(&d.path().join("missing"), &dest).is_err());
        assert_eq!(std::fs::read_to_string(dest.join("f")).unwrap(), "two");
    }
}
