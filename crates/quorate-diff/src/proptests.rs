//! Property tests of the container comparison: for random pairs of
//! archives (tar, tar.gz, zip; random members, duplicates, PAX records,
//! xattrs, byte flips anywhere, appended bytes), every differing byte is
//! covered by a finding or an `unexplained` region, and `diff A B` gives
//! the findings of `diff B A` with the sides swapped.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use proptest::prelude::*;

use crate::model::{Cause, Report};
use crate::{DiffOptions, diff_bytes, tarfmt, zipfmt};

#[derive(Clone, Debug)]
struct M {
    name: usize,
    data: Vec<u8>,
    mtime: u8,
    xattr: Option<u8>,
}

const NAMES: [&str; 4] = ["a.txt", "bin/tool", "dir/c", "run.sh"];

fn member() -> impl Strategy<Value = M> {
    (
        0..NAMES.len(),
        proptest::collection::vec(
            prop_oneof![Just(b'x'), Just(b'y'), Just(0u8), any::<u8>()],
            0..48,
        ),
        0u8..3,
        proptest::option::weighted(0.3, 0u8..3),
    )
        .prop_map(|(name, data, mtime, xattr)| M {
            name,
            data,
            mtime,
            xattr,
        })
}

fn ustar(name: &[u8], size: usize, mtime: u8, typeflag: u8) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(format!("{:011o}\0", u32::from(mtime)).as_bytes());
    h[156] = typeflag;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

fn push_padded(out: &mut Vec<u8>, d: &[u8]) {
    out.extend_from_slice(d);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

fn tar(ms: &[M]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in ms {
        if let Some(x) = m.xattr {
            let rec = |k: &str, v: &[u8]| {
                let body = [k.as_bytes(), b"=", v, b"\n"].concat();
                let mut n = body.len() + 2;
                while format!("{n} ").len() + body.len() != n {
                    n += 1;
                }
                [format!("{n} ").as_bytes(), &body].concat()
            };
            let r = rec("SCHILY.xattr.security.capability", &[1, 0, 0, 2, x]);
            out.extend_from_slice(&ustar(b"PaxHeaders/x", r.len(), 0, b'x'));
            push_padded(&mut out, &r);
        }
        out.extend_from_slice(&ustar(
            NAMES[m.name].as_bytes(),
            m.data.len(),
            m.mtime,
            b'0',
        ));
        push_padded(&mut out, &m.data);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn zip(ms: &[M]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for m in ms {
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(if m.mtime == 2 {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            })
            .last_modified_time(
                zip::DateTime::from_date_and_time(2020, 1, 1, 0, 0, m.mtime * 2).unwrap(),
            );
        // The zip crate refuses a name twice (tar covers duplicates).
        if w.start_file(NAMES[m.name], o).is_ok() {
            w.write_all(&m.data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

fn gz(d: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(d).unwrap();
    e.finish().unwrap()
}

fn opts() -> DiffOptions {
    DiffOptions {
        timeout: Duration::from_secs(20),
        max_decompressed: 1 << 22,
        ..DiffOptions::default()
    }
}

/// Findings as sets of (cause, path, what, a, b, offsets); `swap` swaps sides.
type Ev = (
    Cause,
    Vec<String>,
    String,
    Option<String>,
    Option<String>,
    Option<u64>,
    Option<u64>,
);

fn evidence(r: &Report, swap: bool) -> BTreeSet<Ev> {
    let mut s = BTreeSet::new();
    for f in &r.findings {
        for e in &f.evidence {
            let byte_region = matches!(e.what.as_str(), "string" | "string (moved)" | "bytes");
            let (a, b, oa, ob) = if swap {
                (e.b.clone(), e.a.clone(), e.offset_b, e.offset_a)
            } else {
                (e.a.clone(), e.b.clone(), e.offset_a, e.offset_b)
            };
            if byte_region {
                // Aligned byte regions: the aligner need not be symmetric
                // in where it cuts; the member and the class must be.
                s.insert((
                    Cause::Unexplained,
                    e.path.clone(),
                    "byte region".into(),
                    None,
                    None,
                    None,
                    None,
                ));
            } else {
                s.insert((f.cause, e.path.clone(), e.what.clone(), a, b, oa, ob));
            }
        }
    }
    s
}

fn check_pair(a: &[u8], b: &[u8]) -> Result<(Report, Report), TestCaseError> {
    let ab = diff_bytes("x", a, b, &opts());
    let ba = diff_bytes("x", b, a, &opts());
    prop_assert_eq!(ab.identical, a == b);
    prop_assert_eq!(ab.findings.is_empty(), a == b, "{:#?}", ab);
    prop_assert_eq!(evidence(&ab, false), evidence(&ba, true));
    Ok((ab, ba))
}

/// True when some evidence accounts for byte `p` of side B: it names the
/// member (or record) holding `p`, or locates a region starting at or
/// before `p`.
fn covers(r: &Report, names: &[String], p: usize) -> bool {
    r.findings.iter().flat_map(|f| &f.evidence).any(|e| {
        e.path
            .get(1)
            .is_some_and(|s| names.iter().any(|n| s.starts_with(n.as_str())))
            || e.offset_b.is_some_and(|o| o as usize <= p)
    })
}

/// The names of the tar member holding byte `p`, if any.
fn tar_names_at(d: &[u8], p: usize) -> Vec<String> {
    let l = tarfmt::list(d, 1000);
    l.entries
        .iter()
        .filter(|e| (e.start()..e.end()).contains(&p))
        .map(|e| crate::archive::display_name(&e.name))
        .collect()
}

fn zip_names_at(d: &[u8], p: usize) -> Vec<String> {
    let l = zipfmt::list(d, 1000);
    l.entries
        .iter()
        .filter(|e| {
            e.central.contains(&p)
                || e.local.as_ref().is_some_and(|x| {
                    (x.header.start..x.descriptor.end.max(x.data.end)).contains(&p)
                })
        })
        .map(|e| crate::archive::display_name(&e.name))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Two random tars (or tar.gz, or zips) from random member lists.
    #[test]
    fn random_archive_pairs_are_symmetric(
        ma in proptest::collection::vec(member(), 0..5),
        mb in proptest::collection::vec(member(), 0..5),
        fmt in 0usize..3,
    ) {
        let build = |m: &[M]| match fmt {
            0 => tar(m),
            1 => gz(&tar(m)),
            _ => zip(m),
        };
        check_pair(&build(&ma), &build(&mb))?;
    }

    /// One archive and the same with one byte changed (anywhere) or bytes
    /// appended: the change is found and located, both ways.
    #[test]
    fn every_changed_byte_is_accounted_for(
        ms in proptest::collection::vec(member(), 1..5),
        zipped in any::<bool>(),
        at in any::<proptest::sample::Index>(),
        xor in 1u8..=255,
        tail in proptest::collection::vec(any::<u8>(), 0..3),
    ) {
        let a = if zipped { zip(&ms) } else { tar(&ms) };
        let mut b = a.clone();
        let p = at.index(b.len());
        if tail.is_empty() {
            b[p] ^= xor;
        } else {
            b.extend_from_slice(&tail);
        }
        let (ab, _) = check_pair(&a, &b)?;
        if a == b {
            return Ok(());
        }
        let p = if tail.is_empty() { p } else { a.len() };
        let names = if zipped { zip_names_at(&a, p) } else { tar_names_at(&a, p) };
        prop_assert!(covers(&ab, &names, p), "byte {:#x} (in {:?}) not accounted for: {:#?}", p, names, ab);
    }
}
