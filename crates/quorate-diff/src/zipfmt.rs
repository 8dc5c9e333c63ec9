//! A zip reader that accounts for every byte: the end record (and zip64
//! end record and locator), the central directory entries, and for each
//! entry its local header, data and data descriptor. What lies before the
//! first record, between records or after the end record is a gap, reported
//! by the engine. Local headers are read too: their name, method, sizes and
//! CRC are compared with the central directory (extractors differ in which
//! one they trust).

use std::ops::Range;

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    let b = d.get(o..o.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    let b = d.get(o..o.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(d: &[u8], o: usize) -> Option<u64> {
    let b = d.get(o..o.checked_add(8)?)?;
    let mut x = [0u8; 8];
    x.copy_from_slice(b);
    Some(u64::from_le_bytes(x))
}

/// A local file header and what follows it.
#[derive(Clone, Debug)]
pub struct Local {
    /// The 30-byte fixed part, name and extra field.
    pub header: Range<usize>,
    /// Name as stored in the local header.
    pub name: Vec<u8>,
    /// Local extra field.
    pub extra: Range<usize>,
    /// General purpose flags.
    pub flags: u16,
    /// Compression method.
    pub method: u16,
    /// CRC-32, compressed and uncompressed sizes (zero when in a descriptor).
    pub crc: u32,
    /// Compressed size.
    pub csize: u64,
    /// Uncompressed size.
    pub usize: u64,
    /// The compressed data (its length from the central directory).
    pub data: Range<usize>,
    /// The data descriptor, if flag bit 3 is set.
    pub descriptor: Range<usize>,
}

/// One central directory entry and its local record.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The central directory record.
    pub central: Range<usize>,
    /// Name as stored in the central directory.
    pub name: Vec<u8>,
    /// Version made by (high byte: host system, 3 = Unix).
    pub made_by: u16,
    /// General purpose flags.
    pub flags: u16,
    /// Compression method.
    pub method: u16,
    /// DOS time and date.
    pub dos_time: (u16, u16),
    /// CRC-32.
    pub crc: u32,
    /// Compressed size.
    pub csize: u64,
    /// Uncompressed size.
    pub usize: u64,
    /// External attributes (Unix mode in the high 16 bits).
    pub ext_attr: u32,
    /// Central extra field.
    pub extra: Range<usize>,
    /// Entry comment.
    pub comment: Range<usize>,
    /// The local record, when it could be read.
    pub local: Option<Local>,
    /// Why the local record could not be read.
    pub local_error: Option<String>,
}

impl Entry {
    /// Unix mode bits, when made on Unix.
    pub fn mode(&self) -> Option<u32> {
        (self.made_by >> 8 == 3 && self.ext_attr >> 16 != 0).then_some(self.ext_attr >> 16)
    }

    /// True for a folder entry.
    pub fn is_dir(&self) -> bool {
        self.name.ends_with(b"/")
    }

    /// The DOS time as text.
    pub fn mtime(&self) -> String {
        let (t, d) = self.dos_time;
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            1980 + (d >> 9),
            (d >> 5) & 15,
            d & 31,
            t >> 11,
            (t >> 5) & 63,
            (t & 31) * 2
        )
    }
}

/// A listed zip archive.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Entries in central directory order.
    pub entries: Vec<Entry>,
    /// The end of central directory record, comment included.
    pub eocd: Range<usize>,
    /// The zip64 end record and locator, if any.
    pub zip64: Range<usize>,
    /// The archive comment.
    pub comment: Range<usize>,
    /// Why reading failed (nothing is listed after that).
    pub error: Option<String>,
}

impl Listing {
    /// Every byte range the listing accounts for, sorted.
    pub fn parts(&self) -> Vec<Range<usize>> {
        let mut v = Vec::new();
        for e in &self.entries {
            v.push(e.central.clone());
            if let Some(l) = &e.local {
                v.push(l.header.start..l.descriptor.end.max(l.data.end));
            }
        }
        v.push(self.zip64.clone());
        v.push(self.eocd.clone());
        v.retain(|r| !r.is_empty());
        v.sort_by_key(|r| (r.start, r.end));
        v
    }

    /// Bytes no record accounts for: (range, what), `what` being `before`
    /// (before the first record), `between` or `after` (after the end record).
    pub fn gaps(&self, len: usize) -> Vec<(Range<usize>, &'static str)> {
        let mut out = Vec::new();
        let mut at = 0usize;
        let parts = self.parts();
        for (i, r) in parts.iter().enumerate() {
            if r.start > at {
                out.push((at..r.start, if i == 0 { "before" } else { "between" }));
            }
            at = at.max(r.end);
        }
        if at < len {
            out.push((at..len, "after"));
        }
        out
    }
}

/// Finds the end record: the last signature whose central directory fits
/// right before it (a fake one in appended data does not fit).
fn find_eocd(d: &[u8]) -> Option<usize> {
    if d.len() < 22 {
        return None;
    }
    let lowest = d.len().saturating_sub(22 + 65_535 + 65_536);
    let mut i = d.len() - 22;
    loop {
        if &d[i..i + 4] == b"PK\x05\x06" {
            let cd_size = u32_at(d, i + 12)? as usize;
            let cd_off = u32_at(d, i + 16)? as usize;
            let z64 = cd_size == 0xffff_ffff || cd_off == 0xffff_ffff;
            if z64
                || cd_off.checked_add(cd_size) == Some(i)
                || (i >= 20 && &d[i - 20..i - 16] == b"PK\x06\x07")
            {
                return Some(i);
            }
        }
        if i == lowest {
            return None;
        }
        i -= 1;
    }
}

/// Lists a zip archive, at most `max` entries.
pub fn list(d: &[u8], max: usize) -> Listing {
    let mut l = Listing::default();
    let Some(e) = find_eocd(d) else {
        l.error = Some("no end of central directory record".into());
        return l;
    };
    let clen = usize::from(u16_at(d, e + 20).unwrap_or(0));
    let cend = (e + 22).saturating_add(clen).min(d.len());
    l.eocd = e..cend;
    l.comment = (e + 22).min(cend)..cend;
    let mut count = u64::from(u16_at(d, e + 10).unwrap_or(0));
    let mut cd_size = u64::from(u32_at(d, e + 12).unwrap_or(0));
    let mut cd_off = u64::from(u32_at(d, e + 16).unwrap_or(0));
    let mut cd_end = e;
    if e >= 20 && &d[e - 20..e - 16] == b"PK\x06\x07" {
        let z = u64_at(d, e - 12).and_then(|z| usize::try_from(z).ok());
        match z.filter(|&z| z < e - 20 && d.get(z..z + 4) == Some(b"PK\x06\x06")) {
            Some(z) => {
                count = u64_at(d, z + 32).unwrap_or(0);
                cd_size = u64_at(d, z + 40).unwrap_or(0);
                cd_off = u64_at(d, z + 48).unwrap_or(0);
                l.zip64 = z..e;
                cd_end = z;
            }
            None => {
                l.error = Some("bad zip64 end record locator".into());
                return l;
            }
        }
    }
    let (Ok(cd_off), Ok(cd_size)) = (usize::try_from(cd_off), usize::try_from(cd_size)) else {
        l.error = Some("central directory offset out of range".into());
        return l;
    };
    if cd_off.checked_add(cd_size) != Some(cd_end) {
        l.error = Some(format!(
            "central directory ({cd_size} bytes at {cd_off:#x}) does not end at the end record ({cd_end:#x})"
        ));
        return l;
    }
    let mut p = cd_off;
    while p < cd_end {
        if l.entries.len() >= max {
            l.error = Some(format!("more than {max} entries; the rest is not compared"));
            return l;
        }
        match central(d, p, cd_end) {
            Some(en) => {
                p = en.central.end;
                l.entries.push(en);
            }
            None => {
                l.error = Some(format!("bad central directory entry at {p:#x}"));
                return l;
            }
        }
    }
    if l.entries.len() as u64 != count {
        l.error = Some(format!(
            "the end record counts {count} entries, the central directory holds {}",
            l.entries.len()
        ));
    }
    l
}

fn central(d: &[u8], p: usize, end: usize) -> Option<Entry> {
    if d.get(p..p + 4)? != b"PK\x01\x02" {
        return None;
    }
    let nlen = usize::from(u16_at(d, p + 28)?);
    let xlen = usize::from(u16_at(d, p + 30)?);
    let clen = usize::from(u16_at(d, p + 32)?);
    let n0 = p + 46;
    let x0 = n0 + nlen;
    let c0 = x0 + xlen;
    let c1 = c0 + clen;
    if c1 > end {
        return None;
    }
    let mut csize = u64::from(u32_at(d, p + 20)?);
    let mut usize_ = u64::from(u32_at(d, p + 24)?);
    let mut off = u64::from(u32_at(d, p + 42)?);
    // zip64 extra: the 0xffffffff fields, in order usize, csize, offset.
    let mut q = x0;
    while q + 4 <= c0 {
        let id = u16_at(d, q)?;
        let n = usize::from(u16_at(d, q + 2)?);
        if id == 1 {
            let mut r = q + 4;
            for f in [&mut usize_, &mut csize, &mut off] {
                if *f == 0xffff_ffff && r + 8 <= q + 4 + n {
                    *f = u64_at(d, r)?;
                    r += 8;
                }
            }
        }
        q = q.checked_add(4 + n)?;
    }
    let mut en = Entry {
        central: p..c1,
        name: d[n0..x0].to_vec(),
        made_by: u16_at(d, p + 4)?,
        flags: u16_at(d, p + 8)?,
        method: u16_at(d, p + 10)?,
        dos_time: (u16_at(d, p + 12)?, u16_at(d, p + 14)?),
        crc: u32_at(d, p + 16)?,
        csize,
        usize: usize_,
        ext_attr: u32_at(d, p + 38)?,
        extra: x0..c0,
        comment: c0..c1,
        local: None,
        local_error: None,
    };
    match usize::try_from(off).ok().and_then(|o| local(d, o, &en)) {
        Some(l) => en.local = Some(l),
        None => en.local_error = Some(format!("no valid local header at {off:#x}")),
    }
    Some(en)
}

fn local(d: &[u8], p: usize, c: &Entry) -> Option<Local> {
    if d.get(p..p.checked_add(4)?)? != b"PK\x03\x04" {
        return None;
    }
    let nlen = usize::from(u16_at(d, p + 26)?);
    let xlen = usize::from(u16_at(d, p + 28)?);
    let n0 = p + 30;
    let x0 = n0 + nlen;
    let data0 = x0 + xlen;
    let data1 = data0.checked_add(usize::try_from(c.csize).ok()?)?;
    if data1 > d.len() {
        return None;
    }
    let flags = u16_at(d, p + 6)?;
    let mut desc = data1..data1;
    if flags & 8 != 0 {
        let sig = d.get(data1..data1 + 4) == Some(b"PK\x07\x08");
        let base = if sig { 4 } else { 0 };
        let zip64 = c.csize > 0xffff_ffff || c.usize > 0xffff_ffff;
        let n = base + if zip64 { 20 } else { 12 };
        if data1 + n <= d.len() {
            desc = data1..data1 + n;
        }
    }
    Some(Local {
        header: p..data0,
        name: d[n0..x0].to_vec(),
        extra: x0..data0,
        flags,
        method: u16_at(d, p + 8)?,
        crc: u32_at(d, p + 14)?,
        csize: u64::from(u32_at(d, p + 18)?),
        usize: u64::from(u32_at(d, p + 22)?),
        data: data0..data1,
        descriptor: desc,
    })
}

/// How the local header disagrees with the central directory, if it does
/// (name, method, sizes, CRC; flag bit 3 moves CRC and sizes to the
/// descriptor, which is then compared instead).
pub fn mismatch(d: &[u8], e: &Entry) -> Option<String> {
    let Some(l) = &e.local else {
        return e.local_error.clone();
    };
    let mut v = Vec::new();
    if l.name != e.name {
        v.push(format!(
            "local name {:?}, central name {:?}",
            crate::names::display_name(&l.name),
            crate::names::display_name(&e.name)
        ));
    }
    if l.method != e.method {
        v.push(format!(
            "local method {}, central method {}",
            l.method, e.method
        ));
    }
    let (crc, cs, us) = if l.flags & 8 != 0 && !l.descriptor.is_empty() {
        let s = &d[l.descriptor.clone()];
        let s = if s.starts_with(b"PK\x07\x08") {
            &s[4..]
        } else {
            s
        };
        let wide = s.len() == 20;
        let get = |o: usize| {
            if wide {
                u64_at(s, o)
            } else {
                u32_at(s, o).map(u64::from)
            }
        };
        (
            u32_at(s, 0).unwrap_or(0),
            get(4).unwrap_or(0),
            get(if wide { 12 } else { 8 }).unwrap_or(0),
        )
    } else if l.csize == 0xffff_ffff || l.usize == 0xffff_ffff {
        (l.crc, e.csize, e.usize) // zip64 sizes in the local extra
    } else {
        (l.crc, l.csize, l.usize)
    };
    if crc != e.crc || cs != e.csize || us != e.usize {
        v.push(format!(
            "local CRC {crc:08x}, sizes {cs}/{us}; central CRC {:08x}, sizes {}/{}",
            e.crc, e.csize, e.usize
        ));
    }
    (!v.is_empty()).then(|| v.join("; "))
}
