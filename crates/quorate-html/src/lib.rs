//! quorate-html: one self-contained HTML file per report.
//!
//! [`diff_report`] renders a [`quorate_diff::Report`] (findings first, the
//! container tree, a section map of each executable drawn to scale, side by
//! side hex and strings views of the differing regions, Go build info side
//! by side); [`verify_report`] renders a release verification (signers,
//! quorum, files); [`attestation_report`] renders the artifact × signer
//! matrix of an attestation repository; [`reproduce_report`] renders a
//! reproduction (artifacts, causes, explanations, attestation matrix).
//!
//! Every page is one file: inline CSS and a little inline JS, no network,
//! no external assets, a strict Content-Security-Policy that allows only
//! the page's own style and script (by SHA-256 hash). Every string taken
//! from the inputs goes through [`esc`].

mod diff;
mod page;
pub mod reproduce;
mod verify;

use std::path::{Path, PathBuf};

pub use diff::{DiffHtmlOptions, diff_report};
pub use page::esc;
pub use reproduce::{ReproduceHtmlOptions, foreign_report, reproduce_report};
pub use verify::{VerifyHtmlOptions, attestation_report, verify_report};

/// What can go wrong writing a report.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    /// The HTML file could not be written.
    #[error("{}: cannot write the HTML report: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Writes `html` to `path` atomically (temp file, then rename).
pub fn write_report(path: &Path, html: &str) -> Result<(), HtmlError> {
    quorate_manifest::fsutil::write_atomic(path, html.as_bytes()).map_err(|source| {
        HtmlError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}
