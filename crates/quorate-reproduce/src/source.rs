//! A fresh clone of the source repository at the release's tag.
//!
//! `git clone --no-local --no-checkout` copies the repository (a local
//! path or a URL) into the workspace, then the tag's commit is checked out
//! there, detached. The user's repository and working tree are only read.
//! git runs without the user's or the system's configuration, so no
//! filter, hook or alias of theirs takes part.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::ReproduceError;

/// A checked-out commit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Checkout {
    /// The clone (top of the repository).
    pub dir: PathBuf,
    /// The repository as given (path or URL).
    pub repo: String,
    /// The ref asked for (a tag, usually).
    pub git_ref: String,
    /// The commit checked out (full hash).
    pub commit: String,
}

fn git_cmd(dir: Option<&Path>) -> Command {
    // One environment policy for every git call (quorate_base::git).
    quorate_base::git::command(dir)
}

fn run(
    repo: &str,
    dir: Option<&Path>,
    args: &[&str],
    hint: &str,
) -> Result<Option<String>, ReproduceError> {
    let out = git_cmd(dir)
        .args(args)
        .output()
        .map_err(|e| ReproduceError::Git {
            repo: repo.to_string(),
            args: args.join(" "),
            stderr: format!("cannot run git: {e}"),
            hint: "install git".into(),
        })?;
    if !out.status.success() {
        if hint.is_empty() {
            return Ok(None);
        }
        return Err(ReproduceError::Git {
            repo: repo.to_string(),
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            hint: hint.to_string(),
        });
    }
    Ok(Some(
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    ))
}

/// Clones `repo` (a path or URL) into `dest` (which must not exist yet)
/// and checks out `git_ref` (a tag first, then any commit-ish).
pub fn checkout(repo: &str, git_ref: &str, dest: &Path) -> Result<Checkout, ReproduceError> {
    let dest_s = dest.to_string_lossy().into_owned();
    run(
        repo,
        None,
        &[
            "clone",
            "--quiet",
            "--no-local",
            "--no-checkout",
            "--",
            repo,
            &dest_s,
        ],
        "--source must be a git repository (a local folder or a URL) holding the release's tag",
    )?;
    if git_ref.is_empty() || git_ref.starts_with('-') {
        return Err(no_such_ref(repo, git_ref, dest));
    }
    let tag = format!("refs/tags/{git_ref}^{{commit}}");
    let any = format!("{git_ref}^{{commit}}");
    let commit = match run(
        repo,
        Some(dest),
        &["rev-parse", "--verify", "--quiet", &tag],
        "",
    )? {
        Some(c) if !c.is_empty() => c,
        _ => match run(
            repo,
            Some(dest),
            &["rev-parse", "--verify", "--quiet", &any],
            "",
        )? {
            Some(c) if !c.is_empty() => c,
            _ => return Err(no_such_ref(repo, git_ref, dest)),
        },
    };
    run(
        repo,
        Some(dest),
        &[
            "-c",
            "advice.detachedHead=false",
            "checkout",
            "--quiet",
            "--detach",
            &commit,
        ],
        "the clone is in a temporary folder; check free space",
    )?;
    Ok(Checkout {
        dir: dest.to_path_buf(),
        repo: repo.to_string(),
        git_ref: git_ref.to_string(),
        commit,
    })
}

fn no_such_ref(repo: &str, git_ref: &str, clone: &Path) -> ReproduceError {
    let tags = run(repo, Some(clone), &["tag", "--list"], "")
        .ok()
        .flatten()
        .unwrap_or_default();
    let mut tags: Vec<String> = tags
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    tags.truncate(20);
    ReproduceError::NoSuchRef {
        repo: repo.to_string(),
        git_ref: git_ref.to_string(),
        tags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use quorate_base::testing::sh;

    #[test]
    fn clones_at_the_tag_and_leaves_the_source_alone() {
        let d = tempfile::tempdir().unwrap();
        let repo = d.path().join("repo");
        std::fs::create_dir(&repo).unwrap();
        sh(
            &repo,
            "git init -q . && echo one > f && git add f && \
             git -c user.name=t -c user.email=t@t commit -q -m one && git tag v1 && \
             echo two > f && git -c user.name=t -c user.email=t@t commit -q -am two && \
             echo uncommitted > f",
        );
        let c = checkout(repo.to_str().unwrap(), "v1", &d.path().join("clone")).unwrap();
        assert_eq!(std::fs::read_to_string(c.dir.join("f")).unwrap(), "one\n");
        assert_eq!(c.commit.len(), 40);
        // The user's working tree is untouched.
        assert_eq!(
            std::fs::read_to_string(repo.join("f")).unwrap(),
            "uncommitted\n"
        );

        let e = checkout(repo.to_str().unwrap(), "v9", &d.path().join("c2")).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("\"v9\"") && s.contains("its tags: v1"), "{s}");

        let e = checkout(
            d.path().join("nothing").to_str().unwrap(),
            "v1",
            &d.path().join("c3"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("git clone"), "{e}");
    }
}
