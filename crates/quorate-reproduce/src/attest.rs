//! Signing the rebuilt manifest and adding it to an attestation repository,
//! so that independent rebuilders add their votes (the guix.sigs model).

use std::path::{Path, PathBuf};

use quorate_attest::attest::{self, Added};
use quorate_attest::policy::validate_name;
use quorate_attest::{AttestError, openpgp, ssh};
use quorate_manifest::fsutil;

use crate::{ReproduceError, io};

/// The key that signs.
#[derive(Debug, Clone)]
pub enum SigningKey {
    /// An OpenPGP secret key file (armored or binary).
    OpenPgp(PathBuf),
    /// An OpenSSH private key file.
    Ssh(PathBuf),
}

/// Signs `manifest` (the rebuilt `manifest-<version>.txt`) as `signer`,
/// writing `manifest-<signer>-<version>.sig` (or `.sshsig`) beside it, then
/// copies the manifest, that signature and the folder's `build.json` into
/// `<repo>/<version>/<signer>/` and commits them. `passphrase` unlocks an
/// encrypted key.
pub fn sign_and_attest(
    manifest: &Path,
    version: &str,
    signer: &str,
    key: &SigningKey,
    passphrase: Option<&str>,
    repo: &Path,
) -> Result<(PathBuf, Added), ReproduceError> {
    validate_name(signer).map_err(|reason| ReproduceError::Release {
        path: manifest.to_path_buf(),
        reason: format!("signer name {signer:?}: {reason}"),
    })?;
    let dir = manifest.parent().unwrap_or(Path::new(".")).to_path_buf();
    let (sig_path, bytes) = match key {
        SigningKey::OpenPgp(k) => (
            dir.join(format!("manifest-{signer}-{version}.sig")),
            openpgp::sign_file(manifest, k, passphrase)?,
        ),
        SigningKey::Ssh(k) => (
            dir.join(format!("manifest-{signer}-{version}.sshsig")),
            ssh::sign_file(manifest, k, passphrase)?.into_bytes(),
        ),
    };
    fsutil::write_atomic(&sig_path, &bytes).map_err(io(&sig_path))?;
    let default_build = attest::host_build_json(env!("CARGO_PKG_VERSION"));
    let added = attest::add(repo, signer, &dir, &default_build).map_err(|e| match e {
        AttestError::Release { path, reason } => ReproduceError::Release { path, reason },
        e => e.into(),
    })?;
    Ok((sig_path, added))
}
