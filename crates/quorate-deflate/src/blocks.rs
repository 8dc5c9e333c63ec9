//! Raw DEFLATE of one block of a longer stream, for compressing the blocks
//! of one stream independently and in parallel (the pigz scheme): the
//! block's matches may reach into a dictionary (the 32 KiB of input just
//! before it, which is input, so the bytes do not depend on how the blocks
//! were scheduled), and a block that is not the last ends with a sync
//! flush (an empty stored block) so the pieces concatenate into one valid
//! stream.
//!
//! The matcher is the LZ77 of [`crate::zlib`] (the same per-level chain,
//! lazy and nice lengths), with Huffman blocks of up to 8 191 symbols
//! instead of zlib's 16 383, finding candidates either through zlib's own
//! rolling hash ([`Matcher::Zlib`]) or a multiplicative one
//! ([`Matcher::Multiplicative`]). It is plain scalar Rust (no CPU feature
//! detection anywhere in this crate): the same bytes on every CPU.

use crate::lz77::{Input, Lz77, WSIZE};
use crate::{Error, Flavor};

/// Symbols per Huffman block: 8 191, half of zlib's (memLevel 8). Smaller
/// blocks follow the statistics of executables more closely; the sweep in
/// docs/benchmarks.md (64 MiB of Go binaries at level 6: 8 191 symbols
/// 0.28% smaller than 32 767 and 0.05% smaller than 16 383; 4 095 and
/// fewer lose to the cost of the block headers) chose it.
const BLOCK_SYMBOLS: usize = 8191;

/// The longest dictionary a block can use: the 32 KiB window.
pub const MAX_DICTIONARY: usize = WSIZE;

/// How the matcher finds the earlier strings a match may copy. Each gives
/// its own bytes, fixed for ever (a packer names one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matcher {
    /// zlib's rolling hash of three bytes in 15 bits: a lone block without
    /// a dictionary is zlib's raw deflate but for the Huffman block size.
    Zlib,
    /// A multiplicative hash of three bytes in 16 bits. zlib's hash keeps
    /// only 5 bits of a string's first byte, so in executables many
    /// unrelated strings share a chain and the chain limit is spent on
    /// them; with this one the same limit finds longer matches sooner
    /// (64 MiB of Go binaries at level 6: 0.07% smaller, a quarter less
    /// CPU; docs/benchmarks.md).
    Multiplicative,
}

/// Raw DEFLATE of `data` at `level` 1-9, whose matches may refer to
/// `dictionary` (the input just before `data`; only its last
/// [`MAX_DICTIONARY`] bytes are used), finding them as `matcher` does.
/// Ends the stream when `last`, else ends with a sync flush (byte-aligned,
/// `00 00 ff ff`), ready for the next block's output to follow.
pub fn deflate_block(
    dictionary: &[u8],
    data: &[u8],
    level: u32,
    last: bool,
    matcher: Matcher,
) -> Result<Vec<u8>, Error> {
    if !(1..=9).contains(&level) {
        return Err(Error::Level(level));
    }
    let dictionary = &dictionary[dictionary.len().saturating_sub(MAX_DICTIONARY)..];
    let mut input = Vec::with_capacity(dictionary.len() + data.len());
    input.extend_from_slice(dictionary);
    input.extend_from_slice(data);
    let mut lz = Lz77::new(level, data.len() / 2 + 64, Flavor::Zlib);
    lz.dictionary = dictionary.len();
    lz.sync_end = !last;
    lz.trees.zlib_block_symbols = BLOCK_SYMBOLS;
    lz.checksum = false;
    if matcher == Matcher::Multiplicative {
        lz.use_multiplicative_hash();
    }
    let mut inp = Input {
        data: &input,
        pos: 0,
        finished: true,
    };
    lz.run(&mut inp);
    Ok(std::mem::take(&mut lz.trees.bits.out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn sample(len: usize, seed: u32) -> Vec<u8> {
        let mut v = Vec::with_capacity(len);
        let mut x = seed;
        while v.len() < len {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            match x >> 29 {
                0..=2 => v.extend_from_slice(b"deflate block with a dictionary "),
                3 => v.extend_from_slice(
                    &v[v.len().saturating_sub(5000)..].to_vec()[..v.len().min(40)],
                ),
                _ => v.extend_from_slice(&x.to_le_bytes()[..3]),
            }
        }
        v.truncate(len);
        v
    }

    fn inflate(z: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(z)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// Blocks compressed on their own, each with the input before it as
    /// dictionary, concatenate into one stream that inflates to the input.
    #[test]
    fn blocks_concatenate_into_one_stream() {
        for (level, matcher) in
            (1..=9).flat_map(|l| [(l, Matcher::Zlib), (l, Matcher::Multiplicative)])
        {
            for (len, bs) in [
                (0, 1000),
                (1, 1000),
                (100_000, 7_000),
                (300_000, 65_536),
                (200_000, 200_000),
            ] {
                let data = sample(len, level);
                let starts: Vec<usize> = (0..len.max(1)).step_by(bs).collect();
                let mut z = Vec::new();
                for (i, &s) in starts.iter().enumerate() {
                    let e = (s + bs).min(len);
                    let last = i + 1 == starts.len();
                    let b = deflate_block(&data[..s], &data[s..e], level, last, matcher).unwrap();
                    if !last {
                        assert_eq!(&b[b.len() - 4..], &[0, 0, 0xff, 0xff]);
                    }
                    z.extend_from_slice(&b);
                }
                assert_eq!(
                    inflate(&z),
                    data,
                    "level {level} {matcher:?} len {len} bs {bs}"
                );
            }
        }
    }

    /// The dictionary pays: a block repeating the one before it shrinks to
    /// almost nothing with it, and not without.
    #[test]
    fn the_dictionary_is_used() {
        let a = sample(20_000, 7);
        for m in [Matcher::Zlib, Matcher::Multiplicative] {
            let with = deflate_block(&a, &a, 6, true, m).unwrap();
            let without = deflate_block(&[], &a, 6, true, m).unwrap();
            assert!(
                with.len() * 5 < without.len(),
                "{m:?} {} {}",
                with.len(),
                without.len()
            );
            // Only the last 32 KiB count.
            let mut long = vec![0u8; 100_000];
            long.extend_from_slice(&a);
            assert_eq!(
                deflate_block(&long, &a, 6, true, m).unwrap(),
                deflate_block(&long[long.len() - MAX_DICTIONARY..], &a, 6, true, m).unwrap()
            );
            assert!(matches!(
                deflate_block(&[], &a, 0, true, m),
                Err(Error::Level(0))
            ));
        }
    }

    /// The two matchers give other bytes for the same input (a packer that
    /// names one must never get the other's), and on text full of repeats
    /// the multiplicative hash finds matches at least as good.
    #[test]
    fn the_matchers_differ() {
        let a = sample(300_000, 11);
        let z = deflate_block(&[], &a, 6, true, Matcher::Zlib).unwrap();
        let m = deflate_block(&[], &a, 6, true, Matcher::Multiplicative).unwrap();
        assert_ne!(z, m);
        assert_eq!(inflate(&m), a);
        assert!(
            m.len() <= z.len() + z.len() / 100,
            "{} {}",
            m.len(),
            z.len()
        );
    }

    /// Without a dictionary and ending the stream, a block is exactly
    /// zlib's raw deflate but for the smaller Huffman blocks: on input
    /// shorter than one Huffman block, the same bytes.
    #[test]
    fn a_lone_short_block_is_zlibs_stream() {
        let a = sample(7_000, 3);
        for level in 1..=9 {
            assert_eq!(
                deflate_block(&[], &a, level, true, Matcher::Zlib).unwrap(),
                crate::zlib::deflate_raw(&a, level).unwrap(),
                "level {level}"
            );
        }
    }
}
