//! OpenPGP detached signatures with sequoia-openpgp (pure-Rust crypto).
//!
//! Signing writes binary signatures like `gpg --detach-sig`; verifying
//! accepts binary and armored forms, any number of signatures in one file,
//! and judges each against pinned certificates with the key's state *at
//! the signature's creation time* (see `docs/signing.md`).

use std::path::Path;
use std::time::{Duration, SystemTime};

use sequoia_openpgp as pgp;

use pgp::Cert;
use pgp::cert::prelude::*;
use pgp::crypto::Password;
use pgp::packet::Signature;
use pgp::packet::key::{PublicParts, UnspecifiedRole};
use pgp::packet::prelude::*;
use pgp::parse::{PacketParserBuilder, PacketParserResult, Parse};
use pgp::policy::StandardPolicy;
use pgp::serialize::{Marshal, SerializeInto};
use pgp::types::{
    HashAlgorithm, PublicKeyAlgorithm, ReasonForRevocation, RevocationStatus, SignatureType,
};

use crate::keyring::{KeyBlock, Keyring};
use crate::keystate::{self, Revocation};
use crate::pkverify::{self, Over};
use crate::time::{date, rfc3339};
use crate::verdict::{GpgStatus, Scheme, SignatureReport, Verdict};
use crate::{AttestError, MAX_KEY_BYTES, read_capped};

/// At most this many signatures (or malformed packets) are read from one
/// file; more is hostile.
pub const MAX_SIGNATURES_PER_FILE: usize = 1000;

/// A signature dated further than this in the future is refused.
const CLOCK_SKEW: Duration = Duration::from_secs(600);

/// A certificate pinned under a signer name.
#[derive(Debug, Clone, Copy)]
pub struct PinnedCert<'a> {
    /// The signer's name in the policy.
    pub name: &'a str,
    /// The primary key's fingerprint.
    pub fingerprint: &'a str,
    /// What the policy pinned: the primary fingerprint, a subkey's, or a
    /// long key id.
    pub pin: &'a str,
}

/// The keys a verification may use: every certificate read from the key
/// files (merged per primary key; designated revokers come from here) and
/// those the policy pins, with their signers' names.
#[derive(Debug, Clone)]
pub struct TrustedKeys<'a> {
    /// Every certificate read.
    pub ring: &'a Keyring,
    /// The pinned ones.
    pub pinned: Vec<PinnedCert<'a>>,
}

/// The full fingerprint of a certificate's primary key: 40 uppercase hex
/// digits for v4 keys (as `gpg --fingerprint` shows it, without spaces).
pub fn fingerprint(cert: &Cert) -> String {
    cert.fingerprint().to_hex()
}

/// Uppercase hex of `s` as written by a person (spaces, lowercase, `0x`
/// prefix), when it is `lens` hex digits long.
fn clean_hex(s: &str, lens: &[usize]) -> Option<String> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    let hex: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    (lens.contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// Normalises a fingerprint as written by a person (spaces, lowercase,
/// `0x` prefix) to uppercase hex; `None` unless it is a full v4 (40 hex)
/// or v6 (64 hex) fingerprint.
pub fn normalize_fingerprint(s: &str) -> Option<String> {
    clean_hex(s, &[40, 64])
}

/// Normalises a pin as written by a person: a full fingerprint (as
/// [`normalize_fingerprint`]) or a long key id (16 hex digits); `None`
/// otherwise (short key ids collide too easily to pin).
pub fn normalize_pin(s: &str) -> Option<String> {
    clean_hex(s, &[16, 40, 64])
}

/// Reads every certificate in a key file (armored or binary; public or
/// secret keys).
pub fn load_certs(path: &Path) -> Result<Vec<Cert>, AttestError> {
    let bytes = read_capped(path, MAX_KEY_BYTES)?;
    certs_from_bytes(&bytes).map_err(|reason| AttestError::Key {
        path: path.to_path_buf(),
        reason,
    })
}

/// Parses every certificate in `bytes`.
pub fn certs_from_bytes(bytes: &[u8]) -> Result<Vec<Cert>, String> {
    let parser = CertParser::from_bytes(bytes).map_err(|e| format!("not an OpenPGP key: {e}"))?;
    let mut certs = Vec::new();
    for c in parser {
        certs.push(c.map_err(|e| format!("not an OpenPGP key: {e}"))?);
    }
    Ok(certs)
}

/// Reads a key file that must hold exactly one certificate.
pub fn load_one_cert(path: &Path) -> Result<Cert, AttestError> {
    let mut certs = load_certs(path)?;
    match certs.len() {
        0 => Err(AttestError::Key {
            path: path.to_path_buf(),
            reason: "holds no OpenPGP key".into(),
        }),
        1 => Ok(certs.remove(0)),
        n => Err(AttestError::Key {
            path: path.to_path_buf(),
            reason: format!(
                "holds {n} keys ({}); a signer's key file must hold exactly one",
                certs.iter().map(fingerprint).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

/// Why a public-key algorithm or size is refused, if it is.
pub fn weak_key_reason<P: pgp::packet::key::KeyParts, R: pgp::packet::key::KeyRole>(
    key: &Key<P, R>,
) -> Option<String> {
    #[allow(deprecated)]
    match key.pk_algo() {
        PublicKeyAlgorithm::RSAEncryptSign
        | PublicKeyAlgorithm::RSASign
        | PublicKeyAlgorithm::RSAEncrypt => {
            let bits = key.mpis().bits().unwrap_or(0);
            (bits < 2048)
                .then(|| format!("RSA-{bits} key refused: RSA keys need at least 2048 bits"))
        }
        PublicKeyAlgorithm::EdDSA
        | PublicKeyAlgorithm::Ed25519
        | PublicKeyAlgorithm::Ed448
        | PublicKeyAlgorithm::ECDSA => None,
        PublicKeyAlgorithm::DSA => {
            Some("DSA key refused: use Ed25519 or RSA (2048 bits and up)".into())
        }
        a => Some(format!(
            "{a} key refused: use Ed25519 or RSA (2048 bits and up)"
        )),
    }
}

/// Why a signature's hash algorithm is refused, if it is.
pub fn weak_hash_reason(h: HashAlgorithm) -> Option<String> {
    #[allow(deprecated)]
    match h {
        HashAlgorithm::SHA1 | HashAlgorithm::MD5 | HashAlgorithm::RipeMD => Some(format!(
            "{h} signature refused: the hash is broken (collisions); sign with SHA-256 or better"
        )),
        HashAlgorithm::SHA224
        | HashAlgorithm::SHA256
        | HashAlgorithm::SHA384
        | HashAlgorithm::SHA512
        | HashAlgorithm::SHA3_256
        | HashAlgorithm::SHA3_512 => None,
        other => Some(format!("{other} signature refused: unsupported hash")),
    }
}

/// Signs `data` with the signing-capable key of `cert` (a secret key),
/// returning a binary detached signature (what `gpg --detach-sig` writes).
/// `passphrase` unlocks an encrypted secret key.
pub fn sign_with_cert(
    cert: &Cert,
    passphrase: Option<&str>,
    data: &[u8],
) -> Result<Vec<u8>, String> {
    let p = StandardPolicy::new();
    let vc = cert
        .with_policy(&p, None)
        .map_err(|e| format!("key {} is not usable: {e}", fingerprint(cert)))?;
    if let RevocationStatus::Revoked(_) = vc.revocation_status() {
        return Err(format!("key {} is revoked", fingerprint(cert)));
    }
    vc.alive()
        .map_err(|e| format!("key {} is not alive: {e}", fingerprint(cert)))?;
    let candidates: Vec<_> = vc
        .keys()
        .for_signing()
        .alive()
        .revoked(false)
        .secret()
        .collect();
    if candidates.is_empty() {
        return Err(format!(
            "key {} has no usable secret signing key (is this the public key? export it with `gpg --export-secret-keys --armor`)",
            fingerprint(cert)
        ));
    }
    let mut last_err = String::new();
    for ka in candidates {
        if let Some(r) = weak_key_reason(ka.key()) {
            last_err = r;
            continue;
        }
        let key = ka.key().clone();
        let key = if key.secret().is_encrypted() {
            let Some(pw) = passphrase else {
                return Err("the secret key is protected by a passphrase; set QUORATE_PASSPHRASE or run on a terminal".into());
            };
            match key.decrypt_secret(&Password::from(pw)) {
                Ok(k) => k,
                Err(e) => {
                    last_err = format!("cannot unlock the secret key (wrong passphrase?): {e}");
                    continue;
                }
            }
        } else {
            key
        };
        let mut keypair = key.into_keypair().map_err(|e| e.to_string())?;
        let sig = SignatureBuilder::new(SignatureType::Binary)
            .set_hash_algo(HashAlgorithm::SHA512)
            .sign_message(&mut keypair, data)
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        Packet::from(sig)
            .serialize(&mut out)
            .map_err(|e| e.to_string())?;
        return Ok(out);
    }
    Err(last_err)
}

/// Signs the file `data_path` with the secret key in `key_file`.
pub fn sign_file(
    data_path: &Path,
    key_file: &Path,
    passphrase: Option<&str>,
) -> Result<Vec<u8>, AttestError> {
    let cert = load_one_cert(key_file)?;
    let data = std::fs::read(data_path).map_err(|source| AttestError::Io {
        path: data_path.to_path_buf(),
        source,
    })?;
    sign_with_cert(&cert, passphrase, &data).map_err(|reason| AttestError::Sign {
        path: key_file.to_path_buf(),
        reason,
    })
}

/// Generates an Ed25519 OpenPGP key for demos and tests: a v4 certificate
/// (GnuPG 2.2 reads it) with a certification primary key and a signing
/// subkey, no passphrase, no expiry.
pub fn generate_demo_key(user_id: &str) -> Result<Cert, String> {
    let (cert, _rev) = CertBuilder::new()
        .set_cipher_suite(CipherSuite::Cv25519)
        .set_profile(pgp::Profile::RFC4880)
        .map_err(|e| e.to_string())?
        .add_userid(user_id)
        .add_signing_subkey()
        .generate()
        .map_err(|e| e.to_string())?;
    Ok(cert)
}

/// The armored secret key (`-----BEGIN PGP PRIVATE KEY BLOCK-----`).
pub fn armored_secret(cert: &Cert) -> Vec<u8> {
    cert.as_tsk().armored().to_vec().unwrap_or_default()
}

/// The armored public key (`-----BEGIN PGP PUBLIC KEY BLOCK-----`).
pub fn armored_public(cert: &Cert) -> Vec<u8> {
    cert.armored().to_vec().unwrap_or_default()
}

/// Reads every signature packet in `bytes`; parse failures become BAD
/// reports at their position, after the signatures read before them.
fn parse_signatures(bytes: &[u8]) -> Vec<Result<Signature, String>> {
    let mut out = Vec::new();
    for block in crate::keyring::armor_blocks(bytes, b"-----BEGIN PGP SIGNATURE-----") {
        if out.len() >= MAX_SIGNATURES_PER_FILE {
            break;
        }
        let before = out.len();
        let mut ppr = match PacketParserBuilder::from_bytes(block).and_then(|b| b.build()) {
            Ok(p) => p,
            Err(e) => {
                out.push(Err(format!("not an OpenPGP signature: {e}")));
                continue;
            }
        };
        while let PacketParserResult::Some(pp) = ppr {
            if out.len() >= MAX_SIGNATURES_PER_FILE {
                out.push(Err(format!(
                    "more than {MAX_SIGNATURES_PER_FILE} packets in one file; the rest is not read"
                )));
                break;
            }
            match pp.next() {
                Ok((packet, next)) => {
                    match packet {
                        Packet::Signature(s) => out.push(Ok(s)),
                        Packet::Unknown(u) => {
                            out.push(Err(format!("unreadable {} packet: {}", u.tag(), u.error())))
                        }
                        Packet::Marker(_) => {}
                        other => out.push(Err(format!(
                            "unexpected {} packet in a signature file",
                            other.tag()
                        ))),
                    }
                    ppr = next;
                }
                Err(e) => {
                    out.push(Err(format!("malformed signature data: {e}")));
                    break;
                }
            }
        }
        if out.len() == before {
            out.push(Err("no OpenPGP signature found".into()));
        }
    }
    out
}

/// Verifies every OpenPGP signature in `sig_bytes` (binary or armored,
/// one or many) over `data` against the pinned certificates, judging each
/// key by its state now as GnuPG does ([`crate::keystate`]), with
/// quorate's counting rules on top (`docs/signing.md`). One report per
/// signature (malformed parts get a BAD report); DUPLICATE is decided
/// later, across files, by the caller.
pub fn verify_detached(
    sig_bytes: &[u8],
    data: &[u8],
    keys: &TrustedKeys<'_>,
    now: SystemTime,
) -> Vec<SignatureReport> {
    parse_signatures(sig_bytes)
        .into_iter()
        .map(|s| match s {
            Ok(sig) => check_one(&sig, data, keys, now),
            Err(reason) => SignatureReport::new(Scheme::Openpgp).bad(reason),
        })
        .collect()
}

/// Line ends as text-mode signatures hash them: every LF preceded by CR.
fn to_crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 32);
    let mut prev = 0u8;
    for &b in data {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

fn revocation_text(r: &Revocation) -> String {
    let when = r.at.map(date).unwrap_or_else(|| "an unknown date".into());
    let what = match r.reason {
        Some(ReasonForRevocation::KeyCompromised) => "as compromised".to_string(),
        Some(ReasonForRevocation::KeySuperseded) => "as superseded".to_string(),
        Some(ReasonForRevocation::KeyRetired) => "as retired".to_string(),
        Some(ReasonForRevocation::Unspecified) | None => {
            "with no reason given (treated as compromised)".to_string()
        }
        Some(other) => format!("({other})"),
    };
    let by =
        r.by.as_ref()
            .map(|f| format!(" by its designated revoker {f}"))
            .unwrap_or_default();
    if r.message.is_empty() {
        format!("revoked {what}{by} on {when}")
    } else {
        format!("revoked {what}{by} on {when}: {}", r.message)
    }
}

/// Says that gpg would have accepted what quorate refuses.
fn stricter(gpg: GpgStatus, why: impl std::fmt::Display) -> String {
    format!("gpg accepts this signature ({gpg}); quorate refuses it because {why}")
}

/// A pinned certificate that holds a key the signature names as its
/// issuer, with that key.
type Candidate<'k, 'a> = (
    &'k PinnedCert<'a>,
    &'k KeyBlock,
    Key<PublicParts, UnspecifiedRole>,
);

/// Judges one signature over `data` (see [`verify_detached`]), in steps:
/// who may have made it ([`candidates`]), whether its bytes verify and
/// which certificate binds the key ([`choose`]), then the key's state and
/// the signature's dates by gpg's rules and quorate's ([`judge`]).
fn check_one(
    sig: &Signature,
    data: &[u8],
    keys: &TrustedKeys<'_>,
    now: SystemTime,
) -> SignatureReport {
    let mut r = SignatureReport::new(Scheme::Openpgp);
    r.gpg = Some(GpgStatus::Errsig);
    let created = sig.signature_creation_time();
    r.created = created.map(rfc3339);
    let issuers = sig.get_issuers();
    if issuers.is_empty() {
        return r.bad("the signature names no issuer key");
    }
    let (candidates, unpinned) = candidates(&issuers, keys);
    if candidates.is_empty() {
        return unknown_issuer(r, &issuers, unpinned);
    }
    // Text-mode signatures (`gpg --textmode`) hash the data with CRLF line
    // ends (RFC 9580 §5.2.1.2).
    let text_data;
    let data = if sig.typ() == SignatureType::Text {
        text_data = to_crlf(data);
        &text_data[..]
    } else {
        data
    };
    if let Some(t) = created
        && let Some((pinned, _, key)) = candidates.iter().find(|c| t < c.2.creation_time())
    {
        describe(&mut r, pinned, key);
        return r.bad(format!(
            "signature dated {}, before its key was created ({})",
            rfc3339(t),
            rfc3339(key.creation_time())
        ));
    }
    let (pinned, key, state) = match choose(sig, data, &candidates, keys, now, &mut r) {
        Ok(chosen) => chosen,
        Err(last_err) => {
            let (pinned, _, key) = &candidates[0];
            describe(&mut r, pinned, key);
            r.gpg = Some(GpgStatus::Badsig);
            return r.bad(format!(
                "does not verify: the signature is not over this file, or it was altered ({last_err})"
            ));
        }
    };
    describe(&mut r, pinned, key);
    r.user_ids = state.user_ids.clone();
    let Some(ks) = state.key(&key.fingerprint()) else {
        return r.bad("the signing key is not part of its certificate");
    };
    let Some(t) = created else {
        return r.bad("the signature has no creation time");
    };
    judge(r, sig, key, ks, t, now)
}

/// Every pinned certificate holding a key the signature names as its
/// issuer (once each), and whether a certificate of the key files held
/// one without being pinned.
fn candidates<'k, 'a>(
    issuers: &'k [pgp::KeyHandle],
    keys: &'k TrustedKeys<'a>,
) -> (Vec<Candidate<'k, 'a>>, bool) {
    let mut candidates: Vec<Candidate<'k, 'a>> = Vec::new();
    let mut unpinned = false;
    for h in issuers {
        for block in keys.ring.holding(h) {
            let Some(pinned) = keys
                .pinned
                .iter()
                .find(|p| p.fingerprint == block.fingerprint())
            else {
                unpinned = true;
                continue;
            };
            if candidates
                .iter()
                .any(|(_, b, _)| b.fingerprint() == block.fingerprint())
            {
                continue;
            }
            let key = if block.primary.key_handle().aliases(h) {
                block.primary.clone().role_into_unspecified()
            } else {
                match block
                    .subkeys
                    .iter()
                    .find(|(k, _)| k.key_handle().aliases(h))
                {
                    Some((k, _)) => k.clone().role_into_unspecified(),
                    None => continue,
                }
            };
            candidates.push((pinned, block, key));
        }
    }
    (candidates, unpinned)
}

/// The report of a signature no pinned certificate can have made: UNKNOWN,
/// naming the issuer (its fingerprint when the signature gives one).
fn unknown_issuer(
    mut r: SignatureReport,
    issuers: &[pgp::KeyHandle],
    unpinned: bool,
) -> SignatureReport {
    let shown_issuer = issuers
        .iter()
        .find(|h| matches!(h, pgp::KeyHandle::Fingerprint(_)))
        .unwrap_or(&issuers[0])
        .to_hex();
    r.fingerprint = Some(shown_issuer.clone());
    r.verdict = Verdict::Unknown;
    r.gpg = Some(GpgStatus::NoPubkey);
    r.reason = Some(if unpinned {
        format!(
            "made by key {shown_issuer}, which is in the key files but pinned by no signer of the policy"
        )
    } else {
        format!("made by key {shown_issuer}, which no signer of the policy pins")
    });
    r
}

/// Names the signer, the certificate and the signing key in the report.
fn describe(
    r: &mut SignatureReport,
    pinned: &PinnedCert<'_>,
    key: &Key<PublicParts, UnspecifiedRole>,
) {
    r.signer = Some(pinned.name.to_string());
    r.fingerprint = Some(pinned.fingerprint.to_string());
    r.key_id = Some(format!("openpgp:{}", pinned.fingerprint));
    if pinned.pin != pinned.fingerprint {
        r.pin = Some(pinned.pin.to_string());
    }
    let kf = key.fingerprint().to_hex();
    if kf != pinned.fingerprint {
        r.signing_key = Some(kf);
    }
}

/// Verifies the signature's bytes with each candidate's key; among those
/// it verifies with, the first certificate where the key is validly bound
/// decides (a copy of someone's subkey pasted into another certificate,
/// unbound, must not take the signature), else the first. Returns that
/// certificate, its key and its state now (noting in `r` when several
/// verify), or the last verification error when none verifies.
fn choose<'k, 'a>(
    sig: &Signature,
    data: &[u8],
    candidates: &'k [Candidate<'k, 'a>],
    keys: &TrustedKeys<'_>,
    now: SystemTime,
    r: &mut SignatureReport,
) -> Result<
    (
        &'k PinnedCert<'a>,
        &'k Key<PublicParts, UnspecifiedRole>,
        keystate::CertState,
    ),
    String,
> {
    let mut verified = Vec::new();
    let mut last_err = String::new();
    for c in candidates {
        match pkverify::verify(sig, &c.2, Over::Data(data)) {
            Ok(()) => verified.push(c),
            Err(e) => last_err = e,
        }
    }
    let mut states: Vec<_> = verified
        .iter()
        .map(|c| keystate::cert_state(c.1, keys.ring, now))
        .collect();
    let chosen = (0..verified.len())
        .find(|&i| {
            states[i]
                .key(&verified[i].2.fingerprint())
                .is_some_and(|k| k.valid)
        })
        .or((!verified.is_empty()).then_some(0));
    let Some(chosen) = chosen else {
        return Err(last_err);
    };
    if verified.len() > 1 {
        r.notes.push(format!(
            "the signing key is in {} pinned certificates ({}); attributed to the one that binds it",
            verified.len(),
            verified
                .iter()
                .map(|c| format!("{} {}", c.0.name, c.0.fingerprint))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let (pinned, _, key) = verified[chosen];
    Ok((pinned, key, states.swap_remove(chosen)))
}

/// The verdict on a signature that verifies with `key`, made at `t`:
/// what gpg checks, in its order, then quorate's own rules on top
/// (`docs/signing.md`), then the signature's and the key's expiry and
/// revocation ([`dated_verdict`]).
fn judge(
    mut r: SignatureReport,
    sig: &Signature,
    key: &Key<PublicParts, UnspecifiedRole>,
    ks: &keystate::KeyState,
    t: SystemTime,
    now: SystemTime,
) -> SignatureReport {
    // What gpg checks, in its order.
    #[allow(deprecated)]
    if matches!(sig.hash_algo(), HashAlgorithm::MD5) {
        return r.bad("MD5 signature: rejected (by gpg too)");
    }
    if t < key.creation_time() {
        return r.bad(format!(
            "signature dated {}, before its key was created ({})",
            rfc3339(t),
            rfc3339(key.creation_time())
        ));
    }
    if t > now + CLOCK_SKEW {
        return r.bad(format!("signature dated {} is in the future", rfc3339(t)));
    }
    if !ks.valid {
        if !ks.imported {
            r.gpg = Some(GpgStatus::NoPubkey);
        }
        return r.bad(format!(
            "the signing key is not usable: {}",
            ks.invalid_reason.clone().unwrap_or_default()
        ));
    }
    let sig_expired = sig.signature_expiration_time().is_some_and(|e| e <= now);
    let key_expired = ks.expires.filter(|e| *e <= now);
    let gpg = if sig_expired {
        GpgStatus::Expsig
    } else if key_expired.is_some() {
        GpgStatus::Expkeysig
    } else if ks.revoked.is_some() {
        GpgStatus::Revkeysig
    } else {
        GpgStatus::Goodsig
    };
    r.gpg = Some(gpg);
    // quorate's own rules on top (docs/signing.md).
    if let Some(reason) = weak_hash_reason(sig.hash_algo()) {
        return r.bad(stricter(gpg, reason));
    }
    if let Some(reason) = weak_key_reason(key) {
        return r.bad(stricter(gpg, reason));
    }
    if !ks.can_sign {
        return r.bad(stricter(
            gpg,
            "the key that made it is not marked for signing",
        ));
    }
    if sig_expired {
        r.verdict = Verdict::Expired;
        r.reason = Some(format!(
            "the signature itself expired on {}",
            sig.signature_expiration_time()
                .map(date)
                .unwrap_or_default()
        ));
        return r;
    }
    dated_verdict(r, ks, key_expired, t)
}

/// The verdict on a signature by a usable key, from the key's revocation
/// and expiry against the signature's date `t`: a hard revocation never
/// counts, a soft one or an expiry only from its date on (noted when
/// later).
fn dated_verdict(
    mut r: SignatureReport,
    ks: &keystate::KeyState,
    key_expired: Option<SystemTime>,
    t: SystemTime,
) -> SignatureReport {
    if let Some(rev) = &ks.revoked {
        let text = revocation_text(rev);
        let whose = if ks.primary { "key" } else { "signing subkey" };
        if rev.hard {
            r.verdict = Verdict::Revoked;
            r.reason = Some(format!("{whose} {text}; a compromised key never counts"));
            return r;
        }
        if rev.at.is_none_or(|at| at <= t) {
            r.verdict = Verdict::Revoked;
            r.reason = Some(format!("{whose} {text}, before this signature was made"));
            return r;
        }
        r.notes.push(format!(
            "{whose} {text}, after this signature (still counts; gpg says REVKEYSIG)"
        ));
    }
    if let Some(e) = key_expired {
        if t >= e {
            r.verdict = Verdict::Expired;
            r.reason = Some(format!(
                "made on {} after the key expired on {}",
                date(t),
                date(e)
            ));
            return r;
        }
        r.notes.push(format!(
            "key expired on {} (signature made before, while it was valid; gpg says EXPKEYSIG)",
            date(e)
        ));
        r.key_expired = Some(date(e));
    }
    r.verdict = Verdict::Good;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keyring holding `certs`, each pinned under its name.
    pub(super) struct Fixture {
        ring: Keyring,
        names: Vec<(String, String)>,
    }

    impl Fixture {
        pub(super) fn keys(&self) -> TrustedKeys<'_> {
            TrustedKeys {
                ring: &self.ring,
                pinned: self
                    .names
                    .iter()
                    .map(|(n, f)| PinnedCert {
                        name: n,
                        fingerprint: f,
                        pin: f,
                    })
                    .collect(),
            }
        }
    }

    pub(super) fn pinned(certs: &[(&str, Cert)]) -> Fixture {
        let mut ring = Keyring::new();
        for (_, c) in certs {
            ring.add_cert(c);
        }
        Fixture {
            ring,
            names: certs
                .iter()
                .map(|(n, c)| (n.to_string(), fingerprint(c)))
                .collect(),
        }
    }

    #[test]
    fn demo_key_signs_and_verifies() {
        let cert = generate_demo_key("alice <alice@example.org>").unwrap();
        assert_eq!(cert.primary_key().key().version(), 4);
        let sig = sign_with_cert(&cert, None, b"hello\n").unwrap();
        let public = Cert::from_bytes(&armored_public(&cert)).unwrap();
        assert!(!public.is_tsk());
        let certs = [("alice", public)];
        let fx = pinned(&certs);
        let keys = fx.keys();
        let r = verify_detached(&sig, b"hello\n", &keys, SystemTime::now());
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].verdict, Verdict::Good, "{:?}", r[0].reason);
        assert!(r[0].signing_key.is_some(), "signed by the subkey");
        let r = verify_detached(&sig, b"hellO\n", &keys, SystemTime::now());
        assert_eq!(r[0].verdict, Verdict::Bad);
    }

    #[test]
    fn garbage_and_truncation_are_bad_not_panics() {
        let cert = generate_demo_key("a").unwrap();
        let sig = sign_with_cert(&cert, None, b"x").unwrap();
        let certs = [("a", cert)];
        let fx = pinned(&certs);
        let keys = fx.keys();
        for cut in 0..sig.len() {
            let r = verify_detached(&sig[..cut], b"x", &keys, SystemTime::now());
            assert!(r.iter().all(|r| r.verdict != Verdict::Good), "cut at {cut}");
        }
        let r = verify_detached(b"\x00garbage", b"x", &keys, SystemTime::now());
        assert_eq!(r[0].verdict, Verdict::Bad);
    }

    #[test]
    fn unknown_key_is_unknown() {
        let a = generate_demo_key("a").unwrap();
        let b = generate_demo_key("b").unwrap();
        let sig = sign_with_cert(&a, None, b"x").unwrap();
        let certs = [("b", b)];
        let r = verify_detached(&sig, b"x", &pinned(&certs).keys(), SystemTime::now());
        assert_eq!(r[0].verdict, Verdict::Unknown);
    }

    #[test]
    fn signature_before_key_creation_is_bad() {
        let cert = generate_demo_key("a").unwrap();
        let p = StandardPolicy::new();
        let key = cert
            .keys()
            .with_policy(&p, None)
            .for_signing()
            .secret()
            .next()
            .unwrap()
            .key()
            .clone();
        let mut kp = key.into_keypair().unwrap();
        let t = cert.primary_key().key().creation_time() - Duration::from_secs(86_400);
        let sig = SignatureBuilder::new(SignatureType::Binary)
            .set_signature_creation_time(t)
            .unwrap()
            .sign_message(&mut kp, b"x")
            .unwrap();
        let mut bytes = Vec::new();
        Packet::from(sig).serialize(&mut bytes).unwrap();
        let certs = [("a", cert)];
        let r = verify_detached(&bytes, b"x", &pinned(&certs).keys(), SystemTime::now());
        assert_eq!(r[0].verdict, Verdict::Bad);
        assert!(
            r[0].reason.as_deref().unwrap().contains("before its"),
            "{:?}",
            r[0].reason
        );
    }

    #[test]
    fn a_signature_goes_to_the_certificate_that_binds_its_key() {
        let alice = generate_demo_key("alice").unwrap();
        let mallory = generate_demo_key("mallory").unwrap();
        let sig = sign_with_cert(&alice, None, b"doc").unwrap();
        // mallory's certificate with alice's signing subkey pasted in,
        // unbound (no binding signature), and pinned first.
        let sub = alice.keys().subkeys().next().unwrap().key().clone();
        let mut bytes = pgp::serialize::SerializeInto::to_vec(&mallory).unwrap();
        Packet::from(sub.parts_into_public())
            .serialize(&mut bytes)
            .unwrap();
        let mut ring = Keyring::new();
        ring.add_bytes(&bytes, Path::new("mallory.asc")).unwrap();
        ring.add_cert(&alice);
        let (fm, fa) = (fingerprint(&mallory), fingerprint(&alice));
        let keys = TrustedKeys {
            ring: &ring,
            pinned: vec![
                PinnedCert {
                    name: "mallory",
                    fingerprint: &fm,
                    pin: &fm,
                },
                PinnedCert {
                    name: "alice",
                    fingerprint: &fa,
                    pin: &fa,
                },
            ],
        };
        let r = verify_detached(&sig, b"doc", &keys, SystemTime::now());
        assert_eq!(r[0].verdict, Verdict::Good, "{:?}", r[0]);
        assert_eq!(r[0].signer.as_deref(), Some("alice"));
        assert!(
            r[0].notes[0].contains("2 pinned certificates"),
            "{:?}",
            r[0]
        );
        // With alice not pinned, mallory's unbound copy gets nothing.
        let keys = TrustedKeys {
            ring: &ring,
            pinned: vec![PinnedCert {
                name: "mallory",
                fingerprint: &fm,
                pin: &fm,
            }],
        };
        let r = verify_detached(&sig, b"doc", &keys, SystemTime::now());
        assert_eq!(r[0].verdict, Verdict::Bad, "{:?}", r[0]);
        // gpg drops the unbound subkey on import: NO_PUBKEY.
        assert_eq!(r[0].gpg, Some(GpgStatus::NoPubkey));
    }

    #[test]
    fn normalizes_fingerprints() {
        assert_eq!(
            normalize_fingerprint("0x7363 f82f 43b1 324e 1b07  6131 0e46 47d5 8f8a 69e4")
                .as_deref(),
            Some("7363F82F43B1324E1B0761310E4647D58F8A69E4")
        );
        assert_eq!(normalize_fingerprint("0E4647D58F8A69E4"), None);
        assert_eq!(
            normalize_fingerprint("zz63F82F43B1324E1B0761310E4647D58F8A69E4"),
            None
        );
    }

    mod no_panics {
        use super::*;
        use proptest::prelude::*;
        use std::sync::OnceLock;

        fn fixture() -> &'static (Cert, Vec<u8>) {
            static F: OnceLock<(Cert, Vec<u8>)> = OnceLock::new();
            F.get_or_init(|| {
                let c = generate_demo_key("p").unwrap();
                let s = sign_with_cert(&c, None, b"data").unwrap();
                (c, s)
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn random_bytes_never_verify(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
                let (c, _) = fixture();
                let fx = pinned(&[("p", c.clone())]);
                let keys = fx.keys();
                for r in verify_detached(&bytes, b"data", &keys, SystemTime::now()) {
                    prop_assert_ne!(r.verdict, Verdict::Good);
                }
                let r = crate::ssh::verify(&bytes, b"data", &[], SystemTime::now());
                prop_assert_ne!(r.verdict, Verdict::Good);
            }

            #[test]
            fn mutated_signatures_never_verify(pos in any::<usize>(), xor in 1u8..=255) {
                let (c, sig) = fixture();
                let mut m = sig.clone();
                let i = pos % m.len();
                m[i] ^= xor;
                let fx = pinned(&[("p", c.clone())]);
                let keys = fx.keys();
                for r in verify_detached(&m, b"data", &keys, SystemTime::now()) {
                    // Flipping a bit of the unhashed area (the issuer
                    // key id) may leave a valid signature; any GOOD must
                    // still be over the right data by the right key.
                    if r.verdict == Verdict::Good {
                        prop_assert!(verify_detached(&m, b"other", &keys, SystemTime::now())[0].verdict != Verdict::Good);
                    }
                }
            }

            #[test]
            fn random_policies_never_panic(text in "[a-z=\\[\\]\"'0-9 \n_.]{0,200}") {
                let d = tempfile::tempdir().unwrap();
                let p = d.path().join("p.toml");
                std::fs::write(&p, &text).unwrap();
                let _ = crate::Policy::load(&p);
            }
        }
    }
}
