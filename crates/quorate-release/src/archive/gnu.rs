//! Tar streams byte for byte as GNU tar (1.3x, `--format=gnu`, its default)
//! writes them for an explicit list of names, as release scripts drive it:
//!
//! `find DIR -print0 | LC_ALL=C sort -r -z | tar --mtime=T --no-recursion
//! --null --mode=u+rw,go+r-w,a+X --owner=0 --group=0 --numeric-owner -c -T -`
//!
//! Members are written in the caller's order, each with the one mtime,
//! uid/gid 0 and empty owner names, folders as `name/`; names over 100
//! bytes go through `././@LongLink`; the stream ends with two zero blocks
//! and is padded to GNU tar's 10240-byte record.

use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::ArchiveError;
use super::tar::{TarWriter, TypeFlag};

/// One member of a GNU-style tar stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GnuEntry {
    /// A folder (`/` is appended to the name when missing).
    Dir {
        /// The path in the archive.
        name: String,
        /// Permission bits.
        mode: u32,
    },
    /// A regular file.
    File {
        /// The path in the archive.
        name: String,
        /// Permission bits.
        mode: u32,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// A symbolic link.
    Symlink {
        /// The path in the archive.
        name: String,
        /// Permission bits.
        mode: u32,
        /// What it points to.
        target: String,
    },
}

/// `--mode=u+rw,go+r-w,a+X` applied to `mode` (`a+X`: execute for all
/// when a folder or when any execute bit is set).
pub fn mode_u_rw_go_r_a_x(mode: u32, dir: bool) -> u32 {
    let mut m = (mode & 0o7777) | 0o600 | 0o044;
    m &= !0o022;
    if dir || mode & 0o111 != 0 {
        m |= 0o111;
    }
    m
}

/// The tar stream of `entries` in that order, every member with `mtime`.
pub fn gnu_tar(entries: &[GnuEntry], mtime: u64) -> Result<Vec<u8>, ArchiveError> {
    let w = |source| ArchiveError::Write {
        path: PathBuf::from("-"),
        source,
    };
    let mut t = TarWriter::new_gnu(Vec::new(), mtime);
    for e in entries {
        match e {
            GnuEntry::Dir { name, mode } => {
                let n = if name.ends_with('/') {
                    name.clone()
                } else {
                    format!("{name}/")
                };
                t.header(TypeFlag::Dir, &n, *mode, 0, "").map_err(w)?
            }
            GnuEntry::Symlink { name, mode, target } => t
                .header(TypeFlag::Symlink, name, *mode, 0, target)
                .map_err(w)?,
            GnuEntry::File { name, mode, data } => {
                t.header(TypeFlag::File, name, *mode, data.len() as u64, "")
                    .map_err(w)?;
                t.data().write_all(data).map_err(w)?;
                t.end_data(data.len() as u64).map_err(w)?;
            }
        }
    }
    t.finish().map_err(w)
}

/// What `find TOP` prints when run in `parent`, as entries (with their
/// modes and contents), in ascending byte order of the names (folders
/// compared without a trailing `/`, as `sort` sees `find`'s output).
/// Symbolic links are kept as links; other special files are refused.
pub fn find_entries(parent: &Path, top: &str) -> Result<Vec<GnuEntry>, ArchiveError> {
    let mut out = Vec::new();
    let mut stack = vec![top.to_string()];
    while let Some(rel) = stack.pop() {
        let abs = parent.join(&rel);
        let read = |source| ArchiveError::Read {
            path: abs.clone(),
            source,
        };
        let meta = fs::symlink_metadata(&abs).map_err(read)?;
        let mode = meta.mode() & 0o7777;
        let ft = meta.file_type();
        if ft.is_dir() {
            for e in fs::read_dir(&abs).map_err(read)? {
                let e = e.map_err(read)?;
                let n = e.file_name();
                let Some(n) = n.to_str() else {
                    return Err(read(std::io::Error::other("a name that is not UTF-8")));
                };
                stack.push(format!("{rel}/{n}"));
            }
            out.push(GnuEntry::Dir { name: rel, mode });
        } else if ft.is_symlink() {
            let target = fs::read_link(&abs).map_err(read)?;
            out.push(GnuEntry::Symlink {
                name: rel,
                mode,
                target: target.to_string_lossy().into_owned(),
            });
        } else if ft.is_file() {
            let data = fs::read(&abs).map_err(read)?;
            out.push(GnuEntry::File {
                name: rel,
                mode,
                data,
            });
        } else {
            return Err(read(std::io::Error::other("not a file, folder or link")));
        }
    }
    out.sort_by(|a, b| entry_name(a).as_bytes().cmp(entry_name(b).as_bytes()));
    Ok(out)
}

/// The name of an entry (without a folder's trailing `/`).
pub fn entry_name(e: &GnuEntry) -> &str {
    match e {
        GnuEntry::Dir { name, .. } => name.strip_suffix('/').unwrap_or(name),
        GnuEntry::File { name, .. } | GnuEntry::Symlink { name, .. } => name,
    }
}

/// Whether an entry is a folder.
pub fn entry_is_dir(e: &GnuEntry) -> bool {
    matches!(e, GnuEntry::Dir { .. })
}

/// Sets an entry's mode.
pub fn set_mode(e: &mut GnuEntry, m: u32) {
    match e {
        GnuEntry::Dir { mode, .. }
        | GnuEntry::File { mode, .. }
        | GnuEntry::Symlink { mode, .. } => *mode = m,
    }
}

/// An entry's mode.
pub fn entry_mode(e: &GnuEntry) -> u32 {
    match e {
        GnuEntry::Dir { mode, .. }
        | GnuEntry::File { mode, .. }
        | GnuEntry::Symlink { mode, .. } => *mode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;

    /// GNU tar's stream of `top` (below `dir`) as lnd's release.sh makes
    /// it: names in reverse order, the given mtime, normalised modes.
    fn gnu_tar_of(dir: &Path, top: &str, mtime: &str) -> Vec<u8> {
        quorate_base::testing::sh(
            dir,
            &format!(
                "export TZ=UTC; find {top} -print0 | LC_ALL=C sort -r -z | tar --mtime='{mtime}' --no-recursion --null --mode=u+rw,go+r-w,a+X --owner=0 --group=0 --numeric-owner -c -T - > gnu.tar"
            ),
        );
        fs::read(dir.join("gnu.tar")).unwrap()
    }

    fn have_gnu_tar() -> bool {
        let ok = Command::new("tar")
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("GNU tar"))
            .unwrap_or(false);
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(ok || !ci, "GNU tar is required under CI=true");
        ok
    }

    #[test]
    fn mode_rule() {
        assert_eq!(mode_u_rw_go_r_a_x(0o775, false), 0o755);
        assert_eq!(mode_u_rw_go_r_a_x(0o664, false), 0o644);
        assert_eq!(mode_u_rw_go_r_a_x(0o600, false), 0o644);
        assert_eq!(mode_u_rw_go_r_a_x(0o700, true), 0o755);
        assert_eq!(mode_u_rw_go_r_a_x(0o500, false), 0o755);
        assert_eq!(mode_u_rw_go_r_a_x(0o4755, false), 0o4755);
    }

    /// The lnd recipe's tar command and this writer give the same bytes.
    #[test]
    fn same_bytes_as_gnu_tar() {
        if !have_gnu_tar() {
            return;
        }
        let d = tempfile::tempdir().unwrap();
        let top = "pkg-linux-amd64-v0.1.0";
        let root = d.path().join(top);
        let long = format!("{}/{}", "l".repeat(60), "n".repeat(70));
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::create_dir_all(root.join(&long)).unwrap();
        let files: [(&str, usize, u32); 6] = [
            ("prog", 70_000, 0o775),
            ("README.md", 10, 0o664),
            ("sub/empty", 0, 0o600),
            ("sub/deeper/x", 513, 0o700),
            ("sub/a-b", 512, 0o644),
            ("sub/a", 1, 0o640),
        ];
        for (i, (n, len, mode)) in files.iter().enumerate() {
            let p = root.join(n);
            fs::write(&p, vec![i as u8 + b'a'; *len]).unwrap();
            fs::set_permissions(&p, fs::Permissions::from_mode(*mode)).unwrap();
        }
        fs::write(root.join(&long).join("f"), b"long").unwrap();
        std::os::unix::fs::symlink("prog", root.join("link")).unwrap();
        let gnu = gnu_tar_of(d.path(), top, "2020-01-01 00:00:00");
        let mut entries = find_entries(d.path(), top).unwrap();
        entries.reverse();
        for e in &mut entries {
            let m = mode_u_rw_go_r_a_x(entry_mode(e), entry_is_dir(e));
            set_mode(e, m);
        }
        let ours = gnu_tar(&entries, 1_577_836_800).unwrap();
        assert_eq!(ours.len(), gnu.len());
        assert!(ours == gnu, "the tar streams differ");
        assert_eq!(ours.len() % 10240, 0);
    }

    /// Random trees (names of 1 to 120 bytes per level, so full paths up
    /// to several hundred bytes; sizes around the 512-byte block; every
    /// mode class; links): GNU tar and this writer agree on each.
    #[test]
    fn random_trees_same_bytes_as_gnu_tar() {
        if !have_gnu_tar() {
            return;
        }
        let mut x = 0x9e37_79b9u32;
        let mut next = |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
        for round in 0..12 {
            let d = tempfile::tempdir().unwrap();
            let top = format!("t{round}");
            let mut dirs = vec![d.path().join(&top)];
            fs::create_dir_all(&dirs[0]).unwrap();
            for i in 0..40 {
                let parent = dirs[next(dirs.len() as u32) as usize].clone();
                let len = 1 + next(120) as usize;
                let name: String = (0..len)
                    .map(|j| (b"abcXYZ019._-"[(next(12) as usize + j) % 12]) as char)
                    .collect();
                let name = format!("{name}{i}");
                let p = parent.join(&name);
                if p.as_os_str().len() > 900 {
                    continue;
                }
                match next(5) {
                    0 => {
                        fs::create_dir_all(&p).unwrap();
                        dirs.push(p);
                    }
                    1 => std::os::unix::fs::symlink(&name, &p).unwrap(),
                    _ => {
                        let size = [0, 1, 511, 512, 513, 1024, 3000][next(7) as usize];
                        fs::write(&p, vec![b'a' + (i % 26) as u8; size]).unwrap();
                        let mode =
                            [0o600, 0o644, 0o664, 0o700, 0o755, 0o775, 0o640][next(7) as usize];
                        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
                    }
                }
            }
            let gnu = gnu_tar_of(d.path(), &top, "2023-01-01 00:00:00");
            let mut entries = find_entries(d.path(), &top).unwrap();
            entries.reverse();
            for e in &mut entries {
                let m = mode_u_rw_go_r_a_x(entry_mode(e), entry_is_dir(e));
                set_mode(e, m);
            }
            let ours = gnu_tar(&entries, 1_672_531_200).unwrap();
            assert!(ours == gnu, "round {round}: the tar streams differ");
        }
    }
}
