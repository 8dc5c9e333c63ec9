//! quorate-diff: explains why two artifacts differ.
//!
//! The engine walks both sides at once, in memory: folders (paired by
//! relative path), gzip, tar and zip containers (bounded inflate, never
//! extracted, never run), executables (ELF, Mach-O, PE through `object`:
//! section table and each section's bytes by name), Go build info (read
//! natively), and plain bytes (content-defined chunks aligned with
//! imara-diff, refined with `similar`). Each difference is classified into
//! a [`Cause`] of the catalogue and pushed to a [`Sink`]; the
//! [`Collector`] groups them into ranked [`Finding`]s; [`render_text`]
//! and serde render them.
//!
//! ```no_run
//! use quorate_diff::{diff_paths, render_text, DiffOptions};
//! let report = diff_paths("a/tapd".as_ref(), "b/tapd".as_ref(), &DiffOptions::default()).unwrap();
//! print!("{}", render_text(&report, 10));
//! ```

pub mod archive;
pub mod bytediff;
pub mod causes;
pub mod classify;
pub mod detect;
pub mod engine;
pub mod executable;
pub mod facts;
pub mod gobuild;
pub mod inspect;
pub mod model;
pub mod names;
pub mod nixstore;
pub mod open;
#[cfg(test)]
mod proptests;
mod render;
pub mod tarfmt;
mod walk;
pub mod zipfmt;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use inspect::{Hazard, Inspection, inspect_bytes, inspect_path};
pub use model::{
    Cause, Collector, Confidence, Evidence, Finding, Note, Observation, Report, Sink, Stats,
};
pub use render::{TextOptions, render_text, render_text_with};
pub use walk::{Contents, map_file, special_kind};

/// Limits and knobs of a diff.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Stop walking after this long; the findings so far are returned.
    pub timeout: Duration,
    /// Containers nested deeper than this are compared as bytes.
    pub max_depth: usize,
    /// A stream may inflate to at most this many times its compressed size.
    pub max_ratio: u64,
    /// And never past this many bytes (per stream, and in all).
    pub max_decompressed: u64,
    /// Differing regions kept per section or file; the rest is summarized.
    pub max_regions: usize,
    /// Members read per archive.
    pub max_members: usize,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            timeout: Duration::from_secs(60),
            max_depth: 8,
            max_ratio: 100,
            max_decompressed: 4 << 30,
            max_regions: 1000,
            max_members: 100_000,
        }
    }
}

/// What can stop a diff before it starts.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A side could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not a regular file (a FIFO, socket or device): never opened.
    #[error("{}: {kind}, not a regular file: not opened", path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is (`FIFO`, `socket`, `character device`, …).
        kind: &'static str,
    },
    /// One side is a folder, the other a file.
    #[error("{} is a folder but {} is not: compare two files or two folders", dir.display(), other.display())]
    Mismatch {
        /// The folder.
        dir: PathBuf,
        /// The file.
        other: PathBuf,
    },
}

/// Compares two files or two folders.
pub fn diff_paths(a: &Path, b: &Path, opts: &DiffOptions) -> Result<Report, DiffError> {
    diff_paths_with_progress(a, b, opts, &quorate_manifest::NoProgress)
}

/// [`diff_paths`], reporting the files compared to `progress`.
pub fn diff_paths_with_progress(
    a: &Path,
    b: &Path,
    opts: &DiffOptions,
    progress: &dyn quorate_manifest::Progress,
) -> Result<Report, DiffError> {
    let start = Instant::now();
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| DiffError::Io { path: p, source }
    };
    let ma = std::fs::metadata(a).map_err(io(a))?;
    let mb = std::fs::metadata(b).map_err(io(b))?;
    let mut col = Collector::new();
    let (stats, timed_out) = match (ma.is_dir(), mb.is_dir()) {
        (true, true) => walk::folders((a, &ma), (b, &mb), opts, &mut col, progress)?,
        (false, false) => {
            let name = a
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| a.display().to_string());
            let (sa, sb) = (special_kind(&ma.file_type()), special_kind(&mb.file_type()));
            if sa.is_some() || sb.is_some() {
                // Never opened: a FIFO would block the read forever.
                let d = |k: Option<&'static str>| {
                    k.map(|k| walk::Entry::Special(k).describe())
                        .unwrap_or_else(|| "file".into())
                };
                let mut eng = engine::Engine::new(opts, 0, &mut col);
                eng.special(&[name], Some(d(sa)), Some(d(sb)));
                (std::mem::take(&mut eng.stats), eng.timed_out)
            } else {
                let ca = map_file(a)?;
                let cb = map_file(b)?;
                let mut eng = engine::Engine::new(opts, (ca.len() + cb.len()) as u64, &mut col);
                eng.compare(&[name], &ca, &cb, 0);
                (std::mem::take(&mut eng.stats), eng.timed_out)
            }
        }
        (true, false) => {
            return Err(DiffError::Mismatch {
                dir: a.into(),
                other: b.into(),
            });
        }
        (false, true) => {
            return Err(DiffError::Mismatch {
                dir: b.into(),
                other: a.into(),
            });
        }
    };
    Ok(finish(
        a.display().to_string(),
        b.display().to_string(),
        col,
        stats,
        timed_out,
        start,
    ))
}

/// Compares two byte strings (named `name` in the evidence).
pub fn diff_bytes(name: &str, a: &[u8], b: &[u8], opts: &DiffOptions) -> Report {
    let start = Instant::now();
    let mut col = Collector::new();
    let mut eng = engine::Engine::new(opts, (a.len() + b.len()) as u64, &mut col);
    eng.compare(&[name.to_string()], a, b, 0);
    let (stats, timed_out) = (std::mem::take(&mut eng.stats), eng.timed_out);
    finish("A".into(), "B".into(), col, stats, timed_out, start)
}

fn finish(
    a: String,
    b: String,
    col: Collector,
    mut stats: Stats,
    timed_out: bool,
    start: Instant,
) -> Report {
    let (findings, notes) = col.findings();
    stats.millis = start.elapsed().as_millis() as u64;
    Report {
        a,
        b,
        identical: findings.is_empty() && stats.differing == 0 && !timed_out,
        findings,
        notes,
        timed_out,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn opts() -> DiffOptions {
        DiffOptions {
            timeout: Duration::from_secs(10),
            max_decompressed: 1 << 20,
            ..DiffOptions::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_bytes_never_panic(a in proptest::collection::vec(any::<u8>(), 0..2048), b in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let r = diff_bytes("x", &a, &b, &opts());
            prop_assert_eq!(r.identical, a == b);
            prop_assert_eq!(r.findings.is_empty(), a == b);
            let _ = render_text(&r, 3);
            let _ = inspect_bytes("x", &a, &opts());
        }

        #[test]
        fn mutated_containers_never_panic(cut in 0usize..4096, flip in 0usize..4096, magic in 0usize..6) {
            let heads: [&[u8]; 6] = [b"\x7fELF\x02\x01\x01", b"\x1f\x8b\x08\x00", b"PK\x03\x04", b"MZ", b"\xcf\xfa\xed\xfe", b"PK\x05\x06"];
            let mut a = heads[magic].to_vec();
            a.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8));
            let mut b = a.clone();
            let i = flip % b.len();
            b[i] ^= 0x5a;
            b.truncate(cut.max(1));
            let r = diff_bytes("x", &a, &b, &opts());
            prop_assert!(!r.identical);
            let _ = inspect_bytes("x", &b, &opts());
        }
    }

    #[test]
    fn store_hash_change_is_patched_toolchain() {
        let mk = |h: &str| {
            let mut v = vec![0u8; 50_000];
            let s = format!("/nix/store/{h}-tzdata-2025b/share/zoneinfo/runtime.Goexit");
            v[30_000..30_000 + s.len()].copy_from_slice(s.as_bytes());
            v
        };
        let r = diff_bytes(
            "x",
            &mk("2s4hpq73hn49jd84x976m3acp3rd3k1x"),
            &mk("xhnb1d4wgj38xh383ys1byign0yhacqh"),
            &opts(),
        );
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].cause, Cause::PatchedToolchain);
        assert_eq!(r.findings[0].subjects, vec!["tzdata".to_string()]);
        assert_eq!(r.findings[0].evidence[0].offset_a, Some(30_011));
    }
}
