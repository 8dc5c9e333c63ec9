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

/// Whether a rebuild may be attested: the attestation gate's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Every artifact reproduced with an official toolchain: attest.
    Attest,
    /// Not every artifact reproduced, and the user forced it: attest, with
    /// a warning.
    Forced,
    /// Refused, and why (a phrase).
    Refused(&'static str),
}

/// The attestation gate for an [`crate::Outcome`]: a rebuild made with a
/// patched toolchain (`official` false) is never attested, not even with
/// `force`; one in which an artifact did not reproduce only with `force`.
pub fn gate(official: bool, reproduced: bool, force: bool) -> Gate {
    if !official {
        return Gate::Refused("the rebuild used a patched toolchain");
    }
    if !reproduced {
        if !force {
            return Gate::Refused(
                "not every artifact REPRODUCED (--force attests the rebuild anyway)",
            );
        }
        return Gate::Forced;
    }
    Gate::Attest
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
        hint: None,
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
        AttestError::Release { path, reason } => ReproduceError::Release {
            path,
            reason,
            hint: None,
        },
        e => e.into(),
    })?;
    Ok((sig_path, added))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_table() {
        let patched = Gate::Refused("the rebuild used a patched toolchain");
        let differs =
            Gate::Refused("not every artifact REPRODUCED (--force attests the rebuild anyway)");
        for (official, reproduced, force, want) in [
            (true, true, false, Gate::Attest),
            (true, true, true, Gate::Attest),
            (true, false, false, differs),
            (true, false, true, Gate::Forced),
            (false, true, false, patched),
            (false, true, true, patched),
            (false, false, true, patched),
        ] {
            assert_eq!(gate(official, reproduced, force), want);
        }
    }
}
