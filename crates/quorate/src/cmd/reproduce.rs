//! `quorate reproduce` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate reproduce`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate reproduce`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate reproduce` is not implemented yet")
}
