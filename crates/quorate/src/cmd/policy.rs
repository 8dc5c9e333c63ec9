//! `quorate policy` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate policy`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate policy`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate policy` is not implemented yet")
}
