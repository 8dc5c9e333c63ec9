//! The zip records both zip writers ([`crate::zip`], [`crate::gozip`])
//! write (APPNOTE 4.3): a member's local header, its central-directory
//! entry and the end record, without zip64; and the names both accept. What differs between the
//! tools (versions, flags, extra fields, descriptors) is the caller's.

use crate::Error;

/// One member as both of its headers describe it.
pub(crate) struct Entry {
    pub(crate) name: Vec<u8>,
    pub(crate) version_needed: u16,
    pub(crate) flags: u16,
    pub(crate) method: u16,
    pub(crate) time: u16,
    pub(crate) date: u16,
    pub(crate) crc: u32,
    pub(crate) csize: u32,
    pub(crate) usize: u32,
    pub(crate) internal: u16,
    pub(crate) external: u32,
    /// The extra field, the same in both headers.
    pub(crate) extra: Vec<u8>,
    /// Where the local header starts.
    pub(crate) offset: u32,
}

fn put16(out: &mut Vec<u8>, values: &[u16]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn put32(out: &mut Vec<u8>, values: &[u32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

impl Entry {
    /// The local header; with `sizes` false, CRC and sizes are zero (a
    /// data descriptor after the data gives them).
    pub(crate) fn local_header(&self, sizes: bool) -> Vec<u8> {
        let mut h = Vec::with_capacity(30 + self.name.len() + self.extra.len());
        put32(&mut h, &[0x0403_4b50]);
        let e = self;
        put16(
            &mut h,
            &[e.version_needed, e.flags, e.method, e.time, e.date],
        );
        put32(
            &mut h,
            &if sizes {
                [e.crc, e.csize, e.usize]
            } else {
                [0; 3]
            },
        );
        put16(&mut h, &[e.name.len() as u16, e.extra.len() as u16]);
        h.extend_from_slice(&e.name);
        h.extend_from_slice(&e.extra);
        h
    }

    /// Appends the central-directory entry to `cd`; `made_by` is the
    /// "version made by" field (host system and version).
    pub(crate) fn central(&self, made_by: u16, cd: &mut Vec<u8>) {
        let e = self;
        put32(cd, &[0x0201_4b50]);
        put16(
            cd,
            &[made_by, e.version_needed, e.flags, e.method, e.time, e.date],
        );
        put32(cd, &[e.crc, e.csize, e.usize]);
        put16(
            cd,
            &[e.name.len() as u16, e.extra.len() as u16, 0, 0, e.internal],
        );
        put32(cd, &[e.external, e.offset]);
        cd.extend_from_slice(&e.name);
        cd.extend_from_slice(&e.extra);
    }
}

/// The end of central directory record: `n` members, the central
/// directory's length and offset, no comment.
pub(crate) fn end_record(n: u16, cd_len: u32, cd_offset: u32) -> Vec<u8> {
    let mut end = Vec::with_capacity(22);
    put32(&mut end, &[0x0605_4b50]);
    put16(&mut end, &[0, 0, n, n]);
    put32(&mut end, &[cd_len, cd_offset]);
    put16(&mut end, &[0]);
    end
}

/// Names must be relative and fit the 16-bit length field; only a
/// directory's ends in `/`.
pub(crate) fn check_name(name: &str, dir: bool) -> Result<(), Error> {
    let bad = name.is_empty()
        || name.len() > 0xffff
        || name.starts_with('/')
        || name.contains('\0')
        || name.split('/').any(|c| c == "..")
        || (!dir && name.ends_with('/'));
    if bad {
        return Err(Error::ZipName(name.to_string()));
    }
    Ok(())
}

/// An I/O error of the underlying writer.
pub(crate) fn io(e: std::io::Error) -> Error {
    Error::Io(e.to_string())
}
