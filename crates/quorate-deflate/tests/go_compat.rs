//! Go byte-compatibility: `tests/gopack/main.go` (standard library only)
//! is built with the Go of `QUORATE_TEST_GOROOT` and is the oracle for
//! `compress/flate`, `compress/gzip` and `archive/zip`; every output here
//! is compared with what it writes for the same input. The Go release
//! decides which compressor is checked (`GoVersion::of(go env GOVERSION)`).
//! Under `CI=true` a missing `QUORATE_TEST_GOROOT` fails the tests.

mod common;

use common::*;
use proptest::prelude::*;
use quorate_deflate::Flavor;
use quorate_deflate::goflate::{GoVersion, deflate_raw};
use quorate_deflate::gogzip::{self, GoGzipOptions};
use quorate_deflate::gozip::{GoTime, GoZipOptions, GoZipWriter};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The built oracle and the compressor its Go uses.
struct GoPack {
    bin: PathBuf,
    version: GoVersion,
    goroot: PathBuf,
}

/// Builds `gopack` once per test run; `None` (skip) without a Go outside
/// CI.
fn gopack() -> Option<&'static GoPack> {
    static PACK: OnceLock<Option<GoPack>> = OnceLock::new();
    PACK.get_or_init(|| {
        let Some(goroot) = std::env::var_os("QUORATE_TEST_GOROOT") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "QUORATE_TEST_GOROOT is required under CI=true (scripts/test sets it)"
            );
            eprintln!("SKIP: QUORATE_TEST_GOROOT unset, no Go to compare with");
            return None;
        };
        let goroot = PathBuf::from(goroot);
        let go = goroot.join("bin/go");
        let dir = tempfile::tempdir().unwrap().keep();
        let bin = dir.join("gopack");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gopack");
        let status = Command::new(&go)
            .current_dir(&src)
            .env("GOROOT", &goroot)
            .env("GOTOOLCHAIN", "local")
            .env("GO111MODULE", "off")
            .env("CGO_ENABLED", "0")
            .args(["build", "-o"])
            .arg(&bin)
            .arg("main.go")
            .status()
            .expect("run go build");
        assert!(status.success(), "building tests/gopack failed");
        let out = run(Command::new(&go)
            .env("GOROOT", &goroot)
            .args(["env", "GOVERSION"]));
        let v = String::from_utf8_lossy(&out).trim().to_string();
        let version = GoVersion::of(&v)
            .unwrap_or_else(|| panic!("{v}: a Go release quorate-deflate does not reproduce"));
        eprintln!("comparing with {v} ({version:?})");
        Some(GoPack {
            bin,
            version,
            goroot,
        })
    })
    .as_ref()
}

impl GoPack {
    /// Runs gopack with `args`, `data` on stdin; returns stdout.
    fn run(&self, args: &[&str], data: &[u8]) -> Vec<u8> {
        let mut child = Command::new(&self.bin)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run gopack");
        let mut stdin = child.stdin.take().unwrap();
        let data = data.to_vec();
        let feeder = std::thread::spawn(move || stdin.write_all(&data));
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap().unwrap();
        assert!(out.status.success(), "gopack {args:?} failed");
        out.stdout
    }

    fn flate(&self, data: &[u8], level: i32) -> Vec<u8> {
        self.run(&["flate", &level.to_string()], data)
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .or((a.len() != b.len()).then_some(a.len().min(b.len())))
}

const ALL_LEVELS: [i32; 12] = [-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

fn check(g: &GoPack, data: &[u8], levels: &[i32], what: &str) {
    for &level in levels {
        let ours = deflate_raw(data, level, g.version).unwrap();
        let theirs = g.flate(data, level);
        assert!(
            ours == theirs,
            "{what} ({} bytes) at level {level}: ours {} bytes, Go {} bytes, first difference at {:?}",
            data.len(),
            ours.len(),
            theirs.len(),
            first_difference(&ours, &theirs)
        );
        assert_eq!(inflate_raw(&ours), data, "{what} at {level} inflates back");
    }
}

fn inflate_raw(stream: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(stream)
        .read_to_end(&mut out)
        .expect("valid deflate");
    out
}

#[test]
fn edge_sizes_every_level() {
    let Some(g) = gopack() else { return };
    check(g, b"", &ALL_LEVELS, "empty");
    check(g, b"x", &ALL_LEVELS, "one byte");
    check(g, b"abcabcabcabcabcabc", &ALL_LEVELS, "tiny repeat");
    // Around Go's small-block cases (16/32/128 bytes), its 32 KiB and
    // 65 535-byte blocks, the 64 KiB window and its slide.
    for size in [
        16, 17, 32, 33, 127, 128, 300, 32768, 32769, 65274, 65535, 65536, 65537, 98304, 131071,
    ] {
        for kind in 0..3 {
            let data = synth(kind, size, size as u64 * 3 + kind as u64);
            check(g, &data, &ALL_LEVELS, &format!("kind {kind} size {size}"));
        }
    }
}

#[test]
fn incompressible_repetitive_and_mixed() {
    let Some(g) = gopack() else { return };
    check(g, &synth(0, 1 << 20, 42), &ALL_LEVELS, "1 MiB random");
    check(g, &vec![0u8; 3 << 20], &ALL_LEVELS, "3 MiB of zeros");
    check(g, &synth(1, 1 << 20, 5), &ALL_LEVELS, "1 MiB of words");
    check(g, &synth(2, 2 << 20, 9), &ALL_LEVELS, "2 MiB mixed");
}

#[test]
fn real_go_binary() {
    let Some(g) = gopack() else { return };
    let data = std::fs::read(g.goroot.join("bin/go")).unwrap();
    check(g, &data[..data.len().min(2 << 20)], &ALL_LEVELS, "go head");
    // GoReleaser's level (tar.gz and zip) and archive/zip's own, whole.
    check(g, &data, &[9, 5], "go binary");
}

#[test]
fn gzip_like_go() {
    let Some(g) = gopack() else { return };
    let data = synth(2, 200_000, 77);
    for level in [9, 1, -1, 5, 0] {
        let theirs = g.run(&["gzip", &level.to_string()], &data);
        let opts = GoGzipOptions::new(level, g.version);
        assert_eq!(
            gogzip::compress(&data, &opts).unwrap(),
            theirs,
            "level {level}"
        );
        // Streamed in uneven pieces: the same bytes.
        let mut enc = gogzip::GoGzEncoder::new(Vec::new(), &opts).unwrap();
        let mut r = Rng((level + 20) as u64);
        let mut pos = 0;
        while pos < data.len() {
            let n = (1 + r.below(50_000) as usize).min(data.len() - pos);
            enc.write_all(&data[pos..pos + n]).unwrap();
            pos += n;
        }
        assert_eq!(enc.finish().unwrap(), theirs, "streamed, level {level}");
        assert_eq!(inflate_gzip(&theirs), data);
    }
    let theirs = g.run(
        &["gzipname", "9", "app_1.0_linux_amd64.tar", "1700000123"],
        &data,
    );
    let opts = GoGzipOptions {
        name: Some(b"app_1.0_linux_amd64.tar".to_vec()),
        mtime: 1_700_000_123,
        ..GoGzipOptions::new(9, g.version)
    };
    assert_eq!(gogzip::compress(&data, &opts).unwrap(), theirs);
    assert_eq!(
        gogzip::compress(b"", &GoGzipOptions::new(9, g.version)).unwrap(),
        g.run(&["gzip", "9"], b"")
    );
}

/// Lays out `files` (name, data, mode; `None` data: a directory) under a
/// temporary directory, zips them with gopack in that order, and builds
/// the same archive here.
/// `zone`: `Some(offset)` sets `Modified` in a zone of that many seconds
/// east of UTC (GoReleaser's configured time), `None` uses `SetModTime`.
fn compare_zip(
    g: &GoPack,
    files: &[(&str, Option<Vec<u8>>, u32)],
    level: i32,
    mtime: i64,
    zone: Option<i32>,
) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    for (name, data, _) in files {
        let p = dir.path().join(name);
        match data {
            None => std::fs::create_dir_all(&p).unwrap(),
            Some(d) => {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, d).unwrap();
            }
        }
    }
    for (name, _, mode) in files.iter().rev() {
        let p = dir.path().join(name);
        let f = std::fs::File::open(&p).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_001))
            .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(*mode)).unwrap();
    }
    let stamp = match zone {
        Some(z) => format!("{mtime}@{z}"),
        None => mtime.to_string(),
    };
    let mut args = vec!["zip".to_string(), level.to_string(), stamp];
    args.extend(files.iter().map(|f| f.0.to_string()));
    let out = Command::new(&g.bin)
        .current_dir(dir.path())
        .args(&args)
        .output()
        .unwrap();
    assert!(out.status.success(), "gopack zip failed");
    let theirs = out.stdout;

    let deflate_level = if level == -1 { 5 } else { level };
    let opts = GoZipOptions {
        level: deflate_level,
        version: g.version,
    };
    let mut z = GoZipWriter::new(Vec::new(), opts).unwrap();
    for (name, data, _) in files {
        let md = std::fs::metadata(dir.path().join(name)).unwrap();
        let t = GoTime {
            unix: if mtime == -1 { md.mtime() } else { mtime },
            utc_offset: zone.unwrap_or(0),
        };
        match data {
            None => z.add_directory(name, md.mode(), t).unwrap(),
            Some(d) => z.add_file(name, d, md.mode(), t).unwrap(),
        }
    }
    let ours = z.finish().unwrap();
    assert!(
        ours == theirs,
        "zip at level {level}, time {}: ours {} bytes, Go {} bytes, first difference at {:?} (headers {:02x?} and {:02x?})",
        args[2],
        ours.len(),
        theirs.len(),
        first_difference(&ours, &theirs),
        &ours[..16.min(ours.len())],
        &theirs[..16.min(theirs.len())]
    );
}

#[test]
fn zip_like_go() {
    let Some(g) = gopack() else { return };
    let files: Vec<(&str, Option<Vec<u8>>, u32)> = vec![
        ("app_1.0/bin/app", Some(synth(2, 300_000, 3)), 0o755),
        ("app_1.0/README.md", Some(synth(1, 5000, 4)), 0o644),
        ("app_1.0/LICENSE", Some(b"MIT".to_vec()), 0o444),
        ("app_1.0/empty", Some(Vec::new()), 0o644),
        ("app_1.0/random.bin", Some(synth(0, 70_000, 5)), 0o600),
        (
            "app_1.0/docs~old/caf\u{e9}.txt",
            Some(b"caf\xc3\xa9\n".to_vec()),
            0o644,
        ),
        ("app_1.0/docs", None, 0o755),
    ];
    // GoReleaser: BestCompression, a fixed mtime; archive/zip's default
    // compressor; the files' own times.
    compare_zip(g, &files, 9, 1_700_000_123, None);
    compare_zip(g, &files, -1, 1_700_000_124, None);
    compare_zip(g, &files, 9, -1, None);
    // Modified set directly in a zone east and west of UTC (across a
    // date line in local time).
    compare_zip(g, &files[..3], 9, 1_700_000_123, Some(5 * 3600 + 1800));
    compare_zip(g, &files[..3], 9, 1_700_000_123, Some(-8 * 3600));
    // Before 1980, which Go's DOS date wraps.
    compare_zip(g, &files[1..3], 9, 86_400 * 365, None);
}

#[test]
fn identifies_what_go_made() {
    let Some(g) = gopack() else { return };
    let data = synth(2, 400_000, 13);
    let flavors = [
        Flavor::GnuGzip,
        Flavor::Zlib,
        Flavor::Go(GoVersion::UpTo1_26),
        Flavor::Go(GoVersion::From1_27),
    ];
    for level in [9, 5, 1] {
        let member = g.run(&["gzip", &level.to_string()], &data);
        let stream = &member[10..member.len() - 8];
        let (flavor, found) = quorate_deflate::identify::identify(stream, &data, &flavors).unwrap();
        assert_eq!(flavor, Flavor::Go(g.version), "level {level}");
        assert_eq!(
            quorate_deflate::identify::deflate_raw(&data, found, flavor).unwrap(),
            stream
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Random structured inputs (random, words, mixed) at random levels:
    /// identical to Go, and they inflate back.
    #[test]
    fn same_bytes_as_go(kind in 0u8..3, size in 0usize..300_000, seed: u64, li in 0usize..12) {
        let Some(g) = gopack() else { return Ok(()) };
        let data = synth(kind, size, seed);
        let level = ALL_LEVELS[li];
        let ours = deflate_raw(&data, level, g.version).unwrap();
        prop_assert_eq!(inflate_raw(&ours), data.clone());
        let theirs = g.flate(&data, level);
        prop_assert!(ours == theirs, "differs from Go at level {} on {} bytes of kind {} (first at {:?})",
            level, size, kind, first_difference(&ours, &theirs));
    }

    /// Arbitrary short byte strings at every level.
    #[test]
    fn arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..3000), li in 0usize..12) {
        let Some(g) = gopack() else { return Ok(()) };
        let level = ALL_LEVELS[li];
        let ours = deflate_raw(&data, level, g.version).unwrap();
        prop_assert_eq!(inflate_raw(&ours), data.clone());
        prop_assert_eq!(ours, g.flate(&data, level));
    }
}
