//! A rebuilt tar stream compressed as the published one was, with the
//! header fields the recipe read from it: GNU gzip, zlib-style gzip
//! (Python's `gzip`/`tarfile`, BSD tools, git's internal gzip: zlib's
//! deflate in gzip framing) or Go's `compress/gzip`.

use quorate_deflate::Flavor;
use quorate_deflate::goflate;
use quorate_deflate::gogzip::{self, GoGzipOptions};
use quorate_deflate::gzip::{self, GzipOptions};
use quorate_deflate::zlib::{self, ZlibGzipOptions};

use crate::fingerprint::{Compressor, go_version_of_tool};
use crate::recipe::GzipHeader;

/// FLG bits of the optional header fields: FHCRC, FEXTRA, FNAME and
/// FCOMMENT. The others (FTEXT and the three reserved bits) are not
/// rebuilt.
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// `tar` in one gzip member as compressor `c` wrote the published one,
/// with its header `g`; why not, when it cannot be.
pub(crate) fn compress(tar: &[u8], g: &GzipHeader, c: &Compressor) -> Result<Vec<u8>, String> {
    if g.members != 1 {
        return Err(format!("{} gzip members (one is rebuilt)", g.members));
    }
    if g.flags & !(FHCRC | FEXTRA | FNAME | FCOMMENT) != 0 {
        return Err(format!(
            "gzip header flags {:#04x} (FTEXT and the reserved bits are not rebuilt)",
            g.flags
        ));
    }
    // A header with an extra field, a comment or a header CRC: the
    // compressor's deflate data under the published header fields (the
    // tools' own writers make only the plain header).
    let plain = g.flags & !FNAME == 0;
    let name = g.name.as_ref().map(|n| n.as_bytes().to_vec());
    let unknown = || {
        format!(
            "compressed by {}{} (GNU gzip, zlib and Go's compress/flate are rebuilt)",
            c.tool,
            c.closest
                .as_ref()
                .map(|x| format!("; {}", x.describe()))
                .unwrap_or_default()
        )
    };
    let level = c.level.ok_or_else(unknown)?;
    let bytes = match c.tool.as_str() {
        // GNU gzip's own header: its writer.
        "gnu-gzip" if plain && g.os == 3 && g.xfl == gzip::gnu_xfl(level) => gzip::compress(
            tar,
            &GzipOptions {
                level,
                name,
                mtime: g.mtime,
            },
        ),
        // GNU gzip's deflate under another header (on a small input zlib
        // and GNU gzip make the same bytes, and Python's header says OS
        // 255): the published header, then the deflate data.
        "gnu-gzip" => quorate_deflate::identify::deflate_raw(tar, level, Flavor::GnuGzip)
            .ok_or(quorate_deflate::Error::Level(level))
            .and_then(|body| framed(tar, g, &body)),
        "zlib" if plain => zlib::gzip(
            tar,
            &ZlibGzipOptions {
                level,
                name,
                mtime: g.mtime,
                xfl: g.xfl,
                os: g.os,
            },
        ),
        "zlib" => zlib::deflate_raw(tar, level).and_then(|body| framed(tar, g, &body)),
        tool => {
            let version = go_version_of_tool(tool).ok_or_else(unknown)?;
            if !plain {
                return goflate::deflate_raw(tar, level as i32, version)
                    .and_then(|body| framed(tar, g, &body))
                    .map_err(|e| e.to_string());
            }
            if g.os != 255 {
                return Err("not one gzip member as Go's compress/gzip writes it".into());
            }
            gogzip::compress(
                tar,
                &GoGzipOptions {
                    level: level as i32,
                    version,
                    name,
                    comment: None,
                    mtime: i64::from(g.mtime),
                },
            )
        }
    };
    bytes.map_err(|e| e.to_string())
}

/// One gzip member under the published header `g` (MTIME, XFL, OS and
/// the optional fields FLG names), with the deflate data `body` of `tar`.
fn framed(tar: &[u8], g: &GzipHeader, body: &[u8]) -> Result<Vec<u8>, quorate_deflate::Error> {
    gzip::member(
        tar,
        body,
        &gzip::MemberHeader {
            name: g.name.as_deref().map(str::as_bytes),
            mtime: g.mtime,
            xfl: g.xfl,
            os: g.os,
            extra: g.extra.as_deref(),
            comment: g.comment.as_deref().map(str::as_bytes),
            header_crc: g.header_crc,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small tar, where GNU gzip and zlib make the same deflate bytes,
    /// in Python's header (OS 255, a name, a time): named `gnu-gzip`,
    /// rebuilt under the published header.
    #[test]
    fn gnu_deflate_under_a_python_header() {
        let tar = b"small input, the same for both compressors".repeat(3);
        let body = quorate_deflate::identify::deflate_raw(&tar, 9, Flavor::GnuGzip).unwrap();
        let g = GzipHeader {
            flags: 8,
            mtime: 1_700_000_001,
            name: Some("x.tar".into()),
            xfl: 2,
            os: 255,
            members: 1,
            comment: None,
            extra: None,
            header_crc: None,
        };
        let published = framed(&tar, &g, &body).unwrap();
        let c = Compressor {
            tool: "gnu-gzip".into(),
            level: Some(9),
            closest: None,
        };
        assert!(compress(&tar, &g, &c).unwrap() == published);
        let z = Compressor {
            tool: "zlib".into(),
            level: Some(9),
            closest: None,
        };
        assert!(compress(&tar, &g, &z).unwrap() == published);
        // GNU gzip's own header goes through its writer: the same bytes.
        let gnu = GzipHeader {
            flags: 0,
            mtime: 0,
            name: None,
            xfl: 2,
            os: 3,
            members: 1,
            comment: None,
            extra: None,
            header_crc: None,
        };
        assert_eq!(
            compress(&tar, &gnu, &c).unwrap(),
            gzip::compress(&tar, &GzipOptions::no_name(9)).unwrap()
        );
        assert_eq!(
            compress(&tar, &gnu, &c).unwrap(),
            framed(&tar, &gnu, &body).unwrap()
        );
        let mut bad = gnu.clone();
        bad.flags = 0x01;
        assert!(compress(&tar, &bad, &c).unwrap_err().contains("FTEXT"));
        bad.flags = 0x20;
        assert!(compress(&tar, &bad, &c).unwrap_err().contains("reserved"));
    }

    /// A header with an extra field, a comment and a header CRC (as
    /// Perl's IO::Compress::Gzip writes it) is rebuilt around each
    /// compressor's deflate data, and reads back as the same fields.
    #[test]
    fn extra_comment_and_header_crc_are_rebuilt() {
        let tar = b"a tar stream, or something like one. ".repeat(40);
        let g = GzipHeader {
            flags: 0x1e,
            mtime: 1_700_000_000,
            name: Some("x.tar".into()),
            xfl: 2,
            os: 3,
            members: 1,
            comment: Some("a comment".into()),
            extra: Some(b"AB\x03\x00xyz".to_vec()),
            header_crc: Some(0x005c),
        };
        for (tool, body) in [
            (
                "gnu-gzip",
                quorate_deflate::identify::deflate_raw(&tar, 9, Flavor::GnuGzip).unwrap(),
            ),
            ("zlib", zlib::deflate_raw(&tar, 9).unwrap()),
            (
                "go-flate-1.27",
                goflate::deflate_raw(&tar, 9, goflate::GoVersion::From1_27).unwrap(),
            ),
        ] {
            let c = Compressor {
                tool: tool.into(),
                level: Some(9),
                closest: None,
            };
            let out = compress(&tar, &g, &c).unwrap_or_else(|e| panic!("{tool}: {e}"));
            assert_eq!(out, framed(&tar, &g, &body).unwrap(), "{tool}");
            let h = quorate_diff::archive::gzip_header(&out).unwrap();
            assert_eq!(out[3], 0x1e, "{tool}");
            assert_eq!(h.name.as_deref(), Some(&b"x.tar"[..]));
            assert_eq!(h.comment.as_deref(), Some(&b"a comment"[..]));
            assert_eq!(h.extra.as_deref(), Some(&b"AB\x03\x00xyz"[..]));
            assert_eq!(h.header_crc, Some(0x005c));
            let g2 = quorate_diff::archive::gunzip_members(&out, 1 << 20).unwrap();
            assert_eq!(g2.data, tar, "{tool}: the member inflates to the tar");
        }
    }
}
