//! Flags of `quorate manifest`.

use std::path::PathBuf;

/// Flags of `quorate manifest`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  quorate manifest dist/v1.0.0 --version v1.0.0     writes dist/v1.0.0/manifest-v1.0.0.txt
  quorate manifest dist/v1.0.0 --version v1.0.0 -o - prints it
  quorate manifest --check dist/v1.0.0/manifest-v1.0.0.txt

The manifest is sha256sum-compatible (`sha256sum -c` accepts it): one line
`<sha256>  <path>` per file, sorted by path bytes.

An empty folder gives an empty manifest with a warning; with --strict it
is an error and nothing is written.

Exit codes: 0 every listed file matches; 1 a file is missing or differs;
2 bad input (unreadable file, unsafe path, malformed manifest, an empty
folder with --strict).")]
pub struct ManifestArgs {
    /// The folder to list (write mode).
    #[arg(required_unless_present = "check", conflicts_with = "check")]
    pub dir: Option<PathBuf>,
    /// The release version; the manifest is named manifest-<VERSION>.txt.
    #[arg(long, required_unless_present = "check")]
    pub version: Option<String>,
    /// Where to write the manifest (`-` for stdout). Default:
    /// <DIR>/manifest-<VERSION>.txt (which is then not listed in itself).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Check the files against this manifest instead of writing one.
    #[arg(long, value_name = "MANIFEST")]
    pub check: Option<PathBuf>,
    /// The folder the manifest's paths are relative to (default: the
    /// manifest's own folder).
    #[arg(long = "dir", value_name = "DIR", requires = "check")]
    pub dir_for_check: Option<PathBuf>,
    /// Print a machine-readable JSON report on stdout (write mode: the
    /// entries; --check: every file's status).
    #[arg(long)]
    pub json: bool,
    /// Refuse to write an empty manifest (a folder with no file); without
    /// it an empty folder gives a warning.
    #[arg(long, conflicts_with = "check")]
    pub strict: bool,
}
