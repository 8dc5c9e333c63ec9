//! What a release is built from, read from git: the tag (version), the
//! commit, its time (SOURCE_DATE_EPOCH), whether the tree is dirty, and the
//! tracked files (the source tarball and the build copy hold exactly these).

use std::path::{Path, PathBuf};

/// Errors reading the git state. Each names the folder.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// git could not be run.
    #[error("cannot run git in {dir}: {source}")]
    Spawn {
        /// The folder.
        dir: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The folder is not in a git work tree.
    #[error("{dir}: not inside a git repository")]
    NotARepo {
        /// The folder.
        dir: PathBuf,
    },
    /// A git command failed.
    #[error("{dir}: `git {args}` failed: {stderr}")]
    Failed {
        /// The folder.
        dir: PathBuf,
        /// The arguments.
        args: String,
        /// What git said.
        stderr: String,
    },
    /// No tag points at HEAD and no version was given.
    #[error("{dir}: HEAD ({commit}) has no tag, so the release has no version")]
    NoTag {
        /// The folder.
        dir: PathBuf,
        /// The commit.
        commit: String,
    },
    /// Tracked files were modified.
    #[error("{dir}: the git tree is dirty ({count} changed tracked files, e.g. {first})")]
    Dirty {
        /// The folder.
        dir: PathBuf,
        /// How many files changed.
        count: usize,
        /// The first one.
        first: String,
    },
    /// A value is unusable (version with spaces, bad epoch).
    #[error("{what}: {reason}")]
    Bad {
        /// What was read.
        what: String,
        /// Why it cannot be used.
        reason: String,
    },
}

/// The git state of a release.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceState {
    /// The folder the release is built from (the Go module; may be a
    /// subfolder of the repository).
    pub dir: PathBuf,
    /// The commit (full hash).
    pub commit: String,
    /// The tag pointing at HEAD, if any.
    pub tag: Option<String>,
    /// The committer time of HEAD (seconds since the epoch).
    pub commit_time: u64,
    /// Tracked files were modified (only possible with `allow_dirty`).
    pub dirty: bool,
    /// The tracked files under `dir`, relative to it, `/`-separated, sorted.
    pub files: Vec<String>,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    // One environment policy for every git call (quorate_base::git).
    let out = quorate_base::git::command(Some(dir))
        .args(args)
        .output()
        .map_err(|source| GitError::Spawn {
            dir: dir.to_path_buf(),
            source,
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if stderr.contains("not a git repository") {
            return Err(GitError::NotARepo {
                dir: dir.to_path_buf(),
            });
        }
        return Err(GitError::Failed {
            dir: dir.to_path_buf(),
            args: args.join(" "),
            stderr,
        });
    }
    Ok(out.stdout)
}

fn git_line(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    Ok(String::from_utf8_lossy(&git(dir, args)?).trim().to_string())
}

/// Reads the git state of `dir`. A dirty tree (modified tracked files;
/// untracked files do not count, they are never built) is refused unless
/// `allow_dirty`.
pub fn read_state(dir: &Path, allow_dirty: bool) -> Result<SourceState, GitError> {
    git_line(dir, &["rev-parse", "--show-toplevel"])?;
    let commit = git_line(dir, &["rev-parse", "--verify", "HEAD^{commit}"])?;
    let tag = match git_line(dir, &["describe", "--tags", "--exact-match", "HEAD"]) {
        Ok(t) if !t.is_empty() => Some(t),
        _ => None,
    };
    let ct = git_line(dir, &["log", "-1", "--format=%ct", "HEAD"])?;
    let commit_time = ct.parse::<u64>().map_err(|_| GitError::Bad {
        what: format!("{}: commit time", dir.display()),
        reason: format!("{ct:?} is not a number of seconds"),
    })?;
    let status = git(
        dir,
        &[
            "status",
            "--porcelain",
            "-z",
            "--untracked-files=no",
            "--",
            ".",
        ],
    )?;
    let changed: Vec<String> = status
        .split(|b| *b == 0)
        .filter(|s| s.len() > 3)
        .map(|s| String::from_utf8_lossy(&s[3..]).into_owned())
        .collect();
    if !changed.is_empty() && !allow_dirty {
        return Err(GitError::Dirty {
            dir: dir.to_path_buf(),
            count: changed.len(),
            first: changed[0].clone(),
        });
    }
    // Paths come out relative to `dir`.
    let listed = git(dir, &["ls-files", "-z", "--", "."])?;
    let mut files = Vec::new();
    for raw in listed.split(|b| *b == 0).filter(|s| !s.is_empty()) {
        let name = String::from_utf8(raw.to_vec()).map_err(|_| GitError::Bad {
            what: format!(
                "{}: tracked file {:?}",
                dir.display(),
                String::from_utf8_lossy(raw)
            ),
            reason: "its name is not UTF-8; release file names must be".into(),
        })?;
        // A deleted tracked file (dirty tree) or a submodule is not a file.
        let p = dir.join(&name);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() || m.file_type().is_symlink() => files.push(name),
            _ => {}
        }
    }
    files.sort();
    files.dedup();
    Ok(SourceState {
        dir: dir.to_path_buf(),
        commit,
        tag,
        commit_time,
        dirty: !changed.is_empty(),
        files,
    })
}

/// Checks that a version can be used in file names and `-X` flags.
pub fn check_version(version: &str) -> Result<(), GitError> {
    let ok = !version.is_empty()
        && version.len() <= 128
        && !version.starts_with(['.', '-'])
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(GitError::Bad {
            what: format!("version {version:?}"),
            reason: "use letters, digits, `.`, `_`, `+` and `-` (a tag such as v1.2.3)".into(),
        })
    }
}

/// Parses a SOURCE_DATE_EPOCH value.
pub fn parse_epoch(value: &str) -> Result<u64, GitError> {
    value.trim().parse::<u64>().map_err(|_| GitError::Bad {
        what: format!("SOURCE_DATE_EPOCH={value:?}"),
        reason: "it must be a whole number of seconds since 1970".into(),
    })
}

impl quorate_manifest::Hint for GitError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            GitError::Spawn { .. } => "install git; quorate reads the tag, commit and tracked files from it",
            GitError::NotARepo { .. } => "a release is built from a commit: `git init && git add -A && git commit -m release && git tag v0.1.0`",
            GitError::NoTag { .. } => "tag it (`git tag v0.1.0`) or pass --version",
            GitError::Dirty { .. } => "commit or stash the changes, or pass --allow-dirty (recorded in build.json)",
            _ => return None,
        }.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use quorate_base::testing::sh;

    #[test]
    fn reads_tag_commit_files_and_dirtiness() {
        let d = tempfile::tempdir().unwrap();
        sh(
            d.path(),
            "git init -q . && mkdir -p sub/a && echo x > sub/a/f && echo y > top && \
             git add . && git -c user.name=t -c user.email=t@t commit -q -m m --date=@1700000000 && \
             GIT_COMMITTER_DATE=@1700000001 git -c user.name=t -c user.email=t@t commit -q --amend -m m && \
             git tag v1.2.3 && echo untracked > sub/u",
        );
        let s = read_state(&d.path().join("sub"), false).unwrap();
        assert_eq!(s.tag.as_deref(), Some("v1.2.3"));
        assert_eq!(s.commit_time, 1700000001);
        assert_eq!(s.files, vec!["a/f"]);
        assert_eq!(s.commit.len(), 40);
        assert!(!s.dirty);
        std::fs::write(d.path().join("sub/a/f"), "changed").unwrap();
        let e = read_state(&d.path().join("sub"), false).unwrap_err();
        assert!(e.to_string().contains("dirty"), "{e}");
        assert!(read_state(&d.path().join("sub"), true).unwrap().dirty);
    }

    #[test]
    fn not_a_repo() {
        let d = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_state(d.path(), false),
            Err(GitError::NotARepo { .. })
        ));
    }

    #[test]
    fn versions_and_epochs() {
        assert!(check_version("v1.2.3-rc1+x").is_ok());
        for bad in ["", "v 1", "a/b", "-x", "v1\"", "v1\n"] {
            assert!(check_version(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_epoch(" 42 ").unwrap(), 42);
        assert!(parse_epoch("-1").is_err());
    }
}
