//! Constant tables of the DEFLATE format (RFC 1951 section 3.2.5), computed
//! at compile time.

/// Number of literal/length codes (the two unused codes 286 and 287 are
/// never part of a dynamic tree).
pub(crate) const L_CODES: usize = 286;
/// Number of distance codes.
pub(crate) const D_CODES: usize = 30;
/// Number of code-length codes.
pub(crate) const BL_CODES: usize = 19;
/// The end-of-block symbol.
pub(crate) const END_BLOCK: usize = 256;
/// Number of length codes (257..285).
pub(crate) const LENGTH_CODES: usize = 29;
/// Longest code length of the literal/length and distance trees.
pub(crate) const MAX_BITS: u32 = 15;
/// Longest code length of the code-length tree.
pub(crate) const MAX_BL_BITS: u32 = 7;
/// Code-length symbols: repeat previous 3-6 times, zeros 3-10, zeros 11-138.
pub(crate) const REP_3_6: usize = 16;
pub(crate) const REPZ_3_10: usize = 17;
pub(crate) const REPZ_11_138: usize = 18;

pub(crate) const EXTRA_LBITS: [u8; LENGTH_CODES] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
pub(crate) const EXTRA_DBITS: [u8; D_CODES] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
pub(crate) const EXTRA_BLBITS: [u8; BL_CODES] =
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];
/// The order in which code-length code lengths are sent.
pub(crate) const BL_ORDER: [usize; BL_CODES] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// `(length - 3)` to length code (0..28).
pub(crate) static LENGTH_CODE: [u8; 256] = length_code();
/// First `length - 3` of each length code.
pub(crate) static BASE_LENGTH: [u8; LENGTH_CODES] = base_length();
/// Distance code of `dist - 1` (< 256) or of `256 + ((dist - 1) >> 7)`.
pub(crate) static DIST_CODE: [u8; 512] = dist_code();
/// First `dist - 1` of each distance code.
pub(crate) static BASE_DIST: [u16; D_CODES] = base_dist();
/// Fixed literal/length code lengths (RFC 1951 3.2.6).
pub(crate) static STATIC_LLEN: [u8; 288] = static_llen();
/// Fixed literal/length codes, bit-reversed for LSB-first output.
pub(crate) static STATIC_LCODE: [u16; 288] = static_lcode();
/// Fixed distance codes (5 bits each), bit-reversed.
pub(crate) static STATIC_DCODE: [u16; D_CODES] = static_dcode();

const fn length_code() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut length = 0usize;
    let mut code = 0;
    while code < LENGTH_CODES - 1 {
        let mut n = 0;
        while n < (1 << EXTRA_LBITS[code]) {
            t[length] = code as u8;
            length += 1;
            n += 1;
        }
        code += 1;
    }
    // Length 258 has its own code (285) with no extra bits.
    t[255] = (LENGTH_CODES - 1) as u8;
    t
}

const fn base_length() -> [u8; LENGTH_CODES] {
    let mut t = [0u8; LENGTH_CODES];
    let mut length = 0usize;
    let mut code = 0;
    while code < LENGTH_CODES - 1 {
        t[code] = length as u8;
        length += 1 << EXTRA_LBITS[code];
        code += 1;
    }
    t[LENGTH_CODES - 1] = 255;
    t
}

const fn base_dist() -> [u16; D_CODES] {
    let mut t = [0u16; D_CODES];
    let mut dist = 0usize;
    let mut code = 0;
    while code < D_CODES {
        t[code] = dist as u16;
        dist += 1 << EXTRA_DBITS[code];
        code += 1;
    }
    t
}

const fn dist_code() -> [u8; 512] {
    let mut t = [0u8; 512];
    let mut code = 0;
    while code < D_CODES {
        let base = base_dist()[code] as usize;
        let n = 1usize << EXTRA_DBITS[code];
        let mut i = 0;
        while i < n {
            let d = base + i;
            if d < 256 {
                t[d] = code as u8;
            } else if d & 127 == 0 {
                t[256 + (d >> 7)] = code as u8;
            }
            i += 1;
        }
        code += 1;
    }
    t
}

/// Distance code of `dist - 1`.
#[inline(always)]
pub(crate) fn d_code(dist: usize) -> usize {
    if dist < 256 {
        DIST_CODE[dist] as usize
    } else {
        DIST_CODE[256 + (dist >> 7)] as usize
    }
}

const fn static_llen() -> [u8; 288] {
    let mut t = [0u8; 288];
    let mut n = 0;
    while n < 288 {
        t[n] = if n < 144 {
            8
        } else if n < 256 {
            9
        } else if n < 280 {
            7
        } else {
            8
        };
        n += 1;
    }
    t
}

/// Reverses the low `len` bits of `code`.
pub(crate) const fn bi_reverse(mut code: u32, mut len: u32) -> u32 {
    let mut res = 0;
    while len > 0 {
        res = (res << 1) | (code & 1);
        code >>= 1;
        len -= 1;
    }
    res
}

const fn static_lcode() -> [u16; 288] {
    let lens = static_llen();
    let mut bl_count = [0u16; 16];
    let mut n = 0;
    while n < 288 {
        bl_count[lens[n] as usize] += 1;
        n += 1;
    }
    let mut next = [0u16; 16];
    let mut code = 0u16;
    let mut bits = 1;
    while bits <= 15 {
        code = (code + bl_count[bits - 1]) << 1;
        next[bits] = code;
        bits += 1;
    }
    let mut t = [0u16; 288];
    n = 0;
    while n < 288 {
        let l = lens[n] as usize;
        t[n] = bi_reverse(next[l] as u32, l as u32) as u16;
        next[l] += 1;
        n += 1;
    }
    t
}

const fn static_dcode() -> [u16; D_CODES] {
    let mut t = [0u16; D_CODES];
    let mut n = 0;
    while n < D_CODES {
        t[n] = bi_reverse(n as u32, 5) as u16;
        n += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_distance_codes_match_rfc1951() {
        // RFC 1951 3.2.5: length 3 -> 257, 11..12 -> 265, 258 -> 285.
        assert_eq!(LENGTH_CODE[0], 0);
        assert_eq!(LENGTH_CODE[8], 8);
        assert_eq!(LENGTH_CODE[9], 8);
        assert_eq!(LENGTH_CODE[254], 27);
        assert_eq!(LENGTH_CODE[255], 28);
        assert_eq!(BASE_LENGTH[27], 227 - 3);
        // Distance 1 -> 0, 5..6 -> 4, 24577..32768 -> 29.
        assert_eq!(d_code(0), 0);
        assert_eq!(d_code(4), 4);
        assert_eq!(d_code(5), 4);
        assert_eq!(d_code(24576), 29);
        assert_eq!(d_code(32767), 29);
        assert_eq!(BASE_DIST[29], 24576);
        // Fixed codes: literal 0 is 00110000 (sent reversed).
        assert_eq!(STATIC_LCODE[0], bi_reverse(0b0011_0000, 8) as u16);
        assert_eq!(STATIC_LCODE[256], 0);
    }
}
