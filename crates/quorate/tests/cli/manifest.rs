//! `quorate manifest`: sha256sum interop, --check verdicts, bad input.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::util::{have, quorate, sh, tmp};

fn tree(root: &Path) {
    fs::create_dir_all(root.join("hello-linux-amd64-v1/sub")).unwrap();
    fs::write(root.join("hello-linux-amd64-v1/hellod"), b"\x7fELF binary").unwrap();
    fs::write(
        root.join("hello-linux-amd64-v1/sub/x y.txt"),
        b"space in name",
    )
    .unwrap();
    fs::write(root.join("vendor.tar.gz"), b"vendor").unwrap();
    fs::write(root.join("A-upper"), b"sorted before lowercase").unwrap();
}

#[test]
fn written_manifest_passes_sha256sum_and_is_sorted() {
    if !have("sha256sum") {
        return;
    }
    let d = tmp();
    tree(d.path());
    quorate()
        .args(["manifest", ".", "--version", "v1"])
        .current_dir(d.path())
        .assert()
        .success();
    let text = fs::read_to_string(d.path().join("manifest-v1.txt")).unwrap();
    let paths: Vec<&str> = text.lines().map(|l| &l[66..]).collect();
    assert_eq!(
        paths,
        [
            "A-upper",
            "hello-linux-amd64-v1/hellod",
            "hello-linux-amd64-v1/sub/x y.txt",
            "vendor.tar.gz"
        ]
    );
    assert!(text.ends_with('\n'));
    let out = sh(d.path(), "sha256sum -c manifest-v1.txt");
    assert_eq!(out.matches(": OK").count(), 4, "{out}");
    // Same bytes as sha256sum itself writes for the same files.
    let theirs = sh(
        d.path(),
        "cut -c67- manifest-v1.txt | tr '\\n' '\\0' | xargs -0 sha256sum",
    );
    assert_eq!(theirs, text);
}

#[test]
fn stdout_and_json() {
    let d = tmp();
    tree(d.path());
    let out = quorate()
        .args(["manifest", ".", "--version", "v1", "-o", "-"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 4);
    assert!(!d.path().join("manifest-v1.txt").exists());
    let out = quorate()
        .args(["manifest", ".", "--version", "v1", "-o", "-", "--json"])
        .current_dir(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
    assert_eq!(v[0]["path"], "A-upper");
    assert_eq!(v[0]["digest"].as_str().unwrap().len(), 64);
}

#[test]
fn check_finds_flipped_byte_missing_and_extra() {
    let d = tmp();
    tree(d.path());
    quorate()
        .args(["manifest", ".", "--version", "v1"])
        .current_dir(d.path())
        .assert()
        .success();
    quorate()
        .args(["manifest", "--check", "manifest-v1.txt"])
        .current_dir(d.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("MATCH").count(4));
    // Flip one byte, remove one file, add one.
    let f = d.path().join("hello-linux-amd64-v1/hellod");
    let before = crate::util::sha256_hex(&f);
    let mut bytes = fs::read(&f).unwrap();
    bytes[3] ^= 1;
    fs::write(&f, bytes).unwrap();
    fs::remove_file(d.path().join("vendor.tar.gz")).unwrap();
    fs::write(d.path().join("extra.bin"), b"not listed").unwrap();
    let out = quorate()
        .args(["manifest", "--check", "manifest-v1.txt", "--json"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let status = |p: &str| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == p)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("hello-linux-amd64-v1/hellod"), "MISMATCH");
    // Both digests: the listed one (the file before the flip) and the one
    // on disk now, as sha256sum computes it.
    let entry = |p: &str| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == p)
            .unwrap()
            .clone()
    };
    let flipped = entry("hello-linux-amd64-v1/hellod");
    assert_eq!(flipped["expected"], before.as_str(), "{flipped}");
    if have("sha256sum") {
        let now = sh(d.path(), "sha256sum hello-linux-amd64-v1/hellod");
        assert_eq!(flipped["actual"], &now[..64], "{flipped}");
    }
    assert_ne!(flipped["actual"], flipped["expected"]);
    assert_eq!(status("vendor.tar.gz"), "MISSING");
    assert!(entry("vendor.tar.gz").get("actual").is_none());
    assert_eq!(status("A-upper"), "MATCH");
    assert_eq!(v["unlisted"], serde_json::json!(["extra.bin"]));
    // Human output from another folder with --dir.
    quorate()
        .args(["manifest", "--check"])
        .arg(d.path().join("manifest-v1.txt"))
        .args(["--dir"])
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "MISMATCH   hello-linux-amd64-v1/hellod",
        ))
        .stdout(predicate::str::contains("MISSING    vendor.tar.gz"))
        .stdout(predicate::str::contains("UNLISTED   extra.bin"));
}

/// Every malformed manifest is refused with exit 2 and the line named.
#[test]
fn check_refuses_bad_manifests() {
    let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let cases = [
        ("dotdot", format!("{h}  ../etc/passwd\n"), "`..`"),
        ("absolute", format!("{h}  /etc/passwd\n"), "absolute"),
        ("duplicate", format!("{h}  a\n{h}  a\n"), "duplicate entry"),
        ("crlf", format!("{h}  a\r\n"), "CRLF"),
        (
            "hex",
            format!("{}  a\n", "g".repeat(64)),
            "malformed SHA-256",
        ),
        ("short", "abc  a\n".to_string(), "expected"),
    ];
    for (name, text, want) in cases {
        let d = tmp();
        fs::write(d.path().join("m.txt"), text).unwrap();
        quorate()
            .args(["manifest", "--check", "m.txt"])
            .current_dir(d.path())
            .assert()
            .append_context("case", name)
            .code(2)
            .stderr(predicate::str::contains(want).and(predicate::str::contains("m.txt:")))
            .stdout(predicate::str::is_empty());
    }
}

#[test]
fn bad_trees_are_refused_and_nothing_is_written() {
    use std::os::unix::ffi::OsStrExt;
    type Maker = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Maker, &str)> = vec![
        (
            "newline",
            Box::new(|p: &Path| fs::write(p.join("a\nb"), "x").unwrap()),
            "newline",
        ),
        (
            "backslash",
            Box::new(|p: &Path| fs::write(p.join("a\\b"), "x").unwrap()),
            "backslash",
        ),
        (
            "non-utf8",
            Box::new(|p: &Path| {
                fs::write(p.join(std::ffi::OsStr::from_bytes(b"bad\xff")), "x").unwrap()
            }),
            "not valid UTF-8",
        ),
        (
            "symlink-outside",
            Box::new(|p: &Path| std::os::unix::fs::symlink("/etc/passwd", p.join("l")).unwrap()),
            "symbolic link",
        ),
        (
            "fifo",
            Box::new(|p: &Path| {
                let st = std::process::Command::new("mkfifo")
                    .arg(p.join("pipe"))
                    .status()
                    .unwrap();
                assert!(st.success());
            }),
            "FIFO",
        ),
        (
            "socket",
            Box::new(|p: &Path| {
                let s = std::os::unix::net::UnixListener::bind(p.join("sock")).unwrap();
                std::mem::forget(s);
            }),
            "socket",
        ),
    ];
    for (name, make, want) in cases {
        let d = tmp();
        fs::create_dir(d.path().join("rel")).unwrap();
        fs::write(d.path().join("rel/ok"), "ok").unwrap();
        make(&d.path().join("rel"));
        quorate()
            .args(["manifest", "rel", "--version", "v1", "-o", "m.txt"])
            .current_dir(d.path())
            .assert()
            .append_context("case", name)
            .code(2)
            .stderr(predicate::str::contains(want).and(predicate::str::contains("rel/")));
        assert!(
            !d.path().join("m.txt").exists(),
            "{name}: output left behind"
        );
        let leftovers: Vec<_> = fs::read_dir(d.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("quorate-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: temp file left behind");
    }
}

#[test]
fn symlink_inside_tree_is_hashed_as_its_target() {
    let d = tmp();
    fs::write(d.path().join("real"), "content").unwrap();
    std::os::unix::fs::symlink("real", d.path().join("link")).unwrap();
    let out = quorate()
        .args(["manifest", ".", "--version", "v", "-o", "-"])
        .current_dir(d.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0][..64], lines[1][..64]);
}

#[test]
fn output_inside_the_tree_is_refused() {
    let d = tmp();
    fs::create_dir_all(d.path().join("rel/sub")).unwrap();
    fs::write(d.path().join("rel/f"), "x").unwrap();
    quorate()
        .args(["manifest", "rel", "--version", "v1", "-o", "rel/sub/m.txt"])
        .current_dir(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inside the folder"));
    assert!(!d.path().join("rel/sub/m.txt").exists());
}

/// A file the user cannot read is named in the error. Tests run as root,
/// who reads anything, so quorate runs as `nobody` through `setpriv`.
#[test]
fn unreadable_file_is_named() {
    use std::os::unix::fs::PermissionsExt;
    if !have("setpriv") {
        return;
    }
    let d = tmp();
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(d.path().join("ok"), "ok").unwrap();
    fs::write(d.path().join("secret"), "no").unwrap();
    fs::set_permissions(d.path().join("secret"), fs::Permissions::from_mode(0o000)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("quorate");
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["manifest", ".", "--version", "v1", "-o", "-"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("Permission denied") && err.contains(bin.to_str().unwrap()) {
        // The binary itself is not reachable for nobody (a private target dir).
        crate::util::need(
            "a quorate binary `nobody` can run",
            false,
            &format!("make the target folder world-readable: {err}"),
        );
        return;
    }
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("secret") && err.contains("Permission denied"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
