//! `quorate sign` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate sign`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate sign`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate sign` is not implemented yet")
}
