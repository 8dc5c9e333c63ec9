//! `quorate diff`: explain why two files or folders differ.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use quorate_diff::{DiffOptions, diff_paths_with_progress, render_text};

use crate::ui::Ui;
use crate::{EXIT_FAILED, EXIT_OK};

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
unexplained), with its evidence and the fix.

Examples:
  quorate diff linux/tapd darwin-built/tapd
  quorate diff dist-alice/v0.7.0 dist-bob/v0.7.0 --max-findings 5
  quorate diff a.tar.gz b.tar.gz --json | jq '.findings[0].cause'

Exit codes: 0 identical; 1 the inputs differ (findings on stdout);
2 quorate could not compare them (unreadable input, file vs folder).")]
pub struct Args {
    /// Side A: a file or a folder.
    a: PathBuf,
    /// Side B: a file or a folder (same kind as A).
    b: PathBuf,
    /// Print the report as JSON (the same tree, typed fields).
    #[arg(long)]
    json: bool,
    /// Show at most this many findings in text (the rest summarized).
    #[arg(long, default_value_t = 10, value_name = "N")]
    max_findings: usize,
    /// Stop after this many seconds and report the findings so far.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    timeout: u64,
    /// Containers nested deeper than this are compared as bytes.
    #[arg(long, default_value_t = 8, value_name = "N")]
    max_depth: usize,
    /// Also write a self-contained HTML report to FILE (docs/html-report.md).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Runs `quorate diff`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    let opts = DiffOptions {
        timeout: Duration::from_secs(args.timeout),
        max_depth: args.max_depth,
        ..DiffOptions::default()
    };
    let report = diff_paths_with_progress(&args.a, &args.b, &opts, ui)
        .with_context(|| format!("comparing {} with {}", args.a.display(), args.b.display()))
        .map_err(|e| {
            e.context("hint: give two files or two folders that exist and are readable")
        })?;
    if args.json {
        ui.out(format!("{}\n", serde_json::to_string_pretty(&report)?));
    } else {
        ui.out(render_text(&report, args.max_findings));
    }
    if let Some(file) = &args.html {
        let o = quorate_html::DiffHtmlOptions {
            a_path: Some(args.a.clone()),
            b_path: Some(args.b.clone()),
            ..Default::default()
        };
        quorate_html::write_report(file, &quorate_html::diff_report(&report, &o))
            .context("hint: give --html a file in a folder that exists and is writable")?;
        ui.say(format!("wrote {}", file.display()));
    }
    if report.timed_out {
        ui.warn(format!(
            "time limit of {} s reached: the report is partial (raise it with --timeout)",
            args.timeout
        ));
    }
    Ok(if report.identical {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

/// Explains why two builds of a release differ: diffs the two release
/// folders with the engine and prints the top findings on stderr, indented.
/// Used by `build --check`, `demo` and anything else that finds two
/// manifests disagree. A failure to explain is a warning, not an error: the
/// comparison of the manifests already said what differs.
pub fn explain_release_difference(
    first: &std::path::Path,
    second: &std::path::Path,
    max_findings: usize,
    ui: &Ui,
) -> Option<quorate_diff::Report> {
    ui.say(format!(
        "  Why (quorate diff {} {}):",
        first.display(),
        second.display()
    ));
    match diff_paths_with_progress(first, second, &DiffOptions::default(), ui) {
        Ok(report) => {
            let short = quorate_diff::TextOptions {
                max_findings,
                max_evidence: 2,
                max_notes: 0,
            };
            for line in quorate_diff::render_text_with(&report, &short).lines() {
                ui.say(format!("    {line}"));
            }
            Some(report)
        }
        Err(e) => {
            ui.warn(format!("could not explain the difference: {e}"));
            None
        }
    }
}
