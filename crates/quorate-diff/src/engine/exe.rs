//! Executables (ELF, Mach-O, PE): build info first, then the section set
//! and the post-link strip rule, then each common section's bytes and what
//! follows the last section; knock-on regions are held back and counted
//! once a cause is known ([`crate::causes::knock_on`]).

use std::collections::{BTreeMap, BTreeSet};

use object::{Object, ObjectSection};

use super::Engine;
use crate::causes::knock_on;
use crate::executable::{
    SecInfo, buildinfo_hint, elf_sh, is_buildinfo_section, is_strip_section, sections,
};
use crate::gobuild::{self, BuildInfo};
use crate::model::{Cause, Confidence};

impl Engine<'_> {
    pub(super) fn exe(&mut self, path: &[String], a: &[u8], b: &[u8]) {
        let (fa, fb) = match (object::File::parse(a), object::File::parse(b)) {
            (Ok(x), Ok(y)) => (x, y),
            (ra, rb) => {
                for (r, side) in [(ra.err(), "A"), (rb.err(), "B")] {
                    if let Some(e) = r {
                        self.note(
                            "skipped",
                            path,
                            format!("malformed executable on side {side} ({e}): compared as bytes"),
                        );
                    }
                }
                self.bytes(path, path.to_vec(), a, b, None);
                return;
            }
        };
        let outer = self.buffer.replace(Vec::new());
        let sa = sections(&fa, a);
        let sb = sections(&fb, b);
        self.buildinfo_differs = false;
        let (ta, tb) = (truncation(&sa, &fa, a), truncation(&sb, &fb, b));
        if ta.is_some() || tb.is_some() {
            self.exe_truncated(path, (a, ta), (b, tb));
            let outer_local = std::mem::replace(&mut self.buffer, outer).unwrap_or_default();
            for o in outer_local {
                self.observe(o);
            }
            return;
        }
        // Go build info.
        let bia = gobuild::read(a, buildinfo_hint(&sa));
        let bib = gobuild::read(b, buildinfo_hint(&sb));
        let trimmed = |b: &Option<Result<BuildInfo, gobuild::BuildInfoError>>| matches!(b, Some(Ok(bi)) if bi.setting("-trimpath") == Some("true"));
        let trimpath_both = trimmed(&bia) && trimmed(&bib);
        let buildinfo_causes = self.exe_buildinfo(path, a, bia, bib);
        let strip = self.exe_section_sets(path, (a, &sa, &fa), (b, &sb, &fb));
        self.exe_sections(path, (a, &sa), (b, &sb), strip, buildinfo_causes);
        self.exe_finish(path, outer, trimpath_both, buildinfo_causes);
    }

    /// A truncated or malformed executable on one side at least: one
    /// finding with what each side is, and a note; its sections are not
    /// compared.
    fn exe_truncated(
        &mut self,
        path: &[String],
        (a, ta): (&[u8], Option<String>),
        (b, tb): (&[u8], Option<String>),
    ) {
        let ok = |d: &[u8]| format!("{} bytes, complete", d.len());
        let va = ta.unwrap_or_else(|| ok(a));
        let vb = tb.unwrap_or_else(|| ok(b));
        self.obs(
            Cause::Unexplained,
            Confidence::Medium,
            Some("truncated or malformed executable".into()),
            path,
            path.to_vec(),
            (None, None),
            "truncated or malformed executable",
            Some(va),
            Some(vb),
        );
        self.note(
            "skipped",
            path,
            "a truncated or malformed executable: its sections were not compared one by one",
        );
    }

    /// The Go build info of both sides, compared field by field (or
    /// present on one side only); whether it gave a build-level cause.
    fn exe_buildinfo(
        &mut self,
        path: &[String],
        a: &[u8],
        bia: Option<Result<BuildInfo, gobuild::BuildInfoError>>,
        bib: Option<Result<BuildInfo, gobuild::BuildInfoError>>,
    ) -> bool {
        let mut buildinfo_causes = false;
        match (bia, bib) {
            (Some(Ok(x)), Some(Ok(y))) => {
                let before = self.observed;
                buildinfo_causes = self.compare_buildinfo(path, &x, &y);
                self.buildinfo_differs |= self.observed != before;
            }
            (Some(Ok(x)), None) | (None, Some(Ok(x))) => {
                let mut p = path.to_vec();
                p.push("Go build info".into());
                let present = Some(format!("present ({})", x.go_version));
                let in_a = a.len() >= x.offset && a[x.offset..].starts_with(gobuild::MAGIC);
                let (va, vb) = if in_a {
                    (present, Some("absent".to_string()))
                } else {
                    (Some("absent".to_string()), present)
                };
                self.obs(
                    Cause::GoBuildSetting,
                    Confidence::Medium,
                    Some("build info".into()),
                    path,
                    p,
                    (None, None),
                    "Go build info",
                    va,
                    vb,
                );
                buildinfo_causes = true;
            }
            _ => {}
        }
        buildinfo_causes
    }

    /// The section sets: sections on one side only, or the post-link
    /// strip rule when they fit it; whether they do.
    fn exe_section_sets(
        &mut self,
        path: &[String],
        (a, sa, fa): (&[u8], &[SecInfo], &object::File),
        (b, sb, fb): (&[u8], &[SecInfo], &object::File),
    ) -> bool {
        let na: BTreeMap<&str, &SecInfo> = sa.iter().map(|s| (s.name.as_str(), s)).collect();
        let nb: BTreeMap<&str, &SecInfo> = sb.iter().map(|s| (s.name.as_str(), s)).collect();
        let alloc_set = |m: &BTreeMap<&str, &SecInfo>| {
            m.values()
                .filter(|s| s.alloc)
                .map(|s| s.name.clone())
                .collect::<BTreeSet<_>>()
        };
        let alloc_equal = alloc_set(&na) == alloc_set(&nb)
            && na
                .values()
                .filter(|s| s.alloc)
                .all(|s| nb.get(s.name.as_str()).is_some_and(|t| t.data == s.data));
        let only_a: Vec<&str> = na
            .keys()
            .filter(|k| !nb.contains_key(*k))
            .copied()
            .collect();
        let only_b: Vec<&str> = nb
            .keys()
            .filter(|k| !na.contains_key(*k))
            .copied()
            .collect();
        let strip_evidence = strip_evidence(
            StripSide {
                d: a,
                secs: sa,
                only: &only_a,
                f: fa,
            },
            StripSide {
                d: b,
                secs: sb,
                only: &only_b,
                f: fb,
            },
        );
        let strip = !strip_evidence.is_empty();
        if strip {
            let conf = if alloc_equal {
                Confidence::High
            } else {
                Confidence::Medium
            };
            for (what, va, vb, sec) in strip_evidence {
                let mut p = path.to_vec();
                if let Some(s) = sec {
                    p.push(s);
                }
                self.obs(
                    Cause::PostLinkStrip,
                    conf,
                    Some(what.clone()),
                    path,
                    p,
                    (None, None),
                    &what,
                    va,
                    vb,
                );
            }
        } else {
            self.exe_one_sided_sections(path, &only_a, &only_b);
        }
        strip
    }

    /// Sections on one side only, when no strip explains them.
    fn exe_one_sided_sections(&mut self, path: &[String], only_a: &[&str], only_b: &[&str]) {
        for (names, in_a) in [(only_a, true), (only_b, false)] {
            for n in names.iter() {
                let mut p = path.to_vec();
                p.push((*n).to_string());
                let v = Some("present".to_string());
                let (x, y) = if in_a { (v, None) } else { (None, v) };
                self.obs(
                    Cause::Unexplained,
                    Confidence::Low,
                    None,
                    path,
                    p,
                    (None, None),
                    "section on one side only",
                    x,
                    y,
                );
            }
        }
    }

    /// Each common section's bytes (with a strip, only the allocated
    /// ones), then the bytes after the last section.
    fn exe_sections(
        &mut self,
        path: &[String],
        (a, sa): (&[u8], &[SecInfo]),
        (b, sb): (&[u8], &[SecInfo]),
        strip: bool,
        buildinfo_causes: bool,
    ) {
        let nb: BTreeMap<&str, &SecInfo> = sb.iter().map(|s| (s.name.as_str(), s)).collect();
        let bi_off = |s: &[SecInfo]| {
            s.iter()
                .find(|s| is_buildinfo_section(&s.name))
                .map(|s| s.name.clone())
        };
        let bi_sec = bi_off(sa).or_else(|| bi_off(sb));
        // Data moved when the file or a common section changed size: its
        // pointers and offsets are then displaced, not strings.
        self.displaced = a.len() != b.len()
            || sa.iter().any(|s| {
                nb.get(s.name.as_str())
                    .is_some_and(|t| t.data.len() != s.data.len())
            });
        for s in sa {
            let Some(t) = nb.get(s.name.as_str()) else {
                continue;
            };
            if s.data == t.data || self.timed_out {
                continue;
            }
            if strip && !s.alloc {
                continue; // metadata rewritten by the strip: in its evidence
            }
            if self.buildinfo_differs && bi_sec.as_deref() == Some(s.name.as_str()) {
                continue; // the build info itself: compared field by field
            }
            if self.out_of_time(path) {
                break;
            }
            let mut p = path.to_vec();
            p.push(s.name.clone());
            // With a build-level cause every section may differ: locate a
            // few regions per section (store paths still show), no more.
            let saved = self.opts.max_regions;
            if buildinfo_causes {
                self.opts.max_regions = saved.min(64);
            }
            self.bytes(path, p, s.data, t.data, Some((s, t)));
            self.opts.max_regions = saved;
        }
        self.displaced = false;
        // Bytes after the last section (appended data, signatures, padding).
        let end = |secs: &[SecInfo], d: &[u8]| {
            secs.iter()
                .map(|s| s.file_off.saturating_add(s.data.len() as u64))
                .max()
                .unwrap_or(0)
                .min(d.len() as u64) as usize
        };
        let (ea, eb) = (end(sa, a), end(sb, b));
        if a[ea..] != b[eb..] && !self.timed_out {
            let mut p = path.to_vec();
            p.push("(after the last section)".into());
            let before = self.observed;
            self.bytes(path, p, &a[ea..], &b[eb..], None);
            let added = self.observed - before;
            if let Some(buf) = self.buffer.as_mut() {
                let from = buf.len().saturating_sub(added);
                for o in buf.iter_mut().skip(from) {
                    o.evidence.offset_a = o.evidence.offset_a.map(|x| x + ea as u64);
                    o.evidence.offset_b = o.evidence.offset_b.map(|x| x + eb as u64);
                }
            }
        }
    }

    /// The executable's findings, gathered in a buffer of their own:
    /// `-X` values folded, knock-on regions split off and counted under
    /// the first-ranked cause, then handed to the outer buffer.
    fn exe_finish(
        &mut self,
        path: &[String],
        outer: Option<Vec<crate::Observation>>,
        trimpath_both: bool,
        buildinfo_causes: bool,
    ) {
        let mut local = std::mem::replace(&mut self.buffer, outer).unwrap_or_default();
        crate::causes::embedded_string::fold_into_x_values(&mut local);
        let known = knock_on::Known {
            trimpath_both,
            buildinfo_causes,
        };
        let (kept, counts) = knock_on::split(local, known);
        // The knock-on regions follow from the first-ranked cause found.
        let primary = kept
            .iter()
            .map(|o| o.cause)
            .filter(|c| *c != Cause::Unexplained)
            .min_by_key(|c| c.rank());
        for o in kept {
            self.observe(o);
        }
        if let Some(c) = primary {
            self.sink.knock_on(c, counts.values().sum());
        }
        if let Some(n) = knock_on::note(&counts) {
            self.note("knock-on", path, n);
        }
    }
}

/// One piece of strip evidence: what, A, B, and the section concerned.
type StripEvidence = (String, Option<String>, Option<String>, Option<String>);

/// One side of an executable comparison, for the post-link strip rule:
/// its bytes, sections, the section names only it has, and the parsed file.
#[derive(Clone, Copy)]
struct StripSide<'x, 'd> {
    d: &'x [u8],
    secs: &'x [SecInfo<'d>],
    only: &'x [&'x str],
    f: &'x object::File<'x>,
}

/// The evidence that the sides differ by a post-link strip (symbol and
/// debug sections, symbol table, ELF layout); empty when they do not.
fn strip_evidence(x: StripSide, y: StripSide) -> Vec<StripEvidence> {
    let mut ev = Vec::new();
    let meta = |n: &str| is_strip_section(n);
    let oa: Vec<&str> = x.only.iter().filter(|n| meta(n)).copied().collect();
    let ob: Vec<&str> = y.only.iter().filter(|n| meta(n)).copied().collect();
    let alloc_same_set = x.only.iter().chain(y.only).all(|n| meta(n));
    if !alloc_same_set {
        return ev;
    }
    let mut structural = false;
    if !oa.is_empty() || !ob.is_empty() {
        ev.push((
            "symbol/debug sections on one side only".into(),
            Some(oa.join(", ")),
            Some(ob.join(", ")),
            None,
        ));
        structural = true;
    }
    let syms = |f: &object::File| f.symbols().count();
    let (ya, yb) = (syms(x.f), syms(y.f));
    if (ya == 0) != (yb == 0) {
        ev.push((
            "symbol table entries".into(),
            Some(ya.to_string()),
            Some(yb.to_string()),
            None,
        ));
        structural = true;
    }
    if let (Some(ha), Some(hb)) = (elf_sh(x.d), elf_sh(y.d)) {
        elf_layout_evidence(x, y, (ha, hb), structural, &mut ev);
    }
    ev
}

/// An ELF section header table: offset, entries, string table index.
type ElfSh = (u64, u16, u16);

/// The ELF layout a strip rewrites (section header table, `.shstrtab`,
/// section order, unloaded sections moved), when the rewrite is
/// structural or every loaded section is equal and only the layout moved.
fn elf_layout_evidence(
    x: StripSide,
    y: StripSide,
    (ha, hb): (ElfSh, ElfSh),
    structural: bool,
    ev: &mut Vec<StripEvidence>,
) {
    let (sa, sb) = (x.secs, y.secs);
    let order = |s: &[SecInfo]| s.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    let (oa_, ob_) = (order(sa), order(sb));
    let (xa, xb) = (shstrtab(sa), shstrtab(sb));
    let alloc_equal = sa
        .iter()
        .filter(|s| s.alloc)
        .all(|s| sb.iter().any(|t| t.name == s.name && t.data == s.data));
    let shstr_differs = xa.map(|x| x.1) != xb.map(|x| x.1);
    let table_moved = ha != hb;
    // Only structural rewrites count, or layout changes with every
    // loaded section equal.
    if !(oa_ != ob_ || shstr_differs || (alloc_equal && table_moved) || structural) {
        return;
    }
    if ha != hb {
        ev.push((
            "section header table".into(),
            Some(format!("{} headers at {:#x}", ha.1, ha.0)),
            Some(format!("{} headers at {:#x}", hb.1, hb.0)),
            None,
        ));
    }
    if let (Some(x), Some(y)) = (xa, xb) {
        shstrtab_evidence(x, y, shstr_differs, ev);
    }
    if oa_ != ob_ {
        ev.push((
            "section order".into(),
            Some(oa_.join(" ")),
            Some(ob_.join(" ")),
            None,
        ));
    }
    moved_sections(sa, sb, ev);
    if ev.is_empty() {
        ev.push((
            "file layout".into(),
            Some(format!("{} bytes", x.d.len())),
            Some(format!("{} bytes", y.d.len())),
            None,
        ));
    }
}

/// The offset and bytes of the `.shstrtab` section.
fn shstrtab<'d>(s: &[SecInfo<'d>]) -> Option<(u64, &'d [u8])> {
    s.iter()
        .find(|s| s.name == ".shstrtab")
        .map(|s| (s.file_off, s.data))
}

/// `.shstrtab` moved, resized or rewritten: its offset and size, and its
/// contents when they differ.
fn shstrtab_evidence(
    x: (u64, &[u8]),
    y: (u64, &[u8]),
    shstr_differs: bool,
    ev: &mut Vec<StripEvidence>,
) {
    if !(x.0 != y.0 || x.1.len() != y.1.len() || shstr_differs) {
        return;
    }
    ev.push((
        ".shstrtab offset and size".into(),
        Some(format!("offset {:#x}, size {:#x}", x.0, x.1.len())),
        Some(format!("offset {:#x}, size {:#x}", y.0, y.1.len())),
        Some(".shstrtab".into()),
    ));
    if shstr_differs {
        let show = |d: &[u8]| {
            d.iter()
                .map(|&c| {
                    if c == 0 {
                        ' '
                    } else if c.is_ascii_graphic() {
                        c as char
                    } else {
                        '.'
                    }
                })
                .collect::<String>()
        };
        ev.push((
            ".shstrtab contents".into(),
            Some(show(x.1)),
            Some(show(y.1)),
            Some(".shstrtab".into()),
        ));
    }
}

/// Unloaded sections (but `.shstrtab`) on both sides whose offset or
/// bytes differ.
fn moved_sections(sa: &[SecInfo], sb: &[SecInfo], ev: &mut Vec<StripEvidence>) {
    for s in sa.iter().filter(|s| !s.alloc) {
        if let Some(t) = sb.iter().find(|t| t.name == s.name)
            && (s.file_off != t.file_off || s.data != t.data)
            && s.name != ".shstrtab"
        {
            ev.push((
                format!("{} offset and size", s.name),
                Some(format!(
                    "offset {:#x}, size {:#x}",
                    s.file_off,
                    s.data.len()
                )),
                Some(format!(
                    "offset {:#x}, size {:#x}",
                    t.file_off,
                    t.data.len()
                )),
                Some(s.name.clone()),
            ));
        }
    }
}

/// What makes an executable truncated or malformed: a section running
/// past the end of the file, or no sections in a non-empty file.
fn truncation(secs: &[SecInfo], f: &object::File, d: &[u8]) -> Option<String> {
    f.sections()
        .filter_map(|s| s.file_range())
        .find(|r| r.0.saturating_add(r.1) > d.len() as u64)
        .map(|r| {
            format!(
                "{} bytes; a section ends at {:#x}, past the end",
                d.len(),
                r.0.saturating_add(r.1)
            )
        })
        .or_else(|| {
            (secs.is_empty() && !d.is_empty()).then(|| format!("{} bytes, no sections", d.len()))
        })
}
