//! One module per command: a short `run` that calls the libraries and
//! hands their typed results to `crate::output`. Commands never import
//! each other; what several share is in `crate::steps`.

use crate::cli::Command;
use crate::exit::ExitStatus;
use crate::ui::Ui;

mod attest;
mod build;
mod completions;
mod demo;
mod diff;
mod doctor;
mod init;
mod inspect;
mod manifest;
mod package;
mod policy;
mod recipe;
mod reproduce;
mod sign;
mod toolchain;
mod verify;

/// Runs a command; returns its exit status, or an error (exit 2).
pub fn run(command: Command, ui: &Ui) -> anyhow::Result<ExitStatus> {
    match command {
        Command::Demo(a) => demo::run(a, ui),
        Command::Init(a) => init::run(a, ui),
        Command::Build(a) => build::run(a, ui),
        Command::Manifest(a) => manifest::run(a, ui),
        Command::Package(a) => package::run(a, ui),
        Command::Sign(a) => sign::run(a, ui),
        Command::Verify(a) => verify::run(a, ui),
        Command::Attest(a) => attest::run(a, ui),
        Command::Policy(a) => policy::run(a, ui),
        Command::Diff(a) => diff::run(a, ui),
        Command::Inspect(a) => inspect::run(a, ui),
        Command::Reproduce(a) => reproduce::run(a, ui),
        Command::Recipe(a) => recipe::run(a, ui),
        Command::Toolchain(a) => toolchain::run(a, ui),
        Command::Doctor(a) => doctor::run(a, ui),
        Command::Completions { shell } => completions::completions(shell, ui),
        Command::Man => completions::man(ui),
    }
}
