//! The LZ77 stage shared by GNU gzip and Info-ZIP zip: a 64 KiB window that
//! slides by 32 KiB, a 15-bit multiplicative-free rolling hash over three
//! bytes with hash chains, greedy matching for levels 1-3 and lazy matching
//! for levels 4-9, each tuned by a per-level table. The window is filled
//! exactly as those tools fill it when reading a regular file (whole reads),
//! because where the window slides decides which blocks may be stored and
//! what lies past the end of the input when the last matches are sought.

use crate::Flavor;
use crate::trees::{FileType, Trees};

pub(crate) const WSIZE: usize = 0x8000;
const WMASK: usize = WSIZE - 1;
const WINDOW_SIZE: usize = 2 * WSIZE;
/// Zeroed slack after the window so that the match search may read whole
/// words past its end.
const WINDOW_ALLOC: usize = WINDOW_SIZE + 1024;
const HASH_BITS: usize = 15;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: usize = HASH_SIZE - 1;
const H_SHIFT: usize = 5;
/// Bits of the multiplicative hash ([`Lz77::use_multiplicative_hash`]).
const MULT_HASH_BITS: u32 = 16;
/// The multiplier (2^32 divided by the golden ratio, odd): spreads three
/// bytes over the high bits of the product.
const MULT_HASH_KEY: u32 = 0x9E37_79B1;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
const MIN_LOOKAHEAD: usize = MAX_MATCH + MIN_MATCH + 1;
const MAX_DIST: usize = WSIZE - MIN_LOOKAHEAD;
/// Length-3 matches farther than this are dropped (lazy levels only).
const TOO_FAR: usize = 4096;

/// Matching parameters of one level.
#[derive(Debug, Clone, Copy)]
struct Config {
    /// Search a quarter of the chain once a match this long is in hand.
    good: usize,
    /// Levels 4-9: no lazy search after a match this long. Levels 1-3:
    /// insert a match's strings in the hash only up to this length.
    lazy: usize,
    /// Stop searching at a match this long.
    nice: usize,
    /// Longest hash chain to follow.
    chain: usize,
}

const CONFIG: [Config; 10] = [
    Config {
        good: 0,
        lazy: 0,
        nice: 0,
        chain: 0,
    },
    Config {
        good: 4,
        lazy: 4,
        nice: 8,
        chain: 4,
    },
    Config {
        good: 4,
        lazy: 5,
        nice: 16,
        chain: 8,
    },
    Config {
        good: 4,
        lazy: 6,
        nice: 32,
        chain: 32,
    },
    Config {
        good: 4,
        lazy: 4,
        nice: 16,
        chain: 16,
    },
    Config {
        good: 8,
        lazy: 16,
        nice: 32,
        chain: 32,
    },
    Config {
        good: 8,
        lazy: 16,
        nice: 128,
        chain: 128,
    },
    Config {
        good: 8,
        lazy: 32,
        nice: 128,
        chain: 256,
    },
    Config {
        good: 32,
        lazy: 128,
        nice: 258,
        chain: 1024,
    },
    Config {
        good: 32,
        lazy: 258,
        nice: 258,
        chain: 4096,
    },
];

/// Input handed to the compressor: `data` is what has arrived, `finished`
/// says no more will. A read the reference would make whole waits until
/// enough input has arrived or the input is finished.
pub(crate) struct Input<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) finished: bool,
}

/// The LZ77 state and the block writer behind it.
pub(crate) struct Lz77 {
    window: Box<[u8]>,
    prev: Box<[u16]>,
    head: Box<[u16]>,
    strstart: usize,
    block_start: i64,
    lookahead: usize,
    match_start: usize,
    prev_length: usize,
    match_length: usize,
    match_available: bool,
    ins_h: usize,
    eofile: bool,
    started: bool,
    hash_pending: bool,
    done: bool,
    level: usize,
    cfg: Config,
    /// Info-ZIP and zlib stop the match search at the end of the input
    /// and search to the end of the window; gzip reads past the input's
    /// end into the window's leftovers (and then clips the length) and
    /// never searches the window's last 262 bytes ([`Lz77::may_search`]).
    nice_clamp: bool,
    /// zlib: hash a string only when three input bytes remain, and never
    /// hash strings past the last three bytes of a match near the end.
    zlib: bool,
    /// Bytes at the start of the input that are only a dictionary: hashed,
    /// so matches may refer to them, but never written ([`crate::blocks`]).
    pub(crate) dictionary: usize,
    /// End with a sync flush (an empty stored block) instead of the last
    /// block, so that another stream's blocks may follow.
    pub(crate) sync_end: bool,
    /// Keep [`Lz77::crc`] (off where the caller sums the input itself).
    pub(crate) checksum: bool,
    /// Hash strings with [`MULT_HASH_KEY`] instead of the rolling hash.
    mult_hash: bool,
    pub(crate) trees: Trees,
    /// CRC-32 and length of everything read so far.
    pub(crate) crc: crate::crc32::Crc32,
    pub(crate) bytes_in: u64,
}

impl Lz77 {
    /// A compressor for `level` 1-9; `capacity` sizes the output buffer.
    pub(crate) fn new(level: u32, capacity: usize, flavor: Flavor) -> Self {
        assert!((1..=9).contains(&level));
        let zip = flavor == Flavor::InfoZip;
        let zlib = flavor == Flavor::Zlib;
        Lz77 {
            window: vec![0; WINDOW_ALLOC].into_boxed_slice(),
            prev: vec![0; WSIZE].into_boxed_slice(),
            head: vec![0; HASH_SIZE].into_boxed_slice(),
            strstart: 0,
            block_start: 0,
            lookahead: 0,
            match_start: 0,
            prev_length: MIN_MATCH - 1,
            match_length: MIN_MATCH - 1,
            match_available: false,
            ins_h: 0,
            eofile: false,
            started: false,
            hash_pending: false,
            done: false,
            level: level as usize,
            cfg: CONFIG[level as usize],
            nice_clamp: zip || zlib,
            zlib,
            dictionary: 0,
            sync_end: false,
            checksum: true,
            mult_hash: false,
            trees: Trees::new(level, capacity, zip, zlib),
            crc: crate::crc32::Crc32::new(),
            bytes_in: 0,
        }
    }

    /// Finds candidate strings through a multiplicative hash of their three
    /// bytes in 16 bits instead of the reference tools' rolling hash, whose
    /// 15 bits keep only five of the first byte's: far fewer unrelated
    /// strings share a chain, so the same chain limit finds longer matches
    /// in less time. Other bytes than the reference tools'; call before
    /// [`Lz77::run`].
    pub(crate) fn use_multiplicative_hash(&mut self) {
        self.mult_hash = true;
        self.head = vec![0; 1 << MULT_HASH_BITS].into_boxed_slice();
    }

    /// The text/binary verdict, once the first block is written.
    pub(crate) fn file_type(&self) -> FileType {
        self.trees.file_type
    }

    /// Reads up to `more` bytes into the window at `at`, as a whole read of
    /// a regular file would; `None` when that read must wait for input.
    fn read_buf(&mut self, inp: &mut Input, at: usize, more: usize) -> Option<usize> {
        let avail = inp.data.len() - inp.pos;
        if avail < more && !inp.finished {
            return None;
        }
        let n = avail.min(more);
        let src = &inp.data[inp.pos..inp.pos + n];
        self.window[at..at + n].copy_from_slice(src);
        if self.checksum {
            self.crc.update(src);
        }
        self.bytes_in += n as u64;
        inp.pos += n;
        Some(n)
    }

    /// Runs as far as the input allows; true once the stream is complete.
    pub(crate) fn run(&mut self, inp: &mut Input) -> bool {
        if self.done {
            return true;
        }
        if !self.started {
            match self.read_buf(inp, 0, WINDOW_SIZE) {
                None => return false,
                Some(0) => {
                    self.eofile = true;
                    self.lookahead = 0;
                }
                Some(n) => {
                    self.lookahead = n;
                    self.hash_pending = true;
                }
            }
            self.started = true;
        }
        loop {
            while self.lookahead < MIN_LOOKAHEAD && !self.eofile {
                if !self.fill_window(inp) {
                    return false;
                }
            }
            if self.hash_pending {
                self.hash_pending = false;
                self.ins_h = 0;
                for j in 0..MIN_MATCH - 1 {
                    self.ins_h = ((self.ins_h << H_SHIFT) ^ self.window[j] as usize) & HASH_MASK;
                }
            }
            if self.dictionary > 0 {
                self.skip_dictionary();
                continue;
            }
            if self.lookahead == 0 {
                if self.level > 3 && self.match_available {
                    let c = self.window[self.strstart - 1] as usize;
                    self.tally(0, c);
                }
                if self.sync_end {
                    self.flush_block(false);
                    self.trees.sync();
                } else {
                    self.flush_block(true);
                }
                self.done = true;
                return true;
            }
            if self.level <= 3 {
                self.deflate_fast();
            } else {
                self.deflate_lazy();
            }
        }
    }

    /// Hashes the dictionary's strings as the window fills, writing
    /// nothing; the first block starts after it.
    fn skip_dictionary(&mut self) {
        while self.dictionary > 0
            && (self.lookahead >= MIN_LOOKAHEAD || (self.eofile && self.lookahead != 0))
        {
            self.insert_head();
            self.strstart += 1;
            self.lookahead -= 1;
            self.dictionary -= 1;
        }
        if self.lookahead == 0 {
            self.dictionary = 0;
        }
        self.block_start = self.strstart as i64;
    }

    fn fill_window(&mut self, inp: &mut Input) -> bool {
        let more = WINDOW_SIZE - self.lookahead - self.strstart;
        let slide = self.strstart >= WSIZE + MAX_DIST;
        let wanted = if slide { more + WSIZE } else { more };
        if inp.data.len() - inp.pos < wanted && !inp.finished {
            return false;
        }
        let mut more = more;
        if slide {
            self.window.copy_within(WSIZE..WINDOW_SIZE, 0);
            self.match_start = self.match_start.wrapping_sub(WSIZE);
            self.strstart -= WSIZE;
            self.block_start -= WSIZE as i64;
            // Two plain loops (not one over a chain of both), which the
            // compiler turns into vector instructions.
            for m in self.head.iter_mut() {
                *m = m.saturating_sub(WSIZE as u16);
            }
            for m in self.prev.iter_mut() {
                *m = m.saturating_sub(WSIZE as u16);
            }
            more += WSIZE;
        }
        let at = self.strstart + self.lookahead;
        match self.read_buf(inp, at, more) {
            Some(0) | None => {
                self.eofile = true;
                // Keep garbage out of the hash of the last strings.
                self.window[at..at + MIN_MATCH - 1].fill(0);
            }
            Some(n) => self.lookahead += n,
        }
        true
    }

    #[inline(always)]
    fn insert_string(&mut self, s: usize) -> usize {
        debug_assert!(s + 3 < WINDOW_ALLOC);
        // SAFETY: s < WINDOW_SIZE, so s + 3 is inside the slack-padded
        // window; the hash indexes are below the head's length (masked, or
        // shifted down to MULT_HASH_BITS with a head that long) and prev's
        // is masked to its size.
        unsafe {
            if self.mult_hash {
                // Four bytes read (the window's slack covers the fourth),
                // three hashed.
                let v = (self.window.as_ptr().add(s) as *const u32).read_unaligned();
                let three = u32::from_le(v) & 0x00ff_ffff;
                self.ins_h = (three.wrapping_mul(MULT_HASH_KEY) >> (32 - MULT_HASH_BITS)) as usize;
            } else {
                let c = *self.window.get_unchecked(s + MIN_MATCH - 1) as usize;
                self.ins_h = ((self.ins_h << H_SHIFT) ^ c) & HASH_MASK;
            }
            let h = *self.head.get_unchecked(self.ins_h);
            *self.prev.get_unchecked_mut(s & WMASK) = h;
            *self.head.get_unchecked_mut(self.ins_h) = s as u16;
            h as usize
        }
    }

    /// Hashes the string at `strstart` and returns the previous head of its
    /// chain (0 when zlib skips the last two bytes).
    #[inline(always)]
    fn insert_head(&mut self) -> usize {
        if self.zlib && self.lookahead < MIN_MATCH {
            0
        } else {
            self.insert_string(self.strstart)
        }
    }

    /// GNU gzip never searches within the last 262 bytes of the window
    /// (only reached at the end of the input: its `deflate` checks
    /// `strstart <= window_size - MIN_LOOKAHEAD`); Info-ZIP and zlib do
    /// (Info-ZIP only asserts it in debug builds; `zip_compat`'s
    /// `info_zip_searches_to_the_end_of_the_window` ends with such a
    /// match).
    #[inline(always)]
    fn may_search(&self) -> bool {
        self.nice_clamp || self.strstart <= WINDOW_SIZE - MIN_LOOKAHEAD
    }

    #[inline(always)]
    fn tally(&mut self, dist: usize, lc: usize) -> bool {
        let in_length = (self.strstart as i64 - self.block_start) as u64;
        self.trees.tally(dist, lc, || in_length)
    }

    fn flush_block(&mut self, eof: bool) {
        let stored_len = (self.strstart as i64 - self.block_start) as u64;
        let buf = if self.block_start >= 0 {
            let b = self.block_start as usize;
            Some(&self.window[b..b + stored_len as usize])
        } else {
            None
        };
        self.trees.flush_block(buf, stored_len, false, eof);
    }

    /// Levels 1-3: take the longest match at each position, no lazy step.
    fn deflate_fast(&mut self) {
        while self.lookahead >= MIN_LOOKAHEAD || (self.eofile && self.lookahead != 0) {
            let hash_head = self.insert_head();
            if hash_head != 0 && self.strstart - hash_head <= MAX_DIST && self.may_search() {
                self.match_length = self.longest_match(hash_head).min(self.lookahead);
            }
            let flush;
            if self.match_length >= MIN_MATCH {
                flush = self.tally(
                    self.strstart - self.match_start,
                    self.match_length - MIN_MATCH,
                );
                self.lookahead -= self.match_length;
                if self.match_length <= self.cfg.lazy && (!self.zlib || self.lookahead >= MIN_MATCH)
                {
                    self.match_length -= 1;
                    loop {
                        self.strstart += 1;
                        self.insert_string(self.strstart);
                        self.match_length -= 1;
                        if self.match_length == 0 {
                            break;
                        }
                    }
                    self.strstart += 1;
                } else {
                    self.strstart += self.match_length;
                    self.match_length = 0;
                    self.ins_h = self.window[self.strstart] as usize;
                    self.ins_h = ((self.ins_h << H_SHIFT)
                        ^ self.window[self.strstart + 1] as usize)
                        & HASH_MASK;
                }
            } else {
                let c = self.window[self.strstart] as usize;
                flush = self.tally(0, c);
                self.lookahead -= 1;
                self.strstart += 1;
            }
            if flush {
                self.flush_block(false);
                self.block_start = self.strstart as i64;
            }
        }
    }

    /// Levels 4-9: keep a match pending one byte and prefer a longer match
    /// starting at the next byte.
    fn deflate_lazy(&mut self) {
        while self.lookahead >= MIN_LOOKAHEAD || (self.eofile && self.lookahead != 0) {
            let hash_head = self.insert_head();
            self.prev_length = self.match_length;
            let prev_match = self.match_start;
            self.match_length = MIN_MATCH - 1;
            if hash_head != 0
                && self.prev_length < self.cfg.lazy
                && self.strstart - hash_head <= MAX_DIST
                && self.may_search()
            {
                self.match_length = self.longest_match(hash_head).min(self.lookahead);
                if self.match_length == MIN_MATCH
                    && self.strstart.wrapping_sub(self.match_start) > TOO_FAR
                {
                    self.match_length -= 1;
                }
            }
            if self.prev_length >= MIN_MATCH && self.match_length <= self.prev_length {
                let max_insert = if self.zlib {
                    self.strstart + self.lookahead - MIN_MATCH
                } else {
                    usize::MAX
                };
                let flush =
                    self.tally(self.strstart - 1 - prev_match, self.prev_length - MIN_MATCH);
                self.lookahead -= self.prev_length - 1;
                self.prev_length -= 2;
                loop {
                    self.strstart += 1;
                    if self.strstart <= max_insert {
                        self.insert_string(self.strstart);
                    }
                    self.prev_length -= 1;
                    if self.prev_length == 0 {
                        break;
                    }
                }
                self.match_available = false;
                self.match_length = MIN_MATCH - 1;
                self.strstart += 1;
                if flush {
                    self.flush_block(false);
                    self.block_start = self.strstart as i64;
                }
            } else if self.match_available {
                let c = self.window[self.strstart - 1] as usize;
                if self.tally(0, c) {
                    self.flush_block(false);
                    self.block_start = self.strstart as i64;
                }
                self.strstart += 1;
                self.lookahead -= 1;
            } else {
                self.match_available = true;
                self.strstart += 1;
                self.lookahead -= 1;
            }
        }
    }

    /// The longest match at `strstart` among the chain from `cur_match`,
    /// longer than `prev_length`; sets `match_start`. Returns the length
    /// found, or `prev_length` when nothing longer was found.
    #[inline(always)]
    fn longest_match(&mut self, mut cur_match: usize) -> usize {
        let mut chain_length = self.cfg.chain;
        let strstart = self.strstart;
        let mut best_len = self.prev_length;
        let limit = strstart.saturating_sub(MAX_DIST);
        let nice = if self.nice_clamp {
            self.cfg.nice.min(self.lookahead)
        } else {
            self.cfg.nice
        };
        if self.prev_length >= self.cfg.good {
            chain_length >>= 2;
        }
        debug_assert!(strstart < WINDOW_SIZE);
        let w = self.window.as_ptr();
        let prev = self.prev.as_ptr();
        let mut match_start = self.match_start;
        let first = if self.mult_hash { 2 } else { 3 };
        // SAFETY: strstart < WINDOW_SIZE and every chain entry is below
        // strstart, so all reads (at most MAX_MATCH + 16 bytes past either
        // start) stay inside the window and its 1 KiB of slack; prev is
        // indexed modulo its length.
        unsafe {
            let scan = w.add(strstart);
            let scan_start = (scan as *const u16).read_unaligned();
            let mut scan_end = (scan.add(best_len - 1) as *const u16).read_unaligned();
            loop {
                debug_assert!(cur_match < strstart);
                let m = w.add(cur_match);
                if (m.add(best_len - 1) as *const u16).read_unaligned() == scan_end
                    && (m as *const u16).read_unaligned() == scan_start
                {
                    // Bytes 0, 1 match. The rolling hash implies byte 2,
                    // and the reference tools compare from byte 3; the
                    // multiplicative hash does not, so compare from byte
                    // 2. Eight bytes at a time, up to MAX_MATCH.
                    let mut len = first;
                    loop {
                        let a = (scan.add(len) as *const u64).read_unaligned();
                        let b = (m.add(len) as *const u64).read_unaligned();
                        let x = a ^ b;
                        if x != 0 {
                            len += (u64::from_le(x).trailing_zeros() / 8) as usize;
                            break;
                        }
                        len += 8;
                        if len >= MAX_MATCH {
                            break;
                        }
                    }
                    let len = len.min(MAX_MATCH);
                    if len > best_len {
                        match_start = cur_match;
                        best_len = len;
                        if len >= nice {
                            break;
                        }
                        scan_end = (scan.add(best_len - 1) as *const u16).read_unaligned();
                    }
                }
                cur_match = *prev.add(cur_match & WMASK) as usize;
                if cur_match <= limit {
                    break;
                }
                chain_length -= 1;
                if chain_length == 0 {
                    break;
                }
            }
        }
        self.match_start = match_start;
        best_len
    }
}
