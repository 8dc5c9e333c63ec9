//! `quorate diff` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate diff`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate diff`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate diff` is not implemented yet")
}
