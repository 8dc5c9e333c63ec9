//! Parallel raw-deflate with fixed block boundaries (the pigz idea), and the
//! gzip framing around it.
//!
//! The input stream is cut into blocks of exactly [`BLOCK`] bytes (the last
//! one shorter). Each block is compressed on its own, as the [`Packer`]
//! says (packer 1: a fresh `miniz_oxide` compressor through `flate2`;
//! packers 2 and 3: `quorate_deflate::blocks` with the 32 KiB of input
//! before the block as dictionary, zlib's hash or a multiplicative one),
//! and ends with a sync flush so the pieces
//! concatenate into one valid deflate stream; the last block ends the
//! stream instead. Block boundaries and dictionaries depend only on byte
//! offsets and input, never on the number of threads, the order jobs run
//! in or how the input arrived, so the output is the same on every machine
//! and for any `RAYON_NUM_THREADS`. The CRC-32 of each block is computed
//! beside it and combined in order.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;
use std::sync::mpsc;
use std::time::Duration;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use quorate_deflate::blocks::{self, Matcher};

/// Size of one independently compressed block of input.
pub(crate) const BLOCK: usize = 1 << 20;

/// Packer 1's deflate level (miniz_oxide's scale, 0–10).
/// Chosen so a Go binary comes out within 3% of `gzip -9n`'s size while
/// compressing several times faster (see docs/benchmarks.md).
pub(crate) const LEVEL: u32 = 5;

/// Packers 2 and 3's deflate level (zlib's scale, 1–9), chosen by the
/// sweep in docs/benchmarks.md.
pub(crate) const LEVEL_2: u32 = 6;

/// Packers 2 and 3's dictionary: the 32 KiB of input before each block.
const DICTIONARY: usize = quorate_deflate::blocks::MAX_DICTIONARY;

/// Which compressor scheme packs an archive's deflate data. Every scheme
/// is deterministic, but a new one gives other bytes, so a release records
/// the scheme it was packed with (`build.json`'s `packer`) and a rebuild
/// packs with that one: old releases keep their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Packer {
    /// `miniz_oxide` level 5 on independent 1 MiB blocks (releases that
    /// record no packer).
    #[default]
    V1,
    /// quorate-deflate's zlib-compatible matcher at zlib level 6 on 1 MiB
    /// blocks, each with the 32 KiB of input before it as dictionary
    /// ([`quorate_deflate::blocks`], [`Matcher::Zlib`]).
    V2,
    /// Packer 2 with the multiplicative hash ([`Matcher::Multiplicative`]):
    /// smaller and faster on executables.
    V3,
}

impl Packer {
    /// The packer new archives are made with.
    pub const CURRENT: Packer = Packer::V3;
    /// Every packer this quorate knows, oldest first.
    pub const ALL: [Packer; 3] = [Packer::V1, Packer::V2, Packer::V3];

    /// The name recorded in `build.json`: `1`, `2`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Packer::V1 => "1",
            Packer::V2 => "2",
            Packer::V3 => "3",
        }
    }
}

impl fmt::Display for Packer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A packer name this quorate does not know (a release made by a newer
/// quorate, or a corrupt `build.json`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown packer {name:?}; this quorate packs with {}",
    Packer::ALL.map(|p| p.as_str()).join(" or ")
)]
pub struct UnknownPacker {
    /// The name as given (at most 64 characters of it).
    pub name: String,
}

impl FromStr for Packer {
    type Err = UnknownPacker;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Packer::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPacker {
                name: s.chars().take(64).collect(),
            })
    }
}

/// What a finished deflate stream consumed and produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Summary {
    /// CRC-32 (IEEE) of the uncompressed data.
    pub crc: u32,
    /// Uncompressed length.
    pub in_len: u64,
    /// Compressed length.
    pub out_len: u64,
}

/// The result of one block's job: its deflate bytes and the CRC of its
/// input.
type Done = io::Result<(Vec<u8>, Crc)>;

/// A writer that deflates what it is given into `out`, block by block, on
/// the current rayon pool. Full blocks are handed to the pool as soon as
/// they are cut and their output written in order as it comes, at most
/// [`ParDeflate::depth`] blocks in flight: reading the input (and making the
/// tar stream) overlaps with compressing it. With one thread, every block
/// is compressed in the calling thread instead.
pub(crate) struct ParDeflate<W: Write> {
    out: W,
    packer: Packer,
    cur: Vec<u8>,
    /// The last [`DICTIONARY`] bytes before `cur` (packers 2 and 3's dictionary).
    tail: Vec<u8>,
    in_flight: VecDeque<mpsc::Receiver<Done>>,
    depth: usize,
    crc: Crc,
    in_len: u64,
    out_len: u64,
}

impl<W: Write> ParDeflate<W> {
    /// A new stream into `out`, compressed as `packer` does.
    pub(crate) fn new(out: W, packer: Packer) -> Self {
        // How many blocks may be in flight. It changes memory use and speed
        // only, never the bytes; 0 compresses in the calling thread.
        let threads = rayon::current_num_threads();
        let depth = if threads <= 1 {
            0
        } else {
            (threads * 2).clamp(2, 32)
        };
        Self {
            out,
            packer,
            cur: Vec::new(),
            tail: Vec::new(),
            in_flight: VecDeque::new(),
            depth,
            crc: Crc::new(),
            in_len: 0,
            out_len: 0,
        }
    }

    /// Hands `block` (the whole of `cur`) to the pool, or compresses it
    /// here with no pool to speak of; `last` ends the stream.
    fn submit(&mut self, last: bool) -> io::Result<()> {
        let block = std::mem::take(&mut self.cur);
        let dict = match self.packer {
            Packer::V1 => Vec::new(),
            // Every block but the last is longer than the dictionary.
            Packer::V2 | Packer::V3 => std::mem::replace(
                &mut self.tail,
                block[block.len().saturating_sub(DICTIONARY)..].to_vec(),
            ),
        };
        let packer = self.packer;
        if self.depth == 0 {
            let done = job(packer, &dict, &block, last);
            return self.emit(done);
        }
        let (tx, rx) = mpsc::sync_channel(1);
        rayon::spawn(move || {
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                job(packer, &dict, &block, last)
            }))
            .unwrap_or_else(|_| Err(io::Error::other("a compression job panicked")));
            let _ = tx.send(done);
        });
        self.in_flight.push_back(rx);
        while self.in_flight.len() > self.depth {
            self.retire()?;
        }
        Ok(())
    }

    /// Waits for the oldest block in flight and writes it.
    fn retire(&mut self) -> io::Result<()> {
        let Some(rx) = self.in_flight.pop_front() else {
            return Ok(());
        };
        let done = wait(&rx);
        self.emit(done)
    }

    fn emit(&mut self, done: Done) -> io::Result<()> {
        let (bytes, crc) = done?;
        self.out.write_all(&bytes)?;
        self.out_len += bytes.len() as u64;
        self.crc.combine(&crc);
        Ok(())
    }

    /// Ends the stream; returns the writer and what was written.
    pub(crate) fn finish(mut self) -> io::Result<(W, Summary)> {
        self.submit(true)?;
        while !self.in_flight.is_empty() {
            self.retire()?;
        }
        let summary = Summary {
            crc: self.crc.sum(),
            in_len: self.in_len,
            out_len: self.out_len,
        };
        Ok((self.out, summary))
    }
}

/// Compresses one block as `packer` does, with its CRC.
fn job(packer: Packer, dict: &[u8], block: &[u8], last: bool) -> Done {
    let mut crc = Crc::new();
    crc.update(block);
    let bytes = match packer {
        Packer::V1 => deflate_block(block, LEVEL, last)?,
        Packer::V2 => blocks::deflate_block(dict, block, LEVEL_2, last, Matcher::Zlib)
            .map_err(io::Error::other)?,
        Packer::V3 => blocks::deflate_block(dict, block, LEVEL_2, last, Matcher::Multiplicative)
            .map_err(io::Error::other)?,
    };
    Ok((bytes, crc))
}

/// The result of a job in flight. On a pool thread (a pack inside a
/// parallel build), runs other pool work meanwhile, so that waiting never
/// holds a thread the job itself may need.
fn wait(rx: &mpsc::Receiver<Done>) -> Done {
    let gone = || Err(io::Error::other("a compression job ended without a result"));
    loop {
        match rx.try_recv() {
            Ok(done) => return done,
            Err(mpsc::TryRecvError::Disconnected) => return gone(),
            Err(mpsc::TryRecvError::Empty) => {}
        }
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => {}
            Some(rayon::Yield::Idle) => match rx.recv_timeout(Duration::from_millis(1)) {
                Ok(done) => return done,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return gone(),
            },
            None => return rx.recv().unwrap_or_else(|_| gone()),
        }
    }
}

impl<W: Write> Write for ParDeflate<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.cur.capacity() == 0 {
            self.cur.reserve_exact(BLOCK);
        }
        let take = buf.len().min(BLOCK - self.cur.len());
        self.cur.extend_from_slice(&buf[..take]);
        self.in_len += take as u64;
        if self.cur.len() == BLOCK {
            self.submit(false)?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        // Flushing never cuts a block early (that would change the bytes).
        Ok(())
    }
}

/// Deflates one block with a fresh compressor. Not `last`: ends with a sync
/// flush (byte-aligned, stream continues); `last`: ends the stream.
pub(crate) fn deflate_block(data: &[u8], level: u32, last: bool) -> io::Result<Vec<u8>> {
    let mut c = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(data.len() + data.len() / 16 + 64);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        if out.len() == out.capacity() {
            out.reserve(64 * 1024);
        }
        let consumed = usize::try_from(c.total_in()).map_err(io::Error::other)?;
        let rest = data.get(consumed..).unwrap_or_default();
        let status = c
            .compress_vec(rest, &mut out, flush)
            .map_err(io::Error::other)?;
        let all_in = c.total_in() == data.len() as u64;
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError if !last && all_in && out.len() < out.capacity() => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The fixed gzip header: no name, no comment, mtime 0, XFL 0, OS 3 (Unix,
/// what `gzip -n` writes on Linux).
pub(crate) const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];

/// A gzip stream around a [`ParDeflate`].
pub(crate) struct GzWriter<W: Write> {
    inner: ParDeflate<W>,
}

impl<W: Write> GzWriter<W> {
    /// Writes the header and starts the deflate stream.
    pub(crate) fn new(mut out: W, packer: Packer) -> io::Result<Self> {
        out.write_all(&GZIP_HEADER)?;
        Ok(Self {
            inner: ParDeflate::new(out, packer),
        })
    }

    /// Ends the stream and writes the trailer (CRC-32, length mod 2^32).
    pub(crate) fn finish(self) -> io::Result<W> {
        let (mut out, s) = self.inner.finish()?;
        out.write_all(&s.crc.to_le_bytes())?;
        out.write_all(&(s.in_len as u32).to_le_bytes())?;
        Ok(out)
    }
}

impl<W: Write> Write for GzWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn sample(len: usize) -> Vec<u8> {
        // Compressible but not trivial: a mix of text and a counter.
        let mut v = Vec::with_capacity(len);
        let mut x: u32 = 1;
        while v.len() < len {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            if x % 3 == 0 {
                v.extend_from_slice(b"quorate deterministic archive ");
            } else {
                v.extend_from_slice(&x.to_le_bytes()[..2]);
            }
        }
        v.truncate(len);
        v
    }

    fn gz(data: &[u8], chunk: usize, packer: Packer) -> Vec<u8> {
        let mut w = GzWriter::new(Vec::new(), packer).unwrap();
        for c in data.chunks(chunk.max(1)) {
            w.write_all(c).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn round_trips_through_flate2_decoder() {
        for packer in Packer::ALL {
            for len in [0, 1, 1000, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17] {
                let data = sample(len);
                let z = gz(&data, 7777, packer);
                let mut back = Vec::new();
                flate2::read::GzDecoder::new(&z[..])
                    .read_to_end(&mut back)
                    .unwrap();
                assert_eq!(back, data, "packer {packer} len {len}");
            }
        }
    }

    #[test]
    fn same_bytes_for_any_thread_count_and_write_pattern() {
        let data = sample(5 * BLOCK + 12345);
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        for packer in Packer::ALL {
            let one = pool(1).install(|| gz(&data, 4096, packer));
            let four = pool(4).install(|| gz(&data, 3 * BLOCK + 5, packer));
            // Outside any pool (the global one), and nested in a pool's
            // parallel loop as a parallel build packs.
            let global = gz(&data, BLOCK, packer);
            let nested: Vec<Vec<u8>> = pool(2).install(|| {
                use rayon::prelude::*;
                (0..3)
                    .into_par_iter()
                    .map(|_| gz(&data, 65536, packer))
                    .collect()
            });
            assert_eq!(one, four, "packer {packer}");
            assert_eq!(one, global, "packer {packer}");
            assert!(nested.iter().all(|n| *n == one), "packer {packer}");
        }
    }

    /// Pinned per packer on a stream of several blocks (the golden tree of
    /// `archive::tests` fits in one): block cuts, dictionaries, sync flushes
    /// and the combined CRC.
    #[test]
    fn golden_multi_block_streams() {
        use sha2::Digest;
        let data = sample(3 * BLOCK + 17);
        let hex = |b: &[u8]| -> String {
            sha2::Sha256::digest(b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect()
        };
        for (packer, want) in [
            (
                Packer::V1,
                "de4d568172c0adcc0562ecb71f240a938ed96f2ef0815911acaf854f67fb0e27",
            ),
            (
                Packer::V2,
                "4b6f50caa39c45195d38818e78e508402e9f669c0381c1357126fc15e8499cd9",
            ),
            (
                Packer::V3,
                "c5160dbb4c62cdc1b2956e158aad569783debd4500aea9c9645dbacdfb26360e",
            ),
        ] {
            assert_eq!(hex(&gz(&data, 100_000, packer)), want, "packer {packer}");
        }
    }

    /// Packers 2 and 3 carry a dictionary across blocks: matches reaching
    /// back over a block boundary inflate to the input, and cost less than
    /// the same stream with the repeat moved out of the window.
    #[test]
    fn packers_2_and_3_match_across_block_boundaries() {
        for packer in [Packer::V2, Packer::V3] {
            matches_across_block_boundaries(packer);
        }
    }

    fn matches_across_block_boundaries(packer: Packer) {
        let half = sample(BLOCK / 2);
        // Block 2 starts with what block 1 ends with.
        let mut data = sample(BLOCK - 20_000);
        data.extend_from_slice(&half[..20_000]);
        data.extend_from_slice(&half[..20_000]);
        data.extend_from_slice(&sample(BLOCK));
        let v2 = gz(&data, 1 << 16, packer);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&v2[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        // The same bytes, but block 2's start repeats nothing within 32 KiB.
        let mut far = data.clone();
        far[BLOCK..BLOCK + 20_000].copy_from_slice(&sample(BLOCK + 20_000)[BLOCK..]);
        let v2_far = gz(&far, 1 << 16, packer);
        assert!(
            v2.len() + 5_000 < v2_far.len(),
            "{} {}",
            v2.len(),
            v2_far.len()
        );
    }
}
