//! Containers read in memory, never extracted, never trusted: gzip (header
//! and bounded inflate), tar (member headers, data sliced from the input),
//! zip (central directory, bounded inflate).

use std::io::Read;

pub use crate::detect::Kind;

/// The fields of a gzip member header.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct GzipHeader {
    /// MTIME field.
    pub mtime: u32,
    /// FNAME, if present.
    pub name: Option<Vec<u8>>,
    /// FCOMMENT, if present.
    pub comment: Option<Vec<u8>>,
    /// FEXTRA's data (without its length), if present.
    pub extra: Option<Vec<u8>>,
    /// FHCRC: the 16-bit value that ends the header, if present.
    pub header_crc: Option<u16>,
    /// XFL byte (2 = best compression, 4 = fastest).
    pub xfl: u8,
    /// OS byte.
    pub os: u8,
    /// Length of the header in bytes (where the deflate data starts).
    pub len: usize,
}

/// Parses a gzip header; None when malformed.
pub fn gzip_header(d: &[u8]) -> Option<GzipHeader> {
    if d.len() < 10 || d[0] != 0x1f || d[1] != 0x8b || d[2] != 8 {
        return None;
    }
    let flg = d[3];
    let mut h = GzipHeader {
        mtime: u32::from_le_bytes([d[4], d[5], d[6], d[7]]),
        xfl: d[8],
        os: d[9],
        ..Default::default()
    };
    let mut p = 10usize;
    if flg & 4 != 0 {
        let xlen = usize::from(u16::from_le_bytes([*d.get(p)?, *d.get(p + 1)?]));
        h.extra = Some(d.get(p + 2..p + 2 + xlen)?.to_vec());
        p += 2 + xlen;
    }
    let zstr = |p: &mut usize| -> Option<Vec<u8>> {
        let rest = d.get(*p..)?;
        let n = rest.iter().position(|&b| b == 0)?;
        let s = rest[..n].to_vec();
        *p += n + 1;
        Some(s)
    };
    if flg & 8 != 0 {
        h.name = Some(zstr(&mut p)?);
    }
    if flg & 16 != 0 {
        h.comment = Some(zstr(&mut p)?);
    }
    if flg & 2 != 0 {
        h.header_crc = Some(u16::from_le_bytes([*d.get(p)?, *d.get(p + 1)?]));
        p += 2;
    }
    if p > d.len() {
        return None;
    }
    h.len = p;
    Some(h)
}

/// Why a stream could not be fully read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inflate {
    /// The output would pass the limit (a bomb, or just too big).
    TooBig(u64),
    /// Memory ran out while inflating (after this many bytes): a limit,
    /// not corruption.
    OutOfMemory(u64),
    /// The stream is corrupt or truncated.
    Corrupt(String),
}

impl std::fmt::Display for Inflate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Inflate::TooBig(l) => write!(f, "too large to inflate within the cap ({l} bytes)"),
            Inflate::OutOfMemory(n) => write!(
                f,
                "out of memory while inflating (after {n} bytes): not decompressed"
            ),
            Inflate::Corrupt(e) => write!(f, "corrupt: {e}"),
        }
    }
}

/// Decompresses a gzip stream (all members), refusing more than `limit`
/// bytes; bytes after the last member are ignored (see [`gunzip_members`]).
pub fn gunzip(data: &[u8], limit: u64) -> Result<Vec<u8>, Inflate> {
    gunzip_members(data, limit).map(|g| g.data)
}

/// One member of a gzip stream.
#[derive(Clone, Debug)]
pub struct GzMember {
    /// Where the member starts.
    pub start: usize,
    /// Its header.
    pub header: GzipHeader,
    /// The deflate data.
    pub deflate: std::ops::Range<usize>,
    /// CRC-32 and ISIZE (checked against the inflated bytes).
    pub trailer: std::ops::Range<usize>,
}

/// A gzip stream, inflated: its members, the content, and where the last
/// member ends (what follows is appended data).
#[derive(Clone, Debug)]
pub struct Gunzipped {
    /// The members, in order.
    pub members: Vec<GzMember>,
    /// The inflated content of all members.
    pub data: Vec<u8>,
    /// Offset just past the last member's trailer.
    pub end: usize,
}

/// Inflates every member of a gzip stream within `limit` output bytes,
/// checking each trailer. Stops at the first byte that does not start a
/// valid member after at least one (appended data); fails if the first
/// member is bad. Allocation failures are [`Inflate::OutOfMemory`], never
/// corruption.
pub fn gunzip_members(d: &[u8], limit: u64) -> Result<Gunzipped, Inflate> {
    let mut g = Gunzipped {
        members: Vec::new(),
        data: Vec::new(),
        end: 0,
    };
    let mut pos = 0usize;
    loop {
        match gz_member(d, pos, limit, &mut g.data) {
            Ok(m) => {
                pos = m.trailer.end;
                g.end = pos;
                g.members.push(m);
            }
            Err(e) if g.members.is_empty() => return Err(e),
            Err(Inflate::Corrupt(_)) => break,
            Err(e) => return Err(e),
        }
        if pos >= d.len() || !d[pos..].starts_with(&[0x1f, 0x8b]) {
            break;
        }
    }
    Ok(g)
}

fn gz_member(d: &[u8], pos: usize, limit: u64, out: &mut Vec<u8>) -> Result<GzMember, Inflate> {
    let corrupt = |m: &str| Inflate::Corrupt(format!("{m} (gzip member at {pos:#x})"));
    let rest = d.get(pos..).unwrap_or(&[]);
    let header = gzip_header(rest).ok_or_else(|| corrupt("bad header"))?;
    let s = pos + header.len;
    let first = out.len();
    let mut z = flate2::Decompress::new(false);
    loop {
        let total = out.len() as u64;
        if total > limit {
            out.truncate(first);
            return Err(Inflate::TooBig(limit));
        }
        if out.len() == out.capacity() {
            let room = (limit + 1 - total).clamp(1, 1 << 20);
            let room = usize::try_from(room).unwrap_or(1 << 20);
            if out.try_reserve(room).is_err() {
                return Err(Inflate::OutOfMemory(total));
            }
        }
        let (in0, out0) = (z.total_in(), out.len());
        let at = s
            .checked_add(usize::try_from(z.total_in()).map_err(|_| corrupt("too long"))?)
            .ok_or_else(|| corrupt("too long"))?;
        let input = d.get(at..).unwrap_or(&[]);
        let st = z
            .decompress_vec(input, out, flate2::FlushDecompress::None)
            .map_err(|e| corrupt(&e.to_string()))?;
        if st == flate2::Status::StreamEnd {
            break;
        }
        if z.total_in() == in0 && out.len() == out0 && out.len() < out.capacity() {
            return Err(corrupt("truncated deflate data"));
        }
    }
    let dend = s + usize::try_from(z.total_in()).map_err(|_| corrupt("too long"))?;
    let t = d
        .get(dend..dend + 8)
        .ok_or_else(|| corrupt("truncated trailer"))?;
    let mut crc = flate2::Crc::new();
    crc.update(&out[first..]);
    let want_crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
    let want_len = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
    if crc.sum() != want_crc || (out.len() - first) as u32 != want_len {
        return Err(corrupt("CRC or length mismatch"));
    }
    Ok(GzMember {
        start: pos,
        header,
        deflate: s..dend,
        trailer: dend..dend + 8,
    })
}

/// Inflates a raw deflate stream (a zip member), refusing more than `limit` bytes.
pub fn inflate_raw(data: &[u8], limit: u64) -> Result<Vec<u8>, Inflate> {
    read_limited(flate2::read::DeflateDecoder::new(data), limit, data.len())
}

fn read_limited(r: impl Read, limit: u64, hint: usize) -> Result<Vec<u8>, Inflate> {
    let mut out = Vec::new();
    let want = hint
        .saturating_mul(3)
        .min(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(64 << 20);
    if out.try_reserve(want).is_err() {
        return Err(Inflate::OutOfMemory(want as u64));
    }
    match r.take(limit.saturating_add(1)).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > limit => Err(Inflate::TooBig(limit)),
        Ok(_) => Ok(out),
        // read_to_end reserves with try_reserve: an allocation failure is
        // not corruption.
        Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => {
            Err(Inflate::OutOfMemory(out.len() as u64))
        }
        Err(e) => Err(Inflate::Corrupt(e.to_string())),
    }
}

/// One archive member.
#[derive(Clone, Debug)]
pub struct Member<'a> {
    /// Name as stored (lossy UTF-8).
    pub name: String,
    /// Entry type: `file`, `dir`, `symlink`, `hardlink`, `other`.
    pub kind: &'static str,
    /// Mode bits.
    pub mode: Option<u32>,
    /// uid/gid and names (tar).
    pub owner: Option<String>,
    /// mtime as text (tar: seconds; zip: DOS date-time).
    pub mtime: Option<String>,
    /// Link target.
    pub link: Option<String>,
    /// Zip: the extra field bytes, hex.
    pub extra: Option<String>,
    /// Zip: method and compressed size.
    pub compression: Option<String>,
    /// Zip: compressed bytes (to tell recompression).
    pub raw: &'a [u8],
    /// Tar: the PAX records that apply.
    pub pax: Vec<(String, Vec<u8>)>,
    /// The member's bytes.
    pub data: Data<'a>,
}

/// A member's content: borrowed from the archive or inflated.
#[derive(Clone, Debug)]
pub enum Data<'a> {
    /// Slice of the container.
    Borrowed(&'a [u8]),
    /// Inflated.
    Owned(Vec<u8>),
    /// Not read (limit or error), with why.
    Skipped(String),
}

impl Data<'_> {
    /// The bytes, if read.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Data::Borrowed(b) => Some(b),
            Data::Owned(v) => Some(v),
            Data::Skipped(_) => None,
        }
    }
}

/// Lists a tar archive; the error (if any) tells where reading stopped.
pub fn tar_members(data: &[u8], max_members: usize) -> (Vec<Member<'_>>, Option<String>) {
    let l = crate::tarfmt::list(data, max_members);
    let out = l
        .entries
        .iter()
        .map(|e| {
            let h = &data[e.main.header..e.main.header + 512];
            let num = |r: std::ops::Range<usize>| crate::tarfmt::number(&h[r]);
            let txt = |k: &str| e.pax(k).map(|v| String::from_utf8_lossy(v).into_owned());
            let s = |r: std::ops::Range<usize>| {
                String::from_utf8_lossy(crate::tarfmt::cstr(&h[r])).into_owned()
            };
            let owner = format!(
                "{}:{} ({}:{})",
                txt("uid").unwrap_or_else(|| num(108..116).unwrap_or(0).to_string()),
                txt("gid").unwrap_or_else(|| num(116..124).unwrap_or(0).to_string()),
                txt("uname").unwrap_or_else(|| s(265..297)),
                txt("gname").unwrap_or_else(|| s(297..329)),
            );
            let kind = match crate::tarfmt::kind(e.main.typeflag) {
                "file" => "file",
                "dir" => "dir",
                "symlink" => "symlink",
                "hardlink" => "hardlink",
                _ => "other",
            };
            Member {
                name: String::from_utf8_lossy(&e.name).into_owned(),
                kind,
                mode: num(100..108).and_then(|m| u32::try_from(m).ok()),
                owner: Some(owner),
                mtime: txt("mtime").or_else(|| num(136..148).map(|m| m.to_string())),
                link: (!e.link.is_empty()).then(|| String::from_utf8_lossy(&e.link).into_owned()),
                extra: None,
                compression: None,
                raw: &[],
                pax: e.pax.clone(),
                data: Data::Borrowed(&data[e.main.data.clone()]),
            }
        })
        .collect();
    (out, l.error)
}

/// Lists a zip archive, inflating members within `budget` bytes in all.
pub fn zip_members<'a>(
    data: &'a [u8],
    max_members: usize,
    budget: &mut u64,
) -> (Vec<Member<'a>>, Option<String>) {
    let l = crate::zipfmt::list(data, max_members);
    let mut out = Vec::new();
    for e in &l.entries {
        let raw = e
            .local
            .as_ref()
            .map(|x| &data[x.data.clone()])
            .unwrap_or(&[]);
        let dat = match &e.local {
            _ if e.is_dir() => Data::Owned(Vec::new()),
            None => Data::Skipped(e.local_error.clone().unwrap_or_default()),
            Some(_) if e.usize > *budget => Data::Skipped(format!(
                "too large to inflate within the cap (declared size {} bytes, {} bytes left)",
                e.usize, *budget
            )),
            Some(_) if e.method == 0 && raw.len() as u64 > *budget => Data::Skipped(format!(
                "too large to read within the cap ({} bytes, {} bytes left)",
                raw.len(),
                *budget
            )),
            Some(_) => {
                let d = zip_data(raw, e.method, e.usize, *budget);
                if let Some(v) = d.bytes() {
                    *budget = budget.saturating_sub(v.len() as u64);
                }
                d
            }
        };
        let local_extra = e
            .local
            .as_ref()
            .map(|x| &data[x.extra.clone()])
            .unwrap_or(&[]);
        out.push(Member {
            name: String::from_utf8_lossy(&e.name).into_owned(),
            kind: if e.is_dir() { "dir" } else { "file" },
            mode: e.mode(),
            owner: None,
            mtime: Some(e.mtime()),
            link: None,
            extra: Some(
                if local_extra.is_empty() || local_extra == &data[e.extra.clone()] {
                    zip_extra(&data[e.extra.clone()])
                } else {
                    format!(
                        "{} (local: {})",
                        zip_extra(&data[e.extra.clone()]),
                        zip_extra(local_extra)
                    )
                },
            ),
            compression: Some(format!("method {}, {} bytes", e.method, e.csize)),
            raw,
            pax: Vec::new(),
            data: dat,
        });
    }
    (out, l.error)
}

/// A zip member's content from its raw bytes: stored, inflated within
/// `limit` (and never past its `declared` size), or why not.
pub fn zip_data(raw: &[u8], method: u16, declared: u64, limit: u64) -> Data<'_> {
    match method {
        0 => Data::Borrowed(raw),
        8 => {
            if declared > limit {
                return Data::Skipped(format!(
                    "too large to inflate within the cap (declared size {declared} bytes, {limit} bytes left)"
                ));
            }
            match inflate_raw(raw, declared) {
                Ok(v) => Data::Owned(v),
                Err(Inflate::TooBig(_)) => Data::Skipped(format!(
                    "member inflates past its declared size ({declared} bytes)"
                )),
                Err(e) => Data::Skipped(e.to_string()),
            }
        }
        m => Data::Skipped(format!("compression method {m} is not read")),
    }
}

/// Zip extra fields, named: `UT extended timestamp (…), ux uid/gid (…)`.
pub fn zip_extra(d: &[u8]) -> String {
    if d.is_empty() {
        return "(none)".into();
    }
    let mut out = Vec::new();
    let mut p = 0usize;
    while p + 4 <= d.len() && out.len() < 16 {
        let id = u16::from_le_bytes([d[p], d[p + 1]]);
        let n = usize::from(u16::from_le_bytes([d[p + 2], d[p + 3]]));
        let body = &d[(p + 4).min(d.len())..(p + 4 + n).min(d.len())];
        let name = match id {
            0x5455 => "UT extended timestamp",
            0x7875 => "ux uid/gid",
            0x5855 => "UX Info-ZIP unix (old)",
            0x000a => "NTFS times",
            0x0001 => "zip64",
            _ => "field",
        };
        out.push(format!("{name} {id:#06x} [{}]", hex(body)));
        p += 4 + n;
    }
    if p < d.len() {
        out.push(format!("trailing [{}]", hex(&d[p..])));
    }
    out.join(", ")
}

/// Lowercase hex of bytes (capped at 64 bytes, then `…`).
pub fn hex(b: &[u8]) -> String {
    let mut s: String = b.iter().take(64).map(|x| format!("{x:02x}")).collect();
    if b.len() > 64 {
        s.push('…');
    }
    s
}

pub use crate::names::{display_name, escape_text, is_hidden_char};

/// True when an archive member name could escape the extraction folder.
pub fn unsafe_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.get(1..3) == Some(":\\")
        || name.split(['/', '\\']).any(|c| c == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader whose allocation fails, as `read_to_end` reports it.
    struct Oom;
    impl Read for Oom {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::OutOfMemory.into())
        }
    }

    #[test]
    fn out_of_memory_is_not_corruption() {
        assert_eq!(read_limited(Oom, 1 << 20, 16), Err(Inflate::OutOfMemory(0)));
        let e = Inflate::OutOfMemory(0).to_string();
        assert!(e.contains("out of memory") && !e.contains("corrupt"), "{e}");
        assert!(
            Inflate::TooBig(9)
                .to_string()
                .contains("too large to inflate within the cap")
        );
    }

    #[test]
    fn hidden_characters_are_escaped() {
        assert_eq!(
            display_name("a\u{202e}b\u{200b}c\n".as_bytes()),
            "a\\u{202e}b\\u{200b}c\\u{a}"
        );
        assert_eq!(
            display_name("plain/ünïcode.txt".as_bytes()),
            "plain/ünïcode.txt"
        );
    }
}
