//! `quorate verify`: signatures against a trust policy, then files against
//! the manifest; or every builder's attestation in an attestation repo.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use quorate_attest::attest::{self, AttestationReport};
use quorate_attest::policy::KeyProblem;
use quorate_attest::verify::{
    ReleaseReport, SignatureReport, VerifyOptions, verify_release, verify_sums,
};
use quorate_attest::{Policy, Verdict};
use quorate_manifest::EntryStatus;

use crate::ui::{Ui, style};
use crate::{EXIT_FAILED, EXIT_OK};

/// Flags of `quorate verify`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Verifies a downloaded release folder: finds manifest-<VERSION>.txt and every
manifest-<SIGNER>-<VERSION>.sig / .asc / .sshsig, gives each signature a
verdict, counts the quorum, then checks the files present against the
manifest.

Verdicts:
  GOOD       verifies, made by a pinned key that was valid when it signed
  BAD        does not verify, malformed, or refused (SHA-1, RSA < 2048, DSA,
             dated before its key was created, …); the reason is printed
  UNKNOWN    made by a key that no signer of the policy pins
  EXPIRED    made after the key expired
  REVOKED    made by a key revoked as compromised (or with no reason: never
             counts), or made after the key was retired or superseded
  DUPLICATE  a second good signature by a key that already counted
Only GOOD signatures count, one per distinct pinned key. A signature made
while its key was valid stays GOOD after the key expires (a note says when
it expired), and after a retirement made later.

Files: MATCH, MISMATCH, MISSING (fine unless --require-all).

Trust never comes from the folder being verified. It comes from what you
chose, in this order: --policy FILE; --keys-dir DIR (one key file per signer,
named <signer>.gpg or .asc; needs --threshold); --project DIR (the [trust]
table of DIR/quorate.toml); else your own policy at
$XDG_CONFIG_HOME/quorate/policy.toml (~/.config/quorate/policy.toml). The
output says which one was used.

--threshold N may only raise the policy's threshold. Lowering it needs
--threshold-override N, which is reported in the verdict and the JSON.

Version: the signed version is the one in the build.json the manifest lists
(so the signatures cover it); it is always printed. A manifest whose file
name says another version fails (a renamed, older release), and so does
--version V when the signed version is not V.

Files: only regular files are read. Links leaving the folder, FIFOs and
devices are errors; every file present but not listed is UNLISTED (and
fails with --strict).

Key lifetimes: a signature made while its key was valid stays GOOD after the
key expires (note: key expired on DATE) and counts unless --reject-expired; one
made after the expiry is EXPIRED. A key revoked as compromised (or with no
reason) never counts; one retired or superseded counts only for signatures
made before the revocation. The key's state at the signature's creation
time decides, because releases outlive keys but a stolen key can back-date.

With --signatures FILE...: verifies a checksum file (e.g. Bitcoin Core's
SHA256SUMS) against combined signature files holding many signatures
(SHA256SUMS.asc); every signature gets its own verdict. Any other signed
file (a YAML or text document) gets its signatures checked alone.

With --attestations REPO --version V: verifies every <V>/<SIGNER>/ folder of
an attestation repository (quorate's manifest-<V>.txt and signature, or
guix.sigs' all.SHA256SUMS / noncodesigned.SHA256SUMS with .asc; keys from
--policy or --keys-dir, e.g. --keys-dir REPO/builder-keys, never implicitly
from the repository) and prints, artifact by artifact, which signers attest
which digest, naming each signer who disagrees with the majority. A signer
whose documents give two digests for one file vouches for neither.

Examples:
  quorate verify ~/Downloads/tapd-v0.7.0 --policy tapd-policy.toml
  quorate verify SHA256SUMS --signatures SHA256SUMS.asc --keys-dir guix.sigs/builder-keys --threshold 5
  quorate verify --attestations guix.sigs --version 27.0 --keys-dir guix.sigs/builder-keys --threshold 5
  quorate verify dist/v1.0.0 --project . --version v1.0.0 --json
  quorate verify --attestations ../release-sigs --version v1.0.0 --policy release-policy.toml

Exit codes:
  0  the quorum is met and every file present matches (every listed file,
     with --require-all); for attestations: the quorum is met and every
     counting signer agrees on every artifact
  1  quorum not met, a file differs or is missing (--require-all), a file
     is unlisted (--strict), the signed version is not the one named, or a
     signer disagrees
  2  could not verify: no manifest or two manifests, malformed manifest,
     invalid policy or key file, unreadable folder")]
pub struct Args {
    /// The release folder (default: the current folder), or with
    /// --signatures, the checksum file they sign (SHA256SUMS).
    dir: Option<PathBuf>,
    /// The trust policy (default: --project's, else
    /// $XDG_CONFIG_HOME/quorate/policy.toml; never the verified folder's).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Trust the keys in this folder instead of a policy: one file per
    /// signer (<signer>.gpg or .asc), named as the signer; needs --threshold.
    #[arg(long, value_name = "DIR", conflicts_with = "policy")]
    keys_dir: Option<PathBuf>,
    /// Trust the [trust] table of this project's quorate.toml.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["policy", "keys_dir"])]
    project: Option<PathBuf>,
    /// How many distinct signers must sign (with --keys-dir; otherwise it
    /// may only raise the policy's threshold).
    #[arg(long, value_name = "N")]
    threshold: Option<usize>,
    /// Use N as the threshold even though the policy asks for more (or
    /// fewer); reported in the verdict and the JSON.
    #[arg(long, value_name = "N", conflicts_with_all = ["threshold", "keys_dir"])]
    threshold_override: Option<usize>,
    /// Files present but not in the manifest (UNLISTED) fail the check.
    #[arg(long)]
    strict: bool,
    /// Signature files over the checksum file given as the first argument
    /// (each may hold many armored signatures, like Bitcoin Core's SHA256SUMS.asc).
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "attestations")]
    signatures: Vec<PathBuf>,
    /// With --signatures: the folder holding the files to check (default:
    /// the checksum file's folder). Files not present are skipped.
    #[arg(long, value_name = "DIR", requires = "signatures")]
    files: Option<PathBuf>,
    /// Print a machine-readable JSON report on stdout.
    #[arg(long)]
    json: bool,
    /// Every file the manifest lists must be present.
    #[arg(long)]
    require_all: bool,
    /// Do not count signatures whose key has expired since, even when they
    /// were made while it was valid.
    #[arg(long)]
    reject_expired: bool,
    /// Verify the attestations in this repository instead of a release folder.
    #[arg(
        long,
        value_name = "REPO",
        requires = "version",
        conflicts_with = "dir"
    )]
    attestations: Option<PathBuf>,
    /// The version expected: the signed version must be this one (with
    /// --attestations: the version folder to compare).
    #[arg(long, value_name = "V")]
    version: Option<String>,
    /// Also write a self-contained HTML report to FILE (docs/html-report.md).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Where the trust came from (printed, and in the JSON).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trust {
    /// `--policy`, `--keys-dir`, `--project` or `user config`.
    pub source: &'static str,
    /// The file or folder.
    pub path: PathBuf,
    /// The threshold used.
    pub threshold: usize,
    /// With --threshold-override: the policy's own threshold.
    pub overridden_policy_threshold: Option<usize>,
}

impl Trust {
    fn line(&self) -> String {
        format!(
            "trust: {} ({}), threshold {}{}\n",
            self.path.display(),
            self.source,
            self.threshold,
            self.override_text()
        )
    }

    fn override_text(&self) -> String {
        match self.overridden_policy_threshold {
            Some(p) => format!(
                " (THRESHOLD OVERRIDDEN: {} instead of the policy's {p})",
                self.threshold
            ),
            None => String::new(),
        }
    }
}

/// The user's own policy: `$XDG_CONFIG_HOME/quorate/policy.toml`, else
/// `~/.config/quorate/policy.toml`.
pub fn user_policy_path() -> Option<PathBuf> {
    match std::env::var_os("XDG_CONFIG_HOME") {
        Some(x) if !x.is_empty() => Some(PathBuf::from(x).join("quorate/policy.toml")),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config/quorate/policy.toml")),
    }
}

/// Resolves the trust from what the user chose (never from the folder
/// being verified): --policy, --keys-dir, --project, or the user's own
/// policy; applies --threshold (which may only raise a policy's threshold)
/// or --threshold-override.
fn resolve_policy(
    args: &Args,
    verified: Option<&Path>,
    ui: &Ui,
) -> anyhow::Result<(Policy, Vec<KeyProblem>, Trust)> {
    let (mut policy, problems, source, path) = if let Some(p) = &args.policy {
        (Policy::load(p)?, Vec::new(), "--policy", p.clone())
    } else if let Some(kd) = &args.keys_dir {
        let Some(t) = args.threshold else {
            bail!(
                "--keys-dir {} needs --threshold N (how many distinct signers must sign)\nhint: or pass --policy FILE",
                kd.display()
            );
        };
        let (p, problems) = Policy::from_keys_dir(kd, t)?;
        (p, problems, "--keys-dir", kd.clone())
    } else if let Some(dir) = &args.project {
        let q = dir.join("quorate.toml");
        (Policy::load(&q)?, Vec::new(), "--project", q)
    } else {
        match user_policy_path().filter(|p| p.is_file()) {
            Some(p) => (Policy::load(&p)?, Vec::new(), "user config", p),
            None => bail!(
                "no trust policy: pass --policy FILE, --keys-dir DIR --threshold N or --project DIR, or put your policy in {}\nhint: quorate never takes the policy or keys from the folder being verified (an attacker could ship their own); name the project's policy explicitly",
                user_policy_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "$XDG_CONFIG_HOME/quorate/policy.toml".into())
            ),
        }
    };
    if source == "user config"
        && let Some(v) = verified
        && quorate_manifest::fsutil::is_within(&path, v)
    {
        bail!(
            "{}: the user policy lies inside the folder being verified ({}); a release cannot vouch for itself\nhint: pass --policy FILE explicitly",
            path.display(),
            v.display()
        );
    }
    let signers = quorate_attest::identity::distinct_keys(&policy);
    let mut overridden = None;
    if source != "--keys-dir"
        && let Some(t) = args.threshold
    {
        if t < policy.threshold {
            bail!(
                "--threshold {t} is below the {} signatures {} requires; --threshold may only raise it\nhint: to accept fewer signatures than the policy asks for, say so with --threshold-override {t} (reported in the verdict)",
                policy.threshold,
                policy.source.display()
            );
        }
        if t > signers {
            bail!(
                "--threshold {t}: must be between {} and the {signers} distinct pinned keys of {}",
                policy.threshold,
                policy.source.display()
            );
        }
        policy.threshold = t;
    }
    if let Some(t) = args.threshold_override {
        if t < 1 || t > signers {
            bail!(
                "--threshold-override {t}: must be between 1 and the {signers} distinct pinned keys of {}",
                policy.source.display()
            );
        }
        if t != policy.threshold {
            ui.warn(format!(
                "THRESHOLD OVERRIDDEN: counting {t} signature(s) where {} requires {}",
                policy.source.display(),
                policy.threshold
            ));
            overridden = Some(policy.threshold);
            policy.threshold = t;
        }
    }
    for p in &problems {
        ui.warn(format!(
            "{}: {} (signer {} left out)",
            p.file.display(),
            p.reason,
            p.signer
        ));
    }
    let trust = Trust {
        source,
        path,
        threshold: policy.threshold,
        overridden_policy_threshold: overridden,
    };
    Ok((policy, problems, trust))
}

/// Loads --policy, or the [trust] table of ./quorate.toml (for `policy
/// show`, run in the project; `verify` never reads the current folder).
pub fn load_policy(policy: Option<&Path>) -> anyhow::Result<Policy> {
    match policy {
        Some(p) => Ok(Policy::load(p)?),
        None => {
            let q = Path::new("quorate.toml");
            if !q.is_file() {
                bail!(
                    "no trust policy: no --policy and no quorate.toml in the current folder\nhint: pass --policy FILE (threshold and pinned signers), or run from the project folder whose quorate.toml has a [trust] table"
                );
            }
            Ok(Policy::load(q)?)
        }
    }
}

/// The JSON report with where the trust came from.
fn with_trust(rep: &impl serde::Serialize, trust: &Trust) -> anyhow::Result<String> {
    let mut v = serde_json::to_value(rep)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("trust".into(), serde_json::to_value(trust)?);
        o.insert(
            "threshold_override".into(),
            match trust.overridden_policy_threshold {
                Some(p) => serde_json::json!({"policy_threshold": p, "used": trust.threshold}),
                None => serde_json::Value::Null,
            },
        );
    }
    Ok(serde_json::to_string_pretty(&v)?)
}

fn short(fpr: &str) -> String {
    fpr.to_string()
}

/// One signature as a line (and its reason/notes as indented lines).
pub fn signature_lines(r: &SignatureReport) -> String {
    let st = match r.verdict {
        Verdict::Good => style::GOOD,
        Verdict::Duplicate => style::WARN,
        _ => style::BAD,
    };
    let file = if r.index > 0 {
        format!("{}#{}", r.file, r.index + 1)
    } else {
        r.file.clone()
    };
    let mut s = format!(
        "{}  {file}  signer={}  key={}{}",
        Ui::paint(st, format!("{:<9}", r.verdict)),
        r.signer.as_deref().unwrap_or("-"),
        r.fingerprint
            .as_deref()
            .map(short)
            .unwrap_or_else(|| "-".into()),
        r.created
            .as_deref()
            .map(|c| format!("  signed={c}"))
            .unwrap_or_default()
    );
    if let Some(sk) = &r.signing_key {
        s.push_str(&format!("  subkey={sk}"));
    }
    s.push('\n');
    if let Some(reason) = &r.reason {
        s.push_str(&format!("           reason: {reason}\n"));
    }
    for n in &r.notes {
        s.push_str(&format!("           note: {n}\n"));
    }
    s
}

fn print_release(ui: &Ui, rep: &ReleaseReport, trust: &Trust) {
    ui.out(trust.line());
    let signed_name = rep
        .signed
        .as_ref()
        .and_then(|s| s.name.as_deref())
        .map(|n| format!(", project {n}"))
        .unwrap_or_default();
    ui.out(match (&rep.signed, &rep.version_problem) {
        (_, Some(p)) => format!(
            "version: {} {}\n",
            rep.version,
            Ui::paint(style::BAD, format!("NOT TRUSTED: {p}"))
        ),
        (Some(s), None) if s.version.is_some() => {
            format!("version: {} (signed: build.json{signed_name})\n", rep.version)
        }
        _ => format!(
            "version: {} (from the file names only: the manifest lists no build.json, so nothing signed states it)\n",
            rep.version
        ),
    });
    for d in &rep.quorum.duplicate_keys {
        ui.warn(format!("policy: {d}"));
    }
    ui.out(format!(
        "{} {} ({} signature{})\n",
        Ui::paint(style::HEAD, "signatures over"),
        rep.manifest.display(),
        rep.signatures.len(),
        if rep.signatures.len() == 1 { "" } else { "s" }
    ));
    for r in &rep.signatures {
        ui.out(signature_lines(r));
    }
    for n in &rep.ignored {
        ui.warn(format!(
            "{n}: not a signature of version {} (ignored)",
            rep.version
        ));
    }
    let q = &rep.quorum;
    ui.out(format!(
        "quorum: {} of {} required: {} ({} counted{})\n",
        q.threshold,
        q.signers,
        if q.met {
            Ui::paint(style::GOOD, "MET")
        } else {
            Ui::paint(style::BAD, "NOT MET")
        },
        q.count,
        if q.counted.is_empty() {
            String::new()
        } else {
            format!(": {}", q.counted.join(", "))
        }
    ));
    if let Some(e) = &rep.checksum_error {
        ui.say(format!(
            "{}: the checksum list cannot be read, so no file was checked: {e}",
            Ui::paint(style::BAD, "NOT VERIFIED")
        ));
        return;
    }
    if !rep.checksum_list {
        ui.say(format!(
            "{}: {} is not a checksum list; its signatures are all there is to check",
            if q.met {
                Ui::paint(style::GOOD, "VERIFIED")
            } else {
                Ui::paint(style::BAD, "NOT VERIFIED")
            },
            rep.manifest.display()
        ));
        return;
    }
    ui.out(format!("{}\n", Ui::paint(style::HEAD, "files")));
    for e in &rep.files.entries {
        let (word, s) = match &e.status {
            EntryStatus::Match => ("MATCH", style::GOOD),
            EntryStatus::Mismatch { .. } => ("MISMATCH", style::BAD),
            EntryStatus::Missing if rep.require_all => ("MISSING", style::BAD),
            EntryStatus::Missing => ("MISSING", style::DIM),
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
    for p in &rep.files.unlisted {
        ui.out(format!(
            "{} {p}  (present but not listed)\n",
            Ui::paint(style::WARN, format!("{:<10}", "UNLISTED"))
        ));
    }
    let (m, mm, miss, unr) = rep.files.counts();
    let unl = rep.files.unlisted.len();
    ui.say(format!(
        "{}: {} {}, quorum {}{}, files: {m} match, {mm} mismatch, {miss} missing, {unl} unlisted{}{}{}",
        if rep.ok {
            Ui::paint(style::GOOD, "VERIFIED")
        } else {
            Ui::paint(style::BAD, "NOT VERIFIED")
        },
        rep.signed
            .as_ref()
            .and_then(|s| s.name.as_deref())
            .unwrap_or("version"),
        rep.version,
        if q.met { "met" } else { "not met" },
        trust.override_text(),
        if unr > 0 {
            format!(", {unr} unreadable")
        } else {
            String::new()
        },
        if unl > 0 && rep.strict {
            " (unlisted files fail with --strict)"
        } else {
            ""
        },
        if miss > 0 && !rep.require_all {
            " (missing files allowed; --require-all demands them)"
        } else {
            ""
        }
    ));
}

fn short_digest(d: &quorate_manifest::Digest) -> String {
    d.to_hex()[..12].to_string()
}

fn print_attestations(ui: &Ui, rep: &AttestationReport, threshold: usize, trust: &Trust) {
    ui.out(trust.line());
    for d in &rep.quorum.duplicate_keys {
        ui.warn(format!("policy: {d}"));
    }
    ui.out(format!(
        "{} {} in {}\n",
        Ui::paint(style::HEAD, "attestations for"),
        rep.version,
        rep.repo.display()
    ));
    for s in &rep.signers {
        if s.signatures.is_empty() {
            ui.out(format!(
                "{}  {}/  {}\n",
                Ui::paint(style::BAD, format!("{:<9}", "MISSING")),
                s.signer,
                s.problem.as_deref().unwrap_or("")
            ));
        }
        for r in &s.signatures {
            ui.out(signature_lines(r));
        }
    }
    let q = &rep.quorum;
    ui.out(format!(
        "quorum: {} of {} required: {} ({} counted{})\n",
        q.threshold,
        q.signers,
        if q.met {
            Ui::paint(style::GOOD, "MET")
        } else {
            Ui::paint(style::BAD, "NOT MET")
        },
        q.count,
        if q.counted.is_empty() {
            String::new()
        } else {
            format!(": {}", q.counted.join(", "))
        }
    ));
    let counting: Vec<&str> = rep
        .signers
        .iter()
        .filter(|s| s.counts)
        .map(|s| s.signer.as_str())
        .collect();
    ui.out(format!(
        "{}\n",
        Ui::paint(
            style::HEAD,
            "agreement (artifact × signer; * = disagrees with the majority)"
        )
    ));
    let w = rep
        .artifacts
        .iter()
        .map(|a| a.path.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut header = format!("{:<10} {:<w$}", "", "artifact");
    for s in &counting {
        header.push_str(&format!("  {s:<13}"));
    }
    ui.out(format!("{}\n", header.trim_end()));
    for a in &rep.artifacts {
        let word = if a.disagree.is_empty() && a.quorum_met {
            Ui::paint(style::GOOD, format!("{:<10}", "AGREE"))
        } else if a.disagree.is_empty() {
            Ui::paint(style::WARN, format!("{:<10}", "NO QUORUM"))
        } else {
            Ui::paint(style::BAD, format!("{:<10}", "DISAGREE"))
        };
        let mut line = format!("{word} {:<w$}", a.path);
        for s in &counting {
            if a.conflicts.iter().any(|(n, _)| n == s) {
                line.push_str(&format!("  {:<13}", "(conflict)  *"));
                continue;
            }
            let cell = a
                .digests
                .iter()
                .find(|(_, v)| v.iter().any(|n| n == s))
                .map(|(d, _)| {
                    let mark = if Some(*d) == a.majority { " " } else { "*" };
                    format!("{}{mark}", short_digest(d))
                })
                .unwrap_or_else(|| "(absent)    *".into());
            line.push_str(&format!("  {cell:<13}"));
        }
        ui.out(format!("{}\n", line.trim_end()));
    }
    for a in &rep.artifacts {
        for (name, several) in &a.conflicts {
            ui.out(format!(
                "{} {name} attests {} different digests for {}: {}; {name} vouches for none of them\n",
                Ui::paint(style::BAD, "CONFLICT"),
                several.len(),
                a.path,
                several
                    .iter()
                    .map(|(d, doc)| format!("{} ({doc})", d.to_hex()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for name in &a.disagree {
            if a.conflicts.iter().any(|(n, _)| n == name) {
                continue;
            }
            let theirs = a
                .digests
                .iter()
                .find(|(_, v)| v.iter().any(|n| n == name))
                .map(|(d, _)| d.to_hex())
                .unwrap_or_else(|| "nothing (the file is not in their manifest)".into());
            let majority = match (&a.majority, a.digests.first()) {
                (Some(m), Some((_, who))) => format!("{} ({})", m.to_hex(), who.join(", ")),
                _ => "no majority (tie)".into(),
            };
            ui.out(format!(
                "{} {name} disagrees on {}: attests {theirs}; majority {majority}\n",
                Ui::paint(style::BAD, "DISAGREE"),
                a.path
            ));
        }
        if a.disagree.is_empty() && !a.quorum_met {
            ui.out(format!(
                "{} {}: only {} signer(s) attest it, {threshold} required\n",
                Ui::paint(style::WARN, "NO QUORUM"),
                a.path,
                a.digests.first().map(|g| g.1.len()).unwrap_or(0)
            ));
        }
    }
    ui.say(format!(
        "{}{}",
        if rep.ok {
            Ui::paint(style::GOOD, "VERIFIED: the quorum agrees on every artifact")
        } else {
            Ui::paint(style::BAD, "NOT VERIFIED")
        },
        trust.override_text()
    ));
}

/// Runs `quorate verify`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    if let Some(repo) = &args.attestations {
        let (policy, problems, trust) = resolve_policy(&args, Some(repo), ui)?;
        let version = args.version.as_deref().unwrap_or_default();
        let rep = attest::compare(repo, version, &policy, &problems, args.reject_expired)?;
        if args.json {
            ui.out(format!("{}\n", with_trust(&rep, &trust)?));
        } else {
            print_attestations(ui, &rep, policy.threshold, &trust);
        }
        if let Some(file) = &args.html {
            let page = quorate_html::attestation_report(&rep, &Default::default());
            write_html(file, &page, ui)?;
        }
        return Ok(if rep.ok { EXIT_OK } else { EXIT_FAILED });
    }
    let target = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let verified = if args.signatures.is_empty() {
        target.clone()
    } else {
        args.files.clone().unwrap_or_else(|| match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        })
    };
    let (policy, _problems, trust) = resolve_policy(&args, Some(&verified), ui)?;
    let options = VerifyOptions {
        require_all: args.require_all,
        reject_expired: args.reject_expired,
        strict: args.strict,
        expected_version: args.version.clone(),
        ..VerifyOptions::default()
    };
    let rep = if !args.signatures.is_empty() {
        if !target.is_file() {
            bail!(
                "{}: not a file\nhint: with --signatures, give the checksum file they sign (e.g. SHA256SUMS)",
                target.display()
            );
        }
        verify_sums(&target, &args.signatures, &verified, &policy, options, ui)
            .with_context(|| format!("verifying {}", target.display()))?
    } else {
        if !target.is_dir() {
            bail!(
                "{}: not a folder\nhint: give the folder holding the release, its manifest and signatures (or a checksum file with --signatures)",
                target.display()
            );
        }
        verify_release(&target, &policy, options, ui)
            .with_context(|| format!("verifying {}", target.display()))?
    };
    if args.json {
        ui.out(format!("{}\n", with_trust(&rep, &trust)?));
    } else {
        print_release(ui, &rep, &trust);
    }
    if let Some(file) = &args.html {
        let page = quorate_html::verify_report(&rep, &Default::default());
        write_html(file, &page, ui)?;
    }
    Ok(if rep.ok { EXIT_OK } else { EXIT_FAILED })
}

/// Writes the `--html` page.
fn write_html(file: &std::path::Path, page: &str, ui: &Ui) -> anyhow::Result<()> {
    quorate_html::write_report(file, page)
        .context("hint: give --html a file in a folder that exists and is writable")?;
    ui.say(format!("wrote {}", file.display()));
    Ok(())
}
