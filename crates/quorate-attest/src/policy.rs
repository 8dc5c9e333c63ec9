//! The trust policy: a threshold and the pinned signers.
//!
//! A standalone policy file, or the `[trust]` table of `quorate.toml`
//! (same fields):
//!
//! ```toml
//! threshold = 2
//! [[signer]]
//! name = "alice"
//! openpgp = "7363F82F43B1324E1B0761310E4647D58F8A69E4"  # full fingerprint
//! key = "keys/alice.asc"             # relative to the policy file
//! [[signer]]
//! name = "dave"
//! ssh = "ssh-ed25519 AAAAC3Nz…"
//! ```
//!
//! Loading validates everything a verifier relies on: the threshold is
//! between 1 and the number of distinct keys, names are unique, no key is
//! pinned under two names, and every key file holds exactly the pinned key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::keyring::Keyring;
use crate::{AttestError, openpgp, ssh};

/// Largest policy file read.
const MAX_POLICY_BYTES: u64 = 1 << 20;

/// The policy as written in TOML.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// How many distinct pinned keys must sign.
    pub threshold: Option<i64>,
    /// The pinned signers.
    #[serde(default, rename = "signer", skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<SignerEntry>,
}

/// One `[[signer]]` as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SignerEntry {
    /// The signer's name (used in signature file names).
    pub name: String,
    /// The OpenPGP key: the full fingerprint of its primary key or of one
    /// of its subkeys, or a long (16 hex digit) key id; the whole
    /// certificate holding that key is pinned, as `gpg` takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openpgp: Option<String>,
    /// The SSH public key itself (`ssh-ed25519 AAAA…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<String>,
    /// The public key file, relative to the policy file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A pinned key, loaded and checked.
#[derive(Debug, Clone)]
pub enum SignerKey {
    /// An OpenPGP certificate (its packets are in [`Policy::keyring`]).
    OpenPgp {
        /// The primary key's fingerprint, uppercase hex.
        fingerprint: String,
        /// What was pinned, normalised: the primary fingerprint, a
        /// subkey's fingerprint, or a long key id.
        pin: String,
    },
    /// An SSH public key.
    Ssh {
        /// `SHA256:…`.
        fingerprint: String,
        /// The key.
        public: Box<ssh_key::PublicKey>,
    },
}

/// One pinned signer.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The name.
    pub name: String,
    /// The pinned key.
    pub key: SignerKey,
    /// Where the key was read from, if from a file.
    pub key_path: Option<PathBuf>,
    /// Other names the same key was found under (a keys folder where a
    /// builder's file was renamed, leaving two files with one key). The
    /// key still votes once.
    pub aliases: Vec<String>,
}

impl Signer {
    /// A stable identity of the key: `openpgp:<FPR>` or `ssh:SHA256:…`.
    /// A quorum is a set of these.
    pub fn key_id(&self) -> String {
        match &self.key {
            SignerKey::OpenPgp { fingerprint, .. } => format!("openpgp:{fingerprint}"),
            SignerKey::Ssh { fingerprint, .. } => format!("ssh:{fingerprint}"),
        }
    }

    /// The fingerprint as shown to people.
    pub fn fingerprint(&self) -> &str {
        match &self.key {
            SignerKey::OpenPgp { fingerprint, .. } | SignerKey::Ssh { fingerprint, .. } => {
                fingerprint
            }
        }
    }
}

/// A key file that could not be used (see [`Policy::from_keys_dir`]).
#[derive(Debug, Clone, Serialize)]
pub struct KeyProblem {
    /// The signer the file is for.
    pub signer: String,
    /// The file.
    pub file: PathBuf,
    /// What is wrong.
    pub reason: String,
}

/// A validated trust policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Distinct pinned keys required.
    pub threshold: usize,
    /// The signers, in file order.
    pub signers: Vec<Signer>,
    /// The file it came from.
    pub source: PathBuf,
    /// Every OpenPGP certificate read from the key files, copies merged;
    /// designated revokers are looked up here too.
    pub keyring: Keyring,
}

/// Checks a signer name: non-empty, no path separators, spaces or control
/// characters (it becomes part of file names).
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a signer name is empty".into());
    }
    if name.len() > 100 {
        return Err(format!(
            "signer name {name:?} is longer than 100 characters"
        ));
    }
    if name.starts_with('.')
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "signer name {name:?} cannot be used in a file name (no slashes, spaces, or leading dot)"
        ));
    }
    Ok(())
}

impl Policy {
    /// Loads a policy file: a standalone policy, or a `quorate.toml` whose
    /// `[trust]` table holds the policy.
    pub fn load(path: &Path) -> Result<Self, AttestError> {
        let err = |reason: String| AttestError::Policy {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = crate::read_capped(path, MAX_POLICY_BYTES)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| err("is not UTF-8 text".into()))?;
        let table: toml::Table =
            toml::from_str(text).map_err(|e| err(format!("not valid TOML: {e}")))?;
        let value = match table.get("trust") {
            Some(trust) => trust.clone(),
            None if path.file_name().is_some_and(|n| n == "quorate.toml") => {
                return Err(err("has no [trust] table".into()).with_hint(
                    "add `[trust]` with `threshold` and `[[trust.signer]]` entries, or pass --policy FILE",
                ));
            }
            None => toml::Value::Table(table),
        };
        let file: PolicyFile = value
            .try_into()
            .map_err(|e| err(format!("invalid policy: {e}")))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::from_file(&file, &base, path)
    }

    /// Validates a parsed policy; key paths are relative to `base`.
    pub fn from_file(file: &PolicyFile, base: &Path, source: &Path) -> Result<Self, AttestError> {
        let loading = Loading { base, source };
        let mut signers: Vec<Signer> = Vec::with_capacity(file.signers.len());
        let mut keyring = Keyring::new();
        for e in &file.signers {
            let s = loading.signer(e, &signers, &mut keyring)?;
            if let Some(other) = signers.iter().find(|o| o.key_id() == s.key_id()) {
                return Err(loading.err(format!(
                    "key {} is pinned under two names ({:?} and {:?}); one key votes once",
                    s.fingerprint(),
                    other.name,
                    s.name
                )));
            }
            signers.push(s);
        }
        let threshold = loading.threshold(file.threshold, signers.len())?;
        Ok(Policy {
            threshold,
            signers,
            source: source.to_path_buf(),
            keyring,
        })
    }

    /// A policy from a folder of public keys, one file per signer
    /// (`builder-keys/<signer>.gpg` in guix.sigs, `scripts/keys/<user>.asc`
    /// in lnd): the signer's name is the file's stem and its keys are the
    /// certificates in it (trust on first use of the repository's own
    /// files). Files may be armored or binary and hold several keys or
    /// several copies of one; copies of a certificate are merged across
    /// files. A key found in two files (a renamed builder folder) is one
    /// signer with an alias, and votes once. Unreadable files are returned
    /// as problems, so that one bad file never stops the others.
    pub fn from_keys_dir(
        dir: &Path,
        threshold: usize,
    ) -> Result<(Self, Vec<KeyProblem>), AttestError> {
        let mut gathered = KeysDir::default();
        for f in key_files(dir)? {
            gathered.add_file(f);
        }
        let KeysDir {
            signers,
            problems,
            keyring,
            ..
        } = gathered;
        let err = |reason: String| AttestError::Policy {
            path: dir.to_path_buf(),
            reason,
        };
        if threshold < 1 {
            return Err(err("threshold must be at least 1".into()));
        }
        if threshold > signers.len() {
            return Err(err(format!(
                "threshold {threshold} exceeds the {} usable signer keys in this folder; it could never be met",
                signers.len()
            )));
        }
        Ok((
            Policy {
                threshold,
                signers,
                source: dir.to_path_buf(),
                keyring,
            },
            problems,
        ))
    }

    /// The OpenPGP keys: every certificate read, and the pinned ones with
    /// their signer names.
    pub fn openpgp_keys(&self) -> openpgp::TrustedKeys<'_> {
        openpgp::TrustedKeys {
            ring: &self.keyring,
            pinned: self
                .signers
                .iter()
                .filter_map(|s| match &s.key {
                    SignerKey::OpenPgp { fingerprint, pin } => Some(openpgp::PinnedCert {
                        name: &s.name,
                        fingerprint,
                        pin,
                    }),
                    SignerKey::Ssh { .. } => None,
                })
                .collect(),
        }
    }

    /// True when `name` is this signer's name or one of its aliases.
    pub fn names_signer(&self, signer: &str, name: &str) -> bool {
        signer == name
            || self
                .signer(signer)
                .is_some_and(|s| s.aliases.iter().any(|a| a == name))
    }

    /// The SSH keys, with their signer names.
    pub fn ssh_keys(&self) -> Vec<ssh::PinnedSsh<'_>> {
        self.signers
            .iter()
            .filter_map(|s| match &s.key {
                SignerKey::Ssh { public, .. } => Some(ssh::PinnedSsh {
                    name: &s.name,
                    key: public,
                }),
                SignerKey::OpenPgp { .. } => None,
            })
            .collect()
    }

    /// The signer with this name.
    pub fn signer(&self, name: &str) -> Option<&Signer> {
        self.signers.iter().find(|s| s.name == name)
    }
}

/// A policy file being validated: where its key paths start and the file
/// its errors name.
struct Loading<'a> {
    /// Key paths are relative to this folder.
    base: &'a Path,
    /// The policy file (or `quorate.toml`).
    source: &'a Path,
}

impl Loading<'_> {
    /// A policy error about the source file.
    fn err(&self, reason: String) -> AttestError {
        AttestError::Policy {
            path: self.source.to_path_buf(),
            reason,
        }
    }

    /// One signer entry, checked in order: its name, that the name is not
    /// already among `signers`, then its one pinned key (the OpenPGP
    /// certificate's packets are added to `keyring`).
    fn signer(
        &self,
        e: &SignerEntry,
        signers: &[Signer],
        keyring: &mut Keyring,
    ) -> Result<Signer, AttestError> {
        validate_name(&e.name).map_err(|r| self.err(r))?;
        if signers.iter().any(|s| s.name == e.name) {
            return Err(self.err(format!(
                "signer {:?} is listed twice; names must be unique",
                e.name
            )));
        }
        let key_path = e.key.as_ref().map(|k| self.base.join(k));
        let key = match (&e.openpgp, &e.ssh) {
            (Some(_), Some(_)) => {
                return Err(self.err(format!(
                    "signer {:?} has both `openpgp` and `ssh`; give one",
                    e.name
                )));
            }
            (None, None) => {
                return Err(self.err(format!("signer {:?} pins no key", e.name)).with_hint(format!(
                    "add `openpgp = \"<full fingerprint>\"` and `key = \"keys/{}.asc\"`, or `ssh = \"ssh-ed25519 …\"`",
                    e.name
                )));
            }
            (Some(fpr), None) => self.openpgp_key(&e.name, fpr, key_path.as_ref(), keyring)?,
            (None, Some(line)) => self.ssh_key(&e.name, line, key_path.as_ref())?,
        };
        Ok(Signer {
            name: e.name.clone(),
            key,
            key_path,
            aliases: Vec::new(),
        })
    }

    /// The OpenPGP key pinned as `fpr` for signer `name`: a full
    /// fingerprint or long key id, found in exactly one certificate of the
    /// required key file, whose packets are then added to `keyring`.
    fn openpgp_key(
        &self,
        name: &str,
        fpr: &str,
        key_path: Option<&PathBuf>,
        keyring: &mut Keyring,
    ) -> Result<SignerKey, AttestError> {
        let pinned = openpgp::normalize_pin(fpr).ok_or_else(|| {
            self.err(format!(
                "signer {name:?}: {fpr:?} is not a full OpenPGP fingerprint (40 hex digits) or a long key id (16); short key ids are not safe to pin"
            ))
        })?;
        let Some(kp) = key_path else {
            return Err(self.err(format!("signer {name:?} has no `key` file")).with_hint(format!(
                "export it with `gpg --export --armor {pinned} > keys/{name}.asc` and add `key = \"keys/{name}.asc\"`"
            )));
        };
        // The pin decides: from a key file holding several keys,
        // only the certificate holding the pinned key is taken.
        let bytes = crate::read_capped(kp, crate::MAX_KEY_BYTES)?;
        let mut file_ring = Keyring::new();
        let found = file_ring
            .add_bytes(&bytes, kp)
            .map_err(|reason| AttestError::Key {
                path: kp.clone(),
                reason,
            })?;
        let key_err = |reason: String| AttestError::Key {
            path: kp.clone(),
            reason,
        };
        let fingerprint = match file_ring.by_pin(&pinned).as_slice() {
            [one] => one.fingerprint(),
            [] => {
                return Err(key_err(format!(
                    "holds key {}, but {} pins {pinned} for signer {name:?}",
                    found.join(", "),
                    self.source.display(),
                )));
            }
            several => {
                return Err(key_err(format!(
                    "{pinned} (pinned for signer {name:?}) names keys of {} certificates ({}); pin a full fingerprint",
                    several.len(),
                    several
                        .iter()
                        .map(|b| b.fingerprint())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        };
        let _ = keyring.add_bytes(&bytes, kp);
        Ok(SignerKey::OpenPgp {
            fingerprint,
            pin: pinned,
        })
    }

    /// The SSH key pinned as `line` for signer `name`; a key file, when
    /// given, must hold that same key.
    fn ssh_key(
        &self,
        name: &str,
        line: &str,
        key_path: Option<&PathBuf>,
    ) -> Result<SignerKey, AttestError> {
        let public =
            ssh::parse_public(line).map_err(|r| self.err(format!("signer {name:?}: {r}")))?;
        let fingerprint = ssh::fingerprint(&public);
        if let Some(kp) = key_path {
            let text = crate::read_capped(kp, MAX_POLICY_BYTES)?;
            let from_file =
                ssh::parse_public(&String::from_utf8_lossy(&text)).map_err(|reason| {
                    AttestError::Key {
                        path: kp.clone(),
                        reason,
                    }
                })?;
            if from_file.key_data() != public.key_data() {
                return Err(AttestError::Key {
                    path: kp.clone(),
                    reason: format!(
                        "holds key {}, but {} pins {fingerprint} for signer {name:?}",
                        ssh::fingerprint(&from_file),
                        self.source.display(),
                    ),
                });
            }
        }
        Ok(SignerKey::Ssh {
            fingerprint,
            public: Box::new(public),
        })
    }

    /// The threshold, required, at least 1 and at most the number of
    /// distinct pinned keys.
    fn threshold(&self, threshold: Option<i64>, distinct: usize) -> Result<usize, AttestError> {
        let threshold = threshold.ok_or_else(|| {
            self.err("has no `threshold` (how many distinct signers must sign)".into())
        })?;
        if threshold < 1 {
            return Err(self.err(format!("threshold {threshold} must be at least 1")));
        }
        if threshold as u64 > distinct as u64 {
            return Err(self.err(format!(
                "threshold {threshold} exceeds the {distinct} distinct pinned keys; it could never be met"
            )));
        }
        Ok(threshold as usize)
    }
}

/// The key files of a folder (`.gpg`, `.asc`, `.pgp`; regular files
/// only), sorted.
fn key_files(dir: &Path) -> Result<Vec<PathBuf>, AttestError> {
    let io = |source| AttestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "gpg" || x == "asc" || x == "pgp")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Signers gathered from a folder of key files (see
/// [`Policy::from_keys_dir`]).
#[derive(Default)]
struct KeysDir {
    signers: Vec<Signer>,
    problems: Vec<KeyProblem>,
    keyring: Keyring,
    /// Key material -> the signer that holds it, kept up to date as
    /// copies of a certificate merge (one lookup per key, not a rescan).
    material_owner: std::collections::HashMap<String, usize>,
}

impl KeysDir {
    /// Reads one key file: its name must be valid and its certificates
    /// readable, else it is a problem; then each of its keys in turn.
    fn add_file(&mut self, f: PathBuf) {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Err(r) = validate_name(&name) {
            self.problem(&name, &f, r);
            return;
        }
        let bytes = match crate::read_capped(&f, crate::MAX_KEY_BYTES) {
            Ok(b) => b,
            Err(e) => {
                self.problem(&name, &f, e.to_string());
                return;
            }
        };
        let fingerprints = match self.keyring.add_bytes(&bytes, &f) {
            Ok(fprs) => fprs,
            Err(reason) => {
                self.problem(&name, &f, reason);
                return;
            }
        };
        for fingerprint in fingerprints {
            if let Err(reason) = self.add_key(&name, &f, fingerprint) {
                self.problem(&name, &f, reason);
            }
        }
    }

    /// Records that file `f` could not be used for signer `name`.
    fn problem(&mut self, name: &str, f: &Path, reason: String) {
        self.problems.push(KeyProblem {
            signer: name.to_string(),
            file: f.to_path_buf(),
            reason,
        });
    }

    /// One certificate of file `f`: another copy of a known key (the
    /// file's name an alias), or a new signer; refused (the reason
    /// returned) if the name already has another key file, or if its key
    /// material already votes under another certificate.
    fn add_key(&mut self, name: &str, f: &Path, fingerprint: String) -> Result<(), String> {
        let mats = self
            .keyring
            .get(&fingerprint)
            .map(crate::keyring::block_materials)
            .unwrap_or_default();
        if let Some(i) = self
            .signers
            .iter()
            .position(|s| s.fingerprint() == fingerprint)
        {
            // Another copy of a key already read: one signer, the
            // other file's name an alias.
            let other = &mut self.signers[i];
            if other.name != name && !other.aliases.iter().any(|a| a == name) {
                other.aliases.push(name.to_string());
            }
            for m in mats {
                self.material_owner.entry(m).or_insert(i);
            }
            return Ok(());
        }
        // One person, one name: `alice.asc` beside `alice.gpg`
        // with another key would make two signers called alice.
        if let Some(other) = self
            .signers
            .iter()
            .find(|s| s.name == name && s.key_path.as_deref() != Some(f))
        {
            return Err(format!(
                "signer {name:?} already has a key file ({}) with another key; one file per signer",
                other
                    .key_path
                    .as_deref()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
        }
        // The same key material under another certificate (one
        // secret, two fingerprints) votes once too.
        if let Some(&i) = mats.iter().find_map(|m| self.material_owner.get(m)) {
            return Err(format!(
                "holds key {fingerprint}, the same key as {:?}'s; one key votes once",
                self.signers[i].name
            ));
        }
        for m in mats {
            self.material_owner.entry(m).or_insert(self.signers.len());
        }
        self.signers.push(Signer {
            name: name.to_string(),
            key: SignerKey::OpenPgp {
                pin: fingerprint.clone(),
                fingerprint,
            },
            key_path: Some(f.to_path_buf()),
            aliases: Vec::new(),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn validates_policies() {
        let d = tempfile::tempdir().unwrap();
        let a = openpgp::generate_demo_key("a").unwrap();
        let b = openpgp::generate_demo_key("b").unwrap();
        write(d.path(), "keys/a.asc", &openpgp::armored_public(&a));
        write(d.path(), "keys/b.asc", &openpgp::armored_public(&b));
        let mut both = openpgp::armored_public(&a);
        both.extend(openpgp::armored_public(&b));
        write(d.path(), "keys/ab.asc", &both);
        let (fa, fb) = (openpgp::fingerprint(&a), openpgp::fingerprint(&b));
        let case = |body: String| {
            let p = write(d.path(), "policy.toml", body.as_bytes());
            Policy::load(&p).map_err(|e| e.to_string())
        };
        let ok = case(format!(
            "threshold = 2\n[[signer]]\nname='a'\nopenpgp='{fa}'\nkey='keys/a.asc'\n[[signer]]\nname='b'\nopenpgp='{}'\nkey='keys/b.asc'\n",
            fb.to_lowercase()
        ))
        .unwrap();
        assert_eq!(ok.threshold, 2);
        assert_eq!(ok.signers[1].fingerprint(), fb);
        let e = case(format!(
            "threshold = 3\n[[signer]]\nname='a'\nopenpgp='{fa}'\nkey='keys/a.asc'\n"
        ))
        .unwrap_err();
        assert!(e.contains("exceeds"), "{e}");
        let e = case(format!(
            "threshold = 0\n[[signer]]\nname='a'\nopenpgp='{fa}'\nkey='keys/a.asc'\n"
        ))
        .unwrap_err();
        assert!(e.contains("at least 1"), "{e}");
        let e = case(format!(
            "threshold = 1\n[[signer]]\nname='a'\nopenpgp='{fb}'\nkey='keys/a.asc'\n"
        ))
        .unwrap_err();
        assert!(e.contains(&fa) && e.contains(&fb), "{e}");
        let e = case(format!(
            "threshold = 1\n[[signer]]\nname='a'\nopenpgp='{fa}'\nkey='keys/a.asc'\n[[signer]]\nname='a2'\nopenpgp='{fa}'\nkey='keys/a.asc'\n"
        ))
        .unwrap_err();
        assert!(e.contains("two names"), "{e}");
        let e = case(format!(
            "threshold = 1\n[[signer]]\nname='a'\nopenpgp='{fa}'\nkey='keys/a.asc'\n[[signer]]\nname='a'\nopenpgp='{fb}'\nkey='keys/b.asc'\n"
        ))
        .unwrap_err();
        assert!(e.contains("listed twice"), "{e}");
        // The pin picks its key out of a file holding several.
        let p = case(format!(
            "threshold = 1\n[[signer]]\nname='b'\nopenpgp='{fb}'\nkey='keys/ab.asc'\n"
        ))
        .unwrap();
        assert_eq!(p.signers[0].fingerprint(), fb);
        let e = case(format!(
            "threshold = 1\n[[signer]]\nname='a'\nopenpgp='{fa}'\nkey='keys/b.asc'\n"
        ))
        .unwrap_err();
        assert!(e.contains(&fa) && e.contains(&fb), "{e}");
        let e = case(
            "threshold = 1\n[[signer]]\nname='a'\nopenpgp='8F8A69E4'\nkey='keys/a.asc'\n".into(),
        )
        .unwrap_err();
        assert!(e.contains("not a full"), "{e}");
        // A subkey's fingerprint or a long key id pins the whole
        // certificate, and the policy keeps what was pinned.
        let sub = a
            .keys()
            .subkeys()
            .next()
            .unwrap()
            .key()
            .fingerprint()
            .to_hex();
        let long_id = a.keys().subkeys().next().unwrap().key().keyid().to_hex();
        for pin in [sub.clone(), long_id.clone(), a.keyid().to_hex()] {
            let p = case(format!(
                "threshold = 1\n[[signer]]\nname='a'\nopenpgp='{pin}'\nkey='keys/ab.asc'\n"
            ))
            .unwrap();
            assert_eq!(p.signers[0].fingerprint(), fa, "pin {pin}");
            assert!(matches!(&p.signers[0].key, SignerKey::OpenPgp { pin: q, .. } if *q == pin));
        }
        // A key id that no key in the file has.
        let e = case(
            "threshold = 1\n[[signer]]\nname='a'\nopenpgp='0E4647D58F8A69E4'\nkey='keys/a.asc'\n"
                .into(),
        )
        .unwrap_err();
        assert!(e.contains("0E4647D58F8A69E4") && e.contains(&fa), "{e}");
        let e = case("threshold = 1\nthreshhold = 2\n".into()).unwrap_err();
        assert!(e.contains("unknown field"), "{e}");
        // quorate.toml with [trust]
        let p = write(
            d.path(),
            "quorate.toml",
            format!("[release]\nname='x'\n[trust]\nthreshold = 1\n[[trust.signer]]\nname='a'\nopenpgp='{fa}'\nkey='keys/a.asc'\n").as_bytes(),
        );
        assert_eq!(Policy::load(&p).unwrap().signers.len(), 1);
        let p = write(d.path(), "quorate.toml", b"[release]\nname='x'\n");
        assert!(
            Policy::load(&p)
                .unwrap_err()
                .to_string()
                .contains("no [trust]")
        );
    }
}
