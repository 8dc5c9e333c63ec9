//! tar: each member's header field by field (mtime, owner, mode, link
//! target, type), its PAX records key by key, its extension headers, its
//! data (compared as its own kind) and padding; then the end-of-archive
//! marker and what follows it.

use std::collections::BTreeSet;

use super::Engine;
use super::members::{field_value, keys, off, tail_value, value};
use crate::archive::{self, display_name};
use crate::model::{Cause, Confidence};
use crate::tarfmt::{self, Block, Entry, FIELDS};

impl Engine<'_> {
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
        let (ha, hb) = (header_block(a, &e.main), header_block(b, &f.main));
        let mut explained = self.tar_member_fields(path, p, (e, &ha), (f, &hb));
        let records_reported = self.tar_pax_records(path, p, e, f, &explained);
        self.tar_ext_headers(path, p, (a, e), (b, f), records_reported);
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

    /// mtime, owner, mode, link target and type of a member pair, each a
    /// finding when it differs; returns the header fields so explained.
    fn tar_member_fields(
        &mut self,
        path: &[String],
        p: &[String],
        (e, ha): (&Entry, &[u8; 512]),
        (f, hb): (&Entry, &[u8; 512]),
    ) -> BTreeSet<&'static str> {
        let mut explained: BTreeSet<&'static str> = BTreeSet::new();
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
            if s.header_field(cause, path, p, what, (x, y)) {
                explained.extend(fields);
            }
        };
        field(
            self,
            Cause::ArchiveMtime,
            "mtime",
            mtime(e, ha),
            mtime(f, hb),
            &["mtime"],
        );
        field(
            self,
            Cause::ArchiveOwner,
            "owner",
            owner(e, ha),
            owner(f, hb),
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
            mode(ha),
            mode(hb),
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
        explained
    }

    /// The PAX records of a member pair, key by key; returns whether any
    /// difference in them was reported.
    fn tar_pax_records(
        &mut self,
        path: &[String],
        p: &[String],
        e: &Entry,
        f: &Entry,
        explained: &BTreeSet<&'static str>,
    ) -> bool {
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
            self.obs(
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
            self.obs(
                Cause::Unexplained,
                Confidence::Medium,
                Some("PAX records".into()),
                path,
                p.to_vec(),
                off(Some(e.start()), Some(f.start())),
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
        records_reported
    }

    /// The extension headers before a member pair: their type sequence,
    /// then each one's fields and data.
    fn tar_ext_headers(
        &mut self,
        path: &[String],
        p: &[String],
        (a, e): (&[u8], &Entry),
        (b, f): (&[u8], &Entry),
        records_reported: bool,
    ) {
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
                .cloned()
                .collect::<Vec<_>>()
        };
        let (ox, oy) = (no_x(e), no_x(f));
        let flags = |v: &[Block]| v.iter().map(|b| b.typeflag).collect::<Vec<_>>();
        let x_only = flags(&ox) == flags(&oy) && records_reported;
        if seq(e) != seq(f) && x_only {
            for (x, y) in ox.iter().zip(&oy) {
                let mut ev = p.to_vec();
                ev.push(format!("extension header '{}'", x.typeflag as char));
                let (hx, hy) = (header_block(a, x), header_block(b, y));
                let mut ex: BTreeSet<&str> = BTreeSet::new();
                if a[x.data.clone()] != b[y.data.clone()] {
                    self.ext_data(path, &ev, (a, x), (b, y));
                    ex.insert("size");
                }
                self.ustar_fields(path, &ev, &hx, &hy, x.header, y.header, &mut ex, true);
                self.padding(path, &ev, a, b, x, y);
            }
        } else if seq(e) != seq(f) {
            let mut ev = p.to_vec();
            ev.push("extension headers".into());
            self.obs(
                Cause::FormatDiffers,
                Confidence::Medium,
                Some("tar extension headers".into()),
                path,
                ev,
                off(Some(e.start()), Some(f.start())),
                "extension headers before the member (x: PAX, L/K: GNU long name/link)",
                Some(format!("[{}]", seq(e))),
                Some(format!("[{}]", seq(f))),
            );
        } else {
            for (x, y) in e.ext.iter().zip(&f.ext) {
                let (hx, hy) = (header_block(a, x), header_block(b, y));
                let data_differs = a[x.data.clone()] != b[y.data.clone()];
                let data_explained = match x.typeflag {
                    b'x' => records_reported,
                    b'L' => e.name != f.name,
                    _ => e.link != f.link,
                };
                let mut ev = p.to_vec();
                ev.push(format!("extension header '{}'", x.typeflag as char));
                if data_differs && !data_explained {
                    self.ext_data(path, &ev, (a, x), (b, y));
                }
                let mut ex: BTreeSet<&str> = BTreeSet::new();
                if data_differs {
                    ex.insert("size");
                }
                self.ustar_fields(path, &ev, &hx, &hy, x.header, y.header, &mut ex, true);
                self.padding(path, &ev, a, b, x, y);
            }
        }
    }

    /// Padding after data: zeros are canonical; anything else is reported.
    /// The data of an extension header (PAX, GNU long name) differs and no
    /// rule explains it.
    fn ext_data(
        &mut self,
        path: &[String],
        ev: &[String],
        (a, x): (&[u8], &Block),
        (b, y): (&[u8], &Block),
    ) {
        self.obs(
            Cause::Unexplained,
            Confidence::Medium,
            Some("extension header data".into()),
            path,
            ev.to_vec(),
            off(Some(x.data.start), Some(y.data.start)),
            "extension header data",
            Some(value(&a[x.data.clone()])),
            Some(value(&b[y.data.clone()])),
        );
    }

    fn padding(&mut self, path: &[String], p: &[String], a: &[u8], b: &[u8], x: &Block, y: &Block) {
        let (pa, pb) = (&a[x.pad.clone()], &b[y.pad.clone()]);
        let zero = |t: &[u8]| t.iter().all(|&c| c == 0);
        if pa != pb && !(zero(pa) && zero(pb)) {
            let mut ev = p.to_vec();
            ev.push("padding after the data".into());
            self.obs(
                Cause::Unexplained,
                Confidence::Medium,
                Some("non-zero padding".into()),
                path,
                ev,
                off(Some(x.pad.start), Some(y.pad.start)),
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
            self.obs(
                cause,
                Confidence::Medium,
                Some(subject),
                path,
                ev.to_vec(),
                off(Some(off_a + r.start), Some(off_b + r.start)),
                &what,
                Some(field_value(&ha[r.clone()], &hb[r.clone()], true)),
                Some(field_value(&ha[r.clone()], &hb[r.clone()], false)),
            );
        }
    }
}

/// The 512-byte header block of `bl` in `d`.
fn header_block(d: &[u8], bl: &Block) -> [u8; 512] {
    let mut h = [0u8; 512];
    h.copy_from_slice(&d[bl.header..bl.header + 512]);
    h
}
