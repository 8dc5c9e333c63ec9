//! ECDSA verification over the Brainpool curves (RFC 5639), which GnuPG 2.2
//! verifies and sequoia's pure-Rust backend does not.
//!
//! Verification only, on public values, so plain variable-time big-integer
//! arithmetic (`num-bigint-dig`, already in the dependency graph through
//! RSA) is fine: nothing secret is handled. Points use affine coordinates;
//! the public key must lie on the curve and the signature values in
//! `[1, n-1]`, as libgcrypt requires.

use num_bigint_dig::{BigUint, ModInverse};
use num_traits::{One, Zero};

/// One curve `y² = x³ + ax + b` over GF(p) with base point `g` of order `n`.
struct Params {
    p: &'static str,
    a: &'static str,
    b: &'static str,
    gx: &'static str,
    gy: &'static str,
    n: &'static str,
}

/// brainpoolP256r1 (1.3.36.3.3.2.8.1.1.7).
const P256R1: Params = Params {
    p: "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377",
    a: "7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9",
    b: "26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6",
    gx: "8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262",
    gy: "547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997",
    n: "a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7",
};

/// brainpoolP384r1 (1.3.36.3.3.2.8.1.1.11).
const P384R1: Params = Params {
    p: "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53",
    a: "7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826",
    b: "04a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11",
    gx: "1d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e",
    gy: "8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315",
    n: "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565",
};

/// brainpoolP512r1 (1.3.36.3.3.2.8.1.1.13).
const P512R1: Params = Params {
    p: "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3",
    a: "7830a3318b603b89e2327145ac234cc594cbdd8d3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94ca",
    b: "3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94cadc083e67984050b75ebae5dd2809bd638016f723",
    gx: "81aee4bdd82ed9645a21322e9c4c6a9385ed9f70b5d916c1b43b62eef4d0098eff3b1f78e2d0d48d50d1687b93b97d5f7c6d5047406a5e688b352209bcb9f822",
    gy: "7dde385d566332ecc0eabfa9cf7822fdf209f70024a57b1aa000c55b881f8111b2dcde494a5f485e5bca4bd88a2763aed1ca2b2fa8f0540678cd1e0f3ad80892",
    n: "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069",
};

/// The Brainpool curves gpg verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brainpool {
    /// brainpoolP256r1.
    P256,
    /// brainpoolP384r1.
    P384,
    /// brainpoolP512r1.
    P512,
}

impl Brainpool {
    fn params(self) -> &'static Params {
        match self {
            Brainpool::P256 => &P256R1,
            Brainpool::P384 => &P384R1,
            Brainpool::P512 => &P512R1,
        }
    }
}

fn hex(s: &str) -> BigUint {
    // The constants above are valid hex: checked by `curve_constants_hold`.
    BigUint::parse_bytes(s.as_bytes(), 16).unwrap_or_default()
}

/// A curve with its numbers parsed.
struct Curve {
    p: BigUint,
    a: BigUint,
    b: BigUint,
    g: Point,
    n: BigUint,
}

/// An affine point; `None` is the point at infinity.
type Point = Option<(BigUint, BigUint)>;

impl Curve {
    fn new(c: Brainpool) -> Curve {
        let k = c.params();
        Curve {
            p: hex(k.p),
            a: hex(k.a),
            b: hex(k.b),
            g: Some((hex(k.gx), hex(k.gy))),
            n: hex(k.n),
        }
    }

    fn sub(&self, x: &BigUint, y: &BigUint) -> BigUint {
        ((x + &self.p) - (y % &self.p)) % &self.p
    }

    fn inv(&self, x: &BigUint) -> Option<BigUint> {
        x.mod_inverse(&self.p).and_then(|v| v.to_biguint())
    }

    fn on_curve(&self, x: &BigUint, y: &BigUint) -> bool {
        if x >= &self.p || y >= &self.p {
            return false;
        }
        let lhs = (y * y) % &self.p;
        let rhs = (x * x * x + &self.a * x + &self.b) % &self.p;
        lhs == rhs
    }

    fn add(&self, p1: &Point, p2: &Point) -> Point {
        let (Some((x1, y1)), Some((x2, y2))) = (p1, p2) else {
            return p1.clone().or_else(|| p2.clone());
        };
        let lambda = if x1 == x2 {
            if ((y1 + y2) % &self.p).is_zero() {
                return None;
            }
            // Doubling: (3x² + a) / 2y.
            let num = (BigUint::from(3u8) * x1 * x1 + &self.a) % &self.p;
            let den = self.inv(&((BigUint::from(2u8) * y1) % &self.p))?;
            (num * den) % &self.p
        } else {
            let den = self.inv(&self.sub(x2, x1))?;
            (self.sub(y2, y1) * den) % &self.p
        };
        let x3 = self.sub(&self.sub(&(&lambda * &lambda), x1), x2);
        let y3 = self.sub(&(&lambda * self.sub(x1, &x3)), y1);
        Some((x3, y3))
    }

    fn mul(&self, k: &BigUint, pt: &Point) -> Point {
        let mut acc: Point = None;
        for i in (0..k.bits()).rev() {
            acc = self.add(&acc, &acc);
            if (k >> i) & BigUint::one() == BigUint::one() {
                acc = self.add(&acc, pt);
            }
        }
        acc
    }
}

/// The curve a key's OID names, if it is a Brainpool curve gpg verifies.
pub fn from_oid(oid: &[u8]) -> Option<Brainpool> {
    match oid {
        [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07] => Some(Brainpool::P256),
        [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B] => Some(Brainpool::P384),
        [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D] => Some(Brainpool::P512),
        _ => None,
    }
}

/// Verifies an ECDSA signature `(r, s)` over `digest` with the public point
/// `q` (SEC1 uncompressed, `04 || x || y`, as OpenPGP stores it).
pub fn verify(curve: Brainpool, q: &[u8], digest: &[u8], r: &[u8], s: &[u8]) -> Result<(), String> {
    let c = Curve::new(curve);
    let size = c.p.bits().div_ceil(8);
    if q.len() != 1 + 2 * size || q[0] != 0x04 {
        return Err("invalid Brainpool public key encoding".into());
    }
    let (qx, qy) = (
        BigUint::from_bytes_be(&q[1..1 + size]),
        BigUint::from_bytes_be(&q[1 + size..]),
    );
    if !c.on_curve(&qx, &qy) {
        return Err("the Brainpool public key is not on its curve".into());
    }
    let (r, s) = (BigUint::from_bytes_be(r), BigUint::from_bytes_be(s));
    if r.is_zero() || s.is_zero() || r >= c.n || s >= c.n {
        return Err("ECDSA values out of range".into());
    }
    // The digest's leftmost bits, as many as the order has.
    let mut e = BigUint::from_bytes_be(digest);
    let (dbits, nbits) = (digest.len() * 8, c.n.bits());
    if dbits > nbits {
        e >>= dbits - nbits;
    }
    let w = s
        .mod_inverse(&c.n)
        .and_then(|v| v.to_biguint())
        .ok_or("ECDSA s has no inverse")?;
    let u1 = (e * &w) % &c.n;
    let u2 = (&r * &w) % &c.n;
    let x = c.add(&c.mul(&u1, &c.g), &c.mul(&u2, &Some((qx, qy))));
    match x {
        Some((x, _)) if &x % &c.n == r => Ok(()),
        _ => Err("the Brainpool signature does not verify".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_constants_hold() {
        for b in [Brainpool::P256, Brainpool::P384, Brainpool::P512] {
            let c = Curve::new(b);
            let (gx, gy) = c.g.clone().unwrap();
            assert!(c.on_curve(&gx, &gy), "{b:?}: G not on the curve");
            // n·G is the point at infinity: n is G's order.
            assert!(c.mul(&c.n, &c.g).is_none(), "{b:?}: n·G is not infinity");
            assert!(c.mul(&(&c.n - 1u8), &c.g).is_some());
        }
    }

    #[test]
    fn rejects_bad_inputs_without_panicking() {
        let c = Curve::new(Brainpool::P256);
        let (gx, gy) = c.g.clone().unwrap();
        let mut q = vec![4u8];
        q.extend(gx.to_bytes_be());
        q.extend(gy.to_bytes_be());
        let d = [7u8; 32];
        assert!(verify(Brainpool::P256, &q, &d, &[0], &[1]).is_err());
        assert!(verify(Brainpool::P256, &q, &d, &[1], &[1]).is_err());
        assert!(verify(Brainpool::P256, &q[..10], &d, &[1], &[1]).is_err());
        let mut off = q.clone();
        off[40] ^= 1;
        assert!(verify(Brainpool::P256, &off, &d, &[1], &[1]).is_err());
        assert!(verify(Brainpool::P256, &q, &[], &[0xff; 40], &[1]).is_err());
    }

    #[test]
    fn sign_and_verify_round_trip() {
        // A signature made here with a known secret key d and nonce k:
        // r = (k·G).x mod n, s = k⁻¹(e + r·d) mod n.
        for b in [Brainpool::P256, Brainpool::P384, Brainpool::P512] {
            let c = Curve::new(b);
            let d = BigUint::from(0x1234_5678_9abc_def1u64);
            let k = BigUint::from(0x0fed_cba9_8765_4321u64);
            let digest = [0x5au8; 48];
            let (qx, qy) = c.mul(&d, &c.g).unwrap();
            let size = c.p.bits().div_ceil(8);
            let pad = |v: &BigUint| {
                let b = v.to_bytes_be();
                let mut out = vec![0u8; size - b.len()];
                out.extend(b);
                out
            };
            let mut q = vec![4u8];
            q.extend(pad(&qx));
            q.extend(pad(&qy));
            let mut e = BigUint::from_bytes_be(&digest);
            if digest.len() * 8 > c.n.bits() {
                e >>= digest.len() * 8 - c.n.bits();
            }
            let r = c.mul(&k, &c.g).unwrap().0 % &c.n;
            let kinv = k.mod_inverse(&c.n).unwrap().to_biguint().unwrap();
            let s = (kinv * (e + &r * &d)) % &c.n;
            verify(b, &q, &digest, &r.to_bytes_be(), &s.to_bytes_be()).unwrap();
            let mut other = digest;
            other[0] ^= 1;
            assert!(verify(b, &q, &other, &r.to_bytes_be(), &s.to_bytes_be()).is_err());
        }
    }
}
