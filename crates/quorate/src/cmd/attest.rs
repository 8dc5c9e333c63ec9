//! `quorate attest`: add a signed manifest to an attestation repository.

use std::path::PathBuf;

use anyhow::Context;
use quorate_attest::attest;

use crate::EXIT_OK;
use crate::ui::Ui;

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
pub struct Args {
    /// The attestation repository (a git checkout).
    #[arg(long, value_name = "DIR")]
    repo: PathBuf,
    /// Your signer name.
    #[arg(long)]
    signer: String,
    /// The release folder holding the manifest and your signature.
    #[arg(long, value_name = "DIR", default_value = ".")]
    release: PathBuf,
}

/// Runs `quorate attest`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    let default_build = attest::host_build_json(env!("CARGO_PKG_VERSION"));
    let added = attest::add(&args.repo, &args.signer, &args.release, &default_build).with_context(
        || {
            format!(
                "adding {}'s attestation to {}",
                args.signer,
                args.repo.display()
            )
        },
    )?;
    ui.say(format!(
        "committed {} ({}) in {}",
        added.files.join(", "),
        &added.commit[..added.commit.len().min(12)],
        args.repo.display()
    ));
    ui.out(format!("{}\n", added.commit));
    Ok(EXIT_OK)
}
