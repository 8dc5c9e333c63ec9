//! Helpers shared by the compatibility tests: the host tools are the
//! oracles, and under `CI=true` a missing one fails the test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The path of `tool` on PATH; `None` (with a note) when it is missing
/// outside CI. Under `CI=true` a missing tool is a failure.
pub fn tool(tool: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is required under CI=true (scripts/install-deps installs it)"
        );
        eprintln!("SKIP: {tool} not found on PATH");
    }
    found
}

/// Runs a command and returns its stdout; panics with stderr on failure.
pub fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run host tool");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `gzip -<level> -n -c FILE` on `data` written to a regular file (gzip
/// reads files whole, which its output depends on).
pub fn host_gzip(gzip: &Path, dir: &Path, data: &[u8], level: u32) -> Vec<u8> {
    let f = dir.join("input");
    std::fs::write(&f, data).unwrap();
    run(Command::new(gzip)
        .arg(format!("-{level}"))
        .arg("-n")
        .arg("-c")
        .arg(&f))
}

/// A small deterministic generator (xorshift), so inputs are reproducible
/// from a seed without extra dependencies.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Data of `size` bytes of kind `kind`: 0 random, 1 words from a small
/// vocabulary, 2 a mix of random runs, back-references near and far,
/// byte runs and two-letter noise (exercises every match path).
pub fn synth(kind: u8, size: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng(seed | 1);
    let mut out = Vec::with_capacity(size);
    match kind {
        0 => {
            while out.len() < size {
                out.extend_from_slice(&r.next().to_le_bytes());
            }
        }
        1 => {
            let words: Vec<Vec<u8>> = (0..200)
                .map(|_| {
                    (0..1 + r.below(8))
                        .map(|_| b'a' + r.below(10) as u8)
                        .collect()
                })
                .collect();
            while out.len() < size {
                out.extend_from_slice(&words[r.below(200) as usize]);
                out.push(b' ');
            }
        }
        _ => {
            while out.len() < size {
                let t = r.below(10);
                if t < 3 {
                    for _ in 0..1 + r.below(500) {
                        out.push(r.next() as u8);
                    }
                } else if t < 6 && out.len() > 10 {
                    let d = 1 + r.below(out.len().min(40000) as u64) as usize;
                    for _ in 0..3 + r.below(600) {
                        out.push(out[out.len() - d]);
                    }
                } else if t < 8 {
                    let b = (r.next() & 3) as u8;
                    out.extend(std::iter::repeat_n(b, 1 + r.below(2000) as usize));
                } else {
                    for _ in 0..1 + r.below(300) {
                        out.push(if r.next() & 1 == 0 { b'a' } else { b'b' });
                    }
                }
            }
        }
    }
    out.truncate(size);
    out
}

/// Inflates a raw DEFLATE stream with flate2 (an independent decoder).
pub fn inflate_gzip(gz: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}
