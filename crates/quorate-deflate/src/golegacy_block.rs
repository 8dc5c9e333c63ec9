//! The block writer of Go's `compress/flate` up to Go 1.26: each block of
//! tokens becomes a stored, fixed-Huffman or dynamic-Huffman block by
//! comparing exact bit counts, with Go's own code builder
//! ([`crate::gohuff`]) and its code-length run encoding. Levels 2-9 price
//! all three kinds; level 1 and Huffman-only blocks are dynamic unless
//! storing saves more than about 1/16.

use crate::bits::BitWriter;
use crate::gohuff::{Code, DynamicHeader, HuffEnc};
use crate::tables::{BASE_DIST, BASE_LENGTH, EXTRA_DBITS, EXTRA_LBITS, LENGTH_CODE, d_code};

/// A token: a literal byte (< 256) or [`MATCH`] | (length − 3) << 16 |
/// (distance − 1).
pub(crate) type Token = u32;
pub(crate) const MATCH: u32 = 1 << 31;

/// A match token of `len` (3-258) bytes at `dist` (1-32768).
#[inline(always)]
pub(crate) fn match_token(len: usize, dist: usize) -> Token {
    MATCH | ((len as u32 - 3) << 16) | (dist as u32 - 1)
}

const LIT_CODES: usize = 286;
const OFF_CODES: usize = 30;
const END_BLOCK: usize = 256;
const MAX_STORE: usize = 65535;

/// Per-stream state of the block writer.
pub(crate) struct BlockWriter {
    pub(crate) bits: BitWriter,
    lit_freq: [u32; LIT_CODES],
    off_freq: [u32; OFF_CODES],
    lit: HuffEnc,
    off: HuffEnc,
    header: DynamicHeader,
    fixed_lit: HuffEnc,
    fixed_off: HuffEnc,
    huff_off: HuffEnc,
}

impl BlockWriter {
    pub(crate) fn new(capacity: usize) -> Self {
        BlockWriter {
            bits: BitWriter::with_capacity(capacity),
            lit_freq: [0; LIT_CODES],
            off_freq: [0; OFF_CODES],
            lit: HuffEnc::new(LIT_CODES),
            off: HuffEnc::new(OFF_CODES),
            header: DynamicHeader::new(),
            fixed_lit: HuffEnc::fixed_literals(),
            fixed_off: HuffEnc::fixed_offsets(),
            huff_off: HuffEnc::huff_offsets(),
        }
    }

    /// A stored block header of `len` bytes (the data follows with
    /// [`BlockWriter::bytes`]).
    pub(crate) fn stored_header(&mut self, len: usize, eof: bool) {
        self.bits.send(eof as u32, 3);
        self.bits.windup();
        self.bits.send(len as u32, 16);
        self.bits.send(!(len as u16) as u32, 16);
    }

    pub(crate) fn bytes(&mut self, data: &[u8]) {
        self.bits.bytes(data);
    }

    /// Pads the output to a byte boundary.
    pub(crate) fn flush(&mut self) {
        self.bits.windup();
    }

    /// Counts the tokens (plus an end-of-block) into the frequency tables
    /// and builds the literal and offset codes; returns how many literal
    /// and offset codes are sent.
    fn index_tokens(&mut self, tokens: &[Token]) -> (usize, usize) {
        self.lit_freq = [0; LIT_CODES];
        self.off_freq = [0; OFF_CODES];
        for &t in tokens {
            if t & MATCH == 0 {
                self.lit_freq[t as usize] += 1;
            } else {
                let xlen = ((t >> 16) & 0xff) as usize;
                self.lit_freq[257 + LENGTH_CODE[xlen] as usize] += 1;
                self.off_freq[d_code((t & 0xffff) as usize)] += 1;
            }
        }
        self.lit_freq[END_BLOCK] += 1;
        let mut nlit = LIT_CODES;
        while self.lit_freq[nlit - 1] == 0 {
            nlit -= 1;
        }
        let mut noff = OFF_CODES;
        while noff > 0 && self.off_freq[noff - 1] == 0 {
            noff -= 1;
        }
        if noff == 0 {
            self.off_freq[0] = 1;
            noff = 1;
        }
        self.lit.generate(&self.lit_freq, 15);
        self.off.generate(&self.off_freq, 15);
        (nlit, noff)
    }

    /// The dynamic header for the first `nlit` literal and `noff` offset
    /// codes, and its code-length code.
    fn generate_codegen(&mut self, nlit: usize, noff: usize, off_is_huff: bool) {
        let off = if off_is_huff {
            &self.huff_off
        } else {
            &self.off
        };
        self.header
            .generate(&self.lit.codes[..nlit], &off.codes[..noff]);
    }

    /// Bits of a dynamic block (header and data).
    fn dynamic_size(&self, off_is_huff: bool, extra: u64) -> u64 {
        let off = if off_is_huff {
            &self.huff_off
        } else {
            &self.off
        };
        self.header.size()
            + self.lit.bit_length(&self.lit_freq)
            + off.bit_length(&self.off_freq)
            + extra
    }

    fn fixed_size(&self, extra: u64) -> u64 {
        3 + self.fixed_lit.bit_length(&self.lit_freq)
            + self.fixed_off.bit_length(&self.off_freq)
            + extra
    }

    fn dynamic_header(&mut self, nlit: usize, noff: usize, eof: bool) {
        self.header.write(&mut self.bits, nlit, noff, eof);
    }

    fn stored(&mut self, input: &[u8], eof: bool) {
        self.stored_header(input.len(), eof);
        self.bits.bytes(input);
    }

    /// Levels 2-9: the smallest of stored (when `input` is the block's
    /// data and fits), fixed and dynamic.
    pub(crate) fn write_block(&mut self, tokens: &[Token], eof: bool, input: Option<&[u8]>) {
        let (nlit, noff) = self.index_tokens(tokens);
        let storable = input.filter(|i| i.len() <= MAX_STORE);
        let mut extra = 0u64;
        if storable.is_some() {
            let lens = self.lit_freq[257..nlit].iter().zip(&EXTRA_LBITS);
            let offs = self.off_freq[..noff].iter().zip(&EXTRA_DBITS);
            extra = lens.chain(offs).map(|(&f, &x)| f as u64 * x as u64).sum();
        }
        let mut size = self.fixed_size(extra);
        self.generate_codegen(nlit, noff, false);
        let dsize = self.dynamic_size(false, extra);
        let dynamic = dsize < size;
        if dynamic {
            size = dsize;
        }
        if let Some(input) = storable {
            if ((input.len() + 5) * 8) < size as usize {
                self.stored(input, eof);
                return;
            }
        }
        if dynamic {
            self.dynamic_header(nlit, noff, eof);
            self.tokens(tokens, false);
        } else {
            self.bits.send(if eof { 3 } else { 2 }, 3);
            self.tokens(tokens, true);
        }
    }

    /// Level 1: dynamic unless storing is smaller than the dynamic size
    /// plus 1/16.
    pub(crate) fn write_block_dynamic(&mut self, tokens: &[Token], eof: bool, input: &[u8]) {
        let (nlit, noff) = self.index_tokens(tokens);
        self.generate_codegen(nlit, noff, false);
        let size = self.dynamic_size(false, 0);
        if input.len() <= MAX_STORE && (((input.len() + 5) * 8) as u64) < size + (size >> 4) {
            self.stored(input, eof);
            return;
        }
        self.dynamic_header(nlit, noff, eof);
        self.tokens(tokens, false);
    }

    /// Huffman-only: the block's bytes as literals with a dynamic code,
    /// unless storing is smaller than that plus 1/16.
    pub(crate) fn write_block_huff(&mut self, eof: bool, input: &[u8]) {
        self.lit_freq = [0; LIT_CODES];
        for &b in input {
            self.lit_freq[b as usize] += 1;
        }
        self.lit_freq[END_BLOCK] = 1;
        // Go sets only the first offset count here and keeps the others
        // from the previous block; with this offset code only the first
        // one has a length, so only it counts.
        self.off_freq[0] = 1;
        self.lit.generate(&self.lit_freq, 15);
        self.generate_codegen(END_BLOCK + 1, 1, true);
        let size = self.dynamic_size(true, 0);
        if input.len() <= MAX_STORE && (((input.len() + 5) * 8) as u64) < size + (size >> 4) {
            self.stored(input, eof);
            return;
        }
        self.dynamic_header(END_BLOCK + 1, 1, eof);
        let codes = &self.lit.codes;
        for &b in input {
            let c = codes[b as usize];
            self.bits.send(c.bits as u32, c.len as u32);
        }
        let c = codes[END_BLOCK];
        self.bits.send(c.bits as u32, c.len as u32);
    }

    /// Sends the tokens and an end-of-block with the fixed or the current
    /// dynamic code.
    fn tokens(&mut self, tokens: &[Token], fixed: bool) {
        let (lit, off) = if fixed {
            (&self.fixed_lit, &self.fixed_off)
        } else {
            (&self.lit, &self.off)
        };
        let b = &mut self.bits;
        let send = |b: &mut BitWriter, c: Code| b.send(c.bits as u32, c.len as u32);
        for &t in tokens {
            if t & MATCH == 0 {
                send(b, lit.codes[t as usize]);
                continue;
            }
            let xlen = ((t >> 16) & 0xff) as usize;
            let lc = LENGTH_CODE[xlen] as usize;
            send(b, lit.codes[257 + lc]);
            let eb = EXTRA_LBITS[lc] as u32;
            if eb > 0 {
                b.send((xlen - BASE_LENGTH[lc] as usize) as u32, eb);
            }
            let xoff = (t & 0xffff) as usize;
            let oc = d_code(xoff);
            send(b, off.codes[oc]);
            let eb = EXTRA_DBITS[oc] as u32;
            if eb > 0 {
                b.send((xoff - BASE_DIST[oc] as usize) as u32, eb);
            }
        }
        send(b, lit.codes[END_BLOCK]);
    }
}
