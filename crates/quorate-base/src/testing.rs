//! Helpers the unit tests of several quorate crates share (feature
//! `test-support`, enabled only through dev-dependencies).

use std::path::Path;
use std::process::Command;

/// Runs `script` with `bash -ec` in `dir`, with git's system and global
/// configuration ignored (a test's commits do not depend on the machine's
/// settings); panics naming the script and showing its error output when
/// it fails.
pub fn sh(dir: &Path, script: &str) {
    let out = Command::new("bash")
        .arg("-ec")
        .arg(script)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash: {e}"));
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `n` bytes of text-like runs (letters from `abcdefgh`) mixed with
/// pseudo-random bytes, the same for every call: large enough inputs make
/// compression levels and implementations give different bytes.
pub fn mixed_bytes(n: usize) -> Vec<u8> {
    let mut x = 1u32;
    (0..n)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            if i % 7 < 4 {
                b"abcdefgh"[(x >> 16) as usize % 8]
            } else {
                (x >> 24) as u8
            }
        })
        .collect()
}
