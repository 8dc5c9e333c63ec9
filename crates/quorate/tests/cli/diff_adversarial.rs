//! `quorate diff` and `inspect` on crafted, hostile inputs (issue 14): FIFOs,
//! differences hidden behind other findings (duplicate tar members, zip
//! local/central name mismatch, PAX xattrs, hidden header bytes), appended
//! data, escaped names, link targets, inflate caps. Fixtures come from the
//! real tools (GNU tar, gzip, zip, mkfifo) and python3's tarfile/zipfile.
//! Every test runs both `diff A B` and `diff B A`.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::util::{have, quorate, sh, tmp};

/// `quorate diff --json a b` with its exit code checked; fails on a hang.
fn diff(a: &Path, b: &Path, code: i32) -> Value {
    let out = quorate()
        .args(["diff", "--json"])
        .arg(a)
        .arg(b)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn causes(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["cause"].as_str().unwrap().to_string())
        .collect()
}

/// Both orders give these causes, in this order.
fn both_ways(a: &Path, b: &Path, want: &[&str]) -> (Value, Value) {
    let ab = diff(a, b, 1);
    let ba = diff(b, a, 1);
    assert_eq!(causes(&ab), want, "{ab:#}");
    assert_eq!(causes(&ba), want, "{ba:#}");
    (ab, ba)
}

fn finding<'v>(r: &'v Value, cause: &str) -> &'v Value {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["cause"] == cause)
        .unwrap_or_else(|| panic!("no {cause} in {r:#}"))
}

fn inspect(p: &Path) -> Value {
    let out = quorate()
        .args(["inspect", "--json"])
        .arg(p)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn hazards(v: &Value) -> Vec<String> {
    v["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap().to_string())
        .collect()
}

fn py(dir: &Path, script: &str) {
    sh(dir, &format!("python3 - <<'PY'\n{script}\nPY"));
}

// Item 5: FIFOs never hang.

#[test]
fn fifo_in_a_folder_is_a_special_file_finding() {
    if !have("mkfifo") {
        return;
    }
    let d = tmp();
    sh(
        d.path(),
        "mkdir -p a b && echo same > a/f && echo same > b/f && mkfifo a/pipe b/pipe && mkfifo b/only",
    );
    let (ab, _) = both_ways(
        &d.path().join("a"),
        &d.path().join("b"),
        &["file-set", "special-file"],
    );
    let ev = &finding(&ab, "special-file")["evidence"][0];
    assert_eq!(ev["path"][0], "pipe");
    assert_eq!(ev["a"], "FIFO (not a regular file, not opened)");
    assert_eq!(ev["b"], "FIFO (not a regular file, not opened)");
    let ev = &finding(&ab, "file-set")["evidence"][0];
    assert_eq!(ev["path"][0], "only");
    assert_eq!(ev["b"], "FIFO (not a regular file, not opened)");
}

#[test]
fn fifo_given_to_diff_or_inspect_is_not_opened() {
    if !have("mkfifo") {
        return;
    }
    let d = tmp();
    sh(d.path(), "mkfifo pipe && echo x > file");
    let (ab, ba) = both_ways(
        &d.path().join("pipe"),
        &d.path().join("file"),
        &["special-file"],
    );
    let ev = &ab["findings"][0]["evidence"][0];
    assert_eq!(ev["a"], "FIFO (not a regular file, not opened)");
    assert_eq!(ev["b"], "file");
    assert_eq!(ba["findings"][0]["evidence"][0]["b"], ev["a"]);
    let v = inspect(&d.path().join("pipe"));
    assert_eq!(v["format"], "FIFO");
    assert_eq!(hazards(&v), vec!["special-file"]);
}

// Item 6: nothing hides behind another finding.

#[test]
fn differing_duplicate_tar_member_behind_an_mtime() {
    if !have("python3") {
        return;
    }
    let d = tmp();
    py(
        d.path(),
        r#"
import io, tarfile
for side, last in (("a", b"echo good\n"), ("b", b"echo evil\n")):
    with tarfile.open(side + ".tar", "w", format=tarfile.USTAR_FORMAT) as t:
        for mtime, data in ((1 if side == "a" else 2, b"echo hi\n"), (0, last)):
            i = tarfile.TarInfo("run.sh"); i.size = len(data); i.mtime = mtime
            t.addfile(i, io.BytesIO(data))
"#,
    );
    let (ab, ba) = both_ways(
        &d.path().join("a.tar"),
        &d.path().join("b.tar"),
        &["archive-duplicate", "embedded-string", "archive-mtime"],
    );
    let dup = &finding(&ab, "archive-duplicate")["evidence"][0];
    assert_eq!(dup["a"], "2 copies");
    let s = &finding(&ab, "embedded-string")["evidence"][0];
    assert_eq!(s["path"][1], "run.sh (copy 2)");
    assert_eq!(s["a"], "echo good");
    assert_eq!(s["b"], "echo evil");
    assert_eq!(
        finding(&ba, "embedded-string")["evidence"][0]["a"],
        "echo evil"
    );
    assert_eq!(
        finding(&ab, "archive-mtime")["evidence"][0]["path"][1],
        "run.sh (copy 1)"
    );
    assert!(hazards(&inspect(&d.path().join("b.tar"))).contains(&"archive-duplicate".into()));
}

#[test]
fn duplicate_on_one_side_only() {
    if !have("python3") {
        return;
    }
    let d = tmp();
    py(
        d.path(),
        r#"
import io, tarfile
for side, n in (("a", 1), ("b", 2)):
    with tarfile.open(side + ".tar", "w", format=tarfile.USTAR_FORMAT) as t:
        for k in range(n):
            data = b"same\n"
            i = tarfile.TarInfo("x"); i.size = len(data)
            t.addfile(i, io.BytesIO(data))
"#,
    );
    let (ab, _) = both_ways(
        &d.path().join("a.tar"),
        &d.path().join("b.tar"),
        &["archive-duplicate", "file-set"],
    );
    assert_eq!(
        finding(&ab, "archive-duplicate")["evidence"][0]["b"],
        "2 copies"
    );
    assert_eq!(
        finding(&ab, "file-set")["evidence"][0]["path"][1],
        "x (copy 2)"
    );
}

#[test]
fn zip_local_name_differs_from_central_behind_an_mtime() {
    if !have("python3") {
        return;
    }
    let d = tmp();
    py(
        d.path(),
        r#"
import zipfile
for side in "ab":
    with zipfile.ZipFile(side + ".zip", "w") as z:
        z.writestr(zipfile.ZipInfo("safe.txt", (2020, 1, 1, 0, 0, 0 if side == "a" else 2)), b"hello\n")
b = bytearray(open("b.zip", "rb").read())
i = b.index(b"safe.txt")  # the local header comes first
b[i:i + 8] = b"../xy.sh"
open("b.zip", "wb").write(bytes(b))
"#,
    );
    let (ab, ba) = both_ways(
        &d.path().join("a.zip"),
        &d.path().join("b.zip"),
        &["zip-header-mismatch", "archive-mtime"],
    );
    let ev = &finding(&ab, "zip-header-mismatch")["evidence"][0];
    assert_eq!(ev["a"], "consistent");
    assert_eq!(
        ev["b"],
        "local name \"../xy.sh\", central name \"safe.txt\""
    );
    assert_eq!(
        finding(&ba, "zip-header-mismatch")["evidence"][0]["a"],
        ev["b"]
    );
    let notes = serde_json::to_string(&ab["notes"]).unwrap();
    assert!(
        notes.contains("unsafe-name") && notes.contains("../xy.sh"),
        "{notes}"
    );
    let h = hazards(&inspect(&d.path().join("b.zip")));
    assert_eq!(h, vec!["zip-header-mismatch", "unsafe-name"], "{h:?}");
}

#[test]
fn pax_capability_added_to_a_binary() {
    if !have("tar") || !have("python3") {
        return;
    }
    let d = tmp();
    // GNU tar: the record as a PAX header of the archive.
    sh(
        d.path(),
        "printf 'binary' > tool
         o='--format=pax --owner=0 --group=0 --numeric-owner'
         tar $o --mtime=@1 --pax-option=delete=atime,delete=ctime -cf gnu-a.tar tool
         tar $o --mtime=@2 --pax-option=delete=atime,delete=ctime,SCHILY.xattr.security.capability=cap_net_raw+ep -cf gnu-b.tar tool",
    );
    let (ab, _) = both_ways(
        &d.path().join("gnu-a.tar"),
        &d.path().join("gnu-b.tar"),
        &["file-set", "archive-xattr", "archive-mtime"],
    );
    let x = finding(&ab, "archive-xattr");
    assert_eq!(x["subjects"][0], "SCHILY.xattr.security.capability");
    assert_eq!(x["evidence"][0]["path"][1], "tool");
    assert_eq!(x["evidence"][0]["a"], "(absent)");
    assert_eq!(x["evidence"][0]["b"], "\"cap_net_raw+ep\"");
    // python3's tarfile: a binary capability in the member's own PAX header.
    py(
        d.path(),
        r#"
import io, tarfile
for side in "ab":
    with tarfile.open("py-" + side + ".tar", "w", format=tarfile.PAX_FORMAT) as t:
        i = tarfile.TarInfo("bin/tool"); i.size = 4; i.mtime = 1 if side == "a" else 2
        if side == "b":
            i.pax_headers = {"SCHILY.xattr.security.capability": "\x01\x00\x00\x02\x00\x20\x00\x00"}
        t.addfile(i, io.BytesIO(b"\x7fELF"))
"#,
    );
    let (ab, _) = both_ways(
        &d.path().join("py-a.tar"),
        &d.path().join("py-b.tar"),
        &["archive-xattr", "archive-mtime"],
    );
    assert_eq!(
        finding(&ab, "archive-xattr")["evidence"][0]["b"],
        "0x0100000200200000"
    );
    let h = hazards(&inspect(&d.path().join("py-b.tar")));
    assert!(h.contains(&"archive-xattr".to_string()), "{h:?}");
}

#[test]
fn hidden_bytes_in_a_tar_header_behind_an_mtime() {
    if !have("python3") {
        return;
    }
    let d = tmp();
    py(
        d.path(),
        r#"
import io, tarfile
for side in "ab":
    with tarfile.open(side + ".tar", "w", format=tarfile.USTAR_FORMAT) as t:
        i = tarfile.TarInfo("f"); i.size = 2; i.mtime = 1 if side == "a" else 2
        t.addfile(i, io.BytesIO(b"x\n"))
b = bytearray(open("b.tar", "rb").read())
b[500:504] = b"HIDE"                   # the unused end of the header block
b[148:156] = b" " * 8
b[148:156] = b"%06o\0 " % sum(b[:512])
b[514] = 0x41                          # padding after the data
open("b.tar", "wb").write(bytes(b))
"#,
    );
    let (ab, _) = both_ways(
        &d.path().join("a.tar"),
        &d.path().join("b.tar"),
        &["archive-mtime", "unexplained"],
    );
    let u = finding(&ab, "unexplained");
    let ev: Vec<(&str, u64)> = u["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["what"].as_str().unwrap(), e["offset_b"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        ev,
        vec![
            ("tar header padding field", 500),
            ("padding after member data (hidden bytes)", 514)
        ]
    );
}

// Item 7: appended data is named as such.

#[test]
fn appended_data_after_gzip_zip_and_tar() {
    if !have("gzip") || !have("zip") || !have("tar") {
        return;
    }
    let d = tmp();
    sh(
        d.path(),
        "printf 'hello\\n' > h
         gzip -9n < h > a.gz && cp a.gz b.gz && printf 'EVIL PAYLOAD' >> b.gz
         zip -qX a.zip h && cp a.zip b.zip && printf 'APPENDED' >> b.zip
         tar --format=gnu --mtime=@1 -cf a.tar h && tar --format=gnu --mtime=@2 -cf b.tar h && printf 'TAIL' >> b.tar",
    );
    for (a, b, what, shown) in [
        (
            "a.gz",
            "b.gz",
            "bytes after the gzip stream",
            "12 bytes: 4556494c205041594c4f4144  \"EVIL PAYLOAD\"",
        ),
        (
            "a.zip",
            "b.zip",
            "bytes after the zip end record",
            "8 bytes: 415050454e444544  \"APPENDED\"",
        ),
    ] {
        let (ab, ba) = both_ways(&d.path().join(a), &d.path().join(b), &["appended-data"]);
        let ev = &ab["findings"][0]["evidence"][0];
        assert_eq!(ev["what"], what);
        assert_eq!(ev["a"], "(none)");
        assert_eq!(ev["b"], shown);
        assert_eq!(ba["findings"][0]["evidence"][0]["a"], shown);
        // Relative paths: the temporary folder's random name could hold
        // "-X" itself.
        let text = String::from_utf8(
            quorate()
                .current_dir(d.path())
                .arg("diff")
                .arg(a)
                .arg(b)
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        assert!(!text.contains("-X") && !text.contains("embedded"), "{text}");
        assert!(hazards(&inspect(&d.path().join(b))).contains(&"appended-data".into()));
    }
    let (ab, _) = both_ways(
        &d.path().join("a.tar"),
        &d.path().join("b.tar"),
        &["appended-data", "archive-mtime"],
    );
    let ev = &finding(&ab, "appended-data")["evidence"][0];
    assert_eq!(ev["what"], "bytes after the tar end-of-archive marker");
    assert_eq!(ev["offset_b"], 10240);
}

// Item 9: minor.

#[test]
fn bidi_and_zero_width_member_names_are_escaped() {
    if !have("python3") {
        return;
    }
    let d = tmp();
    py(
        d.path(),
        r#"
import io, tarfile
for side in "ab":
    with tarfile.open(side + ".tar", "w", format=tarfile.PAX_FORMAT) as t:
        for name in ("invoice\u202etxt.sh", "a\u200bb"):
            data = side.encode() * 3
            i = tarfile.TarInfo(name); i.size = len(data)
            t.addfile(i, io.BytesIO(data))
"#,
    );
    let (a, b) = (d.path().join("a.tar"), d.path().join("b.tar"));
    let html = d.path().join("r.html");
    let out = quorate()
        .arg("diff")
        .arg(&a)
        .arg(&b)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    for s in [&text, &page] {
        assert!(!s.contains('\u{202e}') && !s.contains('\u{200b}'));
    }
    assert!(
        text.contains("invoice\\u{202e}txt.sh") && text.contains("a\\u{200b}b"),
        "{text}"
    );
    assert!(page.contains("invoice\\u{202e}txt.sh"));
    let r = diff(&a, &b, 1);
    assert!(!serde_json::to_string(&r).unwrap().contains('\u{202e}'));
}

#[test]
fn symlink_with_other_target_is_one_finding() {
    let d = tmp();
    sh(
        d.path(),
        "mkdir a b && ln -s one a/l && ln -s two b/l && ln -s x a/k && echo x > b/k",
    );
    let (ab, _) = both_ways(
        &d.path().join("a"),
        &d.path().join("b"),
        &["format-differs", "link-target"],
    );
    let f = finding(&ab, "link-target");
    assert_eq!(f["evidence_total"], 1);
    assert_eq!(f["evidence"][0]["a"], "symlink to one");
    assert_eq!(f["evidence"][0]["b"], "symlink to two");
    let f = finding(&ab, "format-differs");
    assert_eq!(f["evidence"][0]["a"], "symlink to x");
    assert_eq!(f["evidence"][0]["b"], "file");
}

#[test]
fn inflate_cap_is_a_limit_not_corruption() {
    if !have("gzip") {
        return;
    }
    let d = tmp();
    // 8 MiB of zeros in ~8 KiB: past 100x the input.
    sh(
        d.path(),
        "head -c 8388608 /dev/zero | gzip -9n > a.gz && (head -c 8388607 /dev/zero; printf x) | gzip -9n > b.gz",
    );
    let r = diff(&d.path().join("a.gz"), &d.path().join("b.gz"), 1);
    let notes = serde_json::to_string(&r["notes"]).unwrap();
    assert!(
        notes.contains("too large to inflate within the cap"),
        "{notes}"
    );
    assert!(!notes.contains("corrupt"), "{notes}");
}
