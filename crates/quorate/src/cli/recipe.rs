//! Flags of `quorate recipe`.

use std::path::PathBuf;

/// Flags of `quorate recipe`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Reads a published release folder (its manifest-<version>.txt and the
archives it lists), without build.json, and prints how it was made, as
`quorate reproduce` will rebuild it:

  - each Go program inside the archives: Go version, main package and
    module, GOOS/GOARCH (GOARM, GOAMD64), CGO_ENABLED, -trimpath, -tags,
    -ldflags (Go does not record them under -trimpath: -s, -w and
    -buildid= are then read from the executable itself), VCS stamps;
  - each archive: tar format, member order (find | sort -r, sort, or
    other), one mtime, owner and group, modes by kind, folder entries, and
    the compressor recognised by recompressing (GNU gzip -N, zlib,
    Info-ZIP zip -N);
  - the manifest's format (sha256sum lines sorted by path).

Nothing is extracted or run; archives are read in memory within bounds.

Examples:
  quorate recipe ~/Downloads/lnd-v0.18.0
  quorate recipe rel --json

Exit codes: 0 the recipe was read; 2 the folder has no manifest or a file
cannot be read.")]
pub struct RecipeArgs {
    /// The published release folder.
    pub dir: PathBuf,
    /// Print the recipe as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}
