//! A rebuilt tar stream compressed as the published one was, with the
//! header fields the recipe read from it: GNU gzip, zlib-style gzip
//! (Python's `gzip`/`tarfile`, BSD tools, git's internal gzip: zlib's
//! deflate in gzip framing) or Go's `compress/gzip`.

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
            "compressed by {} (GNU gzip, zlib and Go's compress/flate are rebuilt)",
            c.tool
        )
    };
    let level = c.level.ok_or_else(unknown)?;
    let bytes = match c.tool.as_str() {
        "gnu-gzip" if g.os == 3 => gzip::compress(
            tar,
            &GzipOptions {
                level,
                name,
                mtime: g.mtime,
            },
        ),
        "gnu-gzip" => return Err(format!("GNU gzip with OS byte {} (it writes 3)", g.os)),
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
