//! `quorate manifest`: write or check a SHA-256 manifest.

use std::path::PathBuf;

use anyhow::{Context, bail};
use quorate_manifest::check::{check, manifest_of_tree};
use quorate_manifest::{EntryStatus, Manifest, fsutil};

use crate::ui::{Ui, style};
use crate::{EXIT_FAILED, EXIT_OK};

/// Flags of `quorate manifest`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  quorate manifest dist/v1.0.0 --version v1.0.0     writes dist/v1.0.0/manifest-v1.0.0.txt
  quorate manifest dist/v1.0.0 --version v1.0.0 -o - prints it
  quorate manifest --check dist/v1.0.0/manifest-v1.0.0.txt

The manifest is sha256sum-compatible (`sha256sum -c` accepts it): one line
`<sha256>  <path>` per file, sorted by path bytes.

Exit codes: 0 every listed file matches; 1 a file is missing or differs;
2 bad input (unreadable file, unsafe path, malformed manifest).")]
pub struct Args {
    /// The folder to list (write mode).
    #[arg(required_unless_present = "check", conflicts_with = "check")]
    dir: Option<PathBuf>,
    /// The release version; the manifest is named manifest-<VERSION>.txt.
    #[arg(long, required_unless_present = "check")]
    version: Option<String>,
    /// Where to write the manifest (`-` for stdout). Default:
    /// <DIR>/manifest-<VERSION>.txt (which is then not listed in itself).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Check the files against this manifest instead of writing one.
    #[arg(long, value_name = "MANIFEST")]
    check: Option<PathBuf>,
    /// The folder the manifest's paths are relative to (default: the
    /// manifest's own folder).
    #[arg(long = "dir", value_name = "DIR", requires = "check")]
    dir_for_check: Option<PathBuf>,
    /// Print a machine-readable JSON report on stdout.
    #[arg(long)]
    json: bool,
}

/// Runs `quorate manifest`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    if let Some(manifest_path) = &args.check {
        return run_check(&args, manifest_path, ui);
    }
    let (Some(dir), Some(version)) = (&args.dir, &args.version) else {
        bail!("give a folder and --version, or --check MANIFEST");
    };
    if version.is_empty() || version.contains(['/', '\\', '\n']) {
        bail!(
            "--version {version:?} cannot be used in a file name\nhint: use a tag such as v1.2.3"
        );
    }
    if !dir.is_dir() {
        bail!(
            "{}: not a folder\nhint: give the folder whose files the manifest lists",
            dir.display()
        );
    }
    let default_name = format!("manifest-{version}.txt");
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| dir.join(&default_name));
    let to_stdout = output.as_os_str() == "-";
    // The manifest never lists itself; any other output inside the tree is refused.
    let self_rel = (!to_stdout
        && output
            .parent()
            .map(|p| p.canonicalize().ok() == dir.canonicalize().ok())
            .unwrap_or(false))
    .then(|| output.file_name().map(|n| n.to_string_lossy().into_owned()))
    .flatten();
    if !to_stdout && self_rel.is_none() && fsutil::is_within(&output, dir) {
        bail!(
            "{}: the output is inside the folder being listed\nhint: write it beside the folder, or directly in it as {default_name}",
            output.display()
        );
    }
    let skip = |rel: &str| Some(rel) == self_rel.as_deref();
    let manifest = manifest_of_tree(dir, &skip, ui)?;
    if args.json {
        ui.out(format!(
            "{}\n",
            serde_json::to_string_pretty(&manifest.entries())?
        ));
    }
    if to_stdout {
        if !args.json {
            ui.out(manifest.to_text());
        }
    } else {
        manifest.write(&output)?;
        ui.say(format!(
            "wrote {} ({} files)",
            output.display(),
            manifest.len()
        ));
    }
    Ok(EXIT_OK)
}

fn run_check(args: &Args, manifest_path: &std::path::Path, ui: &Ui) -> anyhow::Result<u8> {
    let manifest = Manifest::read(manifest_path)?;
    let dir = match &args.dir_for_check {
        Some(d) => d.clone(),
        None => manifest_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    let manifest_name = manifest_path.canonicalize().ok().and_then(|m| {
        let d = dir.canonicalize().ok()?;
        m.strip_prefix(&d)
            .ok()
            .map(|r| r.to_string_lossy().into_owned())
    });
    let is_signature = |rel: &str| {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        name.starts_with("manifest-")
            && [".sig", ".asc", ".sshsig", ".txt"]
                .iter()
                .any(|e| name.ends_with(e))
    };
    let skip = |rel: &str| Some(rel) == manifest_name.as_deref() || is_signature(rel);
    let report = check(&manifest, &dir, &skip, ui).with_context(|| {
        format!(
            "checking {} against {}",
            dir.display(),
            manifest_path.display()
        )
    })?;
    if args.json {
        ui.out(format!("{}\n", serde_json::to_string_pretty(&report)?));
    } else {
        for e in &report.entries {
            let (word, s) = match &e.status {
                EntryStatus::Match => ("MATCH", style::GOOD),
                EntryStatus::Mismatch { .. } => ("MISMATCH", style::BAD),
                EntryStatus::Missing => ("MISSING", style::BAD),
                EntryStatus::Unreadable { .. } => ("UNREADABLE", style::BAD),
            };
            let extra = match &e.status {
                EntryStatus::Mismatch { actual } => {
                    format!("  (expected {}, found {actual})", e.expected)
                }
                EntryStatus::Unreadable { error } => format!("  ({error})"),
                _ => String::new(),
            };
            ui.out(format!(
                "{} {}{extra}\n",
                Ui::paint(s, format!("{word:<10}")),
                e.path
            ));
        }
        for p in &report.unlisted {
            ui.out(format!(
                "{} {p}  (present but not listed)\n",
                Ui::paint(style::WARN, format!("{:<10}", "UNLISTED"))
            ));
        }
        let (m, mm, miss, unr) = report.counts();
        ui.say(format!(
            "{m} match, {mm} mismatch, {miss} missing{}, {} not listed",
            if unr > 0 {
                format!(", {unr} unreadable")
            } else {
                String::new()
            },
            report.unlisted.len()
        ));
    }
    Ok(if report.all_match() {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}
