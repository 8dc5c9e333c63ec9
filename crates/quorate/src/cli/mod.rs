//! Every flag of every command, in one place (clap): the command-line
//! interface as data. The commands (`crate::commands`) take these types;
//! `quorate completions` and `quorate man` are generated from them.

use clap::{Parser, Subcommand};

mod attest;
mod build;
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

pub use attest::AttestArgs;
pub use build::BuildArgs;
pub use demo::DemoArgs;
pub use diff::DiffArgs;
pub use doctor::DoctorArgs;
pub use init::InitArgs;
pub use inspect::InspectArgs;
pub use manifest::ManifestArgs;
pub use package::PackageArgs;
pub use policy::{PolicyArgs, PolicyCommand};
pub use recipe::RecipeArgs;
pub use reproduce::ReproduceArgs;
pub use sign::SignArgs;
pub use toolchain::{CheckArgs, InstallArgs, ListArgs, PatchArgs, ToolchainArgs, ToolchainCommand};
pub use verify::VerifyArgs;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the check ran and failed (mismatch, quorum not met, builds differ)
  2  quorate could not do its job (bad input, I/O error, missing tool)

Environment:
  QUORATE_CACHE  where quorate keeps toolchains and its Go build cache
                 (default: $XDG_CACHE_HOME/quorate or ~/.cache/quorate)
  QUORATE_GO     a Go toolchain (GOROOT) to use before looking on PATH
  QUORATE_CHECK_GOCACHE
                 an absolute folder: the Go build cache of `build --check`'s
                 second build, kept apart from the first build's (default:
                 a fresh, empty one each time)
  NO_COLOR       disable colours";

/// Reproducible builds, deterministic packaging, SHA-256 manifests, quorum
/// signatures, and explanations of why two builds differ.
#[derive(Parser, Debug)]
#[command(name = "quorate", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole story on the bundled example: build, check, sign, verify, explain.
    Demo(DemoArgs),
    /// Write a quorate.toml for the Go module in the current folder.
    Init(InitArgs),
    /// Build every target of the release reproducibly into dist/<version>/.
    Build(BuildArgs),
    /// Write or check a SHA-256 manifest (sha256sum format).
    Manifest(ManifestArgs),
    /// Pack a folder into a deterministic .tar.gz or .zip.
    Package(PackageArgs),
    /// Sign a manifest (OpenPGP or SSH).
    Sign(SignArgs),
    /// Check signatures against a trust policy, and files against the manifest.
    Verify(VerifyArgs),
    /// Add a signed manifest to an attestation repository (guix.sigs style).
    Attest(AttestArgs),
    /// Work with trust policies.
    Policy(PolicyArgs),
    /// Explain why two files or folders differ: cause, evidence, fix.
    Diff(DiffArgs),
    /// Show what one artifact tells on its own: format, Go build info, hazards.
    Inspect(InspectArgs),
    /// Rebuild a published release from source and compare.
    Reproduce(ReproduceArgs),
    /// Read how a release quorate did not make was built, from what was published.
    Recipe(RecipeArgs),
    /// Install and list Go toolchains in quorate's cache.
    Toolchain(ToolchainArgs),
    /// Report on the toolchain and the environment.
    Doctor(DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "\
Examples:
  quorate completions bash > ~/.local/share/bash-completion/completions/quorate
  quorate completions zsh > ~/.zfunc/_quorate
  quorate completions fish > ~/.config/fish/completions/quorate.fish")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from this command-line definition.
    #[command(after_help = "\
Examples:
  quorate man > ~/.local/share/man/man1/quorate.1 && man quorate
  quorate man | man -l -")]
    Man,
}
