//! `quorate diff`: explain why two files or folders differ.

use std::time::Duration;

use anyhow::Context;

use crate::error::ResultExt;
use crate::output::json;
use crate::steps::html::write_html;
use quorate_diff::{DiffOptions, diff_paths_with_progress, render_text};

use crate::cli::DiffArgs;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// Runs `quorate diff`.
pub fn run(args: DiffArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let opts = DiffOptions {
        timeout: Duration::from_secs(args.timeout),
        max_depth: args.max_depth,
        ..DiffOptions::default()
    };
    let report = diff_paths_with_progress(&args.a, &args.b, &opts, ui)
        .with_context(|| format!("comparing {} with {}", args.a.display(), args.b.display()))
        .hint("give two files or two folders that exist and are readable")?;
    if args.json {
        ui.out(json(&report)?);
    } else {
        ui.out(render_text(&report, args.max_findings));
    }
    if let Some(file) = &args.html {
        let o = quorate_html::DiffHtmlOptions {
            a_path: Some(args.a.clone()),
            b_path: Some(args.b.clone()),
            ..Default::default()
        };
        write_html(file, &quorate_html::diff_report(&report, &o), ui)?;
    }
    if report.timed_out {
        ui.warn(format!(
            "time limit of {} s reached: the report is partial (raise it with --timeout)",
            args.timeout
        ));
    }
    Ok(ExitStatus::check(report.identical))
}
