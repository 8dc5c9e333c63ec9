//! `quorate attest`: add a signed manifest to an attestation repository.

use anyhow::Context;
use quorate_attest::attest;

use crate::cli::AttestArgs;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// Runs `quorate attest`.
pub fn run(args: AttestArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
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
    Ok(ExitStatus::Success)
}
