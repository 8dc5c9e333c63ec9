//! Flags of `quorate package`.

use std::path::PathBuf;

use quorate_release::archive::{ArchiveError, Format, Packer};

/// Flags of `quorate package`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
The archive is the same, byte for byte, on every machine: entries sorted by
path bytes (folders included), every mtime set to --mtime, owner and group
0 without names, mode 0755 for folders and executables and 0644 for other
files, symbolic links kept as links (links leaving the folder are refused),
no extended attributes or extra fields, a fixed gzip header, and a pure-Rust
compressor named by --packer (parallel, with the same bytes for any number
of threads and on every CPU; a packer's bytes never change). The archive is
written to a temporary file beside OUT and renamed; on error nothing is
left behind.

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
pub struct PackageArgs {
    /// The folder to pack (its contents; use --prefix for a top folder).
    pub dir: PathBuf,
    /// Archive format: tar.gz or zip.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Format,
    /// The mtime of every entry, in seconds since the epoch. Default: the
    /// SOURCE_DATE_EPOCH environment variable.
    #[arg(long, value_name = "EPOCH")]
    pub mtime: Option<u64>,
    /// Put every entry under this top-level folder inside the archive.
    #[arg(long, value_name = "NAME")]
    pub prefix: Option<String>,
    /// Header style: quorate (normalized modes, ustar) or gnu (GNU tar
    /// compatible, see below).
    #[arg(long, value_name = "STYLE", default_value = "quorate", value_parser = ["quorate", "gnu"])]
    pub style: String,
    /// Where to write the archive (must be outside DIR).
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// The compressor scheme: the newest by default; an older one gives the
    /// bytes of archives made by older quorate versions (the `packer` of a
    /// release's build.json; absent there means 1).
    #[arg(long, value_name = "N", default_value_t = Packer::CURRENT, value_parser = parse_packer)]
    pub packer: Packer,
}

fn parse_packer(s: &str) -> Result<Packer, String> {
    s.parse()
        .map_err(|e: quorate_release::archive::UnknownPacker| e.to_string())
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse().map_err(|e: ArchiveError| e.to_string())
}
