//! `quorate inspect`: what one artifact tells on its own.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Context;
use quorate_diff::{DiffOptions, Inspection, inspect_path};

use crate::EXIT_OK;
use crate::ui::Ui;

/// Flags of `quorate inspect`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Shows the format, the Go build info (as `go version -m` prints it) and the
reproducibility hazards of a file: Nix store paths, absolute build paths (no
-trimpath), a Go build ID, VCS stamps, cgo, symbols or DWARF left in; for
archives, gzip header fields, member mtimes/owners/order, zip extra fields,
and the executables inside. Each hazard comes with its fix.

Examples:
  quorate inspect dist/v1.0.0/hello-linux-amd64-v1.0.0/hello
  quorate inspect hello-linux-amd64-v1.0.0.tar.gz --json

Exit codes: 0 the file was inspected (hazards or not); 2 it could not be read.")]
pub struct Args {
    /// The file to inspect.
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `quorate inspect`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    if args.file.is_dir() {
        anyhow::bail!(
            "{}: is a folder\nhint: inspect one file; to compare two folders use `quorate diff`",
            args.file.display()
        );
    }
    let ins = inspect_path(&args.file, &DiffOptions::default())
        .with_context(|| format!("inspecting {}", args.file.display()))?;
    if args.json {
        ui.out(format!("{}\n", serde_json::to_string_pretty(&ins)?));
    } else {
        let mut s = String::new();
        render(&mut s, &ins, 0);
        ui.out(s);
    }
    Ok(EXIT_OK)
}

fn render(s: &mut String, ins: &Inspection, level: usize) {
    let pad = "  ".repeat(level);
    let _ = writeln!(s, "{pad}{}: {}, {} bytes", ins.path, ins.format, ins.size);
    if let Some(n) = ins.member_count {
        let _ = writeln!(s, "{pad}  {n} members");
    }
    if let Some(go) = &ins.go {
        let _ = writeln!(s, "{pad}  Go build info: {}", go.go_version);
        for l in go.lines() {
            let _ = writeln!(s, "{pad}  \t{l}");
        }
    }
    if ins.hazards.is_empty() {
        let _ = writeln!(s, "{pad}  no reproducibility hazards found");
    }
    for h in &ins.hazards {
        let _ = writeln!(s, "{pad}  hazard {}: {}", h.kind, h.detail);
        let _ = writeln!(s, "{pad}    fix: {}", h.fix);
    }
    for n in &ins.notes {
        let _ = writeln!(s, "{pad}  note: {n}");
    }
    for m in &ins.members {
        render(s, m, level + 1);
    }
}
