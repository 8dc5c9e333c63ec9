//! Containers compared so that every byte of both sides is accounted for:
//! each part of a tar, zip or gzip (headers field by field, data, padding,
//! directories, end records, what follows them) is either equal, explained
//! by a finding, or reported as `unexplained` with its offset. Members are
//! paired by name and occurrence (the second `x` with the second `x`), so
//! `diff A B` and `diff B A` see the same pairs.

use std::collections::{BTreeMap, BTreeSet};

use super::Engine;
use crate::archive::{self, display_name};
use crate::model::{Cause, Confidence};
use crate::tarfmt::{self, Block, Entry, FIELDS};
use crate::zipfmt;

/// Keys pairing members: (name, occurrence), the n-th `x` with the n-th `x`.
pub(crate) fn keys(names: &[&[u8]]) -> Vec<(Vec<u8>, usize)> {
    let mut seen: BTreeMap<&[u8], usize> = BTreeMap::new();
    names
        .iter()
        .map(|n| {
            let i = seen.entry(n).or_default();
            *i += 1;
            (n.to_vec(), *i)
        })
        .collect()
}

/// Per name, its copies on each side; and the names shown for the members
/// of each side: the same whichever side is A (`x (copy 2)` when a name is
/// held more than once on either side).
#[allow(clippy::type_complexity)]
pub(crate) fn shown<'k>(
    ka: &'k [(Vec<u8>, usize)],
    kb: &'k [(Vec<u8>, usize)],
) -> (BTreeMap<&'k [u8], (usize, usize)>, Vec<String>, Vec<String>) {
    let mut count: BTreeMap<&[u8], (usize, usize)> = BTreeMap::new();
    for k in ka {
        count.entry(&k.0).or_default().0 += 1;
    }
    for k in kb {
        count.entry(&k.0).or_default().1 += 1;
    }
    let show = |k: &(Vec<u8>, usize)| {
        let (x, y) = count.get(k.0.as_slice()).copied().unwrap_or((1, 1));
        if x.max(y) > 1 {
            format!("{} (copy {})", display_name(&k.0), k.1)
        } else {
            display_name(&k.0)
        }
    };
    let sa = ka.iter().map(show).collect();
    let sb = kb.iter().map(show).collect();
    (count, sa, sb)
}

/// A value for evidence: printable text as is, else hex.
pub(crate) fn value(v: &[u8]) -> String {
    if v.iter().all(|&c| (0x20..0x7f).contains(&c)) {
        format!("{:?}", String::from_utf8_lossy(v))
    } else {
        format!("0x{}", archive::hex(v))
    }
}

/// A header field for evidence: its text up to the NUL, or all of its
/// bytes in hex when the texts are equal (bytes hidden after the NUL).
fn field_value(x: &[u8], y: &[u8], first: bool) -> String {
    let (cx, cy) = (tarfmt::cstr(x), tarfmt::cstr(y));
    let v = if first { x } else { y };
    if cx == cy {
        format!("0x{}", archive::hex(v))
    } else {
        value(tarfmt::cstr(v))
    }
}

/// Describes a tail of bytes (data after an end record).
fn tail_value(t: &[u8]) -> String {
    if t.is_empty() {
        return "(none)".into();
    }
    if t.iter().all(|&c| c == 0) {
        return format!("{} zero bytes", t.len());
    }
    let printable: String = t
        .iter()
        .take(48)
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '.'
            }
        })
        .collect();
    format!(
        "{} bytes: {}  {:?}",
        t.len(),
        archive::hex(&t[..t.len().min(32)]),
        printable
    )
}

impl Engine<'_> {
    #[allow(clippy::too_many_arguments)]
    fn at(
        &mut self,
        cause: Cause,
        conf: Confidence,
        subject: Option<String>,
        file: &[String],
        ev: Vec<String>,
        off: (Option<usize>, Option<usize>),
        what: &str,
        a: Option<String>,
        b: Option<String>,
    ) {
        self.obs(
            cause,
            conf,
            subject,
            file,
            ev,
            (off.0.map(|x| x as u64), off.1.map(|x| x as u64)),
            what,
            a,
            b,
        );
    }

    /// What follows the end of a container (`ea`, `eb`: where its last
    /// record ends). Non-zero bytes are `appended-data`; zero padding of
    /// different lengths is `format-differs`; bytes after a parse failure
    /// are `unexplained`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn tail(
        &mut self,
        path: &[String],
        what: &str,
        a: &[u8],
        ea: usize,
        b: &[u8],
        eb: usize,
        parsed: bool,
    ) {
        let (ta, tb) = (&a[ea.min(a.len())..], &b[eb.min(b.len())..]);
        if ta == tb {
            return;
        }
        let mut p = path.to_vec();
        let zero = |t: &[u8]| t.iter().all(|&c| c == 0);
        if !parsed {
            p.push(format!("{what} (not parsed)"));
            self.at(
                Cause::Unexplained,
                Confidence::Low,
                Some("unparsed bytes".into()),
                path,
                p,
                (Some(ea), Some(eb)),
                "bytes the reader could not parse",
                Some(tail_value(ta)),
                Some(tail_value(tb)),
            );
        } else if zero(ta) && zero(tb) {
            if a[..ea.min(a.len())] != b[..eb.min(b.len())] {
                return; // zero padding to the block size follows the content
            }
            p.push(format!("{what} (padding)"));
            self.at(
                Cause::FormatDiffers,
                Confidence::Medium,
                Some("end padding".into()),
                path,
                p,
                (Some(ea), Some(eb)),
                "zero padding after the end record (block size)",
                Some(tail_value(ta)),
                Some(tail_value(tb)),
            );
        } else {
            p.push(format!("after the {what}"));
            let first = |t: &[u8], e: usize| t.iter().position(|&c| c != 0).map(|i| e + i);
            self.at(
                Cause::AppendedData,
                Confidence::High,
                Some(format!("after the {what}")),
                path,
                p,
                (first(ta, ea), first(tb, eb)),
                &format!("bytes after the {what}"),
                Some(tail_value(ta)),
                Some(tail_value(tb)),
            );
        }
    }

    /// A tar archive, part by part.
    pub(super) fn tar(&mut self, path: &[String], a: &[u8], b: &[u8], depth: usize) {
        let la = tarfmt::list(a, self.opts.max_members);
        let lb = tarfmt::list(b, self.opts.max_members);
        for (l, side) in [(&la, "A"), (&lb, "B")] {
            if let Some(e) = &l.error {
                self.note(
                    "skipped",
                    path,
                    format!(
                        "tar on side {side}: {e}; the bytes from {:#x} on are not modelled",
                        l.end
                    ),
                );
            }
        }
        for e in la.entries.iter().chain(&lb.entries) {
            let n = String::from_utf8_lossy(&e.name);
            if archive::unsafe_name(&n) {
                self.note("unsafe-name", path, format!("member name {:?} would escape the extraction folder (reported, never used as a path)", display_name(&e.name)));
            }
        }
        let na: Vec<&[u8]> = la.entries.iter().map(|e| e.name.as_slice()).collect();
        let nb: Vec<&[u8]> = lb.entries.iter().map(|e| e.name.as_slice()).collect();
        let ka = keys(&na);
        let kb = keys(&nb);
        let kind = |l: &tarfmt::Listing| -> Vec<String> {
            l.entries
                .iter()
                .map(|e| tarfmt::kind(e.main.typeflag).to_string())
                .collect()
        };
        self.pair_members(path, (&ka, &kind(&la)), (&kb, &kind(&lb)), |s, p, i, j| {
            s.tar_pair(path, p, a, b, &la.entries[i], &lb.entries[j], depth)
        });
        let pa = la.error.is_none();
        let pb = lb.error.is_none();
        self.tail(
            path,
            "tar end-of-archive marker",
            a,
            la.end,
            b,
            lb.end,
            pa && pb,
        );
    }

    /// Pairs members by (name, occurrence): order, one-sided members,
    /// duplicates; calls `pair` for each pair.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn pair_members(
        &mut self,
        path: &[String],
        (ka, kind_a): (&[(Vec<u8>, usize)], &[String]),
        (kb, kind_b): (&[(Vec<u8>, usize)], &[String]),
        mut pair: impl FnMut(&mut Self, &[String], usize, usize),
    ) {
        let (count, sa, sb) = shown(ka, kb);
        let (sa, sb) = (sa.as_slice(), sb.as_slice());
        let ia: BTreeMap<&(Vec<u8>, usize), usize> =
            ka.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let ib: BTreeMap<&(Vec<u8>, usize), usize> =
            kb.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let order_a: Vec<usize> = (0..ka.len()).filter(|&i| ib.contains_key(&ka[i])).collect();
        let order_b: Vec<usize> = (0..kb.len()).filter(|&j| ia.contains_key(&kb[j])).collect();
        let same_order = order_a.len() == order_b.len()
            && order_a.iter().zip(&order_b).all(|(&i, &j)| ka[i] == kb[j]);
        if !same_order {
            let first = order_a
                .iter()
                .zip(&order_b)
                .position(|(&i, &j)| ka[i] != kb[j])
                .unwrap_or(0);
            let show = |o: &[usize], s: &[String]| {
                o[first.min(o.len())..]
                    .iter()
                    .take(4)
                    .map(|&i| s[i].clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut p = path.to_vec();
            p.push(format!("member #{}", first + 1));
            self.at(
                Cause::ArchiveOrder,
                Confidence::High,
                None,
                path,
                p,
                (None, None),
                "member order",
                Some(show(&order_a, sa)),
                Some(show(&order_b, sb)),
            );
        }
        let mut dup_differs: BTreeSet<&[u8]> = BTreeSet::new();
        for (i, k) in ka.iter().enumerate() {
            let mut p = path.to_vec();
            p.push(sa[i].clone());
            match ib.get(k) {
                None => {
                    self.one_side(&p, true, &kind_a[i]);
                }
                Some(&j) => {
                    let before = self.observed;
                    pair(self, &p, i, j);
                    if self.observed != before {
                        dup_differs.insert(&k.0);
                    }
                }
            }
            if self.timed_out {
                return;
            }
        }
        for (j, k) in kb.iter().enumerate() {
            if !ia.contains_key(k) {
                let mut p = path.to_vec();
                p.push(sb[j].clone());
                self.one_side(&p, false, &kind_b[j]);
            }
        }
        for (name, (x, y)) in count {
            if (x > 1 || y > 1) && (x != y || dup_differs.contains(name)) {
                let mut p = path.to_vec();
                p.push(display_name(name));
                let n = |c: usize| Some(format!("{c} cop{}", if c == 1 { "y" } else { "ies" }));
                self.at(
                    Cause::ArchiveDuplicate,
                    Confidence::High,
                    Some(display_name(name)),
                    path,
                    p,
                    (None, None),
                    "copies of the name (extraction keeps the last)",
                    n(x),
                    n(y),
                );
            }
        }
    }

    /// One pair of tar members: header fields, PAX records, extension
    /// headers, data, padding.
    #[allow(clippy::too_many_arguments)]
    fn tar_pair(
        &mut self,
        path: &[String],
        p: &[String],
        a: &[u8],
        b: &[u8],
        e: &Entry,
        f: &Entry,
        depth: usize,
    ) {
        let hdr = |d: &'_ [u8], bl: &Block| -> [u8; 512] {
            let mut h = [0u8; 512];
            h.copy_from_slice(&d[bl.header..bl.header + 512]);
            h
        };
        let (ha, hb) = (hdr(a, &e.main), hdr(b, &f.main));
        let mut explained: BTreeSet<&str> = BTreeSet::new();
        let num = |h: &[u8; 512], r: std::ops::Range<usize>| tarfmt::number(&h[r]);
        let text = |v: Option<&[u8]>| v.map(|v| String::from_utf8_lossy(v).into_owned());
        let owner = |x: &Entry, h: &[u8; 512]| {
            let n = |k: &str, r: std::ops::Range<usize>| {
                text(x.pax(k))
                    .unwrap_or_else(|| num(h, r).map(|v| v.to_string()).unwrap_or("?".into()))
            };
            let s = |k: &str, r: std::ops::Range<usize>| {
                text(x.pax(k))
                    .unwrap_or_else(|| String::from_utf8_lossy(tarfmt::cstr(&h[r])).into_owned())
            };
            format!(
                "{}:{} ({}:{})",
                n("uid", 108..116),
                n("gid", 116..124),
                archive::escape_text(&s("uname", 265..297)),
                archive::escape_text(&s("gname", 297..329))
            )
        };
        let mtime = |x: &Entry, h: &[u8; 512]| {
            text(x.pax("mtime")).unwrap_or_else(|| {
                num(h, 136..148)
                    .map(|v| v.to_string())
                    .unwrap_or("?".into())
            })
        };
        let mut field = |s: &mut Self,
                         cause: Cause,
                         what: &str,
                         x: String,
                         y: String,
                         fields: &[&'static str]| {
            if x != y {
                s.at(
                    cause,
                    Confidence::High,
                    Some(what.into()),
                    path,
                    p.to_vec(),
                    (None, None),
                    what,
                    Some(x),
                    Some(y),
                );
                explained.extend(fields);
            }
        };
        field(
            self,
            Cause::ArchiveMtime,
            "mtime",
            mtime(e, &ha),
            mtime(f, &hb),
            &["mtime"],
        );
        field(
            self,
            Cause::ArchiveOwner,
            "owner",
            owner(e, &ha),
            owner(f, &hb),
            &["uid", "gid", "uname", "gname"],
        );
        let mode = |h: &[u8; 512]| {
            num(h, 100..108)
                .map(|m| format!("{:o}", m & 0o7777))
                .unwrap_or("?".into())
        };
        field(
            self,
            Cause::ArchiveMode,
            "mode",
            mode(&ha),
            mode(&hb),
            &["mode"],
        );
        field(
            self,
            Cause::LinkTarget,
            "link target",
            display_name(&e.link),
            display_name(&f.link),
            &["linkname"],
        );
        let (kx, ky) = (tarfmt::kind(e.main.typeflag), tarfmt::kind(f.main.typeflag));
        field(
            self,
            Cause::FormatDiffers,
            "member type",
            kx.into(),
            ky.into(),
            &["typeflag"],
        );
        // PAX records, key by key.
        let effective = [
            "path", "linkpath", "size", "mtime", "uid", "gid", "uname", "gname",
        ];
        let pax_keys: BTreeSet<&str> = e
            .pax
            .iter()
            .chain(&f.pax)
            .map(|(k, _)| k.as_str())
            .collect();
        let mut records_reported = false;
        for k in pax_keys {
            let (va, vb) = (e.pax(k), f.pax(k));
            if va == vb {
                continue;
            }
            records_reported = true;
            let show = |v: Option<&[u8]>| Some(v.map(value).unwrap_or_else(|| "(absent)".into()));
            let mut ev = p.to_vec();
            ev.push(format!("PAX {}", archive::escape_text(k)));
            let (cause, what) = if tarfmt::is_xattr_key(k) {
                (Cause::ArchiveXattr, "extended attribute (PAX record)")
            } else if k == "atime" || k == "ctime" {
                (Cause::ArchiveMtime, "PAX time record")
            } else if effective.contains(&k) {
                let already = match k {
                    "mtime" => explained.contains("mtime"),
                    "uid" | "gid" | "uname" | "gname" => explained.contains("uid"),
                    "linkpath" => explained.contains("linkname"),
                    "size" => e.main.data.len() != f.main.data.len(),
                    _ => false,
                };
                if already {
                    continue;
                }
                (Cause::FormatDiffers, "PAX record (same effective value)")
            } else {
                (Cause::Unexplained, "PAX record")
            };
            self.at(
                cause,
                Confidence::High,
                Some(archive::escape_text(k)),
                path,
                ev,
                (None, None),
                what,
                show(va),
                show(vb),
            );
        }
        let pax_list_differs = e.pax != f.pax;
        if (pax_list_differs && !records_reported) || e.pax_malformed != f.pax_malformed {
            self.at(
                Cause::Unexplained,
                Confidence::Medium,
                Some("PAX records".into()),
                path,
                p.to_vec(),
                (Some(e.start()), Some(f.start())),
                "PAX records (order, repeated keys or malformed)",
                Some(format!(
                    "{} records{}",
                    e.pax.len(),
                    if e.pax_malformed { ", malformed" } else { "" }
                )),
                Some(format!(
                    "{} records{}",
                    f.pax.len(),
                    if f.pax_malformed { ", malformed" } else { "" }
                )),
            );
            records_reported = true;
        }
        // Extension headers: their type sequence, then each one's fields and data.
        let seq = |x: &Entry| {
            x.ext
                .iter()
                .map(|b| (b.typeflag as char).to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        // A PAX header present on one side only is explained by its records.
        let no_x = |x: &Entry| {
            x.ext
                .iter()
                .filter(|b| b.typeflag != b'x')
                .map(|b| b.typeflag)
                .collect::<Vec<_>>()
        };
        let x_only = no_x(e) == no_x(f) && records_reported;
        if seq(e) != seq(f) && x_only {
            let ox = |x: &Entry| {
                x.ext
                    .iter()
                    .filter(|b| b.typeflag != b'x')
                    .cloned()
                    .collect::<Vec<_>>()
            };
            for (x, y) in ox(e).iter().zip(&ox(f)) {
                let mut ev = p.to_vec();
                ev.push(format!("extension header '{}'", x.typeflag as char));
                let (hx, hy) = (hdr(a, x), hdr(b, y));
                let mut ex: BTreeSet<&str> = BTreeSet::new();
                if a[x.data.clone()] != b[y.data.clone()] {
                    self.at(
                        Cause::Unexplained,
                        Confidence::Medium,
                        Some("extension header data".into()),
                        path,
                        ev.clone(),
                        (Some(x.data.start), Some(y.data.start)),
                        "extension header data",
                        Some(value(&a[x.data.clone()])),
                        Some(value(&b[y.data.clone()])),
                    );
                    ex.insert("size");
                }
                self.ustar_fields(path, &ev, &hx, &hy, x.header, y.header, &mut ex, true);
                self.padding(path, &ev, a, b, x, y);
            }
        } else if seq(e) != seq(f) {
            let mut ev = p.to_vec();
            ev.push("extension headers".into());
            self.at(
                Cause::FormatDiffers,
                Confidence::Medium,
                Some("tar extension headers".into()),
                path,
                ev,
                (Some(e.start()), Some(f.start())),
                "extension headers before the member (x: PAX, L/K: GNU long name/link)",
                Some(format!("[{}]", seq(e))),
                Some(format!("[{}]", seq(f))),
            );
        } else {
            for (x, y) in e.ext.iter().zip(&f.ext) {
                let (hx, hy) = (hdr(a, x), hdr(b, y));
                let data_differs = a[x.data.clone()] != b[y.data.clone()];
                let data_explained = match x.typeflag {
                    b'x' => records_reported,
                    b'L' => e.name != f.name,
                    _ => e.link != f.link,
                };
                let mut ev = p.to_vec();
                ev.push(format!("extension header '{}'", x.typeflag as char));
                if data_differs && !data_explained {
                    self.at(
                        Cause::Unexplained,
                        Confidence::Medium,
                        Some("extension header data".into()),
                        path,
                        ev.clone(),
                        (Some(x.data.start), Some(y.data.start)),
                        "extension header data",
                        Some(value(&a[x.data.clone()])),
                        Some(value(&b[y.data.clone()])),
                    );
                }
                let mut ex: BTreeSet<&str> = BTreeSet::new();
                if data_differs {
                    ex.insert("size");
                }
                self.ustar_fields(path, &ev, &hx, &hy, x.header, y.header, &mut ex, true);
                self.padding(path, &ev, a, b, x, y);
            }
        }
        // The member's own header block.
        if e.main.data.len() != f.main.data.len() {
            explained.insert("size");
        }
        if e.name != f.name {
            explained.insert("name");
        }
        let mut ev = p.to_vec();
        ev.push("tar header".into());
        self.ustar_fields(
            path,
            &ev,
            &ha,
            &hb,
            e.main.header,
            f.main.header,
            &mut explained,
            false,
        );
        // Data and padding.
        let (da, db) = (&a[e.main.data.clone()], &b[f.main.data.clone()]);
        if e.main.typeflag == b'g' {
            // Records: compared above.
        } else {
            self.compare(p, da, db, depth + 1);
        }
        self.padding(path, p, a, b, &e.main, &f.main);
    }

    /// Padding after data: zeros are canonical; anything else is reported.
    fn padding(&mut self, path: &[String], p: &[String], a: &[u8], b: &[u8], x: &Block, y: &Block) {
        let (pa, pb) = (&a[x.pad.clone()], &b[y.pad.clone()]);
        let zero = |t: &[u8]| t.iter().all(|&c| c == 0);
        if pa != pb && !(zero(pa) && zero(pb)) {
            let mut ev = p.to_vec();
            ev.push("padding after the data".into());
            self.at(
                Cause::Unexplained,
                Confidence::Medium,
                Some("non-zero padding".into()),
                path,
                ev,
                (Some(x.pad.start), Some(y.pad.start)),
                "padding after member data (hidden bytes)",
                Some(tail_value(pa)),
                Some(tail_value(pb)),
            );
        }
    }

    /// The bytes of two ustar header blocks, field by field: a differing
    /// field not in `explained` is reported (the checksum follows any other).
    #[allow(clippy::too_many_arguments)]
    fn ustar_fields(
        &mut self,
        path: &[String],
        ev: &[String],
        ha: &[u8; 512],
        hb: &[u8; 512],
        off_a: usize,
        off_b: usize,
        explained: &mut BTreeSet<&str>,
        ext: bool,
    ) {
        let differing: Vec<&(&str, std::ops::Range<usize>)> = FIELDS
            .iter()
            .filter(|(_, r)| ha[r.clone()] != hb[r.clone()])
            .collect();
        let other = differing.iter().any(|(n, _)| *n != "checksum");
        if other {
            explained.insert("checksum");
        }
        let num = |h: &[u8; 512], r: &std::ops::Range<usize>| tarfmt::number(&h[r.clone()]);
        for (name, r) in differing {
            if explained.contains(name) {
                continue;
            }
            let (cause, what, subject): (Cause, String, String) = match *name {
                "magic" | "version" => (
                    Cause::FormatDiffers,
                    "tar header format (magic, version)".into(),
                    "tar header format".into(),
                ),
                "mtime" if ext => (
                    Cause::ArchiveMtime,
                    "extension header mtime".into(),
                    "extension header mtime".into(),
                ),
                "uid" | "gid" | "uname" | "gname" if ext => (
                    Cause::ArchiveOwner,
                    "extension header owner".into(),
                    "extension header owner".into(),
                ),
                "mode" if ext => (
                    Cause::ArchiveMode,
                    "extension header mode".into(),
                    "extension header mode".into(),
                ),
                "name" | "prefix" if !ext => (
                    Cause::Unexplained,
                    format!(
                        "ustar {name} field (what a reader without PAX or GNU long names extracts)"
                    ),
                    format!("tar header {name}"),
                ),
                _ => {
                    let same_value = matches!(
                        *name,
                        "mode" | "uid" | "gid" | "size" | "mtime" | "devmajor" | "devminor"
                    ) && num(ha, r).is_some()
                        && num(ha, r) == num(hb, r);
                    (
                        Cause::Unexplained,
                        if same_value {
                            format!("tar header {name} field (same value, encoded differently)")
                        } else {
                            format!("tar header {name} field")
                        },
                        format!("tar header {name}"),
                    )
                }
            };
            self.at(
                cause,
                Confidence::Medium,
                Some(subject),
                path,
                ev.to_vec(),
                (Some(off_a + r.start), Some(off_b + r.start)),
                &what,
                Some(field_value(&ha[r.clone()], &hb[r.clone()], true)),
                Some(field_value(&ha[r.clone()], &hb[r.clone()], false)),
            );
        }
    }
}

/// A zip member's content: stored, inflated within `limit`, or why not.
fn zip_data<'d>(
    d: &'d [u8],
    l: &zipfmt::Local,
    method: u16,
    declared: u64,
    limit: u64,
) -> archive::Data<'d> {
    let raw = &d[l.data.clone()];
    match method {
        0 => archive::Data::Borrowed(raw),
        8 => {
            if declared > limit {
                return archive::Data::Skipped(format!(
                    "too large to inflate within the cap (declared size {declared} bytes, {limit} bytes left)"
                ));
            }
            match archive::inflate_raw(raw, declared) {
                Ok(v) => archive::Data::Owned(v),
                Err(archive::Inflate::TooBig(_)) => archive::Data::Skipped(format!(
                    "member inflates past its declared size ({declared} bytes)"
                )),
                Err(e) => archive::Data::Skipped(e.to_string()),
            }
        }
        m => archive::Data::Skipped(format!("compression method {m} is not read")),
    }
}

/// The header bytes of a zip entry with the explained fields blanked, to
/// find differences nothing explains.
fn zip_residual(d: &[u8], e: &zipfmt::Entry, ex: &BTreeSet<&str>) -> Vec<u8> {
    let mut v = Vec::new();
    let blank = |v: &mut Vec<u8>, r: std::ops::Range<usize>, name: &str| {
        if ex.contains(name) {
            v.extend(std::iter::repeat_n(0u8, r.len()));
        } else {
            v.extend_from_slice(&d[r]);
        }
    };
    let c = e.central.start;
    // Central: made by, needed, flags, method, time, date, crc, csize, usize,
    // lengths, disk, internal, external attributes; the offset is layout.
    for (r, n) in [
        (4..6, "format"),
        (6..8, "format"),
        (8..10, "format"),
        (10..12, "method"),
        (12..16, "mtime"),
        (16..20, "content"),
        (20..24, "raw"),
        (24..28, "content"),
        (28..30, "name"),
        (30..32, "extra"),
        (32..34, "comment"),
        (34..36, "format"),
        (36..38, "format"),
        (38..42, "mode"),
    ] {
        blank(&mut v, c + r.start..c + r.end, n);
    }
    if !ex.contains("extra") {
        v.extend_from_slice(&d[e.extra.clone()]);
    }
    if !ex.contains("comment") {
        v.extend_from_slice(&d[e.comment.clone()]);
    }
    v.extend_from_slice(&e.name);
    if let Some(l) = &e.local {
        let h = l.header.start;
        for (r, n) in [
            (4..6, "format"),
            (6..8, "format"),
            (8..10, "method"),
            (10..14, "mtime"),
            (14..18, "content"),
            (18..22, "raw"),
            (22..26, "content"),
            (26..28, "name"),
            (28..30, "extra"),
        ] {
            blank(&mut v, h + r.start..h + r.end, n);
        }
        if !ex.contains("name") {
            v.extend_from_slice(&l.name);
        }
        if !ex.contains("extra") {
            v.extend_from_slice(&d[l.extra.clone()]);
        }
        let desc = &d[l.descriptor.clone()];
        if !ex.contains("content") && !ex.contains("raw") && !ex.contains("format") {
            v.extend_from_slice(desc);
        }
    }
    v
}

impl Engine<'_> {
    /// A zip archive, record by record.
    pub(super) fn zip(&mut self, path: &[String], a: &[u8], b: &[u8], depth: usize) {
        let la = zipfmt::list(a, self.opts.max_members);
        let lb = zipfmt::list(b, self.opts.max_members);
        for (l, side) in [(&la, "A"), (&lb, "B")] {
            if let Some(e) = &l.error {
                self.note("skipped", path, format!("zip on side {side}: {e}"));
            }
        }
        if la.eocd.is_empty() || lb.eocd.is_empty() {
            self.tail(path, "zip", a, 0, b, 0, false);
            return;
        }
        for l in [&la, &lb] {
            for e in &l.entries {
                let local = e.local.as_ref().map(|l| l.name.as_slice());
                for n in std::iter::once(e.name.as_slice()).chain(local) {
                    if archive::unsafe_name(&String::from_utf8_lossy(n)) {
                        self.note("unsafe-name", path, format!("member name {:?} would escape the extraction folder (reported, never used as a path)", display_name(n)));
                    }
                }
            }
        }
        let na: Vec<&[u8]> = la.entries.iter().map(|e| e.name.as_slice()).collect();
        let nb: Vec<&[u8]> = lb.entries.iter().map(|e| e.name.as_slice()).collect();
        let ka = keys(&na);
        let kb = keys(&nb);
        let kind = |l: &zipfmt::Listing| -> Vec<String> {
            l.entries
                .iter()
                .map(|e| if e.is_dir() { "dir" } else { "file" }.to_string())
                .collect()
        };
        let mut budget = self.budget;
        self.pair_members(path, (&ka, &kind(&la)), (&kb, &kind(&lb)), |s, p, i, j| {
            s.zip_pair(
                path,
                p,
                (a, &la.entries[i]),
                (b, &lb.entries[j]),
                depth,
                &mut budget,
            )
        });
        self.budget = budget;
        // A one-sided entry whose local header says something else.
        let (_, sa, sb) = shown(&ka, &kb);
        let ib: BTreeSet<&(Vec<u8>, usize)> = kb.iter().collect();
        let ia: BTreeSet<&(Vec<u8>, usize)> = ka.iter().collect();
        for (i, k) in ka.iter().enumerate() {
            if !ib.contains(k)
                && let Some(m) = zipfmt::mismatch(a, &la.entries[i])
            {
                let mut p = path.to_vec();
                p.push(sa[i].clone());
                self.at(
                    Cause::ZipHeaderMismatch,
                    Confidence::High,
                    Some(sa[i].clone()),
                    path,
                    p,
                    (Some(la.entries[i].central.start), None),
                    "local header against central directory",
                    Some(m),
                    None,
                );
            }
        }
        for (j, k) in kb.iter().enumerate() {
            if !ia.contains(k)
                && let Some(m) = zipfmt::mismatch(b, &lb.entries[j])
            {
                let mut p = path.to_vec();
                p.push(sb[j].clone());
                self.at(
                    Cause::ZipHeaderMismatch,
                    Confidence::High,
                    Some(sb[j].clone()),
                    path,
                    p,
                    (None, Some(lb.entries[j].central.start)),
                    "local header against central directory",
                    None,
                    Some(m),
                );
            }
        }
        // The end record: its comment; counts, sizes and offsets are layout.
        let (ca, cb) = (&a[la.comment.clone()], &b[lb.comment.clone()]);
        if ca != cb {
            let mut p = path.to_vec();
            p.push("zip comment".into());
            self.at(
                Cause::Unexplained,
                Confidence::Medium,
                Some("zip comment".into()),
                path,
                p,
                (Some(la.comment.start), Some(lb.comment.start)),
                "archive comment",
                Some(value(ca)),
                Some(value(cb)),
            );
        }
        let disks = |d: &[u8], e: &std::ops::Range<usize>| d[e.start + 4..e.start + 8].to_vec();
        if disks(a, &la.eocd) != disks(b, &lb.eocd) || la.zip64.is_empty() != lb.zip64.is_empty() {
            let mut p = path.to_vec();
            p.push("zip end record".into());
            let show = |d: &[u8], l: &zipfmt::Listing| {
                Some(format!(
                    "disks 0x{}, zip64 {}",
                    archive::hex(&disks(d, &l.eocd)),
                    if l.zip64.is_empty() { "no" } else { "yes" }
                ))
            };
            self.at(
                Cause::FormatDiffers,
                Confidence::Medium,
                Some("zip end record".into()),
                path,
                p,
                (Some(la.eocd.start), Some(lb.eocd.start)),
                "end record fields",
                show(a, &la),
                show(b, &lb),
            );
        }
        // Gaps: before the first record, between records, after the end record.
        let gap = |d: &[u8], l: &zipfmt::Listing, which: &str| -> (Option<usize>, Vec<u8>) {
            let mut first = None;
            let mut v = Vec::new();
            for (r, w) in l.gaps(d.len()) {
                if w == which {
                    first.get_or_insert(r.start);
                    v.extend_from_slice(&d[r]);
                }
            }
            (first, v)
        };
        for (which, what) in [
            ("before", "bytes before the first zip record"),
            ("after", "bytes after the zip end record"),
            ("between", "bytes between zip records"),
        ] {
            let ((oa, ga), (ob, gb)) = (gap(a, &la, which), gap(b, &lb, which));
            if ga != gb {
                let mut p = path.to_vec();
                p.push(what.into());
                let cause = if which == "between" {
                    Cause::Unexplained
                } else {
                    Cause::AppendedData
                };
                self.at(
                    cause,
                    Confidence::High,
                    Some(what.into()),
                    path,
                    p,
                    (oa, ob),
                    what,
                    Some(tail_value(&ga)),
                    Some(tail_value(&gb)),
                );
            }
        }
    }

    /// One pair of zip entries: header fields (central and local), the
    /// local/central agreement, data, descriptor.
    fn zip_pair(
        &mut self,
        path: &[String],
        p: &[String],
        (a, e): (&[u8], &zipfmt::Entry),
        (b, f): (&[u8], &zipfmt::Entry),
        depth: usize,
        budget: &mut u64,
    ) {
        let mut ex: BTreeSet<&str> = BTreeSet::new();
        let field = |s: &mut Self,
                     ex: &mut BTreeSet<&str>,
                     cause: Cause,
                     what: &str,
                     x: String,
                     y: String,
                     name: &'static str| {
            if x != y {
                s.at(
                    cause,
                    Confidence::High,
                    Some(what.into()),
                    path,
                    p.to_vec(),
                    (None, None),
                    what,
                    Some(x),
                    Some(y),
                );
                ex.insert(name);
            }
        };
        field(
            self,
            &mut ex,
            Cause::ArchiveMtime,
            "mtime",
            e.mtime(),
            f.mtime(),
            "mtime",
        );
        let mode = |m: Option<u32>| {
            m.map(|m| format!("{:o}", m & 0o7777))
                .unwrap_or_else(|| "(none)".into())
        };
        field(
            self,
            &mut ex,
            Cause::ArchiveMode,
            "mode",
            mode(e.mode()),
            mode(f.mode()),
            "mode",
        );
        let extra = |d: &[u8], e: &zipfmt::Entry| {
            let local = e
                .local
                .as_ref()
                .map(|l| archive::zip_extra(&d[l.extra.clone()]))
                .unwrap_or_default();
            format!(
                "central: {}; local: {local}",
                archive::zip_extra(&d[e.extra.clone()])
            )
        };
        field(
            self,
            &mut ex,
            Cause::ZipExtraFields,
            "zip extra fields",
            extra(a, e),
            extra(b, f),
            "extra",
        );
        let fmt = |d: &[u8], e: &zipfmt::Entry| {
            let c = e.central.start;
            let local = e
                .local
                .as_ref()
                .map(|l| archive::hex(&d[l.header.start + 4..l.header.start + 8]))
                .unwrap_or_default();
            let desc = e
                .local
                .as_ref()
                .map(|l| d[l.descriptor.clone()].starts_with(b"PK\x07\x08"))
                .unwrap_or(false);
            format!(
                "made by/needed/flags 0x{}, disk/internal 0x{}, local needed/flags 0x{local}, descriptor signature {}",
                archive::hex(&d[c + 4..c + 10]),
                archive::hex(&d[c + 34..c + 38]),
                if desc { "yes" } else { "no" }
            )
        };
        field(
            self,
            &mut ex,
            Cause::FormatDiffers,
            "zip header fields",
            fmt(a, e),
            fmt(b, f),
            "format",
        );
        field(
            self,
            &mut ex,
            Cause::Unexplained,
            "entry comment",
            value(&a[e.comment.clone()]),
            value(&b[f.comment.clone()]),
            "comment",
        );
        let (ma, mb) = (zipfmt::mismatch(a, e), zipfmt::mismatch(b, f));
        if ma != mb {
            let c = |m: Option<String>| Some(m.unwrap_or_else(|| "consistent".into()));
            self.at(
                Cause::ZipHeaderMismatch,
                Confidence::High,
                p.last().cloned(),
                path,
                p.to_vec(),
                (Some(e.central.start), Some(f.central.start)),
                "local header against central directory",
                c(ma),
                c(mb),
            );
            ex.insert("name");
            ex.insert("content");
            ex.insert("raw");
            ex.insert("method");
        }
        // Data.
        match (&e.local, &f.local) {
            (Some(x), Some(y)) => {
                let (ra, rb) = (&a[x.data.clone()], &b[y.data.clone()]);
                if ra == rb && e.method == f.method {
                    self.stats.entries += 1;
                } else {
                    ex.insert("raw");
                    ex.insert("method");
                    let da = zip_data(a, x, e.method, e.usize, *budget);
                    if let Some(v) = da.bytes() {
                        *budget = budget.saturating_sub(v.len() as u64);
                    }
                    let db = zip_data(b, y, f.method, f.usize, *budget);
                    if let Some(v) = db.bytes() {
                        *budget = budget.saturating_sub(v.len() as u64);
                    }
                    match (da.bytes(), db.bytes()) {
                        (Some(u), Some(v)) => {
                            if u == v {
                                let c = |e: &zipfmt::Entry| {
                                    Some(format!("method {}, {} bytes", e.method, e.csize))
                                };
                                self.at(
                                    Cause::Recompression,
                                    Confidence::High,
                                    None,
                                    path,
                                    p.to_vec(),
                                    (None, None),
                                    "compressed member",
                                    c(e),
                                    c(f),
                                );
                            } else {
                                ex.insert("content");
                            }
                            self.compare(p, u, v, depth + 1);
                        }
                        _ => {
                            for d in [&da, &db] {
                                if let archive::Data::Skipped(why) = d {
                                    self.note("limit", p, why.clone());
                                }
                            }
                            ex.insert("content");
                            self.at(
                                Cause::Unexplained,
                                Confidence::Low,
                                Some("member not decompressed".into()),
                                path,
                                p.to_vec(),
                                (Some(x.data.start), Some(y.data.start)),
                                "compressed bytes (not decompressed)",
                                Some(format!("{} bytes", ra.len())),
                                Some(format!("{} bytes", rb.len())),
                            );
                        }
                    }
                }
            }
            _ => {
                ex.insert("content");
                ex.insert("raw");
            }
        }
        let (xa, xb) = (zip_residual(a, e, &ex), zip_residual(b, f, &ex));
        if xa != xb {
            let mut ev = p.to_vec();
            ev.push("zip headers".into());
            self.at(
                Cause::Unexplained,
                Confidence::Medium,
                Some("zip header bytes".into()),
                path,
                ev,
                (Some(e.central.start), Some(f.central.start)),
                "central or local header bytes no field explains",
                Some(format!("0x{}", archive::hex(&xa))),
                Some(format!("0x{}", archive::hex(&xb))),
            );
        }
    }
}
