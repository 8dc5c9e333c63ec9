//! `quorate inspect` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate inspect`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate inspect`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate inspect` is not implemented yet")
}
