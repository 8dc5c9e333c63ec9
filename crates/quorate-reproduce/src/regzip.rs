//! A rebuilt tar stream compressed as the published one was, with the
//! header fields the recipe read from it: GNU gzip, zlib-style gzip
//! (Python's `gzip`/`tarfile`, BSD tools, git's internal gzip: zlib's
//! deflate in gzip framing) or Go's `compress/gzip`.

use quorate_deflate::Flavor;
use quorate_deflate::gogzip::{self, GoGzipOptions};
use quorate_deflate::gzip::{self, GzipOptions};
use quorate_deflate::zlib::{self, ZlibGzipOptions};

use crate::fingerprint::{Compressor, go_version_of_tool};
use crate::recipe::GzipHeader;

/// FNAME, the one optional header field rebuilt.
const FNAME: u8 = 0x08;

/// `tar` in one gzip member as compressor `c` wrote the published one,
/// with its header `g`; why not, when it cannot be.
pub(crate) fn compress(tar: &[u8], g: &GzipHeader, c: &Compressor) -> Result<Vec<u8>, String> {
    if g.members != 1 {
        return Err(format!("{} gzip members (one is rebuilt)", g.members));
    }
    if g.flags & !FNAME != 0 {
        return Err(format!(
            "gzip header flags {:#04x} (FEXTRA, FCOMMENT and FHCRC are not rebuilt)",
            g.flags
        ));
    }
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
        "gnu-gzip" if g.os == 3 && g.xfl == gzip::gnu_xfl(level) => gzip::compress(
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
        "zlib" => zlib::gzip(
            tar,
            &ZlibGzipOptions {
                level,
                name,
                mtime: g.mtime,
                xfl: g.xfl,
                os: g.os,
            },
        ),
        tool => {
            let version = go_version_of_tool(tool).ok_or_else(unknown)?;
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

/// One gzip member under the published header `g` (FLG, MTIME, XFL, OS,
/// the name), with the deflate data `body` of `tar`.
fn framed(tar: &[u8], g: &GzipHeader, body: &[u8]) -> Result<Vec<u8>, quorate_deflate::Error> {
    gzip::member(
        tar,
        body,
        &gzip::MemberHeader {
            name: g.name.as_deref().map(str::as_bytes),
            mtime: g.mtime,
            xfl: g.xfl,
            os: g.os,
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
        bad.flags = 0x10;
        assert!(compress(&tar, &bad, &c).unwrap_err().contains("FCOMMENT"));
    }
}
