//! The cryptographic check of one OpenPGP signature: hash what it covers,
//! then verify the digest with the issuer's public key.
//!
//! sequoia's pure-Rust backend verifies RSA, DSA, EdDSA and ECDSA over the
//! NIST curves. GnuPG 2.2 also verifies ECDSA over secp256k1 (used by real
//! release signers), checked here with RustCrypto's `k256`, and over the
//! Brainpool curves, checked by [`crate::brainpool`].

use sequoia_openpgp as pgp;

use pgp::crypto::hash::Hash as _;
use pgp::crypto::mpi;
use pgp::packet::key::{PrimaryRole, PublicParts, SubordinateRole, UnspecifiedRole};
use pgp::packet::{Key, Signature, UserID};
use pgp::types::{Curve, SignatureType};

use crate::brainpool;

/// The object code of secp256k1 (1.3.132.0.10).
const SECP256K1_OID: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x0A];

/// What a signature is over.
pub enum Over<'a> {
    /// A document (binary or text signature; text must already have CRLF
    /// line ends).
    Data(&'a [u8]),
    /// A user ID of the primary key (certification or its revocation).
    UserId(&'a Key<PublicParts, PrimaryRole>, &'a UserID),
    /// A subkey of the primary key (binding or its revocation).
    Subkey(
        &'a Key<PublicParts, PrimaryRole>,
        &'a Key<PublicParts, SubordinateRole>,
    ),
    /// A subkey's back signature on its primary key.
    PrimaryBinding(
        &'a Key<PublicParts, PrimaryRole>,
        &'a Key<PublicParts, SubordinateRole>,
    ),
    /// The primary key itself (direct-key signature or key revocation).
    Direct(&'a Key<PublicParts, PrimaryRole>),
}

/// Verifies `sig` over `over` with `signer`. `Err` says why not.
pub fn verify(
    sig: &Signature,
    signer: &Key<PublicParts, UnspecifiedRole>,
    over: Over<'_>,
) -> Result<(), String> {
    let digest = digest(sig, over).map_err(|e| e.to_string())?;
    if let mpi::PublicKey::ECDSA {
        curve: Curve::Unknown(oid),
        q,
    } = signer.mpis()
        && oid.as_ref() == SECP256K1_OID
    {
        return verify_secp256k1(sig, q, &digest);
    }
    if let mpi::PublicKey::ECDSA { curve, q } = signer.mpis() {
        let bp = match curve {
            Curve::BrainpoolP256 => Some(brainpool::Brainpool::P256),
            Curve::BrainpoolP384 => Some(brainpool::Brainpool::P384),
            Curve::BrainpoolP512 => Some(brainpool::Brainpool::P512),
            Curve::Unknown(oid) => brainpool::from_oid(oid),
            _ => None,
        };
        if let Some(bp) = bp {
            let mpi::Signature::ECDSA { r, s } = sig.mpis() else {
                return Err("not an ECDSA signature".into());
            };
            return brainpool::verify(bp, q.value(), &digest, r.value(), s.value());
        }
    }
    sig.verify_digest(signer, &digest)
        .map_err(|e| e.to_string())
}

/// The digest the signature's key signed.
fn digest(sig: &Signature, over: Over<'_>) -> pgp::Result<Vec<u8>> {
    let mut ctx = sig.hash_algo().context()?.for_signature(sig.version());
    match over {
        Over::Data(data) => {
            if !matches!(sig.typ(), SignatureType::Binary | SignatureType::Text) {
                return Err(pgp::Error::UnsupportedSignatureType(sig.typ()).into());
            }
            if let Some(salt) = sig.salt() {
                ctx.update(salt);
            }
            ctx.update(data);
            sig.hash(&mut ctx)?;
        }
        Over::UserId(pk, uid) => sig.hash_userid_binding(&mut ctx, pk, uid)?,
        Over::Subkey(pk, sk) => sig.hash_subkey_binding(&mut ctx, pk, sk)?,
        Over::PrimaryBinding(pk, sk) => sig.hash_primary_key_binding(&mut ctx, pk, sk)?,
        Over::Direct(pk) => sig.hash_direct_key(&mut ctx, pk)?,
    }
    ctx.into_digest()
}

/// ECDSA over secp256k1, as libgcrypt checks it: high-S values are
/// accepted (they are as valid as their low-S twins).
fn verify_secp256k1(sig: &Signature, q: &mpi::MPI, digest: &[u8]) -> Result<(), String> {
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    let mpi::Signature::ECDSA { r, s } = sig.mpis() else {
        return Err("not an ECDSA signature".into());
    };
    let key = k256::ecdsa::VerifyingKey::from_sec1_bytes(q.value())
        .map_err(|_| "invalid secp256k1 public key".to_string())?;
    let scalar = |m: &mpi::MPI| -> Result<k256::FieldBytes, String> {
        let v = m.value();
        if v.len() > 32 {
            return Err("ECDSA value longer than the curve order".into());
        }
        let mut out = k256::FieldBytes::default();
        out[32 - v.len()..].copy_from_slice(v);
        Ok(out)
    };
    let signature = k256::ecdsa::Signature::from_scalars(scalar(r)?, scalar(s)?)
        .map_err(|_| "invalid ECDSA signature values".to_string())?;
    let signature = signature.normalize_s().unwrap_or(signature);
    key.verify_prehash(digest, &signature)
        .map_err(|_| "the secp256k1 signature does not verify".into())
}
