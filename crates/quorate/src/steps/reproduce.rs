//! The reproduction `quorate reproduce` and `quorate demo` run: verify the
//! published release, clone, rebuild with the one build plan, compare,
//! explain, and attest behind the gate of `quorate_reproduce::attest`.
//! Temporary folders are removed on Ctrl-C (`crate::interrupt`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use quorate_attest::Policy;
use quorate_attest::verify::{ReleaseReport, VerifyOptions, verify_release};
use quorate_diff::DiffOptions;
use quorate_release::build;
use quorate_reproduce::attest::{Gate, SigningKey, gate, sign_and_attest};
use quorate_reproduce::compare::{self, Inputs};
use quorate_reproduce::{
    Outcome, Prepared, Published, REPORT_FILE, ReproduceError, ToolchainChoice, Workspace,
    published, rebuild, source,
};

use crate::cli::ReproduceArgs;
use crate::error::ResultExt;
use crate::exit::ExitStatus;
use crate::interrupt;
use crate::output::json;
use crate::output::reproduce::{render, summary, verification_line};
use crate::output::verify::signature_lines;
use crate::steps::html::write_html;
use crate::steps::release::default_jobs;
use crate::ui::{Ui, style};

/// Whether the reproduction prints its report on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// The text report (or reproduce.json with `--json`).
    Print,
    /// Nothing on stdout (`quorate demo` narrates instead).
    Quiet,
}

/// Refuses an `--out` that holds something other than an earlier
/// reproduction; returns its (absolute) path.
fn check_out(out: &Path) -> anyhow::Result<PathBuf> {
    let out = std::path::absolute(out).with_context(|| out.display().to_string())?;
    if out.exists() {
        let empty = std::fs::read_dir(&out)
            .map(|mut r| r.next().is_none())
            .unwrap_or(false);
        if !out.is_dir() || (!empty && !out.join(REPORT_FILE).is_file()) {
            return Err(ReproduceError::OutNotEmpty { path: out }.into());
        }
    }
    Ok(out)
}

fn load_policy(args: &ReproduceArgs, config: &Path) -> anyhow::Result<Policy> {
    match &args.policy {
        Some(p) => Ok(Policy::load(p)?),
        None => Policy::load(config).hint(
            "pass --policy FILE (threshold and pinned signers), or --no-verify to rebuild without verifying",
        ),
    }
}

/// Runs the whole reproduction; returns the exit code and the outcome
/// (absent when the published release did not verify).
pub fn reproduce(
    args: &ReproduceArgs,
    report: Report,
    ui: &Ui,
) -> anyhow::Result<(ExitStatus, Option<Outcome>)> {
    interrupt::install("quorate reproduce");
    let jobs = args.jobs.unwrap_or_else(default_jobs).max(1);
    if args.attest && args.key.is_none() && args.ssh_key.is_none() {
        bail!(
            "--attest needs --key FILE (OpenPGP secret key) or --ssh-key FILE (OpenSSH private key)"
        );
    }
    let out = args.out.as_deref().map(check_out).transpose()?;

    let published = read_published(&args.release, ui)?;

    let parent = match &out {
        Some(o) => {
            let p = o.parent().unwrap_or(Path::new("/")).to_path_buf();
            std::fs::create_dir_all(&p)
                .with_context(|| format!("{}: cannot create", p.display()))?;
            Some(p)
        }
        None => None,
    };
    let ws = Workspace::new(parent.as_deref())?;
    let registered = interrupt::Registered::new(ws.path());

    let git_ref = args
        .git_ref
        .clone()
        .unwrap_or_else(|| published.default_ref());
    ui.step(format!(
        "cloning {} at {git_ref} into a fresh temporary folder",
        args.source
    ));
    let checkout = source::checkout(&args.source, &git_ref, &ws.src_dir())?;
    ui.say(format!("    commit {}", checkout.commit));

    let verification = match verify_published(args, &checkout, ui)? {
        Verification::Skipped => None,
        Verification::Verified(rep) => Some(*rep),
        Verification::Refused => return Ok((ExitStatus::Failure, None)),
    };

    if crate::steps::foreign::is_foreign(&published, &checkout, &args.config) {
        let ready = crate::steps::foreign::Ready {
            published: &published,
            checkout: &checkout,
            verification,
            out,
        };
        let code =
            crate::steps::foreign::reproduce_foreign(args, ready, ws, registered, report, ui)?;
        return Ok((code, None));
    }
    let prepared = prepare_rebuild(args, &checkout, &published, jobs, ui)?;
    let built = rebuild::build(&prepared, &ws.work_dir(), jobs, ui)?;
    let rebuilt_dir = place_rebuild(&built.out_dir, out.as_deref())?;

    ui.step(format!(
        "comparing {} published artifacts with the rebuild",
        published.manifest.len()
    ));
    let mut outcome = compare::outcome(
        Inputs {
            published: &published,
            checkout: &checkout,
            prepared: &prepared,
            rebuilt: &built.manifest,
            rebuilt_build: &built.info,
            rebuilt_dir: &rebuilt_dir,
            verification,
        },
        &DiffOptions {
            timeout: std::time::Duration::from_secs(args.diff_timeout.max(1)),
            ..DiffOptions::default()
        },
        ui,
    );
    let kept = out.is_some() || args.keep;
    if !kept {
        outcome.rebuild_dir = None;
    }
    write_report(&outcome, &rebuilt_dir, report, args, ui, || {
        render(&outcome, args.max_findings)
    })?;
    let mut code = ExitStatus::check(outcome.reproduced);
    summary(&outcome, ui);

    let mut attested = false;
    if args.attest {
        let c = attest_step(args, &outcome, &rebuilt_dir, ui)?;
        attested = c == ExitStatus::Success;
        code = code.max(c);
    }
    if let Some(file) = &args.html {
        let matrix = if attested {
            attestation_matrix(args, &checkout, &outcome.version, ui)
        } else {
            None
        };
        let page = quorate_html::reproduce_report(&outcome, matrix.as_ref(), &Default::default());
        write_html(file, &page, ui)?;
    }
    closing(args, out.is_some(), ws, registered, &rebuilt_dir, ui);
    Ok((code, Some(outcome)))
}

/// Puts the rebuild in `--out` when given; returns where it is.
pub(crate) fn place_rebuild(built: &Path, out: Option<&Path>) -> anyhow::Result<PathBuf> {
    match out {
        Some(o) => {
            build::publish(built, o).map_err(ReproduceError::from)?;
            Ok(o.to_path_buf())
        }
        None => Ok(built.to_path_buf()),
    }
}

/// Writes the outcome as reproduce.json into the rebuild, then prints the
/// report on stdout: that JSON with `--json`, else `text()`.
pub(crate) fn write_report<T: serde::Serialize>(
    outcome: &T,
    rebuilt_dir: &Path,
    report: Report,
    args: &ReproduceArgs,
    ui: &Ui,
    text: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    let json = serde_json::to_string_pretty(outcome)?;
    let report_path = rebuilt_dir.join(REPORT_FILE);
    quorate_manifest::fsutil::write_atomic(&report_path, format!("{json}\n").as_bytes())
        .with_context(|| format!("{}: cannot write", report_path.display()))?;
    match report {
        Report::Print if args.json => ui.out(format!("{json}\n")),
        Report::Print => ui.out(text()),
        Report::Quiet => {}
    }
    Ok(())
}

/// The closing lines: with `--keep`, the kept workspace (no longer removed
/// on Ctrl-C); with `--out` (`out_given`), where the rebuild is.
pub(crate) fn closing(
    args: &ReproduceArgs,
    out_given: bool,
    ws: Workspace,
    registered: interrupt::Registered,
    rebuilt_dir: &Path,
    ui: &Ui,
) {
    if args.keep {
        drop(registered);
        let root = ws.keep();
        ui.say(format!(
            "kept {} (clone in src/, rebuild in work/out/)",
            root.display()
        ));
    } else if out_given {
        ui.say(format!(
            "the rebuild and {REPORT_FILE} are in {}",
            rebuilt_dir.display()
        ));
    }
}

/// What became of the verification of the published release.
enum Verification {
    /// `--no-verify`.
    Skipped,
    /// It verified.
    Verified(Box<ReleaseReport>),
    /// It did not verify (reported): nothing is rebuilt.
    Refused,
}

/// Reads the published release folder and says what it holds.
fn read_published(release: &Path, ui: &Ui) -> anyhow::Result<Published> {
    ui.step(format!("reading the release in {}", release.display()));
    let published = published::read(release)?;
    for w in &published.warnings {
        ui.warn(w);
    }
    ui.say(format!(
        "    {} {}: {} artifacts, {} signature file(s){}",
        published.manifest_path.display(),
        published.version(),
        published.manifest.len(),
        published.signatures.len(),
        published
            .build_info
            .as_ref()
            .map(|b| format!(
                ", built by quorate {} with Go {}",
                b.quorate_version, b.toolchain.version
            ))
            .unwrap_or_default()
    ));
    Ok(published)
}

/// Verifies the published release against the policy (`--policy`, else
/// quorate.toml at the tag); a release that does not verify is reported
/// (text, `--json`, `--html`) and not rebuilt.
fn verify_published(
    args: &ReproduceArgs,
    checkout: &source::Checkout,
    ui: &Ui,
) -> anyhow::Result<Verification> {
    if args.no_verify {
        ui.warn("--no-verify: the published release is NOT verified; its signatures and files are taken on trust");
        return Ok(Verification::Skipped);
    }
    let config = checkout.dir.join(&args.config);
    let policy = load_policy(args, &config)?;
    ui.step(format!(
        "verifying the published release against {} (threshold {})",
        policy.source.display(),
        policy.threshold
    ));
    let rep = verify_release(&args.release, &policy, VerifyOptions::default(), ui)?;
    ui.say(format!("    {}", verification_line(&rep)));
    if !rep.ok {
        for s in &rep.signatures {
            ui.say(signature_lines(s).trim_end());
        }
        ui.say(format!(
            "{}: the published release does not verify, so it is not rebuilt",
            Ui::paint(style::BAD, "NOT REPRODUCED"),
        ));
        ui.hint(format!(
            "`quorate verify {} --policy FILE` shows why; --no-verify rebuilds anyway",
            args.release.display()
        ));
        if args.json {
            ui.out(json(&serde_json::json!({
                "reproduced": false,
                "verification": rep,
            }))?);
        }
        if let Some(file) = &args.html {
            write_html(
                file,
                &quorate_html::verify_report(&rep, &Default::default()),
                ui,
            )?;
        }
        return Ok(Verification::Refused);
    }
    Ok(Verification::Verified(Box::new(rep)))
}

/// The one build plan for the checkout, as the release's build.json says
/// (with its warnings shown).
fn prepare_rebuild(
    args: &ReproduceArgs,
    checkout: &source::Checkout,
    published: &Published,
    jobs: usize,
    ui: &Ui,
) -> anyhow::Result<Prepared> {
    let choice = ToolchainChoice {
        explicit: args.toolchain.clone(),
        allow_patched: args.allow_patched,
        gocache: None,
    };
    let prepared = rebuild::prepare(checkout, &args.config, published, &choice)?;
    for w in &prepared.warnings {
        ui.warn(w);
    }
    if !prepared.toolchain.is_official() {
        ui.warn(format!(
            "{} is a PATCHED toolchain ({} references to /nix/store): this rebuild is for investigation only and cannot reproduce an official release",
            prepared.toolchain.goroot.display(),
            prepared.toolchain.patched.len()
        ));
    }
    let plan = &prepared.plan;
    ui.step(format!(
        "rebuilding {} {} for {} target{} with Go {} (SOURCE_DATE_EPOCH={}, {} at once)",
        plan.name,
        plan.release.version,
        plan.targets.len(),
        if plan.targets.len() == 1 { "" } else { "s" },
        prepared.toolchain.version,
        plan.release.source_date_epoch,
        jobs
    ));
    Ok(prepared)
}

/// The attestation repository's matrix for `version` after attesting, under
/// the policy of the verification (--policy, else quorate.toml at the tag);
/// `None` (with a warning) when it cannot be read.
fn attestation_matrix(
    args: &ReproduceArgs,
    checkout: &source::Checkout,
    version: &str,
    ui: &Ui,
) -> Option<quorate_attest::attest::AttestationReport> {
    let repo = args.repo.as_ref()?;
    let result = load_policy(args, &checkout.dir.join(&args.config)).and_then(|policy| {
        Ok(quorate_attest::attest::compare(
            repo,
            version,
            &policy,
            &[],
            false,
        )?)
    });
    match result {
        Ok(r) => Some(r),
        Err(e) => {
            ui.warn(format!("the HTML report has no attestation matrix: {e:#}"));
            None
        }
    }
}

fn attest_step(
    args: &ReproduceArgs,
    outcome: &Outcome,
    rebuilt_dir: &Path,
    ui: &Ui,
) -> anyhow::Result<ExitStatus> {
    let (Some(repo), Some(signer)) = (&args.repo, &args.signer) else {
        bail!("--attest needs --repo DIR and --signer NAME");
    };
    let key = match (&args.key, &args.ssh_key) {
        (Some(k), None) => SigningKey::OpenPgp(k.clone()),
        (None, Some(k)) => SigningKey::Ssh(k.clone()),
        _ => bail!("--attest needs --key FILE (OpenPGP) or --ssh-key FILE (OpenSSH)"),
    };
    match gate(outcome.toolchain.official, outcome.reproduced, args.force) {
        Gate::Refused(why) => {
            ui.warn(format!("not attesting: {why}"));
            return Ok(ExitStatus::Failure);
        }
        Gate::Forced => {
            ui.warn("--force: attesting a rebuild that differs from the published release")
        }
        Gate::Attest => {}
    }
    ui.step(format!(
        "signing the rebuilt manifest as {signer} and adding it to {}",
        repo.display()
    ));
    let manifest = rebuilt_dir.join(format!("manifest-{}.txt", outcome.version));
    let pass = std::env::var("QUORATE_PASSPHRASE").ok();
    let (sig, added) = sign_and_attest(
        &manifest,
        &outcome.version,
        signer,
        &key,
        pass.as_deref(),
        repo,
    )?;
    ui.say(format!(
        "    wrote {}; committed {} ({})",
        sig.display(),
        added.files.join(", "),
        &added.commit[..added.commit.len().min(12)]
    ));
    ui.say(format!(
        "    compare everyone's attestations: quorate verify --attestations {} --version {} --policy POLICY",
        repo.display(),
        outcome.version
    ));
    Ok(ExitStatus::Success)
}
