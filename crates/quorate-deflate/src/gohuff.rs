//! Huffman codes the way Go's `compress/flate` builds them (every Go
//! release so far): symbols sorted by (frequency, symbol), code lengths
//! from a length-limited "package-merge"-style walk over the levels of the
//! tree, then canonical codes assigned in symbol order within each length.
//! The lengths can differ from gzip's heap-built tree whenever frequencies
//! tie, so Go's streams need their own builder. [`DynamicHeader`] sends
//! them in a dynamic block's header as Go does.

use crate::bits::BitWriter;
use crate::tables::BL_ORDER;

/// One code: the bit pattern (already reversed for LSB-first output) and
/// its length; length 0 is "no code".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Code {
    pub(crate) bits: u16,
    pub(crate) len: u8,
}

/// A Huffman code table for an alphabet.
#[derive(Debug, Clone)]
pub(crate) struct HuffEnc {
    pub(crate) codes: Vec<Code>,
}

/// Reverses the low `n` bits of `x`.
fn reverse(x: u16, n: u8) -> u16 {
    x.reverse_bits() >> (16 - n as u32)
}

impl HuffEnc {
    pub(crate) fn new(size: usize) -> Self {
        HuffEnc {
            codes: vec![Code::default(); size],
        }
    }

    /// The fixed literal/length code of RFC 1951 3.2.6 (286 symbols).
    pub(crate) fn fixed_literals() -> Self {
        let mut h = HuffEnc::new(286);
        for (ch, c) in h.codes.iter_mut().enumerate() {
            let ch = ch as u16;
            let (bits, len) = match ch {
                0..=143 => (ch + 48, 8),
                144..=255 => (ch + 400 - 144, 9),
                256..=279 => (ch - 256, 7),
                _ => (ch + 192 - 280, 8),
            };
            *c = Code {
                bits: reverse(bits, len),
                len,
            };
        }
        h
    }

    /// The fixed distance code: 5 bits each (30 symbols).
    pub(crate) fn fixed_offsets() -> Self {
        let mut h = HuffEnc::new(30);
        for (ch, c) in h.codes.iter_mut().enumerate() {
            *c = Code {
                bits: reverse(ch as u16, 5),
                len: 5,
            };
        }
        h
    }

    /// The offset code of Go's Huffman-only blocks (`writeBlockHuff`):
    /// built for offset 0 alone (30 symbols, one of them used).
    pub(crate) fn huff_offsets() -> Self {
        let mut h = HuffEnc::new(30);
        let mut f = [0u32; 30];
        f[0] = 1;
        h.generate(&f, 15);
        h
    }

    /// Bits needed to send symbols with these frequencies.
    pub(crate) fn bit_length(&self, freq: &[u32]) -> u64 {
        freq.iter()
            .zip(&self.codes)
            .map(|(&f, c)| f as u64 * c.len as u64)
            .sum()
    }

    /// Like [`HuffEnc::bit_length`], but `None` if a used symbol has no
    /// code.
    pub(crate) fn can_encode_len(&self, freq: &[u32]) -> Option<u64> {
        let mut total = 0;
        for (&f, c) in freq.iter().zip(&self.codes) {
            if f != 0 {
                if c.len == 0 {
                    return None;
                }
                total += f as u64 * c.len as u64;
            }
        }
        Some(total)
    }

    /// Rebuilds the code for `freq` (one entry per symbol) with codes no
    /// longer than `max_bits`. Codes of symbols past `freq.len()` are left
    /// as they were (Go leaves them too, and some callers rely on it only
    /// harmlessly).
    pub(crate) fn generate(&mut self, freq: &[u32], max_bits: u32) {
        let mut list: Vec<(u32, u16)> = Vec::with_capacity(freq.len());
        for (i, &f) in freq.iter().enumerate() {
            if f != 0 {
                list.push((f, i as u16));
            } else {
                self.codes[i].len = 0;
            }
        }
        if list.len() <= 2 {
            // One or two symbols: one bit each, in symbol order.
            for (i, &(_, sym)) in list.iter().enumerate() {
                self.codes[sym as usize] = Code {
                    bits: i as u16,
                    len: 1,
                };
            }
            return;
        }
        list.sort_unstable();
        let counts = bit_counts(&list, max_bits);
        // The least frequent symbols get the longest codes: walk lengths
        // from short to long, taking symbols from the frequent end.
        let mut code = 0u16;
        let mut end = list.len();
        let mut chunk: Vec<u16> = Vec::new();
        for (n, &count) in counts.iter().enumerate() {
            code <<= 1;
            if n == 0 || count == 0 {
                continue;
            }
            let start = end - count as usize;
            chunk.clear();
            chunk.extend(list[start..end].iter().map(|&(_, s)| s));
            chunk.sort_unstable();
            for &sym in &chunk {
                self.codes[sym as usize] = Code {
                    bits: reverse(code, n as u8),
                    len: n as u8,
                };
                code = code.wrapping_add(1);
            }
            end = start;
        }
    }
}

/// Marks the end of [`DynamicHeader`]'s symbol list.
const BAD: u8 = 255;

/// The header of a dynamic block the way Go writes it (every Go release):
/// the literal and offset code lengths as code-length symbols with Go's
/// run cutting (RFC 1951 3.2.7), their own Huffman code, and the writing
/// of it all.
#[derive(Debug, Clone)]
pub(crate) struct DynamicHeader {
    /// The code-length code (19 symbols, at most 7 bits).
    cg: HuffEnc,
    /// How often each code-length symbol is sent.
    cg_freq: [u32; 19],
    /// The code-length symbols (each of 16-18 followed by its extra
    /// value), ended by [`BAD`].
    codegen: Vec<u8>,
}

impl DynamicHeader {
    pub(crate) fn new() -> Self {
        DynamicHeader {
            cg: HuffEnc::new(19),
            cg_freq: [0; 19],
            codegen: Vec::with_capacity(286 + 30 + 1),
        }
    }

    /// Makes the header for these literal/length and offset codes (their
    /// first symbols only: the ones the header sends), and the
    /// code-length code for it.
    pub(crate) fn generate(&mut self, lit: &[Code], off: &[Code]) {
        let lens: Vec<u8> = lit.iter().chain(off).map(|c| c.len).collect();
        self.cg_freq = [0; 19];
        let (out, freq) = (&mut self.codegen, &mut self.cg_freq);
        out.clear();
        let mut i = 0;
        while i < lens.len() {
            let size = lens[i];
            let mut count = 1;
            while i + count < lens.len() && lens[i + count] == size {
                count += 1;
            }
            i += count;
            let mut left = count as i32;
            if size != 0 {
                out.push(size);
                freq[size as usize] += 1;
                left -= 1;
                while left >= 3 {
                    let n = left.min(6);
                    out.extend([16, (n - 3) as u8]);
                    freq[16] += 1;
                    left -= n;
                }
            } else {
                while left >= 11 {
                    let n = left.min(138);
                    out.extend([18, (n - 11) as u8]);
                    freq[18] += 1;
                    left -= n;
                }
                if left >= 3 {
                    out.extend([17, (left - 3) as u8]);
                    freq[17] += 1;
                    left = 0;
                }
            }
            for _ in 0..left {
                out.push(size);
                freq[size as usize] += 1;
            }
        }
        out.push(BAD);
        self.cg.generate(&self.cg_freq, 7);
    }

    /// How many code-length code lengths the header sends (4-19).
    pub(crate) fn num_codegens(&self) -> usize {
        let mut n = 19;
        while n > 4 && self.cg_freq[BL_ORDER[n - 1]] == 0 {
            n -= 1;
        }
        n
    }

    /// The header's size in bits, block type bits included.
    pub(crate) fn size(&self) -> u64 {
        3 + 5
            + 5
            + 4
            + 3 * self.num_codegens() as u64
            + self.cg.bit_length(&self.cg_freq)
            + self.cg_freq[16] as u64 * 2
            + self.cg_freq[17] as u64 * 3
            + self.cg_freq[18] as u64 * 7
    }

    /// Writes the header of a dynamic block with `nlit` literal/length and
    /// `noff` offset codes (the counts given to [`DynamicHeader::generate`]).
    pub(crate) fn write(&self, b: &mut BitWriter, nlit: usize, noff: usize, eof: bool) {
        let ncg = self.num_codegens();
        b.send(if eof { 5 } else { 4 }, 3);
        b.send(nlit as u32 - 257, 5);
        b.send(noff as u32 - 1, 5);
        b.send(ncg as u32 - 4, 4);
        for &o in &BL_ORDER[..ncg] {
            b.send(self.cg.codes[o].len as u32, 3);
        }
        let mut i = 0;
        loop {
            let sym = self.codegen[i];
            i += 1;
            if sym == BAD {
                break;
            }
            let c = self.cg.codes[sym as usize];
            b.send(c.bits as u32, c.len as u32);
            let extra = match sym {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => continue,
            };
            b.send(self.codegen[i] as u32, extra);
            i += 1;
        }
    }
}

/// How many symbols get each code length (index = length), for `list`
/// sorted by increasing (frequency, symbol), at least three symbols.
/// A bottom-up walk over the tree levels: each level keeps the frequency of
/// its last node and of the next leaf and next pair it could take, and the
/// number of leaves to the left of each ancestor of its rightmost node.
fn bit_counts(list: &[(u32, u16)], max_bits: u32) -> Vec<u32> {
    const NONE: u64 = i32::MAX as u64;
    let n = list.len();
    let max_bits = (max_bits as usize).min(n - 1);
    let leaf = |i: usize| -> u64 { if i < n { list[i].0 as u64 } else { NONE } };
    #[derive(Clone, Copy, Default)]
    struct Level {
        last: u64,
        next_char: u64,
        next_pair: u64,
        needed: i64,
    }
    let mut levels = [Level::default(); 17];
    let mut leaves = [[0u32; 17]; 17];
    for lv in 1..=max_bits {
        levels[lv] = Level {
            last: leaf(1),
            next_char: leaf(2),
            next_pair: if lv == 1 { NONE } else { leaf(0) + leaf(1) },
            needed: 0,
        };
        leaves[lv][lv] = 2;
    }
    levels[max_bits].needed = 2 * n as i64 - 4;
    let mut lv = max_bits;
    loop {
        let l = levels[lv];
        if l.next_pair == NONE && l.next_char == NONE {
            // Out of leaves and pairs on this level: move up for good.
            levels[lv].needed = 0;
            levels[lv + 1].next_pair = NONE;
            lv += 1;
            continue;
        }
        let prev = l.last;
        if l.next_char < l.next_pair {
            // The next node on this level is a leaf.
            let k = leaves[lv][lv] + 1;
            levels[lv].last = l.next_char;
            leaves[lv][lv] = k;
            levels[lv].next_char = leaf(k as usize);
        } else {
            // A pair from the level below.
            levels[lv].last = l.next_pair;
            let (lo, hi) = leaves.split_at_mut(lv);
            hi[0][..lv].copy_from_slice(&lo[lv - 1][..lv]);
            levels[lv - 1].needed = 2;
        }
        levels[lv].needed -= 1;
        if levels[lv].needed == 0 {
            if lv == max_bits {
                break;
            }
            levels[lv + 1].next_pair = prev + levels[lv].last;
            lv += 1;
        } else {
            while levels[lv - 1].needed > 0 {
                lv -= 1;
            }
        }
    }
    debug_assert_eq!(leaves[max_bits][max_bits] as usize, n);
    let mut counts = vec![0u32; max_bits + 1];
    let row = &leaves[max_bits];
    for (bits, lv) in (1..=max_bits).rev().enumerate() {
        counts[bits + 1] = row[lv] - row[lv - 1];
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_limited_and_complete() {
        // Fibonacci frequencies force a deep tree; 15 bits must hold.
        let mut freq = vec![0u32; 30];
        let (mut a, mut b) = (1u32, 1u32);
        for f in freq.iter_mut() {
            *f = a;
            (a, b) = (b, a.saturating_add(b).min(60_000));
        }
        let mut h = HuffEnc::new(30);
        h.generate(&freq, 15);
        let kraft: f64 = h.codes.iter().map(|c| 0.5f64.powi(c.len as i32)).sum();
        assert!(h.codes.iter().all(|c| (1..=15).contains(&c.len)));
        assert!((kraft - 1.0).abs() < 1e-9, "{kraft}");
        h.generate(&freq[..19], 7);
        assert!(h.codes[..19].iter().all(|c| (1..=7).contains(&c.len)));
    }

    #[test]
    fn one_or_two_symbols_get_one_bit() {
        let mut h = HuffEnc::new(30);
        h.generate(&[0, 5, 0, 0], 15);
        assert_eq!(h.codes[1], Code { bits: 0, len: 1 });
        h.generate(&[3, 0, 0, 9], 15);
        assert_eq!(h.codes[0], Code { bits: 0, len: 1 });
        assert_eq!(h.codes[3], Code { bits: 1, len: 1 });
    }
}
