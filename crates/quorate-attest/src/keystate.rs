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

use pgp::packet::key::{PublicParts, SubordinateRole, UnspecifiedRole};
use pgp::packet::{Key, Signature, UserID};
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
    let cert = Cert {
        block,
        pku: pk.clone().role_into_unspecified(),
        now,
    };
    let created = pk.creation_time();
    let mut direct = cert.direct_sigs();
    if direct.revoked.is_none() {
        direct.revoked = cert.designated_revocation(ring, &direct.revokers);
    }
    let uids = cert.user_ids();
    let primary_expires = match direct.latest.and_then(|d| expiry_from(d, created)) {
        Some(e) => Some(e),
        None => uids.expiry.map(|(_, e)| e),
    };
    let primary_flags = direct
        .latest
        .and_then(|d| d.key_flags())
        .filter(|f| !f.is_empty())
        .or(uids.flags.map(|(_, f)| f));
    let primary = Primary {
        valid: uids.valid,
        revoked: direct.revoked,
        expires: primary_expires,
        expired: primary_expires.is_some_and(|e| e <= now),
    };
    let mut keys = vec![KeyState {
        key: cert.pku.clone(),
        primary: true,
        valid: primary.valid,
        invalid_reason: (!primary.valid).then(|| {
            "no user ID carries a valid self-signature (gpg does not import such a key)".into()
        }),
        imported: primary.valid,
        can_sign: flags_sign(primary_flags, pk.pk_algo()),
        expires: primary.expires,
        revoked: primary.revoked.clone(),
    }];
    for (sk, sigs) in &block.subkeys {
        keys.push(cert.subkey_state(sk, sigs, &primary));
    }
    CertState {
        fingerprint: block.fingerprint(),
        user_ids: uids.names,
        keys,
    }
}

/// A certificate whose state is being computed at `now`.
struct Cert<'a> {
    block: &'a KeyBlock,
    /// The primary key, as the signer of self-signatures.
    pku: Key<PublicParts, UnspecifiedRole>,
    now: SystemTime,
}

/// What the primary key's own direct signatures say.
struct Direct<'a> {
    /// The newest valid, unexpired direct-key signature.
    latest: Option<&'a Signature>,
    /// The designated revokers named by valid direct-key signatures.
    revokers: Vec<pgp::Fingerprint>,
    /// The first valid key revocation (by the key itself, or later by a
    /// designated revoker).
    revoked: Option<Revocation>,
}

/// What the user IDs' newest valid self-signatures say.
struct UserIds {
    /// The user IDs neither revoked nor expired.
    names: Vec<String>,
    /// Some user ID carries a valid self-signature.
    valid: bool,
    /// (self-signature time, expiry) of the most recent self-signature
    /// that sets an expiry.
    expiry: Option<(SystemTime, SystemTime)>,
    /// (self-signature time, flags) of the most recent self-signature
    /// that sets key flags.
    flags: Option<(SystemTime, KeyFlags)>,
}

/// The primary key's state that its subkeys inherit.
struct Primary {
    valid: bool,
    revoked: Option<Revocation>,
    expires: Option<SystemTime>,
    expired: bool,
}

impl<'a> Cert<'a> {
    /// Direct-key signatures and key revocations made by the primary key.
    fn direct_sigs(&self) -> Direct<'a> {
        let (pk, pku, now) = (&self.block.primary, &self.pku, self.now);
        let mut direct = Direct {
            latest: None,
            revokers: Vec::new(),
            revoked: None,
        };
        for sig in &self.block.direct {
            if !issued_by(sig, pku) {
                continue;
            }
            match sig.typ() {
                SignatureType::DirectKey if sig_ok(sig, pku, Over::Direct(pk), now) => {
                    for rk in sig.revocation_keys() {
                        direct.revokers.push(rk.revoker().1.clone());
                    }
                    if !expired_sig(sig, now)
                        && direct.latest.is_none_or(|d| {
                            sig.signature_creation_time() >= d.signature_creation_time()
                        })
                    {
                        direct.latest = Some(sig);
                    }
                }
                SignatureType::KeyRevocation if sig_ok(sig, pku, Over::Direct(pk), now) => {
                    direct.revoked.get_or_insert_with(|| revocation(sig, None));
                }
                _ => {}
            }
        }
        direct
    }

    /// The first key revocation made by one of the designated `revokers`
    /// whose key `ring` holds.
    fn designated_revocation(
        &self,
        ring: &Keyring,
        revokers: &[pgp::Fingerprint],
    ) -> Option<Revocation> {
        let pk = &self.block.primary;
        for sig in self
            .block
            .direct
            .iter()
            .filter(|s| s.typ() == SignatureType::KeyRevocation)
        {
            for rfpr in revokers {
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
                        && sig_ok(sig, &rkey, Over::Direct(pk), self.now)
                    {
                        return Some(revocation(sig, Some(rfpr.to_hex())));
                    }
                }
            }
        }
        None
    }

    /// User IDs: the newest valid self-signature of each decides.
    fn user_ids(&self) -> UserIds {
        let created = self.block.primary.creation_time();
        let mut u = UserIds {
            names: Vec::new(),
            valid: false,
            expiry: None,
            flags: None,
        };
        for (uid, sigs) in &self.block.userids {
            let Some(sig) = self.newest_uid_sig(uid, sigs) else {
                continue;
            };
            u.valid = true;
            if sig.typ() == SignatureType::CertificationRevocation || expired_sig(sig, self.now) {
                continue;
            }
            u.names
                .push(String::from_utf8_lossy(uid.value()).into_owned());
            let t = sig.signature_creation_time().unwrap_or(created);
            if let Some(e) = expiry_from(sig, created)
                && u.expiry.is_none_or(|(ut, _)| t > ut)
            {
                u.expiry = Some((t, e));
            }
            if let Some(f) = sig.key_flags().filter(|f| !f.is_empty())
                && u.flags.as_ref().is_none_or(|(ut, _)| t > *ut)
            {
                u.flags = Some((t, f));
            }
        }
        u
    }

    /// The newest valid self-signature (certification or its revocation)
    /// on user ID `uid`.
    fn newest_uid_sig<'s>(&self, uid: &UserID, sigs: &'s [Signature]) -> Option<&'s Signature> {
        let pk = &self.block.primary;
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
            if !is_cert || !issued_by(sig, &self.pku) {
                continue;
            }
            if newest.is_some_and(|n| sig.signature_creation_time() < n.signature_creation_time()) {
                continue;
            }
            if sig_ok(sig, &self.pku, Over::UserId(pk, uid), self.now) {
                newest = Some(sig);
            }
        }
        newest
    }

    /// A subkey's state: its newest valid binding, its revocation, a
    /// signing subkey's back signature, then what it inherits from the
    /// primary key (invalid, revoked or expired with it).
    fn subkey_state(&self, sk: &SubKey, sigs: &[Signature], primary: &Primary) -> KeyState {
        let sku: Key<PublicParts, UnspecifiedRole> = sk.clone().role_into_unspecified();
        let (binding, sub_revoked) = self.subkey_sigs(sk, sigs);
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
                st.imported = primary.valid;
                if st.can_sign && !self.back_signed(b, &sku, sk) {
                    st.valid = false;
                    st.invalid_reason = Some(
                        "the signing subkey is not cross-certified (no valid back signature)"
                            .into(),
                    );
                }
            }
        }
        if !primary.valid {
            st.valid = false;
            st.imported = false;
            st.invalid_reason
                .get_or_insert_with(|| "its primary key has no valid user ID".into());
        }
        if let Some(r) = &primary.revoked
            && st.revoked.is_none()
        {
            st.revoked = Some(r.clone());
        }
        if primary.expired {
            st.expires = match (st.expires, primary.expires) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        st
    }

    /// A subkey's newest valid, unexpired binding signature and its first
    /// valid revocation, both made by the primary key.
    fn subkey_sigs<'s>(
        &self,
        sk: &SubKey,
        sigs: &'s [Signature],
    ) -> (Option<&'s Signature>, Option<Revocation>) {
        let (pk, pku, now) = (&self.block.primary, &self.pku, self.now);
        let mut binding: Option<&Signature> = None;
        let mut sub_revoked: Option<Revocation> = None;
        for sig in sigs {
            if !issued_by(sig, pku) {
                continue;
            }
            match sig.typ() {
                SignatureType::SubkeyRevocation
                    if sub_revoked.is_none() && sig_ok(sig, pku, Over::Subkey(pk, sk), now) =>
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
                    if sig_ok(sig, pku, Over::Subkey(pk, sk), now) {
                        binding = Some(sig);
                    }
                }
                _ => {}
            }
        }
        (binding, sub_revoked)
    }

    /// Whether the newest back signature embedded in binding `b` verifies
    /// (a signing subkey `sk` must cross-certify its primary key).
    fn back_signed(
        &self,
        b: &Signature,
        sku: &Key<PublicParts, UnspecifiedRole>,
        sk: &SubKey,
    ) -> bool {
        let back = b
            .embedded_signatures()
            .filter(|e| e.typ() == SignatureType::PrimaryKeyBinding)
            .max_by_key(|e| e.signature_creation_time());
        back.is_some_and(|e| {
            pkverify::verify(e, sku, Over::PrimaryBinding(&self.block.primary, sk)).is_ok()
        })
    }
}

/// A subkey as a key block holds it.
type SubKey = Key<PublicParts, SubordinateRole>;
