//! The verdict types every signature check produces: the verdict on one
//! signature, what gpg would report, the scheme, the per-signature report
//! and the quorum. They live apart from `verify` so that the scheme
//! checkers (`openpgp`, `ssh`) and the release verification depend on them
//! without depending on each other (no module cycle).

use serde::Serialize;

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
    /// Distinct pinned keys in the policy (signers holding the same key,
    /// whatever its scheme or format, are one).
    pub signers: usize,
    /// Distinct pinned keys with a GOOD signature.
    pub count: usize,
    /// The names of those signers.
    pub counted: Vec<String>,
    /// `count >= threshold`.
    pub met: bool,
    /// Signers of the policy that hold the same key as an earlier one
    /// (`"bob holds the same key as alice (ed25519:…)"`): they never add a
    /// vote.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicate_keys: Vec<String>,
}
