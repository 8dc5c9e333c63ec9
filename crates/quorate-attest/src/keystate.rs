//! A key's state *now*, computed as GnuPG 2.2 computes it (`getkey.c`,
//! `merge_selfsigs`): the newest valid self-signature of each component
//! decides, whatever the date of the document signature being checked.
//!
//! - The primary key is valid when a user ID carries a valid self-signature.
//!   Its expiry comes from the newest direct-key signature that sets one,
//!   else from the user ID whose newest self-signature is the most recent
//!   among those that set one. A later self-signature thus extends (or
//!   removes) an expiry set by an earlier one.
//! - The primary key is revoked by a valid key revocation made by itself,
//!   or by a designated revoker (named in a direct-key signature) whose key
//!   is in the keyring.
//! - A subkey is bound by its newest valid, unexpired binding signature;
//!   that binding gives its usage and expiry. A signing subkey needs a
//!   valid back signature (cross-certification). A valid subkey revocation
//!   revokes it, whatever the dates.
//! - When the primary key is revoked or expired, so is every subkey.
//!
//! Signatures dated in the future (beyond a small clock skew) or before
//! the key they are made by are ignored, as gpg ignores them.

use std::time::{Duration, SystemTime};

use sequoia_openpgp as pgp;

use pgp::packet::key::{PublicParts, UnspecifiedRole};
use pgp::packet::{Key, Signature};
use pgp::types::{
    KeyFlags, PublicKeyAlgorithm, ReasonForRevocation, RevocationType, SignatureType,
};

use crate::keyring::{KeyBlock, Keyring};
use crate::pkverify::{self, Over};

/// Tolerated clock skew for self-signatures dated in the future.
const CLOCK_SKEW: Duration = Duration::from_secs(600);

/// A revocation in force.
#[derive(Debug, Clone)]
pub struct Revocation {
    /// When the revocation signature was made.
    pub at: Option<SystemTime>,
    /// The reason code, if given.
    pub reason: Option<ReasonForRevocation>,
    /// The free-text reason.
    pub message: String,
    /// Hard (compromised, unspecified, or no reason): every signature of
    /// the key is suspect, whatever its date.
    pub hard: bool,
    /// The designated revoker's fingerprint, when not the key itself.
    pub by: Option<String>,
}

/// The state of one key (primary or subkey).
#[derive(Debug, Clone)]
pub struct KeyState {
    /// The key.
    pub key: Key<PublicParts, UnspecifiedRole>,
    /// True for the primary key.
    pub primary: bool,
    /// Bound to the certificate by a valid self-signature.
    pub valid: bool,
    /// Why not valid.
    pub invalid_reason: Option<String>,
    /// False when `gpg --import` drops this key (no valid self-signature
    /// binds it), so that gpg reports NO_PUBKEY for its signatures.
    pub imported: bool,
    /// Marked for signing (key flags, or the algorithm when none).
    pub can_sign: bool,
    /// When it expires (or expired), if ever.
    pub expires: Option<SystemTime>,
    /// The revocation in force, if any.
    pub revoked: Option<Revocation>,
}

/// The state of a certificate now.
#[derive(Debug, Clone)]
pub struct CertState {
    /// The primary key's fingerprint.
    pub fingerprint: String,
    /// The user IDs with a valid, unrevoked self-signature.
    pub user_ids: Vec<String>,
    /// The primary key first, then each subkey.
    pub keys: Vec<KeyState>,
}

impl CertState {
    /// The state of the key with this fingerprint.
    pub fn key(&self, fpr: &pgp::Fingerprint) -> Option<&KeyState> {
        self.keys.iter().find(|k| &k.key.fingerprint() == fpr)
    }
}

/// Is this self-signature usable at `now`: verifies, not in the future,
/// not older than the key it is made by.
fn sig_ok(
    sig: &Signature,
    signer: &Key<PublicParts, UnspecifiedRole>,
    over: Over<'_>,
    now: SystemTime,
) -> bool {
    let Some(t) = sig.signature_creation_time() else {
        return false;
    };
    if t > now + CLOCK_SKEW || t < signer.creation_time() {
        return false;
    }
    pkverify::verify(sig, signer, over).is_ok()
}

fn issued_by(sig: &Signature, key: &Key<PublicParts, UnspecifiedRole>) -> bool {
    let h = key.key_handle();
    sig.get_issuers().iter().any(|i| i.aliases(&h))
}

fn expired_sig(sig: &Signature, now: SystemTime) -> bool {
    sig.signature_expiration_time().is_some_and(|e| e <= now)
}

fn expiry_from(sig: &Signature, created: SystemTime) -> Option<SystemTime> {
    sig.key_validity_period()
        .filter(|d| !d.is_zero())
        .map(|d| created + d)
}

fn revocation(sig: &Signature, by: Option<String>) -> Revocation {
    let (reason, message) = match sig.reason_for_revocation() {
        Some((code, msg)) => (Some(code), String::from_utf8_lossy(msg).trim().to_string()),
        None => (None, String::new()),
    };
    let hard = reason.is_none_or(|c| c.revocation_type() == RevocationType::Hard);
    Revocation {
        at: sig.signature_creation_time(),
        reason,
        message,
        hard,
        by,
    }
}

/// What the algorithm alone allows when no key flags are given.
#[allow(deprecated)]
fn algo_can_sign(a: PublicKeyAlgorithm) -> bool {
    matches!(
        a,
        PublicKeyAlgorithm::RSAEncryptSign
            | PublicKeyAlgorithm::RSASign
            | PublicKeyAlgorithm::DSA
            | PublicKeyAlgorithm::ECDSA
            | PublicKeyAlgorithm::EdDSA
            | PublicKeyAlgorithm::Ed25519
            | PublicKeyAlgorithm::Ed448
    )
}

fn flags_sign(flags: Option<KeyFlags>, algo: PublicKeyAlgorithm) -> bool {
    match flags {
        Some(f) if !f.is_empty() => f.for_signing(),
        _ => algo_can_sign(algo),
    }
}

/// Computes the state of `block` at `now`; `ring` supplies designated
/// revokers' keys.
pub fn cert_state(block: &KeyBlock, ring: &Keyring, now: SystemTime) -> CertState {
    let pk = &block.primary;
    let pku: Key<PublicParts, UnspecifiedRole> = pk.clone().role_into_unspecified();
    let created = pk.creation_time();

    // Direct-key signatures and key revocations.
    let mut direct_latest: Option<&Signature> = None;
    let mut revokers: Vec<pgp::Fingerprint> = Vec::new();
    let mut revoked: Option<Revocation> = None;
    for sig in &block.direct {
        if !issued_by(sig, &pku) {
            continue;
        }
        match sig.typ() {
            SignatureType::DirectKey if sig_ok(sig, &pku, Over::Direct(pk), now) => {
                for rk in sig.revocation_keys() {
                    revokers.push(rk.revoker().1.clone());
                }
                if !expired_sig(sig, now)
                    && direct_latest.is_none_or(|d| {
                        sig.signature_creation_time() >= d.signature_creation_time()
                    })
                {
                    direct_latest = Some(sig);
                }
            }
            SignatureType::KeyRevocation if sig_ok(sig, &pku, Over::Direct(pk), now) => {
                revoked.get_or_insert_with(|| revocation(sig, None));
            }
            _ => {}
        }
    }
    // Revocations by a designated revoker whose key we hold.
    if revoked.is_none() {
        'outer: for sig in block
            .direct
            .iter()
            .filter(|s| s.typ() == SignatureType::KeyRevocation)
        {
            for rfpr in &revokers {
                let handle = pgp::KeyHandle::from(rfpr.clone());
                if !sig.get_issuers().iter().any(|i| i.aliases(&handle)) {
                    continue;
                }
                for rb in ring.holding(&handle) {
                    let rkey: Option<Key<PublicParts, UnspecifiedRole>> =
                        if rb.primary.fingerprint() == *rfpr {
                            Some(rb.primary.clone().role_into_unspecified())
                        } else {
                            rb.subkeys
                                .iter()
                                .find(|(k, _)| k.fingerprint() == *rfpr)
                                .map(|(k, _)| k.clone().role_into_unspecified())
                        };
                    if let Some(rkey) = rkey
                        && sig_ok(sig, &rkey, Over::Direct(pk), now)
                    {
                        revoked = Some(revocation(sig, Some(rfpr.to_hex())));
                        break 'outer;
                    }
                }
            }
        }
    }

    // User IDs: the newest valid self-signature of each decides.
    let mut user_ids = Vec::new();
    let mut valid = false;
    // (self-signature time, expiry) of user IDs whose newest
    // self-signature sets an expiry.
    let mut uid_expiry: Option<(SystemTime, SystemTime)> = None;
    let mut uid_flags: Option<(SystemTime, KeyFlags)> = None;
    for (uid, sigs) in &block.userids {
        let mut newest: Option<&Signature> = None;
        for sig in sigs {
            let is_cert = matches!(
                sig.typ(),
                SignatureType::GenericCertification
                    | SignatureType::PersonaCertification
                    | SignatureType::CasualCertification
                    | SignatureType::PositiveCertification
                    | SignatureType::CertificationRevocation
            );
            if !is_cert || !issued_by(sig, &pku) {
                continue;
            }
            if newest.is_some_and(|n| sig.signature_creation_time() < n.signature_creation_time()) {
                continue;
            }
            if sig_ok(sig, &pku, Over::UserId(pk, uid), now) {
                newest = Some(sig);
            }
        }
        let Some(sig) = newest else { continue };
        valid = true;
        if sig.typ() == SignatureType::CertificationRevocation || expired_sig(sig, now) {
            continue;
        }
        user_ids.push(String::from_utf8_lossy(uid.value()).into_owned());
        let t = sig.signature_creation_time().unwrap_or(created);
        if let Some(e) = expiry_from(sig, created)
            && uid_expiry.is_none_or(|(ut, _)| t > ut)
        {
            uid_expiry = Some((t, e));
        }
        if let Some(f) = sig.key_flags().filter(|f| !f.is_empty())
            && uid_flags.as_ref().is_none_or(|(ut, _)| t > *ut)
        {
            uid_flags = Some((t, f));
        }
    }
    let primary_expires = match direct_latest.and_then(|d| expiry_from(d, created)) {
        Some(e) => Some(e),
        None => uid_expiry.map(|(_, e)| e),
    };
    let primary_flags = direct_latest
        .and_then(|d| d.key_flags())
        .filter(|f| !f.is_empty())
        .or(uid_flags.map(|(_, f)| f));
    let primary_expired = primary_expires.is_some_and(|e| e <= now);
    let mut keys = vec![KeyState {
        key: pku.clone(),
        primary: true,
        valid,
        invalid_reason: (!valid).then(|| {
            "no user ID carries a valid self-signature (gpg does not import such a key)".into()
        }),
        imported: valid,
        can_sign: flags_sign(primary_flags, pk.pk_algo()),
        expires: primary_expires,
        revoked: revoked.clone(),
    }];

    // Subkeys.
    for (sk, sigs) in &block.subkeys {
        let sku: Key<PublicParts, UnspecifiedRole> = sk.clone().role_into_unspecified();
        let mut binding: Option<&Signature> = None;
        let mut sub_revoked: Option<Revocation> = None;
        for sig in sigs {
            if !issued_by(sig, &pku) {
                continue;
            }
            match sig.typ() {
                SignatureType::SubkeyRevocation
                    if sub_revoked.is_none() && sig_ok(sig, &pku, Over::Subkey(pk, sk), now) =>
                {
                    sub_revoked = Some(revocation(sig, None));
                }
                SignatureType::SubkeyBinding => {
                    if expired_sig(sig, now)
                        || binding.is_some_and(|b| {
                            sig.signature_creation_time() < b.signature_creation_time()
                        })
                    {
                        continue;
                    }
                    if sig_ok(sig, &pku, Over::Subkey(pk, sk), now) {
                        binding = Some(sig);
                    }
                }
                _ => {}
            }
        }
        let mut st = KeyState {
            key: sku.clone(),
            primary: false,
            valid: false,
            invalid_reason: None,
            imported: false,
            can_sign: false,
            expires: None,
            revoked: sub_revoked,
        };
        match binding {
            None => st.invalid_reason = Some("no valid binding signature".into()),
            Some(b) => {
                st.can_sign = flags_sign(b.key_flags(), sk.pk_algo());
                st.expires = expiry_from(b, sk.creation_time());
                st.valid = true;
                st.imported = valid;
                if st.can_sign {
                    // The newest embedded back signature must verify.
                    let back = b
                        .embedded_signatures()
                        .filter(|e| e.typ() == SignatureType::PrimaryKeyBinding)
                        .max_by_key(|e| e.signature_creation_time());
                    let ok = back.is_some_and(|e| {
                        pkverify::verify(e, &sku, Over::PrimaryBinding(pk, sk)).is_ok()
                    });
                    if !ok {
                        st.valid = false;
                        st.invalid_reason = Some(
                            "the signing subkey is not cross-certified (no valid back signature)"
                                .into(),
                        );
                    }
                }
            }
        }
        if !valid {
            st.valid = false;
            st.imported = false;
            st.invalid_reason
                .get_or_insert_with(|| "its primary key has no valid user ID".into());
        }
        if let Some(r) = &revoked
            && st.revoked.is_none()
        {
            st.revoked = Some(r.clone());
        }
        if primary_expired {
            st.expires = match (st.expires, primary_expires) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        keys.push(st);
    }
    CertState {
        fingerprint: block.fingerprint(),
        user_ids,
        keys,
    }
}
