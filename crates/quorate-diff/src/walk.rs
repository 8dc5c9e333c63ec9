//! The walk over the file system: reading a file (mapped, never a FIFO
//! or device), listing a folder (files, symlinks with their targets,
//! special files), and pairing two folders' entries by relative path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::model::{Collector, Stats};
use crate::{DiffError, DiffOptions};

/// File contents: mapped, or read (empty files cannot be mapped).
pub enum Contents {
    /// Memory-mapped.
    Map(memmap2::Mmap),
    /// Read into memory.
    Vec(Vec<u8>),
}

impl std::ops::Deref for Contents {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Contents::Map(m) => m,
            Contents::Vec(v) => v,
        }
    }
}

/// What a file that is not a regular file, folder or link is (`FIFO`,
/// `socket`, …); `None` for those three. See
/// [`quorate_manifest::fsutil::special_kind`].
pub fn special_kind(ft: &std::fs::FileType) -> Option<&'static str> {
    quorate_manifest::fsutil::special_kind(*ft)
}

/// Opens a file for reading without blocking: a FIFO swapped in after the
/// type was checked must not hang the open.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        const O_NONBLOCK: i32 = 0o4000;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        const O_NONBLOCK: i32 = 0x0004;
        o.custom_flags(O_NONBLOCK);
    }
    o.open(path)
}

/// Maps a file read-only. Only regular files are opened: a FIFO, socket or
/// device is a [`DiffError::NotRegular`] (checked before the open, which
/// does not block, and again on the open file).
pub fn map_file(path: &Path) -> Result<Contents, DiffError> {
    let io = |source| DiffError::Io {
        path: path.to_path_buf(),
        source,
    };
    let not_regular = |ft: &std::fs::FileType| {
        special_kind(ft).map(|kind| DiffError::NotRegular {
            path: path.to_path_buf(),
            kind,
        })
    };
    if let Some(e) = not_regular(&std::fs::metadata(path).map_err(io)?.file_type()) {
        return Err(e);
    }
    let f = open_nonblocking(path).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if let Some(e) = not_regular(&meta.file_type()) {
        return Err(e);
    }
    let len = meta.len();
    if len == 0 {
        return Ok(Contents::Vec(Vec::new()));
    }
    // SAFETY: the map is read-only; a file changed underneath while
    // mapped can give inconsistent bytes but never unsafety in our
    // parsers, which treat the data as untrusted anyway.
    let m = unsafe { memmap2::Mmap::map(&f) }.map_err(io)?;
    Ok(Contents::Map(m))
}

/// One entry of a folder walk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Entry {
    /// A regular file.
    File,
    /// A symlink and its target.
    Link(PathBuf),
    /// A FIFO, socket or device: never opened.
    Special(&'static str),
}

impl Entry {
    pub(crate) fn describe(&self) -> String {
        match self {
            Entry::File => "file".into(),
            Entry::Link(t) => format!("symlink to {}", t.display()),
            Entry::Special(k) => format!("{k} (not a regular file, not opened)"),
        }
    }
}

/// Entries under `dir` (relative `/` paths, sorted): files, symlinks with
/// their targets, special files.
fn list(dir: &Path) -> Result<Vec<(String, Entry)>, DiffError> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let full = dir.join(&rel);
        let rd = std::fs::read_dir(&full).map_err(|source| DiffError::Io {
            path: full.clone(),
            source,
        })?;
        for e in rd {
            let e = e.map_err(|source| DiffError::Io {
                path: full.clone(),
                source,
            })?;
            let ft = e.file_type().map_err(|source| DiffError::Io {
                path: e.path(),
                source,
            })?;
            let r = rel.join(e.file_name());
            if ft.is_dir() {
                stack.push(r);
            } else {
                let name = r.to_string_lossy().replace('\\', "/");
                let entry = if ft.is_symlink() {
                    Entry::Link(std::fs::read_link(e.path()).unwrap_or_default())
                } else if let Some(k) = special_kind(&ft) {
                    Entry::Special(k)
                } else {
                    Entry::File
                };
                out.push((name, entry));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Compares two folders (metadata `ma`, `mb`) entry by entry into `col`;
/// returns the counters and whether the time limit stopped the walk.
pub(crate) fn folders(
    (a, ma): (&Path, &std::fs::Metadata),
    (b, mb): (&Path, &std::fs::Metadata),
    opts: &DiffOptions,
    col: &mut Collector,
    progress: &dyn quorate_manifest::Progress,
) -> Result<(Stats, bool), DiffError> {
    let la = list(a)?;
    let lb = list(b)?;
    let size = ma.len() + mb.len();
    let mut eng = Engine::new(opts, size.max(dir_size(a, &la) + dir_size(b, &lb)), col);
    let ib: BTreeMap<&str, &Entry> = lb.iter().map(|(n, l)| (n.as_str(), l)).collect();
    let ia: BTreeSet<&str> = la.iter().map(|(n, _)| n.as_str()).collect();
    progress.begin_items("comparing", la.len() as u64);
    let mut manifests = Vec::new();
    for (name, ea) in &la {
        progress.advance(1);
        let p = vec![name.clone()];
        match ib.get(name.as_str()) {
            None => eng.one_side(&p, true, &ea.describe()),
            Some(Entry::File) if *ea == Entry::File => {
                match (map_file(&a.join(name)), map_file(&b.join(name))) {
                    // Manifests last: their digests follow from the files.
                    (Ok(ca), Ok(cb))
                        if ca[..] != cb[..]
                            && Engine::is_manifest(&ca)
                            && Engine::is_manifest(&cb) =>
                    {
                        manifests.push((p, ca, cb))
                    }
                    (Ok(ca), Ok(cb)) => eng.compare(&p, &ca, &cb, 0),
                    (ra, rb) => {
                        // Swapped for a FIFO or device since the listing.
                        let mut vs = Vec::new();
                        for r in [ra.map(|_| ()), rb.map(|_| ())] {
                            match r {
                                Ok(()) => vs.push("file".to_string()),
                                Err(DiffError::NotRegular { kind, .. }) => {
                                    vs.push(Entry::Special(kind).describe())
                                }
                                Err(e) => return Err(e),
                            }
                        }
                        eng.special(&p, Some(vs[0].clone()), Some(vs[1].clone()));
                    }
                }
            }
            Some(eb) => eng.entry_kinds(
                &p,
                &ea.describe(),
                &eb.describe(),
                matches!((ea, eb), (Entry::Link(_), Entry::Link(_))),
                matches!(ea, Entry::Special(_)) || matches!(eb, Entry::Special(_)),
            ),
        }
    }
    for (name, eb) in &lb {
        if !ia.contains(name.as_str()) {
            eng.one_side(std::slice::from_ref(name), false, &eb.describe());
        }
    }
    for (p, ca, cb) in manifests {
        eng.compare(&p, &ca, &cb, 0);
    }
    progress.end();
    Ok((std::mem::take(&mut eng.stats), eng.timed_out))
}

/// Bytes under `root` of the entries listed.
fn dir_size(root: &Path, l: &[(String, Entry)]) -> u64 {
    l.iter()
        .filter_map(|(n, _)| std::fs::symlink_metadata(root.join(n)).ok())
        .map(|m| m.len())
        .sum()
}
