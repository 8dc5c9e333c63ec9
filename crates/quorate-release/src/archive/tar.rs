//! A minimal tar writer with every header field fixed by quorate.
//!
//! Headers are POSIX ustar (`ustar\0` `00`): numeric fields in zero-padded
//! octal ending with NUL (sizes and times too large for octal use GNU
//! base-256), uid/gid 0, empty user and group names, device numbers 0. A
//! name longer than 100 bytes is split at a `/` into the ustar prefix (155
//! bytes) and name; when no split fits, a GNU `././@LongLink` entry (type
//! `L`, or `K` for a long link target) carries it, as the `tar` crate and GNU
//! tar do. No PAX headers, no extended attributes. The archive ends with two
//! zero blocks.
//!
//! The GNU style writes what GNU tar writes with `--format=gnu` (magic
//! `ustar  \0`, empty device fields, no ustar prefix: every name over 100
//! bytes goes through `././@LongLink`), and pads the archive to a multiple
//! of GNU tar's 10240-byte record.

use std::io::{self, Write};

const BLOCK: usize = 512;

/// Entry types written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeFlag {
    /// Regular file, `0`.
    File,
    /// Symbolic link, `2`.
    Symlink,
    /// Folder, `5`.
    Dir,
    /// Hard link to an earlier entry, `1`.
    HardLink,
    /// GNU long name for the next entry, `L`.
    LongName,
    /// GNU long link target for the next entry, `K`.
    LongLink,
}

impl TypeFlag {
    fn byte(self) -> u8 {
        match self {
            TypeFlag::File => b'0',
            TypeFlag::Symlink => b'2',
            TypeFlag::HardLink => b'1',
            TypeFlag::Dir => b'5',
            TypeFlag::LongName => b'L',
            TypeFlag::LongLink => b'K',
        }
    }
}

/// Writes `value` into `field` as zero-padded octal followed by NUL, or in
/// GNU base-256 when it does not fit.
fn numeric(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    if digits < 22 && value >= 1u64 << (3 * digits) {
        // GNU base-256: high bit of the first byte set, big-endian value.
        field.fill(0);
        field[0] = 0x80;
        let bytes = value.to_be_bytes();
        let n = bytes.len().min(field.len() - 1);
        let start = field.len() - n;
        field[start..].copy_from_slice(&bytes[bytes.len() - n..]);
        return;
    }
    let s = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(s.as_bytes());
    field[digits] = 0;
}

/// One 512-byte header.
struct Header([u8; BLOCK]);

impl Header {
    fn new(flag: TypeFlag, mode: u32, size: u64, mtime: u64, gnu: bool) -> Self {
        let mut h = [0u8; BLOCK];
        numeric(&mut h[100..108], u64::from(mode));
        numeric(&mut h[108..116], 0); // uid
        numeric(&mut h[116..124], 0); // gid
        numeric(&mut h[124..136], size);
        numeric(&mut h[136..148], mtime);
        h[156] = flag.byte();
        if gnu || matches!(flag, TypeFlag::LongName | TypeFlag::LongLink) {
            // GNU magic, as GNU tar and the `tar` crate write for these.
            h[257..265].copy_from_slice(b"ustar  \0");
        } else {
            h[257..263].copy_from_slice(b"ustar\0");
            h[263..265].copy_from_slice(b"00");
            numeric(&mut h[329..337], 0); // devmajor
            numeric(&mut h[337..345], 0); // devminor
        }
        Header(h)
    }

    fn finish(mut self) -> [u8; BLOCK] {
        self.0[148..156].fill(b' ');
        let sum: u32 = self.0.iter().map(|&b| u32::from(b)).sum();
        let s = format!("{sum:06o}");
        self.0[148..154].copy_from_slice(s.as_bytes());
        self.0[154] = 0;
        self.0[155] = b' ';
        self.0
    }
}

/// Splits `name` for a ustar header: `(prefix, name)` when it fits.
fn ustar_split(name: &[u8]) -> Option<(&[u8], &[u8])> {
    if name.len() <= 100 {
        return Some((&[], name));
    }
    // Split at a '/' (not a trailing one) so the prefix fits in 155 bytes
    // and the rest in 100.
    let body = name.strip_suffix(b"/").unwrap_or(name);
    (0..body.len())
        .rev()
        .filter(|&i| body[i] == b'/')
        .find(|&i| i <= 155 && name.len() - i - 1 <= 100 && i > 0)
        .map(|i| (&name[..i], &name[i + 1..]))
}

/// A tar stream into `W`.
pub(crate) struct TarWriter<W: Write> {
    out: W,
    mtime: u64,
    gnu: bool,
    written: u64,
}

impl<W: Write> TarWriter<W> {
    /// A tar stream in quorate's (ustar) style.
    pub(crate) fn new(out: W, mtime: u64) -> Self {
        Self {
            out,
            mtime,
            gnu: false,
            written: 0,
        }
    }

    /// A tar stream in GNU tar's `--format=gnu` style.
    pub(crate) fn new_gnu(out: W, mtime: u64) -> Self {
        Self {
            gnu: true,
            ..Self::new(out, mtime)
        }
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.written += bytes.len() as u64;
        self.out.write_all(bytes)
    }

    /// Writes a GNU long-name (`L`) or long-link (`K`) entry for `value`.
    fn long(&mut self, flag: TypeFlag, value: &[u8]) -> io::Result<()> {
        let size = value.len() as u64 + 1;
        let mut h = Header::new(flag, 0o644, size, 0, self.gnu);
        h.0[..13].copy_from_slice(b"././@LongLink");
        self.put(&h.finish())?;
        self.put(value)?;
        self.put(&[0])?;
        self.pad(size)
    }

    fn pad(&mut self, size: u64) -> io::Result<()> {
        let rem = (size % BLOCK as u64) as usize;
        if rem != 0 {
            self.put(&[0u8; BLOCK][..BLOCK - rem])?;
        }
        Ok(())
    }

    /// Writes the header of one entry. `name` is the full archive path (with
    /// a trailing `/` for folders). The caller then writes `size` bytes of
    /// data and calls [`TarWriter::end_data`].
    pub(crate) fn header(
        &mut self,
        flag: TypeFlag,
        name: &str,
        mode: u32,
        size: u64,
        link: &str,
    ) -> io::Result<()> {
        let mut h = Header::new(flag, mode, size, self.mtime, self.gnu);
        let link = link.as_bytes();
        // GNU tar writes a long link target (`K`) before a long name (`L`);
        // quorate's own style keeps its historical order (name first).
        let long_link = link.len() > 100;
        if self.gnu && long_link {
            self.long(TypeFlag::LongLink, link)?;
        }
        let split = if self.gnu {
            (name.len() <= 100).then_some((&[][..], name.as_bytes()))
        } else {
            ustar_split(name.as_bytes())
        };
        match split {
            Some((prefix, rest)) => {
                h.0[..rest.len()].copy_from_slice(rest);
                h.0[345..345 + prefix.len()].copy_from_slice(prefix);
            }
            None => {
                self.long(TypeFlag::LongName, name.as_bytes())?;
                h.0[..100].copy_from_slice(&name.as_bytes()[..100]);
            }
        }
        if !long_link {
            h.0[157..157 + link.len()].copy_from_slice(link);
        } else {
            if !self.gnu {
                self.long(TypeFlag::LongLink, link)?;
            }
            h.0[157..257].copy_from_slice(&link[..100]);
        }
        self.put(&h.finish())
    }

    /// The data of the current entry (the caller writes exactly the size
    /// given to [`TarWriter::header`], then calls [`TarWriter::end_data`]).
    pub(crate) fn data(&mut self) -> &mut W {
        &mut self.out
    }

    /// Pads the data of an entry of `size` bytes to the block size.
    pub(crate) fn end_data(&mut self, size: u64) -> io::Result<()> {
        self.written += size;
        self.pad(size)
    }

    /// Writes the end-of-archive marker (two zero blocks; in GNU style, then
    /// zeros up to the 10240-byte record); returns the writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.put(&[0u8; 2 * BLOCK])?;
        if self.gnu {
            const RECORD: u64 = 20 * BLOCK as u64;
            let rem = self.written % RECORD;
            if rem != 0 {
                let zeros = vec![0u8; (RECORD - rem) as usize];
                self.put(&zeros)?;
            }
        }
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_and_base256() {
        let mut f = [0u8; 12];
        numeric(&mut f, 0o755);
        assert_eq!(&f, b"00000000755\0");
        numeric(&mut f, 1 << 33);
        assert_eq!(f[0], 0x80);
        assert_eq!(f, [0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0]);
    }

    #[test]
    fn splits_long_names_at_a_slash() {
        let name = format!("{}/{}", "a".repeat(120), "b".repeat(90));
        let (p, n) = ustar_split(name.as_bytes()).unwrap();
        assert_eq!(p.len(), 120);
        assert_eq!(n.len(), 90);
        assert!(ustar_split("c".repeat(101).as_bytes()).is_none());
        let dir = format!("{}/{}/", "a".repeat(50), "d".repeat(99));
        let (p, n) = ustar_split(dir.as_bytes()).unwrap();
        assert_eq!((p.len(), n.len()), (50, 100));
    }
}
