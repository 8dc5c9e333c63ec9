//! One module per subcommand: each has an `Args` (clap) and a `run`.

use clap::Subcommand;

use crate::ui::Ui;

pub mod attest;
pub mod build;
pub mod demo;
pub mod diff;
pub mod doctor;
pub mod init;
pub mod inspect;
pub mod manifest;
pub mod package;
pub mod policy;
pub mod reproduce;
pub mod sign;
pub mod toolchain;
pub mod verify;

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole story on the bundled example: build, check, sign, verify, explain.
    Demo(demo::Args),
    /// Write a quorate.toml for the Go module in the current folder.
    Init(init::Args),
    /// Build every target of the release reproducibly into dist/<version>/.
    Build(build::Args),
    /// Write or check a SHA-256 manifest (sha256sum format).
    Manifest(manifest::Args),
    /// Pack a folder into a deterministic .tar.gz or .zip.
    Package(package::Args),
    /// Sign a manifest (OpenPGP or SSH).
    Sign(sign::Args),
    /// Check signatures against a trust policy, and files against the manifest.
    Verify(verify::Args),
    /// Add a signed manifest to an attestation repository (guix.sigs style).
    Attest(attest::Args),
    /// Work with trust policies.
    Policy(policy::Args),
    /// Explain why two files or folders differ: cause, evidence, fix.
    Diff(diff::Args),
    /// Show what one artifact tells on its own: format, Go build info, hazards.
    Inspect(inspect::Args),
    /// Rebuild a published release from source and compare.
    Reproduce(reproduce::Args),
    /// Install and list Go toolchains in quorate's cache.
    Toolchain(toolchain::Args),
    /// Report on the toolchain and the environment.
    Doctor(doctor::Args),
}

/// Runs a subcommand; returns the exit code, or an error (exit 2).
pub fn run(command: Command, ui: &Ui) -> anyhow::Result<u8> {
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
        Command::Toolchain(a) => toolchain::run(a, ui),
        Command::Doctor(a) => doctor::run(a, ui),
    }
}
