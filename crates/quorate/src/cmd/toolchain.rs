//! `quorate toolchain` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate toolchain`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate toolchain`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate toolchain` is not implemented yet")
}
