//! SSH signatures (`ssh-keygen -Y sign -n file`, the SSHSIG format).

use std::path::Path;
use std::time::SystemTime;

use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use crate::verdict::{Scheme, SignatureReport, Verdict};
use crate::{AttestError, MAX_KEY_BYTES, read_capped};

/// The namespace quorate signs and verifies in (as `ssh-keygen -n file`).
pub const NAMESPACE: &str = "file";

/// An SSH public key pinned under a signer name.
#[derive(Debug, Clone, Copy)]
pub struct PinnedSsh<'a> {
    /// The signer's name in the policy.
    pub name: &'a str,
    /// The pinned public key.
    pub key: &'a PublicKey,
}

/// `SHA256:…`, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Parses an OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
pub fn parse_public(line: &str) -> Result<PublicKey, String> {
    PublicKey::from_openssh(line.trim()).map_err(|e| format!("not an SSH public key: {e}"))
}

/// Signs `data` with the OpenSSH private key in `key_file` (unlocked with
/// `passphrase` when encrypted); returns the armored SSHSIG text
/// (`-----BEGIN SSH SIGNATURE-----`).
pub fn sign_file(
    data_path: &Path,
    key_file: &Path,
    passphrase: Option<&str>,
) -> Result<String, AttestError> {
    let err = |reason: String| AttestError::Sign {
        path: key_file.to_path_buf(),
        reason,
    };
    let pem = read_capped(key_file, MAX_KEY_BYTES)?;
    let mut key = PrivateKey::from_openssh(&pem)
        .map_err(|e| err(format!("not an OpenSSH private key: {e}")))?;
    if key.is_encrypted() {
        let pw = passphrase.ok_or_else(|| {
            err(
                "the key is protected by a passphrase; set QUORATE_PASSPHRASE or run on a terminal"
                    .into(),
            )
        })?;
        key = key
            .decrypt(pw)
            .map_err(|e| err(format!("cannot unlock the key (wrong passphrase?): {e}")))?;
    }
    // ssh-key signs with Ed25519 and ECDSA keys only: say so before any
    // other reason, whatever the RSA key's size (RSA signatures made by
    // ssh-keygen are still verified).
    if matches!(key.key_data(), ssh_key::private::KeypairData::Rsa(_)) {
        return Err(err(
            "RSA SSH keys cannot sign with quorate: use an Ed25519 or ECDSA key \
             (`ssh-keygen -t ed25519`), or sign with `ssh-keygen -Y sign -n file`, which quorate verifies"
                .into(),
        ));
    }
    if let Some(r) = weak_key_reason(key.public_key()) {
        return Err(err(r));
    }
    let data = std::fs::read(data_path).map_err(|source| AttestError::Io {
        path: data_path.to_path_buf(),
        source,
    })?;
    let sig = key.sign(NAMESPACE, HashAlg::Sha512, &data).map_err(|e| {
        err(format!(
            "{} signing failed: {e} (Ed25519 and ECDSA keys are supported)",
            key.algorithm()
        ))
    })?;
    sig.to_pem(LineEnding::LF).map_err(|e| err(e.to_string()))
}

/// Why an SSH key is refused, if it is.
pub fn weak_key_reason(key: &PublicKey) -> Option<String> {
    match key.key_data() {
        ssh_key::public::KeyData::Rsa(rsa) => {
            let bits = rsa.n.as_positive_bytes().map(|b| b.len() * 8).unwrap_or(0);
            (bits < 2048)
                .then(|| format!("RSA-{bits} key refused: RSA keys need at least 2048 bits"))
        }
        ssh_key::public::KeyData::Dsa(_) => Some("DSA key refused: use Ed25519".into()),
        _ => None,
    }
}

/// Verifies one SSHSIG over `data` against the pinned keys.
pub fn verify(
    sig_bytes: &[u8],
    data: &[u8],
    keys: &[PinnedSsh<'_>],
    _now: SystemTime,
) -> SignatureReport {
    let mut r = SignatureReport::new(Scheme::Ssh);
    let sig = match SshSig::from_pem(sig_bytes) {
        Ok(s) => s,
        Err(e) => return r.bad(format!("not an SSH signature: {e}")),
    };
    let signer_key = PublicKey::from(sig.public_key().clone());
    let fpr = fingerprint(&signer_key);
    r.fingerprint = Some(fpr.clone());
    let Some(pinned) = keys.iter().find(|k| k.key.key_data() == sig.public_key()) else {
        r.verdict = Verdict::Unknown;
        r.reason = Some(format!(
            "made by SSH key {fpr}, which no signer of the policy pins"
        ));
        return r;
    };
    r.signer = Some(pinned.name.to_string());
    r.key_id = Some(format!("ssh:{fpr}"));
    if sig.namespace() != NAMESPACE {
        return r.bad(format!(
            "signed for namespace {:?}, not {NAMESPACE:?}",
            sig.namespace()
        ));
    }
    if let Some(reason) = weak_key_reason(pinned.key) {
        return r.bad(reason);
    }
    match pinned.key.verify(NAMESPACE, data, &sig) {
        Ok(()) => {
            r.verdict = Verdict::Good;
            r
        }
        Err(e) => r.bad(format!(
            "does not verify: the signature is not over this manifest, or it was altered ({e})"
        )),
    }
}
