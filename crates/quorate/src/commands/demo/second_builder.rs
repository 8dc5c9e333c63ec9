//! The demo's last step: a second builder reproduces the release from a
//! fresh clone (`quorate reproduce --attest`), then the attestation matrix.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use quorate_attest::Policy;

use crate::cli::ReproduceArgs;
use crate::error::ResultExt;
use crate::exit::ExitStatus;
use crate::output::reproduce::demo_matrix;
use crate::steps::reproduce::{Report, reproduce};
use crate::ui::{Ui, style};

/// What `quorate demo`'s reproduction step needs: the demo's release, its
/// source, its trust policy and two of its signers.
pub struct Builders<'a> {
    /// The demo's folder (the attestation repository and the second
    /// builder's rebuild are made there).
    pub root: &'a Path,
    /// The source repository (tagged).
    pub source: &'a Path,
    /// The published release folder, signed by the policy's signers.
    pub release: &'a Path,
    /// The trust policy (threshold and pinned keys).
    pub policy: &'a Path,
    /// The builder who made the release (their signature is in `release`).
    pub first: &'a str,
    /// The second builder, who reproduces and attests.
    pub second: &'a str,
    /// The second builder's OpenPGP secret key.
    pub second_key: &'a Path,
    /// The official toolchain (GOROOT) found by the demo.
    pub toolchain: Option<PathBuf>,
    /// Targets built at once.
    pub jobs: usize,
}

/// `quorate demo`'s reproduction: the first builder's signed release goes
/// into an attestation repository (`<root>/release-sigs`, the guix.sigs
/// layout); a second builder reproduces the release from a fresh clone
/// (`quorate reproduce --attest`, rebuilt into `<root>/<second>-rebuild`)
/// and attests it; then the attestation matrix (artifact × builder) under
/// the policy. Returns 0 when every artifact reproduced and the builders
/// agree with the quorum met.
pub fn run(ui: &Ui, b: &Builders<'_>) -> anyhow::Result<ExitStatus> {
    use quorate_attest::attest;
    let files = quorate_attest::verify::find_release_files(b.release)?;
    let version = files.version.clone();
    let sigs = b.root.join("release-sigs");
    std::fs::create_dir_all(&sigs).with_context(|| sigs.display().to_string())?;
    let init = quorate_base::git::command(Some(&sigs))
        .args(["init", "-q"])
        .status()
        .context("cannot run git")
        .hint("install git")?;
    if !init.success() {
        bail!("{}: git init failed", sigs.display());
    }
    attest::add(
        &sigs,
        b.first,
        b.release,
        &attest::host_build_json(env!("CARGO_PKG_VERSION")),
    )?;
    ui.say(format!(
        "  {} attests the release in {} ({version}/{}/: manifest, signature, build.json)",
        b.first,
        sigs.display(),
        b.first
    ));
    ui.say(format!(
        "  {} rebuilds it on \"another machine\": a fresh clone in another folder, the",
        b.second
    ));
    ui.say("  toolchain build.json names, then byte-for-byte comparison; only if every");
    ui.say("  artifact is REPRODUCED does the second builder sign and attest:");
    let args = ReproduceArgs {
        release: b.release.to_path_buf(),
        source: b.source.display().to_string(),
        config: PathBuf::from("quorate.toml"),
        policy: Some(b.policy.to_path_buf()),
        toolchain: b.toolchain.clone(),
        out: Some(b.root.join(format!("{}-rebuild", b.second))),
        jobs: Some(b.jobs),
        max_findings: 3,
        diff_timeout: 60,
        attest: true,
        repo: Some(sigs.clone()),
        signer: Some(b.second.to_string()),
        key: Some(b.second_key.to_path_buf()),
        ..Default::default()
    };
    let (mut code, outcome) = reproduce(&args, Report::Quiet, ui)?;
    let Some(outcome) = outcome else {
        return Ok(ExitStatus::Failure);
    };
    if !outcome.reproduced {
        return Ok(code.max(ExitStatus::Failure));
    }
    let policy = Policy::load(b.policy)?;
    let rep = attest::compare(&sigs, &version, &policy, &[], false)?;
    ui.say(format!(
        "  {} (`quorate verify --attestations`, {} of {} required):",
        Ui::paint(style::HEAD, "the attestation matrix"),
        policy.threshold,
        policy.signers.len()
    ));
    for line in demo_matrix(&rep) {
        ui.say(line);
    }
    if !rep.ok {
        code = code.max(ExitStatus::Failure);
    }
    ui.say(format!(
        "  (the same check: quorate verify --attestations {} --version {version} --policy {})",
        sigs.display(),
        b.policy.display()
    ));
    Ok(code)
}
