//! zip: each entry's header fields (central and local), the agreement of
//! local header and central directory, its data (inflated within the
//! budget, compared as its own kind), and the header bytes no field
//! explains; then the end record, its comment and the gaps between records.

use std::collections::BTreeSet;

use super::Engine;
use super::members::{keys, off, shown, tail_value, value};
use crate::archive::{self, display_name};
use crate::model::{Cause, Confidence};
use crate::zipfmt;

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

/// One side of a zip comparison: its bytes, their listing, and the keys
/// pairing its entries.
#[derive(Clone, Copy)]
struct ZipSide<'s> {
    d: &'s [u8],
    l: &'s zipfmt::Listing,
    keys: &'s [(Vec<u8>, usize)],
}

/// The kind of each entry, for pairing: `dir` or `file`.
fn entry_kinds(l: &zipfmt::Listing) -> Vec<String> {
    l.entries
        .iter()
        .map(|e| if e.is_dir() { "dir" } else { "file" }.to_string())
        .collect()
}

/// The first offset and the bytes of the gaps of one kind (`before`,
/// `between` or `after` the records) of a zip.
fn zip_gap(d: &[u8], l: &zipfmt::Listing, which: &str) -> (Option<usize>, Vec<u8>) {
    let mut first = None;
    let mut v = Vec::new();
    for (r, w) in l.gaps(d.len()) {
        if w == which {
            first.get_or_insert(r.start);
            v.extend_from_slice(&d[r]);
        }
    }
    (first, v)
}

/// The disk numbers of a zip end record (the bytes after its signature).
fn eocd_disks(d: &[u8], e: &std::ops::Range<usize>) -> Vec<u8> {
    d[e.start + 4..e.start + 8].to_vec()
}

/// An entry's permission bits in octal, or `(none)`.
fn zip_mode(m: Option<u32>) -> String {
    m.map(|m| format!("{:o}", m & 0o7777))
        .unwrap_or_else(|| "(none)".into())
}

/// An entry's extra fields, central and local, for evidence.
fn zip_extra_summary(d: &[u8], e: &zipfmt::Entry) -> String {
    let local = e
        .local
        .as_ref()
        .map(|l| archive::zip_extra(&d[l.extra.clone()]))
        .unwrap_or_default();
    format!(
        "central: {}; local: {local}",
        archive::zip_extra(&d[e.extra.clone()])
    )
}

/// An entry's format fields (versions, flags, disk, internal attributes,
/// descriptor signature), for evidence.
fn zip_format_summary(d: &[u8], e: &zipfmt::Entry) -> String {
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
        self.zip_unsafe_names(path, [&la, &lb]);
        let na: Vec<&[u8]> = la.entries.iter().map(|e| e.name.as_slice()).collect();
        let nb: Vec<&[u8]> = lb.entries.iter().map(|e| e.name.as_slice()).collect();
        let ka = keys(&na);
        let kb = keys(&nb);
        let x = ZipSide {
            d: a,
            l: &la,
            keys: &ka,
        };
        let y = ZipSide {
            d: b,
            l: &lb,
            keys: &kb,
        };
        self.zip_pairs(path, x, y, depth);
        self.zip_one_sided(path, x, y);
        self.zip_end_record(path, x, y);
        self.zip_gaps(path, x, y);
    }

    /// Notes every entry name (central or local) that would escape the
    /// extraction folder.
    fn zip_unsafe_names(&mut self, path: &[String], listings: [&zipfmt::Listing; 2]) {
        for l in listings {
            for e in &l.entries {
                let local = e.local.as_ref().map(|l| l.name.as_slice());
                for n in std::iter::once(e.name.as_slice()).chain(local) {
                    if archive::unsafe_name(&String::from_utf8_lossy(n)) {
                        self.note("unsafe-name", path, format!("member name {:?} would escape the extraction folder (reported, never used as a path)", display_name(n)));
                    }
                }
            }
        }
    }

    /// Pairs the entries of both sides and compares each pair within the
    /// decompression budget.
    fn zip_pairs(&mut self, path: &[String], x: ZipSide, y: ZipSide, depth: usize) {
        let mut budget = self.budget;
        let (kind_a, kind_b) = (entry_kinds(x.l), entry_kinds(y.l));
        self.pair_members(path, (x.keys, &kind_a), (y.keys, &kind_b), |s, p, i, j| {
            s.zip_pair(
                path,
                p,
                (x.d, &x.l.entries[i]),
                (y.d, &y.l.entries[j]),
                depth,
                &mut budget,
            )
        });
        self.budget = budget;
    }

    /// A one-sided entry whose local header says something else than the
    /// central directory.
    fn zip_one_sided(&mut self, path: &[String], x: ZipSide, y: ZipSide) {
        let (_, sa, sb) = shown(x.keys, y.keys);
        let ib: BTreeSet<&(Vec<u8>, usize)> = y.keys.iter().collect();
        let ia: BTreeSet<&(Vec<u8>, usize)> = x.keys.iter().collect();
        for (side, names, other, in_a) in [(x, &sa, &ib, true), (y, &sb, &ia, false)] {
            for (i, k) in side.keys.iter().enumerate() {
                if other.contains(k) {
                    continue;
                }
                let Some(m) = zipfmt::mismatch(side.d, &side.l.entries[i]) else {
                    continue;
                };
                let mut p = path.to_vec();
                p.push(names[i].clone());
                let at = Some(side.l.entries[i].central.start);
                let (oa, ob, va, vb) = if in_a {
                    (at, None, Some(m), None)
                } else {
                    (None, at, None, Some(m))
                };
                self.obs(
                    Cause::ZipHeaderMismatch,
                    Confidence::High,
                    Some(names[i].clone()),
                    path,
                    p,
                    off(oa, ob),
                    "local header against central directory",
                    va,
                    vb,
                );
            }
        }
    }

    /// The end record: its comment, its disk numbers and whether a zip64
    /// end record is there; counts, sizes and offsets are layout.
    fn zip_end_record(&mut self, path: &[String], x: ZipSide, y: ZipSide) {
        let (a, la, b, lb) = (x.d, x.l, y.d, y.l);
        let (ca, cb) = (&a[la.comment.clone()], &b[lb.comment.clone()]);
        if ca != cb {
            let mut p = path.to_vec();
            p.push("zip comment".into());
            self.obs(
                Cause::Unexplained,
                Confidence::Medium,
                Some("zip comment".into()),
                path,
                p,
                off(Some(la.comment.start), Some(lb.comment.start)),
                "archive comment",
                Some(value(ca)),
                Some(value(cb)),
            );
        }
        if eocd_disks(a, &la.eocd) != eocd_disks(b, &lb.eocd)
            || la.zip64.is_empty() != lb.zip64.is_empty()
        {
            let mut p = path.to_vec();
            p.push("zip end record".into());
            let show = |d: &[u8], l: &zipfmt::Listing| {
                Some(format!(
                    "disks 0x{}, zip64 {}",
                    archive::hex(&eocd_disks(d, &l.eocd)),
                    if l.zip64.is_empty() { "no" } else { "yes" }
                ))
            };
            self.obs(
                Cause::FormatDiffers,
                Confidence::Medium,
                Some("zip end record".into()),
                path,
                p,
                off(Some(la.eocd.start), Some(lb.eocd.start)),
                "end record fields",
                show(a, la),
                show(b, lb),
            );
        }
    }

    /// Gaps: before the first record, between records, after the end record.
    fn zip_gaps(&mut self, path: &[String], x: ZipSide, y: ZipSide) {
        for (which, what) in [
            ("before", "bytes before the first zip record"),
            ("after", "bytes after the zip end record"),
            ("between", "bytes between zip records"),
        ] {
            let ((oa, ga), (ob, gb)) = (zip_gap(x.d, x.l, which), zip_gap(y.d, y.l, which));
            if ga != gb {
                let mut p = path.to_vec();
                p.push(what.into());
                let cause = if which == "between" {
                    Cause::Unexplained
                } else {
                    Cause::AppendedData
                };
                self.obs(
                    cause,
                    Confidence::High,
                    Some(what.into()),
                    path,
                    p,
                    off(oa, ob),
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
        let mut ex = self.zip_entry_fields(path, p, (a, e), (b, f));
        self.zip_member_data(path, p, (a, e), (b, f), depth, budget, &mut ex);
        let (xa, xb) = (zip_residual(a, e, &ex), zip_residual(b, f, &ex));
        if xa != xb {
            let mut ev = p.to_vec();
            ev.push("zip headers".into());
            self.obs(
                Cause::Unexplained,
                Confidence::Medium,
                Some("zip header bytes".into()),
                path,
                ev,
                off(Some(e.central.start), Some(f.central.start)),
                "central or local header bytes no field explains",
                Some(format!("0x{}", archive::hex(&xa))),
                Some(format!("0x{}", archive::hex(&xb))),
            );
        }
    }

    /// mtime, mode, extra fields, format fields, comment and the local
    /// header against the central directory of an entry pair; returns the
    /// header fields so explained.
    fn zip_entry_fields(
        &mut self,
        path: &[String],
        p: &[String],
        (a, e): (&[u8], &zipfmt::Entry),
        (b, f): (&[u8], &zipfmt::Entry),
    ) -> BTreeSet<&'static str> {
        let mut ex: BTreeSet<&'static str> = BTreeSet::new();
        // (cause, what, value on A, value on B, header field explained)
        let fields = [
            (Cause::ArchiveMtime, "mtime", e.mtime(), f.mtime(), "mtime"),
            (
                Cause::ArchiveMode,
                "mode",
                zip_mode(e.mode()),
                zip_mode(f.mode()),
                "mode",
            ),
            (
                Cause::ZipExtraFields,
                "zip extra fields",
                zip_extra_summary(a, e),
                zip_extra_summary(b, f),
                "extra",
            ),
            (
                Cause::FormatDiffers,
                "zip header fields",
                zip_format_summary(a, e),
                zip_format_summary(b, f),
                "format",
            ),
            (
                Cause::Unexplained,
                "entry comment",
                value(&a[e.comment.clone()]),
                value(&b[f.comment.clone()]),
                "comment",
            ),
        ];
        for (cause, what, x, y, name) in fields {
            if self.header_field(cause, path, p, what, (x, y)) {
                ex.insert(name);
            }
        }
        self.zip_entry_mismatch(path, p, (a, e), (b, f), &mut ex);
        ex
    }

    /// The local header against the central directory, when the two sides
    /// disagree about it; the fields it explains go into `ex`.
    fn zip_entry_mismatch(
        &mut self,
        path: &[String],
        p: &[String],
        (a, e): (&[u8], &zipfmt::Entry),
        (b, f): (&[u8], &zipfmt::Entry),
        ex: &mut BTreeSet<&'static str>,
    ) {
        let (ma, mb) = (zipfmt::mismatch(a, e), zipfmt::mismatch(b, f));
        if ma != mb {
            let c = |m: Option<String>| Some(m.unwrap_or_else(|| "consistent".into()));
            self.obs(
                Cause::ZipHeaderMismatch,
                Confidence::High,
                p.last().cloned(),
                path,
                p.to_vec(),
                off(Some(e.central.start), Some(f.central.start)),
                "local header against central directory",
                c(ma),
                c(mb),
            );
            ex.insert("name");
            ex.insert("content");
            ex.insert("raw");
            ex.insert("method");
        }
    }

    /// An entry pair's data: equal, recompressed, compared one level down
    /// once inflated (within `budget`), or not decompressed; what it
    /// explains goes into `ex`.
    #[allow(clippy::too_many_arguments)]
    fn zip_member_data(
        &mut self,
        path: &[String],
        p: &[String],
        (a, e): (&[u8], &zipfmt::Entry),
        (b, f): (&[u8], &zipfmt::Entry),
        depth: usize,
        budget: &mut u64,
        ex: &mut BTreeSet<&'static str>,
    ) {
        match (&e.local, &f.local) {
            (Some(x), Some(y)) => {
                let (ra, rb) = (&a[x.data.clone()], &b[y.data.clone()]);
                if ra == rb && e.method == f.method {
                    self.stats.entries += 1;
                } else {
                    ex.insert("raw");
                    ex.insert("method");
                    let da = archive::zip_data(&a[x.data.clone()], e.method, e.usize, *budget);
                    if let Some(v) = da.bytes() {
                        *budget = budget.saturating_sub(v.len() as u64);
                    }
                    let db = archive::zip_data(&b[y.data.clone()], f.method, f.usize, *budget);
                    if let Some(v) = db.bytes() {
                        *budget = budget.saturating_sub(v.len() as u64);
                    }
                    match (da.bytes(), db.bytes()) {
                        (Some(u), Some(v)) => {
                            if u == v {
                                let c = |e: &zipfmt::Entry| {
                                    Some(format!("method {}, {} bytes", e.method, e.csize))
                                };
                                self.obs(
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
                            self.obs(
                                Cause::Unexplained,
                                Confidence::Low,
                                Some("member not decompressed".into()),
                                path,
                                p.to_vec(),
                                off(Some(x.data.start), Some(y.data.start)),
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
    }
}
