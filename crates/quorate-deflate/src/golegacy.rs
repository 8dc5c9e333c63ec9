//! The compressor of Go's `compress/flate` from Go 1.7 through Go 1.26
//! (the same bytes in every one of those releases that was checked):
//!
//! - level 0: 65 535-byte stored blocks;
//! - level −2 (HuffmanOnly): 65 535-byte blocks of literals;
//! - level 1: a Snappy-style single-pass matcher over 65 535-byte blocks
//!   that may reach back into the previous block, one hash table of 2^14
//!   entries remembering the four bytes it saw;
//! - levels 2-9: one matcher over a 64 KiB window sliding by 32 KiB, a
//!   2^17-entry hash of four bytes with chains; 2-3 greedy (a match's
//!   strings hashed only when it is short), 4-9 lazy, each with its
//!   good/lazy/nice/chain table; length-4 matches farther than 4096 are
//!   not taken; a block ends every 16 384 tokens.
//!
//! The stream ends with an empty stored final block (`01 00 00 ff ff`).

use crate::go127_fast::common;
use crate::golegacy_block::{BlockWriter, Token, match_token};

const WSIZE: usize = 1 << 15;
const WMASK: usize = WSIZE - 1;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
const MAX_STORE: usize = 65535;
const MAX_BLOCK_TOKENS: usize = 1 << 14;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const MAX_HASH_OFFSET: usize = 1 << 24;
const HASHMUL: u32 = 0x1e35_a7bd;
const SKIP_NEVER: usize = i32::MAX as usize;
/// "No block start in the window" (the block's data slid out).
const GONE: usize = i32::MAX as usize;

/// lazy, nice, chain, fast-skip-hashing for levels 2-9. (Go's table also
/// has a "good" length, but every search starts from length 3, below all
/// of them, so it never shortens a chain.)
const LEVELS: [(usize, usize, usize, usize); 8] = [
    (0, 16, 8, 5),
    (0, 32, 32, 6),
    (4, 16, 16, SKIP_NEVER),
    (16, 32, 32, SKIP_NEVER),
    (16, 128, 128, SKIP_NEVER),
    (32, 128, 256, SKIP_NEVER),
    (128, 258, 1024, SKIP_NEVER),
    (258, 258, 4096, SKIP_NEVER),
];

#[inline(always)]
fn hash4(b: &[u8]) -> usize {
    let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (v.wrapping_mul(HASHMUL) >> (32 - HASH_BITS)) as usize
}

/// The chain matcher of levels 2-9.
struct Chains {
    lazy: usize,
    nice: usize,
    chain: usize,
    skip: usize,
    window: Vec<u8>,
    index: usize,
    block_start: usize,
    byte_available: bool,
    tokens: Vec<Token>,
    length: usize,
    offset: usize,
    max_insert: usize,
    chain_head: isize,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    hash_offset: usize,
}

/// Level 1's matcher state.
struct Fast {
    /// (four bytes seen, their position + `cur`) per hash.
    table: Vec<(u32, i32)>,
    prev: Vec<u8>,
    cur: i32,
    tokens: Vec<Token>,
}

enum Mode {
    Store,
    Huff,
    Fast(Box<Fast>),
    Chains(Box<Chains>),
}

/// A Go ≤ 1.26 `flate.Writer`.
pub(crate) struct Encoder {
    pub(crate) w: BlockWriter,
    mode: Mode,
    /// Levels 0, −2 and 1 buffer up to 65 535 bytes here; levels 2-9 use
    /// the chain matcher's window.
    buf: Vec<u8>,
    window_end: usize,
    sync: bool,
}

impl Encoder {
    /// `level` must be −2..=9 (−1 is 6).
    pub(crate) fn new(level: i32, capacity: usize) -> Self {
        let level = if level == -1 { 6 } else { level };
        let mode = match level {
            0 => Mode::Store,
            -2 => Mode::Huff,
            1 => Mode::Fast(Box::new(Fast {
                table: vec![(0, 0); 1 << 14],
                prev: Vec::with_capacity(MAX_STORE),
                cur: MAX_STORE as i32,
                tokens: Vec::with_capacity(MAX_STORE),
            })),
            _ => {
                let (lazy, nice, chain, skip) = LEVELS[level as usize - 2];
                Mode::Chains(Box::new(Chains {
                    lazy,
                    nice,
                    chain,
                    skip,
                    window: vec![0; 2 * WSIZE],
                    index: 0,
                    block_start: 0,
                    byte_available: false,
                    tokens: Vec::with_capacity(MAX_BLOCK_TOKENS + 1),
                    length: MIN_MATCH - 1,
                    offset: 0,
                    max_insert: 0,
                    chain_head: -1,
                    hash_head: vec![0; HASH_SIZE],
                    hash_prev: vec![0; WSIZE],
                    hash_offset: 1,
                }))
            }
        };
        let buf = match mode {
            Mode::Chains(_) => Vec::new(),
            _ => vec![0; MAX_STORE],
        };
        Encoder {
            w: BlockWriter::new(capacity),
            mode,
            buf,
            window_end: 0,
            sync: false,
        }
    }

    /// Compresses more input (Go's `Write`).
    pub(crate) fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            self.step();
            let n = self.fill(data);
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

    fn fill(&mut self, data: &[u8]) -> usize {
        match &mut self.mode {
            Mode::Chains(c) => {
                if c.index >= 2 * WSIZE - (MIN_MATCH + MAX_MATCH) {
                    c.slide(&mut self.window_end);
                }
                let n = data.len().min(c.window.len() - self.window_end);
                c.window[self.window_end..self.window_end + n].copy_from_slice(&data[..n]);
                self.window_end += n;
                n
            }
            _ => {
                let n = data.len().min(MAX_STORE - self.window_end);
                self.buf[self.window_end..self.window_end + n].copy_from_slice(&data[..n]);
                self.window_end += n;
                n
            }
        }
    }

    fn step(&mut self) {
        let end = self.window_end;
        let full = end == MAX_STORE;
        match &mut self.mode {
            Mode::Store => {
                if end > 0 && (full || self.sync) {
                    self.w.stored_header(end, false);
                    self.w.bytes(&self.buf[..end]);
                    self.window_end = 0;
                }
            }
            Mode::Huff => {
                if end > 0 && (full || self.sync) {
                    self.w.write_block_huff(false, &self.buf[..end]);
                    self.window_end = 0;
                }
            }
            Mode::Fast(f) => {
                if !full {
                    if !self.sync {
                        return;
                    }
                    if end < 128 {
                        if end == 0 {
                            return;
                        }
                        if end <= 16 {
                            self.w.stored_header(end, false);
                            self.w.bytes(&self.buf[..end]);
                        } else {
                            self.w.write_block_huff(false, &self.buf[..end]);
                        }
                        self.window_end = 0;
                        f.reset();
                        return;
                    }
                }
                let src = &self.buf[..end];
                f.encode(src);
                if f.tokens.len() > end - (end >> 4) {
                    self.w.write_block_huff(false, src);
                } else {
                    self.w.write_block_dynamic(&f.tokens, false, src);
                }
                self.window_end = 0;
            }
            Mode::Chains(c) => c.deflate(&mut self.w, end, self.sync),
        }
    }
}

impl Chains {
    fn slide(&mut self, window_end: &mut usize) {
        self.window.copy_within(WSIZE..2 * WSIZE, 0);
        self.index -= WSIZE;
        *window_end -= WSIZE;
        if self.block_start >= WSIZE && self.block_start != GONE {
            self.block_start -= WSIZE;
        } else {
            self.block_start = GONE;
        }
        self.hash_offset += WSIZE;
        if self.hash_offset > MAX_HASH_OFFSET {
            let delta = self.hash_offset - 1;
            self.hash_offset -= delta;
            self.chain_head -= delta as isize;
            for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                *v = (*v as usize).saturating_sub(delta) as u32;
            }
        }
    }

    fn write_block(&mut self, w: &mut BlockWriter, index: usize) {
        if index > 0 {
            let input = (self.block_start <= index).then(|| &self.window[self.block_start..index]);
            self.block_start = index;
            w.write_block(&self.tokens, false, input);
        }
        self.tokens.clear();
    }

    #[inline(always)]
    fn insert(&mut self, at: usize) -> u32 {
        let h = hash4(&self.window[at..at + 4]);
        let old = self.hash_head[h];
        self.hash_prev[at & WMASK] = old;
        self.hash_head[h] = (at + self.hash_offset) as u32;
        old
    }

    /// The longest match at `pos` along the chain from `head` (Go's
    /// `findMatch`, always starting from a length of 3).
    fn find_match(&self, pos: usize, head: isize, lookahead: usize) -> Option<(usize, usize)> {
        let look = lookahead.min(MAX_MATCH);
        let win = &self.window[..pos + look];
        let nice = self.nice.min(look);
        let mut tries = self.chain;
        let mut length = MIN_MATCH - 1;
        let mut found = None;
        let mut w_end = win[pos + length];
        let min_index = pos as isize - WSIZE as isize;
        let mut i = head;
        while tries > 0 {
            let iu = i as usize;
            if w_end == win[iu + length] {
                let n = common(&win[iu..iu + look], &win[pos..]);
                if n > length && (n > MIN_MATCH || pos - iu <= 4096) {
                    length = n;
                    found = Some((n, pos - iu));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i == min_index {
                break;
            }
            i = self.hash_prev[iu & WMASK] as isize - self.hash_offset as isize;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }

    fn deflate(&mut self, w: &mut BlockWriter, window_end: usize, sync: bool) {
        if window_end - self.index < MIN_MATCH + MAX_MATCH && !sync {
            return;
        }
        self.max_insert = window_end.saturating_sub(MIN_MATCH - 1);
        let lazy_mode = self.skip == SKIP_NEVER;
        loop {
            let lookahead = window_end - self.index;
            if lookahead < MIN_MATCH + MAX_MATCH {
                if !sync {
                    return;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        self.tokens.push(self.window[self.index - 1] as Token);
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(w, self.index);
                    }
                    return;
                }
            }
            if self.index < self.max_insert {
                self.chain_head = self.insert(self.index) as isize;
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH - 1;
            self.offset = 0;
            let min_index = self.index.saturating_sub(WSIZE) as isize;
            let head = self.chain_head - self.hash_offset as isize;
            let search = if lazy_mode {
                lookahead > prev_length && prev_length < self.lazy
            } else {
                lookahead > MIN_MATCH - 1
            };
            if head >= min_index && search {
                if let Some((l, o)) = self.find_match(self.index, head, lookahead) {
                    self.length = l;
                    self.offset = o;
                }
            }
            let emit = if lazy_mode {
                prev_length >= MIN_MATCH && self.length <= prev_length
            } else {
                self.length >= MIN_MATCH
            };
            if emit {
                let (len, off) = if lazy_mode {
                    (prev_length, prev_offset)
                } else {
                    (self.length, self.offset)
                };
                self.tokens.push(match_token(len, off));
                if self.length <= self.skip {
                    let new_index = if lazy_mode {
                        self.index + prev_length - 1
                    } else {
                        self.index + self.length
                    };
                    let mut index = self.index + 1;
                    while index < new_index {
                        if index < self.max_insert {
                            self.insert(index);
                        }
                        index += 1;
                    }
                    self.index = index.max(self.index);
                    if lazy_mode {
                        self.byte_available = false;
                        self.length = MIN_MATCH - 1;
                    }
                } else {
                    self.index += self.length;
                }
                if self.tokens.len() == MAX_BLOCK_TOKENS {
                    self.write_block(w, self.index);
                }
            } else {
                if !lazy_mode || self.byte_available {
                    let i = if lazy_mode {
                        self.index - 1
                    } else {
                        self.index
                    };
                    self.tokens.push(self.window[i] as Token);
                    if self.tokens.len() == MAX_BLOCK_TOKENS {
                        self.write_block(w, i + 1);
                    }
                }
                self.index += 1;
                if lazy_mode {
                    self.byte_available = true;
                }
            }
        }
    }
}

impl Fast {
    const TABLE_BITS: u32 = 14;
    const MARGIN: usize = 15;
    const MAX_OFFSET: i32 = 1 << 15;
    const RESET_AT: i32 = i32::MAX - 2 * MAX_STORE as i32;

    #[inline(always)]
    fn hash(u: u32) -> usize {
        (u.wrapping_mul(HASHMUL) >> (32 - Self::TABLE_BITS)) as usize
    }

    fn reset(&mut self) {
        self.prev.clear();
        self.cur += Self::MAX_OFFSET;
        if self.cur >= Self::RESET_AT {
            self.shift_offsets();
        }
    }

    fn shift_offsets(&mut self) {
        if self.prev.is_empty() {
            self.table.fill((0, 0));
        } else {
            for e in self.table.iter_mut() {
                e.1 = (e.1 - self.cur + Self::MAX_OFFSET + 1).max(0);
            }
        }
        self.cur = Self::MAX_OFFSET + 1;
    }

    /// Length of the match of `src[s..]` against position `t` (negative:
    /// in the previous block, possibly running on into this one), at most
    /// 254 bytes.
    fn match_len(&self, s: usize, t: i32, src: &[u8]) -> usize {
        let s1 = (s + MAX_MATCH - 4).min(src.len());
        let a = &src[s..s1];
        if t >= 0 {
            return common(a, &src[t as usize..]);
        }
        let tp = self.prev.len() as i32 + t;
        if tp < 0 {
            return 0;
        }
        let b = &self.prev[tp as usize..];
        let k = b.len().min(a.len());
        let n = common(&a[..k], &b[..k]);
        if n < k || s + n == s1 {
            return n;
        }
        n + common(&src[s + n..s1], src)
    }

    fn encode(&mut self, src: &[u8]) {
        self.tokens.clear();
        if self.cur >= Self::RESET_AT {
            self.shift_offsets();
        }
        if src.len() < 1 + 1 + Self::MARGIN {
            self.cur += MAX_STORE as i32;
            self.prev.clear();
            self.tokens.extend(src.iter().map(|&b| b as Token));
            return;
        }
        let load32 = |i: usize| u32::from_le_bytes(src[i..i + 4].try_into().unwrap());
        let s_limit = src.len() - Self::MARGIN;
        let mut next_emit = 0usize;
        let mut s = 0usize;
        let mut cv = load32(s);
        let mut next_hash = Self::hash(cv);
        'outer: loop {
            let mut skip = 32usize;
            let mut next_s = s;
            let mut candidate;
            loop {
                s = next_s;
                let step = skip >> 5;
                next_s = s + step;
                skip += step;
                if next_s > s_limit {
                    break 'outer;
                }
                candidate = self.table[next_hash];
                let now = load32(next_s);
                self.table[next_hash] = (cv, s as i32 + self.cur);
                next_hash = Self::hash(now);
                let offset = s as i32 - (candidate.1 - self.cur);
                if offset > Self::MAX_OFFSET || cv != candidate.0 {
                    cv = now;
                    continue;
                }
                break;
            }
            self.tokens
                .extend(src[next_emit..s].iter().map(|&b| b as Token));
            loop {
                s += 4;
                let t = candidate.1 - self.cur + 4;
                let l = self.match_len(s, t, src);
                let dist = (s as i32 - t) as usize;
                self.tokens.push(match_token(l + 4, dist));
                s += l;
                next_emit = s;
                if s >= s_limit {
                    break 'outer;
                }
                let x = u64::from_le_bytes(src[s - 1..s + 7].try_into().unwrap());
                let prev_hash = Self::hash(x as u32);
                self.table[prev_hash] = (x as u32, self.cur + s as i32 - 1);
                let x = x >> 8;
                let curr_hash = Self::hash(x as u32);
                candidate = self.table[curr_hash];
                self.table[curr_hash] = (x as u32, self.cur + s as i32);
                let offset = s as i32 - (candidate.1 - self.cur);
                if offset > Self::MAX_OFFSET || x as u32 != candidate.0 {
                    cv = (x >> 8) as u32;
                    next_hash = Self::hash(cv);
                    s += 1;
                    break;
                }
            }
        }
        if next_emit < src.len() {
            self.tokens
                .extend(src[next_emit..].iter().map(|&b| b as Token));
        }
        self.cur += src.len() as i32;
        self.prev.clear();
        self.prev.extend_from_slice(src);
    }
}
