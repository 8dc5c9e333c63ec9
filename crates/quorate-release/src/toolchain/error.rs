//! Errors of toolchain handling; each names the path or URL concerned and
//! ends with what to do next.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{FoundVia, PatchFinding, install_hint};
use quorate_manifest::Hint;

/// A toolchain that [`super::find`] looked at and refused.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    /// The path looked at (a GOROOT or a `go` binary).
    pub path: PathBuf,
    /// Where it came from.
    pub via: FoundVia,
    /// Why it was refused.
    pub why: String,
}

/// How many patch findings an error message lists before summing up.
const MAX_LISTED: usize = 10;

/// What can go wrong finding, checking or installing a toolchain.
#[derive(Debug, thiserror::Error)]
pub enum ToolchainError {
    /// No candidate fitted.
    #[error("no official Go {version} toolchain found{}", render_candidates(.candidates))]
    NotFound {
        /// The version wanted.
        version: String,
        /// Every candidate looked at and why it was refused.
        candidates: Vec<Candidate>,
    },
    /// The toolchain is another version.
    #[error("{} (from {via}) is Go {found}, but the release pins Go {want}", .goroot.display())]
    WrongVersion {
        /// The GOROOT found.
        goroot: PathBuf,
        /// Where it came from.
        via: FoundVia,
        /// Its version.
        found: String,
        /// The version wanted.
        want: String,
    },
    /// The toolchain is patched (references `/nix/store`).
    #[error("{} (from {via}) is a patched Go {version} toolchain: it references /nix/store, so the binaries it builds embed store paths that differ from host to host:{}", .goroot.display(), render_findings(.findings))]
    Patched {
        /// The GOROOT found.
        goroot: PathBuf,
        /// Where it came from.
        via: FoundVia,
        /// Its version.
        version: String,
        /// Every reference found.
        findings: Vec<PatchFinding>,
    },
    /// The path is not a usable Go toolchain.
    #[error("{}: not a usable Go toolchain: {reason}{}", .path.display(), via_note(.via))]
    NotAToolchain {
        /// The path given.
        path: PathBuf,
        /// Why.
        reason: String,
        /// Where the path came from, when known.
        via: Option<FoundVia>,
    },
    /// The version asked for is not a Go release version.
    #[error("{version:?} is not a Go version")]
    BadVersion {
        /// What was given.
        version: String,
    },
    /// An I/O error on a path.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Downloading failed.
    #[error("downloading {url}: {message}")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The archive's SHA-256 is not the one expected.
    #[error(
        "{source_name}: SHA-256 mismatch: expected {expected}, got {actual}; nothing was installed"
    )]
    ChecksumMismatch {
        /// The URL or file.
        source_name: String,
        /// The expected digest (hex).
        expected: String,
        /// The digest of what was read (hex).
        actual: String,
    },
    /// The archive is malformed or unsafe.
    #[error("{source_name}: bad archive: {reason}; nothing was installed")]
    BadArchive {
        /// The URL or file.
        source_name: String,
        /// What is wrong (names the member).
        reason: String,
    },
    /// Making a patched copy failed.
    #[error("{}: cannot apply the Nixpkgs-style patch: {reason}", .path.display())]
    PatchCopy {
        /// The file concerned.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

fn via_note(via: &Option<FoundVia>) -> String {
    match via {
        Some(v) => format!(" (from {v})"),
        None => String::new(),
    }
}

fn render_candidates(c: &[Candidate]) -> String {
    let mut s = String::new();
    if !c.is_empty() {
        s.push_str("; looked at:");
        for cand in c {
            let _ = write!(
                s,
                "\n  {} ({}): {}",
                cand.path.display(),
                cand.via,
                cand.why
            );
        }
    }
    s
}

fn render_findings(f: &[PatchFinding]) -> String {
    let mut s = String::new();
    for finding in f.iter().take(MAX_LISTED) {
        let _ = write!(s, "\n  {finding}");
    }
    if f.len() > MAX_LISTED {
        let _ = write!(s, "\n  … and {} more", f.len() - MAX_LISTED);
    }
    s
}

fn patched_hint(version: &str) -> String {
    format!(
        "use an official, unpatched Go: `quorate toolchain install {version}`; \
         in Nix: go.overrideAttrs (_: {{ patches = []; }})"
    )
}

impl Hint for ToolchainError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            ToolchainError::NotFound { version, .. } => install_hint(version),
            ToolchainError::WrongVersion { want, .. } => install_hint(want),
            ToolchainError::Patched { version, .. } => patched_hint(version),
            ToolchainError::BadVersion { .. } => "give an exact release such as 1.27.3".into(),
            ToolchainError::Download { .. } => "check the address and the network, or download the archive yourself and use `--from FILE`".into(),
            ToolchainError::ChecksumMismatch { .. } => "check the checksum (https://go.dev/dl/ lists them) and where the archive came from".into(),
            _ => return None,
        })
    }
}

impl ToolchainError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        ToolchainError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Records where a path came from (for [`ToolchainError::NotAToolchain`]).
    pub(crate) fn with_via(self, via: FoundVia) -> Self {
        match self {
            ToolchainError::NotAToolchain { path, reason, .. } => ToolchainError::NotAToolchain {
                path,
                reason,
                via: Some(via),
            },
            other => other,
        }
    }

    /// One line saying why a candidate was refused (for the candidate list).
    pub fn short_reason(&self) -> String {
        match self {
            ToolchainError::WrongVersion { found, want, .. } => {
                format!("Go {found}, not {want}")
            }
            ToolchainError::Patched { findings, .. } => {
                let first = findings
                    .first()
                    .map(|f| format!(" (first: {f})"))
                    .unwrap_or_default();
                format!(
                    "patched: {} to /nix/store{first}",
                    quorate_base::text::count(findings.len(), "reference")
                )
            }
            ToolchainError::NotAToolchain { reason, .. } => reason.clone(),
            other => other
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        }
    }
}
