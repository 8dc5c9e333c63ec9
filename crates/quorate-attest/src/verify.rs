//! Verifying a release folder: every signature, the quorum of distinct
//! pinned keys, then the files against the manifest.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use quorate_manifest::check::check;
use quorate_manifest::{CheckReport, Manifest, Progress};
use serde::Serialize;

use crate::policy::Policy;
use crate::{AttestError, MAX_SIGNATURE_BYTES, openpgp, read_capped, ssh};

pub use crate::verdict::{GpgStatus, Quorum, Scheme, SignatureReport, Verdict};
pub use folder::{
    ReleaseFiles, ReleaseKind, SIGNATURE_EXTENSIONS, find_release_files, goreleaser_checksums_name,
    signer_from_file_name,
};

mod folder;

/// Verdicts for a set of signatures: marks DUPLICATE (a second GOOD by the
/// same key, where "the same key" is the public key material, across
/// OpenPGP and SSH and across certificates, and whatever signer name it is
/// pinned under) and computes the quorum of distinct keys. Reports keep
/// their order.
pub fn count_quorum(reports: &mut [SignatureReport], policy: &Policy) -> Quorum {
    let classes = crate::identity::signer_classes(policy);
    // (identity, first file, first signer)
    let mut seen: Vec<(String, String, Option<String>)> = Vec::new();
    for r in reports.iter_mut() {
        r.counts = false;
        if r.verdict != Verdict::Good {
            continue;
        }
        let id = match r
            .signer
            .as_deref()
            .and_then(|n| crate::identity::class_of(policy, &classes, n))
        {
            Some(c) => c,
            None => match r.key_id.clone() {
                Some(k) => k,
                None => continue,
            },
        };
        if let Some((_, file, first)) = seen.iter().find(|(k, ..)| *k == id) {
            r.verdict = Verdict::Duplicate;
            r.reason = Some(match (first, &r.signer) {
                (Some(a), Some(b)) if a != b => format!(
                    "{b:?} holds the same key as {a:?}, already counted for {file}; one key votes once, whatever names, schemes or formats it is pinned under"
                ),
                _ => format!("the same key already counted for {file}; one key votes once"),
            });
            continue;
        }
        seen.push((id, r.file.clone(), r.signer.clone()));
        r.counts = true;
    }
    let mut counted: Vec<String> = Vec::new();
    for r in reports.iter().filter(|r| r.counts) {
        if let Some(s) = &r.signer
            && !counted.contains(s)
        {
            counted.push(s.clone());
        }
    }
    let duplicate_keys = crate::identity::duplicate_signers(policy)
        .into_iter()
        .map(|(a, b, m)| {
            let short: String = m.chars().take(24).collect();
            format!("{b:?} holds the same key as {a:?} ({short}…); it never adds a vote")
        })
        .collect();
    Quorum {
        threshold: policy.threshold,
        signers: crate::identity::distinct_keys(policy),
        count: seen.len(),
        counted,
        met: seen.len() >= policy.threshold,
        duplicate_keys,
    }
}

/// Splits a file holding several armored SSH signatures into its blocks;
/// returns the blocks and the number of bytes outside any block that are
/// not whitespace.
fn ssh_blocks(bytes: &[u8]) -> (Vec<&[u8]>, usize) {
    const BEGIN: &[u8] = b"-----BEGIN SSH SIGNATURE-----";
    const END: &[u8] = b"-----END SSH SIGNATURE-----";
    let find = |hay: &[u8], needle: &[u8], from: usize| -> Option<usize> {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut blocks = Vec::new();
    let mut stray = 0usize;
    let mut pos = 0usize;
    while pos < bytes.len() {
        let Some(b) = find(bytes, BEGIN, pos) else {
            stray += bytes[pos..]
                .iter()
                .filter(|c| !c.is_ascii_whitespace())
                .count();
            break;
        };
        stray += bytes[pos..b]
            .iter()
            .filter(|c| !c.is_ascii_whitespace())
            .count();
        let end = match find(bytes, END, b) {
            Some(e) => e.saturating_add(END.len()).min(bytes.len()),
            None => bytes.len(),
        };
        blocks.push(&bytes[b..end]);
        pos = end;
    }
    (blocks, stray)
}

/// A cleartext-signed message (`gpg --clearsign`): its text (dash-escapes
/// undone, trailing blanks removed, as it was signed) and its signature
/// block.
fn split_cleartext(bytes: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("-----BEGIN PGP SIGNED MESSAGE-----")?;
    if !text[..start].trim().is_empty() {
        return None;
    }
    let rest = &text[start..];
    let sig_at = rest.find("\n-----BEGIN PGP SIGNATURE-----")?;
    let body = &rest[..sig_at];
    let sig = &rest.as_bytes()[sig_at + 1..];
    // Armor header lines (`Hash: …`) end at the first empty line.
    let mut lines = body.lines().skip(1);
    for l in lines.by_ref() {
        if l.trim().is_empty() {
            break;
        }
    }
    let signed: Vec<&str> = lines
        .map(|l| {
            let l = l.strip_prefix("- ").unwrap_or(l);
            l.trim_end_matches([' ', '\t', '\r'])
        })
        .collect();
    Some((signed.join("\n").into_bytes(), sig))
}

/// Verifies the signatures in `sig_bytes` (a `.sig`, `.asc` or `.sshsig`
/// file named `file`) over `data`. DUPLICATE is decided by [`count_quorum`].
pub fn verify_signature_bytes(
    file: &str,
    sig_bytes: &[u8],
    data: &[u8],
    policy: &Policy,
    now: SystemTime,
) -> Vec<SignatureReport> {
    let is_ssh =
        file.ends_with(".sshsig") || sig_bytes.starts_with(b"-----BEGIN SSH SIGNATURE-----");
    let mut reports = if is_ssh {
        // Every armored block gets its own verdict; nothing is ignored
        // silently.
        let (blocks, stray) = ssh_blocks(sig_bytes);
        let mut v: Vec<SignatureReport> = if blocks.is_empty() {
            vec![ssh::verify(sig_bytes, data, &policy.ssh_keys(), now)]
        } else {
            blocks
                .iter()
                .map(|b| ssh::verify(b, data, &policy.ssh_keys(), now))
                .collect()
        };
        if stray > 0 && !blocks.is_empty() {
            v.push(SignatureReport::new(Scheme::Ssh).bad(format!(
                "{stray} bytes outside any SSH signature block: not a signature, ignored"
            )));
        }
        v
    } else if let Some((text, sig)) = split_cleartext(sig_bytes) {
        // A cleartext-signed message is not a detached signature over the
        // manifest: say what it is and what its signature says over its
        // own text, but never count it.
        let inner = openpgp::verify_detached(sig, &text, &policy.openpgp_keys(), now);
        let same = text == data.strip_suffix(b"\n").unwrap_or(data);
        inner
            .into_iter()
            .map(|mut r| {
                let over = match (r.verdict, same) {
                    (Verdict::Good, true) => "GOOD over its own text, which is the manifest's",
                    (Verdict::Good, false) => {
                        "GOOD over its own text, which is NOT the manifest's"
                    }
                    _ => "not good over its own text",
                };
                let why = r
                    .reason
                    .take()
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default();
                r.notes.push(format!("cleartext signature: {over}{why}"));
                r.key_expired = None;
                r.bad(format!(
                    "a cleartext-signed message (gpg --clearsign), not a detached signature over the manifest: its signature is {over}{why}; quorate counts detached signatures only (gpg --detach-sign)"
                ))
            })
            .collect()
    } else {
        openpgp::verify_detached(sig_bytes, data, &policy.openpgp_keys(), now)
    };
    for (i, r) in reports.iter_mut().enumerate() {
        r.file = file.to_string();
        r.index = i;
    }
    reports
}

/// Reads and verifies one signature file; an unreadable file is one BAD
/// report, never an error.
pub fn verify_signature_file(
    path: &Path,
    data: &[u8],
    policy: &Policy,
    now: SystemTime,
) -> Vec<SignatureReport> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    match read_capped(path, MAX_SIGNATURE_BYTES) {
        Ok(bytes) => verify_signature_bytes(&name, &bytes, data, policy, now),
        Err(e) => {
            let scheme = if name.ends_with(".sshsig") {
                crate::verify::Scheme::Ssh
            } else {
                Scheme::Openpgp
            };
            let mut r = SignatureReport::new(scheme).bad(format!("cannot read: {e}"));
            r.file = name;
            vec![r]
        }
    }
}

/// Options of [`verify_release`].
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Every listed file must be present (otherwise missing ones are fine).
    pub require_all: bool,
    /// A GOOD signature whose key has expired since does not count (it
    /// becomes EXPIRED).
    pub reject_expired: bool,
    /// Files present but not in the manifest (UNLISTED) fail the check.
    pub strict: bool,
    /// The version the user expects: the signed version must be this one.
    pub expected_version: Option<String>,
    /// The project the user expects (e.g. the name in the quorate.toml
    /// whose trust is used): the signed project name must be this one, so
    /// another project's release signed by the same people is refused.
    pub expected_name: Option<String>,
}

/// Largest `build.json` read from a release (a real one is a few KiB).
pub const MAX_BUILD_JSON_BYTES: u64 = 256 << 10;

/// What the signed content says the release is: the `name` and `version`
/// of the `build.json` the manifest lists (so the signatures cover it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SignedRelease {
    /// The project name.
    #[serde(default)]
    pub name: Option<String>,
    /// The release version.
    #[serde(default)]
    pub version: Option<String>,
}

/// Reads `name` and `version` out of a `build.json` (untrusted bytes: any
/// other field is ignored, anything malformed is an error).
pub fn parse_signed_release(bytes: &[u8]) -> Result<SignedRelease, String> {
    if bytes.len() as u64 > MAX_BUILD_JSON_BYTES {
        return Err(format!(
            "{} bytes is larger than the {MAX_BUILD_JSON_BYTES}-byte limit for build.json",
            bytes.len()
        ));
    }
    let r: SignedRelease =
        serde_json::from_slice(bytes).map_err(|e| format!("not a quorate build.json: {e}"))?;
    for v in [&r.name, &r.version].into_iter().flatten() {
        if v.is_empty() || v.len() > 200 || v.chars().any(|c| c.is_control()) {
            return Err(format!(
                "build.json holds an unusable name or version {v:?}"
            ));
        }
    }
    Ok(r)
}

/// With `--reject-expired`: GOOD signatures by keys that have expired
/// since become EXPIRED.
pub fn apply_reject_expired(reports: &mut [SignatureReport]) {
    for r in reports.iter_mut() {
        if r.verdict == Verdict::Good
            && let Some(d) = &r.key_expired
        {
            r.verdict = Verdict::Expired;
            r.reason = Some(format!(
                "made while the key was valid, but the key expired on {d} and --reject-expired is set"
            ));
        }
    }
}

/// The whole verification of a release folder.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseReport {
    /// The folder.
    pub dir: PathBuf,
    /// The manifest file.
    pub manifest: PathBuf,
    /// The version: the signed one when the manifest lists a build.json,
    /// else the one in the manifest's file name.
    pub version: String,
    /// The version the manifest's file name claims (unsigned).
    pub claimed_version: String,
    /// What the signed build.json says (when the manifest lists one and
    /// it matches).
    pub signed: Option<SignedRelease>,
    /// Why the version cannot be trusted (renamed release, not the
    /// expected version, nothing signed states it while one was expected).
    pub version_problem: Option<String>,
    /// Every signature, in file-name order.
    pub signatures: Vec<SignatureReport>,
    /// Signature-like files for another version, not verified.
    pub ignored: Vec<String>,
    /// The quorum.
    pub quorum: Quorum,
    /// The files against the manifest.
    pub files: CheckReport,
    /// Whether missing files fail the check.
    pub require_all: bool,
    /// False when the signed file is not a checksum list (any document
    /// verified with `--signatures`): only its signatures were checked.
    pub checksum_list: bool,
    /// A checksum list written by others that could not be read (a name
    /// listed twice, a malformed line): its signatures are still judged,
    /// no file is checked, and the verification fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum_error: Option<String>,
    /// Whether unlisted files fail the check (`--strict`).
    pub strict: bool,
    /// Quorum met, files fine and the version the signed one.
    pub ok: bool,
}

impl ReleaseReport {
    /// True when the files pass (every present file matches; with
    /// `require_all`, every listed file is present).
    pub fn files_ok(&self) -> bool {
        let listed = if self.require_all {
            self.files.all_match()
        } else {
            self.files.present_match()
        };
        listed && (!self.strict || self.files.unlisted.is_empty())
    }
}

/// Verifies a release folder against a policy.
pub fn verify_release(
    dir: &Path,
    policy: &Policy,
    options: VerifyOptions,
    progress: &dyn Progress,
) -> Result<ReleaseReport, AttestError> {
    let files = find_release_files(dir)?;
    verify_document(
        true,
        dir,
        &files.manifest,
        files.version,
        &files.signatures,
        files.ignored,
        policy,
        options,
        false,
        progress,
    )
}

/// Verifies a checksum file (`SHA256SUMS`, a manifest) with the signatures
/// in `signature_files` (each may hold many signatures, as Bitcoin Core's
/// combined `SHA256SUMS.asc` does), then the files in `files_dir`. Any
/// other signed document (a YAML file, a text) gets its signatures checked
/// alone ([`ReleaseReport::checksum_list`] is false).
pub fn verify_sums(
    sums: &Path,
    signature_files: &[PathBuf],
    files_dir: &Path,
    policy: &Policy,
    options: VerifyOptions,
    progress: &dyn Progress,
) -> Result<ReleaseReport, AttestError> {
    let sigs: Vec<(PathBuf, Option<String>)> =
        signature_files.iter().map(|p| (p.clone(), None)).collect();
    let version = sums
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    verify_document(
        false,
        files_dir,
        sums,
        version,
        &sigs,
        Vec::new(),
        policy,
        options,
        true,
        progress,
    )
}

#[allow(clippy::too_many_arguments)]
fn verify_document(
    is_release: bool,
    dir: &Path,
    manifest_path: &Path,
    version: String,
    sig_files: &[(PathBuf, Option<String>)],
    ignored: Vec<String>,
    policy: &Policy,
    options: VerifyOptions,
    any_document: bool,
    progress: &dyn Progress,
) -> Result<ReleaseReport, AttestError> {
    let data = read_capped(manifest_path, 64 << 20)?;
    let (manifest, checksum_error) = parse_listed(&data, manifest_path, any_document)?;
    let now = SystemTime::now();
    let mut signatures = verify_signature_files(sig_files, &data, policy, now);
    if options.reject_expired {
        apply_reject_expired(&mut signatures);
    }
    let quorum = count_quorum(&mut signatures, policy);
    let not_files = own_files(dir, manifest_path, sig_files);
    let skip = |rel: &str| not_files.contains(rel);
    let report = match &manifest {
        Some(m) => check(m, dir, &skip, progress)?,
        None => CheckReport {
            entries: Vec::new(),
            unlisted: Vec::new(),
        },
    };
    let (signed, mut version_problem) = read_signed_release(manifest.as_ref(), dir);
    let signed_version = signed.as_ref().and_then(|s| s.version.clone());
    let claimed_version = version.clone();
    if version_problem.is_none() {
        version_problem = version_mismatch(
            signed.as_ref(),
            signed_version.as_ref(),
            &claimed_version,
            is_release,
            &options,
        );
    }
    let mut out = ReleaseReport {
        dir: dir.to_path_buf(),
        manifest: manifest_path.to_path_buf(),
        version: signed_version.unwrap_or(version),
        claimed_version,
        signed,
        version_problem,
        signatures,
        ignored,
        quorum,
        files: report,
        require_all: options.require_all,
        checksum_list: manifest.is_some() || checksum_error.is_some(),
        checksum_error,
        strict: options.strict,
        ok: false,
    };
    out.ok = out.quorum.met
        && out.files_ok()
        && out.version_problem.is_none()
        && out.checksum_error.is_none();
    Ok(out)
}

/// The checksum list in the signed document `data`, and why it could not
/// be read when that does not stop the check: with `any_document`, line
/// endings are normalized, a document that is not a checksum list has no
/// list (its signatures are all there is to check) and a malformed list
/// is reported; otherwise a malformed manifest is an error.
fn parse_listed(
    data: &[u8],
    manifest_path: &Path,
    any_document: bool,
) -> Result<(Option<Manifest>, Option<String>), AttestError> {
    let listed = if any_document {
        crlf_to_lf(data)
    } else {
        data.to_vec()
    };
    match Manifest::parse(&listed, &manifest_path.display().to_string()) {
        Ok(m) => Ok((Some(m), None)),
        // A signed document that is not a checksum list: its signatures
        // are all there is to check.
        Err(_) if any_document && !looks_like_checksums(data) => Ok((None, None)),
        // Someone else's list, malformed: judge its signatures anyway.
        Err(e) if any_document => Ok((None, Some(e.to_string()))),
        Err(e) => Err(e.into()),
    }
}

/// Every signature of every file over `data`, in order, each noting when
/// its key is not the signer its file name claims.
fn verify_signature_files(
    sig_files: &[(PathBuf, Option<String>)],
    data: &[u8],
    policy: &Policy,
    now: SystemTime,
) -> Vec<SignatureReport> {
    let mut signatures = Vec::new();
    for (path, claimed) in sig_files {
        for mut r in verify_signature_file(path, data, policy, now) {
            if let (Some(s), Some(c)) = (&r.signer, claimed)
                && s != c
            {
                r.notes
                    .push(format!("the file name says {c:?}, but the key is {s:?}'s"));
            }
            r.claimed_signer = claimed.clone();
            signatures.push(r);
        }
    }
    signatures
}

/// The files verify itself reads, left out of the walk: the manifest and
/// the signature files (regular files inside `dir`), and OpenTimestamps
/// proofs of those. Anything else present, whatever its name, is hashed
/// if listed and reported UNLISTED if not; folders are walked, links
/// leaving the folder and FIFOs/devices are errors.
fn own_files(
    dir: &Path,
    manifest_path: &Path,
    sig_files: &[(PathBuf, Option<String>)],
) -> BTreeSet<String> {
    let rel_name = |p: &Path| -> Option<String> {
        let d = dir.canonicalize().ok()?;
        let parent = p.parent()?.canonicalize().ok()?;
        let c = parent.join(p.file_name()?);
        let meta = std::fs::symlink_metadata(&c).ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        c.strip_prefix(&d)
            .ok()
            .map(|r| r.to_string_lossy().into_owned())
    };
    let mut not_files: BTreeSet<String> =
        sig_files.iter().filter_map(|(p, _)| rel_name(p)).collect();
    not_files.extend(rel_name(manifest_path));
    let proofs: Vec<String> = not_files
        .iter()
        .map(|n| format!("{n}.ots"))
        .filter(|n| std::fs::symlink_metadata(dir.join(n)).is_ok_and(|m| m.file_type().is_file()))
        .collect();
    not_files.extend(proofs);
    not_files
}

/// What the signed content says the release is: the build.json the
/// manifest lists, read once, hashed and compared with the manifest's
/// digest; or why the signed version is unknown.
fn read_signed_release(
    manifest: Option<&Manifest>,
    dir: &Path,
) -> (Option<SignedRelease>, Option<String>) {
    let Some(entry) = manifest
        .iter()
        .flat_map(|m| m.entries())
        .find(|e| e.path == "build.json")
    else {
        return (None, None);
    };
    match read_capped(&dir.join("build.json"), MAX_BUILD_JSON_BYTES) {
        Ok(bytes) if quorate_manifest::Digest::of_bytes(&bytes) == entry.digest => {
            match parse_signed_release(&bytes) {
                Ok(r) => (Some(r), None),
                Err(e) => (None, Some(format!("build.json: {e}"))),
            }
        }
        Ok(_) => (
            None,
            Some("build.json differs from the manifest: the signed version is unknown".into()),
        ),
        Err(e) => (None, Some(format!("{e}: the signed version is unknown"))),
    }
}

/// The first way the signed release is not the one wanted, in order: a
/// release whose file names say another version than the signed one (a
/// rollback), then `--version`, then the expected project name (each
/// requires a signed statement).
fn version_mismatch(
    signed: Option<&SignedRelease>,
    signed_version: Option<&String>,
    claimed_version: &str,
    is_release: bool,
    options: &VerifyOptions,
) -> Option<String> {
    if let Some(sv) = signed_version
        && is_release
        && *sv != claimed_version
    {
        return Some(format!(
            "the file names say version {claimed_version}, but the signed build.json says {sv}: a renamed release (rollback?)"
        ));
    }
    if let Some(want) = &options.expected_version {
        match signed_version {
            Some(sv) if sv == want => {}
            Some(sv) => {
                return Some(format!(
                    "expected version {want}, but the signed build.json says {sv}"
                ));
            }
            None => {
                return Some(format!(
                    "expected version {want}, but nothing signed states the version (the manifest lists no build.json); only the file names say {claimed_version}"
                ));
            }
        }
    }
    if let Some(want) = &options.expected_name {
        match signed.and_then(|s| s.name.as_ref()) {
            Some(name) if name == want => {}
            Some(name) => {
                return Some(format!(
                    "expected project {want}, but the signed build.json says {name}: another project's release"
                ));
            }
            None => {
                return Some(format!(
                    "expected project {want}, but nothing signed names the project (the manifest lists no build.json with a name)"
                ));
            }
        }
    }
    None
}

/// A checksum list written by others, read as `sha256sum -c` reads it:
/// CRLF line ends (real guix.sigs files have them) become LF. Signatures
/// are always checked over the bytes as published.
pub(crate) fn crlf_to_lf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    for (i, &b) in data.iter().enumerate() {
        if b == b'\r' && data.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

/// True when the first line reads as `<64 hex digits>  <path>`: a
/// checksum list, even if a later line is malformed (then the error is
/// reported, never silently downgraded to "a document").
fn looks_like_checksums(data: &[u8]) -> bool {
    let first = data.split(|&b| b == b'\n').next().unwrap_or_default();
    first.len() > 66
        && first[..64].iter().all(u8::is_ascii_hexdigit)
        && (first[64..].starts_with(b"  ") || first[64..].starts_with(b" *"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        assert_eq!(
            serde_json::to_string(&Verdict::Duplicate).unwrap(),
            "\"DUPLICATE\""
        );
        assert_eq!(Verdict::Expired.to_string(), "EXPIRED");
    }
}
