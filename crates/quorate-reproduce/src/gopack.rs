//! Rebuilding archives a Go program wrote (GoReleaser: `archive/tar` +
//! `compress/gzip`, or `archive/zip`), in-process: the members are staged
//! in a folder (the rebuilt programs at their member names, the other
//! files copied from the source at the tag, as GoReleaser adds `README*`,
//! `LICENSE*` and `CHANGELOG*` from the project root), then written in the
//! published order, each with its own published mode, owner and time, through
//! `quorate_release::archive::gotar` + `quorate_deflate::gogzip`, or
//! `quorate_deflate::gozip`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use quorate_deflate::gozip::{GoTime, GoZipOptions, GoZipWriter};
use quorate_manifest::Digest;
use quorate_release::archive::gnu::GnuEntry;
use quorate_release::archive::gotar::{self, GoTarOwner};

use crate::fingerprint::go_version_of_tool;
use crate::recipe::{ArchiveKind, ArchiveRecipe, Recipe};

/// Largest member read back from the staging folder or the source.
const MAX_MEMBER_BYTES: u64 = 4 << 30;

/// Whether a Go program wrote `a` (its bytes are exactly Go's).
pub fn is_go(a: &ArchiveRecipe) -> bool {
    matches!(a.writer.as_str(), "go-archive-tar" | "go-archive-zip")
}

/// The folder the members of archive `file` are staged in.
pub fn stage_dir(work: &Path, r: &Recipe, file: &str) -> PathBuf {
    let i = r.archives.iter().position(|a| a.file == file).unwrap_or(0);
    work.join("stage").join(i.to_string())
}

/// A member name that stays inside the folder it is put in: relative,
/// no empty, `.` or `..` component, no NUL or backslash.
pub fn check_member_name(name: &str) -> Result<(), String> {
    let clean = name.strip_suffix('/').unwrap_or(name);
    let bad = clean.is_empty()
        || clean.starts_with('/')
        || clean.contains(['\0', '\\'])
        || clean
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..");
    if bad {
        Err(format!("member name {name:?} is not a plain relative path"))
    } else {
        Ok(())
    }
}

/// The folder GoReleaser wrapped the members in (`wrap_in_directory`),
/// when every member is under it.
fn wrap_of(a: &ArchiveRecipe) -> Option<String> {
    let t = a.top_dir.as_ref()?;
    let under = format!("{t}/");
    a.members
        .iter()
        .any(|m| m.name.starts_with(&under))
        .then(|| t.clone())
}

/// Copies the members of `a` that are not programs (`binaries`: member
/// names) from the source checkout `src` into `stage`: member `W/x` (or
/// `x`, unwrapped) is the source's `x`. Only regular files are copied.
pub fn stage_files(
    a: &ArchiveRecipe,
    binaries: &BTreeSet<&str>,
    src: &Path,
    stage: &Path,
) -> Result<(), String> {
    let wrap = wrap_of(a).map(|w| format!("{w}/"));
    for m in &a.members {
        check_member_name(&m.name)?;
        if m.kind != "file" || binaries.contains(m.name.as_str()) {
            continue;
        }
        let rel = match &wrap {
            Some(w) => m.name.strip_prefix(w.as_str()).unwrap_or(&m.name),
            None => &m.name,
        };
        let from = source_file(src, rel, &m.name)?;
        let data = quorate_manifest::fsutil::read_regular_capped(&from, MAX_MEMBER_BYTES)
            .map_err(|e| format!("{}: {e}", from.display()))?;
        let to = stage.join(&m.name);
        if let Some(d) = to.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        std::fs::write(&to, data).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    Ok(())
}

/// The file `rel` of the source checkout `src` for member `member`, never
/// through a symbolic link (a link in the source could point anywhere on
/// the machine): every component is checked without following links.
fn source_file(src: &Path, rel: &str, member: &str) -> Result<std::path::PathBuf, String> {
    let mut p = src.to_path_buf();
    for c in rel.split('/') {
        p.push(c);
        let meta = std::fs::symlink_metadata(&p)
            .map_err(|e| format!("{member}: not in the source at the tag ({e})"))?;
        if meta.file_type().is_symlink() {
            return Err(format!("{member}: a symbolic link in the source"));
        }
    }
    Ok(p)
}

/// The entries of `a` read from `stage`, in the published order with the
/// published modes.
fn entries(a: &ArchiveRecipe, stage: &Path) -> Result<Vec<GnuEntry>, String> {
    let mut out = Vec::with_capacity(a.members.len());
    for m in &a.members {
        check_member_name(&m.name)?;
        match m.kind {
            "file" => {
                let p = stage.join(&m.name);
                let data = quorate_manifest::fsutil::read_regular_capped(&p, MAX_MEMBER_BYTES)
                    .map_err(|e| format!("{}: {e}", m.name))?;
                out.push(GnuEntry::File {
                    name: m.name.clone(),
                    mode: m.mode,
                    data,
                });
            }
            "dir" => out.push(GnuEntry::Dir {
                name: m.name.clone(),
                mode: m.mode,
            }),
            k => return Err(format!("{}: a {k} member (not rebuilt)", m.name)),
        }
    }
    Ok(out)
}

/// The tar stream of `a`'s `entries` (one per member, in order) as Go's
/// `archive/tar` wrote it, each member with its own published owner,
/// owner names and time (the entries carry its mode).
fn go_tar(a: &ArchiveRecipe, entries: &[GnuEntry]) -> Result<Vec<u8>, String> {
    let mut owners = Vec::with_capacity(a.members.len());
    for m in &a.members {
        let (uid, gid) = m.owner.ok_or_else(|| format!("{}: no owner", m.name))?;
        let (uname, gname) = m
            .owner_names
            .clone()
            .ok_or_else(|| format!("{}: no owner names", m.name))?;
        let id = |v: u64| i64::try_from(v).map_err(|e| format!("{}: {e}", m.name));
        owners.push(GoTarOwner {
            uid: id(uid)?,
            gid: id(gid)?,
            uname,
            gname,
        });
    }
    let members = entries
        .iter()
        .zip(&owners)
        .zip(&a.members)
        .map(|((e, o), m)| (e, o, m.mtime));
    gotar::go_tar_members(members).map_err(|e| e.to_string())
}

/// Writes `a` from the members staged in `stage` to `dest`, as Go wrote
/// it, every member with its own published metadata; returns its digest.
pub fn pack(a: &ArchiveRecipe, stage: &Path, dest: &Path) -> Result<Digest, String> {
    let entries = entries(a, stage)?;
    let bytes = match a.kind {
        ArchiveKind::TarGz => {
            let g = a.gzip.as_ref().ok_or("no gzip header")?;
            crate::regzip::compress(&go_tar(a, &entries)?, g, &a.compressor)?
        }
        ArchiveKind::Zip => {
            // A zip of folders only has no compressed member to tell the
            // level by; any level writes it.
            let version = go_version_of_tool(&a.compressor.tool);
            let (version, level) = match (version, a.compressor.level) {
                (Some(v), Some(l)) => (v, l as i32),
                _ if a.compressor.tool == "go-archive-zip" => {
                    (quorate_deflate::goflate::GoVersion::From1_27, 9)
                }
                _ => {
                    return Err(format!(
                        "compressed by {} (only Go's compress/flate is rebuilt with Go's archive/zip)",
                        a.compressor.tool
                    ));
                }
            };
            let mut z = GoZipWriter::new(Vec::new(), GoZipOptions { level, version })
                .map_err(|e| e.to_string())?;
            for (e, m) in entries.iter().zip(&a.members) {
                let t = GoTime {
                    unix: m.mtime,
                    utc_offset: a.zip_utc_offset.unwrap_or(0),
                };
                match e {
                    GnuEntry::File { name, mode, data } => z.add_file(name, data, *mode, t),
                    GnuEntry::Dir { name, mode } => z.add_directory(name, *mode, t),
                    GnuEntry::Symlink { name, .. } => {
                        return Err(format!("{name}: a symbolic link (not rebuilt in zip)"));
                    }
                }
                .map_err(|e| e.to_string())?;
            }
            z.finish().map_err(|e| e.to_string())?
        }
    };
    std::fs::write(dest, &bytes).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(Digest::of_bytes(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorate_deflate::goflate::GoVersion;
    use quorate_deflate::gogzip::{self, GoGzipOptions};
    use quorate_release::archive::gotar::{GoTarHeader, GoTarWriter};

    #[test]
    fn member_names_stay_inside() {
        for ok in ["a", "a/b", "dir/", "README.md"] {
            check_member_name(ok).unwrap();
        }
        for bad in ["", "/a", "../a", "a/../b", "a//b", "./a", "a\\b", "a\0"] {
            assert!(check_member_name(bad).is_err(), "{bad:?}");
        }
    }

    /// A member taken from the source is never read through a link: not a
    /// linked file (to a private key), not a file under a linked folder.
    #[test]
    fn source_files_are_never_read_through_a_link() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(outside.path().join("d")).unwrap();
        std::fs::write(outside.path().join("d/id_ed25519"), b"secret").unwrap();
        let src = tempfile::tempdir().unwrap();
        std::fs::write(src.path().join("README.md"), b"readme").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("d/id_ed25519"),
            src.path().join("LICENSE"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path().join("d"), src.path().join("docs")).unwrap();
        assert_eq!(
            source_file(src.path(), "README.md", "w/README.md").unwrap(),
            src.path().join("README.md")
        );
        for rel in ["LICENSE", "docs/id_ed25519"] {
            let e = source_file(src.path(), rel, rel).unwrap_err();
            assert!(e.contains("a symbolic link in the source"), "{rel}: {e}");
        }
        assert!(source_file(src.path(), "missing", "missing").is_err());
    }

    /// GoReleaser's layout (README, LICENSE, then the program; mode 0755
    /// for it; one time; the packer's owner) written with the Go writers,
    /// read back as a recipe, and rebuilt from staged files: the same
    /// bytes, for both Go compressors, tar.gz and zip, UTC and a zone.
    #[test]
    fn recipe_then_pack_gives_the_same_bytes() {
        let d = tempfile::tempdir().unwrap();
        let files: [(&str, Vec<u8>, u32); 3] = [
            ("LICENSE", b"MIT License\n".repeat(40), 0o644),
            ("README.md", b"# tool\nhello\n".repeat(30), 0o644),
            (
                "tool",
                (0..300_000u32)
                    .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 & 0x3f)
                    .collect(),
                0o755,
            ),
        ];
        let entries: Vec<GnuEntry> = files
            .iter()
            .map(|(n, data, mode)| GnuEntry::File {
                name: n.to_string(),
                mode: *mode,
                data: data.clone(),
            })
            .collect();
        let owner = GoTarOwner {
            uid: 1001,
            gid: 121,
            uname: "runner".into(),
            gname: "docker".into(),
        };
        let mtime = 1_763_632_800;
        for version in [GoVersion::UpTo1_26, GoVersion::From1_27] {
            for (file, offset) in [
                ("tool_1.0.0_linux_amd64.tar.gz", 0),
                ("tool_1.0.0_windows_amd64.zip", 0),
                ("tool_1.0.0_windows_arm64.zip", 19_800),
            ] {
                let published = if file.ends_with(".zip") {
                    let mut z =
                        GoZipWriter::new(Vec::new(), GoZipOptions { level: 9, version }).unwrap();
                    for (n, data, mode) in &files {
                        z.add_file(
                            n,
                            data,
                            *mode,
                            GoTime {
                                unix: mtime,
                                utc_offset: offset,
                            },
                        )
                        .unwrap();
                    }
                    z.finish().unwrap()
                } else {
                    let tar = gotar::go_tar(&entries, &owner, mtime).unwrap();
                    gogzip::compress(&tar, &GoGzipOptions::new(9, version)).unwrap()
                };
                let a = crate::recipe::recipe_of(file, &published);
                assert!(is_go(&a), "{file}: {}", a.writer);
                assert_eq!(a.mtime, Some(mtime), "{file}");
                assert_eq!(a.compressor.level, Some(9), "{file}");
                assert_eq!(
                    go_version_of_tool(&a.compressor.tool),
                    Some(version),
                    "{file}"
                );
                if file.ends_with(".zip") {
                    assert_eq!(a.zip_utc_offset, Some(offset), "{file}");
                } else {
                    assert_eq!(a.owner, Some((1001, 121)));
                    assert_eq!(
                        a.owner_names,
                        Some(("runner".to_string(), "docker".to_string()))
                    );
                    assert_eq!(a.format, "ustar");
                }
                let stage = d.path().join("stage");
                let src = d.path().join("src");
                std::fs::create_dir_all(&src).unwrap();
                std::fs::create_dir_all(&stage).unwrap();
                for (n, data, _) in &files[..2] {
                    std::fs::write(src.join(n), data).unwrap();
                }
                std::fs::write(stage.join("tool"), &files[2].1).unwrap();
                stage_files(&a, &BTreeSet::from(["tool"]), &src, &stage).unwrap();
                let out = d.path().join(file);
                let digest = pack(&a, &stage, &out).unwrap();
                assert!(
                    std::fs::read(&out).unwrap() == published,
                    "{file} {version:?}"
                );
                assert_eq!(digest, Digest::of_bytes(&published));
                std::fs::remove_dir_all(&stage).unwrap();
            }
        }
    }

    /// GoReleaser's archives as often published: the program at the
    /// commit time (`mod_timestamp`), README and LICENSE at another time,
    /// with another owner and mode (`archives.files` with their own
    /// `info`, or none). The recipe keeps each member's own, and the
    /// rebuild gives the same bytes, tar.gz and zip.
    #[test]
    fn members_with_their_own_time_owner_and_mode_are_rebuilt() {
        let d = tempfile::tempdir().unwrap();
        /// (name, data, mode, mtime, uid, gid, uname, gname)
        type File = (
            &'static str,
            Vec<u8>,
            u32,
            i64,
            i64,
            i64,
            &'static str,
            &'static str,
        );
        let files: [File; 3] = [
            (
                "LICENSE",
                b"MIT\n".repeat(50),
                0o600,
                1_700_000_000,
                0,
                0,
                "root",
                "root",
            ),
            (
                "README.md",
                b"# t\n".repeat(40),
                0o644,
                1_600_000_001,
                1001,
                121,
                "",
                "",
            ),
            (
                "tool",
                b"\x7fELF tool".repeat(900),
                0o755,
                1_763_632_800,
                1001,
                121,
                "runner",
                "docker",
            ),
        ];
        for version in [GoVersion::UpTo1_26, GoVersion::From1_27] {
            for file in ["t_1.0.0_linux_amd64.tar.gz", "t_1.0.0_windows_amd64.zip"] {
                let published = if file.ends_with(".zip") {
                    let mut z =
                        GoZipWriter::new(Vec::new(), GoZipOptions { level: 9, version }).unwrap();
                    for (n, data, mode, mtime, ..) in &files {
                        let t = GoTime {
                            unix: *mtime,
                            utc_offset: 0,
                        };
                        z.add_file(n, data, *mode, t).unwrap();
                    }
                    z.finish().unwrap()
                } else {
                    let mut w = GoTarWriter::new();
                    for (n, data, mode, mtime, uid, gid, un, gn) in &files {
                        let h = GoTarHeader {
                            name: n.to_string(),
                            typeflag: b'0',
                            mode: i64::from(*mode),
                            uid: *uid,
                            gid: *gid,
                            size: data.len() as i64,
                            mtime: *mtime,
                            uname: un.to_string(),
                            gname: gn.to_string(),
                            ..GoTarHeader::default()
                        };
                        w.add(&h, data).unwrap();
                    }
                    gogzip::compress(&w.finish(), &GoGzipOptions::new(9, version)).unwrap()
                };
                let a = crate::recipe::recipe_of(file, &published);
                assert!(is_go(&a), "{file}: {}", a.writer);
                assert_eq!(a.mtime, None, "{file}");
                let times: Vec<i64> = a.members.iter().map(|m| m.mtime).collect();
                assert_eq!(times, [1_700_000_000, 1_600_000_001, 1_763_632_800]);
                let modes: Vec<u32> = a.members.iter().map(|m| m.mode).collect();
                assert_eq!(modes, [0o600, 0o644, 0o755]);
                if file.ends_with(".tar.gz") {
                    assert_eq!(a.owner, None);
                    assert_eq!(a.owner_names, None);
                    assert_eq!(a.members[1].owner, Some((1001, 121)));
                    assert_eq!(
                        a.members[0].owner_names,
                        Some(("root".to_string(), "root".to_string()))
                    );
                }
                let stage = d.path().join("stage");
                let src = d.path().join("src");
                std::fs::create_dir_all(&src).unwrap();
                std::fs::create_dir_all(&stage).unwrap();
                for (n, data, ..) in &files[..2] {
                    std::fs::write(src.join(n), data).unwrap();
                }
                std::fs::write(stage.join("tool"), &files[2].1).unwrap();
                stage_files(&a, &BTreeSet::from(["tool"]), &src, &stage).unwrap();
                let out = d.path().join(file);
                pack(&a, &stage, &out).unwrap();
                assert!(
                    std::fs::read(&out).unwrap() == published,
                    "{file} {version:?}"
                );
                // One member's time changed in the recipe: other bytes.
                let mut b = a.clone();
                b.members[0].mtime += 2;
                pack(&b, &stage, &out).unwrap();
                assert!(std::fs::read(&out).unwrap() != published, "{file}");
                std::fs::remove_dir_all(&stage).unwrap();
            }
        }
    }

    /// A GNU-written tar.gz is not taken for Go's.
    #[test]
    fn gnu_tar_is_not_go() {
        let entries = vec![GnuEntry::File {
            name: "d/x".into(),
            mode: 0o644,
            data: b"x".to_vec(),
        }];
        let tar = quorate_release::archive::gnu::gnu_tar(&entries, 0).unwrap();
        let gz = gogzip::compress(&tar, &GoGzipOptions::new(9, GoVersion::From1_27)).unwrap();
        let a = crate::recipe::recipe_of("d.tar.gz", &gz);
        assert_eq!(a.writer, "gnu-tar");
        assert_eq!(a.compressor.tool, "go-flate-1.27");
        assert!(!is_go(&a));
    }
}
