//! Parallel raw-deflate with fixed block boundaries (the pigz idea), and the
//! gzip framing around it.
//!
//! The input stream is cut into blocks of exactly [`BLOCK`] bytes (the last
//! one shorter). Each block is compressed on its own, by a fresh
//! `miniz_oxide` compressor (through `flate2`), and ends with a sync flush so
//! the pieces concatenate into one valid deflate stream; the last block ends
//! the stream instead. Block boundaries depend only on byte offsets, never on
//! the number of threads or how the input arrived, so the output is the same
//! on every machine and for any `RAYON_NUM_THREADS`. The CRC-32 of each block
//! is computed beside it and combined in order.

use std::io::{self, Write};

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use rayon::prelude::*;

/// Size of one independently compressed block of input.
pub(crate) const BLOCK: usize = 1 << 20;

/// The deflate level used for every archive (miniz_oxide's scale, 0–10).
/// Chosen so a Go binary comes out within 3% of `gzip -9n`'s size while
/// compressing several times faster (see docs/benchmarks.md).
pub(crate) const LEVEL: u32 = 5;

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

/// A writer that deflates what it is given into `out`, block by block, in
/// parallel on the current rayon pool.
pub(crate) struct ParDeflate<W: Write> {
    out: W,
    level: u32,
    cur: Vec<u8>,
    full: Vec<Vec<u8>>,
    batch: usize,
    crc: Crc,
    in_len: u64,
    out_len: u64,
}

impl<W: Write> ParDeflate<W> {
    /// A new stream into `out` at deflate `level`.
    pub(crate) fn new(out: W, level: u32) -> Self {
        // How many full blocks wait before a parallel round. It changes
        // memory use and speed only, never the bytes.
        let batch = (rayon::current_num_threads() * 2).clamp(2, 16);
        Self {
            out,
            level,
            cur: Vec::new(),
            full: Vec::new(),
            batch,
            crc: Crc::new(),
            in_len: 0,
            out_len: 0,
        }
    }

    /// Compresses what is pending; with `finishing`, also the partial block,
    /// which then ends the deflate stream.
    fn drain(&mut self, finishing: bool) -> io::Result<()> {
        let mut blocks = std::mem::take(&mut self.full);
        if finishing {
            blocks.push(std::mem::take(&mut self.cur));
        }
        let n = blocks.len();
        let level = self.level;
        let done: Vec<io::Result<(Vec<u8>, Crc)>> = blocks
            .par_iter()
            .enumerate()
            .map(|(i, b)| {
                let mut crc = Crc::new();
                crc.update(b);
                Ok((deflate_block(b, level, finishing && i + 1 == n)?, crc))
            })
            .collect();
        for r in done {
            let (bytes, crc) = r?;
            self.out.write_all(&bytes)?;
            self.out_len += bytes.len() as u64;
            self.crc.combine(&crc);
        }
        Ok(())
    }

    /// Ends the stream; returns the writer and what was written.
    pub(crate) fn finish(mut self) -> io::Result<(W, Summary)> {
        self.drain(true)?;
        let summary = Summary {
            crc: self.crc.sum(),
            in_len: self.in_len,
            out_len: self.out_len,
        };
        Ok((self.out, summary))
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
            let block = std::mem::take(&mut self.cur);
            self.full.push(block);
            if self.full.len() >= self.batch {
                self.drain(false)?;
            }
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
    pub(crate) fn new(mut out: W, level: u32) -> io::Result<Self> {
        out.write_all(&GZIP_HEADER)?;
        Ok(Self {
            inner: ParDeflate::new(out, level),
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

    fn gz(data: &[u8], chunk: usize) -> Vec<u8> {
        let mut w = GzWriter::new(Vec::new(), LEVEL).unwrap();
        for c in data.chunks(chunk.max(1)) {
            w.write_all(c).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn round_trips_through_flate2_decoder() {
        for len in [0, 1, 1000, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17] {
            let data = sample(len);
            let z = gz(&data, 7777);
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&z[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data, "len {len}");
        }
    }

    #[test]
    fn same_bytes_for_any_thread_count_and_write_pattern() {
        let data = sample(5 * BLOCK + 12345);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| gz(&data, 4096));
        let four = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap()
            .install(|| gz(&data, 3 * BLOCK + 5));
        assert_eq!(one, four);
    }
}
