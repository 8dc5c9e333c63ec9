//! The walk: both sides at once, recursively through folders, archives,
//! executables and bytes; every difference is classified and pushed to a
//! [`Sink`].

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::time::Instant;

use object::{Object, ObjectSection, SectionFlags, SectionKind};

mod containers;

use crate::DiffOptions;
use crate::archive::{self, Inflate, Kind};
use crate::bytediff::{Region, diff_regions};
use crate::gobuild::{self, BuildInfo};
use crate::model::{Cause, Confidence, Evidence, Note, Observation, Sink, Stats};

/// The walking state.
pub struct Engine<'s> {
    opts: DiffOptions,
    deadline: Instant,
    sink: &'s mut dyn Sink,
    /// Observations of the executable being compared, held back to tell
    /// causes from their knock-on effects.
    buffer: Option<Vec<Observation>>,
    budget: u64,
    /// Counters.
    pub stats: Stats,
    /// True once the time limit was hit.
    pub timed_out: bool,
    observed: usize,
    /// Set when the build infos of the executable being compared differ.
    buildinfo_differs: bool,
}

/// The name of a nesting level for notes.
fn join(path: &[String]) -> String {
    path.join(" › ")
}

impl<'s> Engine<'s> {
    /// A new engine; `input_size` (both sides) sizes the decompression budget.
    pub fn new(opts: &DiffOptions, input_size: u64, sink: &'s mut dyn Sink) -> Self {
        let budget = input_size
            .saturating_mul(opts.max_ratio)
            .min(opts.max_decompressed)
            .max(1 << 20);
        Engine {
            opts: opts.clone(),
            deadline: Instant::now() + opts.timeout,
            sink,
            buffer: None,
            budget,
            stats: Stats::default(),
            timed_out: false,
            observed: 0,
            buildinfo_differs: false,
        }
    }

    fn observe(&mut self, obs: Observation) {
        self.observed += 1;
        match self.buffer.as_mut() {
            Some(b) => b.push(obs),
            None => self.sink.observe(obs),
        }
    }

    fn note(&mut self, kind: &str, path: &[String], message: impl Into<String>) {
        self.sink.note(Note {
            kind: kind.into(),
            path: join(path),
            message: message.into(),
        });
    }

    fn out_of_time(&mut self, path: &[String]) -> bool {
        if Instant::now() > self.deadline {
            if !self.timed_out {
                self.timed_out = true;
                self.note(
                    "limit",
                    path,
                    format!(
                        "time limit ({:?}) reached: this entry and the rest were not compared",
                        self.opts.timeout
                    ),
                );
            } else {
                self.note("skipped", path, "not compared (time limit)");
            }
            return true;
        }
        false
    }

    #[allow(clippy::too_many_arguments)]
    fn obs(
        &mut self,
        cause: Cause,
        conf: Confidence,
        subject: Option<String>,
        file: &[String],
        ev_path: Vec<String>,
        off: (Option<u64>, Option<u64>),
        what: &str,
        a: Option<String>,
        b: Option<String>,
    ) {
        self.observe(Observation {
            cause,
            confidence: conf,
            subject,
            file: join(file),
            evidence: Evidence {
                path: ev_path,
                offset_a: off.0,
                offset_b: off.1,
                what: what.into(),
                a,
                b,
            },
        });
    }

    /// A file present on one side only.
    pub fn one_side(&mut self, path: &[String], in_a: bool, what: &str) {
        let (a, b) = if in_a {
            (Some(what.to_string()), None)
        } else {
            (None, Some(what.to_string()))
        };
        self.obs(
            Cause::FileSet,
            Confidence::High,
            path.last().cloned(),
            path,
            path.to_vec(),
            (None, None),
            "present on one side only",
            a,
            b,
        );
    }

    /// A FIFO, socket or device on at least one side: never opened.
    pub fn special(&mut self, path: &[String], a: Option<String>, b: Option<String>) {
        self.obs(
            Cause::SpecialFile,
            Confidence::High,
            path.last().cloned(),
            path,
            path.to_vec(),
            (None, None),
            "entry type",
            a,
            b,
        );
    }

    /// Two folder entries of the same name that are not both regular
    /// files: symlinks (compared by target), special files, or an entry
    /// of another type on each side. One observation, never two.
    pub fn entry_kinds(&mut self, path: &[String], a: &str, b: &str, links: bool, special: bool) {
        if special {
            self.special(path, Some(a.into()), Some(b.into()));
        } else if a == b {
        } else if links {
            self.obs(
                Cause::LinkTarget,
                Confidence::High,
                path.last().cloned(),
                path,
                path.to_vec(),
                (None, None),
                "symlink target",
                Some(a.into()),
                Some(b.into()),
            );
        } else {
            self.obs(
                Cause::FormatDiffers,
                Confidence::High,
                None,
                path,
                path.to_vec(),
                (None, None),
                "entry type",
                Some(a.into()),
                Some(b.into()),
            );
        }
    }

    /// Compares two byte strings found at `path`.
    pub fn compare(&mut self, path: &[String], a: &[u8], b: &[u8], depth: usize) {
        self.stats.entries += 1;
        self.stats.bytes_a += a.len() as u64;
        self.stats.bytes_b += b.len() as u64;
        if a == b {
            return;
        }
        self.stats.differing += 1;
        if self.out_of_time(path) {
            return;
        }
        let (ka, kb) = (Kind::of(a), Kind::of(b));
        if ka != kb {
            self.obs(
                Cause::FormatDiffers,
                Confidence::High,
                None,
                path,
                path.to_vec(),
                (None, None),
                "format",
                Some(ka.name().into()),
                Some(kb.name().into()),
            );
            self.bytes(path, path.to_vec(), a, b, None);
            return;
        }
        if ka.is_container() && depth >= self.opts.max_depth {
            self.note(
                "limit",
                path,
                format!(
                    "nested deeper than {} containers: compared as bytes",
                    self.opts.max_depth
                ),
            );
            self.bytes(path, path.to_vec(), a, b, None);
            return;
        }
        let before = self.observed;
        match ka {
            Kind::Gzip => self.gzip(path, a, b, depth),
            Kind::Tar => self.tar(path, a, b, depth),
            Kind::Zip => self.zip(path, a, b, depth),
            Kind::Elf | Kind::MachO | Kind::Pe => self.exe(path, a, b),
            Kind::Bytes => self.bytes(path, path.to_vec(), a, b, None),
        }
        if self.observed == before && !self.timed_out {
            // The container parsed equal but the bytes differ: locate them.
            self.bytes(path, path.to_vec(), a, b, None);
        }
    }

    fn gzip(&mut self, path: &[String], a: &[u8], b: &[u8], depth: usize) {
        let (Some(ha), Some(hb)) = (archive::gzip_header(a), archive::gzip_header(b)) else {
            self.note("skipped", path, "malformed gzip header: compared as bytes");
            self.bytes(path, path.to_vec(), a, b, None);
            return;
        };
        let ev = |what: &str| {
            let mut p = path.to_vec();
            p.push(format!("gzip header {what}"));
            p
        };
        if ha.mtime != hb.mtime {
            self.obs(
                Cause::GzipHeader,
                Confidence::High,
                Some("mtime".into()),
                path,
                ev("mtime"),
                (Some(4), Some(4)),
                "gzip MTIME",
                Some(ha.mtime.to_string()),
                Some(hb.mtime.to_string()),
            );
        }
        if ha.name != hb.name {
            let s = |n: &Option<Vec<u8>>| {
                Some(
                    n.as_ref()
                        .map(|n| format!("{:?}", String::from_utf8_lossy(n)))
                        .unwrap_or_else(|| "(none)".into()),
                )
            };
            self.obs(
                Cause::GzipHeader,
                Confidence::High,
                Some("name".into()),
                path,
                ev("name"),
                (None, None),
                "gzip FNAME",
                s(&ha.name),
                s(&hb.name),
            );
        }
        if ha.os != hb.os || ha.comment != hb.comment {
            self.obs(
                Cause::GzipHeader,
                Confidence::Medium,
                Some("os/comment".into()),
                path,
                ev("os"),
                (Some(9), Some(9)),
                "gzip OS byte / comment",
                Some(ha.os.to_string()),
                Some(hb.os.to_string()),
            );
        }
        let limit = |n: usize, s: &Self| {
            (n as u64)
                .saturating_mul(s.opts.max_ratio)
                .min(s.opts.max_decompressed)
                .min(s.budget)
                .max(1024)
        };
        let da = archive::gunzip_members(a, limit(a.len(), self));
        let db = archive::gunzip_members(b, limit(b.len(), self));
        match (da, db) {
            (Ok(ga), Ok(gb)) => {
                self.budget = self
                    .budget
                    .saturating_sub((ga.data.len() + gb.data.len()) as u64);
                let compressed_differs = ga.members.len() != gb.members.len()
                    || ga
                        .members
                        .iter()
                        .zip(&gb.members)
                        .any(|(x, y)| a[x.deflate.clone()] != b[y.deflate.clone()]);
                if ga.data == gb.data {
                    if compressed_differs {
                        self.obs(
                            Cause::Recompression,
                            Confidence::High,
                            None,
                            path,
                            path.to_vec(),
                            (None, None),
                            "compressed size (XFL level hint)",
                            Some(format!(
                                "{} bytes, XFL {}, {} member(s)",
                                ga.end,
                                ha.xfl,
                                ga.members.len()
                            )),
                            Some(format!(
                                "{} bytes, XFL {}, {} member(s)",
                                gb.end,
                                hb.xfl,
                                gb.members.len()
                            )),
                        );
                    }
                } else {
                    self.compare_inner(path, &ga.data, &gb.data, depth);
                }
                // Header bytes no field above explains: flags, XFL, extra
                // field, header CRC; and the headers of later members.
                let residual = |d: &[u8], m: &archive::GzMember, i: usize| {
                    let h = &d[m.start..m.start + m.header.len];
                    let mut v = h.to_vec();
                    if i == 0 {
                        v[4..8].fill(0); // mtime: compared above
                        v[9] = 0; // OS: compared above
                        v[3] &= !(8 | 16); // FNAME, FCOMMENT: compared above
                        v[8] = if compressed_differs { 0 } else { v[8] };
                        let mut w = v[..10].to_vec();
                        let mut p = 10;
                        if h[3] & 4 != 0 && h.len() >= 12 {
                            let n = usize::from(u16::from_le_bytes([h[10], h[11]]));
                            w.extend_from_slice(&h[10..(12 + n).min(h.len())]);
                            p = 12 + n;
                        }
                        let _ = p;
                        if h[3] & 2 != 0
                            && ha.name == hb.name
                            && ha.comment == hb.comment
                            && ha.mtime == hb.mtime
                        {
                            w.extend_from_slice(&h[h.len() - 2..]);
                        }
                        w
                    } else {
                        v
                    }
                };
                let n = ga.members.len().max(gb.members.len());
                for i in 0..n {
                    let x = ga.members.get(i).map(|m| residual(a, m, i));
                    let y = gb.members.get(i).map(|m| residual(b, m, i));
                    if x != y && (i == 0 || (x.is_some() && y.is_some())) {
                        let mut p = path.to_vec();
                        p.push(format!("gzip member #{} header", i + 1));
                        let show = |v: &Option<Vec<u8>>| {
                            v.as_ref().map(|v| format!("0x{}", archive::hex(v)))
                        };
                        self.obs(
                            Cause::GzipHeader,
                            Confidence::Medium,
                            Some("flags/XFL/extra".into()),
                            path,
                            p,
                            (
                                ga.members.get(i).map(|m| m.start as u64),
                                gb.members.get(i).map(|m| m.start as u64),
                            ),
                            "gzip header bytes (flags, XFL, extra field, header CRC)",
                            show(&x),
                            show(&y),
                        );
                    }
                }
                self.tail(path, "gzip stream", a, ga.end, b, gb.end, true);
            }
            (ra, rb) => {
                for (r, side) in [(ra, "A"), (rb, "B")] {
                    match r {
                        Err(Inflate::TooBig(l)) => self.note("limit", path, format!("gzip on side {side} is too large to inflate within the cap ({l} bytes; {}x the input, at most {} bytes): not decompressed", self.opts.max_ratio, self.opts.max_decompressed)),
                        Err(Inflate::OutOfMemory(n)) => self.note("limit", path, format!("gzip on side {side}: out of memory while inflating (after {n} bytes): not decompressed")),
                        Err(Inflate::Corrupt(e)) => self.note("skipped", path, format!("gzip on side {side} is corrupt: {e}")),
                        Ok(_) => {}
                    }
                }
                self.bytes(path, path.to_vec(), a, b, None);
            }
        }
    }

    /// Compares decompressed content of a gzip stream at the same path.
    fn compare_inner(&mut self, path: &[String], a: &[u8], b: &[u8], depth: usize) {
        // Count the inflated bytes, not the entry again.
        self.stats.entries = self.stats.entries.saturating_sub(1);
        self.compare(path, a, b, depth + 1);
    }

    /// Plain bytes (or a section's bytes): aligned regions, each classified.
    fn bytes(
        &mut self,
        file: &[String],
        ev_path: Vec<String>,
        a: &[u8],
        b: &[u8],
        sec: Option<(&SecInfo, &SecInfo)>,
    ) {
        let (regions, complete) = diff_regions(a, b, self.deadline, self.opts.max_regions);
        if !complete {
            self.note("limit", &ev_path, format!("more than {} differing regions (or time limit): the rest is summarized as one region", self.opts.max_regions));
        }
        let base = |s: Option<&SecInfo>| s.map(|s| s.base).unwrap_or(0);
        let mut out = Vec::with_capacity(regions.len());
        for r in &regions {
            let c = classify(
                a,
                b,
                r,
                sec.map(|s| s.0.name.as_str()).unwrap_or(""),
                sec.map(|s| s.0.code).unwrap_or(false),
            );
            let off = (
                Some(base(sec.map(|s| s.0)) + r.a.start as u64),
                Some(base(sec.map(|s| s.1)) + r.b.start as u64),
            );
            out.push((c, off));
        }
        // A string that moved (the linker sorts strings by length): one
        // region loses it, another gains the new one. Pair them.
        let gone: Vec<usize> = (0..out.len())
            .filter(|&i| {
                out[i].0.0 == Cause::EmbeddedString
                    && out[i].0.2.as_deref().is_some_and(|s| s.ends_with("→ \"\""))
            })
            .collect();
        let came: Vec<usize> = (0..out.len())
            .filter(|&i| {
                out[i].0.0 == Cause::EmbeddedString
                    && out[i]
                        .0
                        .2
                        .as_deref()
                        .is_some_and(|s| s.starts_with("\"\" →"))
            })
            .collect();
        if gone.len() == 1 && came.len() == 1 {
            let (g, c) = (gone[0], came[0]);
            let sa = out[g].0.4.clone();
            let sb = out[c].0.5.clone();
            let subj_a = out[g].0.2.clone().unwrap_or_default();
            let subj_b = out[c].0.2.clone().unwrap_or_default();
            let subject = format!(
                "{} → {}",
                subj_a.trim_end_matches(" → \"\""),
                subj_b.trim_start_matches("\"\" → ")
            );
            let off = (out[g].1.0, out[c].1.1);
            out[g] = (
                (
                    Cause::EmbeddedString,
                    Confidence::Medium,
                    Some(subject),
                    "string (moved)",
                    sa,
                    sb,
                ),
                off,
            );
            out.remove(c);
        }
        for ((cause, conf, subject, what, va, vb), off) in out {
            self.obs(
                cause,
                conf,
                subject,
                file,
                ev_path.clone(),
                off,
                what,
                Some(va),
                Some(vb),
            );
        }
    }

    fn exe(&mut self, path: &[String], a: &[u8], b: &[u8]) {
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
        // Go build info.
        let bia = gobuild::read(a, buildinfo_hint(&sa));
        let bib = gobuild::read(b, buildinfo_hint(&sb));
        let trimmed = |b: &Option<Result<BuildInfo, gobuild::BuildInfoError>>| matches!(b, Some(Ok(bi)) if bi.setting("-trimpath") == Some("true"));
        let trimpath_both = trimmed(&bia) && trimmed(&bib);
        let mut buildinfo_causes = false;
        self.buildinfo_differs = false;
        // A truncated executable: sections run past the end of the file.
        let cut = |secs: &[SecInfo], f: &object::File, d: &[u8]| {
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
                    (secs.is_empty() && !d.is_empty())
                        .then(|| format!("{} bytes, no sections", d.len()))
                })
        };
        let (ta, tb) = (cut(&sa, &fa, a), cut(&sb, &fb, b));
        if ta.is_some() || tb.is_some() {
            let ok = |d: &[u8]| format!("{} bytes, complete", d.len());
            let va = ta.clone().unwrap_or_else(|| ok(a));
            let vb = tb.clone().unwrap_or_else(|| ok(b));
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
            let outer_local = std::mem::replace(&mut self.buffer, outer).unwrap_or_default();
            for o in outer_local {
                self.observe(o);
            }
            return;
        }
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
        // Section sets and the post-link strip rule.
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
        let strip_evidence = self.strip_evidence(path, a, b, &sa, &sb, &only_a, &only_b, &fa, &fb);
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
            for (names, in_a) in [(&only_a, true), (&only_b, false)] {
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
        // Each common section's bytes.
        let bi_off = |s: &[SecInfo]| {
            s.iter()
                .find(|s| is_buildinfo_section(&s.name))
                .map(|s| s.name.clone())
        };
        let bi_sec = bi_off(&sa).or_else(|| bi_off(&sb));
        for s in &sa {
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
        // Bytes after the last section (appended data, signatures, padding).
        let end = |secs: &[SecInfo], d: &[u8]| {
            secs.iter()
                .map(|s| s.file_off.saturating_add(s.data.len() as u64))
                .max()
                .unwrap_or(0)
                .min(d.len() as u64) as usize
        };
        let (ea, eb) = (end(&sa, a), end(&sb, b));
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
        let local = std::mem::replace(&mut self.buffer, outer).unwrap_or_default();
        let explained = local.iter().any(|o| o.cause != Cause::Unexplained);
        let mut knock_on: BTreeMap<String, usize> = BTreeMap::new();
        let mut kept = Vec::new();
        for o in local {
            let derived = matches!(o.cause, Cause::Unexplained) && explained
                || (trimpath_both
                    && o.cause == Cause::BuildPath
                    && o.evidence.what == "absolute path")
                || (buildinfo_causes
                    && matches!(o.cause, Cause::EmbeddedString | Cause::Unexplained)
                    && o.evidence.what != "-X value");
            if derived {
                *knock_on
                    .entry(o.evidence.path.last().cloned().unwrap_or_default())
                    .or_default() += 1;
            } else {
                kept.push(o);
            }
        }
        for o in kept {
            self.observe(o);
        }
        if !knock_on.is_empty() {
            let total: usize = knock_on.values().sum();
            let list: Vec<String> = knock_on
                .iter()
                .take(8)
                .map(|(k, v)| format!("{k} ({v})"))
                .collect();
            self.note("knock-on", path, format!("{total} further differing regions follow from the causes above (shifted offsets, pointers, code): {}", list.join(", ")));
        }
    }

    /// Compares two build infos; true when a build-level cause was found
    /// (which then explains byte differences elsewhere).
    fn compare_buildinfo(&mut self, path: &[String], x: &BuildInfo, y: &BuildInfo) -> bool {
        let mut found = false;
        let mut p = path.to_vec();
        p.push("Go build info".into());
        if x.go_version != y.go_version {
            self.obs(
                Cause::GoVersion,
                Confidence::High,
                Some(format!("{} vs {}", x.go_version, y.go_version)),
                path,
                p.clone(),
                (None, None),
                "go version",
                Some(x.go_version.clone()),
                Some(y.go_version.clone()),
            );
            found = true;
        }
        let sx: BTreeMap<&str, &str> = x
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let sy: BTreeMap<&str, &str> = y
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let keys: BTreeSet<&str> = sx.keys().chain(sy.keys()).copied().collect();
        for k in keys {
            let (vx, vy) = (sx.get(k).copied(), sy.get(k).copied());
            if vx == vy {
                continue;
            }
            let own = |v: Option<&str>| v.map(str::to_string);
            if k == "DefaultGODEBUG" && x.go_version != y.go_version {
                continue; // each Go version has its own defaults
            }
            if k == "-ldflags" {
                let (xa, ra) = split_x(vx.unwrap_or(""));
                let (xb, rb) = split_x(vy.unwrap_or(""));
                if xa != xb {
                    let vars: BTreeSet<&str> = xa.keys().chain(xb.keys()).copied().collect();
                    for var in vars {
                        if xa.get(var) != xb.get(var) {
                            self.obs(
                                Cause::EmbeddedString,
                                Confidence::High,
                                Some(format!("-X {var}")),
                                path,
                                p.clone(),
                                (None, None),
                                "-X value",
                                xa.get(var).map(|s| s.to_string()),
                                xb.get(var).map(|s| s.to_string()),
                            );
                        }
                    }
                }
                let bid = |r: &[&str]| {
                    r.iter()
                        .filter(|t| t.starts_with("-buildid"))
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                };
                let rest = |r: &[&str]| {
                    r.iter()
                        .filter(|t| !t.starts_with("-buildid"))
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                };
                if bid(&ra) != bid(&rb) {
                    self.obs(
                        Cause::GoBuildId,
                        Confidence::High,
                        Some("-buildid in -ldflags".into()),
                        path,
                        p.clone(),
                        (None, None),
                        "-buildid in -ldflags",
                        Some(bid(&ra).join(" ")).filter(|s| !s.is_empty()),
                        Some(bid(&rb).join(" ")).filter(|s| !s.is_empty()),
                    );
                    self.buildinfo_differs = true;
                }
                if rest(&ra) != rest(&rb) {
                    self.obs(
                        Cause::GoBuildSetting,
                        Confidence::High,
                        Some("-ldflags".into()),
                        path,
                        p.clone(),
                        (None, None),
                        "build setting -ldflags",
                        own(vx),
                        own(vy),
                    );
                    found = true;
                }
            } else {
                // vcs.* settings are VCS stamping; every other one a build setting.
                let cause = if k.starts_with("vcs.") {
                    Cause::VcsStamping
                } else {
                    Cause::GoBuildSetting
                };
                self.obs(
                    cause,
                    Confidence::High,
                    Some(k.into()),
                    path,
                    p.clone(),
                    (None, None),
                    &format!("build setting {k}"),
                    own(vx),
                    own(vy),
                );
                found = true;
            }
        }
        let vcs = x
            .settings
            .iter()
            .chain(&y.settings)
            .any(|(k, _)| k.starts_with("vcs."));
        if x.path == y.path
            && vcs
            && x.main.as_ref().map(|m| &m.path) == y.main.as_ref().map(|m| &m.path)
            && x.main != y.main
        {
            let v = |m: &Option<gobuild::Module>| m.as_ref().map(|m| m.version.clone());
            self.obs(
                Cause::VcsStamping,
                Confidence::High,
                Some("main module version".into()),
                path,
                p.clone(),
                (None, None),
                "main module version (from VCS)",
                v(&x.main),
                v(&y.main),
            );
        } else if x.path != y.path || x.main != y.main {
            self.obs(
                Cause::GoBuildSetting,
                Confidence::Medium,
                Some("main module".into()),
                path,
                p.clone(),
                (None, None),
                "main package / module",
                Some(format!(
                    "{} {}",
                    x.path,
                    x.main
                        .as_ref()
                        .map(|m| format!("{} {}", m.path, m.version))
                        .unwrap_or_default()
                )),
                Some(format!(
                    "{} {}",
                    y.path,
                    y.main
                        .as_ref()
                        .map(|m| format!("{} {}", m.path, m.version))
                        .unwrap_or_default()
                )),
            );
            found = true;
        }
        let dx: BTreeMap<&str, &gobuild::Module> =
            x.deps.iter().map(|d| (d.path.as_str(), d)).collect();
        let dy: BTreeMap<&str, &gobuild::Module> =
            y.deps.iter().map(|d| (d.path.as_str(), d)).collect();
        let dk: BTreeSet<&str> = dx.keys().chain(dy.keys()).copied().collect();
        for d in dk {
            let (mx, my) = (dx.get(d), dy.get(d));
            if mx != my {
                let v =
                    |m: Option<&&gobuild::Module>| m.map(|m| format!("{} {}", m.version, m.sum));
                self.obs(
                    Cause::GoBuildSetting,
                    Confidence::Medium,
                    Some(format!("dependency {d}")),
                    path,
                    p.clone(),
                    (None, None),
                    &format!("dependency {d}"),
                    v(mx),
                    v(my),
                );
                found = true;
            }
        }
        found
    }

    #[allow(clippy::too_many_arguments)]
    fn strip_evidence<'x, 'd>(
        &mut self,
        _path: &[String],
        a: &[u8],
        b: &[u8],
        sa: &'x [SecInfo<'d>],
        sb: &'x [SecInfo<'d>],
        only_a: &[&str],
        only_b: &[&str],
        fa: &object::File,
        fb: &object::File,
    ) -> Vec<StripEvidence> {
        let mut ev = Vec::new();
        let meta = |n: &str| is_strip_section(n);
        let oa: Vec<&str> = only_a.iter().filter(|n| meta(n)).copied().collect();
        let ob: Vec<&str> = only_b.iter().filter(|n| meta(n)).copied().collect();
        let alloc_same_set = only_a.iter().chain(only_b).all(|n| meta(n));
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
        let (ya, yb) = (syms(fa), syms(fb));
        if (ya == 0) != (yb == 0) {
            ev.push((
                "symbol table entries".into(),
                Some(ya.to_string()),
                Some(yb.to_string()),
                None,
            ));
            structural = true;
        }
        if let (Some(ha), Some(hb)) = (elf_sh(a), elf_sh(b)) {
            let order = |s: &[SecInfo]| s.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
            let (oa_, ob_) = (order(sa), order(sb));
            let shstr = |s: &'x [SecInfo<'d>]| -> Option<(u64, &'d [u8])> {
                s.iter()
                    .find(|s| s.name == ".shstrtab")
                    .map(|s| (s.file_off, s.data))
            };
            let (xa, xb) = (shstr(sa), shstr(sb));
            let alloc_equal = sa
                .iter()
                .filter(|s| s.alloc)
                .all(|s| sb.iter().any(|t| t.name == s.name && t.data == s.data));
            let shstr_differs = xa.map(|x| x.1) != xb.map(|x| x.1);
            let table_moved = ha != hb;
            // Only structural rewrites count, or layout changes with every
            // loaded section equal.
            if oa_ != ob_ || shstr_differs || (alloc_equal && table_moved) || structural {
                if ha != hb {
                    ev.push((
                        "section header table".into(),
                        Some(format!("{} headers at {:#x}", ha.1, ha.0)),
                        Some(format!("{} headers at {:#x}", hb.1, hb.0)),
                        None,
                    ));
                }
                if let (Some(x), Some(y)) = (xa, xb)
                    && (x.0 != y.0 || x.1.len() != y.1.len() || shstr_differs)
                {
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
                if oa_ != ob_ {
                    ev.push((
                        "section order".into(),
                        Some(oa_.join(" ")),
                        Some(ob_.join(" ")),
                        None,
                    ));
                }
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
                if ev.is_empty() {
                    ev.push((
                        "file layout".into(),
                        Some(format!("{} bytes", a.len())),
                        Some(format!("{} bytes", b.len())),
                        None,
                    ));
                }
            }
        }
        ev
    }
}

/// One piece of strip evidence: what, A, B, and the section concerned.
type StripEvidence = (String, Option<String>, Option<String>, Option<String>);

/// One section of an executable.
#[derive(Debug)]
pub struct SecInfo<'d> {
    /// Name (`segment,section` for Mach-O).
    pub name: String,
    /// Bytes in the file.
    pub data: &'d [u8],
    /// Address for loaded sections, file offset otherwise: offsets in
    /// evidence are relative to it.
    pub base: u64,
    /// File offset.
    pub file_off: u64,
    /// Loaded at run time.
    pub alloc: bool,
    /// Machine code.
    pub code: bool,
}

/// The sections of an executable, with unique names.
pub fn sections<'d>(f: &object::File<'d>, _data: &'d [u8]) -> Vec<SecInfo<'d>> {
    let mut out: Vec<SecInfo<'d>> = Vec::new();
    for s in f.sections() {
        let base_name = s.name().unwrap_or("?").to_string();
        let name = match s.segment_name() {
            Ok(Some(seg)) if f.format() == object::BinaryFormat::MachO => {
                format!("{seg},{base_name}")
            }
            _ => base_name,
        };
        let mut unique = name.clone();
        let mut n = 2;
        while out.iter().any(|o| o.name == unique) {
            unique = format!("{name}#{n}");
            n += 1;
        }
        let alloc = match s.flags() {
            SectionFlags::Elf { sh_flags, .. } => sh_flags.0 & 2 != 0,
            _ => {
                !matches!(
                    s.kind(),
                    SectionKind::Debug | SectionKind::Metadata | SectionKind::Linker
                ) && !is_strip_section(&unique)
            }
        };
        let data = if s.kind() == SectionKind::UninitializedData {
            &[][..]
        } else {
            s.data().unwrap_or(&[])
        };
        let file_off = s.file_range().map(|r| r.0).unwrap_or(0);
        out.push(SecInfo {
            base: if alloc && s.address() != 0 {
                s.address()
            } else {
                file_off
            },
            name: unique,
            data,
            file_off,
            alloc,
            code: s.kind() == SectionKind::Text,
        });
    }
    out
}

fn is_buildinfo_section(n: &str) -> bool {
    n == ".go.buildinfo" || n.ends_with("__go_buildinfo")
}

/// The section that holds the Go build info (or PE `.data`), with its offset in the file.
pub fn buildinfo_hint<'d>(s: &[SecInfo<'d>]) -> Option<(&'d [u8], usize)> {
    s.iter()
        .find(|s| is_buildinfo_section(&s.name))
        .or_else(|| s.iter().find(|s| s.name == ".data"))
        .map(|s| (s.data, s.file_off as usize))
}

/// Sections an external strip removes or rewrites.
pub fn is_strip_section(n: &str) -> bool {
    let n = n.rsplit(',').next().unwrap_or(n);
    n == ".symtab"
        || n == ".strtab"
        || n == ".shstrtab"
        || n == ".comment"
        || n == ".gnu_debuglink"
        || n.starts_with(".debug")
        || n.starts_with(".zdebug")
        || n.starts_with("__debug")
        || n.starts_with("__zdebug")
        || n == "__apple_names"
}

/// ELF section header table: (offset, count, shstrndx).
fn elf_sh(d: &[u8]) -> Option<(u64, u16, u16)> {
    if d.len() < 0x40 || !d.starts_with(b"\x7fELF") {
        return None;
    }
    let le = d[5] == 1;
    let u16_at = |o: usize| {
        d.get(o..o + 2).map(|b| {
            if le {
                u16::from_le_bytes([b[0], b[1]])
            } else {
                u16::from_be_bytes([b[0], b[1]])
            }
        })
    };
    let u32_at = |o: usize| {
        d.get(o..o + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        })
    };
    let u64_at = |o: usize| {
        d.get(o..o + 8).map(|b| {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            if le {
                u64::from_le_bytes(a)
            } else {
                u64::from_be_bytes(a)
            }
        })
    };
    if d[4] == 2 {
        Some((u64_at(0x28)?, u16_at(0x3c)?, u16_at(0x3e)?))
    } else {
        Some((u64::from(u32_at(0x20)?), u16_at(0x30)?, u16_at(0x32)?))
    }
}

/// `-X name=value` assignments, and the rest of the flags.
fn split_x(ldflags: &str) -> (BTreeMap<&str, &str>, Vec<&str>) {
    let mut x = BTreeMap::new();
    let mut rest = Vec::new();
    let mut it = ldflags.split_whitespace();
    while let Some(t) = it.next() {
        let assign = if t == "-X" || t == "--X" {
            it.next()
        } else {
            t.strip_prefix("-X=").or_else(|| t.strip_prefix("--X="))
        };
        match assign {
            Some(a) => {
                let (k, v) = a.split_once('=').unwrap_or((a, ""));
                x.insert(k, v);
            }
            None => rest.push(t),
        }
    }
    (x, rest)
}

fn printable(c: u8) -> bool {
    (0x20..0x7f).contains(&c) || c == b'\t'
}

/// The printable run around `r` (up to `cap` bytes each side).
fn context(d: &[u8], r: &Range<usize>, cap: usize) -> Range<usize> {
    let mut s = r.start.min(d.len());
    let mut e = r.end.min(d.len());
    while s > 0 && r.start - s < cap && printable(d[s - 1]) {
        s -= 1;
    }
    while e < d.len() && e - r.end < cap && printable(d[e]) {
        e += 1;
    }
    s..e
}

fn show(d: &[u8]) -> String {
    let mut s = String::new();
    for &c in d.iter().take(240) {
        if printable(c) {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    if d.len() > 240 {
        s.push('…');
    }
    s
}

const NIX_BASE32: &[u8] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Store paths in `s`: (hash range, package name without version, full path).
pub fn store_paths(s: &[u8]) -> Vec<(Range<usize>, String, String)> {
    let pat = b"/nix/store/";
    let mut out = Vec::new();
    let mut i = 0;
    while i + pat.len() + 33 <= s.len() {
        if &s[i..i + pat.len()] == pat {
            let h = i + pat.len();
            if s[h..h + 32].iter().all(|c| NIX_BASE32.contains(c)) && s[h + 32] == b'-' {
                let n0 = h + 33;
                let mut n1 = n0;
                while n1 < s.len() && (s[n1].is_ascii_alphanumeric() || b"+._?=-".contains(&s[n1]))
                {
                    n1 += 1;
                }
                let mut e = n1;
                while e < s.len()
                    && (s[e].is_ascii_alphanumeric() || b"+._-/".contains(&s[e]))
                    && e - i < 200
                {
                    e += 1;
                }
                // Go packs strings without separators: end the path after
                // the file the Nixpkgs patches point at, when it is one.
                for tail in [
                    &b"/share/zoneinfo/"[..],
                    b"/etc/services",
                    b"/etc/protocols",
                    b"/etc/mime.types",
                ] {
                    if let Some(at) = s[n1..e].windows(tail.len()).position(|w| w == tail) {
                        e = n1 + at + tail.len();
                        break;
                    }
                }
                let name = String::from_utf8_lossy(&s[n0..n1]).into_owned();
                out.push((
                    h..h + 32,
                    package_name(&name),
                    String::from_utf8_lossy(&s[i..e]).into_owned(),
                ));
                i = n1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// `tzdata-2025b` → `tzdata`, `iana-etc-20250108` → `iana-etc`.
fn package_name(name: &str) -> String {
    let mut parts = Vec::new();
    for p in name.split('-') {
        if p.starts_with(|c: char| c.is_ascii_digit()) && !parts.is_empty() {
            break;
        }
        parts.push(p);
    }
    parts.join("-")
}

/// Packages the Nixpkgs Go patches point into the store.
pub const TOOLCHAIN_PACKAGES: [&str; 3] = ["tzdata", "iana-etc", "mailcap"];

fn path_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._-+/@~:\\".contains(&c)
}

/// The path-like token around `r`, if it looks like an absolute path.
fn abs_path_token(d: &[u8], r: &Range<usize>) -> Option<Range<usize>> {
    let mut s = r.start.min(d.len());
    let mut e = r.end.min(d.len());
    if d[s..e].iter().any(|&c| !path_char(c)) {
        return None;
    }
    while s > 0 && r.start - s < 256 && path_char(d[s - 1]) {
        s -= 1;
    }
    while e < d.len() && e - r.end < 256 && path_char(d[e]) {
        e += 1;
    }
    // Start at the first '/' (or a drive letter) of the token.
    let tok = &d[s..e];
    let first = tok.iter().position(|&c| c == b'/').or_else(|| {
        tok.windows(3)
            .position(|w| w[0].is_ascii_alphabetic() && w[1] == b':' && w[2] == b'\\')
    })?;
    let start = s + first;
    if start > r.start {
        return None;
    }
    let seps = d[start..e]
        .iter()
        .filter(|&&c| c == b'/' || c == b'\\')
        .count();
    (seps >= 2).then_some(start..e)
}

/// Two paths that differ in the middle: a common prefix with at least two
/// separators (`/home/alice/…` vs `/home/bob/…`), or a common suffix with one
/// (`…/a/main.go` vs `…/b/main.go`).
fn same_path_shape(a: &[u8], b: &[u8]) -> bool {
    let sep = |c: &u8| *c == b'/' || *c == b'\\';
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a[..p].iter().filter(|c| sep(c)).count() >= 2 || a[a.len() - s..].iter().any(sep)
}

/// Paths the Nixpkgs Go patches replace with store paths, and the package
/// each one's replacement points into.
const PATCHED_AWAY: [(&str, &str); 4] = [
    ("/etc/services", "iana-etc"),
    ("/etc/protocols", "iana-etc"),
    ("/etc/mime.types", "mailcap"),
    ("/usr/share/zoneinfo/", "tzdata"),
];

/// The classification of a region where a Nix store path exists on one
/// side only (an official toolchain against a patched one), or where a
/// path that the Nixpkgs patches replace vanished on one side.
#[allow(clippy::type_complexity)]
fn one_sided_store_path(
    a: &[u8],
    b: &[u8],
    r: &Region,
    ca: &Range<usize>,
    cb: &Range<usize>,
    pa: &[(Range<usize>, String, String)],
    pb: &[(Range<usize>, String, String)],
) -> Option<(
    Cause,
    Confidence,
    Option<String>,
    &'static str,
    String,
    String,
)> {
    let cause_of = |pkg: &str| {
        if TOOLCHAIN_PACKAGES.contains(&pkg) {
            Cause::PatchedToolchain
        } else {
            Cause::BuildPath
        }
    };
    // The store path (if any) that the changed bytes on one side touch.
    let touching = |p: &[(Range<usize>, String, String)], rr: &Range<usize>, c0: usize| {
        let rel = rr.start.saturating_sub(c0)..rr.end.saturating_sub(c0);
        p.iter()
            .find(|(h, _, full)| {
                let start = h.start.saturating_sub(b"/nix/store/".len());
                let end = start + full.len();
                rel.start <= end && start <= rel.end
            })
            .cloned()
    };
    let (ra, rb) = (&a[r.a.clone()], &b[r.b.clone()]);
    let trimmed = |d: &[u8]| {
        let s = d.iter().position(|&c| c != 0).unwrap_or(d.len());
        let e = d.iter().rposition(|&c| c != 0).map(|e| e + 1).unwrap_or(s);
        show(&d[s..e.max(s)])
    };
    if pa.is_empty() != pb.is_empty() {
        let found = if pa.is_empty() {
            touching(pb, &r.b, cb.start).map(|(_, pkg, full)| (pkg, trimmed(ra), full))
        } else {
            touching(pa, &r.a, ca.start).map(|(_, pkg, full)| (pkg, full, trimmed(rb)))
        };
        if let Some((pkg, va, vb)) = found {
            let none = |v: String| {
                if v.is_empty() {
                    "(no store path)".into()
                } else {
                    v
                }
            };
            return Some((
                cause_of(&pkg),
                Confidence::High,
                Some(pkg),
                "Nix store path on one side only",
                none(va),
                none(vb),
            ));
        }
    }
    // "/etc/services" → "" and the like: the patch replaced that path.
    let (ta, tb) = (trimmed(ra), trimmed(rb));
    for (path, pkg) in PATCHED_AWAY {
        if (ta == path && tb.is_empty()) || (tb == path && ta.is_empty()) {
            return Some((
                Cause::PatchedToolchain,
                Confidence::Medium,
                Some(pkg.to_string()),
                "path the Nixpkgs patch replaces",
                if ta.is_empty() { "(absent)".into() } else { ta },
                if tb.is_empty() { "(absent)".into() } else { tb },
            ));
        }
    }
    None
}

/// Classifies one differing region.
fn classify(
    a: &[u8],
    b: &[u8],
    r: &Region,
    section: &str,
    code: bool,
) -> (
    Cause,
    Confidence,
    Option<String>,
    &'static str,
    String,
    String,
) {
    let ca = context(a, &r.a, 160);
    let cb = context(b, &r.b, 160);
    let (sa, sb) = (&a[ca.clone()], &b[cb.clone()]);
    if section.contains("buildid") || section.contains("build-id") {
        let what = if section.contains("gnu") {
            "GNU build ID note (derived from the Go build ID)"
        } else {
            "Go build ID note"
        };
        return (
            Cause::GoBuildId,
            Confidence::High,
            Some(section.to_string()),
            what,
            show(&a[r.a.clone()]),
            show(&b[r.b.clone()]),
        );
    }
    let bid = b"Go build ID: \"";
    let has = |s: &[u8], p: &[u8]| s.windows(p.len()).any(|w| w == p);
    if has(sa, bid) || has(sb, bid) {
        let id = |s: &[u8]| {
            if has(s, bid) {
                let at = s.windows(bid.len()).position(|w| w == bid).unwrap_or(0);
                let rest = &s[at..];
                let end = rest
                    .iter()
                    .skip(bid.len())
                    .position(|&c| c == b'"')
                    .map(|e| e + bid.len() + 1)
                    .unwrap_or(rest.len());
                show(&rest[..end])
            } else {
                "(no Go build ID)".to_string()
            }
        };
        return (
            Cause::GoBuildId,
            Confidence::High,
            Some(section.to_string()),
            "Go build ID string",
            id(sa),
            id(sb),
        );
    }
    let pa = store_paths(sa);
    let pb = store_paths(sb);
    if !pa.is_empty() && !pb.is_empty() {
        let mask = |s: &[u8], p: &[(Range<usize>, String, String)]| {
            let mut v = s.to_vec();
            for (h, _, _) in p {
                v[h.clone()].fill(b'*');
            }
            v
        };
        let overlaps = pa
            .iter()
            .any(|(h, _, _)| h.start <= r.a.end - ca.start && r.a.start - ca.start < h.end + 40);
        if mask(sa, &pa) == mask(sb, &pb) || overlaps {
            let conf = if mask(sa, &pa) == mask(sb, &pb) {
                Confidence::High
            } else {
                Confidence::Medium
            };
            let (_, pkg, full_a) = pa
                .iter()
                .find(|(h, _, _)| {
                    h.start <= r.a.end - ca.start && r.a.start - ca.start < h.end + 40
                })
                .unwrap_or(&pa[0])
                .clone();
            let rb = r.b.start.saturating_sub(cb.start)..r.b.end.saturating_sub(cb.start);
            let full_b = pb
                .iter()
                .find(|(h, p, _)| *p == pkg && h.start <= rb.end && rb.start < h.end + 40)
                .or_else(|| pb.iter().find(|(_, p, _)| *p == pkg))
                .map(|x| x.2.clone())
                .unwrap_or_else(|| pb[0].2.clone());
            let cause = if TOOLCHAIN_PACKAGES.contains(&pkg.as_str()) {
                Cause::PatchedToolchain
            } else {
                Cause::BuildPath
            };
            return (cause, conf, Some(pkg), "Nix store path", full_a, full_b);
        }
    }
    // A store path on one side only: an official toolchain against a
    // patched one (or a path the patch replaced, gone on one side).
    if let Some(found) = one_sided_store_path(a, b, r, &ca, &cb, &pa, &pb) {
        return found;
    }
    if let (Some(ta), Some(tb)) = (abs_path_token(a, &r.a), abs_path_token(b, &r.b))
        && same_path_shape(&a[ta.clone()], &b[tb.clone()])
    {
        return (
            Cause::BuildPath,
            Confidence::Medium,
            None,
            "absolute path",
            show(&a[ta]),
            show(&b[tb]),
        );
    }
    // A string that changed, grew, moved or vanished (NUL padding aside).
    let trim = |d: &'_ [u8]| -> (usize, usize) {
        let s = d.iter().position(|&c| c != 0).unwrap_or(d.len());
        let e = d.iter().rposition(|&c| c != 0).map(|e| e + 1).unwrap_or(s);
        (s, e.max(s))
    };
    let (ra, rb) = (&a[r.a.clone()], &b[r.b.clone()]);
    let (ta, tb) = (trim(ra), trim(rb));
    let (ta, tb) = (&ra[ta.0..ta.1], &rb[tb.0..tb.1]);
    let all_printable = ta.iter().chain(tb).all(|&c| printable(c));
    let long_enough = ta.len().max(tb.len()) >= 2 || (ca.len() >= 4 && cb.len() >= 4);
    if !code && all_printable && long_enough && ra.len().max(rb.len()) <= 160 {
        let subject = format!("{:?} → {:?}", show(ta), show(tb));
        let ctx = |whole: &[u8], t: &[u8]| {
            if t.is_empty() || whole.iter().all(|&c| printable(c)) {
                show(whole)
            } else {
                show(t)
            }
        };
        return (
            Cause::EmbeddedString,
            Confidence::Medium,
            Some(subject),
            "string",
            ctx(sa, ta),
            ctx(sb, tb),
        );
    }
    let hexw = |d: &[u8], x: &Range<usize>| {
        let mut s = archive::hex(&d[x.start..x.end.min(x.start + 32)]);
        if x.len() > 32 {
            s.push_str(&format!("… ({} bytes)", x.len()));
        }
        if x.is_empty() {
            s = "(nothing)".into();
        }
        s
    };
    let mut va = hexw(a, &r.a);
    let mut vb = hexw(b, &r.b);
    if ca.len() > r.a.len() + 3 {
        va.push_str(&format!("  in {:?}", show(sa)));
    }
    if cb.len() > r.b.len() + 3 {
        vb.push_str(&format!("  in {:?}", show(sb)));
    }
    (Cause::Unexplained, Confidence::Low, None, "bytes", va, vb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_path_parts() {
        let s = b"xx/nix/store/2s4hpq73hn49jd84x976m3acp3rd3k1x-tzdata-2025b/share/zoneinfo/\x00";
        let p = store_paths(s);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].1, "tzdata");
        assert!(p[0].2.ends_with("/share/zoneinfo/"));
        assert_eq!(package_name("iana-etc-20250108"), "iana-etc");
        assert_eq!(package_name("mailcap-2.1.54"), "mailcap");
    }

    #[test]
    fn x_flags() {
        let (x, rest) = split_x("-s -w -X main.version=v1 -X=main.commit=abc");
        assert_eq!(x.get("main.version"), Some(&"v1"));
        assert_eq!(x.get("main.commit"), Some(&"abc"));
        assert_eq!(rest, vec!["-s", "-w"]);
    }
}
