//! Release plans, Go toolchains and builds, and deterministic archives.
//!
//! - [`archive`]: deterministic `.tar.gz` and `.zip` from a folder.
//! - [`toolchain`]: finding, checking (official, unpatched, exact version)
//!   and installing Go toolchains.
//! - [`config`]: `quorate.toml`.
//! - [`plan`] and [`build`]: what a release build does, and doing it.

pub mod archive;
pub mod build;
pub mod config;
pub mod plan;
pub mod toolchain;
