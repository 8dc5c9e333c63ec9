//! A minimal zip writer with every field fixed by quorate.
//!
//! Each entry: "version made by" Unix / 3.0 (what Info-ZIP writes), no extra
//! fields, no comments, no data descriptors, a fixed DOS date and time
//! derived from the archive mtime, the Unix mode (with file type) in the
//! external attributes. Files are deflated with the same parallel,
//! fixed-block compressor as `.tar.gz` (see [`super::deflate`]); folders,
//! symbolic links (the target as content, as Info-ZIP stores them) and empty
//! files are stored. Zip64 is not written: an archive needing it (an entry
//! or the archive over 4 GiB, more than 65,535 entries) is refused.

use std::io::{self, Seek, SeekFrom, Write};

use super::deflate::{Packer, ParDeflate};

const LIMIT32: u64 = 0xFFFF_FFFE;
const MADE_BY: u16 = (3 << 8) | 30;

/// MS-DOS date and time of `mtime` (seconds since the epoch, UTC), as
/// `(time, date)`. Clamped to the DOS range 1980-01-01 to 2107-12-31;
/// seconds are rounded down to even.
pub(crate) fn dos_time(mtime: u64) -> (u16, u16) {
    let secs = mtime % 86_400;
    let (year, month, day) = quorate_base::time::civil_from_days((mtime / 86_400) as i64);
    let (month, day) = (u64::from(month), u64::from(day));
    if year < 1980 {
        return (0, (1 << 5) | 1);
    }
    if year > 2107 {
        return ((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31);
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let time = (h << 11) | (m << 5) | (s / 2);
    let date = (((year - 1980) as u64) << 9) | (month << 5) | day;
    (time as u16, date as u16)
}

/// Why an entry could not be added.
#[derive(Debug)]
pub(crate) enum ZipFail<E> {
    /// Writing failed.
    Io(io::Error),
    /// The content callback failed.
    Fill(E),
    /// Zip64 would be needed.
    TooLarge(&'static str),
}

impl<E> From<io::Error> for ZipFail<E> {
    fn from(e: io::Error) -> Self {
        ZipFail::Io(e)
    }
}

struct Central {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    needed: u16,
    crc: u32,
    csize: u32,
    usize: u32,
    attrs: u32,
    offset: u32,
}

/// A zip archive being written into `W`.
pub(crate) struct ZipWriter<W: Write + Seek> {
    out: W,
    pos: u64,
    time: u16,
    date: u16,
    packer: Packer,
    entries: Vec<Central>,
}

impl<W: Write + Seek> ZipWriter<W> {
    pub(crate) fn new(out: W, mtime: u64, packer: Packer) -> Self {
        let (time, date) = dos_time(mtime);
        Self {
            out,
            pos: 0,
            time,
            date,
            packer,
            entries: Vec::new(),
        }
    }

    fn local_header(&mut self, e: &Central) -> io::Result<()> {
        let mut h = Vec::with_capacity(30 + e.name.len());
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&e.needed.to_le_bytes());
        h.extend_from_slice(&e.flags.to_le_bytes());
        h.extend_from_slice(&e.method.to_le_bytes());
        h.extend_from_slice(&self.time.to_le_bytes());
        h.extend_from_slice(&self.date.to_le_bytes());
        h.extend_from_slice(&e.crc.to_le_bytes());
        h.extend_from_slice(&e.csize.to_le_bytes());
        h.extend_from_slice(&e.usize.to_le_bytes());
        h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&e.name);
        self.out.write_all(&h)?;
        self.pos += h.len() as u64;
        Ok(())
    }

    fn begin<E>(&mut self, name: &str, method: u16, attrs: u32) -> Result<Central, ZipFail<E>> {
        if self.entries.len() >= 0xFFFF {
            return Err(ZipFail::TooLarge("more than 65,535 entries"));
        }
        if name.len() > 0xFFFF {
            return Err(ZipFail::TooLarge("a name longer than 65,535 bytes"));
        }
        let offset = u32::try_from(self.pos)
            .ok()
            .filter(|&o| u64::from(o) <= LIMIT32)
            .ok_or(ZipFail::TooLarge("the archive over 4 GiB"))?;
        Ok(Central {
            name: name.as_bytes().to_vec(),
            flags: if name.is_ascii() { 0 } else { 1 << 11 },
            method,
            needed: if method == 8 { 20 } else { 10 },
            crc: 0,
            csize: 0,
            usize: 0,
            attrs,
            offset,
        })
    }

    /// Adds a stored entry with `data` (folders, links, empty files).
    pub(crate) fn add_stored<E>(
        &mut self,
        name: &str,
        unix_mode: u32,
        data: &[u8],
    ) -> Result<(), ZipFail<E>> {
        let dos = if unix_mode & 0o170000 == 0o040000 {
            0x10
        } else {
            0
        };
        let mut e = self.begin(name, 0, (unix_mode << 16) | dos)?;
        let mut crc = flate2::Crc::new();
        crc.update(data);
        e.crc = crc.sum();
        e.csize = data.len() as u32;
        e.usize = data.len() as u32;
        self.local_header(&e)?;
        self.out.write_all(data)?;
        self.pos += data.len() as u64;
        self.entries.push(e);
        Ok(())
    }

    /// Adds a deflated file of `len` bytes whose content `fill` writes.
    pub(crate) fn add_deflated<E>(
        &mut self,
        name: &str,
        unix_mode: u32,
        len: u64,
        fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
    ) -> Result<(), ZipFail<E>> {
        if len > LIMIT32 {
            return Err(ZipFail::TooLarge("a file over 4 GiB"));
        }
        let mut e = self.begin(name, 8, unix_mode << 16)?;
        let header_at = self.pos;
        self.local_header(&e)?;
        let mut z = ParDeflate::new(&mut self.out, self.packer);
        fill(&mut z).map_err(ZipFail::Fill)?;
        let (_, s) = z.finish()?;
        if s.out_len > LIMIT32 || self.pos + s.out_len > LIMIT32 {
            return Err(ZipFail::TooLarge("the archive over 4 GiB"));
        }
        e.crc = s.crc;
        e.csize = s.out_len as u32;
        e.usize = s.in_len as u32;
        self.pos += s.out_len;
        // Patch CRC and sizes into the local header.
        self.out.seek(SeekFrom::Start(header_at + 14))?;
        let mut patch = Vec::with_capacity(12);
        patch.extend_from_slice(&e.crc.to_le_bytes());
        patch.extend_from_slice(&e.csize.to_le_bytes());
        patch.extend_from_slice(&e.usize.to_le_bytes());
        self.out.write_all(&patch)?;
        self.out.seek(SeekFrom::Start(self.pos))?;
        self.entries.push(e);
        Ok(())
    }

    /// Writes the central directory and its end record; returns the writer.
    pub(crate) fn finish<E>(mut self) -> Result<W, ZipFail<E>> {
        let cd_start = self.pos;
        let mut cd = Vec::new();
        for e in &self.entries {
            cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            cd.extend_from_slice(&MADE_BY.to_le_bytes());
            cd.extend_from_slice(&e.needed.to_le_bytes());
            cd.extend_from_slice(&e.flags.to_le_bytes());
            cd.extend_from_slice(&e.method.to_le_bytes());
            cd.extend_from_slice(&self.time.to_le_bytes());
            cd.extend_from_slice(&self.date.to_le_bytes());
            cd.extend_from_slice(&e.crc.to_le_bytes());
            cd.extend_from_slice(&e.csize.to_le_bytes());
            cd.extend_from_slice(&e.usize.to_le_bytes());
            cd.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            cd.extend_from_slice(&[0; 8]); // extra len, comment len, disk, internal attrs
            cd.extend_from_slice(&e.attrs.to_le_bytes());
            cd.extend_from_slice(&e.offset.to_le_bytes());
            cd.extend_from_slice(&e.name);
        }
        if cd_start + cd.len() as u64 > LIMIT32 {
            return Err(ZipFail::TooLarge("the archive over 4 GiB"));
        }
        let n = self.entries.len() as u16;
        let cd_len = cd.len() as u32;
        cd.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        cd.extend_from_slice(&[0; 4]); // this disk, disk with the directory
        cd.extend_from_slice(&n.to_le_bytes());
        cd.extend_from_slice(&n.to_le_bytes());
        cd.extend_from_slice(&cd_len.to_le_bytes());
        cd.extend_from_slice(&(cd_start as u32).to_le_bytes());
        cd.extend_from_slice(&0u16.to_le_bytes()); // comment length
        self.out.write_all(&cd)?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_times() {
        // 2024-02-29 13:45:31 UTC
        let (t, d) = dos_time(1_709_214_331);
        assert_eq!((d >> 9) + 1980, 2024);
        assert_eq!((d >> 5) & 0xF, 2);
        assert_eq!(d & 0x1F, 29);
        assert_eq!((t >> 11, (t >> 5) & 0x3F, (t & 0x1F) * 2), (13, 45, 30));
        // Before 1980: clamped to 1980-01-01 00:00:00.
        assert_eq!(dos_time(0), (0, 0x21));
        // 1980-01-01 exactly.
        assert_eq!(dos_time(315_532_800), (0, 0x21));
    }
}
