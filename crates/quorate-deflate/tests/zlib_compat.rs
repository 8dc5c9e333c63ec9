//! zlib byte-compatibility: outputs compared with Python's `zlib.compress`
//! (the system zlib) on the same input.

mod common;

use common::*;
use proptest::prelude::*;
use quorate_deflate::zlib;
use std::path::Path;
use std::process::Command;

/// `zlib.compress(data, level)` by the host's Python, for each level (one
/// Python process per input).
fn python_zlib_levels(py: &Path, dir: &Path, data: &[u8], levels: &[u32]) -> Vec<Vec<u8>> {
    let f = dir.join("input");
    std::fs::write(&f, data).unwrap();
    let list: Vec<String> = levels.iter().map(|l| l.to_string()).collect();
    run(Command::new(py)
        .arg("-c")
        .arg(
            "import sys, zlib\n\
             d = open(sys.argv[1], 'rb').read()\n\
             for l in sys.argv[2:]:\n    open(sys.argv[1] + '.' + l, 'wb').write(zlib.compress(d, int(l)))",
        )
        .arg(&f)
        .args(&list));
    levels
        .iter()
        .map(|l| std::fs::read(dir.join(format!("input.{l}"))).unwrap())
        .collect()
}

fn python_zlib(py: &Path, dir: &Path, data: &[u8], level: u32) -> Vec<u8> {
    python_zlib_levels(py, dir, data, &[level]).remove(0)
}

fn check(py: &Path, dir: &Path, data: &[u8], levels: &[u32], what: &str) {
    let all = python_zlib_levels(py, dir, data, levels);
    for (&level, theirs) in levels.iter().zip(all) {
        let ours = zlib::compress(data, level).unwrap();
        assert!(
            ours == theirs,
            "{what} ({} bytes) at level {level}: first difference at {:?}",
            data.len(),
            ours.iter().zip(&theirs).position(|(a, b)| a != b)
        );
    }
}

#[test]
fn edge_sizes_and_real_text() {
    let Some(py) = tool("python3") else { return };
    let dir = tempfile::tempdir().unwrap();
    let all: Vec<u32> = (1..=9).collect();
    check(&py, dir.path(), b"", &all, "empty");
    check(&py, dir.path(), b"x", &all, "one byte");
    for size in [262, 16383, 16384, 32768, 65274, 65536, 65537] {
        for kind in 0..3 {
            check(
                &py,
                dir.path(),
                &synth(kind, size, size as u64 + kind as u64),
                &[1, 6, 9],
                "synthetic",
            );
        }
    }
    let mut text = Vec::new();
    for f in ["src/lz77.rs", "src/trees.rs", "src/zlib.rs"] {
        text.extend(std::fs::read(f).unwrap());
    }
    check(&py, dir.path(), &text, &all, "sources");
    check(
        &py,
        dir.path(),
        &synth(2, 1 << 20, 1),
        &[1, 6, 9],
        "1 MiB mixed",
    );
}

#[test]
fn identifies_what_zlib_made() {
    use quorate_deflate::Flavor;
    use quorate_deflate::identify::{deflate_raw, identify};
    let Some(py) = tool("python3") else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = synth(2, 500_000, 78);
    for level in [1, 6, 9] {
        let z = python_zlib(&py, dir.path(), &data, level);
        let stream = &z[2..z.len() - 4];
        let (flavor, found) = identify(stream, &data, &[Flavor::GnuGzip, Flavor::Zlib]).unwrap();
        assert_eq!(flavor, Flavor::Zlib, "zlib level {level}");
        assert_eq!(deflate_raw(&data, found, flavor).unwrap(), stream);
    }
}

#[test]
fn refuses_bad_level() {
    assert_eq!(
        zlib::compress(b"", 0),
        Err(quorate_deflate::Error::Level(0))
    );
    assert_eq!(
        zlib::deflate_raw(b"", 10),
        Err(quorate_deflate::Error::Level(10))
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn same_bytes_as_zlib(kind in 0u8..3, size in 0usize..200_000, seed: u64, level in 1u32..=9) {
        let Some(py) = tool("python3") else { return Ok(()) };
        let dir = tempfile::tempdir().unwrap();
        let data = synth(kind, size, seed);
        let ours = zlib::compress(&data, level).unwrap();
        let mut back = Vec::new();
        use std::io::Read;
        flate2::read::ZlibDecoder::new(&ours[..]).read_to_end(&mut back).unwrap();
        prop_assert_eq!(&back, &data);
        prop_assert!(ours == python_zlib(&py, dir.path(), &data, level), "differs at level {} on {} bytes", level, size);
    }
}
