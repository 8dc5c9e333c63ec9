//! Release plans, Go toolchains and builds, and deterministic archives.
//!
//! - [`archive`]: deterministic `.tar.gz` and `.zip` from a folder.
//! - [`toolchain`]: finding, checking (official, unpatched, exact version)
//!   and installing Go toolchains.
//! - [`config`]: `quorate.toml`.
//! - [`plan`] and [`build`]: what a release build does, and doing it;
//!   [`gitsrc`]: the tag, commit and tracked files it is built from;
//!   [`check`]: comparing two builds (`quorate build --check`).

pub mod archive;
pub mod build;
pub mod check;
pub mod config;
pub mod gitsrc;
pub mod plan;
pub mod toolchain;
