//! Flags of `quorate diff`.

use std::path::PathBuf;

/// Flags of `quorate diff`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Walks both sides in memory: folders (paired by relative path), tar, tar.gz,
gzip and zip (recursively, never extracted, never run), ELF/Mach-O/PE
executables (section by section), Go build info, and plain bytes (aligned, so
a grown string reads as one insertion). Every difference gets a cause from the
catalogue (patched-toolchain, post-link-strip, go-version, go-build-setting,
vcs-stamping, build-path, embedded-string, go-build-id, archive-mtime/owner/
mode/order, gzip-header, zip-extra-fields, recompression, file-set,
unexplained), with its evidence and the fix. The summary line counts
entries: every file of either side and every member of an archive inside.

Examples:
  quorate diff linux/tapd darwin-built/tapd
  quorate diff dist-alice/v0.7.0 dist-bob/v0.7.0 --max-findings 5
  quorate diff a.tar.gz b.tar.gz --json | jq '.findings[0].cause'

Exit codes: 0 identical; 1 the inputs differ (findings on stdout);
2 quorate could not compare them (unreadable input, file vs folder).")]
pub struct DiffArgs {
    /// Side A: a file or a folder.
    pub a: PathBuf,
    /// Side B: a file or a folder (same kind as A).
    pub b: PathBuf,
    /// Print the report as JSON (the same tree, typed fields).
    #[arg(long)]
    pub json: bool,
    /// Show at most this many findings in text (the rest summarized).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_findings: usize,
    /// Stop after this many seconds and report the findings so far.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub timeout: u64,
    /// Containers nested deeper than this are compared as bytes.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_depth: usize,
    /// Also write a self-contained HTML report to FILE (docs/html-report.md).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}
