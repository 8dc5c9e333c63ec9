//! `quorate package` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate package`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate package`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate package` is not implemented yet")
}
