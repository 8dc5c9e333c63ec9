//! The walk: both sides at once, recursively through folders, archives,
//! executables and bytes; every difference is classified and pushed to a
//! [`Sink`]. This module holds the walking state and the dispatch by
//! format; each format's comparison is a module below (`gzip`, `tar`,
//! `zip`, `exe`, `buildinfo`, with `members` for what archives share),
//! and plain bytes go through [`crate::classify`].

use std::time::Instant;

mod buildinfo;
mod exe;
mod gzip;
mod manifest;
mod members;
mod record;
mod tar;
mod zip;

use crate::DiffOptions;
use crate::bytediff::diff_regions;
use crate::causes::classify_in;
use crate::causes::embedded_string::{Offsets, pair_moved};
use crate::classify::{Classified, RegionCtx};
use crate::detect::Kind;
use crate::model::{Cause, Confidence, Evidence, Note, Observation, Sink, Stats};

// Where these lived before the split; kept for the crates that use them.
pub use crate::executable::{SecInfo, buildinfo_hint, is_strip_section, sections};
pub use crate::nixstore::{StoreKind, store_kind, store_paths};

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
    /// Top-level entries (folder walk) found to differ, or present on one
    /// side only: a manifest's digest of one of them follows from it.
    differing: std::collections::BTreeSet<String>,
    /// Set while comparing the sections of an executable whose data moved
    /// (its size or a common section's size differs).
    displaced: bool,
}

/// The name of a nesting level for notes.
fn join(path: &[String]) -> String {
    path.join(" › ")
}

impl<'s> Engine<'s> {
    /// True when `d` is a SHA-256 manifest: a folder walk compares those
    /// last, once the files they list are compared.
    pub fn is_manifest(d: &[u8]) -> bool {
        manifest::entries(d).is_some()
    }

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
            differing: Default::default(),
            displaced: false,
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

    /// A header field (mtime, mode, owner…) of one archive member that
    /// differs between the sides: one high-confidence observation with
    /// both values. Returns whether it differed.
    fn header_field(
        &mut self,
        cause: Cause,
        path: &[String],
        p: &[String],
        what: &str,
        (x, y): (String, String),
    ) -> bool {
        if x == y {
            return false;
        }
        self.obs(
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
        true
    }

    /// A file present on one side only.
    pub fn one_side(&mut self, path: &[String], in_a: bool, what: &str) {
        if path.len() == 1 {
            self.differing.insert(path[0].clone());
        }
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
        if depth == 0 && path.len() == 1 {
            self.differing.insert(path[0].clone());
        }
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
            Kind::Bytes => {
                if self.manifest(path, a, b) {
                    return;
                }
                if !self.record(path, a, b) {
                    self.bytes(path, path.to_vec(), a, b, None)
                }
            }
        }
        if self.observed == before && !self.timed_out {
            // The container parsed equal but the bytes differ: locate them.
            self.bytes(path, path.to_vec(), a, b, None);
        }
    }

    /// Compares decompressed content of a gzip stream at the same path.
    fn compare_inner(&mut self, path: &[String], a: &[u8], b: &[u8], depth: usize) {
        // Count the inflated bytes, not the entry again (nor its
        // difference: the compressed stream was counted as differing).
        self.stats.entries = self.stats.entries.saturating_sub(1);
        if a != b {
            self.stats.differing = self.stats.differing.saturating_sub(1);
        }
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
        let mut out: Vec<(Classified, Offsets)> = Vec::with_capacity(regions.len());
        for r in &regions {
            let c = classify_in(&RegionCtx::in_exe(
                a,
                b,
                r,
                sec.map(|s| s.0.name.as_str()).unwrap_or(""),
                sec.map(|s| s.0.code).unwrap_or(false),
                self.displaced && sec.is_some(),
            ));
            let off = (
                Some(base(sec.map(|s| s.0)) + r.a.start as u64),
                Some(base(sec.map(|s| s.1)) + r.b.start as u64),
            );
            out.push((c, off));
        }
        pair_moved(&mut out);
        for (c, off) in out {
            self.obs(
                c.cause,
                c.confidence,
                c.subject,
                file,
                ev_path.clone(),
                off,
                c.what,
                Some(c.a),
                Some(c.b),
            );
        }
    }
}
