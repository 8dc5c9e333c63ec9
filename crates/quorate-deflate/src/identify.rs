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

/// Whether `flavor` at `level` turns `data` into exactly `stream`, giving
/// up at the first differing byte.
pub fn reproduces(stream: &[u8], data: &[u8], level: u32, flavor: Flavor) -> bool {
    if !(1..=9).contains(&level) {
        return false;
    }
    if let Flavor::Go(version) = flavor {
        return go_reproduces(stream, data, level as i32, version);
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
        let out = &lz.trees.bits.out;
        let end = checked + out.len();
        if end > stream.len() || stream[checked..end] != out[..] {
            return false;
        }
        checked = end;
        lz.trees.bits.out.clear();
        if done {
            return checked == stream.len();
        }
    }
}

/// [`reproduces`] for Go: Go's output does not depend on how its input is
/// split, so the stream is checked as it grows.
fn go_reproduces(stream: &[u8], data: &[u8], level: i32, version: goflate::GoVersion) -> bool {
    let Ok(mut d) = Deflater::new(level, version) else {
        return false;
    };
    let mut checked = 0;
    let mut chunks = data.chunks(STEP);
    loop {
        match chunks.next() {
            Some(chunk) => d.write(chunk),
            None => d.finish(),
        }
        let out = d.take_output();
        let end = checked + out.len();
        if end > stream.len() || stream[checked..end] != out[..] {
            return false;
        }
        checked = end;
        if d.is_finished() {
            return checked == stream.len();
        }
    }
}

/// The first of `flavors` × levels that reproduces `stream` from `data`:
/// levels 9, 6, then 1-8 (for Go: 9, 5, 6, then the others, as Go's
/// `archive/zip` uses 5). Levels that give the same bytes for this input
/// cannot be told apart; the first in that order is returned.
pub fn identify(stream: &[u8], data: &[u8], flavors: &[Flavor]) -> Option<(Flavor, u32)> {
    const ORDER: [u32; 9] = [9, 6, 1, 2, 3, 4, 5, 7, 8];
    const GO_ORDER: [u32; 9] = [9, 5, 6, 1, 2, 3, 4, 7, 8];
    for &flavor in flavors {
        let order = if matches!(flavor, Flavor::Go(_)) {
            GO_ORDER
        } else {
            ORDER
        };
        for level in order {
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

    fn sample(n: usize) -> Vec<u8> {
        let mut x = 1u32;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                if i % 7 < 4 {
                    b"abcdefgh"[(x >> 16) as usize % 8]
                } else {
                    (x >> 24) as u8
                }
            })
            .collect()
    }

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
}
