//! `quorate completions SHELL` and `quorate man`: generated from the
//! command-line definition (`crate::cli`), so they never go stale.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "quorate", &mut buf);
    ui.out(String::from_utf8_lossy(&buf));
    Ok(ExitStatus::Success)
}

/// Prints the man page.
pub fn man(ui: &Ui) -> anyhow::Result<ExitStatus> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    ui.out(String::from_utf8_lossy(&buf));
    Ok(ExitStatus::Success)
}
