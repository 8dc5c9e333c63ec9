//! Go 1.27's single-pass matchers for levels 4-6 (see `go127_fast` for
//! the shared parts): a short table of 4-byte hashes and a long table of
//! 7-byte hashes, 2^15 entries each;
//!
//! - level 4: one position per entry, the long table tried first, then
//!   the short one and a long match at the next byte;
//! - level 5 (`archive/zip`'s level): two positions per long entry, and
//!   after each match a second try two bytes in (matches under 30 bytes);
//! - level 6: like 5, with a repeat-offset check and denser insertion.

use crate::go127_block::Tokens;
use crate::go127_fast::{
    History, MARGIN, MAX_OFFSET, common, emit_remainder, hash, ld32, ld64, len_limited, len_long,
    push, take,
};

const BITS: u32 = 15;
const MAX_MATCH: i32 = 258;

#[inline(always)]
fn hs(u: u64) -> usize {
    hash(u, BITS, 4)
}

#[inline(always)]
fn hl(u: u64) -> usize {
    hash(u, BITS, 7)
}

/// Which of levels 4-6, and its tables.
pub(crate) struct Dual {
    level: u8,
    h: History,
    table: Vec<i32>,
    /// One (level 4) or two positions per entry.
    b_table: Vec<i32>,
}

impl Dual {
    pub(crate) fn new(level: u8) -> Self {
        Dual {
            level,
            h: History::new(),
            table: vec![0; 1 << BITS],
            b_table: vec![0; if level == 4 { 1 } else { 2 } << BITS],
        }
    }

    pub(crate) fn reset(&mut self) {
        self.h.reset();
    }

    pub(crate) fn encode(&mut self, dst: &mut Tokens, block: &[u8]) {
        self.h
            .rebase(&mut [&mut self.table[..], &mut self.b_table[..]]);
        let s = self.h.add_block(block) as i32;
        if self.level == 4 {
            self.encode4(dst, s);
        } else {
            self.encode56(dst, s);
        }
    }

    fn encode4(&mut self, dst: &mut Tokens, mut s: i32) {
        let (src, cur) = (&self.h.hist, self.h.cur);
        let (table, bt) = (&mut self.table, &mut self.b_table);
        let s_limit = (src.len() - MARGIN) as i32;
        let mut next_emit = s;
        let mut cv = ld64(src, s);
        loop {
            let mut next_s = s;
            let mut t;
            loop {
                let (nhs, nhl) = (hs(cv), hl(cv));
                s = next_s;
                next_s = s + 1 + ((s - next_emit) >> 6);
                if next_s > s_limit {
                    emit_remainder(dst, src, next_emit);
                    return;
                }
                let (sc, lc) = (table[nhs], bt[nhl]);
                let next = ld64(src, next_s);
                table[nhs] = s + cur;
                bt[nhl] = s + cur;
                t = lc - cur;
                if s - t < MAX_OFFSET && cv as u32 == ld32(src, t) {
                    break;
                }
                t = sc - cur;
                if s - t < MAX_OFFSET && cv as u32 == ld32(src, t) {
                    let l_off = bt[hl(next)] - cur;
                    if next_s - l_off < MAX_OFFSET && ld32(src, l_off) == next as u32 {
                        let l1 = common(&src[s as usize + 4..], &src[t as usize + 4..]);
                        // Go compares against the distance taken as a
                        // position here; the choice follows it.
                        let d = (next_s - l_off) as usize;
                        let l2 = common(&src[next_s as usize + 4..], &src[d + 4..]);
                        if l2 > l1 {
                            s = next_s;
                            t = l_off;
                        }
                    }
                    break;
                }
                cv = next;
            }
            let l = len_long(src, s + 4, t + 4) + 4;
            s = take(dst, src, &mut next_emit, (s, t, l), next_s).0;
            if s >= s_limit {
                if ((s + 8) as usize) < src.len() {
                    let cv = ld64(src, s);
                    table[hs(cv)] = s + cur;
                    bt[hl(cv)] = s + cur;
                }
                emit_remainder(dst, src, next_emit);
                return;
            }
            let mut i = next_s;
            if i < s - 1 {
                loop {
                    let cv = ld64(src, i);
                    bt[hl(cv)] = i + cur;
                    bt[hl(cv >> 8)] = i + 1 + cur;
                    table[hs(cv >> 8)] = i + 1 + cur;
                    i += 3;
                    if i >= s - 1 {
                        break;
                    }
                }
            }
            let x = ld64(src, s - 1);
            let o = cur + s - 1;
            table[hs(x)] = o;
            bt[hl(x)] = o;
            cv = x >> 8;
        }
    }

    /// Levels 5 and 6 of Go's fast encoder over the current history.
    ///
    /// Kept as one function of Go's shape on purpose: it mirrors
    /// Go's level 5 and 6 encoders statement for statement (the bytes must be
    /// Go's, and a reader checks them side by side), and it is the hot loop
    /// whose locals the compiler keeps in registers; cutting it at its
    /// `break`s and `continue`s would hide the correspondence and cost
    /// speed (checked by scripts/bench-goflate).
    fn encode56(&mut self, dst: &mut Tokens, mut s: i32) {
        let six = self.level == 6;
        let (src, cur) = (&self.h.hist, self.h.cur);
        let (table, bt) = (&mut self.table, &mut self.b_table);
        let s_limit = (src.len() - MARGIN) as i32;
        let mut next_emit = s;
        let mut cv = ld64(src, s);
        let mut repeat = 1i32;
        loop {
            let mut next_s = s;
            let mut l = 0i32;
            let mut t;
            loop {
                let (mut nhs, mut nhl) = (hs(cv), hl(cv));
                s = next_s;
                next_s = s + 1 + ((s - next_emit) >> if six { 7 } else { 6 });
                if next_s > s_limit {
                    emit_remainder(dst, src, next_emit);
                    return;
                }
                let sc = table[nhs];
                let (lc_cur, lc_prev) = (bt[2 * nhl], bt[2 * nhl + 1]);
                let next = ld64(src, next_s);
                table[nhs] = s + cur;
                push(bt, nhl, s + cur);
                nhs = hs(next);
                nhl = hl(next);
                t = lc_cur - cur;
                if s - t < MAX_OFFSET {
                    if cv as u32 == ld32(src, t) {
                        table[nhs] = next_s + cur;
                        push(bt, nhl, next_s + cur);
                        let t2 = lc_prev - cur;
                        if s - t2 < MAX_OFFSET && cv as u32 == ld32(src, t2) {
                            l = len_limited(src, s + 4, t + 4) + 4;
                            let ml1 = len_limited(src, s + 4, t2 + 4) + 4;
                            if ml1 > l {
                                t = t2;
                                l = ml1;
                            }
                        }
                        break;
                    }
                    t = lc_prev - cur;
                    if s - t < MAX_OFFSET && cv as u32 == ld32(src, t) {
                        table[nhs] = next_s + cur;
                        push(bt, nhl, next_s + cur);
                        break;
                    }
                }
                t = sc - cur;
                if s - t < MAX_OFFSET && cv as u32 == ld32(src, t) {
                    l = len_limited(src, s + 4, t + 4) + 4;
                    let (lc_cur, lc_prev) = (bt[2 * nhl], bt[2 * nhl + 1]);
                    table[nhs] = next_s + cur;
                    push(bt, nhl, next_s + cur);
                    if six {
                        // The previous match's offset, one byte on.
                        let t2 = s - repeat + 1;
                        if t2 >= 0 && ld32(src, t2) == (cv >> 8) as u32 {
                            let ml = len_limited(src, s + 5, t2 + 4) + 4;
                            if ml > l {
                                t = t2;
                                l = ml;
                                s += 1;
                                break;
                            }
                        }
                    }
                    let t2 = lc_cur - cur;
                    if next_s - t2 < MAX_OFFSET {
                        if ld32(src, t2) == next as u32 {
                            let ml = len_limited(src, next_s + 4, t2 + 4) + 4;
                            if ml > l {
                                t = t2;
                                s = next_s;
                                l = ml;
                                if !six {
                                    break;
                                }
                            }
                        }
                        let t2 = lc_prev - cur;
                        if next_s - t2 < MAX_OFFSET && ld32(src, t2) == next as u32 {
                            let ml = len_limited(src, next_s + 4, t2 + 4) + 4;
                            if ml > l {
                                t = t2;
                                s = next_s;
                                l = ml;
                            }
                        }
                    }
                    break;
                }
                cv = next;
            }
            if l == 0 {
                l = len_long(src, s + 4, t + 4) + 4;
            } else if l == MAX_MATCH {
                l += len_long(src, s + l, t + l);
            }
            // A longer match two bytes in, found through the long table at
            // the match's end.
            let s_at = s + l;
            if (six || l < 30) && s_at < s_limit {
                let e = hl(ld64(src, s_at));
                let s2 = s + 2;
                let t2 = bt[2 * e] - cur - l + 2;
                let off = s2 - t2;
                if six {
                    if off < MAX_OFFSET {
                        if off > 0 && t2 >= 0 {
                            let l2 = len_long(src, s2, t2);
                            if l2 > l {
                                (t, l, s) = (t2, l2, s2);
                            }
                        }
                        let t2 = bt[2 * e + 1] - cur - l + 2;
                        let off = s2 - t2;
                        if off > 0 && off < MAX_OFFSET && t2 >= 0 {
                            let l2 = len_long(src, s2, t2);
                            if l2 > l {
                                (t, l, s) = (t2, l2, s2);
                            }
                        }
                    }
                } else if t2 >= 0 && off < MAX_OFFSET && off > 0 {
                    let l2 = len_long(src, s2, t2);
                    if l2 > l {
                        (t, l, s) = (t2, l2, s2);
                    }
                }
            }
            // The match's offset (extending it backwards keeps it).
            repeat = s - t;
            let (next, _, l) = take(dst, src, &mut next_emit, (s, t, l), next_s);
            s = next;
            if s >= s_limit {
                if six {
                    let mut i = next_s + 1;
                    while (i as usize) < src.len() - 8 {
                        let cv = ld64(src, i);
                        table[hs(cv)] = i + cur;
                        push(bt, hl(cv), i + cur);
                        i += 2;
                    }
                }
                emit_remainder(dst, src, next_emit);
                return;
            }
            if six {
                let mut i = next_s + 1;
                while i < s - 1 {
                    let cv = ld64(src, i);
                    table[hs(cv)] = i + cur;
                    push(bt, hl(cv), i + cur);
                    push(bt, hl(cv >> 8), i + 1 + cur);
                    i += 2;
                }
                cv = ld64(src, s);
                continue;
            }
            let mut i = s - l + 1;
            if i < s - 1 {
                let cv = ld64(src, i);
                table[hs(cv)] = i + cur;
                push(bt, hl(cv), i + cur);
                push(bt, hl(cv >> 8), i + 1 + cur);
                table[hs(cv >> 16)] = i + 2 + cur;
                i += 4;
                while i < s - 1 {
                    let cv = ld64(src, i);
                    push(bt, hl(cv), i + cur);
                    table[hs(cv >> 8)] = i + 1 + cur;
                    i += 3;
                }
            }
            let x = ld64(src, s - 1);
            let o = cur + s - 1;
            table[hs(x)] = o;
            push(bt, hl(x), o);
            cv = x >> 8;
        }
    }
}
