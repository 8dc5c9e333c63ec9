//! Walking a release tree under quorate's rules.
//!
//! Manifests and archives see a folder the same way: regular files,
//! folders, and symbolic links that stay inside the tree; names that are
//! valid UTF-8 without newline, carriage return or backslash; entries in
//! path-byte order. Anything else (device files, sockets, FIFOs, links
//! leaving the tree, unreadable folders, unusable names) is an error that
//! names the path.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

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
    #[error("{path}: a {kind} cannot be part of a release; remove it from the tree")]
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

/// Most links followed while resolving one link (as Linux's ELOOP limit).
const MAX_LINK_HOPS: usize = 40;

/// Resolves the symbolic link `rel` (relative to `root`, `/`-separated)
/// component by component the way the kernel does, with `root` as a wall:
/// a `..` that would climb above `root` is refused even if the path comes
/// back in by the root's own name (`s -> ../root/f`), because the link is
/// read against the archive's root once extracted elsewhere or under a
/// prefix. Links met on the way are followed the same way (absolute ones
/// refused). Returns the target's path relative to `root`, or why the link
/// is refused ("is absolute", "points outside the tree", "does not
/// resolve").
pub fn resolve_link_in_tree(root: &Path, rel: &str) -> Result<String, &'static str> {
    resolve_in_tree(root, rel)
}

/// Resolves `rel` (relative to `root`, `/`-separated; any component may be
/// a link) as [`resolve_link_in_tree`] does, with `root` as a wall; the
/// result exists.
pub fn resolve_in_tree(root: &Path, rel: &str) -> Result<String, &'static str> {
    if rel.starts_with('/') {
        return Err("is absolute");
    }
    let mut done: Vec<String> = Vec::new();
    let mut todo: std::collections::VecDeque<String> = rel.split('/').map(str::to_string).collect();
    let mut hops = 0usize;
    while let Some(c) = todo.pop_front() {
        match c.as_str() {
            "" | "." => continue,
            ".." => {
                if done.pop().is_none() {
                    return Err("points outside the tree");
                }
                continue;
            }
            _ => {}
        }
        done.push(c);
        let abs = root.join(done.join("/"));
        let meta = fs::symlink_metadata(&abs).map_err(|_| "does not resolve")?;
        let ft = meta.file_type();
        if ft.is_symlink() {
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return Err("does not resolve");
            }
            let target = fs::read_link(&abs).map_err(|_| "does not resolve")?;
            let target = target.to_str().ok_or("does not resolve")?;
            if target.starts_with('/') {
                return Err("is absolute");
            }
            done.pop();
            for part in target.split('/').rev() {
                todo.push_front(part.to_string());
            }
        } else if !ft.is_dir() && !todo.iter().all(|c| c.is_empty() || c == ".") {
            return Err("does not resolve");
        }
    }
    if done.is_empty() {
        // The root itself: a link to the tree's own top.
        return Ok(String::new());
    }
    Ok(done.join("/"))
}

/// Walks `root` and returns every entry below it (not the root itself),
/// sorted by relative path bytes. `skip` is called with each relative path
/// and may exclude it (and, for a folder, everything below).
pub fn walk(root: &Path, skip: &dyn Fn(&str) -> bool) -> Result<Vec<TreeEntry>, TreeError> {
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
                let resolved = resolve_link_in_tree(root, &rel).map_err(|reason| {
                    TreeError::SymlinkOutside {
                        path: abs.clone(),
                        target: target_str.clone(),
                        reason,
                    }
                })?;
                let to_file = fs::metadata(root.join(&resolved))
                    .map_err(io_err(&abs))?
                    .is_file();
                Kind::Symlink {
                    target: target_str,
                    to_file,
                }
            } else {
                let kind = quorate_base::fsutil::special_kind(ft).unwrap_or("special file");
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
        // Out of the tree and back in by the root's own name.
        let name = d.path().file_name().unwrap().to_str().unwrap();
        symlink(format!("../{name}/a"), d.path().join("back")).unwrap();
        assert!(matches!(
            walk(d.path(), &|_| false),
            Err(TreeError::SymlinkOutside {
                reason: "points outside the tree",
                ..
            })
        ));
        fs::remove_file(d.path().join("back")).unwrap();
        // Through a link to `.` then `..`: above the root on disk too.
        symlink(".", d.path().join("dot")).unwrap();
        symlink(format!("dot/../{name}/a"), d.path().join("viadot")).unwrap();
        assert_eq!(
            resolve_link_in_tree(d.path(), "viadot"),
            Err("points outside the tree")
        );
        assert_eq!(resolve_link_in_tree(d.path(), "l"), Ok("b/c/f".into()));
        symlink("../c/./f", d.path().join("b/c/rel")).unwrap();
        assert_eq!(
            resolve_link_in_tree(d.path(), "b/c/rel"),
            Ok("b/c/f".into())
        );
        symlink("loop2", d.path().join("loop1")).unwrap();
        symlink("loop1", d.path().join("loop2")).unwrap();
        assert_eq!(
            resolve_link_in_tree(d.path(), "loop1"),
            Err("does not resolve")
        );
        symlink("a/x", d.path().join("through_file")).unwrap();
        assert_eq!(
            resolve_link_in_tree(d.path(), "through_file"),
            Err("does not resolve")
        );
        for l in ["dot", "viadot", "loop1", "loop2", "through_file"] {
            fs::remove_file(d.path().join(l)).unwrap();
        }
        symlink("../../etc/passwd", d.path().join("bad")).unwrap();
        assert!(matches!(
            walk(d.path(), &|_| false),
            Err(TreeError::SymlinkOutside { .. })
        ));
    }
}
