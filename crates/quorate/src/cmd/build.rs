//! `quorate build` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate build`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate build`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate build` is not implemented yet")
}
