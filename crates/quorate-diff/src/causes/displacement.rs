//! Displacement: when one change moves data inside an executable (a
//! longer string, another path), every pointer, offset and length that
//! refers past it changes too. Those knock-on bytes are not strings, even
//! when they happen to be printable: this rule recognises a region that
//! lies inside a pointer-sized little-endian word whose value changed by a
//! small amount on both sides (a relocated pointer, a shifted offset, a
//! changed length) and names it for what it is, a structural difference
//! (`unexplained`, "pointer, offset or length"), so that the knock-on
//! pass ([`super::knock_on`]) counts it under the primary cause instead of
//! reporting it as an `embedded-string`.

use super::Rule;
use crate::classify::{Classified, RegionCtx};
use crate::model::{Cause, Confidence};

/// The displaced pointer rule.
pub const RULE: Rule = Rule {
    name: "displaced pointer, offset or length",
    apply,
};

/// What the evidence of a displaced word says.
pub const WHAT: &str = "pointer, offset or length (data moved)";

/// Largest change of a pointer or offset that counts as a displacement.
const MAX_SHIFT: u64 = 1 << 20;

fn apply(cx: &RegionCtx) -> Option<Classified> {
    // Only inside the sections of an executable whose data moved (its
    // words are aligned; a same-length text change moves nothing).
    if cx.section.is_empty() || cx.code || !cx.displaced {
        return None;
    }
    let (va, vb) = displaced(cx.a, cx.b, &cx.r.a, &cx.r.b)?;
    Some(Classified::new(
        Cause::Unexplained,
        Confidence::Low,
        None,
        WHAT,
        format!("{va:#x}"),
        format!("{vb:#x}"),
    ))
}

/// The word values on each side when the region `ra`/`rb` (at the same
/// place or moved; the byte alignment may cut a changed word unevenly) lies in one aligned little-endian
/// word on each side (8 bytes, else 4) that looks like a pointer, offset
/// or length on both sides (non-zero, its top bytes zero, unlike packed
/// text) and changed by at most [`MAX_SHIFT`].
pub fn displaced(
    a: &[u8],
    b: &[u8],
    ra: &std::ops::Range<usize>,
    rb: &std::ops::Range<usize>,
) -> Option<(u64, u64)> {
    if ra.is_empty() && rb.is_empty() {
        return None;
    }
    let le = |s: &[u8]| s.iter().rev().fold(0u64, |v, &c| (v << 8) | u64::from(c));
    // A pointer word changed on both sides, neither zero, not text.
    let pointer_like = |x: &[u8], y: &[u8], top: usize| {
        let (vx, vy) = (le(x), le(y));
        let tops_zero = x[x.len() - top..]
            .iter()
            .chain(&y[y.len() - top..])
            .all(|&c| c == 0);
        (tops_zero && vx != 0 && vy != 0 && vx.abs_diff(vy) <= MAX_SHIFT).then_some((vx, vy))
    };
    // At the same place on both sides (the byte alignment may cut a
    // changed word unevenly): every aligned 8-byte word the region touches
    // is equal or a displaced pointer, and one is.
    if ra.start == rb.start {
        let start = ra.start / 8 * 8;
        let end = ra.end.max(rb.end).div_ceil(8) * 8;
        if let (Some(x), Some(y)) = (a.get(start..end), b.get(start..end)) {
            let mut found = None;
            let mut all = true;
            for (wx, wy) in x.chunks(8).zip(y.chunks(8)) {
                if wx == wy {
                    continue;
                }
                match pointer_like(wx, wy, 2) {
                    Some(v) => found = found.or(Some(v)),
                    None => all = false,
                }
            }
            if all && found.is_some() {
                return found;
            }
        }
    }
    if ra.is_empty() || rb.is_empty() {
        return None;
    }
    for (w, top) in [(8usize, 2usize), (4, 1)] {
        // The aligned word around the region, if it holds all of it.
        let word = |d: &'_ [u8], r: &std::ops::Range<usize>| -> Option<Vec<u8>> {
            let start = r.start / w * w;
            let end = r.end.div_ceil(w) * w;
            (end - start == w).then(|| d.get(start..end).map(<[u8]>::to_vec))?
        };
        let (Some(x), Some(y)) = (word(a, ra), word(b, rb)) else {
            continue;
        };
        if let Some(v) = pointer_like(&x, &y, top) {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::table::{run, run_in};
    use crate::model::Cause;

    /// Packed Go-like data: text, then an aligned pointer word, then text.
    fn data(word: u64, text: &[u8]) -> Vec<u8> {
        let mut v = b"runtime.main.func1 version ".repeat(4);
        v.resize(128, b'x');
        v.extend_from_slice(&word.to_le_bytes());
        v.extend_from_slice(text);
        v.extend_from_slice(&b"typelinks itabs pclntab ".repeat(4));
        v
    }

    /// A, B, section, cause and what of the first region.
    type Case = (Vec<u8>, Vec<u8>, &'static str, Cause, &'static str);

    #[test]
    fn cases() {
        let cases: Vec<Case> = vec![
            // A pointer moved by 9 bytes whose low byte is printable: not a string.
            (
                data(0x4b_3c41, b"abcd"),
                data(0x4b_3c4a, b"abcd"),
                ".noptrdata",
                Cause::Unexplained,
                super::WHAT,
            ),
            // A length that grew (3 → 12).
            (
                data(3, b"abcd"),
                data(12, b"abcd"),
                ".data",
                Cause::Unexplained,
                super::WHAT,
            ),
            // Text that changed: still a string.
            (
                data(0x4b_3c41, b"abcd"),
                data(0x4b_3c41, b"abce"),
                ".rodata",
                Cause::EmbeddedString,
                "string",
            ),
            // Outside an executable's sections the rule does not apply.
            (
                data(0x4b_3c41, b"abcd"),
                data(0x4b_3c4a, b"abcd"),
                "",
                Cause::EmbeddedString,
                "string",
            ),
            // A far jump is not a displacement.
            (
                data(0x4b_3c41, b"abcd"),
                data(0x7f00_0000_3c4a, b"abcd"),
                ".data",
                Cause::Unexplained,
                "bytes",
            ),
        ];
        for (a, b, sec, cause, what) in cases {
            let got = run(&a, &b, sec, false);
            assert_eq!((got[0].cause, got[0].what), (cause, what), "{sec}: {got:?}");
        }
        // Nothing moved in the executable: a small change is not a displacement.
        let got = run_in(
            &data(0x4b_3c41, b"abcd"),
            &data(0x4b_3c4a, b"abcd"),
            ".data",
            false,
            false,
        );
        assert_eq!(got[0].cause, Cause::EmbeddedString, "{got:?}");
        // A short string padded with NULs that vanished is not a pointer.
        let got = run(&data(0x3176, b"abcd"), &data(0, b"abcd"), ".rodata", false);
        assert_eq!(got[0].cause, Cause::EmbeddedString, "{got:?}");
        // A moved pointer: the same word at another offset on side B.
        let mut b = vec![0u8; 8];
        b.extend(data(0x4b_3c4a, b"abcd"));
        let got = run(&data(0x4b_3c41, b"abcd"), &b, ".data", false);
        assert!(got.iter().any(|c| c.what == super::WHAT), "{got:?}");
    }
}
