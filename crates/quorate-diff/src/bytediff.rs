//! Aligned byte differences: content-defined chunks (a gear hash, ~64-byte
//! average) diffed with imara-diff, refined inside changed hunks with
//! `similar`, so a grown string reads as one insertion and not as every
//! later offset changing.

use std::ops::Range;
use std::time::Instant;

use imara_diff::intern::InternedInput;
use imara_diff::{Algorithm, diff};

/// One differing region: a range on each side (one may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// Bytes on side A.
    pub a: Range<usize>,
    /// Bytes on side B.
    pub b: Range<usize>,
}

const fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

const GEAR: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = splitmix(i as u64 ^ 0x5155_4f52_4154_4521);
        i += 1;
    }
    t
};

const MIN_CHUNK: usize = 16;
const MAX_CHUNK: usize = 512;

/// Cuts `data` into content-defined chunks (~64 bytes on average).
pub fn chunks(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(data.len() / 48 + 1);
    let mut start = 0;
    let mut h: u64 = 0;
    for (i, &byte) in data.iter().enumerate() {
        h = (h << 1).wrapping_add(GEAR[byte as usize]);
        let len = i + 1 - start;
        if (len >= MIN_CHUNK && (h >> 58) == 0) || len >= MAX_CHUNK {
            out.push(&data[start..=i]);
            start = i + 1;
            h = 0;
        }
    }
    if start < data.len() {
        out.push(&data[start..]);
    }
    out
}

/// Hunks bigger than this on either side are not refined byte by byte.
const REFINE_LIMIT: usize = 4 * 1024;
/// Regions closer than this are merged into one.
const MERGE_GAP: usize = 8;

/// The differing regions of `a` and `b`, aligned, merged when closer than
/// a few bytes. Stops at `max_regions` (then the last region runs to the
/// end) or at `deadline`; the flag says whether the answer is complete.
pub fn diff_regions(
    a: &[u8],
    b: &[u8],
    deadline: Instant,
    max_regions: usize,
) -> (Vec<Region>, bool) {
    let (prefix, suffix) = common_ends(a, b);
    let am = &a[prefix..a.len() - suffix];
    let bm = &b[prefix..b.len() - suffix];
    if am.is_empty() && bm.is_empty() {
        return (Vec::new(), true);
    }
    let mut raw = Vec::new();
    let mut complete = true;
    if am.is_empty() || bm.is_empty() {
        raw.push(Region {
            a: 0..am.len(),
            b: 0..bm.len(),
        });
    } else if am.len() <= REFINE_LIMIT && bm.len() <= REFINE_LIMIT {
        refine(am, bm, 0, 0, deadline, &mut raw);
    } else {
        let middle = Middle {
            a: am,
            b: bm,
            deadline,
            cap: max_regions.saturating_mul(4),
        };
        complete = middle.by_chunks(&mut raw);
    }
    let mut out = merge_close(raw, prefix);
    if out.len() > max_regions {
        complete = false;
        let tail_a = out[max_regions - 1].a.start..a.len() - suffix;
        let tail_b = out[max_regions - 1].b.start..b.len() - suffix;
        out.truncate(max_regions - 1);
        out.push(Region {
            a: tail_a,
            b: tail_b,
        });
    }
    (out, complete)
}

/// The lengths of the common prefix and of the common suffix (which does
/// not overlap the prefix) of `a` and `b`.
fn common_ends(a: &[u8], b: &[u8]) -> (usize, usize) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    (prefix, suffix)
}

/// Shifts the regions by the common prefix and merges those closer than
/// [`MERGE_GAP`] on both sides.
fn merge_close(raw: Vec<Region>, prefix: usize) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::new();
    for r in raw {
        let r = Region {
            a: r.a.start + prefix..r.a.end + prefix,
            b: r.b.start + prefix..r.b.end + prefix,
        };
        if let Some(last) = out.last_mut()
            && r.a.start.saturating_sub(last.a.end) < MERGE_GAP
            && r.b.start.saturating_sub(last.b.end) < MERGE_GAP
        {
            last.a.end = last.a.end.max(r.a.end);
            last.b.end = last.b.end.max(r.b.end);
            continue;
        }
        out.push(r);
    }
    out
}

/// The differing middles of two inputs (too big to refine at once) and
/// the limits on describing their differences.
struct Middle<'a> {
    a: &'a [u8],
    b: &'a [u8],
    deadline: Instant,
    /// Raw regions to collect at most (before merging).
    cap: usize,
}

impl Middle<'_> {
    /// Aligns the middles chunk by chunk and describes each differing
    /// hunk; false when the cap or the deadline stopped it (the last
    /// region then runs to the end).
    fn by_chunks(&self, raw: &mut Vec<Region>) -> bool {
        for (ra, rb) in self.chunk_hunks() {
            if raw.len() >= self.cap || Instant::now() > self.deadline {
                raw.push(Region {
                    a: ra.start..self.a.len(),
                    b: rb.start..self.b.len(),
                });
                return false;
            }
            self.hunk(ra, rb, raw);
        }
        true
    }

    /// The differing hunks of a histogram diff of the content-defined
    /// chunks, as byte ranges of each side.
    fn chunk_hunks(&self) -> Vec<(Range<usize>, Range<usize>)> {
        let ca = chunks(self.a);
        let cb = chunks(self.b);
        let (oa, ob) = (chunk_offsets(&ca), chunk_offsets(&cb));
        let mut input: InternedInput<&[u8]> = InternedInput::default();
        input.update_before(ca.iter().copied());
        input.update_after(cb.iter().copied());
        let mut hunks = Vec::new();
        diff(
            Algorithm::Histogram,
            &input,
            |x: Range<u32>, y: Range<u32>| {
                hunks.push((
                    oa[x.start as usize]..oa[x.end as usize],
                    ob[y.start as usize]..ob[y.end as usize],
                ));
            },
        );
        hunks
    }

    /// Describes one hunk: refined when small, position by position when
    /// both sides are the same size, else as one region.
    fn hunk(&self, ra: Range<usize>, rb: Range<usize>, raw: &mut Vec<Region>) {
        if ra.is_empty() || rb.is_empty() {
            raw.push(Region { a: ra, b: rb });
        } else if ra.len() <= REFINE_LIMIT && rb.len() <= REFINE_LIMIT {
            refine(
                &self.a[ra.clone()],
                &self.b[rb.clone()],
                ra.start,
                rb.start,
                self.deadline,
                raw,
            );
        } else if ra.len() == rb.len() {
            // Same size, too big to align: compare position by position.
            self.position_by_position(ra, rb, raw);
        } else {
            raw.push(Region { a: ra, b: rb });
        }
    }

    /// The runs of differing bytes of two same-size hunks; past the cap,
    /// one last region covers the rest of the hunk.
    fn position_by_position(&self, ra: Range<usize>, rb: Range<usize>, raw: &mut Vec<Region>) {
        let (sa, sb) = (&self.a[ra.clone()], &self.b[rb.clone()]);
        let mut i = 0;
        while i < sa.len() {
            if sa[i] != sb[i] {
                let s = i;
                while i < sa.len() && sa[i] != sb[i] {
                    i += 1;
                }
                raw.push(Region {
                    a: ra.start + s..ra.start + i,
                    b: rb.start + s..rb.start + i,
                });
                if raw.len() >= self.cap {
                    raw.push(Region {
                        a: ra.start + i..ra.end,
                        b: rb.start + i..rb.end,
                    });
                    return;
                }
            }
            i += 1;
        }
    }
}

/// The offset where each chunk starts, and the total length last.
fn chunk_offsets(c: &[&[u8]]) -> Vec<usize> {
    let mut v = Vec::with_capacity(c.len() + 1);
    let mut o = 0;
    v.push(0);
    for x in c {
        o += x.len();
        v.push(o);
    }
    v
}

fn refine(
    a: &[u8],
    b: &[u8],
    base_a: usize,
    base_b: usize,
    deadline: Instant,
    out: &mut Vec<Region>,
) {
    use similar::DiffOp;
    let ops =
        similar::capture_diff_slices_deadline(similar::Algorithm::Myers, a, b, Some(deadline));
    for op in ops {
        let (ra, rb) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        out.push(Region {
            a: base_a + ra.start..base_a + ra.end,
            b: base_b + rb.start..base_b + rb.end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    fn pseudo(n: usize, seed: u64) -> Vec<u8> {
        (0..n as u64)
            .map(|i| (splitmix(i ^ seed) & 0xff) as u8)
            .collect()
    }

    #[test]
    fn grown_string_is_one_insertion() {
        let base = pseudo(200_000, 1);
        let mut a = base.clone();
        let mut b = base.clone();
        a.splice(100_000..100_000, b"version v1".iter().copied());
        b.splice(100_000..100_000, b"version v1-dirty".iter().copied());
        let (r, complete) = diff_regions(&a, &b, far(), 100);
        assert!(complete);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].a.len(), 0);
        assert_eq!(&b[r[0].b.clone()], b"-dirty");
    }

    #[test]
    fn scattered_edits_are_located() {
        let a = pseudo(1 << 20, 7);
        let mut b = a.clone();
        for pos in [1000usize, 300_000, 700_000] {
            b[pos] ^= 0xff;
        }
        b.splice(500_000..500_004, []);
        let (r, _) = diff_regions(&a, &b, far(), 100);
        assert_eq!(r.len(), 4, "{r:?}");
        assert_eq!(r[0].a, 1000..1001);
        assert_eq!(r[2].a, 500_000..500_004);
        assert!(r[2].b.is_empty());
        assert_eq!(r[3].a, 700_000..700_001);
        assert_eq!(r[3].b, 699_996..699_997);
    }

    #[test]
    fn bounded_regions() {
        let a = pseudo(100_000, 3);
        let b = pseudo(100_000, 4);
        let (r, complete) = diff_regions(&a, &b, far(), 10);
        assert!(r.len() <= 10);
        assert!(!complete || r.len() < 10);
    }

    #[test]
    fn chunks_cover_input() {
        let a = pseudo(10_000, 9);
        let c = chunks(&a);
        assert_eq!(c.iter().map(|x| x.len()).sum::<usize>(), a.len());
        let avg = a.len() / c.len();
        assert!((40..120).contains(&avg), "avg {avg}");
    }
}
