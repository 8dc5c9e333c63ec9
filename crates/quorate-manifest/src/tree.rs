//! Walking a release tree under quorate's rules.
//!
//! Manifests and archives see a folder the same way: regular files,
//! folders, and symbolic links that stay inside the tree; names that are
//! valid UTF-8 without newline, carriage return or backslash; entries in
//! path-byte order. Anything else (device files, sockets, FIFOs, links
//! leaving the tree, unreadable folders, unusable names) is an error that
//! names the path.

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// What a tree entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A folder.
    Dir,
    /// A regular file.
    File {
        /// Size in bytes.
        len: u64,
        /// Any execute bit is set.
        executable: bool,
    },
    /// A symbolic link to `target` (as written in the link), which resolves
    /// inside the tree.
    Symlink {
        /// The link's target, as stored.
        target: String,
        /// The link resolves to a regular file (not a folder).
        to_file: bool,
    },
}

/// One entry of a walked tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Absolute (or root-joined) path on disk.
    pub abs: PathBuf,
    /// What it is.
    pub kind: Kind,
}

/// Why a tree could not be walked.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// Reading a folder or a file's metadata failed.
    #[error("{path}: {source}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A name quorate cannot put in a manifest or archive.
    #[error("{path}: {reason}; rename it or move it out of the tree")]
    BadName {
        /// The path concerned.
        path: PathBuf,
        /// What is wrong with the name.
        reason: &'static str,
    },
    /// A device file, socket or FIFO.
    #[error("{path}: {kind} cannot be part of a release; remove it from the tree")]
    Special {
        /// The path concerned.
        path: PathBuf,
        /// What kind of file it is.
        kind: &'static str,
    },
    /// A symbolic link that leaves the tree (or dangles).
    #[error(
        "{path}: symbolic link to {target:?} {reason}; replace it with the file it points to or remove it"
    )]
    SymlinkOutside {
        /// The link.
        path: PathBuf,
        /// Its target.
        target: String,
        /// "points outside the tree" or "does not resolve".
        reason: &'static str,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> TreeError + '_ {
    move |source| TreeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Walks `root` and returns every entry below it (not the root itself),
/// sorted by relative path bytes. `skip` is called with each relative path
/// and may exclude it (and, for a folder, everything below).
pub fn walk(root: &Path, skip: &dyn Fn(&str) -> bool) -> Result<Vec<TreeEntry>, TreeError> {
    let canon_root = root.canonicalize().map_err(io_err(root))?;
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let rd = fs::read_dir(&dir).map_err(io_err(&dir))?;
        for item in rd {
            let item = item.map_err(io_err(&dir))?;
            let abs = item.path();
            let name = item.file_name();
            let name = name.to_str().ok_or(TreeError::BadName {
                path: abs.clone(),
                reason: "the name is not valid UTF-8",
            })?;
            if name.contains(['\n', '\r']) {
                return Err(TreeError::BadName {
                    path: abs,
                    reason: "the name contains a newline",
                });
            }
            if name.contains('\\') {
                return Err(TreeError::BadName {
                    path: abs,
                    reason: "the name contains a backslash",
                });
            }
            let rel = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}/{name}")
            };
            if skip(&rel) {
                continue;
            }
            let meta = fs::symlink_metadata(&abs).map_err(io_err(&abs))?;
            let ft = meta.file_type();
            let kind = if ft.is_dir() {
                stack.push((abs.clone(), rel.clone()));
                Kind::Dir
            } else if ft.is_file() {
                Kind::File {
                    len: meta.len(),
                    executable: meta.permissions().mode() & 0o111 != 0,
                }
            } else if ft.is_symlink() {
                let target = fs::read_link(&abs).map_err(io_err(&abs))?;
                let target_str = target
                    .to_str()
                    .ok_or(TreeError::BadName {
                        path: abs.clone(),
                        reason: "the link target is not valid UTF-8",
                    })?
                    .to_string();
                let outside = |reason| TreeError::SymlinkOutside {
                    path: abs.clone(),
                    target: target_str.clone(),
                    reason,
                };
                if target.is_absolute()
                    || target
                        .components()
                        .any(|c| matches!(c, Component::Prefix(_)))
                {
                    return Err(outside("is absolute"));
                }
                let resolved = abs
                    .canonicalize()
                    .map_err(|_| outside("does not resolve"))?;
                if !resolved.starts_with(&canon_root) {
                    return Err(outside("points outside the tree"));
                }
                let to_file = fs::metadata(&resolved)
                    .map_err(io_err(&resolved))?
                    .is_file();
                Kind::Symlink {
                    target: target_str,
                    to_file,
                }
            } else {
                let kind = if ft.is_socket() {
                    "a socket"
                } else if ft.is_fifo() {
                    "a FIFO"
                } else if ft.is_block_device() || ft.is_char_device() {
                    "a device file"
                } else {
                    "a special file"
                };
                return Err(TreeError::Special { path: abs, kind });
            };
            out.push(TreeEntry { rel, abs, kind });
        }
    }
    out.sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn walks_sorted_with_links() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("b/c")).unwrap();
        fs::write(d.path().join("b/c/f"), "x").unwrap();
        fs::write(d.path().join("a"), "y").unwrap();
        symlink("b/c/f", d.path().join("l")).unwrap();
        let rels: Vec<_> = walk(d.path(), &|_| false)
            .unwrap()
            .into_iter()
            .map(|e| e.rel)
            .collect();
        assert_eq!(rels, ["a", "b", "b/c", "b/c/f", "l"]);
        symlink("../../etc/passwd", d.path().join("bad")).unwrap();
        assert!(matches!(
            walk(d.path(), &|_| false),
            Err(TreeError::SymlinkOutside { .. })
        ));
    }
}
