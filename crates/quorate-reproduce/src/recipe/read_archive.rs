//! Reading a published archive's layout: the tar.gz and zip readers of
//! [`super::archive_recipe`] (members, order, modes, owners, the tar
//! writer and the compressor that made the bytes), each within the
//! recipe's [`Limits`].

use std::collections::BTreeSet;

use quorate_deflate::goflate::GoVersion;
use quorate_diff::archive::{GzMember, gunzip_members, inflate_raw};
use quorate_diff::{tarfmt, zipfmt};
use quorate_release::archive::gotar::{GoTarHeader, GoTarWriter};

use super::{
    ArchiveKind, ArchiveRecipe, BinaryRecipe, Compressor, GzipHeader, Limits, Member, binary_of,
    modes_of, order_of, role_of, top_dir_of,
};
use crate::fingerprint::{go_zip_level, gzip_compressor, zip_level};

pub(super) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

pub(super) fn field(h: &[u8], r: std::ops::Range<usize>) -> Option<u64> {
    tarfmt::number(h.get(r)?)
}

/// The Go compressor a binary's Go release points to (the archives may
/// have been packed by a program built with another Go: both are tried).
pub(super) fn go_hint(binaries: &[BinaryRecipe], file: &str) -> Option<GoVersion> {
    binaries
        .iter()
        .filter(|b| b.archive == file)
        .find_map(|b| GoVersion::of(&b.go_version))
}

/// The header of tar entry `e` as Go's `archive/tar` reads it: the main
/// header's fields, each replaced by its PAX record when there is one.
/// Never fails: a field that does not parse is 0 and a name that is not
/// UTF-8 is read lossily, so a header that does not re-encode to the same
/// bytes is caught by [`written_by_go`].
pub(super) fn tar_header(tar: &[u8], e: &tarfmt::Entry) -> GoTarHeader {
    let h = &tar[e.main.header..e.main.header + 512];
    let num = |r: std::ops::Range<usize>| i64::try_from(field(h, r).unwrap_or(0)).unwrap_or(0);
    // A PAX time may have a fraction (GNU tar writes one): its whole
    // seconds.
    let pax_num = |k: &str, r: std::ops::Range<usize>| {
        e.pax(k)
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.split('.').next()?.parse().ok())
            .unwrap_or_else(|| num(r))
    };
    let pax_str = |k: &str, r: std::ops::Range<usize>| {
        let v = e.pax(k).unwrap_or_else(|| tarfmt::cstr(&h[r]));
        String::from_utf8_lossy(v).into_owned()
    };
    GoTarHeader {
        name: String::from_utf8_lossy(&e.name).into_owned(),
        typeflag: e.main.typeflag,
        mode: num(100..108),
        uid: pax_num("uid", 108..116),
        gid: pax_num("gid", 116..124),
        size: pax_num("size", 124..136),
        mtime: pax_num("mtime", 136..148),
        linkname: String::from_utf8_lossy(&e.link).into_owned(),
        uname: pax_str("uname", 265..297),
        gname: pax_str("gname", 297..329),
        devmajor: num(329..337),
        devminor: num(337..345),
    }
}

/// Whether `tar` is, byte for byte, what Go's `archive/tar` writes for
/// the headers listed in `l` (see `quorate_release::archive::gotar`).
pub(super) fn written_by_go(tar: &[u8], l: &tarfmt::Listing) -> bool {
    let mut w = GoTarWriter::new();
    for e in &l.entries {
        if w.add(&tar_header(tar, e), &tar[e.main.data.clone()])
            .is_err()
        {
            return false;
        }
    }
    w.finish() == tar
}

/// The commit `git archive` names in the pax global header its tar stream
/// starts with (`comment=<full hash>`), when there is one.
fn git_archive_commit(l: &tarfmt::Listing) -> Option<String> {
    let e = l.entries.first()?;
    if e.main.typeflag != b'g' {
        return None;
    }
    let c = std::str::from_utf8(e.pax("comment")?).ok()?;
    let hex = c
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (matches!(c.len(), 40 | 64) && hex).then(|| c.to_string())
}

/// The one value every item has, if they all have the same.
fn uniform<T: PartialEq>(mut items: impl Iterator<Item = T>) -> Option<T> {
    let first = items.next()?;
    items.all(|x| x == first).then_some(first)
}

/// Reads a tar.gz's layout: its gzip header, members, tar format, writer
/// and compressor (binaries found in it are added to `binaries`).
pub(super) fn read_tar_gz(
    file: &str,
    data: &[u8],
    limit: u64,
    limits: &Limits,
    binaries: &mut Vec<BinaryRecipe>,
) -> Result<ArchiveRecipe, String> {
    let g = gunzip_members(data, limit).map_err(|e| format!("not a readable gzip stream: {e}"))?;
    let m0 = g.members.first().ok_or("no gzip member")?;
    let gzip = gzip_header(data, m0, g.members.len());
    let tar = &g.data;
    let l = tarfmt::list(tar, limits.max_members);
    if let Some(e) = &l.error {
        return Err(format!("not a readable tar: {e}"));
    }
    let git_commit = git_archive_commit(&l);
    let walk = tar_members(tar, &l, git_commit.is_some(), file, binaries);
    let members = walk.members;
    let comp = if g.members.len() == 1 && g.end == data.len() {
        gzip_compressor(
            &data[m0.deflate.clone()],
            &g.data,
            m0.header.xfl,
            m0.header.os,
            go_hint(binaries, file),
        )
    } else {
        Compressor::unknown()
    };
    let format = tar_format(walk.pax, &walk.magic);
    let record_padding = tar.len() % 10240 == 0;
    let writer = if format == "gnu" && record_padding {
        "gnu-tar"
    } else if git_commit.is_some() && record_padding {
        "git-archive"
    } else if format != "gnu" && written_by_go(tar, &l) {
        "go-archive-tar"
    } else {
        "unknown"
    };
    let has_binaries = binaries.iter().any(|b| b.archive == file);
    let top = top_dir_of(&members);
    Ok(ArchiveRecipe {
        file: file.to_string(),
        kind: ArchiveKind::TarGz,
        role: role_of(file, has_binaries, top.as_deref()),
        top_dir: top,
        format: format.into(),
        writer: writer.into(),
        git_commit,
        record_padding,
        gzip: Some(gzip),
        compressor: comp,
        order: order_of(&members),
        mtime: uniform(members.iter().map(|m| m.mtime)),
        owner: uniform(members.iter().filter_map(|m| m.owner)),
        numeric_owner: members.iter().all(|m| {
            m.owner_names
                .as_ref()
                .is_some_and(|(u, g)| u.is_empty() && g.is_empty())
        }),
        owner_names: uniform(members.iter().filter_map(|m| m.owner_names.clone())),
        zip_utc_offset: None,
        modes: modes_of(&members),
        dir_entries: members.iter().any(|m| m.kind == "dir"),
        members,
    })
}

/// The gzip header of the first member `m0` (the flags byte read from
/// the file itself), and how many members the stream has.
fn gzip_header(data: &[u8], m0: &GzMember, members: usize) -> GzipHeader {
    GzipHeader {
        flags: data.get(3).copied().unwrap_or(0),
        mtime: m0.header.mtime,
        name: m0
            .header
            .name
            .as_ref()
            .map(|n| String::from_utf8_lossy(n).into_owned()),
        xfl: m0.header.xfl,
        os: m0.header.os,
        members,
        comment: m0
            .header
            .comment
            .as_ref()
            .map(|c| String::from_utf8_lossy(c).into_owned()),
        extra: m0.header.extra.clone(),
        header_crc: m0.header.header_crc,
    }
}

/// A tar's members and what their headers tell about its format.
struct TarWalk {
    members: Vec<Member>,
    /// The distinct magic fields (bytes 257..265) of the main headers.
    magic: BTreeSet<Vec<u8>>,
    /// Whether some entry has a PAX header.
    pax: bool,
}

/// The members of tar `tar` as listed in `l` (skipping `git archive`'s
/// global header when `git_header`); binaries found are added to
/// `binaries`.
fn tar_members(
    tar: &[u8],
    l: &tarfmt::Listing,
    git_header: bool,
    file: &str,
    binaries: &mut Vec<BinaryRecipe>,
) -> TarWalk {
    let mut walk = TarWalk {
        members: Vec::new(),
        magic: BTreeSet::new(),
        pax: false,
    };
    // `git archive`'s global header is not a member.
    for e in l.entries.iter().skip(usize::from(git_header)) {
        let h = &tar[e.main.header..e.main.header + 512];
        let gh = tar_header(tar, e);
        let kind = match e.main.typeflag {
            b'0' | 0 | b'7' => "file",
            b'5' => "dir",
            b'2' => "symlink",
            b'1' => "hardlink",
            _ => "other",
        };
        walk.magic.insert(h[257..265].to_vec());
        walk.pax |= e.ext.iter().any(|b| matches!(b.typeflag, b'x' | b'g'));
        if kind == "file"
            && let Some(b) = binary_of(gh.name.clone(), file, &tar[e.main.data.clone()])
        {
            binaries.push(b);
        }
        let id = |v: i64| u64::try_from(v).unwrap_or(0);
        walk.members.push(Member {
            name: gh.name,
            kind,
            mode: u32::try_from(gh.mode).unwrap_or(0) & 0o7777,
            size: (e.main.data.end - e.main.data.start) as u64,
            mtime: gh.mtime,
            owner: Some((id(gh.uid), id(gh.gid))),
            owner_names: Some((gh.uname, gh.gname)),
        });
    }
    walk
}

/// The tar format its headers show: `pax`, `gnu`, `ustar`, `v7` or
/// `mixed`.
fn tar_format(pax: bool, magic: &BTreeSet<Vec<u8>>) -> &'static str {
    if pax {
        "pax"
    } else if magic.len() == 1 && magic.contains(b"ustar  \0".as_slice()) {
        "gnu"
    } else if magic.iter().all(|m| m.starts_with(b"ustar\0")) {
        "ustar"
    } else if magic.iter().all(|m| m.iter().all(|&b| b == 0)) {
        "v7"
    } else {
        "mixed"
    }
}

/// Seconds since the epoch of a DOS date and time read as UTC.
pub(super) fn dos_to_unix(time: u16, date: u16) -> i64 {
    let y = 1980 + i64::from(date >> 9);
    let m = i64::from((date >> 5) & 15).clamp(1, 12);
    let d = i64::from(date & 31).max(1);
    // Days from civil (Howard Hinnant's algorithm).
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86400
        + i64::from(time >> 11) * 3600
        + i64::from((time >> 5) & 63) * 60
        + i64::from(time & 31) * 2
}

/// The modification time of a Go-written zip member: its extra field is
/// exactly one extended timestamp (`UT`, size 5, flags 1) holding it.
pub(super) fn go_ut_time(extra: &[u8]) -> Option<u32> {
    if extra.len() != 9 || extra[..5] != [0x55, 0x54, 5, 0, 1] {
        return None;
    }
    Some(u32::from_le_bytes([extra[5], extra[6], extra[7], extra[8]]))
}

/// Reads a zip's layout: its members, writer, compressor and (for a Go
/// zip) the zone offset of its DOS times (binaries found in it are added
/// to `binaries`).
pub(super) fn read_zip(
    file: &str,
    data: &[u8],
    limit: u64,
    limits: &Limits,
    binaries: &mut Vec<BinaryRecipe>,
) -> Result<ArchiveRecipe, String> {
    let l = zipfmt::list(data, limits.max_members);
    if let Some(e) = &l.error {
        return Err(format!("not a readable zip: {e}"));
    }
    let walk = zip_members(&l, data, limit, file, binaries)?;
    let info_zip = walk.info_zip;
    let go_zip = walk.go_zip && !info_zip && !l.entries.is_empty();
    let comp = zip_compressor(&walk, data, go_zip, go_hint(binaries, file));
    // A Go zip's times are its `UT` fields (the DOS time is the civil
    // time in a zone, rounded).
    let members: Vec<Member> = walk
        .members
        .into_iter()
        .map(|(mut m, ut, _)| {
            if go_zip && let Some(t) = ut {
                m.mtime = i64::from(t);
            }
            m
        })
        .collect();
    let has_binaries = binaries.iter().any(|b| b.archive == file);
    let top = top_dir_of(&members);
    let (format, writer) = if info_zip {
        ("info-zip", "info-zip")
    } else if go_zip {
        ("go-archive-zip", "go-archive-zip")
    } else {
        ("other", "unknown")
    };
    Ok(ArchiveRecipe {
        file: file.to_string(),
        kind: ArchiveKind::Zip,
        role: role_of(file, has_binaries, top.as_deref()),
        top_dir: top,
        format: format.into(),
        writer: writer.into(),
        git_commit: None,
        record_padding: false,
        gzip: None,
        compressor: comp,
        order: order_of(&members),
        mtime: uniform(members.iter().map(|m| m.mtime)),
        owner: None,
        numeric_owner: false,
        owner_names: None,
        zip_utc_offset: if go_zip && walk.offsets.len() == 1 {
            walk.offsets
                .into_iter()
                .next()
                .and_then(|o| i32::try_from(o).ok())
        } else {
            None
        },
        modes: modes_of(&members),
        dir_entries: members.iter().any(|m| m.kind == "dir"),
        members,
    })
}

/// A zip's members and what their headers tell about its writer.
struct ZipWalk {
    /// Each member with its `UT` time (if it has Go's) and its content.
    members: Vec<(Member, Option<u32>, Vec<u8>)>,
    /// The zone offsets (DOS time minus `UT` time, rounded up to even).
    offsets: BTreeSet<i64>,
    /// Each deflated member: its raw data's range, its index in
    /// `members` and its flags.
    raws: Vec<(std::ops::Range<usize>, usize, u16)>,
    /// Every entry so far looks written by Info-ZIP.
    info_zip: bool,
    /// Every entry so far looks written by Go's `archive/zip`.
    go_zip: bool,
}

/// The members of zip `data` as listed in `l`, inflated with at most
/// `limit` bytes of content in all; binaries found are added to
/// `binaries`.
fn zip_members(
    l: &zipfmt::Listing,
    data: &[u8],
    limit: u64,
    file: &str,
    binaries: &mut Vec<BinaryRecipe>,
) -> Result<ZipWalk, String> {
    let mut walk = ZipWalk {
        members: Vec::new(),
        offsets: BTreeSet::new(),
        raws: Vec::new(),
        info_zip: true,
        go_zip: true,
    };
    let mut used = 0u64;
    for e in &l.entries {
        let name = String::from_utf8_lossy(&e.name).into_owned();
        let central_extra = &data[e.extra.clone()];
        walk.info_zip &= e.made_by == 0x031e && e.extra.is_empty();
        let Some(local) = &e.local else {
            return Err(format!("{name}: no local header"));
        };
        walk.info_zip &= local.extra.is_empty();
        // Go: version made by 0x0314 (Unix, 2.0), the same `UT` extra
        // field in both headers, a data descriptor after every file.
        let ut = go_ut_time(central_extra);
        walk.go_zip &= e.made_by == 0x0314
            && ut.is_some()
            && data[local.extra.clone()] == *central_extra
            && (e.is_dir() || (e.flags & 0x8 != 0 && e.method == 8));
        let dos = dos_to_unix(e.dos_time.0, e.dos_time.1);
        if let Some(t) = ut {
            // The DOS time is the civil time in the zone Go was given, its
            // seconds halved downwards: zone offsets are even.
            let diff = dos - i64::from(t);
            walk.offsets.insert(diff + diff.rem_euclid(2));
        }
        let raw = &data[local.data.clone()];
        let content = match e.method {
            0 => raw.to_vec(),
            8 => {
                let left = limit.saturating_sub(used);
                let c =
                    inflate_raw(raw, left.min(e.usize)).map_err(|err| format!("{name}: {err}"))?;
                walk.raws
                    .push((local.data.clone(), walk.members.len(), e.flags));
                c
            }
            m => return Err(format!("{name}: compression method {m} is not read")),
        };
        used = used.saturating_add(content.len() as u64);
        let kind = if e.is_dir() { "dir" } else { "file" };
        if kind == "file"
            && let Some(b) = binary_of(name.clone(), file, &content)
        {
            binaries.push(b);
        }
        let member = Member {
            name,
            kind,
            mode: e.mode().unwrap_or(0) & 0o7777,
            size: content.len() as u64,
            mtime: dos,
            owner: None,
            owner_names: None,
        };
        walk.members.push((member, ut, content));
    }
    Ok(walk)
}

/// The compressor of a zip's deflated members: the one level they all
/// show, the writer's own when no member is deflated, else unknown.
fn zip_compressor(
    walk: &ZipWalk,
    data: &[u8],
    go_zip: bool,
    hint: Option<GoVersion>,
) -> Compressor {
    let mut levels = BTreeSet::new();
    for (range, i, flags) in &walk.raws {
        let raw = &data[range.clone()];
        let content = &walk.members[*i].2;
        levels.insert(if go_zip {
            go_zip_level(raw, content, hint)
        } else {
            zip_level(raw, content, *flags)
        });
    }
    let unknown = Compressor::unknown;
    if levels.len() == 1 {
        levels.into_iter().next().unwrap_or_else(unknown)
    } else if levels.is_empty() {
        Compressor {
            tool: if go_zip { "go-archive-zip" } else { "info-zip" }.into(),
            ..Compressor::unknown()
        }
    } else {
        unknown()
    }
}
