//! quorate: verifiable, reproducible software releases.
//!
//! This binary is thin. `cli` holds every flag (clap types); `commands`
//! has one short function per command that calls the library crates and
//! hands their typed results to `output`, which renders them; `ui` is the
//! terminal (stdout for data, stderr for messages and progress); `error`
//! renders errors with their hints; `exit` is the exit status. Commands
//! never call each other: what two commands share lives in `steps`.

mod cli;
mod commands;
mod error;
mod exit;
mod interrupt;
mod output;
mod report;
mod steps;
mod ui;

use std::process::ExitCode;

use clap::Parser;

use crate::exit::ExitStatus;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let ui = ui::Ui::new();
    match commands::run(cli.command, &ui) {
        Ok(status) => {
            ui.finish();
            status.into()
        }
        Err(err) => {
            ui.error(&err);
            ExitStatus::Error.into()
        }
    }
}
