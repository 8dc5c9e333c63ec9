//! Source archives `git archive` wrote: GitHub's "Source code" downloads,
//! GoReleaser's source archive, a release script's `git archive
//! --format=tar.gz`. Their tar stream starts with a pax global header whose
//! `comment` is the commit, then git's own USTAR encoding of the tree
//! (owner root/root, the commit's time, modes from `tar.umask`), padded to
//! 10240-byte records. It is rebuilt by running `git archive` on the same
//! commit in the clone (git's layout is git's to define), with the prefix
//! and umask the published members show, then compressed as the published
//! stream was.

use std::path::Path;

use quorate_manifest::Digest;
use quorate_release::untrusted;

use crate::recipe::{ArchiveKind, ArchiveRecipe};
use crate::source::Checkout;

/// Rebuilds `a` (a `git archive` tar.gz) from `checkout` into `dest`; why
/// not, when it cannot be.
pub(crate) fn pack(a: &ArchiveRecipe, checkout: &Checkout, dest: &Path) -> Result<Digest, String> {
    let commit = a
        .git_commit
        .as_deref()
        .ok_or("no commit in its pax header")?;
    if a.kind != ArchiveKind::TarGz {
        return Err("not a tar.gz".into());
    }
    if commit != checkout.commit {
        return Err(format!(
            "made from commit {commit}; the clone has {} checked out (give that commit as the ref)",
            checkout.commit
        ));
    }
    let prefix = match &a.top_dir {
        Some(top) => {
            untrusted::file_version(top).map_err(|e| format!("its folder {top:?}: {e}"))?;
            format!("{top}/")
        }
        None => String::new(),
    };
    let umask = umask_of(a);
    let args = [
        "-c".to_string(),
        format!("tar.umask={umask:04o}"),
        "archive".into(),
        "--format=tar".into(),
        format!("--prefix={prefix}"),
        commit.to_string(),
    ];
    let out = quorate_base::git::command(Some(&checkout.dir))
        .args(&args)
        .output()
        .map_err(|e| format!("running git archive: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let g = a.gzip.as_ref().ok_or("no gzip header")?;
    let bytes = crate::regzip::compress(&out.stdout, g, &a.compressor)?;
    std::fs::write(dest, &bytes).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(Digest::of_bytes(&bytes))
}

/// The `tar.umask` the members' modes show: git gives folders and
/// executables `0777 & !umask`, other files `0666 & !umask`. Read from the
/// first folder or executable (else the first file); git's default, 002,
/// when there is none.
fn umask_of(a: &ArchiveRecipe) -> u32 {
    let full = a
        .members
        .iter()
        .find(|m| m.kind == "dir" || (m.kind == "file" && m.mode & 0o100 != 0))
        .map(|m| 0o777 & !m.mode);
    let plain = || {
        a.members
            .iter()
            .find(|m| m.kind == "file")
            .map(|m| 0o666 & !m.mode)
    };
    full.or_else(plain).unwrap_or(0o002)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
        let out = quorate_base::git::command(Some(dir))
            .args(args)
            .env("GIT_COMMITTER_DATE", "1700000000 +0000")
            .env("GIT_AUTHOR_DATE", "1700000000 +0000")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        out.stdout
    }

    /// A repository with a folder, an executable, a link and a plain file.
    fn repo(dir: &Path) -> Checkout {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(dir.join("cmd/x")).unwrap();
        std::fs::write(dir.join("cmd/x/main.go"), "package main\nfunc main() {}\n").unwrap();
        std::fs::write(dir.join("build.sh"), "#!/bin/sh\necho hi\n").unwrap();
        std::fs::set_permissions(dir.join("build.sh"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        std::os::unix::fs::symlink("build.sh", dir.join("link")).unwrap();
        git(dir, &["init", "-q"]);
        git(dir, &["add", "-A"]);
        git(
            dir,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.org",
                "commit",
                "-qm",
                "x",
            ],
        );
        let commit = String::from_utf8(git(dir, &["rev-parse", "HEAD"])).unwrap();
        Checkout {
            dir: dir.to_path_buf(),
            repo: dir.display().to_string(),
            git_ref: "HEAD".into(),
            commit: commit.trim().to_string(),
        }
    }

    /// What the host's `git archive --format=tar.gz` writes (git's own
    /// tar and its internal gzip), with git's default umask and with 022,
    /// is recognised as `git-archive` and rebuilt byte for byte; an archive
    /// of another commit is not rebuilt, and says which.
    #[test]
    fn git_archive_tar_gz_is_rebuilt() {
        let d = tempfile::tempdir().unwrap();
        let checkout = repo(&d.path().join("r"));
        for umask in ["0002", "0022"] {
            let published = git(
                &checkout.dir,
                &[
                    "-c",
                    &format!("tar.umask={umask}"),
                    "archive",
                    "--format=tar.gz",
                    "--prefix=r-1.0/",
                    "HEAD",
                ],
            );
            let a = crate::recipe::recipe_of("r-1.0.tar.gz", &published);
            assert_eq!(a.writer, "git-archive", "{umask}");
            assert_eq!(a.git_commit.as_deref(), Some(checkout.commit.as_str()));
            assert_eq!(a.top_dir.as_deref(), Some("r-1.0"));
            assert!(a.members.iter().all(|m| m.name.starts_with("r-1.0/")));
            let dest = d.path().join("out.tar.gz");
            let digest = pack(&a, &checkout, &dest).unwrap_or_else(|e| panic!("{umask}: {e}"));
            let rebuilt = std::fs::read(&dest).unwrap();
            assert!(rebuilt == published, "umask {umask}: other bytes");
            assert_eq!(digest, Digest::of_bytes(&published));
        }
        let published = git(&checkout.dir, &["archive", "--format=tar.gz", "HEAD"]);
        let mut a = crate::recipe::recipe_of("r.tar.gz", &published);
        // No prefix: the tree's own folders at the top.
        assert_eq!(a.top_dir, None);
        let dest = d.path().join("x.tar.gz");
        pack(&a, &checkout, &dest).unwrap();
        assert!(
            std::fs::read(&dest).unwrap() == published,
            "no prefix: other bytes"
        );
        a.git_commit = Some("0".repeat(40));
        let why = pack(&a, &checkout, &d.path().join("x.tar.gz")).unwrap_err();
        assert!(why.contains("made from commit 0000"), "{why}");
        // A hostile release: its folder name is never an option or a way
        // out of the archive, and nothing is written.
        a.git_commit = Some(checkout.commit.clone());
        for top in ["../escape", "--output=/tmp/quorate-pwned", "a/b"] {
            a.top_dir = Some(top.into());
            let dest = d.path().join("hostile.tar.gz");
            let why = pack(&a, &checkout, &dest).unwrap_err();
            assert!(why.contains("its folder"), "{top}: {why}");
            assert!(!dest.exists() && !Path::new("/tmp/quorate-pwned").exists());
        }
    }
}
