//! The block writer of Go 1.27's `compress/flate`. Unlike the earlier one
//! it can keep a dynamic Huffman table open across blocks: a new block
//! reuses the previous table (no end-of-block, no header) when every
//! symbol it needs has a code and a fresh table is not estimated to be
//! smaller — the estimate being the previous header's size plus a
//! Shannon-style bound from the block's histograms (computed in `f32`
//! with a polynomial log2, as Go does) plus a level-dependent penalty.
//! Small blocks (under 250 tokens) may use the fixed code; a block is
//! stored when that is no larger. The stream ends with an empty fixed
//! final block (`03 00` after alignment).

use crate::bits::BitWriter;
use crate::gohuff::{Code, DynamicHeader, HuffEnc};
use crate::tables::{BASE_DIST, BASE_LENGTH, DIST_CODE, EXTRA_DBITS, EXTRA_LBITS, LENGTH_CODE};

/// A literal (< 256), the end-of-block marker (256), or [`MATCH`] |
/// (length − 3) << 16 | (distance − 1).
pub(crate) type Token = u32;
pub(crate) const MATCH: u32 = 1 << 31;
const EOB: Token = 256;
const LIT_CODES: usize = 286;
const OFF_CODES: usize = 30;
const MAX_STORE: usize = 65535;
const MAX_PREDEFINED: usize = 250;

/// Go's offset code of `off` (distance − 1; `offsetCode`), also used
/// with a distance in the lazy matcher's gain estimate.
#[inline(always)]
pub(crate) fn off_code(off: usize) -> usize {
    if off < 256 {
        DIST_CODE[off] as usize
    } else {
        DIST_CODE[(off >> 7) & 0xff] as usize + 14
    }
}

/// A block's tokens with their histograms, as the matchers fill them.
pub(crate) struct Tokens {
    pub(crate) toks: Vec<Token>,
    pub(crate) lit_hist: [u32; 256],
    /// End-of-block (0) and length codes + 1.
    pub(crate) extra_hist: [u32; 32],
    pub(crate) off_hist: [u32; 32],
}

impl Tokens {
    pub(crate) fn new() -> Self {
        Tokens {
            toks: Vec::with_capacity(1 << 16),
            lit_hist: [0; 256],
            extra_hist: [0; 32],
            off_hist: [0; 32],
        }
    }

    pub(crate) fn reset(&mut self) {
        if self.toks.is_empty() {
            return;
        }
        self.toks.clear();
        self.lit_hist = [0; 256];
        self.extra_hist = [0; 32];
        self.off_hist = [0; 32];
    }

    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    #[inline(always)]
    pub(crate) fn literal(&mut self, b: u8) {
        self.toks.push(b as Token);
        self.lit_hist[b as usize] += 1;
    }

    pub(crate) fn literals(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.literal(b);
        }
    }

    /// A match of `len` (3-258) at `xoff` = distance − 1.
    #[inline(always)]
    pub(crate) fn add_match(&mut self, len: usize, xoff: usize) {
        let xlen = len - 3;
        self.extra_hist[LENGTH_CODE[xlen] as usize + 1] += 1;
        self.off_hist[off_code(xoff)] += 1;
        self.toks.push(MATCH | ((xlen as u32) << 16) | xoff as u32);
    }

    /// A match of any length, split into pieces of at most 258 that each
    /// leave at least 3 for the next.
    pub(crate) fn add_match_long(&mut self, mut len: usize, xoff: usize) {
        while len > 0 {
            let mut l = len;
            if l > 258 {
                l = if l > 258 + 3 { 258 } else { 258 - 3 };
            }
            len -= l;
            self.add_match(l, xoff);
        }
    }

    fn add_eob(&mut self) {
        self.toks.push(EOB);
        self.extra_hist[0] += 1;
    }

    /// Go's estimate of the block's size with an optimal fresh table.
    fn estimated_bits(&self) -> u64 {
        let mut shannon = 0f32;
        let mut bits = 0u64;
        let mut matches = 0u64;
        let total = self.toks.len();
        let cost = |v: u32, inv: f32| (-fast_log2(v as f32 * inv)).clamp(1.0, 15.0) * v as f32;
        if total > 0 {
            let inv = 1.0 / total as f32;
            for &v in &self.lit_hist {
                if v > 0 {
                    shannon += cost(v, inv);
                }
            }
            shannon += 15.0;
            for (i, &v) in self.extra_hist[1..LIT_CODES - 256].iter().enumerate() {
                if v > 0 {
                    shannon += cost(v, inv);
                    bits += EXTRA_LBITS[i] as u64 * v as u64;
                    matches += v as u64;
                }
            }
        }
        if matches > 0 {
            let inv = 1.0 / matches as f32;
            for (i, &v) in self.off_hist[..OFF_CODES].iter().enumerate() {
                if v > 0 {
                    shannon += cost(v, inv);
                    bits += EXTRA_DBITS[i] as u64 * v as u64;
                }
            }
        }
        shannon as u64 + bits
    }
}

/// Go's polynomial approximation of log2 (exponent plus a quadratic in
/// the mantissa), in `f32`.
#[allow(clippy::excessive_precision)]
fn fast_log2(val: f32) -> f32 {
    let mut ux = val.to_bits() as i32;
    let mut log2 = (((ux >> 23) & 255) - 128) as f32;
    ux &= -0x7f80_0001;
    ux += 127 << 23;
    let u = f32::from_bits(ux as u32);
    // Go's constants, rounded to f32 as Go rounds them.
    log2 += ((-0.344_848_43_f32) * u + 2.024_665_78_f32) * u - 0.674_877_59_f32;
    log2
}

/// Per-stream state of the Go 1.27 block writer.
pub(crate) struct BlockWriter {
    pub(crate) bits: BitWriter,
    lit: HuffEnc,
    tmp_lit: HuffEnc,
    off: HuffEnc,
    fixed_lit: HuffEnc,
    fixed_off: HuffEnc,
    huff_off: HuffEnc,
    lit_freq: [u32; 289],
    off_freq: [u32; 32],
    header: DynamicHeader,
    /// The open table's header size in bits (0: no table open).
    prev_header: u64,
    /// The open table was made for literals only.
    wrote_huffman: bool,
    penalty_log: u32,
}

impl BlockWriter {
    pub(crate) fn new(capacity: usize, penalty_log: u32) -> Self {
        BlockWriter {
            bits: BitWriter::with_capacity(capacity),
            lit: HuffEnc::new(LIT_CODES),
            tmp_lit: HuffEnc::new(LIT_CODES),
            off: HuffEnc::new(OFF_CODES),
            fixed_lit: HuffEnc::fixed_literals(),
            fixed_off: HuffEnc::fixed_offsets(),
            huff_off: HuffEnc::huff_offsets(),
            lit_freq: [0; 289],
            off_freq: [0; 32],
            header: DynamicHeader::new(),
            prev_header: 0,
            wrote_huffman: false,
            penalty_log,
        }
    }

    fn send(&mut self, c: Code) {
        self.bits.send(c.bits as u32, c.len as u32);
    }

    /// Ends the open table's block, if one is open.
    fn close_table(&mut self) {
        if self.prev_header > 0 {
            let c = self.lit.codes[EOB as usize];
            self.send(c);
            self.prev_header = 0;
        }
    }

    /// A stored block header; an empty final one becomes a fixed block.
    pub(crate) fn stored_header(&mut self, len: usize, eof: bool) {
        self.close_table();
        if len == 0 && eof {
            self.fixed_header(true);
            self.bits.send(0, 7);
            self.flush();
            return;
        }
        self.bits.send(eof as u32, 3);
        self.flush();
        self.bits.send(len as u32, 16);
        self.bits.send(!(len as u16) as u32, 16);
    }

    pub(crate) fn stored(&mut self, input: &[u8], eof: bool) {
        self.stored_header(input.len(), eof);
        self.bits.bytes(input);
    }

    /// Closes any open table and pads to a byte boundary.
    pub(crate) fn flush(&mut self) {
        self.close_table();
        self.bits.windup();
    }

    fn fixed_header(&mut self, eof: bool) {
        self.close_table();
        self.bits.send(if eof { 3 } else { 2 }, 3);
    }

    fn index_tokens(&mut self, t: &Tokens) -> (usize, usize) {
        self.lit_freq[..256].copy_from_slice(&t.lit_hist);
        self.lit_freq[256..288].copy_from_slice(&t.extra_hist);
        self.off_freq = t.off_hist;
        if t.toks.is_empty() {
            return (0, 0);
        }
        let mut nlit = self.lit_freq.len();
        while self.lit_freq[nlit - 1] == 0 {
            nlit -= 1;
        }
        let mut noff = self.off_freq.len();
        while noff > 0 && self.off_freq[noff - 1] == 0 {
            noff -= 1;
        }
        if noff == 0 {
            self.off_freq[0] = 1;
            noff = 1;
        }
        (nlit, noff)
    }

    fn can_reuse(&self, t: &Tokens) -> bool {
        let missing = |hist: &[u32], codes: &[Code]| {
            hist.iter().zip(codes).any(|(&v, c)| v != 0 && c.len == 0)
        };
        !(missing(&t.off_hist[..OFF_CODES], &self.off.codes)
            || missing(&t.extra_hist[..LIT_CODES - 256], &self.lit.codes[256..])
            || missing(&t.lit_hist, &self.lit.codes[..256]))
    }

    fn extra_bits(&self) -> u64 {
        let l: u64 = self.lit_freq[257..LIT_CODES]
            .iter()
            .zip(&EXTRA_LBITS)
            .map(|(&n, &x)| n as u64 * x as u64)
            .sum();
        let o: u64 = self.off_freq[..OFF_CODES]
            .iter()
            .zip(&EXTRA_DBITS)
            .map(|(&n, &x)| n as u64 * x as u64)
            .sum();
        l + o
    }

    fn fixed_size(&self, extra: u64) -> u64 {
        3 + self.fixed_lit.bit_length(&self.lit_freq)
            + self.fixed_off.bit_length(&self.off_freq)
            + extra
    }

    fn generate_codegen(&mut self, nlit: usize, noff: usize, huff_off: bool) {
        let off = if huff_off { &self.huff_off } else { &self.off };
        self.header
            .generate(&self.lit.codes[..nlit], &off.codes[..noff]);
    }

    fn dynamic_header(&mut self, nlit: usize, noff: usize, eof: bool) {
        self.header.write(&mut self.bits, nlit, noff, eof);
    }

    /// Writes `t` (Go's `writeBlockDynamic`): reusing the open table,
    /// opening a new one, or as a fixed or stored block. Without `sync`
    /// or `eof` a newly opened table stays open for the next block.
    pub(crate) fn write_block_dynamic(
        &mut self,
        t: &mut Tokens,
        eof: bool,
        input: Option<&[u8]>,
        sync: bool,
    ) {
        let sync = sync || eof;
        if sync {
            t.add_eob();
        } else {
            t.extra_hist[0] = 1;
        }
        if (self.wrote_huffman || eof) && self.prev_header > 0 {
            self.close_table();
            self.wrote_huffman = false;
        }
        if self.prev_header > 0 && !self.can_reuse(t) {
            self.close_table();
        }
        let (nlit, noff) = self.index_tokens(t);
        let storable = input.filter(|i| i.len() <= MAX_STORE);
        let ssize = storable.map(|i| (i.len() as u64 + 5) * 8);
        let mut extra = 0;
        if storable.is_some() || self.prev_header > 0 {
            extra = self.extra_bits();
        }
        let stored_fits = |size: u64| ssize.is_some_and(|s| s <= size);
        let mut size;
        if self.prev_header > 0 {
            let mut new_size = self.prev_header + t.estimated_bits();
            new_size += self.lit.codes[EOB as usize].len as u64 + (new_size >> self.penalty_log);
            let reuse_size =
                self.lit.bit_length(&self.lit_freq) + self.off.bit_length(&self.off_freq) + extra;
            if new_size < reuse_size {
                self.close_table();
                size = new_size;
            } else {
                size = reuse_size;
            }
            if t.len() < MAX_PREDEFINED && self.fixed_size(extra) + 7 < size {
                if stored_fits(size) {
                    return self.stored(storable.unwrap_or(&[]), eof);
                }
                return self.fixed_block(t, eof, sync);
            }
            if stored_fits(size) {
                return self.stored(storable.unwrap_or(&[]), eof);
            }
        }
        if self.prev_header == 0 {
            self.lit_freq[EOB as usize] = 1;
            self.lit.generate(&self.lit_freq[..LIT_CODES], 15);
            self.off.generate(&self.off_freq[..OFF_CODES], 15);
            self.generate_codegen(nlit, noff, false);
            size = self.header.size()
                + self.lit.bit_length(&self.lit_freq)
                + self.off.bit_length(&self.off_freq)
                + extra;
            if t.len() < MAX_PREDEFINED {
                let pre = self.fixed_size(extra);
                if pre <= size {
                    if stored_fits(pre) {
                        return self.stored(storable.unwrap_or(&[]), eof);
                    }
                    return self.fixed_block(t, eof, sync);
                }
            }
            if stored_fits(size) {
                return self.stored(storable.unwrap_or(&[]), eof);
            }
            self.dynamic_header(nlit, noff, eof);
            if !sync {
                self.prev_header = self.header.size();
            }
            self.wrote_huffman = false;
        }
        if sync {
            self.prev_header = 0;
        }
        self.tokens(&t.toks, false);
    }

    fn fixed_block(&mut self, t: &mut Tokens, eof: bool, sync: bool) {
        self.fixed_header(eof);
        if !sync {
            t.add_eob();
        }
        self.tokens(&t.toks, true);
    }

    /// Sends tokens; a final end-of-block token is sent last, as a code.
    fn tokens(&mut self, toks: &[Token], fixed: bool) {
        let (lit, off) = if fixed {
            (&self.fixed_lit, &self.fixed_off)
        } else {
            (&self.lit, &self.off)
        };
        let b = &mut self.bits;
        for &t in toks {
            if t & MATCH == 0 {
                let c = lit.codes[t as usize];
                b.send(c.bits as u32, c.len as u32);
                continue;
            }
            let xlen = ((t >> 16) & 0xff) as usize;
            let lc = LENGTH_CODE[xlen] as usize;
            let c = lit.codes[257 + lc];
            b.send(c.bits as u32, c.len as u32);
            if EXTRA_LBITS[lc] > 0 {
                b.send(
                    (xlen - BASE_LENGTH[lc] as usize) as u32,
                    EXTRA_LBITS[lc] as u32,
                );
            }
            let xoff = (t & 0xffff) as usize;
            let oc = off_code(xoff);
            let c = off.codes[oc];
            b.send(c.bits as u32, c.len as u32);
            if EXTRA_DBITS[oc] > 0 {
                b.send(
                    (xoff - BASE_DIST[oc] as usize) as u32,
                    EXTRA_DBITS[oc] as u32,
                );
            }
        }
    }

    /// Go's `writeBlockHuff`: the bytes as literals, reusing an open table
    /// when that is estimated no worse, or stored when nearly uniform or
    /// not worth it.
    pub(crate) fn write_block_huff(&mut self, eof: bool, input: &[u8], sync: bool) {
        self.lit_freq = [0; 289];
        if !self.wrote_huffman {
            self.off_freq = [0; 32];
        }
        for &b in input {
            self.lit_freq[b as usize] += 1;
        }
        let storable = input.len() <= MAX_STORE;
        let ssize = (input.len() as u64 + 5) * 8;
        if storable && input.len() > 1024 {
            // Nearly uniform byte frequencies: store without trying.
            let avg = input.len() as f64 / 256.0;
            let max = (input.len() * 2) as f64;
            let mut abs = 0f64;
            for &v in &self.lit_freq[..256] {
                let diff = v as f64 - avg;
                abs += diff * diff;
                if abs >= max {
                    break;
                }
            }
            if abs < max {
                return self.stored(input, eof);
            }
        }
        self.lit_freq[EOB as usize] = 1;
        self.tmp_lit.generate(&self.lit_freq[..257], 15);
        let mut est = self.tmp_lit.bit_length(&self.lit_freq[..257]);
        est += self.prev_header;
        if self.prev_header == 0 {
            est += 70 * 8;
        }
        est += est >> self.penalty_log;
        if storable && ssize <= est {
            return self.stored(input, eof);
        }
        if self.prev_header > 0 {
            let reuse = self.lit.can_encode_len(&self.lit_freq[..256]);
            if reuse.is_none_or(|r| est < r) {
                self.close_table();
            }
        }
        if self.prev_header == 0 {
            std::mem::swap(&mut self.lit, &mut self.tmp_lit);
            self.generate_codegen(257, 1, true);
            self.dynamic_header(257, 1, eof);
            self.wrote_huffman = true;
            self.prev_header = self.header.size();
        }
        let codes = &self.lit.codes;
        for &b in input {
            let c = codes[b as usize];
            self.bits.send(c.bits as u32, c.len as u32);
        }
        if eof || sync {
            let c = self.lit.codes[EOB as usize];
            self.send(c);
            self.prev_header = 0;
            self.wrote_huffman = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_log2_is_close() {
        for v in [0.001f32, 0.1, 0.5, 1.0, 3.0, 1000.0] {
            assert!((fast_log2(v) - v.log2()).abs() < 0.01, "{v}");
        }
    }
}
