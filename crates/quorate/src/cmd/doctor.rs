//! `quorate doctor` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate doctor`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate doctor`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate doctor` is not implemented yet")
}
