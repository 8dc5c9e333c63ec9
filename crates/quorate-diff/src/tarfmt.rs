//! A tar reader that accounts for every byte: each member is its header
//! blocks (PAX `x`, GNU `L`/`K` extension headers, then the ustar block),
//! its data and its padding; after the members come the end-of-archive
//! zero blocks and whatever follows them. Checked arithmetic throughout;
//! nothing is copied but names and PAX records (bounded by the input).

use std::ops::{ControlFlow, Range};

/// Field layout of a ustar header block: (name, byte range).
pub const FIELDS: [(&str, Range<usize>); 17] = [
    ("name", 0..100),
    ("mode", 100..108),
    ("uid", 108..116),
    ("gid", 116..124),
    ("size", 124..136),
    ("mtime", 136..148),
    ("checksum", 148..156),
    ("typeflag", 156..157),
    ("linkname", 157..257),
    ("magic", 257..263),
    ("version", 263..265),
    ("uname", 265..297),
    ("gname", 297..329),
    ("devmajor", 329..337),
    ("devminor", 337..345),
    ("prefix", 345..500),
    ("padding", 500..512),
];

/// One header block and the data it carries.
#[derive(Clone, Debug)]
pub struct Block {
    /// Offset of the 512-byte header block.
    pub header: usize,
    /// Type flag byte.
    pub typeflag: u8,
    /// The data that follows (extension records or member content).
    pub data: Range<usize>,
    /// Padding after the data, up to the next 512-byte boundary.
    pub pad: Range<usize>,
}

/// One member: its extension headers, its own header, data and padding.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Extension headers (`x`, `L`, `K`) before the member's own header.
    pub ext: Vec<Block>,
    /// The member's own header block (a `g` global header is an entry too).
    pub main: Block,
    /// Effective name: PAX `path`, else GNU long name, else prefix/name.
    pub name: Vec<u8>,
    /// Effective link target: PAX `linkpath`, else GNU long link, else linkname.
    pub link: Vec<u8>,
    /// PAX records that apply (`x` headers, or the records of a `g` header).
    pub pax: Vec<(String, Vec<u8>)>,
    /// True when a PAX extension could not be parsed.
    pub pax_malformed: bool,
}

impl Entry {
    /// Offset of the first header block.
    pub fn start(&self) -> usize {
        self.ext
            .first()
            .map(|b| b.header)
            .unwrap_or(self.main.header)
    }

    /// Offset just past the padding.
    pub fn end(&self) -> usize {
        self.main.pad.end
    }

    /// The last value of a PAX record.
    pub fn pax(&self, key: &str) -> Option<&[u8]> {
        self.pax
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }
}

/// A listed archive.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Members (and global headers) in archive order.
    pub entries: Vec<Entry>,
    /// Where the members stop: the end-of-archive marker, the end of the
    /// input, or where reading failed.
    pub end: usize,
    /// True when an end-of-archive zero block was found at `end`.
    pub eoa: bool,
    /// Why reading stopped before the end (the bytes from `end` on are
    /// not modelled).
    pub error: Option<String>,
}

/// Parses a numeric header field: octal (space/NUL padded) or base-256.
pub fn number(f: &[u8]) -> Option<u64> {
    if f.first().is_some_and(|b| b & 0x80 != 0) {
        if f[0] == 0xff {
            return None; // negative
        }
        let mut v: u64 = u64::from(f[0] & 0x7f);
        for &b in &f[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let s: Vec<u8> = f
        .iter()
        .copied()
        .skip_while(|&b| b == b' ' || b == 0)
        .take_while(|&b| b != b' ' && b != 0)
        .collect();
    if s.is_empty() {
        return Some(0);
    }
    let mut v: u64 = 0;
    for b in s {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        v = v.checked_mul(8)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(v)
}

/// A NUL-terminated header string.
pub fn cstr(f: &[u8]) -> &[u8] {
    let n = f.iter().position(|&b| b == 0).unwrap_or(f.len());
    &f[..n]
}

fn checksum_ok(h: &[u8]) -> bool {
    let Some(want) = number(&h[148..156]) else {
        return false;
    };
    let sum: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    // Some old tars summed signed bytes.
    let signed: i64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                i64::from(b as i8)
            }
        })
        .sum();
    want == sum || i64::try_from(want).ok() == Some(signed)
}

/// Parses PAX extended header records (`"%d %s=%s\n"`); None when malformed.
pub fn pax_records(d: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut p = 0usize;
    while p < d.len() {
        // GNU tar pads the last block's data with NULs only past the size,
        // so any byte left here belongs to a record.
        let rest = &d[p..];
        let sp = rest.iter().position(|&b| b == b' ')?;
        if sp == 0 || sp > 20 || !rest[..sp].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let len: usize = std::str::from_utf8(&rest[..sp]).ok()?.parse().ok()?;
        if len <= sp + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return None;
        }
        let rec = &rest[sp + 1..len - 1];
        let eq = rec.iter().position(|&b| b == b'=')?;
        let key = String::from_utf8_lossy(&rec[..eq]).into_owned();
        out.push((key, rec[eq + 1..].to_vec()));
        p = p.checked_add(len)?;
    }
    Some(out)
}

/// Lists a tar archive, at most `max` members.
pub fn list(d: &[u8], max: usize) -> Listing {
    let mut r = Reader::new(d, max);
    while r.step().is_continue() {}
    r.listing
}

/// Why a tar stops when extension headers are not followed by a member.
const NO_MEMBER: &str = "extension header with no member after it";

/// One pass over a tar archive: where it is, what it listed so far, and
/// the extension headers and PAX records waiting for the next member.
struct Reader<'a> {
    d: &'a [u8],
    max: usize,
    listing: Listing,
    pos: usize,
    ext: Vec<Block>,
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Vec<(String, Vec<u8>)>,
    global: Vec<(String, Vec<u8>)>,
    /// Bytes of global records copied into members so far.
    applied: usize,
    malformed: bool,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `d` that lists at most `max` members.
    fn new(d: &'a [u8], max: usize) -> Self {
        Reader {
            d,
            max,
            listing: Listing::default(),
            pos: 0,
            ext: Vec::new(),
            long_name: None,
            long_link: None,
            pax: Vec::new(),
            global: Vec::new(),
            applied: 0,
            malformed: false,
        }
    }

    /// Stops reading: the members end at `at`, for the reason `why`.
    fn fail(&mut self, at: usize, why: String) -> ControlFlow<()> {
        self.listing.end = at;
        self.listing.error = Some(why);
        ControlFlow::Break(())
    }

    /// Where the member being read starts: its first extension header, else `pos`.
    fn member_start(&self) -> usize {
        self.ext.first().map(|b| b.header).unwrap_or(self.pos)
    }

    /// The first pending extension header, if any.
    fn dangling_ext(&self) -> Option<usize> {
        self.ext.first().map(|b| b.header)
    }

    /// Reads one header block and what it carries; Break when reading stops.
    fn step(&mut self) -> ControlFlow<()> {
        let (d, pos) = (self.d, self.pos);
        if pos == d.len() {
            self.listing.end = pos;
            if let Some(at) = self.dangling_ext() {
                return self.fail(at, NO_MEMBER.into());
            }
            return ControlFlow::Break(());
        }
        if self.listing.entries.len() >= self.max {
            let max = self.max;
            return self.fail(
                pos,
                format!("more than {max} members; the rest is not compared"),
            );
        }
        let Some(h) = d.get(pos..pos.saturating_add(512)) else {
            return self.fail(pos, format!("truncated header block at {pos:#x}"));
        };
        if h.iter().all(|&b| b == 0) {
            if let Some(at) = self.dangling_ext() {
                return self.fail(at, NO_MEMBER.into());
            }
            self.listing.end = pos;
            self.listing.eoa = true;
            return ControlFlow::Break(());
        }
        if !checksum_ok(h) {
            return self.fail(
                self.member_start(),
                format!("bad header checksum at {pos:#x}"),
            );
        }
        let typeflag = h[156];
        let Some(size) = self.pax_size(typeflag).or_else(|| number(&h[124..136])) else {
            return self.fail(self.member_start(), format!("bad size field at {pos:#x}"));
        };
        let block = self.block(typeflag, size)?;
        self.pos = block.pad.end;
        let body = &d[block.data.clone()];
        self.take_block(h, block, body)
    }

    /// The size a PAX `size` record (the member's own, else a global one)
    /// gives a member header; None for extension and global headers.
    fn pax_size(&self, typeflag: u8) -> Option<u64> {
        if matches!(typeflag, b'x' | b'g' | b'L' | b'K') {
            return None;
        }
        self.pax
            .iter()
            .rev()
            .chain(self.global.iter().rev())
            .find(|(k, _)| k == "size")
            .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse::<u64>().ok())
    }

    /// The block whose header is at `pos` and whose data is `size` bytes;
    /// Break when the data runs past the end of the archive.
    fn block(&mut self, typeflag: u8, size: u64) -> ControlFlow<(), Block> {
        let d = self.d;
        let start = self.pos + 512;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| start.checked_add(s))
            .filter(|&e| e <= d.len());
        let Some(end) = end else {
            let why = format!(
                "member data at {start:#x} runs past the end of the archive ({size} bytes)"
            );
            self.fail(self.member_start(), why)?;
            return ControlFlow::Break(());
        };
        let padded = end.saturating_add((512 - end % 512) % 512).min(d.len());
        ControlFlow::Continue(Block {
            header: self.pos,
            typeflag,
            data: start..end,
            pad: end..padded,
        })
    }

    /// Takes one block: an extension header waits for the member after
    /// it; any other block is a member (or a global header).
    fn take_block(&mut self, h: &[u8], block: Block, body: &[u8]) -> ControlFlow<()> {
        match block.typeflag {
            b'x' => {
                match pax_records(body) {
                    Some(r) => self.pax.extend(r),
                    None => self.malformed = true,
                }
                self.ext.push(block);
            }
            b'L' => {
                self.long_name = Some(cstr(body).to_vec());
                self.ext.push(block);
            }
            b'K' => {
                self.long_link = Some(cstr(body).to_vec());
                self.ext.push(block);
            }
            _ => return self.member(h, block, body),
        }
        ControlFlow::Continue(())
    }

    /// Lists a member (or a global header) with the extension headers
    /// and PAX records that came before it.
    fn member(&mut self, h: &[u8], block: Block, body: &[u8]) -> ControlFlow<()> {
        let typeflag = block.typeflag;
        let mut e = Entry {
            ext: std::mem::take(&mut self.ext),
            main: block,
            name: Vec::new(),
            link: Vec::new(),
            pax: std::mem::take(&mut self.pax),
            pax_malformed: std::mem::take(&mut self.malformed),
        };
        if typeflag == b'g' {
            match pax_records(body) {
                Some(r) => {
                    self.global.extend(r.iter().cloned());
                    e.pax.extend(r);
                }
                None => e.pax_malformed = true,
            }
            e.name = b"(PAX global header)".to_vec();
        } else {
            self.apply_global(&mut e)?;
            e.name = e
                .pax("path")
                .map(<[u8]>::to_vec)
                .or(self.long_name.take())
                .unwrap_or_else(|| ustar_name(h));
            e.link = e
                .pax("linkpath")
                .map(<[u8]>::to_vec)
                .or(self.long_link.take())
                .unwrap_or_else(|| cstr(&h[157..257]).to_vec());
        }
        self.long_name = None;
        self.long_link = None;
        self.listing.entries.push(e);
        ControlFlow::Continue(())
    }

    /// Puts the global PAX records before the member's own (which override
    /// them); Break when the copies would pass a few times the input.
    fn apply_global(&mut self, e: &mut Entry) -> ControlFlow<()> {
        if self.global.is_empty() {
            return ControlFlow::Continue(());
        }
        let size: usize = self.global.iter().map(|(k, v)| k.len() + v.len()).sum();
        self.applied = self.applied.saturating_add(size);
        if self.applied > self.d.len().saturating_mul(4).max(1 << 20) {
            return self.fail(
                e.start(),
                "PAX global records too large to apply to every member".into(),
            );
        }
        let own = std::mem::take(&mut e.pax);
        e.pax = self.global.iter().cloned().chain(own).collect();
        ControlFlow::Continue(())
    }
}

/// The name a ustar header gives: prefix/name when the prefix is set.
fn ustar_name(h: &[u8]) -> Vec<u8> {
    let n = cstr(&h[0..100]);
    let prefix = cstr(&h[345..500]);
    if &h[257..263] == b"ustar\0" && !prefix.is_empty() {
        let mut v = prefix.to_vec();
        v.push(b'/');
        v.extend_from_slice(n);
        v
    } else {
        n.to_vec()
    }
}

/// The kind of a member from its type flag.
pub fn kind(typeflag: u8) -> &'static str {
    match typeflag {
        b'0' | 0 | b'7' => "file",
        b'1' => "hardlink",
        b'2' => "symlink",
        b'3' => "character device",
        b'4' => "block device",
        b'5' => "dir",
        b'6' => "FIFO",
        b'g' => "PAX global header",
        b'S' => "GNU sparse file",
        _ => "other",
    }
}

/// True for PAX keys that carry extended attributes, capabilities or ACLs.
pub fn is_xattr_key(k: &str) -> bool {
    k.starts_with("SCHILY.xattr.")
        || k.starts_with("LIBARCHIVE.xattr.")
        || k.starts_with("SCHILY.acl.")
        || k.starts_with("RHT.security.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_records_parse_and_reject() {
        let r = pax_records(b"30 mtime=1700000000.123456789\n20 path=some/file.x\n").unwrap();
        assert_eq!(r[0].0, "mtime");
        assert_eq!(r[1].1, b"some/file.x");
        assert!(pax_records(b"99 path=x\n").is_none());
        assert!(pax_records(b"5 a\n").is_none());
    }

    #[test]
    fn numbers() {
        assert_eq!(number(b"0000644\0"), Some(0o644));
        assert_eq!(number(b"   644 \0"), Some(0o644));
        assert_eq!(number(&[0x80, 0, 0, 0, 0, 0, 1, 0]), Some(256));
        assert_eq!(number(b"9\0"), None);
    }
}
