//! `quorate verify` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate verify`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate verify`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate verify` is not implemented yet")
}
