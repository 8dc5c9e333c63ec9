//! Helpers the unit tests of several quorate crates share (feature
//! `test-support`, enabled only through dev-dependencies).

use std::path::Path;
use std::process::Command;

/// Runs `script` with `bash -ec` in `dir`, with git's system and global
/// configuration ignored (a test's commits do not depend on the machine's
/// settings); panics naming the script when it fails.
pub fn sh(dir: &Path, script: &str) {
    let ok = Command::new("bash")
        .arg("-ec")
        .arg(script)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap_or_else(|e| panic!("cannot run bash: {e}"))
        .success();
    assert!(ok, "{script}");
}
