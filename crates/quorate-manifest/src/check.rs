//! Checking a tree against a manifest, and hashing trees in parallel.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::hash::{Digest, sha256_reader};
use crate::manifest::{Manifest, ManifestError};
use crate::progress::Progress;
use crate::tree::{self, Kind, TreeError};

/// The result for one manifest entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryStatus {
    /// The file is present and its digest matches.
    Match,
    /// The file is present and differs.
    Mismatch {
        /// The digest of the file on disk.
        actual: Digest,
    },
    /// The file is absent.
    Missing,
    /// The file could not be read.
    Unreadable {
        /// Why.
        error: String,
    },
}

/// One checked entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckEntry {
    /// The listed path.
    pub path: String,
    /// The listed digest.
    pub expected: Digest,
    /// What was found.
    #[serde(flatten)]
    pub status: EntryStatus,
}

/// The outcome of checking a tree against a manifest.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CheckReport {
    /// Every manifest entry, in manifest order.
    pub entries: Vec<CheckEntry>,
    /// Files present in the tree but not listed (relative paths, sorted).
    pub unlisted: Vec<String>,
}

impl CheckReport {
    /// True when every listed file is present and matches.
    pub fn all_match(&self) -> bool {
        self.entries.iter().all(|e| e.status == EntryStatus::Match)
    }

    /// True when every file that is present matches (missing ones allowed).
    pub fn present_match(&self) -> bool {
        self.entries
            .iter()
            .all(|e| matches!(e.status, EntryStatus::Match | EntryStatus::Missing))
    }

    /// Counts of (match, mismatch, missing, unreadable).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for e in &self.entries {
            match e.status {
                EntryStatus::Match => c.0 += 1,
                EntryStatus::Mismatch { .. } => c.1 += 1,
                EntryStatus::Missing => c.2 += 1,
                EntryStatus::Unreadable { .. } => c.3 += 1,
            }
        }
        c
    }
}

/// Why a tree could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum HashTreeError {
    /// The tree could not be walked.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The resulting manifest is invalid (cannot happen for walked trees,
    /// kept for completeness).
    #[error(transparent)]
    Manifest(#[from] ManifestError),
}

/// Hashes `files` (absolute paths) in parallel, reporting bytes to
/// `progress`. Results come back in input order.
pub fn hash_files(files: &[PathBuf], progress: &dyn Progress) -> Vec<std::io::Result<Digest>> {
    files
        .par_iter()
        .with_max_len(1)
        .map(|p| {
            let f = std::fs::File::open(p)?;
            sha256_reader(f, |n| progress.advance(n))
        })
        .collect()
}

/// Builds the manifest of every regular file (and link to a file) under
/// `root`, skipping relative paths for which `skip` returns true. Files are
/// hashed in parallel with streaming reads.
pub fn manifest_of_tree(
    root: &Path,
    skip: &dyn Fn(&str) -> bool,
    progress: &dyn Progress,
) -> Result<Manifest, HashTreeError> {
    let entries = tree::walk(root, skip)?;
    let files: Vec<_> = entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                Kind::File { .. } | Kind::Symlink { to_file: true, .. }
            )
        })
        .collect();
    let total: u64 = files
        .iter()
        .map(|e| match e.kind {
            Kind::File { len, .. } => len,
            _ => 0,
        })
        .sum();
    progress.begin("hashing", total);
    let paths: Vec<PathBuf> = files.iter().map(|e| e.abs.clone()).collect();
    let digests = hash_files(&paths, progress);
    progress.end();
    let mut out = Vec::with_capacity(files.len());
    for (e, d) in files.iter().zip(digests) {
        let digest = d.map_err(|source| HashTreeError::Io {
            path: e.abs.clone(),
            source,
        })?;
        out.push(crate::manifest::Entry {
            path: e.rel.clone(),
            digest,
        });
    }
    Ok(Manifest::from_entries(out)?)
}

/// Checks the files under `root` against `manifest`: every listed path is
/// hashed (in parallel) and reported; files present but not listed are
/// collected in [`CheckReport::unlisted`] (paths for which `skip` returns
/// true are not reported as unlisted).
pub fn check(
    manifest: &Manifest,
    root: &Path,
    skip: &dyn Fn(&str) -> bool,
    progress: &dyn Progress,
) -> Result<CheckReport, TreeError> {
    let listed = manifest.paths();
    let mut unlisted = Vec::new();
    if root.is_dir() {
        for e in tree::walk(root, skip)? {
            if matches!(e.kind, Kind::Dir) {
                continue;
            }
            if !listed.contains(e.rel.as_str()) {
                unlisted.push(e.rel);
            }
        }
    }
    let total: u64 = manifest
        .entries()
        .iter()
        .filter_map(|e| std::fs::metadata(root.join(&e.path)).ok())
        .map(|m| m.len())
        .sum();
    progress.begin("checking", total);
    let canon_root = root.canonicalize().ok();
    let entries = manifest
        .entries()
        .par_iter()
        .with_max_len(1)
        .map(|e| {
            let path = root.join(&e.path);
            // Never follow a link out of the folder, and read only regular
            // files: a FIFO would hang, a device never end.
            let outside = match (&canon_root, path.canonicalize()) {
                (Some(r), Ok(c)) => !c.starts_with(r),
                _ => false,
            };
            let opened = if outside {
                Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "a symbolic link leaving the folder: not followed",
                ))
            } else {
                crate::fsutil::open_regular(&path).map(|(f, _)| f)
            };
            let status = match opened {
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => EntryStatus::Missing,
                Err(err) => EntryStatus::Unreadable {
                    error: err.to_string(),
                },
                Ok(f) => match sha256_reader(f, |n| progress.advance(n)) {
                    Ok(d) if d == e.digest => EntryStatus::Match,
                    Ok(d) => EntryStatus::Mismatch { actual: d },
                    Err(err) => EntryStatus::Unreadable {
                        error: err.to_string(),
                    },
                },
            };
            CheckEntry {
                path: e.path.clone(),
                expected: e.digest,
                status,
            }
        })
        .collect();
    progress.end();
    Ok(CheckReport { entries, unlisted })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn detects_flip_missing_extra() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("a"), "a").unwrap();
        std::fs::write(d.path().join("sub/b"), "b").unwrap();
        let m = manifest_of_tree(d.path(), &|_| false, &NoProgress).unwrap();
        assert_eq!(m.len(), 2);
        assert!(
            check(&m, d.path(), &|_| false, &NoProgress)
                .unwrap()
                .all_match()
        );
        std::fs::write(d.path().join("a"), "A").unwrap();
        std::fs::remove_file(d.path().join("sub/b")).unwrap();
        std::fs::write(d.path().join("c"), "c").unwrap();
        let r = check(&m, d.path(), &|_| false, &NoProgress).unwrap();
        assert!(matches!(r.entries[0].status, EntryStatus::Mismatch { .. }));
        assert_eq!(r.entries[1].status, EntryStatus::Missing);
        assert_eq!(r.unlisted, ["c"]);
    }
}
