//! Rebuilding a published release from source and comparing it, artifact
//! by artifact, with what was published (`quorate reproduce`).
//!
//! [`pipeline::reproduce`] runs the whole step and reports each part as an
//! [`Event`] to a [`Reporter`] (the command-line program renders them);
//! the parts, each a function of its own:
//!
//! 1. [`published::read`]: the release folder's manifest, its version and
//!    the `build.json` that says how it was built.
//! 2. [`Workspace::new`] and [`source::checkout`]: a fresh clone of the
//!    source repository at the release's tag, in a temporary folder (never
//!    the user's working tree).
//! 3. [`rebuild::prepare`] and [`rebuild::build`]: the same version,
//!    SOURCE_DATE_EPOCH, targets, packages and toolchain version as the
//!    release, built by `quorate-release`.
//! 4. [`compare::compare`]: REPRODUCED / DIFFERENT / MISSING / EXTRA per
//!    artifact, every DIFFERENT one explained by `quorate-diff` (the
//!    published file is side A, the rebuilt one side B), and the likely
//!    causes summed up, including a different quorate version that packed
//!    the archives.
//! 5. [`attest::sign_and_attest`]: sign the rebuilt manifest and add it to
//!    an attestation repository.
//!
//! Nothing here prints; steps are reported as [`Event`]s, long work
//! through [`quorate_manifest::Progress`]. Temporary folders are [`tempfile`]
//! folders, removed when dropped.

pub mod attest;
pub mod compare;
pub mod event;
pub mod fingerprint;
pub mod foreign;
mod gitarchive;
pub mod gopack;
pub mod goreleaser;
pub mod pipeline;
pub mod published;
pub mod rebuild;
pub mod recipe;
mod regzip;
pub mod source;

use std::path::{Path, PathBuf};

pub use compare::{Artifact, CauseSummary, Counts, Outcome, Status};
pub use event::{Event, Reporter};
pub use published::Published;
pub use rebuild::{Prepared, ToolchainChoice};
pub use source::Checkout;

/// The file written beside the rebuilt manifest.
pub const REPORT_FILE: &str = "reproduce.json";

/// Why a reproduction could not be done. Each names the file, folder,
/// repository or tag concerned; most say what to do next through
/// [`quorate_manifest::Hint`].
#[derive(Debug, thiserror::Error)]
pub enum ReproduceError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The release folder is unusable (no manifest, two manifests, bad
    /// build.json).
    #[error("{path}: {reason}")]
    Release {
        /// The folder or file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// git failed (clone, checkout).
    #[error("{repo}: `git {args}` failed: {stderr}")]
    Git {
        /// The repository.
        repo: String,
        /// The arguments.
        args: String,
        /// What git said.
        stderr: String,
        /// What to do.
        hint: String,
    },
    /// The tag (or ref) is not in the source repository.
    #[error(
        "{repo}: there is no tag or commit {git_ref:?}{}",
        tags_note(.tags)
    )]
    NoSuchRef {
        /// The repository.
        repo: String,
        /// The ref asked for.
        git_ref: String,
        /// The tags it has (at most 20).
        tags: Vec<String>,
    },
    /// No quorate.toml at that commit.
    #[error(
        "{repo} at {git_ref}: no {config} in that commit, so quorate does not know how the release was built"
    )]
    NoConfig {
        /// The repository.
        repo: String,
        /// The ref.
        git_ref: String,
        /// The config path inside the repository.
        config: String,
    },
    /// quorate.toml at the tag is invalid.
    #[error(transparent)]
    Config(Box<quorate_release::config::ConfigError>),
    /// Reading the checkout's git state failed.
    #[error(transparent)]
    GitState(Box<quorate_release::gitsrc::GitError>),
    /// No suitable toolchain.
    #[error(transparent)]
    Toolchain(Box<quorate_release::toolchain::ToolchainError>),
    /// The rebuild failed.
    #[error("the rebuild failed: {0}")]
    Build(Box<quorate_release::build::BuildError>),
    /// Verifying, signing or attesting failed.
    #[error(transparent)]
    Attest(Box<quorate_attest::AttestError>),
    /// A manifest is malformed.
    #[error(transparent)]
    Manifest(#[from] quorate_manifest::ManifestError),
    /// `--out` names a folder quorate will not replace.
    #[error("{path}: exists and is not an earlier reproduction (no {REPORT_FILE} in it)")]
    OutNotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// The policy of quorate.toml at the checked-out commit cannot be
    /// loaded.
    #[error(transparent)]
    PolicyAtTag(Box<quorate_attest::AttestError>),
    /// A folder cannot be made or a file written.
    #[error("{path}: cannot {action}")]
    Fs {
        /// The file or folder.
        path: PathBuf,
        /// What could not be done (`create`, `write`).
        action: &'static str,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The recipe of a release quorate did not make cannot be read.
    #[error(transparent)]
    Recipe(Box<recipe::RecipeError>),
    /// An attestation was asked of a release quorate did not make.
    #[error("--attest is for releases quorate made (with build.json); this release has none")]
    NotAttestable,
    /// The build.json of the release names something this quorate cannot
    /// build (an unknown target).
    #[error("{path}: {reason}")]
    BuildInfo {
        /// The build.json.
        path: PathBuf,
        /// What is wrong.
        reason: String,
        /// What to do about it.
        hint: Option<String>,
    },
}

impl quorate_manifest::Hint for ReproduceError {
    fn hint(&self) -> Option<String> {
        match self {
            ReproduceError::Io { .. }
            | ReproduceError::Fs { .. }
            | ReproduceError::NotAttestable => None,
            ReproduceError::PolicyAtTag(e) => Some(
                e.hint()
                    .into_iter()
                    .chain([POLICY_HINT.to_string()])
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ReproduceError::Recipe(e) => e.hint(),
            ReproduceError::Release { hint, .. } | ReproduceError::BuildInfo { hint, .. } => {
                hint.clone()
            }
            ReproduceError::Git { hint, .. } => Some(hint.clone()),
            ReproduceError::NoSuchRef { .. } => {
                Some("pass --ref with the tag the release was built from".into())
            }
            ReproduceError::NoConfig { .. } => Some(
                "check --ref (the tag of the release) and --config (the path of quorate.toml inside the repository)".into(),
            ),
            ReproduceError::Config(e) => e.hint(),
            ReproduceError::GitState(e) => e.hint(),
            ReproduceError::Toolchain(e) => e.hint(),
            ReproduceError::Build(e) => e.hint(),
            ReproduceError::Attest(e) => e.hint(),
            ReproduceError::Manifest(e) => e.hint(),
            ReproduceError::OutNotEmpty { .. } => Some("give --out a new or empty folder".into()),
        }
    }
}

/// What to do when quorate.toml at the tag gives no policy.
const POLICY_HINT: &str = "pass --policy FILE (threshold and pinned signers), or --no-verify to rebuild without verifying";

fn tags_note(tags: &[String]) -> String {
    if tags.is_empty() {
        " (it has no tags)".into()
    } else {
        format!(" (its tags: {})", tags.join(", "))
    }
}

macro_rules! boxed_from {
    ($($variant:ident: $ty:ty),*) => {$(
        impl From<$ty> for ReproduceError {
            fn from(e: $ty) -> Self {
                ReproduceError::$variant(Box::new(e))
            }
        }
    )*};
}

boxed_from!(
    Config: quorate_release::config::ConfigError,
    GitState: quorate_release::gitsrc::GitError,
    Toolchain: quorate_release::toolchain::ToolchainError,
    Build: quorate_release::build::BuildError,
    Attest: quorate_attest::AttestError
);

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReproduceError + '_ {
    move |source| ReproduceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The temporary folder of one reproduction: `src/` (the clone) and
/// `work/` (the build). Removed when dropped, unless [`Workspace::keep`].
#[derive(Debug)]
pub struct Workspace {
    root: tempfile::TempDir,
}

impl Workspace {
    /// Creates `quorate-reproduce-XXXX` in `parent` (the system temporary
    /// folder when `None`; give the folder of `--out` so the rebuild can
    /// be renamed there).
    pub fn new(parent: Option<&Path>) -> Result<Workspace, ReproduceError> {
        let b = {
            let mut b = tempfile::Builder::new();
            b.prefix(".quorate-reproduce-");
            b
        };
        let root = match parent {
            Some(p) => b.tempdir_in(p).map_err(io(p))?,
            None => b.tempdir().map_err(io(&std::env::temp_dir()))?,
        };
        Ok(Workspace { root })
    }

    /// The folder itself.
    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// Where the source is cloned.
    pub fn src_dir(&self) -> PathBuf {
        self.root.path().join("src")
    }

    /// The build's work folder (`src/` and `out/` are made inside).
    pub fn work_dir(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// Keeps the folder (it is not removed) and returns its path.
    pub fn keep(self) -> PathBuf {
        self.root.keep()
    }
}

/// What the unit tests of several modules share.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;
    use std::process::Command;

    /// Commits everything in the folder `repo` (a new repository, no user
    /// or system git config) and tags it v1.
    pub fn commit_and_tag_v1(repo: &Path) {
        let ok = Command::new("bash")
            .arg("-ec")
            .arg("git init -q . && git add . && git -c user.name=t -c user.email=t@t commit -q -m m && git tag v1")
            .current_dir(repo)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}
