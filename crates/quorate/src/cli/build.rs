//! Flags of `quorate build`.

use std::path::PathBuf;

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
pub struct BuildArgs {
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
