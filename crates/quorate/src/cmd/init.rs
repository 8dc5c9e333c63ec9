//! `quorate init` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate init`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate init`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate init` is not implemented yet")
}
