//! The release plan: every `go build` invocation (argv and the complete
//! environment) and every output file, computed from the config, the
//! release (version, commit, SOURCE_DATE_EPOCH) and the toolchain.
//! `quorate build --dry-run` prints it; `quorate build` executes exactly it.
//!
//! Paths in the plan are relative and fixed, so the plan is the same on
//! every host: a build runs in a work folder holding `src/` (a copy of the
//! tracked files, plus `vendor/`) and `out/` (what becomes
//! `dist/<version>/`); each `go build` runs in `src/` and writes to a
//! private `../bin/<folder>/`, from which the binaries are moved to
//! `out/<folder>/` once checked. Only the toolchain's own paths (GOROOT,
//! GOCACHE…) are absolute. [`Plan::check`] checks every value against
//! [`crate::untrusted`] before anything runs.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::archive::{Format, Packer};
use crate::config::{Config, ConfigError, Target, VendorMode, binary_name};
use crate::gitsrc::{self, GitError, SourceState};
use crate::toolchain::{self, FindOptions, Toolchain, ToolchainError};

/// What a release is: name, version, commit, time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Release {
    /// The version (usually the tag), e.g. `v0.1.0`.
    pub version: String,
    /// The commit (full hash).
    pub commit: String,
    /// SOURCE_DATE_EPOCH: archive mtimes.
    pub source_date_epoch: u64,
    /// Built from a tree with modified tracked files.
    pub dirty: bool,
}

/// The toolchain a plan uses: its `go` and its from-scratch environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanToolchain {
    /// The Go version (`1.27.3`).
    pub version: String,
    /// The `go` binary.
    pub go: PathBuf,
    /// The base environment (GOROOT, PATH, HOME, GOCACHE, GOPROXY=off,
    /// CGO_ENABLED=0, …), before the per-target variables.
    pub base_env: Vec<(String, String)>,
}

/// One `go build` invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invocation {
    /// The full argv (argv\[0\] is the toolchain's `go`).
    pub argv: Vec<String>,
    /// The complete environment (nothing else is inherited), sorted.
    pub env: Vec<(String, String)>,
    /// The folder it runs in, relative to the work folder (`src`).
    pub cwd: String,
}

impl Invocation {
    /// A shell-like one-line rendering: `env -i K=V … go build …`.
    pub fn to_shell(&self) -> String {
        let mut s = format!("(cd {} && env -i", self.cwd);
        for (k, v) in &self.env {
            s.push(' ');
            s.push_str(&shell_quote(&format!("{k}={v}")));
        }
        for a in &self.argv {
            s.push(' ');
            s.push_str(&shell_quote(a));
        }
        s.push(')');
        s
    }
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The `-o` of a target's `go build`, relative to `src/`: the private
/// `bin/<folder>/` of the work folder.
pub fn go_output_dir(folder: &str) -> String {
    format!("../bin/{folder}/")
}

/// Everything built for one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetPlan {
    /// The target.
    pub target: Target,
    /// The folder name: `<name>-<os>-<arch>-<version>`.
    pub folder: String,
    /// The binaries, as `<folder>/<binary>` (`.exe` on Windows).
    pub binaries: Vec<String>,
    /// The archive beside the folder: `<folder>.tar.gz` or `<folder>.zip`.
    pub archive: String,
    /// The archive format.
    #[serde(serialize_with = "ser_format")]
    pub format: Format,
    /// The `go build` that makes the binaries (all packages at once, into
    /// the folder).
    pub invocation: Invocation,
}

fn ser_format<S: serde::Serializer>(f: &Format, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(f.extension())
}

/// A whole release build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The release name.
    pub name: String,
    /// Version, commit, time, dirtiness.
    pub release: Release,
    /// The toolchain.
    pub toolchain: PlanToolchain,
    /// The main packages.
    pub packages: Vec<String>,
    /// `-ldflags` as passed.
    pub ldflags: String,
    /// Build tags.
    pub tags: Vec<String>,
    /// Where vendored dependencies come from.
    pub vendor_mode: VendorMode,
    /// Per target, in config order.
    pub targets: Vec<TargetPlan>,
    /// `vendor.tar.gz`.
    pub vendor_archive: String,
    /// `<name>-source-<version>.tar.gz`.
    pub source_archive: String,
    /// `manifest-<version>.txt`.
    pub manifest: String,
    /// `build.json` (how it was built; listed in the manifest, so signed).
    pub build_info: String,
    /// The compressor scheme of every archive: [`Packer::CURRENT`] for a
    /// new release, the recorded one when rebuilding a release.
    #[serde(serialize_with = "ser_packer")]
    pub packer: Packer,
}

fn ser_packer<S: serde::Serializer>(p: &Packer, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.as_str())
}

/// Which Go toolchain a build uses.
#[derive(Debug, Clone, Default)]
pub struct ToolchainChoice {
    /// A GOROOT (or `go` binary) to look at first.
    pub explicit: Option<PathBuf>,
    /// Accept a patched toolchain (investigation only).
    pub allow_patched: bool,
    /// The Go build cache (default: quorate's cache).
    pub gocache: Option<PathBuf>,
}

/// What a plan is made from, already read: the config, the git state and
/// the release (version, commit, time) with the Go version to build with.
#[derive(Debug)]
pub struct Source {
    /// The config (its targets and packages may be overridden by the caller).
    pub config: Config,
    /// The config file (absolute); the Go module is its folder.
    pub config_path: PathBuf,
    /// The git state of the module.
    pub state: SourceState,
    /// The release.
    pub release: Release,
    /// The exact Go version to build with.
    pub go_version: String,
    /// Where the rebuild departs from what it was asked, or guesses.
    pub warnings: Vec<String>,
}

/// Everything a build needs, computed before anything is built: the one
/// build plan of `quorate build`, `--check`, the demo and `reproduce`.
#[derive(Debug)]
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
    /// Where the build departs from what it was asked, or guesses (each a
    /// sentence; `reproduce` fills these).
    pub warnings: Vec<String>,
}

/// Finds the toolchain `source` asks for (the config's `[go] toolchain`,
/// then [`ToolchainChoice::explicit`], `$QUORATE_GO`, PATH, the cache) and
/// makes the plan.
pub fn prepare(source: Source, choice: &ToolchainChoice) -> Result<Prepared, ToolchainError> {
    let dir = source
        .config_path
        .parent()
        .unwrap_or(Path::new("/"))
        .to_path_buf();
    let config_tool = source.config.go.toolchain.as_ref().map(|p| dir.join(p));
    let toolchain = toolchain::find(&FindOptions {
        version: &source.go_version,
        config_path: config_tool.as_deref(),
        explicit: choice.explicit.as_deref(),
        allow_patched: choice.allow_patched,
    })?;
    let gocache = match &choice.gocache {
        Some(p) => p.clone(),
        None => toolchain::cache_dir().join("go-build"),
    };
    let plan_tool = PlanToolchain {
        version: toolchain.version.clone(),
        go: toolchain.go.clone(),
        base_env: toolchain.base_env(&gocache),
    };
    let vendored = will_vendor(&source.state, source.config.go.vendor);
    let plan = Plan::new(&source.config, &source.release, &plan_tool, vendored);
    Ok(Prepared {
        config: source.config,
        config_path: source.config_path,
        dir,
        state: source.state,
        toolchain,
        gocache,
        plan,
        warnings: source.warnings,
    })
}

/// What `quorate build` is asked to build.
#[derive(Debug, Clone, Default)]
pub struct ProjectOptions {
    /// The config file.
    pub config: PathBuf,
    /// The version (default: the tag on HEAD).
    pub version: Option<String>,
    /// SOURCE_DATE_EPOCH as given in the environment (default: the commit time).
    pub source_date_epoch: Option<String>,
    /// Build even though tracked files were modified.
    pub allow_dirty: bool,
}

/// Why a project's build could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The config file does not exist.
    #[error("{}: no such file", .0.display())]
    NoConfig(PathBuf),
    /// The config path cannot be made absolute.
    #[error("{}: cannot resolve the path: {source}", .path.display())]
    Path {
        /// The path given.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The config is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The git state cannot be read, or gives no version.
    #[error(transparent)]
    Git(#[from] GitError),
    /// No suitable toolchain.
    #[error(transparent)]
    Toolchain(#[from] ToolchainError),
}

impl quorate_manifest::Hint for PrepareError {
    fn hint(&self) -> Option<String> {
        match self {
            PrepareError::NoConfig(_) => {
                Some("run `quorate init` in the Go module, or pass --config".into())
            }
            PrepareError::Path { .. } => None,
            PrepareError::Config(e) => e.hint(),
            PrepareError::Git(e) => e.hint(),
            PrepareError::Toolchain(e) => e.hint(),
        }
    }
}

/// Loads the project's config, reads its git state (the version is the tag
/// on HEAD unless given; SOURCE_DATE_EPOCH the commit time unless set) and
/// [`prepare`]s the plan.
pub fn prepare_project(
    opts: &ProjectOptions,
    choice: &ToolchainChoice,
) -> Result<Prepared, PrepareError> {
    let config_path = std::path::absolute(&opts.config).map_err(|source| PrepareError::Path {
        path: opts.config.clone(),
        source,
    })?;
    if !config_path.is_file() {
        return Err(PrepareError::NoConfig(config_path));
    }
    let config = Config::load(&config_path)?;
    let dir = config_path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let state = gitsrc::read_state(&dir, opts.allow_dirty)?;
    let version = match (&opts.version, &state.tag) {
        (Some(v), _) => v.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => {
            return Err(GitError::NoTag {
                dir,
                commit: state.commit.clone(),
            }
            .into());
        }
    };
    gitsrc::check_version(&version)?;
    let source_date_epoch = match opts.source_date_epoch.as_deref() {
        Some(v) if !v.is_empty() => gitsrc::parse_epoch(v)?,
        _ => state.commit_time,
    };
    let release = Release {
        version,
        commit: state.commit.clone(),
        source_date_epoch,
        dirty: state.dirty,
    };
    let go_version = config.go.version.clone();
    Ok(prepare(
        Source {
            config,
            config_path,
            state,
            release,
            go_version,
            warnings: Vec::new(),
        },
        choice,
    )?)
}

/// Whether the build has a `vendor/` folder: a tracked one (unless
/// `go-mod-vendor` asks for a fresh one), or one `go mod vendor` makes
/// because the module has dependencies.
pub fn will_vendor(state: &SourceState, mode: VendorMode) -> bool {
    if state.files.iter().any(|f| f == "vendor/modules.txt") && mode != VendorMode::GoModVendor {
        return true;
    }
    if mode == VendorMode::Committed {
        return false;
    }
    let gomod = std::fs::read_to_string(state.dir.join("go.mod")).unwrap_or_default();
    gomod.lines().any(|l| {
        let l = l.trim();
        l.starts_with("require ") || l.starts_with("require(") || l == "require"
    })
}

/// The folder of the source archive's entries: `<name>-source-<version>`.
pub fn source_prefix(name: &str, version: &str) -> String {
    format!("{name}-source-{version}")
}

impl Plan {
    /// Computes the plan. `vendored` says whether the build has a
    /// `vendor/` folder (then `GOFLAGS=-mod=vendor`); it is true unless the
    /// module has no dependencies at all.
    pub fn new(
        config: &Config,
        release: &Release,
        toolchain: &PlanToolchain,
        vendored: bool,
    ) -> Plan {
        let name = &config.project.name;
        let version = &release.version;
        let ldflags = config.ldflags(version, &release.commit);
        let tags = config.go.tags.clone();
        let targets = config
            .project
            .targets
            .iter()
            .map(|t| {
                let folder = format!("{name}-{}-{}-{version}", t.os, t.arch_name());
                let binaries = config
                    .project
                    .packages
                    .iter()
                    .map(|p| format!("{folder}/{}{}", binary_name(p), t.exe_suffix()))
                    .collect();
                let format = if t.uses_zip() {
                    Format::Zip
                } else {
                    Format::TarGz
                };
                let mut argv = vec![
                    toolchain.go.to_string_lossy().into_owned(),
                    "build".to_string(),
                    "-trimpath".to_string(),
                    "-buildvcs=false".to_string(),
                    format!("-ldflags={ldflags}"),
                ];
                if !tags.is_empty() {
                    argv.push(format!("-tags={}", tags.join(",")));
                }
                argv.push("-o".to_string());
                argv.push(go_output_dir(&folder));
                // Flags end here: packages are never read as flags.
                argv.push("--".to_string());
                argv.extend(config.project.packages.iter().cloned());
                let mut env = toolchain.base_env.clone();
                env.retain(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "GOOS" | "GOARCH" | "GOARM" | "GOAMD64" | "GOFLAGS"
                    )
                });
                env.extend(t.env());
                if t.arch != "amd64" {
                    // Uniform, and harmless: GOAMD64 only matters for amd64.
                    env.push(("GOAMD64".into(), "v1".into()));
                }
                env.push((
                    "GOFLAGS".into(),
                    if vendored {
                        "-mod=vendor".into()
                    } else {
                        "-mod=mod".into()
                    },
                ));
                env.sort();
                env.dedup_by(|a, b| a.0 == b.0);
                TargetPlan {
                    target: *t,
                    archive: format!("{folder}.{}", format.extension()),
                    folder,
                    binaries,
                    format,
                    invocation: Invocation {
                        argv,
                        env,
                        cwd: "src".into(),
                    },
                }
            })
            .collect();
        Plan {
            name: name.clone(),
            release: release.clone(),
            toolchain: toolchain.clone(),
            packages: config.project.packages.clone(),
            ldflags,
            tags,
            vendor_mode: config.go.vendor,
            targets,
            vendor_archive: "vendor.tar.gz".into(),
            source_archive: format!("{}.tar.gz", source_prefix(name, version)),
            manifest: format!("manifest-{version}.txt"),
            build_info: "build.json".into(),
            packer: Packer::CURRENT,
        }
    }

    /// Checks every value that came from a config or a release against
    /// [`crate::untrusted`]: the version, the packages (and that their
    /// binaries differ), the tags, the complete `-ldflags` and every
    /// `go build` command with its target variables.
    pub fn check(&self) -> Result<(), crate::untrusted::Invalid> {
        use crate::untrusted;
        untrusted::file_version(&self.release.version)?;
        let mut bins = std::collections::BTreeSet::new();
        for p in &self.packages {
            untrusted::package(p)?;
            if !bins.insert(binary_name(p)) {
                return Err(untrusted::Invalid {
                    what: "package",
                    value: p.clone(),
                    reason: "another package makes a binary of the same name".into(),
                });
            }
        }
        for t in &self.tags {
            untrusted::tag(t)?;
        }
        untrusted::ldflags(&self.ldflags)?;
        for t in &self.targets {
            untrusted::check_invocation(
                &t.invocation.argv,
                &t.invocation.env,
                &go_output_dir(&t.folder),
            )?;
        }
        Ok(())
    }

    /// Every file the build writes under `dist/<version>/`, sorted.
    pub fn outputs(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .targets
            .iter()
            .flat_map(|t| t.binaries.iter().cloned().chain([t.archive.clone()]))
            .chain([
                self.vendor_archive.clone(),
                self.source_archive.clone(),
                self.manifest.clone(),
                self.build_info.clone(),
            ])
            .collect();
        v.sort();
        v
    }

    /// The paths the manifest lists (every output but the manifest
    /// itself; build.json included), sorted.
    pub fn manifest_paths(&self) -> Vec<String> {
        let mut v = self.outputs();
        v.retain(|p| p != &self.manifest);
        v
    }

    /// A human-readable rendering (what `--dry-run` prints).
    pub fn to_text(&self) -> String {
        let r = &self.release;
        let mut s = format!(
            "release {} {}\n  commit {}{}\n  SOURCE_DATE_EPOCH {}\n  Go {} ({})\n  packages {}\n  -ldflags={}\n",
            self.name,
            r.version,
            r.commit,
            if r.dirty { " (dirty tree)" } else { "" },
            r.source_date_epoch,
            self.toolchain.version,
            self.toolchain.go.display(),
            self.packages.join(" "),
            self.ldflags,
        );
        if !self.tags.is_empty() {
            s.push_str(&format!("  -tags={}\n", self.tags.join(",")));
        }
        s.push_str(
            "\nsteps (in a work folder beside dist/; src/ is a copy of the tracked files):\n",
        );
        s.push_str(&format!(
            "  copy the files `git ls-files` lists to src/, pack {} from them\n",
            self.source_archive
        ));
        s.push_str(&format!(
            "  vendor ({}) into src/vendor/, pack {}\n",
            match self.vendor_mode {
                VendorMode::Auto => "committed vendor/ if any, else `go mod vendor`",
                VendorMode::Committed => "committed vendor/",
                VendorMode::GoModVendor => "`go mod vendor`",
            },
            self.vendor_archive
        ));
        for t in &self.targets {
            s.push_str(&format!(
                "\n  {} -> {}\n    {}\n",
                t.target,
                t.archive,
                t.invocation.to_shell()
            ));
            for b in &t.binaries {
                s.push_str(&format!("    writes {b}\n"));
            }
        }
        s.push_str(&format!(
            "\n  write {} (every archive, every binary, vendor and source) and {}\n  then rename the work folder's out/ to dist/{}/\n\noutputs:\n",
            self.manifest, self.build_info, r.version
        ));
        for o in self.outputs() {
            s.push_str(&format!("  {o}\n"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn plan() -> Plan {
        let c = Config::parse(
            r#"
[project]
name = "hello"
packages = ["./cmd/hellod", "./cmd/hellocli"]
targets = ["linux-armv7", "windows-amd64", "darwin-arm64"]
[go]
version = "1.27.3"
tags = ["netgo"]
ldflags = ["-X main.version={{version}}"]
"#,
            Path::new("q.toml"),
        )
        .unwrap();
        let r = Release {
            version: "v0.1.0".into(),
            commit: "c0ffee".into(),
            source_date_epoch: 1700000000,
            dirty: false,
        };
        let t = PlanToolchain {
            version: "1.27.3".into(),
            go: "/go/bin/go".into(),
            base_env: vec![
                ("GOROOT".into(), "/go".into()),
                ("CGO_ENABLED".into(), "0".into()),
                ("GOFLAGS".into(), "-x".into()),
            ],
        };
        Plan::new(&c, &r, &t, true)
    }

    #[test]
    fn targets_folders_and_outputs() {
        let p = plan();
        let arm = &p.targets[0];
        assert_eq!(arm.folder, "hello-linux-armv7-v0.1.0");
        assert_eq!(arm.archive, "hello-linux-armv7-v0.1.0.tar.gz");
        assert!(arm.invocation.env.contains(&("GOARM".into(), "7".into())));
        assert!(
            arm.invocation
                .env
                .contains(&("GOARCH".into(), "arm".into()))
        );
        assert!(
            arm.invocation
                .env
                .contains(&("GOFLAGS".into(), "-mod=vendor".into()))
        );
        assert_eq!(
            arm.invocation
                .env
                .iter()
                .filter(|(k, _)| k == "GOFLAGS")
                .count(),
            1
        );
        let win = &p.targets[1];
        assert_eq!(win.archive, "hello-windows-amd64-v0.1.0.zip");
        assert_eq!(
            win.binaries,
            vec![
                "hello-windows-amd64-v0.1.0/hellod.exe",
                "hello-windows-amd64-v0.1.0/hellocli.exe"
            ]
        );
        assert_eq!(
            win.invocation.argv,
            vec![
                "/go/bin/go",
                "build",
                "-trimpath",
                "-buildvcs=false",
                "-ldflags=-s -w -buildid= -X main.version=v0.1.0",
                "-tags=netgo",
                "-o",
                "../bin/hello-windows-amd64-v0.1.0/",
                "--",
                "./cmd/hellod",
                "./cmd/hellocli"
            ]
        );
        assert!(
            win.invocation
                .env
                .contains(&("GOAMD64".into(), "v1".into()))
        );
        let outs = p.outputs();
        assert_eq!(outs.len(), 3 * 3 + 4);
        assert!(outs.contains(&"hello-source-v0.1.0.tar.gz".to_string()));
        assert!(p.manifest_paths().contains(&"build.json".to_string()));
        let text = p.to_text();
        assert!(
            text.contains("'-ldflags=-s -w -buildid= -X main.version=v0.1.0'"),
            "{text}"
        );
        p.check().unwrap();
        let mut bad = p.clone();
        bad.packages.push("-toolexec=sh".into());
        assert!(bad.check().is_err());
        let mut bad = p.clone();
        bad.targets[0]
            .invocation
            .argv
            .insert(2, "-toolexec=sh".into());
        assert!(bad.check().is_err());
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["targets"][0]["target"], "linux-armv7");
        assert_eq!(json["targets"][1]["format"], "zip");
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("GOOS=linux"), "GOOS=linux");
    }
}
