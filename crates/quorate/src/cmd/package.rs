//! `quorate package`: pack a folder into a deterministic .tar.gz or .zip.

use std::path::PathBuf;

use anyhow::{Context, bail};
use quorate_release::archive::{
    ArchiveError, Format, PackOptions, pack_dir_gnu, pack_dir_with_progress,
};

use crate::EXIT_OK;
use crate::ui::Ui;

/// Flags of `quorate package`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
The archive is the same, byte for byte, on every machine: entries sorted by
path bytes (folders included), every mtime set to --mtime, owner and group
0 without names, mode 0755 for folders and executables and 0644 for other
files, symbolic links kept as links (links leaving the folder are refused),
no extended attributes or extra fields, a fixed gzip header, and a pure-Rust
compressor pinned by quorate's version (parallel, with the same bytes for
any number of threads). The archive is written to a temporary file beside
OUT and renamed; on error nothing is left behind.

--style gnu writes, inside quorate's gzip, the tar stream GNU tar writes for
the lnd / taproot-assets recipe (`tar --sort=name --format=gnu --mtime=@EPOCH
--owner=0 --group=0 --numeric-owner -c PREFIX`), byte for byte: real
permission bits, GNU order and headers, hard links. It needs --prefix (the
folder name GNU tar would record) and --format tar.gz.

Examples:
  quorate package dist/hello-linux-amd64-v1.0.0 --format tar.gz --mtime 1700000000 \\
      --prefix hello-linux-amd64-v1.0.0 -o dist/hello-linux-amd64-v1.0.0.tar.gz
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) quorate package out --format zip -o out.zip

Exit codes: 0 the archive was written; 2 it could not be (unreadable file,
device file, socket or FIFO, unusable name, link leaving the folder, output
inside the folder, I/O error).")]
pub struct Args {
    /// The folder to pack (its contents; use --prefix for a top folder).
    dir: PathBuf,
    /// Archive format: tar.gz or zip.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    format: Format,
    /// The mtime of every entry, in seconds since the epoch. Default: the
    /// SOURCE_DATE_EPOCH environment variable.
    #[arg(long, value_name = "EPOCH")]
    mtime: Option<u64>,
    /// Put every entry under this top-level folder inside the archive.
    #[arg(long, value_name = "NAME")]
    prefix: Option<String>,
    /// Header style: quorate (normalized modes, ustar) or gnu (GNU tar
    /// compatible, see below).
    #[arg(long, value_name = "STYLE", default_value = "quorate", value_parser = ["quorate", "gnu"])]
    style: String,
    /// Where to write the archive (must be outside DIR).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse().map_err(|e: ArchiveError| e.to_string())
}

/// Runs `quorate package`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    let mtime = match args.mtime {
        Some(m) => m,
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) => v.trim().parse::<u64>().with_context(|| {
                format!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds\nhint: e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)")
            })?,
            Err(_) => bail!(
                "no mtime for the archive entries\nhint: pass --mtime EPOCH or set SOURCE_DATE_EPOCH, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"
            ),
        },
    };
    let opts = PackOptions {
        format: args.format,
        mtime,
        prefix: args.prefix.clone(),
    };
    let result = if args.style == "gnu" {
        pack_dir_gnu(&args.dir, &args.output, &opts)
    } else {
        pack_dir_with_progress(&args.dir, &args.output, &opts, ui)
    };
    if let Err(e) = result {
        let hint = match &e {
            ArchiveError::OutputInside { .. } => {
                "\nhint: pass -o with a path outside the folder being packed"
            }
            ArchiveError::TooLarge { .. } => "\nhint: use --format tar.gz",
            ArchiveError::GnuStyle { .. } => {
                "\nhint: --style gnu needs --format tar.gz and --prefix NAME"
            }
            ArchiveError::Write { .. } => {
                "\nhint: check that the output folder exists and is writable"
            }
            _ => "",
        };
        bail!("cannot package {}: {e}{hint}", args.dir.display());
    }
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    ui.say(format!(
        "wrote {} ({} bytes, {}, mtime {mtime})",
        args.output.display(),
        size,
        args.format
    ));
    Ok(EXIT_OK)
}
