//! Release plans, Go toolchains and builds, and deterministic archives.
//!
//! - [`archive`] makes deterministic `.tar.gz` and `.zip` from a folder.
//! - [`toolchain`] finds, checks (official, unpatched, exact version)
//!   and installs Go toolchains.
//! - [`config`] reads `quorate.toml`.
//! - [`plan`] and [`build`] say what a release build does, and do it;
//!   [`gitsrc`] reads the tag, commit and tracked files it is built from;
//!   [`check`] rebuilds under varied conditions and compares two builds
//!   (`quorate build --check`).
//! - [`pipeline`] runs the whole `quorate build` step (plan, build,
//!   publish, check) and reports each step as an [`event::Event`].
//! - [`recipe_source`] reads what a project's Makefile and release scripts
//!   say about its release build (never running them).
//! - [`untrusted`] is the grammar of every value taken from a release or a
//!   source repository (packages, flags, versions) before it is used.

pub mod archive;
pub mod build;
pub mod check;
pub mod config;
pub mod event;
pub mod gitsrc;
pub mod init;
pub mod pipeline;
pub mod plan;
pub mod recipe_source;
pub mod toolchain;
pub mod untrusted;
