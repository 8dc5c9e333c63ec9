//! Demo signers without gpg: generate keys, pin them in a policy, sign a
//! manifest. `quorate demo` uses this for its 2-of-3 quorum.

use std::path::{Path, PathBuf};

use quorate_manifest::fsutil;

use crate::policy::{PolicyFile, SignerEntry, validate_name};
use crate::{AttestError, openpgp};

/// What [`setup`] wrote.
#[derive(Debug, Clone)]
pub struct DemoSigners {
    /// The policy file (`<dir>/policy.toml`).
    pub policy: PathBuf,
    /// `(name, fingerprint, public key file, secret key file)`.
    pub signers: Vec<(String, String, PathBuf, PathBuf)>,
}

/// Generates one Ed25519 v4 key per name (no passphrase), writes
/// `<dir>/keys/<name>.asc` (public) and `<dir>/keys/<name>-secret.asc`, and
/// a policy `<dir>/policy.toml` pinning them with `threshold`.
pub fn setup(dir: &Path, names: &[&str], threshold: i64) -> Result<DemoSigners, AttestError> {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).map_err(|source| AttestError::Io {
        path: keys.clone(),
        source,
    })?;
    let write = |p: &Path, b: &[u8]| {
        fsutil::write_atomic(p, b).map_err(|source| AttestError::Io {
            path: p.to_path_buf(),
            source,
        })
    };
    let mut file = PolicyFile {
        threshold: Some(threshold),
        signers: Vec::new(),
    };
    let mut signers = Vec::new();
    for name in names {
        validate_name(name).map_err(|reason| AttestError::Policy {
            path: dir.to_path_buf(),
            reason,
        })?;
        let cert =
            openpgp::generate_demo_key(&format!("{name} (quorate demo) <{name}@demo.invalid>"))
                .map_err(|reason| AttestError::Sign {
                    path: keys.clone(),
                    reason,
                })?;
        let public = keys.join(format!("{name}.asc"));
        let secret = keys.join(format!("{name}-secret.asc"));
        write(&public, &openpgp::armored_public(&cert))?;
        write(&secret, &openpgp::armored_secret(&cert))?;
        let fpr = openpgp::fingerprint(&cert);
        file.signers.push(SignerEntry {
            name: name.to_string(),
            openpgp: Some(fpr.clone()),
            ssh: None,
            key: Some(format!("keys/{name}.asc")),
        });
        signers.push((name.to_string(), fpr, public, secret));
    }
    let policy = dir.join("policy.toml");
    let text = toml::to_string(&file).map_err(|e| AttestError::Policy {
        path: policy.clone(),
        reason: e.to_string(),
    })?;
    write(&policy, text.as_bytes())?;
    Ok(DemoSigners { policy, signers })
}

/// Signs `manifest` (`manifest-<version>.txt`) with the secret key file of
/// `signer`, writing `manifest-<signer>-<version>.sig` beside it; returns
/// its path.
pub fn sign_manifest(
    manifest: &Path,
    signer: &str,
    secret_key: &Path,
) -> Result<PathBuf, AttestError> {
    let name = manifest
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let version = name
        .strip_prefix("manifest-")
        .and_then(|n| n.strip_suffix(".txt"))
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AttestError::Release {
            path: manifest.to_path_buf(),
            reason: "is not named manifest-<version>.txt".into(),
        })?;
    let sig = openpgp::sign_file(manifest, secret_key, None)?;
    let out = manifest.with_file_name(format!("manifest-{signer}-{version}.sig"));
    fsutil::write_atomic(&out, &sig).map_err(|source| AttestError::Io {
        path: out.clone(),
        source,
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{VerifyOptions, verify_release};

    #[test]
    fn two_of_three_demo_quorum() {
        let d = tempfile::tempdir().unwrap();
        let trust = d.path().join("trust");
        let demo = setup(&trust, &["alice", "bob", "carol"], 2).unwrap();
        let rel = d.path().join("rel");
        std::fs::create_dir(&rel).unwrap();
        std::fs::write(rel.join("a.txt"), b"a\n").unwrap();
        let m = quorate_manifest::check::manifest_of_tree(
            &rel,
            &|_| false,
            &quorate_manifest::NoProgress,
        )
        .unwrap();
        let mp = rel.join("manifest-v1.txt");
        m.write(&mp).unwrap();
        for (name, _, _, secret) in &demo.signers[..2] {
            sign_manifest(&mp, name, secret).unwrap();
        }
        let policy = crate::Policy::load(&demo.policy).unwrap();
        let r = verify_release(
            &rel,
            &policy,
            VerifyOptions::default(),
            &quorate_manifest::NoProgress,
        )
        .unwrap();
        assert!(r.ok, "{r:?}");
        assert_eq!(r.quorum.count, 2);
        assert_eq!(r.quorum.counted, vec!["alice", "bob"]);
    }
}
