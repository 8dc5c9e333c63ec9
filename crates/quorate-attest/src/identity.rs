//! Key identity across schemes and formats, for counting a quorum.
//!
//! A fingerprint names a key *in one format*: the same Ed25519 key has one
//! OpenPGP fingerprint per creation time and an unrelated SSH fingerprint.
//! Counting fingerprints would let one key vote several times (pinned as an
//! SSH and as an OpenPGP signer, or as two OpenPGP certificates made from
//! the same secret). The identity used here is the public key material
//! itself (`ed25519:<32 bytes>`, `rsa:<modulus>`, `ecdsa:<SEC1 point>`),
//! and two signers are the same when any key of one (an OpenPGP primary
//! key or subkey, an SSH key) is a key of the other.

use crate::keyring::{Keyring, hex, strip_zeros};
use crate::policy::{Policy, SignerKey};

pub use crate::keyring::block_materials;

/// The material identity of an SSH public key.
pub fn ssh_material(key: &ssh_key::PublicKey) -> String {
    use ssh_key::public::{EcdsaPublicKey, KeyData};
    match key.key_data() {
        KeyData::Ed25519(k) => format!("ed25519:{}", hex(&k.0)),
        KeyData::SkEd25519(k) => format!("ed25519:{}", hex(&k.public_key().0)),
        KeyData::Rsa(k) => format!(
            "rsa:{}",
            hex(strip_zeros(k.n.as_positive_bytes().unwrap_or_default()))
        ),
        KeyData::Ecdsa(e) => {
            let b = match e {
                EcdsaPublicKey::NistP256(p) => p.as_bytes(),
                EcdsaPublicKey::NistP384(p) => p.as_bytes(),
                EcdsaPublicKey::NistP521(p) => p.as_bytes(),
            };
            format!("ecdsa:{}", hex(b))
        }
        _ => format!("ssh:{}", crate::ssh::fingerprint(key)),
    }
}

/// Every key material a pinned key stands for (OpenPGP certificates are
/// looked up in `ring`).
pub fn materials(ring: &Keyring, key: &SignerKey) -> Vec<String> {
    match key {
        SignerKey::OpenPgp { fingerprint, .. } => ring
            .get(fingerprint)
            .map(block_materials)
            .unwrap_or_else(|| vec![format!("openpgp:{fingerprint}")]),
        SignerKey::Ssh { public, .. } => vec![ssh_material(public)],
    }
}

/// Signers that are the same key: `(first signer, later signer, shared
/// material)`, in policy order. Every later signer of such a pair never
/// counts on its own: its good signatures are DUPLICATE of the first's.
pub fn duplicate_signers(policy: &Policy) -> Vec<(String, String, String)> {
    let mut first_holder: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for (j, later) in policy.signers.iter().enumerate() {
        let mats = materials(&policy.keyring, &later.key);
        if let Some((m, &i)) = mats
            .iter()
            .find_map(|m| first_holder.get(m).map(|i| (m, i)))
        {
            out.push((
                policy.signers[i].name.clone(),
                later.name.clone(),
                m.clone(),
            ));
        }
        for m in mats {
            first_holder.entry(m).or_insert(j);
        }
    }
    out
}

/// For each signer of `policy` (by index), the index of the first signer
/// holding the same key (itself when it is the first): the quorum counts
/// these classes, not names or fingerprints.
pub fn signer_classes(policy: &Policy) -> Vec<usize> {
    let mats: Vec<Vec<String>> = policy
        .signers
        .iter()
        .map(|s| materials(&policy.keyring, &s.key))
        .collect();
    let mut class: Vec<usize> = (0..mats.len()).collect();
    // Repeat until stable: sharing is transitive (a~b, b~c).
    loop {
        let mut changed = false;
        for j in 0..mats.len() {
            for i in 0..j {
                if class[j] != class[i] && mats[j].iter().any(|m| mats[i].contains(m)) {
                    let (keep, drop) = (class[i].min(class[j]), class[i].max(class[j]));
                    for c in class.iter_mut() {
                        if *c == drop {
                            *c = keep;
                        }
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            return class;
        }
    }
}

/// The class (see [`signer_classes`]) of the signer named `name`, as a
/// stable string, or `None` when the policy has no such signer.
pub fn class_of(policy: &Policy, classes: &[usize], name: &str) -> Option<String> {
    let i = policy.signers.iter().position(|s| s.name == name)?;
    let first = &policy.signers[classes[i]];
    Some(format!("signer:{}", first.name))
}

/// Number of distinct keys (classes) in the policy.
pub fn distinct_keys(policy: &Policy) -> usize {
    let c = signer_classes(policy);
    let mut v = c.clone();
    v.sort_unstable();
    v.dedup();
    v.len()
}
