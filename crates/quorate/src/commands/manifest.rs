//! `quorate manifest`: write or check a SHA-256 manifest.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::error::hinted;
use crate::output::{files_table, json, unreadable_note};
use quorate_manifest::check::{check, manifest_of_tree};
use quorate_manifest::{Manifest, fsutil};

use crate::cli::ManifestArgs;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// Runs `quorate manifest`.
pub fn run(args: ManifestArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    if let Some(manifest_path) = &args.check {
        return run_check(&args, manifest_path, ui);
    }
    let (Some(dir), Some(version)) = (&args.dir, &args.version) else {
        bail!("give a folder and --version, or --check MANIFEST");
    };
    if version.is_empty() || version.contains(['/', '\\', '\n']) {
        return Err(hinted(
            format!("--version {version:?} cannot be used in a file name"),
            "use a tag such as v1.2.3",
        ));
    }
    if !dir.is_dir() {
        return Err(hinted(
            format!("{}: not a folder", dir.display()),
            "give the folder whose files the manifest lists",
        ));
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
        return Err(hinted(
            format!(
                "{}: the output is inside the folder being listed",
                output.display()
            ),
            format!("write it beside the folder, or directly in it as {default_name}"),
        ));
    }
    let skip = |rel: &str| Some(rel) == self_rel.as_deref();
    let manifest = manifest_of_tree(dir, &skip, ui)?;
    if manifest.is_empty() {
        let what = format!("{}: no files to list; the manifest is empty", dir.display());
        if args.strict {
            return Err(hinted(
                what,
                "give the folder that holds the release's files (nothing was written)",
            ));
        }
        ui.warn(format!("{what} (--strict refuses this)"));
    }
    if args.json {
        ui.out(json(&manifest.entries())?);
    }
    if to_stdout {
        if !args.json {
            ui.out(manifest.to_text());
        }
    } else {
        manifest.write(&output)?;
        ui.say(format!(
            "wrote {} ({})",
            output.display(),
            quorate_base::text::count(manifest.len(), "file")
        ));
    }
    Ok(ExitStatus::Success)
}

fn run_check(
    args: &ManifestArgs,
    manifest_path: &std::path::Path,
    ui: &Ui,
) -> anyhow::Result<ExitStatus> {
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
        ui.out(json(&report)?);
    } else {
        ui.out(files_table(&report, true));
        let (m, mm, miss, unr) = report.counts();
        ui.say(format!(
            "{m} match, {mm} mismatch, {miss} missing{}, {} not listed",
            unreadable_note(unr),
            report.unlisted.len()
        ));
    }
    Ok(ExitStatus::check(report.all_match()))
}
