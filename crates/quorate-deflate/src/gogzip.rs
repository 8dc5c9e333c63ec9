//! gzip members exactly as Go's `compress/gzip` writes them
//! (`gzip.NewWriterLevel(w, level)`, optional `Name`, `Comment` and
//! `ModTime`, then `Write` and `Close`), as GoReleaser's tar.gz archives
//! are made (`gzip.BestCompression`).
//!
//! The header: `1f 8b 08`, `FLG` with `FNAME` (0x08) and `FCOMMENT` (0x10)
//! only when set, `MTIME` 0 unless a time after the epoch is set, `XFL` 2
//! at level 9, 4 at level 1, else 0 (also for the default level −1), `OS`
//! 255 ("unknown"), then the name and comment, NUL-terminated. The body is
//! [`crate::goflate`]'s stream; the trailer the CRC-32 and size mod 2^32.

use std::io::{self, Write};

use crate::goflate::{Deflater, GoVersion};
use crate::{Error, crc32};

/// What Go's `gzip.Writer` is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoGzipOptions {
    /// The level passed to `gzip.NewWriterLevel`, −2..=9 (−1 is the
    /// default, compressing at 6 with `XFL` 0).
    pub level: i32,
    /// Which Go releases' compressor.
    pub version: GoVersion,
    /// `Writer.Name` as its Latin-1 bytes (Go refuses other characters);
    /// `None` or empty for no name (GoReleaser sets none).
    pub name: Option<Vec<u8>>,
    /// `Writer.Comment`, Latin-1 bytes, like the name.
    pub comment: Option<Vec<u8>>,
    /// `Writer.ModTime` in seconds since the epoch; 0 or negative for none.
    pub mtime: i64,
}

impl GoGzipOptions {
    /// `gzip.NewWriterLevel(w, level)` with nothing else set.
    pub fn new(level: i32, version: GoVersion) -> Self {
        GoGzipOptions {
            level,
            version,
            name: None,
            comment: None,
            mtime: 0,
        }
    }
}

fn header(opts: &GoGzipOptions) -> Result<Vec<u8>, Error> {
    let name = opts.name.as_deref().filter(|n| !n.is_empty());
    let comment = opts.comment.as_deref().filter(|c| !c.is_empty());
    if name.is_some_and(|n| n.contains(&0)) || comment.is_some_and(|c| c.contains(&0)) {
        return Err(Error::NameHasNul);
    }
    let mut h = vec![0x1f, 0x8b, 8, 0];
    if name.is_some() {
        h[3] |= 0x08;
    }
    if comment.is_some() {
        h[3] |= 0x10;
    }
    let mtime = if opts.mtime > 0 { opts.mtime as u32 } else { 0 };
    h.extend_from_slice(&mtime.to_le_bytes());
    h.push(match opts.level {
        9 => 2,
        1 => 4,
        _ => 0,
    });
    h.push(255);
    for s in [name, comment].into_iter().flatten() {
        h.extend_from_slice(s);
        h.push(0);
    }
    Ok(h)
}

/// `data` as one gzip member, byte for byte what Go writes with `opts`.
pub fn compress(data: &[u8], opts: &GoGzipOptions) -> Result<Vec<u8>, Error> {
    let mut out = header(opts)?;
    out.extend_from_slice(&crate::goflate::deflate_raw(
        data,
        opts.level,
        opts.version,
    )?);
    out.extend_from_slice(&crc32::crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Ok(out)
}

/// A streaming encoder with the same output as [`compress`] (Go's output
/// does not depend on how the input is split).
pub struct GoGzEncoder<W: Write> {
    inner: Option<W>,
    deflater: Deflater,
    crc: crc32::Crc32,
    header: Vec<u8>,
}

impl<W: Write> GoGzEncoder<W> {
    /// Starts a member; the header is written with the first output.
    pub fn new(inner: W, opts: &GoGzipOptions) -> Result<Self, Error> {
        Ok(GoGzEncoder {
            header: header(opts)?,
            deflater: Deflater::new(opts.level, opts.version)?,
            inner: Some(inner),
            crc: crc32::Crc32::new(),
        })
    }

    fn drain(&mut self) -> io::Result<()> {
        let w = self.inner.as_mut().expect("writer present until finish");
        if !self.header.is_empty() {
            w.write_all(&self.header)?;
            self.header.clear();
        }
        let out = self.deflater.take_output();
        w.write_all(&out)
    }

    /// Writes the rest of the member and the trailer; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.deflater.finish();
        self.drain()?;
        let size = self.deflater.bytes_in() as u32;
        let mut w = self.inner.take().expect("writer present until finish");
        w.write_all(&self.crc.sum().to_le_bytes())?;
        w.write_all(&size.to_le_bytes())?;
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> Write for GoGzEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.crc.update(buf);
        self.deflater.write(buf);
        if self.deflater.output().len() >= 1 << 16 {
            self.drain()?;
        }
        Ok(buf.len())
    }

    /// Passes on what is compressed so far (Go's `Flush` would add a sync
    /// marker and change the stream, so this does not).
    fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        self.inner.as_mut().map_or(Ok(()), |w| w.flush())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields() {
        let v = GoVersion::UpTo1_26;
        let h = header(&GoGzipOptions::new(9, v)).unwrap();
        assert_eq!(h, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
        assert_eq!(header(&GoGzipOptions::new(1, v)).unwrap()[8], 4);
        assert_eq!(header(&GoGzipOptions::new(-1, v)).unwrap()[8], 0);
        let opts = GoGzipOptions {
            name: Some(b"a.tar".to_vec()),
            comment: Some(b"c".to_vec()),
            mtime: 0x0102_0304,
            ..GoGzipOptions::new(6, v)
        };
        assert_eq!(
            header(&opts).unwrap(),
            b"\x1f\x8b\x08\x18\x04\x03\x02\x01\x00\xffa.tar\0c\0"
        );
    }
}
