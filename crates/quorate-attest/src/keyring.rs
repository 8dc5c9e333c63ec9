//! OpenPGP key blocks as GnuPG keeps them: the raw packets of each
//! certificate, every copy of one certificate merged into one block.
//!
//! sequoia's `Cert` canonicalises a certificate by its own rules (and
//! drops what its crypto backend cannot check); to judge keys exactly as
//! `gpg` does, quorate keeps the packets as published and computes the
//! key's state itself ([`crate::keystate`]). A keys folder or a key file
//! may hold any mix of armored and binary blocks, several certificates per
//! file and several copies of one certificate: copies are merged (the
//! union of their user IDs, subkeys and signatures), as `gpg --import`
//! does, so that a revocation or a new expiry in any copy is seen.

use std::path::{Path, PathBuf};

use sequoia_openpgp as pgp;

use pgp::KeyHandle;
use pgp::packet::key::{PrimaryRole, PublicParts, SubordinateRole};
use pgp::packet::{Key, Packet, Signature, UserID};
use pgp::parse::{PacketParserBuilder, PacketParserResult, Parse};
use pgp::serialize::MarshalInto;

/// At most this many packets are read from one key file (the largest real
/// keys, with thousands of third-party certifications, stay far below).
pub const MAX_PACKETS_PER_FILE: usize = 200_000;

/// A primary key with its user IDs, subkeys and their signatures.
#[derive(Debug, Clone)]
pub struct KeyBlock {
    /// The primary key.
    pub primary: Key<PublicParts, PrimaryRole>,
    /// Signatures directly on the primary key (direct-key signatures, key
    /// revocations), from the owner or from others.
    pub direct: Vec<Signature>,
    /// User IDs and the signatures on each.
    pub userids: Vec<(UserID, Vec<Signature>)>,
    /// Subkeys and the signatures on each (bindings, revocations).
    pub subkeys: Vec<(Key<PublicParts, SubordinateRole>, Vec<Signature>)>,
    /// The files this block was read from (several when copies merged).
    pub sources: Vec<PathBuf>,
}

impl KeyBlock {
    /// The primary key's fingerprint (40 uppercase hex digits for v4).
    pub fn fingerprint(&self) -> String {
        self.primary.fingerprint().to_hex()
    }

    /// True when `handle` (fingerprint or key id) names the primary key or
    /// one of the subkeys.
    pub fn contains(&self, handle: &KeyHandle) -> bool {
        self.primary.key_handle().aliases(handle)
            || self
                .subkeys
                .iter()
                .any(|(k, _)| k.key_handle().aliases(handle))
    }

    /// Merges another copy of the same certificate into this one.
    fn merge(&mut self, other: KeyBlock) {
        fn add_sigs(into: &mut Vec<Signature>, from: Vec<Signature>) {
            for s in from {
                if !into.iter().any(|t| same_sig(t, &s)) {
                    into.push(s);
                }
            }
        }
        add_sigs(&mut self.direct, other.direct);
        for (uid, sigs) in other.userids {
            match self
                .userids
                .iter_mut()
                .find(|(u, _)| u.value() == uid.value())
            {
                Some((_, into)) => add_sigs(into, sigs),
                None => self.userids.push((uid, sigs)),
            }
        }
        for (key, sigs) in other.subkeys {
            match self
                .subkeys
                .iter_mut()
                .find(|(k, _)| k.fingerprint() == key.fingerprint())
            {
                Some((_, into)) => add_sigs(into, sigs),
                None => self.subkeys.push((key, sigs)),
            }
        }
        for s in other.sources {
            if !self.sources.contains(&s) {
                self.sources.push(s);
            }
        }
    }
}

/// Two signature packets are the same when their serialized forms are.
fn same_sig(a: &Signature, b: &Signature) -> bool {
    a.mpis() == b.mpis() && a.to_vec().ok() == b.to_vec().ok()
}

/// Every key block read, one per primary fingerprint.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    blocks: Vec<KeyBlock>,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every key block in `bytes` (armored or binary, any number of
    /// blocks), read from `source`; copies of a certificate already held
    /// are merged into it. Returns the primary fingerprints read, in order.
    pub fn add_bytes(&mut self, bytes: &[u8], source: &Path) -> Result<Vec<String>, String> {
        let mut read = Vec::new();
        for block in parse_blocks(bytes, source)? {
            let fpr = block.fingerprint();
            if !read.contains(&fpr) {
                read.push(fpr.clone());
            }
            match self.blocks.iter_mut().find(|b| b.fingerprint() == fpr) {
                Some(b) => b.merge(block),
                None => self.blocks.push(block),
            }
        }
        Ok(read)
    }

    /// Adds a certificate held as a sequoia `Cert` (public parts only).
    pub fn add_cert(&mut self, cert: &pgp::Cert) {
        if let Ok(bytes) = pgp::serialize::SerializeInto::to_vec(cert) {
            // A Cert sequoia serialized always parses back.
            let _ = self.add_bytes(&bytes, Path::new("(generated)"));
        }
    }

    /// The block whose primary fingerprint is `fpr`.
    pub fn get(&self, fpr: &str) -> Option<&KeyBlock> {
        self.blocks.iter().find(|b| b.fingerprint() == fpr)
    }

    /// The blocks holding a key named by `handle` (primary or subkey).
    pub fn holding<'a>(&'a self, handle: &'a KeyHandle) -> impl Iterator<Item = &'a KeyBlock> {
        self.blocks.iter().filter(move |b| b.contains(handle))
    }

    /// The blocks holding a key whose fingerprint or key id is `pin`
    /// (uppercase hex, 16, 40 or 64 digits).
    pub fn by_pin(&self, pin: &str) -> Vec<&KeyBlock> {
        let Ok(handle) = pin.parse::<KeyHandle>() else {
            return Vec::new();
        };
        self.blocks
            .iter()
            .filter(|b| {
                b.primary.key_handle().aliases(&handle) && pin_matches(&b.primary, pin)
                    || b.subkeys
                        .iter()
                        .any(|(k, _)| k.key_handle().aliases(&handle) && pin_matches(k, pin))
            })
            .collect()
    }

    /// Every block.
    pub fn blocks(&self) -> &[KeyBlock] {
        &self.blocks
    }
}

/// A fingerprint pin must equal the fingerprint; a key-id pin the key id.
fn pin_matches<R: pgp::packet::key::KeyRole>(k: &Key<PublicParts, R>, pin: &str) -> bool {
    k.fingerprint().to_hex() == pin || k.keyid().to_hex() == pin
}

/// Splits armored input into blocks, each starting at a line that begins
/// with `begin` (so one malformed block never hides the others); input
/// with at most one such line (binary, or a single block) is one block.
pub(crate) fn armor_blocks<'a>(bytes: &'a [u8], begin: &[u8]) -> Vec<&'a [u8]> {
    let starts: Vec<usize> = memchr::memmem::find_iter(bytes, begin)
        .filter(|&i| i == 0 || bytes[i - 1] == b'\n')
        .collect();
    if starts.len() <= 1 {
        return vec![bytes];
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| &bytes[s..starts.get(k + 1).copied().unwrap_or(bytes.len())])
        .collect()
}

/// Reads the key blocks of one file: a block starts at each primary key
/// packet; user IDs, subkeys and signatures attach to the block (and the
/// component) they follow, as in a GnuPG keyring.
fn parse_blocks(bytes: &[u8], source: &Path) -> Result<Vec<KeyBlock>, String> {
    let mut out: Vec<KeyBlock> = Vec::new();
    let mut packets = 0usize;
    let mut any_error = None;
    for chunk in armor_blocks(bytes, b"-----BEGIN PGP ") {
        // Where the next signature attaches.
        #[derive(Clone, Copy)]
        enum At {
            Nothing,
            Direct,
            UserId,
            Subkey,
            Skip,
        }
        let mut at = At::Nothing;
        let mut ppr = match PacketParserBuilder::from_bytes(chunk).and_then(|b| b.build()) {
            Ok(p) => p,
            Err(e) => {
                any_error = Some(format!("not an OpenPGP key: {e}"));
                continue;
            }
        };
        while let PacketParserResult::Some(pp) = ppr {
            packets += 1;
            if packets > MAX_PACKETS_PER_FILE {
                return Err(format!(
                    "more than {MAX_PACKETS_PER_FILE} packets; refusing to read further"
                ));
            }
            let (packet, next) = match pp.next() {
                Ok(x) => x,
                Err(e) => {
                    any_error = Some(format!("malformed key data: {e}"));
                    break;
                }
            };
            ppr = next;
            match packet {
                Packet::PublicKey(k) => {
                    out.push(new_block(k, source));
                    at = At::Direct;
                }
                Packet::SecretKey(k) => {
                    out.push(new_block(k.take_secret().0, source));
                    at = At::Direct;
                }
                Packet::UserID(u) => match out.last_mut() {
                    Some(b) => {
                        b.userids.push((u, Vec::new()));
                        at = At::UserId;
                    }
                    None => at = At::Skip,
                },
                Packet::PublicSubkey(k) => match out.last_mut() {
                    Some(b) => {
                        b.subkeys.push((k, Vec::new()));
                        at = At::Subkey;
                    }
                    None => at = At::Skip,
                },
                Packet::SecretSubkey(k) => match out.last_mut() {
                    Some(b) => {
                        b.subkeys.push((k.take_secret().0, Vec::new()));
                        at = At::Subkey;
                    }
                    None => at = At::Skip,
                },
                // Photo IDs: their signatures carry nothing quorate uses.
                Packet::UserAttribute(_) => at = At::Skip,
                Packet::Signature(s) => {
                    if let Some(b) = out.last_mut() {
                        match at {
                            At::Direct => b.direct.push(s),
                            At::UserId => {
                                if let Some((_, v)) = b.userids.last_mut() {
                                    v.push(s)
                                }
                            }
                            At::Subkey => {
                                if let Some((_, v)) = b.subkeys.last_mut() {
                                    v.push(s)
                                }
                            }
                            At::Nothing | At::Skip => {}
                        }
                    }
                }
                // A signature sequoia cannot parse is skipped alone; a key
                // or user ID it cannot parse (an unknown algorithm) is
                // skipped with its signatures, as gpg skips them.
                Packet::Unknown(u) if u.tag() == pgp::packet::Tag::Signature => {}
                Packet::Unknown(_) => at = At::Skip,
                _ => {}
            }
        }
    }
    if out.is_empty() {
        return Err(any_error.unwrap_or_else(|| "holds no OpenPGP key".into()));
    }
    Ok(out)
}

fn new_block(k: Key<PublicParts, PrimaryRole>, source: &Path) -> KeyBlock {
    KeyBlock {
        primary: k,
        direct: Vec::new(),
        userids: Vec::new(),
        subkeys: Vec::new(),
        sources: vec![source.to_path_buf()],
    }
}
/// Lower-case hex of bytes.
pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `b` without its leading zero bytes.
pub(crate) fn strip_zeros(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&x| x == 0).count();
    &b[n..]
}

/// The material identity of one OpenPGP key (primary or subkey).
fn openpgp_key_material(k: &pgp::crypto::mpi::PublicKey) -> Option<String> {
    match k {
        pgp::crypto::mpi::PublicKey::EdDSA { q, .. } => {
            let v = q.value();
            // Native point encoding: 0x40 prefix then the 32 bytes.
            let raw = if v.len() == 33 && v[0] == 0x40 {
                &v[1..]
            } else {
                v
            };
            Some(format!("ed25519:{}", hex(raw)))
        }
        pgp::crypto::mpi::PublicKey::Ed25519 { a } => Some(format!("ed25519:{}", hex(a))),
        pgp::crypto::mpi::PublicKey::RSA { n, .. } => {
            Some(format!("rsa:{}", hex(strip_zeros(n.value()))))
        }
        pgp::crypto::mpi::PublicKey::ECDSA { q, .. } => Some(format!("ecdsa:{}", hex(q.value()))),
        _ => None,
    }
}

/// Every key material of a certificate (primary key and subkeys).
pub fn block_materials(block: &KeyBlock) -> Vec<String> {
    let mut v: Vec<String> = std::iter::once(openpgp_key_material(block.primary.mpis()))
        .chain(
            block
                .subkeys
                .iter()
                .map(|(k, _)| openpgp_key_material(k.mpis())),
        )
        .flatten()
        .collect();
    v.push(format!("openpgp:{}", block.fingerprint()));
    v
}
