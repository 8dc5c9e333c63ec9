//! The one way quorate runs `git`.
//!
//! Every call gets the same environment policy, so what quorate reads from
//! a repository never depends on the user's setup:
//!
//! - `GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`, `GIT_OBJECT_DIRECTORY`,
//!   `GIT_ALTERNATE_OBJECT_DIRECTORIES`, `GIT_NAMESPACE`, `GIT_CEILING_DIRECTORIES`
//!   and `GIT_COMMON_DIR` are removed: an inherited value could point git at
//!   another repository than the one named;
//! - system and global config are ignored (`GIT_CONFIG_NOSYSTEM`,
//!   `GIT_CONFIG_GLOBAL=/dev/null`), and so are `GIT_CONFIG_COUNT`-style
//!   injected settings;
//! - git never prompts (`GIT_TERMINAL_PROMPT=0`), takes no optional locks,
//!   and speaks the C locale, so its messages can be matched.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Variables removed from every git call's environment.
const CLEARED: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_CONFIG",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_EXEC_PATH",
];

/// Why a git call failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` could not be started (not installed, not on PATH).
    #[error("cannot run git ({source}); install git")]
    Spawn {
        /// The error from the operating system.
        #[source]
        source: std::io::Error,
    },
    /// git ran and failed.
    #[error("`git {args}` failed{}: {stderr}", dir.as_ref().map(|d| format!(" in {}", d.display())).unwrap_or_default())]
    Failed {
        /// The folder git ran in (`-C`), if any.
        dir: Option<PathBuf>,
        /// The arguments, joined by spaces.
        args: String,
        /// git's error output, trimmed.
        stderr: String,
    },
}

impl GitError {
    /// True when git said the folder is not a repository.
    pub fn is_not_a_repo(&self) -> bool {
        matches!(self, GitError::Failed { stderr, .. } if stderr.contains("not a git repository"))
    }
}

/// A `git` command (with `-C dir` when a folder is given) under quorate's
/// environment policy; add arguments and run it.
pub fn command(dir: Option<&Path>) -> Command {
    let mut c = Command::new("git");
    if let Some(d) = dir {
        c.arg("-C").arg(d);
    }
    for v in CLEARED {
        c.env_remove(v);
    }
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C");
    c
}

/// A `git` command for writing into the user's own repository (commits in
/// an attestation repository): like [`command`], except that the user's
/// global and system config apply, so commits carry the user's identity and
/// settings. Use [`command`] for everything quorate reads.
pub fn command_with_user_config(dir: Option<&Path>) -> Command {
    let mut c = Command::new("git");
    if let Some(d) = dir {
        c.arg("-C").arg(d);
    }
    for v in CLEARED {
        c.env_remove(v);
    }
    c.env("GIT_TERMINAL_PROMPT", "0").env("LC_ALL", "C");
    c
}

/// Runs `git [-C dir] args…` and returns its standard output; a non-zero
/// exit is a [`GitError::Failed`] carrying git's error output.
pub fn run<S: AsRef<OsStr>>(dir: Option<&Path>, args: &[S]) -> Result<Vec<u8>, GitError> {
    let out = command(dir)
        .args(args)
        .output()
        .map_err(|source| GitError::Spawn { source })?;
    if !out.status.success() {
        return Err(GitError::Failed {
            dir: dir.map(Path::to_path_buf),
            args: args
                .iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// Like [`run`], with the output as trimmed text.
pub fn run_line<S: AsRef<OsStr>>(dir: Option<&Path>, args: &[S]) -> Result<String, GitError> {
    Ok(String::from_utf8_lossy(&run(dir, args)?).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inherited_git_dir_does_not_redirect() {
        let a = tempfile::tempdir().unwrap();
        run(Some(a.path()), &["init", "-q"]).unwrap();
        // Whatever the caller's environment holds, GIT_DIR and friends are
        // removed from the command, so git finds the repository named.
        let mut c = command(Some(a.path()));
        c.args(["rev-parse", "--absolute-git-dir"]);
        let cleared: Vec<_> = c
            .get_envs()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.to_owned())
            .collect();
        for v in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_COMMON_DIR",
        ] {
            assert!(cleared.iter().any(|k| k == v), "{v} not cleared");
        }
        let out = String::from_utf8(c.output().unwrap().stdout).unwrap();
        assert_eq!(
            Path::new(out.trim()).canonicalize().unwrap(),
            a.path().join(".git").canonicalize().unwrap()
        );
    }

    #[test]
    fn failure_carries_stderr_and_not_a_repo() {
        let d = tempfile::tempdir().unwrap();
        let e = run(Some(d.path()), &["rev-parse", "HEAD"]).unwrap_err();
        assert!(e.is_not_a_repo(), "{e}");
        assert!(e.to_string().contains("git rev-parse HEAD"), "{e}");
    }
}
