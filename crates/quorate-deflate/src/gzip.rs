//! gzip members (RFC 1952) exactly as GNU gzip writes them.

use std::io::{self, Write};

use crate::lz77::{Input, Lz77};
use crate::{Error, Flavor};

/// What to put in the gzip header and how hard to compress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GzipOptions {
    /// Compression level 1-9 (`gzip -1` … `gzip -9`); GNU gzip's default
    /// is 6.
    pub level: u32,
    /// The original file name (`FNAME`), as `gzip` without `-n` stores it:
    /// the base name of the input. `None` for `gzip -n` and for stdin.
    pub name: Option<Vec<u8>>,
    /// Modification time in seconds since the epoch; 0 for `gzip -n`.
    pub mtime: u32,
}

impl GzipOptions {
    /// `gzip -<level>n`: no name, no time stamp.
    pub fn no_name(level: u32) -> Self {
        GzipOptions {
            level,
            name: None,
            mtime: 0,
        }
    }
}

fn check(opts: &GzipOptions) -> Result<(), Error> {
    if !(1..=9).contains(&opts.level) {
        return Err(Error::Level(opts.level));
    }
    if opts.name.as_ref().is_some_and(|n| n.contains(&0)) {
        return Err(Error::NameHasNul);
    }
    Ok(())
}

/// The header fields of a gzip member (RFC 1952): FLG says which of the
/// optional fields follow (FEXTRA, FNAME, FCOMMENT, FHCRC, in that order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberHeader<'a> {
    /// FNAME, without its terminating NUL.
    pub name: Option<&'a [u8]>,
    /// MTIME.
    pub mtime: u32,
    /// XFL.
    pub xfl: u8,
    /// OS.
    pub os: u8,
    /// FEXTRA's data (at most 65,535 bytes), without its length.
    pub extra: Option<&'a [u8]>,
    /// FCOMMENT, without its terminating NUL.
    pub comment: Option<&'a [u8]>,
    /// FHCRC: the 16-bit value that ends the header. RFC 1952 makes it the
    /// low 16 bits of the CRC-32 of the header before it
    /// ([`header_crc16`]); Perl's IO::Compress::Gzip writes only the low 8
    /// of them, so a rebuild writes the published value.
    pub header_crc: Option<u16>,
}

/// FLG bits (RFC 1952).
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// The XFL GNU gzip writes at `level`: 2 = slowest algorithm (-9), 4 =
/// fastest (-1), else 0.
pub fn gnu_xfl(level: u32) -> u8 {
    match level {
        9 => 2,
        1 => 4,
        _ => 0,
    }
}

/// The header of `h`: the 10 fixed bytes, then the optional fields it has.
/// The caller has checked the fields ([`check_header`]).
fn header_bytes(h: &MemberHeader) -> Vec<u8> {
    let bit = |on: bool, b: u8| if on { b } else { 0 };
    let flg = bit(h.header_crc.is_some(), FHCRC)
        | bit(h.extra.is_some(), FEXTRA)
        | bit(h.name.is_some(), FNAME)
        | bit(h.comment.is_some(), FCOMMENT);
    let mut out = vec![0x1f, 0x8b, 8, flg];
    out.extend_from_slice(&h.mtime.to_le_bytes());
    out.extend_from_slice(&[h.xfl, h.os]);
    if let Some(extra) = h.extra {
        out.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        out.extend_from_slice(extra);
    }
    for text in [h.name, h.comment].into_iter().flatten() {
        out.extend_from_slice(text);
        out.push(0);
    }
    if let Some(crc) = h.header_crc {
        out.extend_from_slice(&crc.to_le_bytes());
    }
    out
}

/// RFC 1952's FHCRC of a header: the low 16 bits of the CRC-32 of every
/// header byte before it.
pub fn header_crc16(header_before: &[u8]) -> u16 {
    crate::crc32::crc32(header_before) as u16
}

/// Refuses header fields a gzip header cannot hold: a NUL inside the
/// name or comment, more than 65,535 bytes of extra data.
fn check_header(h: &MemberHeader) -> Result<(), Error> {
    if [h.name, h.comment]
        .into_iter()
        .flatten()
        .any(|t| t.contains(&0))
    {
        return Err(Error::NameHasNul);
    }
    if let Some(extra) = h.extra
        && extra.len() > usize::from(u16::MAX)
    {
        return Err(Error::ExtraTooLong(extra.len()));
    }
    Ok(())
}

/// One gzip member: the header `h`, `body` (the raw deflate data of
/// `data`, made by any encoder), then CRC-32 and ISIZE of `data`.
pub fn member(data: &[u8], body: &[u8], h: &MemberHeader) -> Result<Vec<u8>, Error> {
    check_header(h)?;
    let mut out = header_bytes(h);
    out.reserve(body.len() + 8);
    out.extend_from_slice(body);
    out.extend_from_slice(&crate::crc32::crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Ok(out)
}

/// GNU gzip's header for `opts` (OS 3, Unix).
fn header(opts: &GzipOptions) -> Vec<u8> {
    header_bytes(&MemberHeader {
        name: opts.name.as_deref(),
        mtime: opts.mtime,
        xfl: gnu_xfl(opts.level),
        os: 3,
        ..MemberHeader::default()
    })
}

/// Compresses `data` into one gzip member, byte for byte what GNU gzip
/// (1.x, checked against 1.12) writes for a regular file with these
/// options.
pub fn compress(data: &[u8], opts: &GzipOptions) -> Result<Vec<u8>, Error> {
    check(opts)?;
    let mut lz = Lz77::new(opts.level, data.len() / 2 + 64, Flavor::GnuGzip);
    lz.trees.bits.out.extend_from_slice(&header(opts));
    let mut inp = Input {
        data,
        pos: 0,
        finished: true,
    };
    let done = lz.run(&mut inp);
    debug_assert!(done);
    let mut out = std::mem::take(&mut lz.trees.bits.out);
    out.extend_from_slice(&lz.crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Ok(out)
}

/// A streaming gzip encoder with the same output as [`compress`]: input is
/// buffered until the next whole read GNU gzip would make is available.
pub struct GzEncoder<W: Write> {
    inner: Option<W>,
    lz: Box<Lz77>,
    pending: Vec<u8>,
    pos: usize,
    finished: bool,
}

impl<W: Write> GzEncoder<W> {
    /// Starts a member; the header is written with the first output.
    pub fn new(inner: W, opts: &GzipOptions) -> Result<Self, Error> {
        check(opts)?;
        let mut lz = Box::new(Lz77::new(opts.level, 1 << 16, Flavor::GnuGzip));
        lz.trees.bits.out.extend_from_slice(&header(opts));
        Ok(GzEncoder {
            inner: Some(inner),
            lz,
            pending: Vec::new(),
            pos: 0,
            finished: false,
        })
    }

    fn run(&mut self, finished: bool) -> io::Result<()> {
        let mut inp = Input {
            data: &self.pending,
            pos: self.pos,
            finished,
        };
        self.lz.run(&mut inp);
        self.pos = inp.pos;
        if self.pos > (1 << 20) || self.pos == self.pending.len() {
            self.pending.drain(..self.pos);
            self.pos = 0;
        }
        let out = &mut self.lz.trees.bits.out;
        if !out.is_empty() {
            if let Some(w) = self.inner.as_mut() {
                w.write_all(out)?;
            }
            out.clear();
        }
        Ok(())
    }

    /// Writes the rest of the member and the trailer; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.do_finish()?;
        Ok(self.inner.take().expect("writer present until finish"))
    }

    fn do_finish(&mut self) -> io::Result<()> {
        if self.finished {
            return Ok(());
        }
        self.run(true)?;
        self.finished = true;
        let mut trailer = self.lz.crc.sum().to_le_bytes().to_vec();
        trailer.extend_from_slice(&(self.lz.bytes_in as u32).to_le_bytes());
        if let Some(w) = self.inner.as_mut() {
            w.write_all(&trailer)?;
            w.flush()?;
        }
        Ok(())
    }
}

impl<W: Write> Write for GzEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.finished {
            return Err(io::Error::other("gzip member already finished"));
        }
        self.pending.extend_from_slice(buf);
        if self.pending.len() - self.pos >= 1 << 17 {
            self.run(false)?;
        }
        Ok(buf.len())
    }

    /// Writes out what is compressed so far (a gzip member cannot be
    /// flushed mid-block without changing its bytes, so nothing more).
    fn flush(&mut self) -> io::Result<()> {
        match self.inner.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}
