//! Zip archives byte-identical to Info-ZIP `zip -o -X -r` (zip 3.0) writing
//! to a regular file, for regular files and directories, in the order the
//! caller adds them (`zip -@` takes its member order from its input).
//!
//! What Info-ZIP writes, and this writer with it: "version made by" 3.0 on
//! Unix (0x031e); no extra fields (`-X`); no data descriptors (the output
//! is seekable, so sizes go in the local header); deflate at the given
//! level with the general-purpose flag bits 1-2 set from the level (0x4
//! for levels 1-2, 0x2 for 8-9); a file whose only deflate block would not
//! shrink is stored instead, still with those flags; empty files and
//! directories stored with no flags; DOS time stamps rounded up to an even
//! second in local time (here: UTC plus [`ZipOptions::utc_offset`]); the
//! internal "text" attribute from the first block's literals; external
//! attributes `mode << 16`, plus 0x10 for directories and 0x01 when the
//! owner cannot write.

use std::io::Write;

use crate::lz77::{Input, Lz77};
use crate::trees::FileType;
use crate::zipfmt::{self, Entry, end_record, io};
use crate::{Error, Flavor, crc32};

/// How to write the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipOptions {
    /// Deflate level 1-9 (`zip -1` … `zip -9`; Info-ZIP's default is 6),
    /// or 0 to store every member (`zip -0`).
    pub level: u32,
    /// Seconds east of UTC of the time zone `zip` ran in: DOS time stamps
    /// are local time. 0 for UTC (release scripts in containers).
    pub utc_offset: i32,
}

impl Default for ZipOptions {
    fn default() -> Self {
        ZipOptions {
            level: 6,
            utc_offset: 0,
        }
    }
}

/// Writes a zip archive member by member; [`ZipWriter::finish`] writes the
/// central directory and end record.
pub struct ZipWriter<W: Write> {
    out: W,
    opts: ZipOptions,
    offset: u64,
    entries: Vec<Entry>,
}

/// Unix file-type bits of a regular file and of a directory.
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;

impl<W: Write> ZipWriter<W> {
    /// A new archive written to `out`.
    pub fn new(out: W, opts: ZipOptions) -> Result<Self, Error> {
        if opts.level > 9 {
            return Err(Error::Level(opts.level));
        }
        Ok(ZipWriter {
            out,
            opts,
            offset: 0,
            entries: Vec::new(),
        })
    }

    /// Adds a regular file `name` (a relative path with `/` separators)
    /// with permission bits `mode` (e.g. 0o755) and modification time
    /// `mtime` (seconds since the epoch).
    pub fn add_file(
        &mut self,
        name: &str,
        data: &[u8],
        mode: u32,
        mtime: i64,
    ) -> Result<(), Error> {
        check_name(name, false)?;
        if data.len() > u32::MAX as usize - 1 {
            return Err(Error::ZipName(format!(
                "{name}: larger than zip without zip64 allows"
            )));
        }
        let crc = crc32::crc32(data);
        let level = self.opts.level;
        let flags = match level {
            1 | 2 => 4,
            8 | 9 => 2,
            _ => 0,
        };
        let (method, flags, internal, body): (u16, u16, u16, std::borrow::Cow<[u8]>) =
            if data.is_empty() {
                (0, 0, 0, data.into())
            } else if level == 0 {
                // zip -0 judges text/binary by its own rule; not covered.
                (0, 0, 0, data.into())
            } else {
                let mut lz = Lz77::new(level, data.len() / 2 + 64, Flavor::InfoZip);
                let mut inp = Input {
                    data,
                    pos: 0,
                    finished: true,
                };
                lz.run(&mut inp);
                let text = (lz.file_type() == FileType::Ascii) as u16;
                if lz.trees.stored_file {
                    (0, flags, text, data.into())
                } else {
                    (
                        8,
                        flags,
                        text,
                        std::mem::take(&mut lz.trees.bits.out).into(),
                    )
                }
            };
        let (time, date) = dos_time(mtime, self.opts.utc_offset);
        let mode = S_IFREG | (mode & 0o7777);
        let entry = Entry {
            name: name.as_bytes().to_vec(),
            version_needed: if method == 8 { 20 } else { 10 },
            flags,
            method,
            time,
            date,
            crc,
            csize: body.len() as u32,
            usize: data.len() as u32,
            internal,
            external: (mode << 16) | (mode & 0o200 == 0) as u32,
            extra: Vec::new(),
            offset: 0,
        };
        self.write_member(entry, &body)
    }

    /// Adds a directory entry `name` (a trailing `/` is added if missing).
    pub fn add_directory(&mut self, name: &str, mode: u32, mtime: i64) -> Result<(), Error> {
        let mut name = name.to_string();
        if !name.ends_with('/') {
            name.push('/');
        }
        check_name(&name, true)?;
        let (time, date) = dos_time(mtime, self.opts.utc_offset);
        let mode = S_IFDIR | (mode & 0o7777);
        let entry = Entry {
            name: name.into_bytes(),
            version_needed: 10,
            flags: 0,
            method: 0,
            time,
            date,
            crc: 0,
            csize: 0,
            usize: 0,
            internal: 0,
            external: (mode << 16) | 0x10 | (mode & 0o200 == 0) as u32,
            extra: Vec::new(),
            offset: 0,
        };
        self.write_member(entry, &[])
    }

    fn write_member(&mut self, mut e: Entry, body: &[u8]) -> Result<(), Error> {
        if self.offset > u32::MAX as u64 || self.entries.len() >= 0xffff {
            return Err(Error::ZipName(
                "archive too large for zip without zip64".into(),
            ));
        }
        e.offset = self.offset as u32;
        let h = e.local_header(true);
        self.out.write_all(&h).map_err(io)?;
        self.out.write_all(body).map_err(io)?;
        self.offset += (h.len() + body.len()) as u64;
        self.entries.push(e);
        Ok(())
    }

    /// Writes the central directory and the end record; returns the
    /// underlying writer.
    pub fn finish(mut self) -> Result<W, Error> {
        if self.offset > u32::MAX as u64 {
            return Err(Error::ZipName(
                "archive too large for zip without zip64".into(),
            ));
        }
        let cd_offset = self.offset as u32;
        let mut cd = Vec::new();
        for e in &self.entries {
            // Version made by: 3.0 on Unix.
            e.central(0x031e, &mut cd);
        }
        let end = end_record(self.entries.len() as u16, cd.len() as u32, cd_offset);
        self.out.write_all(&cd).map_err(io)?;
        self.out.write_all(&end).map_err(io)?;
        self.out.flush().map_err(io)?;
        Ok(self.out)
    }
}

/// Names must be relative, `/`-separated (no backslash) and fit the
/// 16-bit length field.
fn check_name(name: &str, dir: bool) -> Result<(), Error> {
    if name.contains('\\') {
        return Err(Error::ZipName(name.to_string()));
    }
    zipfmt::check_name(name, dir)
}

/// MS-DOS time and date of `mtime` as Info-ZIP computes them: rounded up to
/// an even second, in local time; clamped to the DOS range 1980-2107.
pub fn dos_time(mtime: i64, utc_offset: i32) -> (u16, u16) {
    let t = ((mtime + 1) & !1) + utc_offset as i64;
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (y, m, d) = quorate_base::time::civil_from_days(days);
    if y < 1980 {
        return (0, (1 << 5) | 1);
    }
    if y > 2107 {
        return ((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31);
    }
    let (h, mi, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let time = (h << 11) | (mi << 5) | (s / 2);
    let date = ((y - 1980) << 9) | ((m as i64) << 5) | d as i64;
    (time as u16, date as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_time_rounds_odd_seconds_up() {
        // 2023-11-14 22:13:21 UTC -> 22:13:22.
        assert_eq!(dos_time(1_700_000_001, 0), (0xb1ab, 0x576e));
        assert_eq!(dos_time(1_700_000_002, 0), (0xb1ab, 0x576e));
        // 1970 is before DOS time: clamped to 1980-01-01.
        assert_eq!(dos_time(0, 0), (0, 0x21));
    }

    #[test]
    fn refuses_unsafe_names() {
        let mut z = ZipWriter::new(Vec::new(), ZipOptions::default()).unwrap();
        for bad in ["", "/abs", "a/../b", "dir/", "a\\b"] {
            assert!(z.add_file(bad, b"x", 0o644, 0).is_err(), "{bad:?}");
        }
    }
}
