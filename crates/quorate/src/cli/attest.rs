//! Flags of `quorate attest`.

use std::path::PathBuf;

/// Flags of `quorate attest`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Copies the release's manifest-<VERSION>.txt, your signature
(manifest-<SIGNER>-<VERSION>.sig, .asc or .sshsig) and build.json (from the
release folder; quorate writes one describing this host when there is none)
into <REPO>/<VERSION>/<SIGNER>/, then `git add`s and `git commit`s them. Push
the commit so that others see it (the guix.sigs model: the repository is the
meeting place of builders on any number of machines).

Compare everyone's attestations with
  quorate verify --attestations REPO --version VERSION --policy POLICY

Examples:
  quorate sign dist/v1.0.0/manifest-v1.0.0.txt --signer alice --key alice.asc
  quorate attest --repo ../release-sigs --signer alice --release dist/v1.0.0

Exit codes: 0 committed; 2 could not (no manifest or no signature by SIGNER,
not a git repository, git failed).")]
pub struct AttestArgs {
    /// The attestation repository (a git checkout).
    #[arg(long, value_name = "DIR")]
    pub repo: PathBuf,
    /// Your signer name.
    #[arg(long)]
    pub signer: String,
    /// The release folder holding the manifest and your signature.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub release: PathBuf,
}
