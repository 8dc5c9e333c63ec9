//! Working out which implementation and level made a DEFLATE stream, by
//! recompressing the decompressed data with each candidate and stopping a
//! candidate at its first byte that differs (usually within the first
//! block, so a wrong guess costs little even on large inputs).

use crate::Flavor;
use crate::goflate::{self, Deflater};
use crate::lz77::{Input, Lz77};

/// Input fed per step when checking a candidate.
const STEP: usize = 256 << 10;

/// Raw DEFLATE of `data` as `flavor` at `level` 1-9 writes it (for
/// [`Flavor::InfoZip`], the stream inside a zip member that zip chose to
/// deflate). `None` for a level outside 1-9.
pub fn deflate_raw(data: &[u8], level: u32, flavor: Flavor) -> Option<Vec<u8>> {
    if !(1..=9).contains(&level) {
        return None;
    }
    if let Flavor::Go(version) = flavor {
        return goflate::deflate_raw(data, level as i32, version).ok();
    }
    let mut lz = Lz77::new(level, data.len() / 2 + 64, flavor);
    let mut inp = Input {
        data,
        pos: 0,
        finished: true,
    };
    lz.run(&mut inp);
    Some(std::mem::take(&mut lz.trees.bits.out))
}

/// How far one candidate agrees with a published stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    /// Leading bytes of the stream the candidate wrote identically.
    pub matched: usize,
    /// The candidate wrote exactly the stream (no byte more or less).
    pub exact: bool,
}

/// Whether `flavor` at `level` turns `data` into exactly `stream`, giving
/// up at the first differing byte.
pub fn reproduces(stream: &[u8], data: &[u8], level: u32, flavor: Flavor) -> bool {
    agreement(stream, data, level, flavor).exact
}

/// How many leading bytes of `stream` `flavor` at `level` writes from
/// `data`, giving up at the first differing byte (so a wrong candidate
/// costs about as much as the bytes it gets right).
pub fn agreement(stream: &[u8], data: &[u8], level: u32, flavor: Flavor) -> Agreement {
    let none = Agreement {
        matched: 0,
        exact: false,
    };
    if !(1..=9).contains(&level) {
        return none;
    }
    if let Flavor::Go(version) = flavor {
        let Ok(d) = Deflater::new(level as i32, version) else {
            return none;
        };
        return go_agreement(stream, data, d);
    }
    // Feed the input in steps; the encoder waits for the whole reads the
    // tool would make, so its output does not depend on the steps.
    let mut lz = Lz77::new(level, 1 << 16, flavor);
    let mut fed = 0;
    let mut pos = 0;
    let mut checked = 0;
    loop {
        fed = (fed + STEP).min(data.len());
        let mut inp = Input {
            data: &data[..fed],
            pos,
            finished: fed == data.len(),
        };
        let done = lz.run(&mut inp);
        pos = inp.pos;
        if let Some(a) = compare_step(stream, &mut checked, &lz.trees.bits.out, done) {
            return a;
        }
        lz.trees.bits.out.clear();
    }
}

/// Checks the output `out` a candidate wrote after the `checked` bytes
/// already compared: the final agreement when it differs or is `done`,
/// else `None` (and `checked` moves on).
fn compare_step(stream: &[u8], checked: &mut usize, out: &[u8], done: bool) -> Option<Agreement> {
    let rest = &stream[*checked..];
    let same = out.iter().zip(rest).take_while(|(a, b)| a == b).count();
    if same < out.len() {
        return Some(Agreement {
            matched: *checked + same,
            exact: false,
        });
    }
    *checked += out.len();
    done.then_some(Agreement {
        matched: *checked,
        exact: *checked == stream.len(),
    })
}

/// [`agreement`] for Go: Go's output does not depend on how its input is
/// split, so the stream is checked as it grows.
fn go_agreement(stream: &[u8], data: &[u8], mut d: Deflater) -> Agreement {
    let mut checked = 0;
    let mut chunks = data.chunks(STEP);
    loop {
        match chunks.next() {
            Some(chunk) => d.write(chunk),
            None => d.finish(),
        }
        let out = d.take_output();
        if let Some(a) = compare_step(stream, &mut checked, &out, d.is_finished()) {
            return a;
        }
    }
}

/// The candidate of `flavors` × levels 1-9 that agrees longest with
/// `stream` (the first of the order [`identify`] tries on a tie), with how
/// far it agrees: what to name when no candidate reproduces a stream.
pub fn closest(stream: &[u8], data: &[u8], flavors: &[Flavor]) -> Option<(Flavor, u32, Agreement)> {
    let mut best: Option<(Flavor, u32, Agreement)> = None;
    for &flavor in flavors {
        for level in order_of(flavor) {
            let a = agreement(stream, data, level, flavor);
            if best.is_none_or(|(_, _, b)| a.matched > b.matched) {
                best = Some((flavor, level, a));
            }
        }
    }
    best
}

/// The order levels are tried in: 9, 6, then 1-8 (for Go: 9, 5, 6, then
/// the others, as Go's `archive/zip` uses 5).
fn order_of(flavor: Flavor) -> [u32; 9] {
    if matches!(flavor, Flavor::Go(_)) {
        [9, 5, 6, 1, 2, 3, 4, 7, 8]
    } else {
        [9, 6, 1, 2, 3, 4, 5, 7, 8]
    }
}

/// The first of `flavors` × levels that reproduces `stream` from `data`:
/// levels 9, 6, then 1-8 (for Go: 9, 5, 6, then the others, as Go's
/// `archive/zip` uses 5). Levels that give the same bytes for this input
/// cannot be told apart; the first in that order is returned.
pub fn identify(stream: &[u8], data: &[u8], flavors: &[Flavor]) -> Option<(Flavor, u32)> {
    for &flavor in flavors {
        for level in order_of(flavor) {
            if reproduces(stream, data, level, flavor) {
                return Some((flavor, level));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    use quorate_base::testing::mixed_bytes as sample;

    #[test]
    fn finds_the_level_and_flavor() {
        let data = sample(400_000);
        for (flavor, level) in [
            (Flavor::GnuGzip, 9),
            (Flavor::Zlib, 6),
            (Flavor::GnuGzip, 1),
            (Flavor::Zlib, 9),
        ] {
            let stream = deflate_raw(&data, level, flavor).unwrap();
            let (f, l) = identify(&stream, &data, &[Flavor::GnuGzip, Flavor::Zlib]).unwrap();
            assert_eq!(
                deflate_raw(&data, l, f).unwrap(),
                stream,
                "{flavor:?} {level}"
            );
            // Levels can coincide on a given input; the flavor cannot here
            // (their block sizes differ).
            assert_eq!(f, flavor, "level {level}");
        }
    }

    #[test]
    fn tells_go_releases_apart() {
        use crate::goflate::GoVersion::{From1_27, UpTo1_26};
        let data = sample(300_000);
        let all = [
            Flavor::GnuGzip,
            Flavor::Zlib,
            Flavor::Go(UpTo1_26),
            Flavor::Go(From1_27),
        ];
        for (flavor, level) in [
            (Flavor::Go(UpTo1_26), 9),
            (Flavor::Go(UpTo1_26), 5),
            (Flavor::Go(From1_27), 9),
            (Flavor::Go(From1_27), 1),
        ] {
            let stream = deflate_raw(&data, level, flavor).unwrap();
            let (f, l) = identify(&stream, &data, &all).unwrap();
            assert_eq!(f, flavor, "level {level}");
            assert_eq!(deflate_raw(&data, l, f).unwrap(), stream);
        }
    }

    #[test]
    fn rejects_other_streams() {
        let data = sample(100_000);
        let mut stream = deflate_raw(&data, 9, Flavor::GnuGzip).unwrap();
        let last = stream.len() - 1;
        stream[last] ^= 0x80;
        assert_eq!(
            identify(&stream, &data, &[Flavor::GnuGzip, Flavor::Zlib]),
            None
        );
        assert!(!reproduces(&stream[..10], &data, 9, Flavor::GnuGzip));
        assert!(!reproduces(&stream, &data, 0, Flavor::GnuGzip));
    }

    /// A stream no candidate reproduces names the one that came closest,
    /// and exactly where it stops agreeing.
    #[test]
    fn names_the_closest_candidate_and_where_it_stops() {
        use crate::goflate::GoVersion::UpTo1_26;
        let data = sample(200_000);
        let all = [Flavor::GnuGzip, Flavor::Zlib, Flavor::Go(UpTo1_26)];
        for (flavor, level) in [
            (Flavor::Zlib, 6),
            (Flavor::GnuGzip, 9),
            (Flavor::Go(UpTo1_26), 5),
        ] {
            let good = deflate_raw(&data, level, flavor).unwrap();
            let at = good.len() * 2 / 3;
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            assert_eq!(identify(&bad, &data, &all), None);
            let (f, _, a) = closest(&bad, &data, &all).unwrap();
            assert_eq!(f, flavor, "{flavor:?} {level}");
            assert_eq!(
                a,
                Agreement {
                    matched: at,
                    exact: false
                },
                "{flavor:?} {level}"
            );
            // The exact stream agrees to its end; a stream cut short is
            // not reproduced, though every byte it has agrees.
            assert_eq!(
                agreement(&good, &data, level, flavor),
                Agreement {
                    matched: good.len(),
                    exact: true
                }
            );
            let short = agreement(&good[..at], &data, level, flavor);
            assert_eq!((short.matched, short.exact), (at, false));
        }
    }
}
