//! `quorate attest` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate attest`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate attest`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate attest` is not implemented yet")
}
