//! Tar streams byte for byte as Go's `archive/tar` `Writer` writes them
//! for headers whose `Format` is left unset (as `tar.FileInfoHeader` gives
//! them, which is how GoReleaser packs its `.tar.gz` archives).
//!
//! What Go does, and this writer with it:
//!
//! - it picks the first format that can hold the header: USTAR, else PAX,
//!   else GNU (refused here: only a mode or device number too large for
//!   PAX needs it);
//! - USTAR: magic `ustar\0`, version `00`; numbers in zero-padded octal
//!   filling the field but its last byte, which is NUL (`0000755\0`); the
//!   device numbers written too (`0000000\0`); strings NUL-terminated when
//!   shorter than their field; a name over 100 bytes split at a `/` into
//!   the 155-byte prefix and the name when it can be;
//! - PAX (a name or link that does not fit, a non-ASCII string, an id,
//!   size or time too large for octal): a `PaxHeaders.0/<base>` header of
//!   type `x` (mode, ids, time 0; no owner names or device numbers) with
//!   the records sorted by key (`<len> <key>=<value>\n`), then the main
//!   header with the values that fit, non-ASCII characters dropped and
//!   numbers that do not fit written as 0;
//! - the checksum as six octal digits, NUL, space;
//! - data padded to 512 bytes; `Close` writes two zero blocks and nothing
//!   more (no padding to a 10240-byte record, unlike GNU tar);
//! - the modification time rounded to the second (Go rounds; callers give
//!   whole seconds), access and change times dropped.
//!
//! Written from the POSIX pax format description and Go's observed output
//! (checked against a real Go in the tests).

use std::collections::BTreeMap;

use super::gnu::GnuEntry;

/// Why a header cannot be written as Go would.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoTarError {
    /// A string holds a NUL byte (Go refuses it too).
    #[error("{field} {value:?} holds a NUL byte")]
    Nul {
        /// The field.
        field: &'static str,
        /// Its value.
        value: String,
    },
    /// A value only Go's GNU format holds (a mode or device number beyond
    /// octal); not written here.
    #[error("{field} {value} does not fit USTAR or PAX")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// Its value.
        value: i64,
    },
    /// A regular file whose name ends with `/` (Go refuses it).
    #[error("{0:?}: a file name ending with /")]
    TrailingSlash(String),
    /// PAX records larger than Go writes (1 MiB).
    #[error("PAX records over 1 MiB")]
    PaxTooLarge,
}

/// One header as Go's `tar.Header` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoTarHeader {
    /// `Name`.
    pub name: String,
    /// `Typeflag`: `b'0'` file, `b'5'` folder, `b'2'` symbolic link, …
    pub typeflag: u8,
    /// `Mode` (permission and set-id bits).
    pub mode: i64,
    /// `Uid`.
    pub uid: i64,
    /// `Gid`.
    pub gid: i64,
    /// `Size` (0 for folders and links).
    pub size: i64,
    /// `ModTime`, in seconds since the epoch.
    pub mtime: i64,
    /// `Linkname`.
    pub linkname: String,
    /// `Uname`.
    pub uname: String,
    /// `Gname`.
    pub gname: String,
    /// `Devmajor`.
    pub devmajor: i64,
    /// `Devminor`.
    pub devminor: i64,
}

const NAME: usize = 100;
const PREFIX: usize = 155;
const MAX_PAX: usize = 1 << 20;

fn fits_octal(width: usize, x: i64) -> bool {
    let bits = (width as u32 - 1) * 3;
    x >= 0 && (width >= 22 || x < 1i64 << bits)
}

fn is_ascii(s: &str) -> bool {
    s.bytes().all(|b| b != 0 && b < 0x80)
}

fn to_ascii(s: &str) -> String {
    s.chars().filter(|&c| c != '\0' && c.is_ascii()).collect()
}

/// Go's `splitUSTARPath`: a name over 100 bytes split at a `/` into a
/// prefix of at most 155 bytes and a name of at most 100.
fn split_ustar(name: &str) -> Option<(&str, &str)> {
    let b = name.as_bytes();
    let mut len = b.len();
    if len <= NAME || !is_ascii(name) {
        return None;
    }
    if len > PREFIX + 1 {
        len = PREFIX + 1;
    } else if b[len - 1] == b'/' {
        len -= 1;
    }
    let i = b[..len].iter().rposition(|&c| c == b'/')?;
    let nlen = b.len() - i - 1;
    if i == 0 || nlen > NAME || nlen == 0 || i > PREFIX {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

/// Go's `formatString`: the bytes, NUL-terminated when shorter than the
/// field, cut to it otherwise (a cut that ends in `/` loses its slashes).
fn put_str(f: &mut [u8], s: &[u8]) {
    let n = s.len().min(f.len());
    f[..n].copy_from_slice(&s[..n]);
    if s.len() < f.len() {
        f[s.len()] = 0;
    }
    if s.len() > f.len() && f[f.len() - 1] == b'/' {
        let mut end = f.len() - 1;
        while end > 0 && s[end - 1] == b'/' {
            end -= 1;
        }
        f[end] = 0;
    }
}

/// Go's `formatOctal`: zero-padded to the field less one byte (NUL); 0
/// when the value does not fit.
fn put_octal(f: &mut [u8], x: i64) {
    let x = if fits_octal(f.len(), x) { x } else { 0 };
    let s = format!("{:0width$o}", x, width = f.len() - 1);
    put_str(f, s.as_bytes());
}

/// Magic, version and checksum.
fn finish_block(b: &mut [u8; 512]) {
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    b[148..156].fill(b' ');
    let sum: u32 = b.iter().map(|&c| u32::from(c)).sum();
    put_octal(&mut b[148..155], i64::from(sum));
    b[155] = b' ';
}

/// Go's `formatPAXRecord`.
fn pax_record(k: &str, v: &str) -> String {
    let mut size = k.len() + v.len() + 3;
    size += size.to_string().len();
    let mut rec = format!("{size} {k}={v}\n");
    if rec.len() != size {
        rec = format!("{} {k}={v}\n", rec.len());
    }
    rec
}

/// The header block(s) Go writes for `h` (a PAX header and its records
/// first when needed), without the member's data.
pub fn header_blocks(h: &GoTarHeader) -> Result<Vec<u8>, GoTarError> {
    let nul = |field, value: &str| {
        if value.contains('\0') {
            Err(GoTarError::Nul {
                field,
                value: value.to_string(),
            })
        } else {
            Ok(())
        }
    };
    nul("name", &h.name)?;
    nul("linkname", &h.linkname)?;
    nul("uname", &h.uname)?;
    nul("gname", &h.gname)?;
    if matches!(h.typeflag, b'0' | 0 | b'3' | b'4' | b'6') && h.name.ends_with('/') {
        return Err(GoTarError::TrailingSlash(h.name.clone()));
    }
    let mut ustar = true;
    let mut pax: BTreeMap<&str, String> = BTreeMap::new();
    for (key, v, width) in [
        ("path", &h.name, NAME),
        ("linkpath", &h.linkname, NAME),
        ("uname", &h.uname, 32),
        ("gname", &h.gname, 32),
    ] {
        if !is_ascii(v) || v.len() > width {
            if key != "path" || split_ustar(v).is_none() {
                ustar = false;
            }
            pax.insert(key, v.clone());
        }
    }
    for (field, v, width) in [
        ("mode", h.mode, 8),
        ("devmajor", h.devmajor, 8),
        ("devminor", h.devminor, 8),
    ] {
        if !fits_octal(width, v) {
            return Err(GoTarError::TooLarge { field, value: v });
        }
    }
    for (key, v, width) in [("uid", h.uid, 8), ("gid", h.gid, 8), ("size", h.size, 12)] {
        if !fits_octal(width, v) {
            ustar = false;
            pax.insert(key, v.to_string());
        }
    }
    if !fits_octal(12, h.mtime) {
        ustar = false;
        pax.insert("mtime", h.mtime.to_string());
    }

    let main = |ascii: bool| {
        let s = |v: &str| if ascii { to_ascii(v) } else { v.to_string() };
        let mut b = [0u8; 512];
        let (prefix, name) = match (ascii, split_ustar(&h.name)) {
            (false, Some((p, n))) => (p.to_string(), n.to_string()),
            _ => (String::new(), s(&h.name)),
        };
        put_str(&mut b[0..100], name.as_bytes());
        put_octal(&mut b[100..108], h.mode);
        put_octal(&mut b[108..116], h.uid);
        put_octal(&mut b[116..124], h.gid);
        put_octal(&mut b[124..136], h.size);
        put_octal(&mut b[136..148], h.mtime);
        b[156] = h.typeflag;
        put_str(&mut b[157..257], s(&h.linkname).as_bytes());
        put_str(&mut b[265..297], s(&h.uname).as_bytes());
        put_str(&mut b[297..329], s(&h.gname).as_bytes());
        put_octal(&mut b[329..337], h.devmajor);
        put_octal(&mut b[337..345], h.devminor);
        if !ascii {
            put_str(&mut b[345..500], prefix.as_bytes());
        }
        finish_block(&mut b);
        b
    };
    if ustar {
        return Ok(main(false).to_vec());
    }
    let records: String = pax.iter().map(|(k, v)| pax_record(k, v)).collect();
    if records.len() > MAX_PAX {
        return Err(GoTarError::PaxTooLarge);
    }
    let (dir, file) = match h.name.rfind('/') {
        Some(i) => (&h.name[..=i], &h.name[i + 1..]),
        None => ("", h.name.as_str()),
    };
    let xname = path_join(&[dir, "PaxHeaders.0", file]);
    let mut xname = to_ascii(&xname);
    if xname.len() > NAME {
        xname.truncate(NAME);
    }
    let xname = xname.trim_end_matches('/');
    let mut x = [0u8; 512];
    put_str(&mut x[0..100], xname.as_bytes());
    put_octal(&mut x[100..108], 0);
    put_octal(&mut x[108..116], 0);
    put_octal(&mut x[116..124], 0);
    put_octal(&mut x[124..136], records.len() as i64);
    put_octal(&mut x[136..148], 0);
    x[156] = b'x';
    finish_block(&mut x);
    let mut out = x.to_vec();
    out.extend_from_slice(records.as_bytes());
    pad(&mut out);
    out.extend_from_slice(&main(true));
    Ok(out)
}

/// Go's `path.Join`: the non-empty parts joined by `/`, then cleaned
/// (the parts here hold no `.` or `..` of their own making).
fn path_join(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/");
    let rooted = joined.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    let s = out.join("/");
    match (rooted, s.is_empty()) {
        (true, _) => format!("/{s}"),
        (false, true) => ".".into(),
        (false, false) => s,
    }
}

fn pad(out: &mut Vec<u8>) {
    let rem = out.len() % 512;
    if rem != 0 {
        out.resize(out.len() + 512 - rem, 0);
    }
}

/// Writes members as Go's `tar.Writer` does: each header, its data padded
/// to 512 bytes; [`GoTarWriter::finish`] adds the two zero blocks.
#[derive(Debug, Default)]
pub struct GoTarWriter {
    out: Vec<u8>,
}

impl GoTarWriter {
    /// An empty stream.
    pub fn new() -> Self {
        GoTarWriter::default()
    }

    /// Adds a member: `h.size` must be `data.len()` for a file (folders
    /// and links have no data).
    pub fn add(&mut self, h: &GoTarHeader, data: &[u8]) -> Result<(), GoTarError> {
        self.out.extend_from_slice(&header_blocks(h)?);
        self.out.extend_from_slice(data);
        pad(&mut self.out);
        Ok(())
    }

    /// The stream, ended with two zero blocks.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(&[0u8; 1024]);
        self.out
    }
}

/// Owner, group and time every member of a Go-written archive shares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoTarOwner {
    /// `Uid`.
    pub uid: i64,
    /// `Gid`.
    pub gid: i64,
    /// `Uname` (`tar.FileInfoHeader` looks up the file owner's name).
    pub uname: String,
    /// `Gname`.
    pub gname: String,
}

/// The tar stream Go writes for `entries` in that order, each with
/// `owner`, `mtime`, its own mode, and its name as given (folders get a
/// trailing `/`, as `tar.FileInfoHeader` names them).
pub fn go_tar(entries: &[GnuEntry], owner: &GoTarOwner, mtime: i64) -> Result<Vec<u8>, GoTarError> {
    go_tar_members(entries.iter().map(|e| (e, owner, mtime)))
}

/// [`go_tar`] with each member's own owner and time (GoReleaser gives the
/// programs the build's `mod_timestamp` and the other files their own).
pub fn go_tar_members<'a>(
    members: impl IntoIterator<Item = (&'a GnuEntry, &'a GoTarOwner, i64)>,
) -> Result<Vec<u8>, GoTarError> {
    let mut w = GoTarWriter::new();
    for (e, owner, mtime) in members {
        let mut h = GoTarHeader {
            uid: owner.uid,
            gid: owner.gid,
            uname: owner.uname.clone(),
            gname: owner.gname.clone(),
            mtime,
            ..GoTarHeader::default()
        };
        match e {
            GnuEntry::Dir { name, mode } => {
                h.name = if name.ends_with('/') {
                    name.clone()
                } else {
                    format!("{name}/")
                };
                h.typeflag = b'5';
                h.mode = i64::from(*mode);
                w.add(&h, &[])?;
            }
            GnuEntry::Symlink { name, mode, target } => {
                h.name = name.clone();
                h.typeflag = b'2';
                h.mode = i64::from(*mode);
                h.linkname = target.clone();
                w.add(&h, &[])?;
            }
            GnuEntry::File { name, mode, data } => {
                h.name = name.clone();
                h.typeflag = b'0';
                h.mode = i64::from(*mode);
                h.size = data.len() as i64;
                w.add(&h, data)?;
            }
        }
    }
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    #[test]
    fn octal_and_strings_like_go() {
        let mut f = [0xffu8; 8];
        put_octal(&mut f, 0o755);
        assert_eq!(&f, b"0000755\0");
        let mut f = [0xffu8; 8];
        put_octal(&mut f, 0o10000000);
        assert_eq!(&f, b"0000000\0");
        let mut f = [0xffu8; 4];
        put_str(&mut f, b"ab");
        assert_eq!(&f, b"ab\0\xff");
        assert_eq!(pax_record("path", "x"), "9 path=x\n");
        assert_eq!(pax_record("path", "xy"), "11 path=xy\n");
        assert_eq!(pax_record("k", &"v".repeat(95)).len(), 102);
        assert_eq!(path_join(&["a/", "PaxHeaders.0", "b"]), "a/PaxHeaders.0/b");
        assert_eq!(path_join(&["", "PaxHeaders.0", "b"]), "PaxHeaders.0/b");
        assert_eq!(
            split_ustar(&format!("{}/{}", "p".repeat(120), "n".repeat(20))),
            Some(("p".repeat(120).as_str(), "n".repeat(20).as_str()))
        );
        assert_eq!(split_ustar(&"n".repeat(120)), None);
    }

    #[test]
    fn refuses_what_go_refuses() {
        let h = |name: &str, typeflag| GoTarHeader {
            name: name.into(),
            typeflag,
            ..GoTarHeader::default()
        };
        assert!(header_blocks(&h("a\0b", b'0')).is_err());
        assert!(header_blocks(&h("dir/", b'0')).is_err());
        assert!(header_blocks(&h("dir/", b'5')).is_ok());
        let mut big = h("m", b'0');
        big.mode = 1 << 30;
        assert!(matches!(
            header_blocks(&big),
            Err(GoTarError::TooLarge { .. })
        ));
    }

    /// The Go oracle (`testdata/gotar/main.go`), built with the Go of
    /// `QUORATE_TEST_GOROOT`; `None` (skip) without one outside CI.
    fn oracle() -> Option<PathBuf> {
        let Some(goroot) = std::env::var_os("QUORATE_TEST_GOROOT").map(PathBuf::from) else {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!ci, "QUORATE_TEST_GOROOT is required under CI=true");
            eprintln!("SKIP: QUORATE_TEST_GOROOT unset, no Go to compare with");
            return None;
        };
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/gotar");
        let dir = tempfile::tempdir().unwrap().keep();
        let bin = dir.join("gotar");
        let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-cache/go-build");
        let st = Command::new(goroot.join("bin/go"))
            .current_dir(&src)
            .env("GOROOT", &goroot)
            .env("GOCACHE", &cache)
            .env("GOTOOLCHAIN", "local")
            .env("GO111MODULE", "off")
            .env("GOFLAGS", "")
            .env("CGO_ENABLED", "0")
            .args(["build", "-o"])
            .arg(&bin)
            .arg("main.go")
            .status()
            .unwrap();
        assert!(st.success(), "building testdata/gotar failed");
        Some(bin)
    }

    /// One header per line for the oracle: fields tab-separated, strings
    /// hex-encoded (so any byte passes).
    fn spec(h: &GoTarHeader) -> String {
        let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            hex(&h.name),
            h.typeflag,
            h.mode,
            h.uid,
            h.gid,
            h.size,
            h.mtime,
            hex(&h.linkname),
            hex(&h.uname),
            hex(&h.gname),
            h.devmajor,
            h.devminor
        )
    }

    fn data_of(h: &GoTarHeader) -> Vec<u8> {
        (0..h.size).map(|i| (i * 7 % 251) as u8).collect()
    }

    /// Headers of every kind Go chooses a format for (short, split and
    /// PAX names, non-ASCII strings, large ids and times, links, folders,
    /// data sizes around the block): the bytes Go writes, and ours.
    #[test]
    fn same_bytes_as_go_archive_tar() {
        let Some(bin) = oracle() else { return };
        let base = GoTarHeader {
            name: "tool".into(),
            typeflag: b'0',
            mode: 0o755,
            uid: 1000,
            gid: 1000,
            size: 0,
            mtime: 1_700_000_000,
            uname: "builder".into(),
            gname: "staff".into(),
            ..GoTarHeader::default()
        };
        let mut hs: Vec<GoTarHeader> = Vec::new();
        let mut x = 0x2545_f491u32;
        let mut next = |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
        let names = [
            "README.md".to_string(),
            "d/".to_string(),
            format!("{}/{}", "p".repeat(130), "n".repeat(90)),
            format!("{}/{}", "p".repeat(160), "n".repeat(20)),
            "n".repeat(100),
            "n".repeat(101),
            format!("{}/", "d".repeat(120)),
            "caf\u{e9}/\u{1f600}.txt".to_string(),
            format!("a/{}/b", "\u{e9}".repeat(80)),
            format!("{}/x/", "q".repeat(99)),
        ];
        for (i, name) in names.iter().enumerate() {
            let mut h = base.clone();
            h.name = name.clone();
            if name.ends_with('/') {
                h.typeflag = b'5';
            } else {
                h.size = [0, 1, 511, 512, 513, 3000][i % 6];
            }
            hs.push(h);
        }
        for i in 0..40 {
            let mut h = base.clone();
            h.name = format!("f{i}");
            h.size = i64::from(next(2000));
            h.mode = [0o644, 0o755, 0o600, 0o4755, 0o777][next(5) as usize];
            match next(6) {
                0 => h.uid = 1 << 21,
                1 => h.gid = 0o7777777,
                2 => h.uname = "u".repeat(33),
                3 => h.gname = "gr\u{f6}\u{df}e".into(),
                4 => h.mtime = [0, -1, 1 << 33, 8_589_934_591][next(4) as usize],
                _ => {
                    h.typeflag = b'2';
                    h.size = 0;
                    h.linkname = ["target", &"l".repeat(100), &"l".repeat(101), "\u{e9}"]
                        [next(4) as usize]
                        .to_string();
                }
            }
            hs.push(h);
        }
        let input: String = hs.iter().map(spec).collect();
        let out = {
            use std::io::Write;
            let mut child = Command::new(&bin)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut w = GoTarWriter::new();
        for h in &hs {
            w.add(h, &data_of(h)).unwrap();
        }
        let ours = w.finish();
        if ours != out.stdout {
            let at = ours
                .iter()
                .zip(&out.stdout)
                .position(|(a, b)| a != b)
                .unwrap_or(ours.len().min(out.stdout.len()));
            panic!(
                "differs at byte {at} (block {}, offset {}); ours {} bytes, Go {}",
                at / 512,
                at % 512,
                ours.len(),
                out.stdout.len()
            );
        }
    }
}
