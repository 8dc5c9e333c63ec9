//! Flags of `quorate inspect`.

use std::path::PathBuf;

/// Flags of `quorate inspect`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Shows the format, the Go build info (as `go version -m` prints it) and the
reproducibility hazards of a file: Nix store paths, absolute build paths (no
-trimpath), a Go build ID, VCS stamps, cgo, symbols or DWARF left in; for
archives, gzip header fields, member mtimes/owners/order, zip extra fields,
and the executables inside. Each hazard comes with its fix.

Examples:
  quorate inspect dist/v1.0.0/hello-linux-amd64-v1.0.0/hello
  quorate inspect hello-linux-amd64-v1.0.0.tar.gz --json

Exit codes: 0 the file was inspected (with --strict: and it has no
hazard); 1 --strict and a hazard was found (in the file or any member);
2 it could not be read.")]
pub struct InspectArgs {
    /// The file to inspect.
    pub file: PathBuf,
    /// Print the inspection as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when a reproducibility hazard is found (a gate for CI).
    #[arg(long)]
    pub strict: bool,
}
