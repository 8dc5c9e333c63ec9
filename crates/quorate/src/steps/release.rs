//! The build steps `build` and `demo` share: the project's options and
//! plan, the default parallelism, and the program `--check`'s varied
//! rebuild runs (this one).

use std::path::{Path, PathBuf};

use anyhow::Context;
use quorate_release::plan::{self, PrepareError, Prepared, ProjectOptions, ToolchainChoice};

/// The project whose config is `config` (version from the tag unless
/// given, SOURCE_DATE_EPOCH from the environment or the commit).
pub fn project(config: &Path, version: Option<&str>, allow_dirty: bool) -> ProjectOptions {
    ProjectOptions {
        config: config.to_path_buf(),
        version: version.map(str::to_string),
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        allow_dirty,
    }
}

/// The plan of the project whose config is `config` ([`project`]).
pub fn prepare(
    config: &Path,
    version: Option<&str>,
    allow_dirty: bool,
    choice: &ToolchainChoice,
) -> Result<Prepared, PrepareError> {
    plan::prepare_project(&project(config, version, allow_dirty), choice)
}

/// The default number of targets built at once: the number of CPUs.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// The running quorate executable, which `--check` runs again as its
/// varied build: `/proc/<pid>/exe` even if the file was replaced on disk
/// meanwhile (it stays executable on Linux), else the current executable.
pub fn own_program() -> anyhow::Result<PathBuf> {
    let proc_exe = PathBuf::from(format!("/proc/{}/exe", std::process::id()));
    if proc_exe.exists() {
        Ok(proc_exe)
    } else {
        std::env::current_exe().context("cannot find quorate's own executable")
    }
}
