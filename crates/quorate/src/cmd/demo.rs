//! `quorate demo` (not yet implemented).

use crate::ui::Ui;

/// Flags of `quorate demo`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `quorate demo`.
pub fn run(_args: Args, _ui: &Ui) -> anyhow::Result<u8> {
    anyhow::bail!("`quorate demo` is not implemented yet")
}
