//! Flags of `quorate reproduce`.

use std::path::PathBuf;

/// Flags of `quorate reproduce`.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(after_help = "\
Rebuilds a published release from its source and compares it, artifact by
artifact, with the published manifest:

  1. verifies the release folder (signatures against the trust policy, the
     quorum, then the files against the manifest), as `quorate verify` does;
  2. clones the source repository into a fresh temporary folder (never your
     working tree) and checks out the release's tag (--ref; default: the
     version in the release's build.json, else the manifest's name);
  3. reads quorate.toml at that commit and the release's build.json, finds
     the exact Go toolchain the release names, and builds with the same
     version, SOURCE_DATE_EPOCH, targets, packages and flags;
  4. prints each artifact as REPRODUCED, DIFFERENT, MISSING (published, not
     rebuilt) or EXTRA (rebuilt, not published), and explains every
     DIFFERENT one with the diff engine (the published file is side A, the
     rebuild side B): cause, evidence, fix. When the release was packed by
     another quorate version and only the packing of an archive differs,
     the cause is quorate-version.

A release quorate did not make (no build.json in the release folder, no
quorate.toml at the tag), such as one made by lnd's scripts/release.sh:
the recipe is read from the published programs and archives (see `quorate
recipe`), -X definitions from the source's Makefile and scripts/*.sh
(read, never run), and everything is rebuilt in-process: GNU tar and gzip
streams, Info-ZIP zips, `go mod vendor` and `git archive` repacked; no
host tar, gzip or zip is run.

The rebuild and reproduce.json (the report, as --json prints it) go to
--out DIR, or to a temporary folder removed at the end unless --keep.
Ctrl-C removes every temporary folder.

Trust: --policy FILE, else the [trust] table of quorate.toml at the tag.
--no-verify skips the verification (with a warning).

Attesting: with --attest --repo DIR --signer NAME and --key FILE (OpenPGP)
or --ssh-key FILE, the rebuilt manifest is signed and committed to the
attestation repository as <VERSION>/<NAME>/ (see `quorate attest`), only
when every artifact REPRODUCED (unless --force). QUORATE_PASSPHRASE unlocks
an encrypted key.

--toolchain PATH --allow-patched forces a patched Go toolchain, for
investigation only (to see what a Nixpkgs-style toolchain changes).

Examples:
  quorate reproduce --release ~/Downloads/hello-v0.1.0 --source https://example.org/hello.git
  quorate reproduce --release dist/v0.1.0 --source . --ref v0.1.0 --policy policy.toml --json
  quorate reproduce --release rel --source ../hello --html reproduce.html
  quorate reproduce --release rel --source ../hello --out rebuilt --attest \\
      --repo ../release-sigs --signer dave --key dave-secret.asc

Exit codes:
  0  every artifact REPRODUCED (and attested, with --attest)
  1  an artifact is DIFFERENT, MISSING or EXTRA, or the published release
     does not verify (quorum not met, files differ)
  2  quorate could not reproduce: no manifest in the release folder, no
     such tag, no quorate.toml at the tag, no suitable toolchain, the build
     failed, I/O; temporary files are removed
  130  interrupted (Ctrl-C, SIGTERM); temporary files are removed")]
pub struct ReproduceArgs {
    /// The published release folder (manifest, signatures, build.json, artifacts).
    #[arg(long, value_name = "DIR")]
    pub release: PathBuf,
    /// The source repository: a local folder or a git URL.
    #[arg(long, value_name = "REPO")]
    pub source: String,
    /// The tag (or commit) to build (default: the release's version).
    #[arg(long = "ref", value_name = "TAG")]
    pub git_ref: Option<String>,
    /// quorate.toml's path inside the repository.
    #[arg(long, value_name = "PATH", default_value = "quorate.toml")]
    pub config: PathBuf,
    /// The trust policy (default: [trust] of quorate.toml at the tag).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Do not verify the published release first.
    #[arg(long, conflicts_with = "policy")]
    pub no_verify: bool,
    /// A Go toolchain (GOROOT or go binary) to use instead of searching.
    #[arg(long, value_name = "PATH")]
    pub toolchain: Option<PathBuf>,
    /// Accept a patched toolchain (investigation only; never attests).
    #[arg(long)]
    pub allow_patched: bool,
    /// Where the rebuild and reproduce.json go (a new or empty folder, or
    /// an earlier reproduction).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Keep the temporary folder (clone and rebuild) and print its path.
    #[arg(long)]
    pub keep: bool,
    /// Targets built at once (default: the number of CPUs). A release
    /// quorate did not make is rebuilt one program at a time (each `go
    /// build` uses every CPU).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Print reproduce.json on stdout instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML report to FILE: artifacts,
    /// explanations, and the attestation matrix after --attest
    /// (docs/html-report.md).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Findings shown per DIFFERENT artifact in the text report.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_findings: usize,
    /// Stop explaining one artifact after this many seconds (its findings
    /// so far are kept).
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub diff_timeout: u64,
    /// Sign the rebuilt manifest and add it to the attestation repository.
    #[arg(long, requires_all = ["repo", "signer"])]
    pub attest: bool,
    /// The attestation repository (a git checkout).
    #[arg(long, value_name = "DIR", requires = "attest")]
    pub repo: Option<PathBuf>,
    /// Your signer name (goes into the file and folder names).
    #[arg(long, requires = "attest")]
    pub signer: Option<String>,
    /// OpenPGP secret key file to sign with.
    #[arg(
        long,
        value_name = "FILE",
        requires = "attest",
        conflicts_with = "ssh_key"
    )]
    pub key: Option<PathBuf>,
    /// OpenSSH private key file to sign with.
    #[arg(long = "ssh-key", value_name = "FILE", requires = "attest")]
    pub ssh_key: Option<PathBuf>,
    /// Attest even though some artifacts did not reproduce.
    #[arg(long, requires = "attest")]
    pub force: bool,
}
