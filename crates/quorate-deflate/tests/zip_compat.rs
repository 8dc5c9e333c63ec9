//! Info-ZIP byte-compatibility: archives are compared with what the host's
//! `zip -o -X -r -@` writes for the same members in the same order.

mod common;

use common::*;
use proptest::prelude::*;
use quorate_deflate::zip::{ZipOptions, ZipWriter};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

/// A member to lay out on disk: `None` data makes a directory.
struct Member {
    name: String,
    data: Option<Vec<u8>>,
    mode: u32,
    mtime: i64,
}

/// Writes `members` under `dir`, runs `zip -o -X -<level> -r -@` from `dir`
/// with the names in order, and builds the same archive in-process.
fn compare(zip: &Path, dir: &Path, members: &[Member], level: u32) {
    for m in members {
        let p = dir.join(&m.name);
        match &m.data {
            None => std::fs::create_dir_all(&p).unwrap(),
            Some(d) => {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, d).unwrap();
            }
        }
    }
    // Modes and times last (directories' times change as files appear).
    for m in members.iter().rev() {
        let p = dir.join(&m.name);
        let f = std::fs::File::open(&p).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(m.mtime as u64))
            .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m.mode)).unwrap();
    }
    let out = dir.join("out.zip");
    let list: String = members.iter().map(|m| format!("{}\n", m.name)).collect();
    let mut child = Command::new(zip)
        .current_dir(dir)
        .args([format!("-{level}").as_str(), "-o", "-X", "-q", "-r", "-@"])
        .arg(&out)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(list.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let theirs = std::fs::read(&out).unwrap();

    let mut z = ZipWriter::new(
        Vec::new(),
        ZipOptions {
            level,
            utc_offset: 0,
        },
    )
    .unwrap();
    for m in members {
        let md = std::fs::metadata(dir.join(&m.name)).unwrap();
        match &m.data {
            None => z.add_directory(&m.name, md.mode(), md.mtime()).unwrap(),
            Some(d) => z.add_file(&m.name, d, md.mode(), md.mtime()).unwrap(),
        }
    }
    let ours = z.finish().unwrap();
    if ours != theirs {
        if let Some(keep) = std::env::var_os("QUORATE_DEFLATE_KEEP") {
            std::fs::write(Path::new(&keep).join("theirs.zip"), &theirs).unwrap();
            std::fs::write(Path::new(&keep).join("ours.zip"), &ours).unwrap();
        }
    }
    assert!(
        ours == theirs,
        "zip -{level}: ours {} bytes, zip {} bytes, first difference at {:?}",
        ours.len(),
        theirs.len(),
        ours.iter().zip(&theirs).position(|(a, b)| a != b)
    );
    // And an independent reader accepts it.
    let names = zip_reader_check(&ours);
    let want: Vec<String> = members
        .iter()
        .map(|m| {
            if m.data.is_none() {
                format!("{}/", m.name)
            } else {
                m.name.clone()
            }
        })
        .collect();
    assert_eq!(names, want);
}

/// Reads every member back with flate2 by walking the local headers.
fn zip_reader_check(archive: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut p = 0;
    while archive[p..].starts_with(b"PK\x03\x04") {
        let u16_at = |o: usize| u16::from_le_bytes([archive[p + o], archive[p + o + 1]]) as usize;
        let u32_at =
            |o: usize| u32::from_le_bytes(archive[p + o..p + o + 4].try_into().unwrap()) as usize;
        let (method, csize, usize_, nlen, xlen) =
            (u16_at(8), u32_at(18), u32_at(22), u16_at(26), u16_at(28));
        let crc = u32_at(14) as u32;
        let start = p + 30 + nlen + xlen;
        let body = &archive[start..start + csize];
        let data = if method == 8 {
            use std::io::Read;
            let mut v = Vec::new();
            flate2::read::DeflateDecoder::new(body)
                .read_to_end(&mut v)
                .unwrap();
            v
        } else {
            body.to_vec()
        };
        assert_eq!(data.len(), usize_);
        assert_eq!(quorate_deflate::crc32::crc32(&data), crc);
        names.push(String::from_utf8_lossy(&archive[p + 30..p + 30 + nlen]).into_owned());
        p = start + csize;
    }
    names
}

fn file(name: &str, data: Vec<u8>, mode: u32, mtime: i64) -> Member {
    Member {
        name: name.into(),
        data: Some(data),
        mode,
        mtime,
    }
}

fn dir(name: &str, mtime: i64) -> Member {
    Member {
        name: name.into(),
        data: None,
        mode: 0o755,
        mtime,
    }
}

#[test]
fn release_like_layout() {
    let Some(zip) = tool("zip") else { return };
    let mut src = Vec::new();
    for f in ["src/lz77.rs", "src/trees.rs", "src/zip.rs"] {
        src.extend(std::fs::read(f).unwrap());
    }
    for level in [6, 9, 1, 0] {
        let tmp = tempfile::tempdir().unwrap();
        // Children before their directory, as lnd's `find | sort -r`
        // gives them (`zip -r` would pull a directory's contents in
        // readdir order when the directory comes first).
        let mut members = vec![
            dir("pkg-v1.0", 1_700_000_000),
            file(
                "pkg-v1.0/README.md",
                b"hello\r\nworld\n".to_vec(),
                0o644,
                1_700_000_001,
            ),
            file("pkg-v1.0/tool", synth(2, 300_000, 7), 0o755, 1_700_000_002),
            file(
                "pkg-v1.0/random.bin",
                synth(0, 70_000, 8),
                0o600,
                1_700_000_003,
            ),
            file("pkg-v1.0/empty", Vec::new(), 0o444, 1_700_000_004),
            dir("pkg-v1.0/docs", 1_700_000_005),
            file("pkg-v1.0/docs/src.txt", src.clone(), 0o644, 1_700_000_006),
            file("pkg-v1.0/docs/two", b"hi".to_vec(), 0o644, 1_700_000_007),
            file("pkg-v1.0/docs/bell", vec![7, 8, 11], 0o644, 1_700_000_009),
        ];
        members.reverse();
        compare(&zip, tmp.path(), &members, level);
    }
}

#[test]
fn real_go_binary() {
    let Some(zip) = tool("zip") else { return };
    let goroot = std::env::var_os("QUORATE_TEST_GOROOT");
    if goroot.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "QUORATE_TEST_GOROOT is required under CI=true"
        );
        eprintln!("SKIP: QUORATE_TEST_GOROOT unset");
        return;
    }
    let data = std::fs::read(Path::new(&goroot.unwrap()).join("bin/gofmt")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    compare(
        &zip,
        tmp.path(),
        &[file("gofmt", data, 0o755, 1_650_000_000)],
        6,
    );
}

/// Found by `same_bytes_as_info_zip`: text-like data at -9 whose last
/// four bytes repeat earlier ones, within the window's last 262 bytes.
/// GNU gzip never searches there; Info-ZIP does and ends with a match of
/// length 4, so a compressor that stops as gzip does writes four literals.
#[test]
fn info_zip_searches_to_the_end_of_the_window() {
    let Some(zip) = tool("zip") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let m = file(
        "m0",
        synth(1, 98_051, 18_918_432_808_287_326),
        0o644,
        2_763_573_142,
    );
    compare(&zip, tmp.path(), &[m], 9);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Random members: sizes from 0 to 150 KB of random, text-like and
    /// mixed data, at the default level or -9.
    #[test]
    fn same_bytes_as_info_zip(
        specs in proptest::collection::vec((0u8..3, 0usize..150_000, any::<u64>()), 1..5),
        nine: bool,
        mtime in 315_532_800i64..4_000_000_000,
    ) {
        let Some(zip) = tool("zip") else { return Ok(()) };
        let tmp = tempfile::tempdir().unwrap();
        let members: Vec<Member> = specs
            .iter()
            .enumerate()
            .map(|(i, &(kind, size, seed))| file(&format!("m{i}"), synth(kind, size, seed), 0o644, mtime + i as i64))
            .collect();
        compare(&zip, tmp.path(), &members, if nine { 9 } else { 6 });
    }

    /// Tiny members decide text/binary and stored/deflated on few bytes.
    #[test]
    fn tiny_members(data in proptest::collection::vec(any::<u8>(), 0..40)) {
        let Some(zip) = tool("zip") else { return Ok(()) };
        let tmp = tempfile::tempdir().unwrap();
        compare(&zip, tmp.path(), &[file("t", data, 0o644, 1_700_000_000)], 6);
    }
}
