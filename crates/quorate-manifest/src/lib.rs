//! SHA-256 release manifests.
//!
//! A manifest lists every file of a release as `<64 lowercase hex>  <path>`,
//! one per line, LF-terminated, sorted by path bytes: exactly what
//! `sha256sum` writes and what `sha256sum -c` reads. This crate parses and
//! writes that format ([`Manifest`]), hashes files and trees in parallel with
//! streaming reads ([`hash`]), and checks a tree against a manifest
//! ([`check`]). It also holds the few pieces every other quorate crate
//! shares: the [`Progress`] reporter trait and atomic file writes ([`fsutil`]).

pub mod check;
pub use quorate_base::fsutil;
pub mod hash;
pub mod hint;
mod manifest;
pub use quorate_base::progress;
pub mod tree;

pub use check::{CheckEntry, CheckReport, EntryStatus};
pub use hash::Digest;
pub use hint::Hint;
pub use manifest::{Entry, Manifest, ManifestError, validate_path};
pub use progress::{NoProgress, Progress};
