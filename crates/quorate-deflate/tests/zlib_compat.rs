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

/// Python's `gzip` on `data` at `level`, three ways: `gzip.compress` with
/// a time (its own header, OS 255), with time 0 (zlib's gzip wrapper, OS
/// 3), and `GzipFile` with a file name (FNAME, as `tarfile` writes).
fn python_gzip(py: &Path, dir: &Path, data: &[u8], level: u32) -> [Vec<u8>; 3] {
    let f = dir.join("input");
    std::fs::write(&f, data).unwrap();
    run(Command::new(py)
        .arg("-c")
        .arg(
            "import sys, gzip, io\n\
             d = open(sys.argv[1], 'rb').read()\n\
             l = int(sys.argv[2])\n\
             open(sys.argv[1] + '.0', 'wb').write(gzip.compress(d, l, mtime=1700000001))\n\
             open(sys.argv[1] + '.1', 'wb').write(gzip.compress(d, l, mtime=0))\n\
             b = io.BytesIO()\n\
             with gzip.GzipFile('rel-1.0.tar', 'wb', l, b, 1234567890) as g:\n    g.write(d)\n\
             open(sys.argv[1] + '.2', 'wb').write(b.getvalue())",
        )
        .arg(&f)
        .arg(level.to_string()));
    [0, 1, 2].map(|i| std::fs::read(dir.join(format!("input.{i}"))).unwrap())
}

/// The header fields of a published gzip member (FLG must be 0 or FNAME).
fn header_of(gz: &[u8], level: u32) -> zlib::ZlibGzipOptions {
    assert!(gz[3] == 0 || gz[3] == 8, "FLG {}", gz[3]);
    let name = (gz[3] == 8).then(|| {
        let end = gz[10..].iter().position(|&b| b == 0).unwrap();
        gz[10..10 + end].to_vec()
    });
    zlib::ZlibGzipOptions {
        level,
        name,
        mtime: u32::from_le_bytes([gz[4], gz[5], gz[6], gz[7]]),
        xfl: gz[8],
        os: gz[9],
    }
}

/// zlib's deflate in gzip framing, with the header fields read from what
/// Python's `gzip` wrote, gives Python's bytes: real files (this crate's
/// sources, a program, a large text) and synthetic ones, every level.
#[test]
fn gzip_framing_matches_python_gzip() {
    let Some(py) = tool("python3") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut inputs: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        ("one byte".into(), b"x".to_vec()),
        ("repetitive".into(), synth(1, 300_000, 5)),
        ("random".into(), synth(0, 70_000, 6)),
        ("mixed 2 MiB".into(), synth(2, 2 << 20, 7)),
    ];
    let mut text = Vec::new();
    for f in ["src/lz77.rs", "src/trees.rs", "src/zlib.rs", "src/gzip.rs"] {
        text.extend(std::fs::read(f).unwrap());
    }
    inputs.push(("sources".into(), text));
    let mut program = std::fs::read(std::fs::canonicalize(&py).unwrap()).unwrap();
    program.truncate((1 << 20) + 17);
    inputs.push(("python3 program (first MiB)".into(), program));
    for (what, data) in &inputs {
        let levels: &[u32] = if data.len() > 1 << 20 {
            &[1, 6, 9]
        } else {
            &[1, 2, 3, 4, 5, 6, 7, 8, 9]
        };
        for &level in levels {
            for (way, theirs) in python_gzip(&py, dir.path(), data, level)
                .into_iter()
                .enumerate()
            {
                let ours = zlib::gzip(data, &header_of(&theirs, level)).unwrap();
                assert!(
                    ours == theirs,
                    "{what} ({} bytes), level {level}, way {way}: first difference at {:?}",
                    data.len(),
                    ours.iter().zip(&theirs).position(|(a, b)| a != b)
                );
            }
        }
    }
}

/// Every optional gzip header field (FEXTRA with a subfield, FNAME,
/// FCOMMENT, FHCRC) written as Perl's IO::Compress::Gzip writes it (the
/// gzip writer of Perl's core modules, on the system zlib): our member
/// around Perl's own deflate data is Perl's file byte for byte. (Perl
/// deflates with memLevel 9, so its deflate data is taken as given; the
/// header and trailer are ours.)
#[test]
fn optional_header_fields_as_perl_writes_them() {
    let Some(perl) = tool("perl") else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out.gz");
    let data: Vec<u8> = (0..200_000u32)
        .map(|i| (i * 7 % 251) as u8 ^ (i >> 9) as u8)
        .collect();
    std::fs::write(&input, &data).unwrap();
    run(Command::new(&perl)
        .arg("-MIO::Compress::Gzip=gzip,$GzipError")
        .arg("-e")
        .arg(
            "gzip $ARGV[0] => $ARGV[1], -Level => 9, -Minimal => 0, -Name => 'x.tar', \
             -Time => 1700000000, -Comment => 'a comment', \
             -ExtraField => [['AB', 'xyz']], -HeaderCRC => 1 or die $GzipError",
        )
        .arg(&input)
        .arg(&out));
    let theirs = std::fs::read(&out).unwrap();
    // 10 fixed bytes, XLEN and the subfield (2 + 2 + 2 + 3), the name and
    // the comment with their NULs, the header CRC.
    let header_len = 10 + 2 + 7 + 6 + 10 + 2;
    let body = &theirs[header_len..theirs.len() - 8];
    let ours = quorate_deflate::gzip::member(
        &data,
        body,
        &quorate_deflate::gzip::MemberHeader {
            name: Some(b"x.tar"),
            mtime: 1_700_000_000,
            xfl: theirs[8],
            os: theirs[9],
            extra: Some(b"AB\x03\x00xyz"),
            comment: Some(b"a comment"),
            header_crc: Some(u16::from_le_bytes([theirs[35], theirs[36]])),
        },
    )
    .unwrap();
    assert_eq!(
        theirs[3], 0x1e,
        "Perl wrote FHCRC, FEXTRA, FNAME and FCOMMENT"
    );
    // RFC 1952's value is the CRC-32's low 16 bits; Perl writes its low 8
    // (`crc32($out) & 0x00FF`): either way a rebuild writes what it read.
    let rfc = quorate_deflate::gzip::header_crc16(&theirs[..35]);
    let perl = u16::from_le_bytes([theirs[35], theirs[36]]);
    assert!(
        perl == rfc || perl == rfc & 0xff,
        "{perl:#06x} vs {rfc:#06x}"
    );
    assert!(
        ours == theirs,
        "first difference at {:?}",
        ours.iter().zip(&theirs).position(|(a, b)| a != b)
    );
    // A NUL in the comment and an extra field too long for XLEN are refused.
    let bad = quorate_deflate::gzip::MemberHeader {
        comment: Some(b"a\0b"),
        ..Default::default()
    };
    assert_eq!(
        quorate_deflate::gzip::member(&data, body, &bad),
        Err(quorate_deflate::Error::NameHasNul)
    );
    let long = vec![0u8; 65_536];
    let bad = quorate_deflate::gzip::MemberHeader {
        extra: Some(&long),
        ..Default::default()
    };
    assert_eq!(
        quorate_deflate::gzip::member(&data, body, &bad),
        Err(quorate_deflate::Error::ExtraTooLong(65_536))
    );
}
