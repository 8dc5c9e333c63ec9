//! Containers read in memory, never extracted, never trusted: gzip (header
//! and bounded inflate), tar (member headers, data sliced from the input),
//! zip (central directory, bounded inflate).

use std::io::Read;

/// What kind of bytes these are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// gzip stream.
    Gzip,
    /// tar archive.
    Tar,
    /// zip archive.
    Zip,
    /// ELF executable or object.
    Elf,
    /// Mach-O executable.
    MachO,
    /// PE (Windows) executable.
    Pe,
    /// Anything else.
    Bytes,
}

impl Kind {
    /// Detects the kind from the first bytes.
    pub fn of(data: &[u8]) -> Kind {
        if data.starts_with(&[0x1f, 0x8b]) {
            Kind::Gzip
        } else if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
            Kind::Zip
        } else if data.starts_with(b"\x7fELF") {
            Kind::Elf
        } else if data.len() >= 4
            && matches!(
                u32::from_le_bytes([data[0], data[1], data[2], data[3]]),
                0xfeed_face | 0xfeed_facf | 0xcefa_edfe | 0xcffa_edfe | 0xcafe_babe | 0xbeba_feca
            )
        {
            Kind::MachO
        } else if data.starts_with(b"MZ") {
            Kind::Pe
        } else if is_tar(data) {
            Kind::Tar
        } else {
            Kind::Bytes
        }
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gzip => "gzip",
            Kind::Tar => "tar",
            Kind::Zip => "zip",
            Kind::Elf => "ELF",
            Kind::MachO => "Mach-O",
            Kind::Pe => "PE",
            Kind::Bytes => "data",
        }
    }

    /// True for archives and compressed streams.
    pub fn is_container(self) -> bool {
        matches!(self, Kind::Gzip | Kind::Tar | Kind::Zip)
    }

    /// True for executables.
    pub fn is_exe(self) -> bool {
        matches!(self, Kind::Elf | Kind::MachO | Kind::Pe)
    }
}

fn is_tar(data: &[u8]) -> bool {
    if data.len() < 512 {
        return false;
    }
    let h = &data[..512];
    if &h[257..262] == b"ustar" {
        return true;
    }
    // Old (v7) tar: check the header checksum.
    let field = &h[148..156];
    let s: String = field
        .iter()
        .take_while(|b| **b != 0 && **b != b' ')
        .map(|&b| b as char)
        .collect();
    let Ok(sum) = u32::from_str_radix(s.trim(), 8) else {
        return false;
    };
    let computed: u32 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == computed && h[0] != 0
}

/// The fields of a gzip member header.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct GzipHeader {
    /// MTIME field.
    pub mtime: u32,
    /// FNAME, if present.
    pub name: Option<Vec<u8>>,
    /// FCOMMENT, if present.
    pub comment: Option<Vec<u8>>,
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
        p = p.checked_add(2 + xlen)?;
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
    /// The stream is corrupt or truncated.
    Corrupt(String),
}

/// Decompresses a gzip stream (all members), refusing more than `limit` bytes.
pub fn gunzip(data: &[u8], limit: u64) -> Result<Vec<u8>, Inflate> {
    let dec = flate2::read::MultiGzDecoder::new(data);
    read_limited(dec, limit, data.len())
}

fn read_limited(r: impl Read, limit: u64, hint: usize) -> Result<Vec<u8>, Inflate> {
    let mut out = Vec::with_capacity(hint.saturating_mul(3).min(limit as usize).min(64 << 20));
    match r.take(limit.saturating_add(1)).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > limit => Err(Inflate::TooBig(limit)),
        Ok(_) => Ok(out),
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
    let mut out = Vec::new();
    let mut ar = tar::Archive::new(data);
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => return (out, Some(e.to_string())),
    };
    for e in entries {
        if out.len() >= max_members {
            return (
                out,
                Some(format!(
                    "more than {max_members} members; the rest is not compared"
                )),
            );
        }
        let e = match e {
            Ok(e) => e,
            Err(err) => return (out, Some(err.to_string())),
        };
        let h = e.header();
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let size = e.size();
        let pos = e.raw_file_position();
        let et = h.entry_type();
        let kind = if et.is_file() {
            "file"
        } else if et.is_dir() {
            "dir"
        } else if et.is_symlink() {
            "symlink"
        } else if et.is_hard_link() {
            "hardlink"
        } else {
            "other"
        };
        let content = usize::try_from(pos)
            .ok()
            .zip(usize::try_from(size).ok())
            .and_then(|(p, s)| data.get(p..p.checked_add(s)?));
        let owner = format!(
            "{}:{} ({}:{})",
            h.uid().unwrap_or(0),
            h.gid().unwrap_or(0),
            h.username().ok().flatten().unwrap_or(""),
            h.groupname().ok().flatten().unwrap_or("")
        );
        out.push(Member {
            name,
            kind,
            mode: h.mode().ok(),
            owner: Some(owner),
            mtime: h.mtime().ok().map(|m| m.to_string()),
            link: e
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned()),
            extra: None,
            compression: None,
            raw: &[],
            data: match content {
                Some(c) => Data::Borrowed(c),
                None => Data::Skipped("member data runs past the end of the archive".into()),
            },
        });
    }
    (out, None)
}

/// Lists a zip archive, inflating members within `budget` bytes in all.
pub fn zip_members<'a>(
    data: &'a [u8],
    max_members: usize,
    budget: &mut u64,
) -> (Vec<Member<'a>>, Option<String>) {
    let mut out = Vec::new();
    let mut z = match zip::ZipArchive::new(std::io::Cursor::new(data)) {
        Ok(z) => z,
        Err(e) => return (out, Some(e.to_string())),
    };
    for i in 0..z.len() {
        if out.len() >= max_members {
            return (
                out,
                Some(format!(
                    "more than {max_members} members; the rest is not compared"
                )),
            );
        }
        let (name, mode, mtime, extra, comp, raw, is_dir, size) = {
            let f = match z.by_index_raw(i) {
                Ok(f) => f,
                Err(e) => return (out, Some(e.to_string())),
            };
            let start = usize::try_from(f.data_start()).unwrap_or(usize::MAX);
            let raw = usize::try_from(f.compressed_size())
                .ok()
                .and_then(|n| data.get(start..start.checked_add(n)?))
                .unwrap_or(&[]);
            let mtime = f.last_modified().map(|t| {
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            });
            (
                String::from_utf8_lossy(f.name_raw()).into_owned(),
                f.unix_mode(),
                mtime,
                f.extra_data().map(zip_extra),
                format!("{:?}, {} bytes", f.compression(), f.compressed_size()),
                raw,
                f.is_dir(),
                f.size(),
            )
        };
        let dat = if is_dir {
            Data::Owned(Vec::new())
        } else if size > *budget {
            Data::Skipped(format!(
                "inflating would pass the decompression limit (declared size {size} bytes, {} bytes left)",
                *budget
            ))
        } else {
            match z.by_index(i) {
                Err(e) => Data::Skipped(e.to_string()),
                Ok(f) => match read_limited(f, size, 0) {
                    Ok(v) => {
                        *budget = budget.saturating_sub(v.len() as u64);
                        Data::Owned(v)
                    }
                    Err(Inflate::TooBig(_)) => Data::Skipped(format!(
                        "member inflates past its declared size ({size} bytes)"
                    )),
                    Err(Inflate::Corrupt(e)) => Data::Skipped(e),
                },
            }
        };
        out.push(Member {
            name,
            kind: if is_dir { "dir" } else { "file" },
            mode,
            owner: None,
            mtime,
            link: None,
            extra,
            compression: Some(comp),
            raw,
            data: dat,
        });
    }
    (out, None)
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

/// True when an archive member name could escape the extraction folder.
pub fn unsafe_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.get(1..3) == Some(":\\")
        || name.split(['/', '\\']).any(|c| c == "..")
}
