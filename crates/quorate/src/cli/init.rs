//! Flags of `quorate init`.

use std::path::PathBuf;

/// Flags of `quorate init`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  quorate init                      in a Go module: writes ./quorate.toml
  quorate init --go-version 1.27.3  pin this Go release
  quorate init --force              overwrite an existing quorate.toml

It reads go.mod (module path; the `toolchain` or an exact `go` directive
gives the Go release to pin), finds the main packages under cmd/ (folders
with a .go file saying `package main`) and writes the lnd/taproot-assets
target matrix: darwin-amd64 darwin-arm64 linux-386 linux-amd64 linux-armv6
linux-armv7 linux-arm64 windows-amd64. Edit it, then `quorate build --dry-run`.

Exit codes: 0 written; 2 no go.mod, no main package, quorate.toml already
exists (without --force), or it cannot be written.")]
pub struct InitArgs {
    /// The Go module folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// The exact Go release to pin (default: from go.mod, else 1.27.3).
    #[arg(long, value_name = "VERSION")]
    pub go_version: Option<String>,
    /// Overwrite an existing quorate.toml.
    #[arg(long)]
    pub force: bool,
    /// Print the config on stdout instead of writing it.
    #[arg(long)]
    pub stdout: bool,
}
