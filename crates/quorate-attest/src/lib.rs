//! Signing and verifying release manifests, trust policies, quorum, and
//! attestation repositories.
//!
//! - [`openpgp`]: OpenPGP detached signatures (sequoia-openpgp, pure Rust),
//!   verified against pinned certificates with a typed [`Verdict`].
//! - [`keyring`], [`keystate`], [`pkverify`]: OpenPGP certificates kept as
//!   published (copies merged), their state computed as GnuPG computes it,
//!   and the cryptographic check of one signature (secp256k1 included).
//! - [`ssh`]: SSH signatures (`ssh-keygen -Y sign -n file` format).
//! - [`policy`]: the trust policy (threshold and pinned signers).
//! - [`lnd_import`]: reading an lnd-style `verify-install.sh` and its keys.
//! - [`verify`]: verifying a downloaded release folder: every signature,
//!   the quorum, then the files against the manifest.
//! - [`demo`]: demo signers without gpg (keys, policy, signatures).
//! - [`attest`]: the attestation repository (guix.sigs layout) and the
//!   agreement matrix across builders.
//!
//! Nothing here prints; errors name the file concerned.

pub mod attest;
pub mod brainpool;
pub mod demo;
pub mod gitian;
pub mod identity;
pub mod keyring;
pub mod keystate;
pub mod lnd_import;
pub mod openpgp;
pub mod pkverify;
pub mod policy;
pub mod ssh;
pub mod verdict;
pub use quorate_base::time;
pub mod verify;

use std::path::PathBuf;

pub use policy::{Policy, Signer, SignerKey};
pub use verify::{ReleaseReport, SignatureReport, Verdict};

/// Largest signature file quorate reads (a combined file with hundreds of
/// signatures stays far below this); bigger files are refused unread.
pub const MAX_SIGNATURE_BYTES: u64 = 4 << 20;

/// Largest key file quorate reads.
pub const MAX_KEY_BYTES: u64 = 16 << 20;

/// Why signing, verifying or loading a policy failed.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A key file is unusable (unparsable, several keys, no key, wrong key).
    #[error("{path}: {reason}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The trust policy is invalid.
    #[error("{path}: {reason}")]
    Policy {
        /// The policy file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Signing failed.
    #[error("{path}: cannot sign: {reason}")]
    Sign {
        /// The file being signed, or the key.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The release folder is not usable (no manifest, two manifests, …).
    #[error("{path}: {reason}")]
    Release {
        /// The folder or file concerned.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The manifest itself is malformed (duplicate or unsafe paths, …).
    #[error(transparent)]
    Manifest(#[from] quorate_manifest::ManifestError),
    /// Walking the release folder failed.
    #[error(transparent)]
    Tree(#[from] quorate_manifest::tree::TreeError),
    /// An error and what to do about it (see [`quorate_manifest::Hint`]).
    #[error("{error}")]
    Hinted {
        /// The error.
        error: Box<AttestError>,
        /// The next step.
        hint: String,
    },
    /// A `git` command failed.
    #[error("{path}: git {args}: {reason}")]
    Git {
        /// The repository.
        path: PathBuf,
        /// The git arguments.
        args: String,
        /// Its error output.
        reason: String,
    },
}

impl AttestError {
    /// The same error with a hint (rendered after the message by the CLI).
    pub fn with_hint(self, hint: impl Into<String>) -> Self {
        AttestError::Hinted {
            error: Box::new(self),
            hint: hint.into(),
        }
    }

    /// The error without its hint, and the hint.
    pub fn into_parts(self) -> (AttestError, Option<String>) {
        match self {
            AttestError::Hinted { error, hint } => (*error, Some(hint)),
            e => (e, None),
        }
    }
}

impl quorate_manifest::Hint for AttestError {
    fn hint(&self) -> Option<String> {
        match self {
            AttestError::Hinted { hint, .. } => Some(hint.clone()),
            AttestError::Manifest(e) => e.hint(),
            AttestError::Tree(e) => e.hint(),
            _ => None,
        }
    }
}

/// Reads a regular file of at most `max` bytes: larger files are refused
/// unread, and so are FIFOs, devices and folders (they could hang or never
/// end).
pub(crate) fn read_capped(path: &std::path::Path, max: u64) -> Result<Vec<u8>, AttestError> {
    quorate_manifest::fsutil::read_regular_capped(path, max).map_err(|source| AttestError::Io {
        path: path.to_path_buf(),
        source,
    })
}
