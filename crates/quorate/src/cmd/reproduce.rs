//! `quorate reproduce`: rebuild a published release from source, in a
//! fresh clone, exactly as it was built; compare artifact by artifact;
//! explain every difference; optionally sign and attest the rebuild.
//!
//! The work is done by the `quorate-reproduce` library; this module parses
//! flags, shows the steps, prints the report and removes the temporary
//! folders on Ctrl-C. [`reproduce`] is public so `quorate demo` runs
//! exactly what `quorate reproduce` runs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, bail};
use quorate_attest::Policy;
use quorate_attest::verify::{ReleaseReport, VerifyOptions, verify_release};
use quorate_diff::DiffOptions;
use quorate_release::build;
use quorate_reproduce::attest::{SigningKey, sign_and_attest};
use quorate_reproduce::compare::{self, Inputs};
use quorate_reproduce::{
    Outcome, REPORT_FILE, ReproduceError, Status, ToolchainChoice, Workspace, published, rebuild,
    source,
};

use crate::ui::{Ui, style};
use crate::{EXIT_FAILED, EXIT_OK};

/// Flags of `quorate reproduce`.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(after_help = "\
Rebuilds a published release from its source and compares it, artifact by
artifact, with the published manifest:

  1. verifies the release folder (signatures against the trust policy, the
     quorum, then the files against the manifest), as `quorate verify` does;
  2. clones the source repository into a fresh temporary folder (never your
     working tree) and checks out the release's tag (--ref; default: the
     version in the release's build.json, else the manifest's name);
  3. reads quorate.toml at that commit and the release's build.json, finds
     the exact Go toolchain the release names, and builds with the same
     version, SOURCE_DATE_EPOCH, targets, packages and flags;
  4. prints each artifact as REPRODUCED, DIFFERENT, MISSING (published, not
     rebuilt) or EXTRA (rebuilt, not published), and explains every
     DIFFERENT one with the diff engine (the published file is side A, the
     rebuild side B): cause, evidence, fix. When the release was packed by
     another quorate version and only the packing of an archive differs,
     the cause is quorate-version.

The rebuild and reproduce.json (the report, as --json prints it) go to
--out DIR, or to a temporary folder removed at the end unless --keep.
Ctrl-C removes every temporary folder.

Trust: --policy FILE, else the [trust] table of quorate.toml at the tag.
--no-verify skips the verification (with a warning).

Attesting: with --attest --repo DIR --signer NAME and --key FILE (OpenPGP)
or --ssh-key FILE, the rebuilt manifest is signed and committed to the
attestation repository as <VERSION>/<NAME>/ (see `quorate attest`), only
when every artifact REPRODUCED (unless --force). QUORATE_PASSPHRASE unlocks
an encrypted key.

--toolchain PATH --allow-patched forces a patched Go toolchain, for
investigation only (to see what a Nixpkgs-style toolchain changes).

Examples:
  quorate reproduce --release ~/Downloads/hello-v0.1.0 --source https://example.org/hello.git
  quorate reproduce --release dist/v0.1.0 --source . --ref v0.1.0 --policy policy.toml --json
  quorate reproduce --release rel --source ../hello --html reproduce.html
  quorate reproduce --release rel --source ../hello --out rebuilt --attest \\
      --repo ../release-sigs --signer dave --key dave-secret.asc

Exit codes:
  0  every artifact REPRODUCED (and attested, with --attest)
  1  an artifact is DIFFERENT, MISSING or EXTRA, or the published release
     does not verify (quorum not met, files differ)
  2  quorate could not reproduce: no manifest in the release folder, no
     such tag, no quorate.toml at the tag, no suitable toolchain, the build
     failed, I/O; temporary files are removed
  130  interrupted (Ctrl-C, SIGTERM); temporary files are removed")]
pub struct Args {
    /// The published release folder (manifest, signatures, build.json, artifacts).
    #[arg(long, value_name = "DIR")]
    pub release: PathBuf,
    /// The source repository: a local folder or a git URL.
    #[arg(long, value_name = "REPO")]
    pub source: String,
    /// The tag (or commit) to build (default: the release's version).
    #[arg(long = "ref", value_name = "TAG")]
    pub git_ref: Option<String>,
    /// quorate.toml's path inside the repository.
    #[arg(long, value_name = "PATH", default_value = "quorate.toml")]
    pub config: PathBuf,
    /// The trust policy (default: [trust] of quorate.toml at the tag).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Do not verify the published release first.
    #[arg(long, conflicts_with = "policy")]
    pub no_verify: bool,
    /// A Go toolchain (GOROOT or go binary) to use instead of searching.
    #[arg(long, value_name = "PATH")]
    pub toolchain: Option<PathBuf>,
    /// Accept a patched toolchain (investigation only; never attests).
    #[arg(long)]
    pub allow_patched: bool,
    /// Where the rebuild and reproduce.json go (a new or empty folder, or
    /// an earlier reproduction).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Keep the temporary folder (clone and rebuild) and print its path.
    #[arg(long)]
    pub keep: bool,
    /// Targets built at once (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Print reproduce.json on stdout instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML report to FILE: artifacts,
    /// explanations, and the attestation matrix after --attest
    /// (docs/html-report.md).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Findings shown per DIFFERENT artifact in the text report.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_findings: usize,
    /// Stop explaining one artifact after this many seconds (its findings
    /// so far are kept).
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub diff_timeout: u64,
    /// Sign the rebuilt manifest and add it to the attestation repository.
    #[arg(long, requires_all = ["repo", "signer"])]
    pub attest: bool,
    /// The attestation repository (a git checkout).
    #[arg(long, value_name = "DIR", requires = "attest")]
    pub repo: Option<PathBuf>,
    /// Your signer name (goes into the file and folder names).
    #[arg(long, requires = "attest")]
    pub signer: Option<String>,
    /// OpenPGP secret key file to sign with.
    #[arg(
        long,
        value_name = "FILE",
        requires = "attest",
        conflicts_with = "ssh_key"
    )]
    pub key: Option<PathBuf>,
    /// OpenSSH private key file to sign with.
    #[arg(long = "ssh-key", value_name = "FILE", requires = "attest")]
    pub ssh_key: Option<PathBuf>,
    /// Attest even though some artifacts did not reproduce.
    #[arg(long, requires = "attest")]
    pub force: bool,
    /// Print no report on stdout (for `quorate demo`, which narrates).
    #[arg(skip)]
    pub quiet: bool,
}

/// The temporary folders to remove on Ctrl-C.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set once Ctrl-C (or SIGTERM/SIGHUP) arrived.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Exit code after an interruption (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: i32 = 130;

/// Installs (once) a Ctrl-C / SIGTERM handler that removes the registered
/// temporary folders and exits with 130. (The `go` processes of a build
/// get the terminal's SIGINT themselves; the build then fails, and
/// [`run`] leaves the exit to the handler.)
fn install_interrupt_handler() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            let dirs = CLEANUP
                .lock()
                .map(|d| d.clone())
                .unwrap_or_else(|p| p.into_inner().clone());
            for d in dirs {
                let _ = std::fs::remove_dir_all(&d);
            }
            let _ = writeln!(
                std::io::stderr(),
                "quorate reproduce: interrupted; temporary folders removed"
            );
            std::process::exit(EXIT_INTERRUPTED);
        });
    });
}

/// Registers `dir` for removal on Ctrl-C until dropped.
struct Registered(PathBuf);

impl Registered {
    fn new(dir: &Path) -> Self {
        if let Ok(mut d) = CLEANUP.lock() {
            d.push(dir.to_path_buf());
        }
        Registered(dir.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut d) = CLEANUP.lock() {
            d.retain(|p| p != &self.0);
        }
    }
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

fn load_policy(args: &Args, config: &Path) -> anyhow::Result<Policy> {
    match &args.policy {
        Some(p) => Ok(Policy::load(p)?),
        None => Policy::load(config).map_err(|e| {
            anyhow::anyhow!(
                "{e}\nhint: pass --policy FILE (threshold and pinned signers), or --no-verify to rebuild without verifying"
            )
        }),
    }
}

fn verification_line(rep: &ReleaseReport) -> String {
    let q = &rep.quorum;
    let (m, mm, miss, _) = rep.files.counts();
    format!(
        "{}: quorum {} of {} {} ({}); files: {m} match, {mm} mismatch, {miss} not present",
        if rep.ok {
            Ui::paint(style::GOOD, "VERIFIED")
        } else {
            Ui::paint(style::BAD, "NOT VERIFIED")
        },
        q.threshold,
        q.signers,
        if q.met { "met" } else { "not met" },
        if q.counted.is_empty() {
            "none counted".to_string()
        } else {
            q.counted.join(", ")
        }
    )
}

/// Runs the whole reproduction; returns the exit code and the outcome
/// (absent when the published release did not verify).
pub fn reproduce(args: &Args, ui: &Ui) -> anyhow::Result<(u8, Option<Outcome>)> {
    install_interrupt_handler();
    let jobs = args.jobs.unwrap_or_else(super::build::default_jobs).max(1);
    if args.attest && args.key.is_none() && args.ssh_key.is_none() {
        bail!(
            "--attest needs --key FILE (OpenPGP secret key) or --ssh-key FILE (OpenSSH private key)"
        );
    }
    let out = args.out.as_deref().map(check_out).transpose()?;

    ui.step(format!("reading the release in {}", args.release.display()));
    let published = published::read(&args.release)?;
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
    let registered = Registered::new(ws.path());

    let git_ref = args
        .git_ref
        .clone()
        .unwrap_or_else(|| published.version().to_string());
    ui.step(format!(
        "cloning {} at {git_ref} into a fresh temporary folder",
        args.source
    ));
    let checkout = source::checkout(&args.source, &git_ref, &ws.src_dir())?;
    ui.say(format!("    commit {}", checkout.commit));

    let verification = if args.no_verify {
        ui.warn("--no-verify: the published release is NOT verified; its signatures and files are taken on trust");
        None
    } else {
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
                ui.say(super::verify::signature_lines(s).trim_end());
            }
            ui.say(format!(
                "{}: the published release does not verify, so it is not rebuilt\nhint: `quorate verify {} --policy FILE` shows why; --no-verify rebuilds anyway",
                Ui::paint(style::BAD, "NOT REPRODUCED"),
                args.release.display()
            ));
            if args.json {
                ui.out(format!(
                    "{}\n",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "reproduced": false,
                        "verification": rep,
                    }))?
                ));
            }
            if let Some(file) = &args.html {
                write_html(
                    file,
                    &quorate_html::verify_report(&rep, &Default::default()),
                    ui,
                )?;
            }
            return Ok((EXIT_FAILED, None));
        }
        Some(rep)
    };

    let choice = ToolchainChoice {
        explicit: args.toolchain.clone(),
        allow_patched: args.allow_patched,
        gocache: None,
    };
    let prepared = rebuild::prepare(&checkout, &args.config, &published, &choice)?;
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
        "rebuilding {} {} for {} targets with Go {} (SOURCE_DATE_EPOCH={}, {} at once)",
        plan.name,
        plan.release.version,
        plan.targets.len(),
        prepared.toolchain.version,
        plan.release.source_date_epoch,
        jobs
    ));
    let built = rebuild::build(&prepared, &ws.work_dir(), jobs, ui)?;
    let rebuilt_dir = match &out {
        Some(o) => {
            build::publish(&built.out_dir, o).map_err(ReproduceError::from)?;
            o.clone()
        }
        None => built.out_dir.clone(),
    };

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
    let json = serde_json::to_string_pretty(&outcome)?;
    let report_path = rebuilt_dir.join(REPORT_FILE);
    quorate_manifest::fsutil::write_atomic(&report_path, format!("{json}\n").as_bytes())
        .with_context(|| format!("{}: cannot write", report_path.display()))?;

    if args.json && !args.quiet {
        ui.out(format!("{json}\n"));
    } else if !args.quiet {
        ui.out(render(&outcome, args.max_findings));
    }
    let mut code = if outcome.reproduced {
        EXIT_OK
    } else {
        EXIT_FAILED
    };
    summary(&outcome, ui);

    let mut attested = false;
    if args.attest {
        let c = attest_step(args, &outcome, &rebuilt_dir, ui)?;
        attested = c == EXIT_OK;
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
    if args.keep {
        drop(registered);
        let root = ws.keep();
        ui.say(format!(
            "kept {} (clone in src/, rebuild in work/out/)",
            root.display()
        ));
    } else if out.is_some() {
        ui.say(format!(
            "the rebuild and {REPORT_FILE} are in {}",
            rebuilt_dir.display()
        ));
    }
    Ok((code, Some(outcome)))
}

/// The attestation repository's matrix for `version` after attesting, under
/// the policy of the verification (--policy, else quorate.toml at the tag);
/// `None` (with a warning) when it cannot be read.
fn attestation_matrix(
    args: &Args,
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

/// Writes the `--html` page.
fn write_html(file: &Path, page: &str, ui: &Ui) -> anyhow::Result<()> {
    quorate_html::write_report(file, page)
        .context("hint: give --html a file in a folder that exists and is writable")?;
    ui.say(format!("wrote {}", file.display()));
    Ok(())
}

fn attest_step(args: &Args, outcome: &Outcome, rebuilt_dir: &Path, ui: &Ui) -> anyhow::Result<u8> {
    let (Some(repo), Some(signer)) = (&args.repo, &args.signer) else {
        bail!("--attest needs --repo DIR and --signer NAME");
    };
    let key = match (&args.key, &args.ssh_key) {
        (Some(k), None) => SigningKey::OpenPgp(k.clone()),
        (None, Some(k)) => SigningKey::Ssh(k.clone()),
        _ => bail!("--attest needs --key FILE (OpenPGP) or --ssh-key FILE (OpenSSH)"),
    };
    if !outcome.toolchain.official {
        ui.warn("not attesting: the rebuild used a patched toolchain");
        return Ok(EXIT_FAILED);
    }
    if !outcome.reproduced {
        if !args.force {
            ui.warn(
                "not attesting: not every artifact REPRODUCED (--force attests the rebuild anyway)",
            );
            return Ok(EXIT_FAILED);
        }
        ui.warn("--force: attesting a rebuild that differs from the published release");
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
    Ok(EXIT_OK)
}

fn status_style(s: Status) -> anstyle::Style {
    match s {
        Status::Reproduced => style::GOOD,
        Status::Different => style::BAD,
        Status::Missing | Status::Extra => style::WARN,
    }
}

/// The text report (stdout): each artifact, the causes, the explanations.
pub fn render(o: &Outcome, max_findings: usize) -> String {
    let mut s = format!(
        "{} {} from {} at {} ({})\n",
        Ui::paint(style::HEAD, "reproduce"),
        o.version,
        o.source,
        o.git_ref,
        &o.commit[..o.commit.len().min(12)]
    );
    for a in &o.artifacts {
        s.push_str(&format!(
            "{}  {}",
            Ui::paint(status_style(a.status), format!("{:<10}", a.status.as_str())),
            a.path
        ));
        if !a.causes.is_empty() && a.status == Status::Different {
            s.push_str(&format!("  ({})", a.causes.join(", ")));
        }
        s.push('\n');
    }
    if !o.causes.is_empty() {
        s.push_str(&format!("{}\n", Ui::paint(style::HEAD, "likely causes")));
        for c in &o.causes {
            s.push_str(&format!(
                "  {}: {}\n    artifacts: {}\n",
                Ui::paint(style::BAD, &c.cause),
                c.title,
                c.artifacts.join(", ")
            ));
            for e in &c.evidence {
                s.push_str(&format!("    evidence: {e}\n"));
            }
            if let Some(f) = &c.fix {
                s.push_str(&format!("    fix: {f}\n"));
            }
        }
    }
    let different: Vec<_> = o
        .artifacts
        .iter()
        .filter(|a| a.status == Status::Different)
        .collect();
    if !different.is_empty() {
        s.push_str(&format!(
            "{} (A = published, B = rebuild)\n",
            Ui::paint(style::HEAD, "explanations")
        ));
        for a in different {
            s.push_str(&format!("--- {}\n", a.path));
            if let Some(u) = &a.unexplained {
                s.push_str(&format!("    {u}\n"));
            }
            if let Some(r) = &a.explanation {
                let opts = quorate_diff::TextOptions {
                    max_findings,
                    max_evidence: 3,
                    max_notes: 4,
                };
                for line in quorate_diff::render_text_with(r, &opts).lines() {
                    s.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    s
}

fn summary(o: &Outcome, ui: &Ui) {
    let c = &o.counts;
    let total = c.reproduced + c.different + c.missing;
    if o.reproduced {
        ui.say(format!(
            "{}: all {total} published artifacts rebuilt byte for byte from {} with Go {}",
            Ui::paint(style::GOOD, "REPRODUCED"),
            o.git_ref,
            o.toolchain.version
        ));
    } else {
        ui.say(format!(
            "{}: {} reproduced, {} different, {} missing, {} extra (of {total} published){}",
            Ui::paint(style::BAD, "NOT REPRODUCED"),
            c.reproduced,
            c.different,
            c.missing,
            c.extra,
            o.causes
                .first()
                .map(|x| format!("; most likely cause: {}", x.cause))
                .unwrap_or_default()
        ));
        if o.rebuild_dir.is_none() {
            ui.say("hint: --out DIR or --keep keeps the rebuild for `quorate diff`");
        }
    }
}

/// Runs `quorate reproduce`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    let result = reproduce(&args, ui).map(|(code, _)| code);
    if INTERRUPTED.load(Ordering::SeqCst) {
        // The handler is removing the temporary folders and exits with
        // 130; a build that failed because Ctrl-C killed `go` must not
        // race it with exit code 2.
        loop {
            std::thread::park();
        }
    }
    result
}

/// What `quorate demo`'s reproduction step needs: the demo's release, its
/// source, its trust policy and two of its signers.
pub struct DemoBuilders<'a> {
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
pub fn demo_second_builder(ui: &Ui, b: &DemoBuilders<'_>) -> anyhow::Result<u8> {
    use quorate_attest::attest;
    let files = quorate_attest::verify::find_release_files(b.release)?;
    let version = files.version.clone();
    let sigs = b.root.join("release-sigs");
    std::fs::create_dir_all(&sigs).with_context(|| sigs.display().to_string())?;
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&sigs)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .context("cannot run git\nhint: install git")?;
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
    let args = Args {
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
        quiet: true,
        ..Default::default()
    };
    let (mut code, outcome) = reproduce(&args, ui)?;
    let Some(outcome) = outcome else {
        return Ok(EXIT_FAILED);
    };
    if !outcome.reproduced {
        return Ok(code.max(EXIT_FAILED));
    }
    let policy = Policy::load(b.policy)?;
    let rep = attest::compare(&sigs, &version, &policy, &[], false)?;
    ui.say(format!(
        "  {} (`quorate verify --attestations`, threshold {} of {}):",
        Ui::paint(style::HEAD, "the attestation matrix"),
        policy.threshold,
        policy.signers.len()
    ));
    let names: Vec<&str> = rep.signers.iter().map(|s| s.signer.as_str()).collect();
    let w = rep
        .artifacts
        .iter()
        .map(|a| a.path.len())
        .max()
        .unwrap_or(8);
    ui.say(format!(
        "    {:<w$}{}",
        "artifact",
        names
            .iter()
            .map(|n| format!("  {n:<width$}", width = n.len().max(7)))
            .collect::<String>()
    ));
    for a in &rep.artifacts {
        let mut row = format!("    {:<w$}", a.path);
        for n in &names {
            let agrees = a.majority.as_ref().is_some_and(|m| {
                a.digests
                    .iter()
                    .any(|(d, who)| d == m && who.iter().any(|x| x == n))
            });
            let width = n.len().max(7);
            let mark = if agrees {
                Ui::paint(style::GOOD, format!("{:<width$}", "agrees"))
            } else {
                Ui::paint(style::BAD, format!("{:<width$}", "DIFFERS"))
            };
            row.push_str(&format!("  {mark}"));
        }
        ui.say(row);
    }
    ui.say(format!(
        "  {}: {} of the {} builders required vouch for every artifact",
        if rep.ok {
            Ui::paint(style::GOOD, "QUORUM MET")
        } else {
            Ui::paint(style::BAD, "QUORUM NOT MET")
        },
        rep.quorum.count,
        policy.threshold
    ));
    if !rep.ok {
        code = code.max(EXIT_FAILED);
    }
    ui.say(format!(
        "  (the same check: quorate verify --attestations {} --version {version} --policy {})",
        sigs.display(),
        b.policy.display()
    ));
    Ok(code)
}
