//! zlib 1.2.x-compatible DEFLATE (what `compress2`, Python's
//! `zlib.compress` and many libraries produce with the default window,
//! memLevel and strategy), as a raw stream or in the zlib wrapper
//! (RFC 1950).

use crate::lz77::{Input, Lz77};
use crate::{Error, Flavor};

/// Raw DEFLATE of `data` at `level` 1-9, as zlib's `deflate` with
/// `windowBits` -15 writes it.
pub fn deflate_raw(data: &[u8], level: u32) -> Result<Vec<u8>, Error> {
    if !(1..=9).contains(&level) {
        return Err(Error::Level(level));
    }
    let mut lz = Lz77::new(level, data.len() / 2 + 64, Flavor::Zlib);
    let mut inp = Input {
        data,
        pos: 0,
        finished: true,
    };
    lz.run(&mut inp);
    Ok(std::mem::take(&mut lz.trees.bits.out))
}

/// `data` in the zlib format at `level` 1-9: byte for byte what zlib's
/// `compress2(…, level)` (Python's `zlib.compress(data, level)`) returns.
pub fn compress(data: &[u8], level: u32) -> Result<Vec<u8>, Error> {
    let body = deflate_raw(data, level)?;
    // CMF: deflate, 32 KiB window. FLG: the level class, then a check value
    // making CMF*256+FLG a multiple of 31.
    let cmf = 0x78u16;
    let flevel: u16 = match level {
        1 => 0,
        2..=5 => 1,
        6 => 2,
        _ => 3,
    };
    let mut hdr = (cmf << 8) | (flevel << 6);
    hdr += 31 - hdr % 31;
    let mut out = Vec::with_capacity(body.len() + 6);
    out.extend_from_slice(&hdr.to_be_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&adler32(data).to_be_bytes());
    Ok(out)
}

/// The header of a gzip member whose deflate data zlib makes: every field
/// is given, as the published stream has it (Python's `gzip` writes OS
/// 255, its XFL from the level and the time; zlib's own gzip wrapper,
/// `deflateInit2` with `windowBits` 31, OS 3 and time 0; `tarfile` a
/// file name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZlibGzipOptions {
    /// zlib's level 1-9.
    pub level: u32,
    /// FNAME (then FLG is 8, else 0), without its terminating NUL.
    pub name: Option<Vec<u8>>,
    /// MTIME.
    pub mtime: u32,
    /// XFL.
    pub xfl: u8,
    /// OS.
    pub os: u8,
}

/// One gzip member (RFC 1952): the header of `opts`, zlib's raw deflate
/// of `data` at `opts.level` ([`deflate_raw`]), CRC-32 and ISIZE (the
/// length modulo 2^32).
pub fn gzip(data: &[u8], opts: &ZlibGzipOptions) -> Result<Vec<u8>, Error> {
    let body = deflate_raw(data, opts.level)?;
    crate::gzip::member(
        data,
        &body,
        &crate::gzip::MemberHeader {
            name: opts.name.as_deref(),
            mtime: opts.mtime,
            xfl: opts.xfl,
            os: opts.os,
            ..Default::default()
        },
    )
}

/// The Adler-32 checksum of `data` (RFC 1950).
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before b overflows u32.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    #[test]
    fn adler32_known_values() {
        assert_eq!(super::adler32(b""), 1);
        assert_eq!(super::adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn gzip_framing() {
        let opts = super::ZlibGzipOptions {
            level: 6,
            name: Some(b"a.tar".to_vec()),
            mtime: 0x0102_0304,
            xfl: 0,
            os: 255,
        };
        let g = super::gzip(b"hello", &opts).unwrap();
        assert_eq!(&g[..10], &[0x1f, 0x8b, 8, 8, 4, 3, 2, 1, 0, 255]);
        assert_eq!(&g[10..16], b"a.tar\0");
        assert_eq!(&g[g.len() - 4..], &5u32.to_le_bytes());
        let mut bad = opts.clone();
        bad.name = Some(b"a\0b".to_vec());
        assert!(super::gzip(b"", &bad).is_err());
        bad.name = None;
        bad.level = 0;
        assert!(super::gzip(b"", &bad).is_err());
    }

    #[test]
    fn header_check_bytes() {
        // zlib's well-known headers for levels 1, 6 and 9.
        assert_eq!(&super::compress(b"", 1).unwrap()[..2], &[0x78, 0x01]);
        assert_eq!(&super::compress(b"", 6).unwrap()[..2], &[0x78, 0x9c]);
        assert_eq!(&super::compress(b"", 9).unwrap()[..2], &[0x78, 0xda]);
    }
}
