//! quorate: verifiable, reproducible software releases.
//!
//! This binary is thin: it parses flags (one module per command under
//! `cmd/`), calls the library crates, and renders their results. Exit codes:
//! 0 success, 1 the check failed, 2 the tool could not do its job.

mod cmd;
mod ui;

use std::process::ExitCode;

use clap::Parser;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the check ran and failed (mismatch, quorum not met, differences).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: quorate could not do its job (bad input, I/O, missing tool).
pub const EXIT_ERROR: u8 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the check ran and failed (mismatch, quorum not met, builds differ)
  2  quorate could not do its job (bad input, I/O error, missing tool)

Environment:
  QUORATE_CACHE  where quorate keeps toolchains and its Go build cache
                 (default: $XDG_CACHE_HOME/quorate or ~/.cache/quorate)
  QUORATE_GO     a Go toolchain (GOROOT) to use before looking on PATH
  NO_COLOR       disable colours";

/// Reproducible builds, deterministic packaging, SHA-256 manifests, quorum
/// signatures, and explanations of why two builds differ.
#[derive(Parser, Debug)]
#[command(name = "quorate", version, about, long_about = None, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = ui::Ui::new();
    match cmd::run(cli.command, &ui) {
        Ok(code) => {
            ui.finish();
            ExitCode::from(code)
        }
        Err(err) => {
            ui.error(&err);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
