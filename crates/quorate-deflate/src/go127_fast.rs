//! Go 1.27's single-pass matchers for levels 1-3 (levels 4-6 are in
//! `go127_fast2`), each compressing one block of up to 65 535 bytes with
//! matches reaching back 32 KiB into earlier blocks through a history
//! buffer:
//!
//! - level 1: one table of 2^15 positions, 5-byte hashes, sparse
//!   insertion, skipping faster through literals (every 2 + n/32 bytes);
//! - level 2: one table of 2^17 positions, 5-byte hashes, some strings of
//!   each match inserted;
//! - level 3: 2^16 entries of two positions each, choosing the longer.
//!
//! A match found is extended backwards over pending literals and forwards
//! without limit (split into pieces of at most 258).

use crate::go127_block::Tokens;

pub(crate) const MAX_STORE: usize = 65535;
pub(crate) const MAX_OFFSET: i32 = 1 << 15;
const ALLOC_HISTORY: usize = MAX_STORE * 5;
const BUFFER_RESET: i32 = (((1i64 << 31) - ALLOC_HISTORY as i64 - MAX_STORE as i64) - 1) as i32;
/// Input bytes kept unsearched at the end of a block.
pub(crate) const MARGIN: usize = 11;

/// The history shared by the fast matchers: earlier blocks (the last
/// 32 KiB of them at least) then the current one; positions in the tables
/// are `index + cur`.
pub(crate) struct History {
    pub(crate) hist: Vec<u8>,
    pub(crate) cur: i32,
}

impl History {
    pub(crate) fn new() -> Self {
        History {
            hist: Vec::with_capacity(ALLOC_HISTORY),
            cur: MAX_STORE as i32,
        }
    }

    /// Appends `src`, first moving the last 32 KiB down when full;
    /// returns where `src` starts.
    pub(crate) fn add_block(&mut self, src: &[u8]) -> usize {
        if self.hist.len() + src.len() > ALLOC_HISTORY {
            let offset = self.hist.len() - MAX_OFFSET as usize;
            self.hist.copy_within(offset.., 0);
            self.hist.truncate(MAX_OFFSET as usize);
            self.cur += offset as i32;
        }
        let s = self.hist.len();
        self.hist.extend_from_slice(src);
        s
    }

    /// Forgets the history: nothing before can be matched.
    pub(crate) fn reset(&mut self) {
        if self.cur <= BUFFER_RESET {
            self.cur += MAX_OFFSET + self.hist.len() as i32;
        }
        self.hist.clear();
    }

    /// Before positions overflow: rebases `tables`' positions (or clears
    /// them with no history) so that `cur` starts over at 32 KiB.
    pub(crate) fn rebase(&mut self, tables: &mut [&mut [i32]]) {
        while self.cur >= BUFFER_RESET {
            if self.hist.is_empty() {
                for t in tables.iter_mut() {
                    t.fill(0);
                }
                self.cur = MAX_OFFSET;
                break;
            }
            let min_off = self.cur + self.hist.len() as i32 - MAX_OFFSET;
            for t in tables.iter_mut() {
                for v in t.iter_mut() {
                    *v = if *v <= min_off {
                        0
                    } else {
                        *v - self.cur + MAX_OFFSET
                    };
                }
            }
            self.cur = MAX_OFFSET;
        }
    }
}

/// Go's `hashLen`: the low `n` bytes of `u` hashed to `bits` bits.
#[inline(always)]
pub(crate) fn hash(u: u64, bits: u32, n: u32) -> usize {
    (match n {
        4 => ((u as u32).wrapping_mul(2_654_435_761) >> (32 - bits)) as u64,
        5 => (u << 24).wrapping_mul(889_523_592_379) >> (64 - bits),
        7 => (u << 8).wrapping_mul(58_295_818_150_454_627) >> (64 - bits),
        _ => u.wrapping_mul(0xcf1b_bcdc_b7a5_6463) >> (64 - bits),
    }) as usize
}

#[inline(always)]
pub(crate) fn ld32(b: &[u8], i: i32) -> u32 {
    let i = i as usize;
    u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"))
}

#[inline(always)]
pub(crate) fn ld64(b: &[u8], i: i32) -> u64 {
    let i = i as usize;
    u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"))
}

/// Common prefix length of `a` and `b` (at most `a.len()`).
#[inline(always)]
pub(crate) fn common(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    let max = a.len().min(b.len());
    while n + 8 <= max {
        let x = u64::from_le_bytes(a[n..n + 8].try_into().expect("8"))
            ^ u64::from_le_bytes(b[n..n + 8].try_into().expect("8"));
        if x != 0 {
            return n + (x.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < max && a[n] == b[n] {
        n += 1;
    }
    n
}

/// Match length at `s` against `t`, at most 254.
#[inline(always)]
pub(crate) fn len_limited(src: &[u8], s: i32, t: i32) -> i32 {
    let (s, t) = (s as usize, t as usize);
    common(&src[s..(s + 254).min(src.len())], &src[t..]) as i32
}

/// Match length at `s` against `t`, to the end of the input.
#[inline(always)]
pub(crate) fn len_long(src: &[u8], s: i32, t: i32) -> i32 {
    common(&src[s as usize..], &src[t as usize..]) as i32
}

/// Extends a match at `s` against `t` backwards over pending literals,
/// emits those literals and the match; returns the new `s` (after the
/// match) and the match's length.
#[inline(always)]
pub(crate) fn emit(
    dst: &mut Tokens,
    src: &[u8],
    next_emit: i32,
    mut s: i32,
    mut t: i32,
    mut l: i32,
) -> (i32, i32, i32) {
    while t > 0 && s > next_emit && src[t as usize - 1] == src[s as usize - 1] {
        s -= 1;
        t -= 1;
        l += 1;
    }
    if next_emit < s {
        dst.literals(&src[next_emit as usize..s as usize]);
    }
    dst.add_match_long(l as usize, (s - t - 1) as usize);
    (s, t, l)
}

/// Takes the match of length `l` found at `s` against `t`: [`emit`]s it
/// (with the pending literals since `next_emit`, which moves past it).
/// Returns where the search goes on (after the match, and at least past
/// `next_s`, the position it had looked at next), the match's start in the
/// history after extending it backwards, and its length.
#[inline(always)]
pub(crate) fn take(
    dst: &mut Tokens,
    src: &[u8],
    next_emit: &mut i32,
    (s, t, l): (i32, i32, i32),
    next_s: i32,
) -> (i32, i32, i32) {
    let (ms, mt, l) = emit(dst, src, *next_emit, s, t, l);
    let mut s = ms + l;
    *next_emit = s;
    if next_s >= s {
        s = next_s + 1;
    }
    (s, mt, l)
}

/// The literals after the last match, unless the block made no tokens at
/// all (it is then stored).
pub(crate) fn emit_remainder(dst: &mut Tokens, src: &[u8], next_emit: i32) {
    if (next_emit as usize) < src.len() && dst.len() > 0 {
        dst.literals(&src[next_emit as usize..]);
    }
}

/// Levels 1-3 (`LEVEL`): one table of 2^`BITS` entries of 5-byte hashes
/// over the history (level 3: two positions per entry).
pub(crate) struct Single<const LEVEL: u8, const BITS: u32> {
    h: History,
    table: Vec<i32>,
}

/// Level 1.
pub(crate) type L1 = Single<1, 15>;
/// Level 2.
pub(crate) type L2 = Single<2, 17>;
/// Level 3: two positions per entry (`[cur, prev]`).
pub(crate) type L3 = Single<3, 16>;

impl<const LEVEL: u8, const BITS: u32> Single<LEVEL, BITS> {
    pub(crate) fn new() -> Self {
        Single {
            h: History::new(),
            table: vec![0; if LEVEL == 3 { 2 } else { 1 } << BITS],
        }
    }

    pub(crate) fn reset(&mut self) {
        self.h.reset();
    }

    /// Compresses `block` into `dst`. The level's search is a function of
    /// its own (`#[inline(never)]`: inlined, levels 1 and 2 ran 2-3% more
    /// instructions).
    pub(crate) fn encode(&mut self, dst: &mut Tokens, block: &[u8]) {
        self.h.rebase(&mut [&mut self.table]);
        let b = Block::<BITS> {
            s: self.h.add_block(block) as i32,
            src: &self.h.hist,
            cur: self.h.cur,
        };
        let table = &mut self.table[..];
        let next_emit = match LEVEL {
            1 => level1(dst, b, table),
            2 => level2(dst, b, table),
            _ => level3(dst, b, table),
        };
        emit_remainder(dst, b.src, next_emit);
    }
}

/// A block levels 1-3 search: it starts at `s` in the history `src`, whose
/// positions in the table (of 2^`BITS` entries) are `index + cur`.
#[derive(Clone, Copy)]
struct Block<'a, const BITS: u32> {
    src: &'a [u8],
    cur: i32,
    s: i32,
}

impl<const BITS: u32> Block<'_, BITS> {
    /// The table's hash of the low 5 bytes of `u`.
    #[inline(always)]
    fn hb(self, u: u64) -> usize {
        hash(u, BITS, 5)
    }
}

/// Level 1's search of the block at `s`; returns where the literals
/// still to emit start.
#[inline(never)]
fn level1<const BITS: u32>(dst: &mut Tokens, b: Block<'_, BITS>, table: &mut [i32]) -> i32 {
    let Block {
        src, cur, mut s, ..
    } = b;
    let s_limit = (src.len() - MARGIN) as i32;
    let (mut next_emit, mut cv) = (s, ld64(src, s));
    'outer: loop {
        let mut next_s;
        let mut t;
        loop {
            let mut nh = b.hb(cv);
            let cand = table[nh];
            next_s = s + 2 + ((s - next_emit) >> 5);
            if next_s > s_limit {
                break 'outer;
            }
            let mut now = ld64(src, next_s);
            table[nh] = s + cur;
            nh = b.hb(now);
            t = cand - cur;
            if s - t < MAX_OFFSET && cv as u32 == ld32(src, t) {
                table[nh] = next_s + cur;
                break;
            }
            cv = now;
            s = next_s;
            next_s += 1;
            let cand = table[nh];
            now >>= 8;
            table[nh] = s + cur;
            t = cand - cur;
            if s - t < MAX_OFFSET && cv as u32 == ld32(src, t) {
                table[nh] = next_s + cur;
                break;
            }
            cv = now;
            s = next_s;
        }
        loop {
            let l = len_long(src, s + 4, t + 4) + 4;
            let (next, _, l) = take(dst, src, &mut next_emit, (s, t, l), next_s);
            s = next;
            if s >= s_limit {
                if ((s + l + 8) as usize) < src.len() {
                    table[b.hb(ld64(src, s))] = s + cur;
                }
                break 'outer;
            }
            let x = ld64(src, s - 2);
            let o = cur + s - 2;
            table[b.hb(x)] = o;
            let x = x >> 16;
            let ch = b.hb(x);
            let cand = table[ch];
            table[ch] = o + 2;
            t = cand - cur;
            if s - t > MAX_OFFSET || x as u32 != ld32(src, t) {
                cv = x >> 8;
                s += 1;
                break;
            }
        }
    }
    next_emit
}

/// Level 2's search of the block at `s`; returns where the literals
/// still to emit start.
#[inline(never)]
fn level2<const BITS: u32>(dst: &mut Tokens, b: Block<'_, BITS>, table: &mut [i32]) -> i32 {
    let Block {
        src, cur, mut s, ..
    } = b;
    let s_limit = (src.len() - MARGIN) as i32;
    let (mut next_emit, mut cv) = (s, ld64(src, s));
    'outer: loop {
        let mut next_s = s;
        let mut cand;
        loop {
            let mut nh = b.hb(cv);
            s = next_s;
            next_s = s + 2 + ((s - next_emit) >> 5);
            if next_s > s_limit {
                break 'outer;
            }
            cand = table[nh];
            let mut now = ld64(src, next_s);
            table[nh] = s + cur;
            nh = b.hb(now);
            let off = s - (cand - cur);
            if off < MAX_OFFSET && cv as u32 == ld32(src, cand - cur) {
                table[nh] = next_s + cur;
                break;
            }
            cv = now;
            s = next_s;
            next_s += 1;
            cand = table[nh];
            now >>= 8;
            table[nh] = s + cur;
            let off = s - (cand - cur);
            if off < MAX_OFFSET && cv as u32 == ld32(src, cand - cur) {
                break;
            }
            cv = now;
        }
        loop {
            let t = cand - cur;
            let l = len_long(src, s + 4, t + 4) + 4;
            let (next, _, l) = take(dst, src, &mut next_emit, (s, t, l), next_s);
            s = next;
            if s >= s_limit {
                if ((s + l + 8) as usize) < src.len() {
                    table[b.hb(ld64(src, s))] = s + cur;
                }
                break 'outer;
            }
            let mut i = s - l + 2;
            while i < s - 5 {
                let x = ld64(src, i);
                table[b.hb(x)] = cur + i;
                table[b.hb(x >> 16)] = cur + i + 2;
                table[b.hb(x >> 32)] = cur + i + 4;
                i += 7;
            }
            let x = ld64(src, s - 2);
            let o = cur + s - 2;
            table[b.hb(x)] = o;
            table[b.hb(x >> 8)] = o + 1;
            let ch = b.hb(x >> 16);
            cand = table[ch];
            table[ch] = o + 2;
            let off = s - (cand - cur);
            if off > MAX_OFFSET || (x >> 16) as u32 != ld32(src, cand - cur) {
                cv = x >> 24;
                s += 1;
                break;
            }
        }
    }
    next_emit
}

/// Inserts position `p` (already + cur) at hash `h` of a two-position
/// table (`[cur, prev]` per entry).
#[inline(always)]
pub(crate) fn push(table: &mut [i32], h: usize, p: i32) {
    table[2 * h + 1] = table[2 * h];
    table[2 * h] = p;
}

/// Level 3's search of the block at `s`; returns where the literals
/// still to emit start.
#[inline(never)]
fn level3<const BITS: u32>(dst: &mut Tokens, b: Block<'_, BITS>, table: &mut [i32]) -> i32 {
    let Block {
        src, cur, mut s, ..
    } = b;
    let s_limit = (src.len() - MARGIN) as i32;
    let (mut next_emit, mut cv) = (s, ld64(src, s));
    'outer: loop {
        let mut next_s = s;
        let mut cand;
        loop {
            let nh = b.hb(cv);
            s = next_s;
            next_s = s + 1 + ((s - next_emit) >> 7);
            if next_s > s_limit {
                break 'outer;
            }
            let (c_cur, c_prev) = (table[2 * nh], table[2 * nh + 1]);
            let now = ld64(src, next_s);
            let min_off = cur + s - (MAX_OFFSET - 4);
            push(table, nh, s + cur);
            cand = c_cur;
            if cand < min_off {
                cv = now;
                continue;
            }
            if cv as u32 == ld32(src, cand - cur) {
                if c_prev < min_off || cv as u32 != ld32(src, c_prev - cur) {
                    break;
                }
                let su = s as usize + 4;
                let l1 = common(&src[su..], &src[(cand - cur) as usize + 4..]);
                let l2 = common(&src[su..], &src[(c_prev - cur) as usize + 4..]);
                if l2 > l1 {
                    cand = c_prev;
                }
                break;
            } else {
                cand = c_prev;
                if cand > min_off && cv as u32 == ld32(src, cand - cur) {
                    break;
                }
            }
            cv = now;
        }
        loop {
            let t = cand - cur;
            let l = len_long(src, s + 4, t + 4) + 4;
            let (next, mt, l) = take(dst, src, &mut next_emit, (s, t, l), next_s);
            s = next;
            if s >= s_limit {
                let t = mt + l;
                if ((t + 8) as usize) < src.len() && t > 0 {
                    push(table, b.hb(ld64(src, t)), cur + t);
                }
                break 'outer;
            }
            let mut i = s - l + 2;
            while i < s - 5 {
                push(table, b.hb(ld64(src, i)), cur + i);
                i += 6;
            }
            let x = ld64(src, s - 2);
            push(table, b.hb(x), cur + s - 2);
            push(table, b.hb(x >> 8), cur + s - 1);
            let x = x >> 16;
            let ch = b.hb(x);
            let (c_cur, c_prev) = (table[2 * ch], table[2 * ch + 1]);
            cv = x;
            push(table, ch, s + cur);
            cand = c_cur;
            let min_off = cur + s - (MAX_OFFSET - 4);
            if cand > min_off {
                if cv as u32 == ld32(src, cand - cur) {
                    continue;
                }
                cand = c_prev;
                if cand > min_off && cv as u32 == ld32(src, cand - cur) {
                    continue;
                }
            }
            cv = x >> 8;
            s += 1;
            break;
        }
    }
    next_emit
}
