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

/// The verdict on one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// Verifies, by a pinned key that was valid when it signed. Counts.
    Good,
    /// Does not verify, is malformed, or is refused (weak algorithm, dated
    /// before its key, …).
    Bad,
    /// Made by a key that no signer of the policy pins.
    Unknown,
    /// Made after the key (or the signature itself) expired.
    Expired,
    /// Made by a revoked key (hard revocation: always; soft: made after it).
    Revoked,
    /// A good signature by a key that already counted.
    Duplicate,
}

impl Verdict {
    /// The wire name (`GOOD`, `BAD`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Good => "GOOD",
            Verdict::Bad => "BAD",
            Verdict::Unknown => "UNKNOWN",
            Verdict::Expired => "EXPIRED",
            Verdict::Revoked => "REVOKED",
            Verdict::Duplicate => "DUPLICATE",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What GnuPG 2.2 reports for an OpenPGP signature (`gpg --status-fd`),
/// computed by quorate with gpg's rules; quorate's verdict adds its own
/// counting rules on top (`docs/signing.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GpgStatus {
    /// A good signature by a valid key.
    Goodsig,
    /// A good signature by a key that has expired since.
    Expkeysig,
    /// A good signature by a key that has been revoked.
    Revkeysig,
    /// A good signature that has itself expired.
    Expsig,
    /// The signature does not verify.
    Badsig,
    /// The signature could not be checked (malformed, unusable key,
    /// refused algorithm).
    Errsig,
    /// The key that made it is not in the keyring.
    NoPubkey,
}

impl GpgStatus {
    /// The status keyword as gpg prints it (`GOODSIG`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            GpgStatus::Goodsig => "GOODSIG",
            GpgStatus::Expkeysig => "EXPKEYSIG",
            GpgStatus::Revkeysig => "REVKEYSIG",
            GpgStatus::Expsig => "EXPSIG",
            GpgStatus::Badsig => "BADSIG",
            GpgStatus::Errsig => "ERRSIG",
            GpgStatus::NoPubkey => "NO_PUBKEY",
        }
    }
}

impl std::fmt::Display for GpgStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// The signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// OpenPGP (`.sig`, `.asc`).
    Openpgp,
    /// SSH signature (`.sshsig`).
    Ssh,
}

/// The report on one signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// The signature file (name within the folder).
    pub file: String,
    /// Position of the signature within its file (0 for most files).
    pub index: usize,
    /// The signer the file name claims (`manifest-<signer>-<version>.sig`).
    pub claimed_signer: Option<String>,
    /// OpenPGP or SSH.
    pub scheme: Scheme,
    /// The verdict.
    pub verdict: Verdict,
    /// The policy's name for the key that made it (when pinned).
    pub signer: Option<String>,
    /// Primary key fingerprint (OpenPGP), `SHA256:…` (SSH), or the issuer
    /// named by an unknown signature.
    pub fingerprint: Option<String>,
    /// The signing subkey's fingerprint, when not the primary key.
    pub signing_key: Option<String>,
    /// What the policy pinned, when not the primary fingerprint (a
    /// subkey's fingerprint or a long key id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// The key's valid user IDs (the names the key itself carries).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_ids: Vec<String>,
    /// What GnuPG 2.2 reports for this signature (OpenPGP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpg: Option<GpgStatus>,
    /// The signature's creation time (RFC 3339, UTC).
    pub created: Option<String>,
    /// Why the verdict is not GOOD.
    pub reason: Option<String>,
    /// Facts that do not change the verdict (key expired since, …).
    pub notes: Vec<String>,
    /// True when this signature counts toward the quorum.
    pub counts: bool,
    /// When the (GOOD) signature's key has expired since: the date.
    pub key_expired: Option<String>,
    /// The key identity used for the quorum (`openpgp:FPR`, `ssh:SHA256:…`).
    #[serde(skip)]
    pub key_id: Option<String>,
}

impl SignatureReport {
    /// An empty BAD report for `scheme`.
    pub fn new(scheme: Scheme) -> Self {
        SignatureReport {
            file: String::new(),
            index: 0,
            claimed_signer: None,
            scheme,
            verdict: Verdict::Bad,
            signer: None,
            fingerprint: None,
            signing_key: None,
            pin: None,
            user_ids: Vec::new(),
            gpg: None,
            created: None,
            reason: None,
            notes: Vec::new(),
            counts: false,
            key_expired: None,
            key_id: None,
        }
    }

    /// Sets the verdict to BAD with `reason`.
    pub fn bad(mut self, reason: impl Into<String>) -> Self {
        self.verdict = Verdict::Bad;
        self.reason = Some(reason.into());
        self
    }
}

/// The quorum outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Quorum {
    /// Distinct pinned keys required.
    pub threshold: usize,
    /// Pinned signers in the policy.
    pub signers: usize,
    /// Distinct pinned keys with a GOOD signature.
    pub count: usize,
    /// The names of those signers.
    pub counted: Vec<String>,
    /// `count >= threshold`.
    pub met: bool,
}

/// Verdicts for a set of signatures: marks DUPLICATE (second GOOD by the
/// same key) and computes the quorum. Reports keep their order.
pub fn count_quorum(reports: &mut [SignatureReport], policy: &Policy) -> Quorum {
    let mut seen: Vec<(String, String)> = Vec::new();
    for r in reports.iter_mut() {
        r.counts = false;
        if r.verdict != Verdict::Good {
            continue;
        }
        let Some(id) = r.key_id.clone() else { continue };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == id) {
            r.verdict = Verdict::Duplicate;
            r.reason = Some(format!(
                "the same key already counted for {first}; one key votes once"
            ));
            continue;
        }
        seen.push((id, r.file.clone()));
        r.counts = true;
    }
    let counted: Vec<String> = reports
        .iter()
        .filter(|r| r.counts)
        .filter_map(|r| r.signer.clone())
        .collect();
    Quorum {
        threshold: policy.threshold,
        signers: policy.signers.len(),
        count: seen.len(),
        counted,
        met: seen.len() >= policy.threshold,
    }
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
        vec![ssh::verify(sig_bytes, data, &policy.ssh_keys(), now)]
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

/// The files of a release folder that matter for verification.
#[derive(Debug, Clone)]
pub struct ReleaseFiles {
    /// `manifest-<version>.txt`.
    pub manifest: PathBuf,
    /// The version from the manifest's name.
    pub version: String,
    /// `(signature file, signer claimed by its name)`, sorted by name.
    pub signatures: Vec<(PathBuf, String)>,
    /// Names that look like signatures for another version (ignored).
    pub ignored: Vec<String>,
}

/// The signature extensions quorate reads.
pub const SIGNATURE_EXTENSIONS: [&str; 3] = [".sig", ".asc", ".sshsig"];

/// The signer named by `manifest-<signer>-<version><ext>`.
pub fn signer_from_file_name(name: &str, version: &str) -> Option<String> {
    let rest = name.strip_prefix("manifest-")?;
    for ext in SIGNATURE_EXTENSIONS {
        if let Some(stem) = rest.strip_suffix(ext)
            && let Some(signer) = stem.strip_suffix(version).and_then(|s| s.strip_suffix('-'))
            && !signer.is_empty()
        {
            return Some(signer.to_string());
        }
    }
    None
}

/// Finds the manifest and the signatures in a release folder: exactly one
/// `manifest-<version>.txt`, and every `manifest-<signer>-<version>.sig`,
/// `.asc` or `.sshsig`.
pub fn find_release_files(dir: &Path) -> Result<ReleaseFiles, AttestError> {
    let io = |source| AttestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_type().map_err(io)?.is_file() || entry.path().is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    let manifests: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.starts_with("manifest-") && n.ends_with(".txt") && n.len() > "manifest-.txt".len()
        })
        .collect();
    let manifest_name = match manifests.as_slice() {
        [] => {
            return Err(AttestError::Release {
                path: dir.to_path_buf(),
                reason: "no manifest-<version>.txt here\nhint: give the folder that holds the downloaded release and its manifest; for a SHA256SUMS file use `quorate verify SHA256SUMS --signatures SHA256SUMS.asc --keys-dir KEYS --threshold N`".into(),
            });
        }
        [one] => (*one).clone(),
        many => {
            return Err(AttestError::Release {
                path: dir.to_path_buf(),
                reason: format!(
                    "{} manifests ({}); a release folder holds exactly one\nhint: move the other releases' manifests away",
                    many.len(),
                    many.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    };
    let version = manifest_name["manifest-".len()..manifest_name.len() - ".txt".len()].to_string();
    let mut signatures = Vec::new();
    let mut ignored = Vec::new();
    for n in &names {
        if !n.starts_with("manifest-") || !SIGNATURE_EXTENSIONS.iter().any(|e| n.ends_with(e)) {
            continue;
        }
        match signer_from_file_name(n, &version) {
            Some(s) => signatures.push((dir.join(n), s)),
            None => ignored.push(n.clone()),
        }
    }
    Ok(ReleaseFiles {
        manifest: dir.join(&manifest_name),
        version,
        signatures,
        ignored,
    })
}

/// Options of [`verify_release`].
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Every listed file must be present (otherwise missing ones are fine).
    pub require_all: bool,
    /// A GOOD signature whose key has expired since does not count (it
    /// becomes EXPIRED).
    pub reject_expired: bool,
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
    /// The version.
    pub version: String,
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
    /// Quorum met and files fine.
    pub ok: bool,
}

impl ReleaseReport {
    /// True when the files pass (every present file matches; with
    /// `require_all`, every listed file is present).
    pub fn files_ok(&self) -> bool {
        if self.require_all {
            self.files.all_match()
        } else {
            self.files.present_match()
        }
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
    let sigs: Vec<(PathBuf, Option<String>)> = files
        .signatures
        .iter()
        .map(|(p, s)| (p.clone(), Some(s.clone())))
        .collect();
    verify_document(
        dir,
        &files.manifest,
        files.version,
        &sigs,
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
    let listed = if any_document {
        crlf_to_lf(&data)
    } else {
        data.clone()
    };
    let mut checksum_error = None;
    let manifest = match Manifest::parse(&listed, &manifest_path.display().to_string()) {
        Ok(m) => Some(m),
        // A signed document that is not a checksum list: its signatures
        // are all there is to check.
        Err(_) if any_document && !looks_like_checksums(&data) => None,
        // Someone else's list, malformed: judge its signatures anyway.
        Err(e) if any_document => {
            checksum_error = Some(e.to_string());
            None
        }
        Err(e) => return Err(e.into()),
    };
    let now = SystemTime::now();
    let mut signatures = Vec::new();
    for (path, claimed) in sig_files {
        for mut r in verify_signature_file(path, &data, policy, now) {
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
    if options.reject_expired {
        apply_reject_expired(&mut signatures);
    }
    let quorum = count_quorum(&mut signatures, policy);
    // Paths relative to `dir` that are not release files.
    let rel_name = |p: &Path| -> Option<String> {
        let d = dir.canonicalize().ok()?;
        let c = p.canonicalize().ok()?;
        c.strip_prefix(&d)
            .ok()
            .map(|r| r.to_string_lossy().into_owned())
    };
    let mut not_files: BTreeSet<String> =
        sig_files.iter().filter_map(|(p, _)| rel_name(p)).collect();
    not_files.extend(rel_name(manifest_path));
    not_files.extend(ignored.iter().cloned());
    let skip = |rel: &str| not_files.contains(rel) || rel.ends_with(".ots");
    let report = match &manifest {
        Some(m) => check(m, dir, &skip, progress)?,
        None => CheckReport {
            entries: Vec::new(),
            unlisted: Vec::new(),
        },
    };
    let mut out = ReleaseReport {
        dir: dir.to_path_buf(),
        manifest: manifest_path.to_path_buf(),
        version,
        signatures,
        ignored,
        quorum,
        files: report,
        require_all: options.require_all,
        checksum_list: manifest.is_some() || checksum_error.is_some(),
        checksum_error,
        ok: false,
    };
    out.ok = out.quorum.met && out.files_ok() && out.checksum_error.is_none();
    Ok(out)
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
    fn signer_names_from_file_names() {
        assert_eq!(
            signer_from_file_name("manifest-alice-v1.2.sig", "v1.2").as_deref(),
            Some("alice")
        );
        assert_eq!(
            signer_from_file_name("manifest-a-b-v1-rc1.asc", "v1-rc1").as_deref(),
            Some("a-b")
        );
        assert_eq!(
            signer_from_file_name("manifest-bob-v1.sshsig", "v1").as_deref(),
            Some("bob")
        );
        assert_eq!(signer_from_file_name("manifest-v1.sig", "v1"), None);
        assert_eq!(signer_from_file_name("manifest-bob-v2.sig", "v1"), None);
        assert_eq!(signer_from_file_name("manifest-bob-v1.sig.ots", "v1"), None);
    }

    #[test]
    fn wire_names() {
        assert_eq!(
            serde_json::to_string(&Verdict::Duplicate).unwrap(),
            "\"DUPLICATE\""
        );
        assert_eq!(Verdict::Expired.to_string(), "EXPIRED");
    }
}
