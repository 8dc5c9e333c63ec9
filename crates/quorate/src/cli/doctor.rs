//! Flags of `quorate doctor`.

/// Flags of `quorate doctor`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Checks, each OK, WARN or FAIL with a fix:
  config          ./quorate.toml and the Go version it pins
  toolchain       the toolchain `quorate build` would use (exact version,
                  official and unpatched); without a config, every toolchain
                  found ($QUORATE_GO, `go` on PATH, quorate's cache)
  git             git is installed (builds read the tag and commit with it)
  cache           quorate's cache folder, its size, and that it is writable
  SOURCE_DATE_EPOCH  set or not (it overrides the release commit's time)
  environment     variables that change what a plain `go build` produces
                  (GOFLAGS, GOPATH, CGO_*, GOAMD64, GOARM, GOEXPERIMENT, TZ…);
                  quorate's own builds start from an empty environment

Examples:
  quorate doctor
  quorate doctor --json | jq '.checks[] | select(.status != \"ok\")'

Exit codes: 0 nothing failed (warnings allowed); 1 a check failed (no
usable toolchain, no git, unwritable cache); 2 quorate could not run the checks.")]
pub struct DoctorArgs {
    /// Print a JSON report on stdout.
    #[arg(long)]
    pub json: bool,
}
