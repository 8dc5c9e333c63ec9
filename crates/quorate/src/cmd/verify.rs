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

The policy comes from --policy FILE, else the [trust] table of ./quorate.toml.

Key lifetimes: a signature made while its key was valid stays GOOD after the
key expires (note: key expired on DATE) and counts unless --reject-expired; one
made after the expiry is EXPIRED. A key revoked as compromised (or with no
reason) never counts; one retired or superseded counts only for signatures
made before the revocation. The key's state at the signature's creation
time decides, because releases outlive keys but a stolen key can back-date.

Trust, in order: --policy FILE; --keys-dir DIR --threshold N (one key file
per signer, named <signer>.gpg or .asc); the [trust] table of ./quorate.toml.

With --signatures FILE...: verifies a checksum file (e.g. Bitcoin Core's
SHA256SUMS) against combined signature files holding many signatures
(SHA256SUMS.asc); every signature gets its own verdict. Any other signed
file (a YAML or text document) gets its signatures checked alone.

With --attestations REPO --version V: verifies every <V>/<SIGNER>/ folder of
an attestation repository (quorate's manifest-<V>.txt and signature, or
guix.sigs' all.SHA256SUMS / noncodesigned.SHA256SUMS with .asc; keys from
--policy, or --keys-dir, default REPO/builder-keys) and prints, artifact by
artifact, which signers attest which digest, naming each signer who
disagrees with the majority.

Examples:
  quorate verify ~/Downloads/tapd-v0.7.0 --policy tapd-policy.toml
  quorate verify SHA256SUMS --signatures SHA256SUMS.asc --keys-dir guix.sigs/builder-keys --threshold 5
  quorate verify --attestations guix.sigs --version 27.0 --threshold 5
  quorate verify dist/v1.0.0 --json
  quorate verify --attestations ../release-sigs --version v1.0.0

Exit codes:
  0  the quorum is met and every file present matches (every listed file,
     with --require-all); for attestations: the quorum is met and every
     counting signer agrees on every artifact
  1  quorum not met, a file differs or is missing (--require-all), or a
     signer disagrees
  2  could not verify: no manifest or two manifests, malformed manifest,
     invalid policy or key file, unreadable folder")]
pub struct Args {
    /// The release folder (default: the current folder), or with
    /// --signatures, the checksum file they sign (SHA256SUMS).
    dir: Option<PathBuf>,
    /// The trust policy (default: [trust] of ./quorate.toml).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Trust the keys in this folder instead of a policy: one file per
    /// signer (<signer>.gpg or .asc), named as the signer; needs --threshold.
    #[arg(long, value_name = "DIR", conflicts_with = "policy")]
    keys_dir: Option<PathBuf>,
    /// How many distinct signers must sign (with --keys-dir; overrides the
    /// policy's threshold otherwise).
    #[arg(long, value_name = "N")]
    threshold: Option<usize>,
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
    /// The version to compare in the attestation repository.
    #[arg(long, value_name = "V", requires = "attestations")]
    version: Option<String>,
    /// Also write a self-contained HTML report to FILE (docs/html-report.md).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Resolves the trust: --policy, --keys-dir (or `default_keys_dir`), or
/// ./quorate.toml; applies --threshold.
fn resolve_policy(
    args: &Args,
    default_keys_dir: Option<PathBuf>,
    ui: &Ui,
) -> anyhow::Result<(Policy, Vec<KeyProblem>)> {
    let keys_dir = args.keys_dir.clone().or(if args.policy.is_none() {
        default_keys_dir
    } else {
        None
    });
    let (mut policy, problems) = match (&args.policy, keys_dir) {
        (None, Some(kd)) => {
            let Some(t) = args.threshold else {
                bail!(
                    "--keys-dir {} needs --threshold N (how many distinct signers must sign)\nhint: or pass --policy FILE",
                    kd.display()
                );
            };
            Policy::from_keys_dir(&kd, t)?
        }
        (p, _) => (load_policy(p.as_deref())?, Vec::new()),
    };
    if let Some(t) = args.threshold {
        if t < 1 || t > policy.signers.len() {
            bail!(
                "--threshold {t}: must be between 1 and the {} pinned signers of {}",
                policy.signers.len(),
                policy.source.display()
            );
        }
        policy.threshold = t;
    }
    for p in &problems {
        ui.warn(format!(
            "{}: {} (signer {} left out)",
            p.file.display(),
            p.reason,
            p.signer
        ));
    }
    Ok((policy, problems))
}

/// Loads --policy, or the [trust] table of ./quorate.toml.
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

fn print_release(ui: &Ui, rep: &ReleaseReport) {
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
    ui.say(format!(
        "{}: quorum {}, files: {m} match, {mm} mismatch, {miss} missing{}{}",
        if rep.ok {
            Ui::paint(style::GOOD, "VERIFIED")
        } else {
            Ui::paint(style::BAD, "NOT VERIFIED")
        },
        if q.met { "met" } else { "not met" },
        if unr > 0 {
            format!(", {unr} unreadable")
        } else {
            String::new()
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

fn print_attestations(ui: &Ui, rep: &AttestationReport, threshold: usize) {
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
        for name in &a.disagree {
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
    ui.say(if rep.ok {
        Ui::paint(style::GOOD, "VERIFIED: the quorum agrees on every artifact")
    } else {
        Ui::paint(style::BAD, "NOT VERIFIED")
    });
}

/// Runs `quorate verify`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    if let Some(repo) = &args.attestations {
        let default_keys = Some(repo.join("builder-keys")).filter(|p| p.is_dir());
        let (policy, problems) = resolve_policy(&args, default_keys, ui)?;
        let version = args.version.as_deref().unwrap_or_default();
        let rep = attest::compare(repo, version, &policy, &problems, args.reject_expired)?;
        if args.json {
            ui.out(format!("{}\n", serde_json::to_string_pretty(&rep)?));
        } else {
            print_attestations(ui, &rep, policy.threshold);
        }
        if let Some(file) = &args.html {
            let page = quorate_html::attestation_report(&rep, &Default::default());
            write_html(file, &page, ui)?;
        }
        return Ok(if rep.ok { EXIT_OK } else { EXIT_FAILED });
    }
    let (policy, _problems) = resolve_policy(&args, None, ui)?;
    let options = VerifyOptions {
        require_all: args.require_all,
        reject_expired: args.reject_expired,
    };
    let target = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let rep = if !args.signatures.is_empty() {
        if !target.is_file() {
            bail!(
                "{}: not a file\nhint: with --signatures, give the checksum file they sign (e.g. SHA256SUMS)",
                target.display()
            );
        }
        let files = args.files.clone().unwrap_or_else(|| match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        });
        verify_sums(&target, &args.signatures, &files, &policy, options, ui)
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
        ui.out(format!("{}\n", serde_json::to_string_pretty(&rep)?));
    } else {
        print_release(ui, &rep);
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
