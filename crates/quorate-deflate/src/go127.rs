//! The compressor of Go 1.27's `compress/flate` (a rewrite of the earlier
//! one; other bytes at every level):
//!
//! - level 0: 65 535-byte stored blocks;
//! - level −2: 32 KiB blocks of literals (or stored when the byte
//!   frequencies are nearly uniform), tables kept open across blocks;
//! - levels 1-6: the single-pass matchers of `go127_fast`/`go127_fast2`
//!   over 65 535-byte blocks; a block with no match is stored, one whose
//!   matches remove under 1/16 of it is coded as literals;
//! - levels 7-9: lazy matching over a 64 KiB window sliding by 32 KiB, a
//!   2^17-entry hash of four bytes with chains, after each match a look
//!   for a longer one ending at the same place, literal runs skipped
//!   faster the longer they get; level 9 also weighs each candidate by an
//!   estimate of the bits it saves, from a Huffman code of the bytes
//!   ahead. A block ends every 32 768 tokens.
//!
//! The stream ends with an empty fixed-Huffman final block.

use crate::go127_block::{BlockWriter, Tokens, off_code};
use crate::go127_fast::{L1, L2, L3, MAX_STORE};
use crate::go127_fast2::Dual;
use crate::gohuff::HuffEnc;
use crate::tables::{EXTRA_DBITS, EXTRA_LBITS, LENGTH_CODE};

const WSIZE: usize = 1 << 15;
const WMASK: usize = WSIZE - 1;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
const MAX_BLOCK_TOKENS: usize = 1 << 15;
const HASH_BITS: u32 = 17;
const MAX_HASH_OFFSET: i32 = 1 << 28;
const GONE: usize = i32::MAX as usize;

#[inline(always)]
fn hash4(b: &[u8]) -> usize {
    let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

enum Fast {
    L1(Box<L1>),
    L2(Box<L2>),
    L3(Box<L3>),
    Dual(Box<Dual>),
}

impl Fast {
    fn encode(&mut self, dst: &mut Tokens, src: &[u8]) {
        match self {
            Fast::L1(e) => e.encode(dst, src),
            Fast::L2(e) => e.encode(dst, src),
            Fast::L3(e) => e.encode(dst, src),
            Fast::Dual(e) => e.encode(dst, src),
        }
    }

    fn reset(&mut self) {
        match self {
            Fast::L1(e) => e.reset(),
            Fast::L2(e) => e.reset(),
            Fast::L3(e) => e.reset(),
            Fast::Dual(e) => e.reset(),
        }
    }
}

/// The lazy matcher of levels 7-9.
struct Lazy {
    lazy: usize,
    nice: usize,
    chain: usize,
    index: usize,
    block_start: usize,
    byte_available: bool,
    length: usize,
    offset: usize,
    max_insert: usize,
    chain_head: i32,
    hash_offset: i32,
    literal_counter: u16,
    hash_head: Vec<i32>,
    hash_prev: Vec<i32>,
    /// Level 9: a code for the bytes ahead, to price matches.
    est: HuffEnc,
}

enum Mode {
    Store,
    Huff,
    Fast(Fast),
    Lazy(Box<Lazy>),
}

/// A Go 1.27 `flate.Writer`.
pub(crate) struct Encoder {
    pub(crate) w: BlockWriter,
    mode: Mode,
    window: Vec<u8>,
    window_end: usize,
    tokens: Box<Tokens>,
    sync: bool,
}

impl Encoder {
    /// `level` must be −2..=9 (−1 is 6).
    pub(crate) fn new(level: i32, capacity: usize) -> Self {
        let level = if level == -1 { 6 } else { level };
        let (mode, wlen, penalty) = match level {
            0 => (Mode::Store, MAX_STORE, 0),
            -2 => (Mode::Huff, WSIZE, 10),
            1..=6 => {
                let f = match level {
                    1 => Fast::L1(Box::new(L1::new())),
                    2 => Fast::L2(Box::new(L2::new())),
                    3 => Fast::L3(Box::new(L3::new())),
                    _ => Fast::Dual(Box::new(Dual::new(level as u8))),
                };
                (Mode::Fast(f), MAX_STORE, 7)
            }
            _ => {
                let (lazy, nice, chain) = match level {
                    7 => (12, 16, 24),
                    8 => (30, 40, 64),
                    _ => (258, 258, 1024),
                };
                let l = Lazy {
                    lazy,
                    nice,
                    chain,
                    index: 0,
                    block_start: 0,
                    byte_available: false,
                    length: MIN_MATCH - 1,
                    offset: 0,
                    max_insert: 0,
                    chain_head: -1,
                    hash_offset: 1,
                    literal_counter: 0,
                    hash_head: vec![0; 1 << HASH_BITS],
                    hash_prev: vec![0; WSIZE],
                    est: HuffEnc::new(256),
                };
                (Mode::Lazy(Box::new(l)), 2 * WSIZE, 8)
            }
        };
        Encoder {
            w: BlockWriter::new(capacity, penalty),
            mode,
            window: vec![0; wlen],
            window_end: 0,
            tokens: Box::new(Tokens::new()),
            sync: false,
        }
    }

    /// Compresses more input (Go's `Write`).
    pub(crate) fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.window_end == self.window.len() {
                self.step();
            }
            if let Mode::Lazy(l) = &mut self.mode {
                if l.index >= 2 * WSIZE - (MIN_MATCH + MAX_MATCH) {
                    l.slide(&mut self.window, &mut self.window_end);
                }
            }
            let n = data.len().min(self.window.len() - self.window_end);
            self.window[self.window_end..self.window_end + n].copy_from_slice(&data[..n]);
            self.window_end += n;
            data = &data[n..];
        }
    }

    /// Ends the stream (Go's `Close`).
    pub(crate) fn finish(&mut self) {
        self.sync = true;
        self.step();
        self.w.stored_header(0, true);
        self.w.flush();
    }

    fn step(&mut self) {
        let end = self.window_end;
        let full = end == self.window.len();
        let sync = self.sync;
        match &mut self.mode {
            Mode::Store => {
                if end > 0 && (full || sync) {
                    self.w.stored(&self.window[..end], false);
                    self.window_end = 0;
                }
            }
            Mode::Huff => {
                if end > 0 && (full || sync) {
                    self.w.write_block_huff(false, &self.window[..end], sync);
                    self.window_end = 0;
                }
            }
            Mode::Fast(f) => {
                if !full {
                    if !sync {
                        return;
                    }
                    if end < 128 {
                        if end == 0 {
                            return;
                        }
                        if end <= 32 {
                            self.w.stored(&self.window[..end], false);
                        } else {
                            self.w.write_block_huff(false, &self.window[..end], true);
                        }
                        self.tokens.reset();
                        self.window_end = 0;
                        f.reset();
                        return;
                    }
                }
                let src = &self.window[..end];
                f.encode(&mut self.tokens, src);
                let n = self.tokens.len();
                if n == 0 {
                    self.w.stored(src, false);
                } else if n > end - (end >> 4) {
                    self.w.write_block_huff(false, src, sync);
                } else {
                    self.w
                        .write_block_dynamic(&mut self.tokens, false, Some(src), sync);
                }
                self.tokens.reset();
                self.window_end = 0;
            }
            Mode::Lazy(l) => {
                let mut ctx = Ctx {
                    w: &mut self.w,
                    tokens: &mut self.tokens,
                    window: &self.window,
                    window_end: end,
                    sync,
                };
                l.deflate(&mut ctx);
            }
        }
    }
}

/// What the lazy matcher works on in one step.
struct Ctx<'a> {
    w: &'a mut BlockWriter,
    tokens: &'a mut Tokens,
    window: &'a [u8],
    window_end: usize,
    sync: bool,
}

impl Lazy {
    fn slide(&mut self, window: &mut [u8], window_end: &mut usize) {
        window.copy_within(WSIZE..2 * WSIZE, 0);
        self.index -= WSIZE;
        *window_end -= WSIZE;
        if self.block_start >= WSIZE && self.block_start != GONE {
            self.block_start -= WSIZE;
        } else {
            self.block_start = GONE;
        }
        self.hash_offset += WSIZE as i32;
        if self.hash_offset > MAX_HASH_OFFSET {
            let delta = self.hash_offset - 1;
            self.hash_offset -= delta;
            self.chain_head -= delta;
            for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                *v = (*v - delta).max(0);
            }
        }
    }

    fn write_block(&mut self, c: &mut Ctx, index: usize) {
        if index > 0 {
            let input = (self.block_start <= index).then(|| &c.window[self.block_start..index]);
            self.block_start = index;
            c.w.write_block_dynamic(c.tokens, false, input, c.sync);
        }
        c.tokens.reset();
    }

    /// Adds a literal, ending the block when it is full.
    fn literal(&mut self, c: &mut Ctx, b: u8, index: usize) {
        c.tokens.literal(b);
        if c.tokens.len() == MAX_BLOCK_TOKENS {
            self.write_block(c, index);
        }
    }

    /// Inserts the string at `at` and makes it the chain head.
    fn insert_head(&mut self, w: &[u8], at: usize) {
        let h = hash4(&w[at..]);
        let ch = self.hash_head[h];
        self.chain_head = ch;
        self.hash_prev[at & WMASK] = ch;
        self.hash_head[h] = at as i32 + self.hash_offset;
    }

    fn find_match(
        &self,
        w: &[u8],
        pos: usize,
        head: i32,
        lookahead: usize,
    ) -> Option<(usize, usize)> {
        let look = lookahead.min(MAX_MATCH);
        let win = &w[..pos + look];
        let nice = self.nice.min(look);
        let mut tries = self.chain;
        let mut length = MIN_MATCH - 1;
        let mut found = None;
        let mut w_end = win[pos + length];
        let min_index = pos.saturating_sub(WSIZE) as i32;
        let mut gain = 4i64;
        let mut i = head;
        while tries > 0 {
            let iu = i as usize;
            if w_end == win[iu + length] {
                let n = crate::go127_fast::common(&win[iu..iu + look], &win[pos..]);
                let mut take = n > length;
                if take && self.chain >= 100 {
                    let raw: i64 = win[pos..pos + n]
                        .iter()
                        .map(|&b| self.est.codes[b as usize].len.max(1) as i64)
                        .sum();
                    let new_gain = raw
                        - EXTRA_DBITS[off_code(pos - iu)] as i64
                        - 3
                        - EXTRA_LBITS[LENGTH_CODE[(n - 3) & 255] as usize] as i64;
                    if new_gain <= gain {
                        take = false;
                    } else {
                        gain = new_gain;
                    }
                }
                if take {
                    length = n;
                    found = Some((n, pos - iu));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i <= min_index {
                break;
            }
            i = self.hash_prev[iu & WMASK] - self.hash_offset;
            if i < min_index {
                break;
            }
            tries -= 1;
        }
        found
    }

    /// A longer match ending where the previous one ends, starting up to
    /// two bytes later (those become literals).
    fn better_at_end(
        &mut self,
        c: &mut Ctx,
        mut len: usize,
        mut off: usize,
        lookahead: usize,
    ) -> (usize, usize) {
        const CHECK: usize = 2;
        if len >= MAX_MATCH - CHECK {
            return (len, off);
        }
        let prev = self.index - 1;
        if prev + len >= self.max_insert {
            return (len, off);
        }
        let end = lookahead.min(MAX_MATCH + CHECK) + prev;
        let min_index = self.index.saturating_sub(WSIZE) as i64;
        let h = hash4(&c.window[prev + len..]);
        let ch2 = self.hash_head[h] as i64 - self.hash_offset as i64 - len as i64;
        if prev as i64 - ch2 == off as i64 || ch2 <= min_index + CHECK as i64 {
            return (len, off);
        }
        let ch2 = ch2 as usize;
        let n = crate::go127_fast::common(&c.window[prev + CHECK..end], &c.window[ch2 + CHECK..]);
        if n <= len {
            return (len, off);
        }
        len = n;
        off = prev - ch2;
        for i in (0..CHECK).rev() {
            if len >= MAX_MATCH || c.window[prev + i] != c.window[ch2 + i] {
                for j in 0..=i {
                    let b = c.window[prev + j];
                    let idx = self.index;
                    self.literal(c, b, idx);
                    self.index += 1;
                    if self.index < self.max_insert {
                        self.insert_head(c.window, self.index);
                    }
                }
                break;
            }
            len += 1;
        }
        (len, off)
    }

    /// In long literal runs, emits more literals without searching.
    fn skip_literals(&mut self, c: &mut Ctx) {
        let n = self.literal_counter as i64 - self.chain as i64;
        if n <= 0 {
            return;
        }
        for _ in 0..1 + (n >> 6) {
            if self.index >= c.window_end - 1 {
                break;
            }
            let (b, idx) = (c.window[self.index - 1], self.index);
            self.literal(c, b, idx);
            if self.index < self.max_insert {
                self.insert_head(c.window, self.index);
            }
            self.index += 1;
        }
        let (b, idx) = (c.window[self.index - 1], self.index);
        self.byte_available = false;
        self.literal(c, b, idx);
    }

    fn deflate(&mut self, c: &mut Ctx) {
        let end = c.window_end;
        if end - self.index < MIN_MATCH + MAX_MATCH && !c.sync {
            return;
        }
        if end != self.index && self.chain > 100 {
            let mut hist = [0u32; 256];
            let ahead = &c.window[self.index..end];
            for &b in &ahead[..ahead.len().min(MAX_BLOCK_TOKENS)] {
                hist[b as usize] += 1;
            }
            self.est.generate(&hist, 15);
        }
        self.max_insert = end.saturating_sub(MIN_MATCH - 1);
        loop {
            let lookahead = end - self.index;
            if lookahead < MIN_MATCH + MAX_MATCH {
                if !c.sync {
                    return;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        c.tokens.literal(c.window[self.index - 1]);
                        self.byte_available = false;
                    }
                    if c.tokens.len() > 0 {
                        self.write_block(c, self.index);
                    }
                    return;
                }
            }
            if self.index < self.max_insert {
                self.insert_head(c.window, self.index);
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH - 1;
            self.offset = 0;
            let min_index = self.index.saturating_sub(WSIZE) as i32;
            let head = self.chain_head - self.hash_offset;
            if head >= min_index && lookahead > prev_length && prev_length < self.lazy {
                if let Some((l, o)) = self.find_match(c.window, self.index, head, lookahead) {
                    self.length = l;
                    self.offset = o;
                }
            }
            if prev_length >= MIN_MATCH && self.length <= prev_length {
                let (len, off) = self.better_at_end(c, prev_length, prev_offset, lookahead);
                c.tokens.add_match(len, off - 1);
                let new_index = self.index + len - 1;
                let stop = new_index.min(self.max_insert) + MIN_MATCH - 1;
                let start = (self.index + 1).min(self.max_insert);
                let mut di = start;
                while di + MIN_MATCH <= stop {
                    let h = hash4(&c.window[di..]);
                    self.hash_prev[di & WMASK] = self.hash_head[h];
                    self.hash_head[h] = di as i32 + self.hash_offset;
                    di += 1;
                }
                self.index = new_index;
                self.byte_available = false;
                self.length = MIN_MATCH - 1;
                if c.tokens.len() == MAX_BLOCK_TOKENS {
                    self.write_block(c, self.index);
                }
                self.literal_counter = 0;
                continue;
            }
            if self.length >= MIN_MATCH {
                self.literal_counter = 0;
            }
            if self.byte_available {
                self.literal_counter = self.literal_counter.wrapping_add(1);
                let (b, idx) = (c.window[self.index - 1], self.index);
                self.literal(c, b, idx);
                self.index += 1;
                self.skip_literals(c);
            } else {
                self.index += 1;
                self.byte_available = true;
            }
        }
    }
}
