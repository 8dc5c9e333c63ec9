//! The reproduction `quorate reproduce` and `quorate demo` run: the whole
//! step is `quorate_reproduce::pipeline` (verify, clone, rebuild with the
//! one build plan, compare, explain, attest behind its gate); this module
//! turns the arguments into its request, renders its events
//! (`crate::output::events`) and its outcome, and removes its temporary
//! folder on Ctrl-C (`crate::interrupt`).

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::bail;
use quorate_attest::verify::ReleaseReport;
use quorate_manifest::Progress;
use quorate_reproduce::attest::SigningKey;
use quorate_reproduce::pipeline::{self, Attestation, Done, Reproduction, Request};
use quorate_reproduce::{Event, Outcome, REPORT_FILE, Reporter, Workspace};

use crate::cli::ReproduceArgs;
use crate::exit::ExitStatus;
use crate::interrupt;
use crate::output::json;
use crate::output::reproduce::{render, render_foreign, summary, summary_foreign};
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

/// Renders the reproduction's events on the terminal and keeps its
/// workspace registered for removal on Ctrl-C.
struct Narrator<'a> {
    ui: &'a Ui,
    registered: Mutex<Option<interrupt::Registered>>,
}

impl Narrator<'_> {
    /// The workspace is no longer removed on Ctrl-C.
    fn unregister(&self) {
        drop(
            self.registered
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take(),
        );
    }
}

impl Progress for Narrator<'_> {
    fn begin(&self, what: &str, total: u64) {
        self.ui.begin(what, total);
    }
    fn begin_items(&self, what: &str, total: u64) {
        self.ui.begin_items(what, total);
    }
    fn advance(&self, n: u64) {
        self.ui.advance(n);
    }
    fn end(&self) {
        self.ui.end();
    }
    fn note(&self, message: &str) {
        self.ui.note(message);
    }
}

impl Reporter for Narrator<'_> {
    fn event(&self, event: Event<'_>) {
        if let Event::Workspace { path } = event {
            *self.registered.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(interrupt::Registered::new(path));
        }
        crate::output::events::reproduce(event, self.ui);
    }
}

/// The library's request from the arguments (`--out` checked).
fn request(args: &ReproduceArgs) -> anyhow::Result<Request> {
    Ok(Request {
        release: args.release.clone(),
        source: args.source.clone(),
        git_ref: args.git_ref.clone(),
        config: args.config.clone(),
        verify: !args.no_verify,
        policy: args.policy.clone(),
        out: args.out.as_deref().map(pipeline::check_out).transpose()?,
        keep: args.keep,
        jobs: args.jobs.unwrap_or_else(default_jobs).max(1),
        toolchain: args.toolchain.clone(),
        allow_patched: args.allow_patched,
        diff_timeout: Duration::from_secs(args.diff_timeout),
        attest: args.attest,
    })
}

/// Runs the whole reproduction; returns the exit code and the outcome
/// (absent when the published release did not verify, or was not made by
/// quorate).
pub fn reproduce(
    args: &ReproduceArgs,
    report: Report,
    ui: &Ui,
) -> anyhow::Result<(ExitStatus, Option<Outcome>)> {
    interrupt::install("quorate reproduce");
    if args.attest && args.key.is_none() && args.ssh_key.is_none() {
        bail!(
            "--attest needs --key FILE (OpenPGP secret key) or --ssh-key FILE (OpenSSH private key)"
        );
    }
    let req = request(args)?;
    let narrator = Narrator {
        ui,
        registered: Mutex::new(None),
    };
    match pipeline::reproduce(&req, &narrator)? {
        Reproduction::Refused(rep) => {
            refused(args, &rep, ui)?;
            Ok((ExitStatus::Failure, None))
        }
        Reproduction::Foreign(done) => {
            let done = *done;
            print_report(&done.json, report, args, ui, || {
                render_foreign(&done.outcome, args.max_findings)
            });
            if let Some(file) = &args.html {
                let page = quorate_html::foreign_report(&done.outcome, &Default::default());
                write_html(file, &page, ui)?;
            }
            summary_foreign(&done.outcome, ui);
            let code = ExitStatus::check(done.outcome.reproduced);
            closing(args, done.workspace, &done.rebuilt_dir, &narrator);
            Ok((code, None))
        }
        Reproduction::Quorate(done) => {
            let done = *done;
            print_report(&done.json, report, args, ui, || {
                render(&done.outcome, args.max_findings)
            });
            let mut code = ExitStatus::check(done.outcome.reproduced);
            summary(&done.outcome, ui);
            let mut attested = false;
            if args.attest {
                let c = attest_step(args, &done, &narrator)?;
                attested = c == ExitStatus::Success;
                code = code.max(c);
            }
            if let Some(file) = &args.html {
                let matrix = if attested {
                    attestation_matrix(args, &req, &done, ui)
                } else {
                    None
                };
                let page = quorate_html::reproduce_report(
                    &done.outcome,
                    matrix.as_ref(),
                    &Default::default(),
                );
                write_html(file, &page, ui)?;
            }
            closing(args, done.workspace, &done.rebuilt_dir, &narrator);
            Ok((code, Some(done.outcome)))
        }
    }
}

/// Prints the report on stdout: reproduce.json (`json`) with `--json`,
/// else `text()`.
fn print_report(
    json: &str,
    report: Report,
    args: &ReproduceArgs,
    ui: &Ui,
    text: impl FnOnce() -> String,
) {
    match report {
        Report::Print if args.json => ui.out(format!("{json}\n")),
        Report::Print => ui.out(text()),
        Report::Quiet => {}
    }
}

/// The report of a release that does not verify (text, `--json`,
/// `--html`): it is not rebuilt.
fn refused(args: &ReproduceArgs, rep: &ReleaseReport, ui: &Ui) -> anyhow::Result<()> {
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
            &quorate_html::verify_report(rep, &Default::default()),
            ui,
        )?;
    }
    Ok(())
}

/// The closing lines: with `--keep`, the kept workspace (no longer removed
/// on Ctrl-C); with `--out`, where the rebuild is.
fn closing(args: &ReproduceArgs, ws: Workspace, rebuilt_dir: &Path, narrator: &Narrator<'_>) {
    if args.keep {
        narrator.unregister();
        let root = ws.keep();
        narrator.ui.say(format!(
            "kept {} (clone in src/, rebuild in work/out/)",
            root.display()
        ));
    } else if args.out.is_some() {
        narrator.ui.say(format!(
            "the rebuild and {REPORT_FILE} are in {}",
            rebuilt_dir.display()
        ));
    }
}

/// The attestation repository's matrix after attesting; `None` (with a
/// warning) when it cannot be read.
fn attestation_matrix(
    args: &ReproduceArgs,
    req: &Request,
    done: &Done<Outcome>,
    ui: &Ui,
) -> Option<quorate_attest::attest::AttestationReport> {
    let repo = args.repo.as_ref()?;
    match pipeline::attestation_matrix(req, done, repo) {
        Ok(r) => Some(r),
        Err(e) => {
            ui.warn(format!(
                "the HTML report has no attestation matrix: {:#}",
                anyhow::Error::from(e)
            ));
            None
        }
    }
}

/// `--attest`: the signer and key from the arguments, then the library's
/// gate, signature and commit.
fn attest_step(
    args: &ReproduceArgs,
    done: &Done<Outcome>,
    narrator: &Narrator<'_>,
) -> anyhow::Result<ExitStatus> {
    let (Some(repo), Some(signer)) = (&args.repo, &args.signer) else {
        bail!("--attest needs --repo DIR and --signer NAME");
    };
    let key = match (&args.key, &args.ssh_key) {
        (Some(k), None) => SigningKey::OpenPgp(k.clone()),
        (None, Some(k)) => SigningKey::Ssh(k.clone()),
        _ => bail!("--attest needs --key FILE (OpenPGP) or --ssh-key FILE (OpenSSH)"),
    };
    let attestation = Attestation {
        repo,
        signer,
        key,
        force: args.force,
        passphrase: std::env::var("QUORATE_PASSPHRASE").ok(),
    };
    Ok(ExitStatus::check(pipeline::attest(
        done,
        &attestation,
        narrator,
    )?))
}
