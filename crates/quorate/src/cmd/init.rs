//! `quorate init`: write a commented `quorate.toml` for the Go module in
//! the current folder.

use std::path::PathBuf;

use anyhow::{Context, bail};
use quorate_manifest::fsutil;
use quorate_release::config::{self, Config, FILE_NAME};

use crate::EXIT_OK;
use crate::ui::Ui;

/// The Go release `init` pins when go.mod names none exactly.
const FALLBACK_GO: &str = "1.27.3";

/// Flags of `quorate init`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  quorate init                      in a Go module: writes ./quorate.toml
  quorate init --go-version 1.27.3  pin this Go release
  quorate init --force              overwrite an existing quorate.toml

It reads go.mod (module path; the `toolchain` or an exact `go` directive
gives the Go release to pin), finds the main packages under cmd/ (folders
with a .go file saying `package main`) and writes the lnd/taproot-assets
target matrix: darwin-amd64 darwin-arm64 linux-386 linux-amd64 linux-armv6
linux-armv7 linux-arm64 windows-amd64. Edit it, then `quorate build --dry-run`.

Exit codes: 0 written; 2 no go.mod, no main package, quorate.toml already
exists (without --force), or it cannot be written.")]
pub struct Args {
    /// The Go module folder.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// The exact Go release to pin (default: from go.mod, else 1.27.3).
    #[arg(long, value_name = "VERSION")]
    go_version: Option<String>,
    /// Overwrite an existing quorate.toml.
    #[arg(long)]
    force: bool,
    /// Print the config on stdout instead of writing it.
    #[arg(long)]
    stdout: bool,
}

/// Runs `quorate init`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    let module = config::detect_module(&args.dir)?;
    let go = match &args.go_version {
        Some(v) => config::parse_go_version(v).map_err(|e| anyhow::anyhow!("--go-version: {e}"))?,
        None => match module.pinned_go() {
            Some(v) => v,
            None => {
                ui.warn(format!(
                    "go.mod names no exact Go release (go {}); pinning Go {FALLBACK_GO}: check [go] version",
                    module.go_directive.as_deref().unwrap_or("?")
                ));
                FALLBACK_GO.to_string()
            }
        },
    };
    let text = config::render_init(&module, &go);
    let path = args.dir.join(FILE_NAME);
    // What we write must be what `build` accepts.
    Config::parse(&text, &path).context("internal error: the generated config does not parse")?;
    if args.stdout {
        ui.out(&text);
        return Ok(EXIT_OK);
    }
    if path.exists() && !args.force {
        bail!(
            "{}: already exists\nhint: pass --force to overwrite it, or --stdout to see what init would write",
            path.display()
        );
    }
    fsutil::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    {
        use std::os::unix::fs::PermissionsExt;
        // write_atomic's temporary file is private; a config is not.
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
    }
    ui.say(format!(
        "wrote {} for {} ({} main packages: {}; Go {go})",
        path.display(),
        module.path,
        module.main_packages.len(),
        module.main_packages.join(" ")
    ));
    ui.say("next: review it, then `quorate build --dry-run`");
    Ok(EXIT_OK)
}
