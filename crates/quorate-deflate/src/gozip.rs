//! Zip archives byte-identical to Go's `archive/zip` writing members with
//! `zip.FileInfoHeader` + `CreateHeader` (GoReleaser's zip archives: a
//! `flate.BestCompression` compressor registered for Deflate, member
//! names set to their path in the archive, `Modified` set to a fixed time
//! when configured).
//!
//! What Go writes, and this writer with it: local headers with CRC and
//! sizes zero and general-purpose flag 0x8, the data, then a data
//! descriptor with its signature (`PK 07 08`, CRC, 32-bit sizes); flag
//! 0x800 (UTF-8) when the name has a character outside 0x20-0x7d or a
//! backslash; "version needed" 2.0 and "version made by" 0x0314 (Unix,
//! 2.0) for every member; an extended-timestamp extra field (`UT`, flags 1,
//! the modification time as 32-bit seconds) in both headers; the DOS time
//! and date of the modification time in the time zone it was given in
//! (UTC after `SetModTime`), seconds halved downwards, years outside
//! 1980-2107 wrapping as Go's 16-bit arithmetic does; external attributes
//! `mode << 16`, plus 0x10 for directories and 0x01 when the owner cannot
//! write; directories (names ending in `/`) stored with no data and no
//! descriptor; then the central directory and the end record.

use std::io::Write;

use crate::goflate::{Deflater, GoVersion};
use crate::zipfmt::{Entry, check_name, end_record, io};
use crate::{Error, crc32};

/// How the archive's Deflate members are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoZipOptions {
    /// The level of the Deflate compressor: 5 is `archive/zip`'s own
    /// (`zip.NewWriter` with nothing registered); GoReleaser registers
    /// `flate.BestCompression`, 9.
    pub level: i32,
    /// Which Go releases' compressor.
    pub version: GoVersion,
}

/// One member's modification time as Go was given it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoTime {
    /// Seconds since the epoch.
    pub unix: i64,
    /// Seconds east of UTC of the `time.Time`'s zone: 0 after
    /// `SetModTime` or `FileInfoHeader` (both convert to UTC); the zone's
    /// offset when `Modified` was set directly from a parsed time.
    pub utc_offset: i32,
}

impl GoTime {
    /// A time in UTC.
    pub fn utc(unix: i64) -> Self {
        GoTime {
            unix,
            utc_offset: 0,
        }
    }
}

/// Writes a zip archive member by member as Go's `zip.Writer` does;
/// [`GoZipWriter::finish`] writes the central directory and end record.
pub struct GoZipWriter<W: Write> {
    out: W,
    opts: GoZipOptions,
    offset: u64,
    entries: Vec<Entry>,
}

const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const LIMIT: u64 = u32::MAX as u64;

impl<W: Write> GoZipWriter<W> {
    /// A new archive written to `out`.
    pub fn new(out: W, opts: GoZipOptions) -> Result<Self, Error> {
        if !(-2..=9).contains(&opts.level) {
            return Err(Error::GoLevel(opts.level));
        }
        Ok(GoZipWriter {
            out,
            opts,
            offset: 0,
            entries: Vec::new(),
        })
    }

    /// Adds a regular file `name` with permission bits `mode` (e.g. 0o755,
    /// with setuid/setgid/sticky as 0o4000/0o2000/0o1000), compressed with
    /// Deflate.
    pub fn add_file(
        &mut self,
        name: &str,
        data: &[u8],
        mode: u32,
        mtime: GoTime,
    ) -> Result<(), Error> {
        check_name(name, false)?;
        let mut d = Deflater::new(self.opts.level, self.opts.version)?;
        d.write(data);
        d.finish();
        let body = d.take_output();
        if data.len() as u64 >= LIMIT || body.len() as u64 >= LIMIT {
            return Err(Error::ZipName(format!(
                "{name}: larger than zip without zip64 allows"
            )));
        }
        let mode = S_IFREG | (mode & 0o7777);
        let mut e = entry(name, mode, mtime, 8);
        e.flags |= 0x8;
        e.crc = crc32::crc32(data);
        e.csize = body.len() as u32;
        e.usize = data.len() as u32;
        self.write_member(e, &body, true)
    }

    /// Adds a directory `name` (a trailing `/` is added if missing).
    pub fn add_directory(&mut self, name: &str, mode: u32, mtime: GoTime) -> Result<(), Error> {
        let mut name = name.to_string();
        if !name.ends_with('/') {
            name.push('/');
        }
        check_name(&name, true)?;
        let mode = S_IFDIR | (mode & 0o7777);
        let mut e = entry(&name, mode, mtime, 0);
        e.external |= 0x10;
        self.write_member(e, &[], false)
    }

    fn write_member(&mut self, mut e: Entry, body: &[u8], descriptor: bool) -> Result<(), Error> {
        if self.offset >= LIMIT || self.entries.len() >= 0xffff {
            return Err(Error::ZipName(
                "archive too large for zip without zip64".into(),
            ));
        }
        e.offset = self.offset as u32;
        let h = e.local_header(false);
        let mut tail = Vec::with_capacity(16);
        if descriptor {
            for v in [0x0807_4b50, e.crc, e.csize, e.usize] {
                tail.extend_from_slice(&v.to_le_bytes());
            }
        }
        for part in [&h[..], body, &tail] {
            self.out.write_all(part).map_err(io)?;
        }
        self.offset += (h.len() + body.len() + tail.len()) as u64;
        self.entries.push(e);
        Ok(())
    }

    /// Writes the central directory and the end record; returns the
    /// underlying writer.
    pub fn finish(mut self) -> Result<W, Error> {
        if self.offset >= LIMIT {
            return Err(Error::ZipName(
                "archive too large for zip without zip64".into(),
            ));
        }
        let mut cd = Vec::new();
        for e in &self.entries {
            // Version made by: 2.0 on Unix.
            e.central(0x0314, &mut cd);
        }
        if cd.len() as u64 >= LIMIT {
            return Err(Error::ZipName("central directory too large".into()));
        }
        let end = end_record(
            self.entries.len() as u16,
            cd.len() as u32,
            self.offset as u32,
        );
        self.out.write_all(&cd).map_err(io)?;
        self.out.write_all(&end).map_err(io)?;
        self.out.flush().map_err(io)?;
        Ok(self.out)
    }
}

/// The fields every member shares: name, UTF-8 flag, times, attributes.
fn entry(name: &str, mode: u32, mtime: GoTime, method: u16) -> Entry {
    let (time, date) = go_dos_time(mtime);
    let mut extra = [0u8; 9];
    extra[..2].copy_from_slice(&0x5455u16.to_le_bytes());
    extra[2..4].copy_from_slice(&5u16.to_le_bytes());
    extra[4] = 1;
    extra[5..].copy_from_slice(&(mtime.unix as u32).to_le_bytes());
    Entry {
        name: name.as_bytes().to_vec(),
        version_needed: 20,
        flags: if needs_utf8_flag(name) { 0x800 } else { 0 },
        method,
        time,
        date,
        crc: 0,
        csize: 0,
        usize: 0,
        internal: 0,
        external: (mode << 16) | (mode & 0o200 == 0) as u32,
        extra: extra.to_vec(),
        offset: 0,
    }
}

/// Go sets the UTF-8 flag when a name has a character that is not
/// plain, portable ASCII: a control character, `~`, DEL, anything above
/// ASCII, or a backslash.
fn needs_utf8_flag(name: &str) -> bool {
    name.chars()
        .any(|c| (c as u32) < 0x20 || (c as u32) > 0x7d || c == '\\')
}

/// Go's `timeToMsDosTime`: the civil time in the value's zone, seconds
/// halved, the year counted from 1980 and everything truncated to 16 bits
/// (no clamping).
pub fn go_dos_time(t: GoTime) -> (u16, u16) {
    let local = t.unix + t.utc_offset as i64;
    let days = local.div_euclid(86400);
    let secs = local.rem_euclid(86400);
    let (y, m, d) = quorate_base::time::civil_from_days(days);
    let date = d as i64 + ((m as i64) << 5) + ((y - 1980) << 9);
    let time = secs % 60 / 2 + ((secs / 60 % 60) << 5) + ((secs / 3600) << 11);
    (time as u16, date as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_time_like_go() {
        // 2023-11-14 22:13:21 UTC: seconds round down.
        assert_eq!(go_dos_time(GoTime::utc(1_700_000_001)), (0xb1aa, 0x576e));
        // In a zone: the civil time there (values from Go 1.27.3 with
        // time.FixedZone).
        let t = |utc_offset| GoTime {
            unix: 1_700_000_123,
            utc_offset,
        };
        assert_eq!(go_dos_time(t(19_800)), (0x1dab, 0x576f));
        assert_eq!(go_dos_time(t(-28_800)), (0x71eb, 0x576e));
        // 1970 wraps (Go does not clamp): (1970-1980)<<9 + 1<<5 + 1.
        assert_eq!(go_dos_time(GoTime::utc(0)).1, ((-10i64 << 9) + 33) as u16);
    }

    #[test]
    fn utf8_flag() {
        assert!(!needs_utf8_flag("bin/tool_1.0-linux.amd64"));
        assert!(needs_utf8_flag("a~b"));
        assert!(needs_utf8_flag("caf\u{e9}"));
        assert!(needs_utf8_flag("a\\b"));
    }
}
