//! `quorate recipe` and `quorate reproduce` on a release made the
//! GoReleaser way: the test project tests/data/goreleaserstyle (main
//! package at the module root, a `.goreleaser.yaml`) is released by
//! tests/data/goreleaserpack, a Go program that builds and packs as
//! GoReleaser does (Go's archive/tar + compress/gzip at best compression,
//! archive/zip, the checksums file); quorate then reproduces every file
//! byte for byte with no host tar, gzip or zip on PATH.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::sigfixture::{fixture, sign_detached};
use crate::util::{
    bare_path, data, go_and, go_env, q, reproduce_bare, sh, sha256_hex, tagged_repo, tmp,
};

/// The test project as a repository tagged v0.1.0 (committed at
/// 2025-11-20T10:00:00Z).
fn repo(dir: &Path) {
    tagged_repo(dir, "goreleaserstyle");
}

/// Builds the packer (standard library only) into `dir`.
fn packer(dir: &Path, goroot: &Path) -> PathBuf {
    let bin = dir.join("goreleaserpack");
    let mut c = Command::new(goroot.join("bin/go"));
    go_env(&mut c, goroot, &dir.join("home"));
    let out = c
        .env("GO111MODULE", "off")
        .env("CGO_ENABLED", "0")
        .args(["build", "-o"])
        .arg(&bin)
        .arg("main.go")
        .current_dir(data("goreleaserpack"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "building goreleaserpack failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// Makes the release of `src` (checked out at v0.1.0) into `out`.
fn release(src: &Path, goroot: &Path, packer: &Path, out: &Path, extra: &[&str]) {
    let mut c = Command::new(packer);
    go_env(&mut c, goroot, &src.with_extension("home"));
    let o = c
        .args(["-project", "grstyle", "-tag", "v0.1.0", "-out"])
        .arg(out)
        .args(extra)
        .current_dir(src)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "goreleaserpack failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

const ARCHIVES: [&str; 3] = [
    "grstyle_0.1.0_darwin_arm64.tar.gz",
    "grstyle_0.1.0_linux_amd64.tar.gz",
    "grstyle_0.1.0_windows_amd64.zip",
];
const CHECKSUMS: &str = "grstyle_0.1.0_checksums.txt";

#[test]
fn reproduces_a_goreleaser_style_release_without_host_archivers() {
    let Some(goroot) = go_and(&["git"]) else {
        return;
    };
    let t = tmp();
    let src = t.path().join("grstyle");
    repo(&src);
    let pack = packer(t.path(), &goroot);
    let rel = t.path().join("release");
    release(&src, &goroot, &pack, &rel, &[]);
    let sums = std::fs::read_to_string(rel.join(CHECKSUMS)).unwrap();
    let listed: Vec<&str> = sums
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    assert_eq!(listed, ARCHIVES, "{sums}");

    // The recipe, as JSON.
    let out = q(&goroot)
        .args(["recipe", "--json"])
        .arg(&rel)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["version"], "0.1.0");
    assert_eq!(r["manifest"]["kind"], "goreleaser-checksums");
    assert_eq!(r["manifest"]["project"], "grstyle");
    assert_eq!(r["manifest"]["style"], "sha256sum");
    assert_eq!(r["manifest"]["inside_archives"], 0);
    let go_version = sh(&src, &format!("{}/bin/go env GOVERSION", goroot.display()));
    let go_version = go_version.trim();
    let minor: u32 = go_version
        .trim_start_matches("go1.")
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let flate = if minor >= 27 {
        "go-flate-1.27"
    } else {
        "go-flate-1.26"
    };
    let uid: u64 = sh(&src, "id -u").trim().parse().unwrap();
    let gid: u64 = sh(&src, "id -g").trim().parse().unwrap();
    let archives = r["archives"].as_array().unwrap();
    assert_eq!(archives.len(), 3);
    for a in archives {
        let members: Vec<&str> = a["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        let exe = if a["kind"] == "zip" {
            "grstyle.exe"
        } else {
            "grstyle"
        };
        assert_eq!(members, ["LICENSE", "README.md", exe], "{a}");
        assert_eq!(a["role"], "binaries", "{a}");
        assert_eq!(a["mtime"], 1_763_632_800, "{a}");
        assert_eq!(a["compressor"]["tool"], flate, "{a}");
        assert_eq!(a["compressor"]["level"], 9, "{a}");
        assert_eq!(a["modes"]["executable"], 0o755, "{a}");
        assert_eq!(a["modes"]["file"], 0o644, "{a}");
        if a["kind"] == "tar-gz" {
            assert_eq!(a["writer"], "go-archive-tar", "{a}");
            assert_eq!(a["format"], "ustar", "{a}");
            assert_eq!(a["gzip"]["os"], 255, "{a}");
            assert_eq!(a["gzip"]["xfl"], 2, "{a}");
            assert_eq!(a["gzip"]["mtime"], 0, "{a}");
            assert_eq!(a["owner"], serde_json::json!([uid, gid]), "{a}");
            assert!(a["owner_names"].is_array(), "{a}");
        } else {
            assert_eq!(a["writer"], "go-archive-zip", "{a}");
            assert_eq!(a["format"], "go-archive-zip", "{a}");
            assert_eq!(a["zip_utc_offset"], 0, "{a}");
        }
    }
    let bins = r["binaries"].as_array().unwrap();
    assert_eq!(bins.len(), 3);
    for b in bins {
        assert_eq!(b["go_version"], go_version, "{b}");
        assert_eq!(b["main_package"], "example.com/grstyle", "{b}");
        assert_eq!(b["listed"], false, "{b}");
        assert_eq!(b["trimpath"], true, "{b}");
        assert_eq!(b["no_symbols"], true, "{b}");
        assert_eq!(b["no_dwarf"], true, "{b}");
        assert_eq!(b["vcs_modified"], false, "{b}");
    }

    // The same, as text.
    let out = q(&goroot).arg("recipe").arg(&rel).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "manifest grstyle_0.1.0_checksums.txt (GoReleaser's checksums): 3 entries (0 inside archives), sha256sum format, sorted by path",
        "    writer      Go archive/tar (GoReleaser)",
        "    writer      Go archive/zip (GoReleaser)",
        "    compressor  Go compress/flate level 9",
        "    zip times   in a zone 0 s east of UTC",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }

    // The release signed as GoReleaser signs it (`gpg --output
    // <checksums>.sig --detach-sign <checksums>`, binary) by a key the
    // policy pins: reproduce verifies it first, with no --no-verify.
    let Some(f) = fixture() else { return };
    let fpr = f.fpr("alice");
    let sig = rel.join(format!("{CHECKSUMS}.sig"));
    sign_detached(&f.home, &fpr, &rel.join(CHECKSUMS), &sig, &[]);
    let policy = f.policy(t.path(), 1, &["alice"]);

    // The reproduction, with only go and git on PATH.
    let bin = bare_path(t.path(), &goroot);
    let rebuilt = t.path().join("rebuilt");
    let out = reproduce_bare(
        &goroot,
        &bin,
        &rel,
        &src,
        &[
            OsStr::new("--policy"),
            policy.as_ref(),
            OsStr::new("--out"),
            rebuilt.as_ref(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for p in ARCHIVES {
        assert!(
            stdout.contains(&format!("REPRODUCED  {p}\n")),
            "{p}:\n{stdout}"
        );
        assert_eq!(
            sha256_hex(&rel.join(p)),
            sha256_hex(&rebuilt.join(p)),
            "{p}"
        );
    }
    assert!(!stdout.contains("DIFFERENT"), "{stdout}");
    for x in [
        "verifying the published release against",
        "-X main.version=0.1.0 (from .goreleaser.yaml)",
        "-X main.date=2025-11-20T10:00:00Z (from .goreleaser.yaml)",
        "-X main.builtBy=goreleaser (from .goreleaser.yaml)",
        "REPRODUCED: all 3 published artifacts",
    ] {
        assert!(stderr.contains(x), "{x}:\n{stderr}");
    }
    assert_eq!(
        std::fs::read(rel.join(CHECKSUMS)).unwrap(),
        std::fs::read(rebuilt.join(CHECKSUMS)).unwrap()
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(rebuilt.join("reproduce.json")).unwrap()).unwrap();
    assert_eq!(report["reproduced"], true);
    assert_eq!(report["git_ref"], "v0.1.0");
    assert_eq!(report["counts"]["reproduced"], 3);
    assert_eq!(report["verification"]["ok"], true, "{report:#}");
    assert_eq!(
        report["verification"]["signatures"][0]["signer"], "alice",
        "{report:#}"
    );

    // A signature by a key the policy does not pin: not rebuilt.
    let mallory = t.path().join("mallory.sig");
    sign_detached(
        &f.home,
        &f.fpr("mallory"),
        &rel.join(CHECKSUMS),
        &mallory,
        &[],
    );
    std::fs::copy(&mallory, &sig).unwrap();
    let out = reproduce_bare(
        &goroot,
        &bin,
        &rel,
        &src,
        &[OsStr::new("--policy"), policy.as_ref()],
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("the published release does not verify, so it is not rebuilt"),
        "{all}"
    );
    assert!(all.contains("UNKNOWN"), "{all}");
}

/// The release linked another `main.date` than the configuration at the
/// tag says (`{{ .CommitDate }}`): the archives are DIFFERENT, the string
/// named, exit code 1.
#[test]
fn another_date_is_different() {
    let Some(goroot) = go_and(&["git"]) else {
        return;
    };
    let t = tmp();
    let src = t.path().join("grstyle");
    repo(&src);
    let pack = packer(t.path(), &goroot);
    let rel = t.path().join("release");
    release(
        &src,
        &goroot,
        &pack,
        &rel,
        &[
            "-date",
            "2026-01-01T00:00:00Z",
            "-targets",
            "linux/amd64,windows/amd64",
        ],
    );
    let bin = bare_path(t.path(), &goroot);
    let out = reproduce_bare(&goroot, &bin, &rel, &src, &[OsStr::new("--no-verify")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    for p in [
        "grstyle_0.1.0_linux_amd64.tar.gz",
        "grstyle_0.1.0_windows_amd64.zip",
    ] {
        assert!(
            stdout.contains(&format!("DIFFERENT   {p}")),
            "{p}:\n{stdout}"
        );
    }
    // The commit date is in the program (its build info's vcs.time), so
    // the configuration's definition is used, and the diff engine names
    // the string that differs.
    for x in [
        "DIFFERENT   grstyle_0.1.0_linux_amd64.tar.gz  (embedded-string",
        "in: grstyle_0.1.0_windows_amd64.zip › grstyle.exe",
        "A: 2026-01-01T00:00:00Z",
        "B: 2025-11-20T10:00:00Z",
    ] {
        assert!(stdout.contains(x), "{x}:\n{stdout}");
    }
    assert!(
        stderr.contains("NOT REPRODUCED: 0 reproduced, 2 different"),
        "{stderr}"
    );
}

/// GoReleaser's archives as often published: README and LICENSE with
/// their own time, owner names and mode (`archives.files` with their own
/// `info`), the program at the commit time (`mod_timestamp`). The recipe
/// keeps each member's own metadata and the rebuild applies it: every
/// archive REPRODUCED.
#[test]
fn reproduces_members_with_their_own_time_owner_and_mode() {
    let Some(goroot) = go_and(&["git"]) else {
        return;
    };
    let t = tmp();
    let src = t.path().join("grstyle");
    repo(&src);
    let pack = packer(t.path(), &goroot);
    let rel = t.path().join("release");
    release(
        &src,
        &goroot,
        &pack,
        &rel,
        &[
            "-targets",
            "linux/amd64,windows/amd64",
            "-extra-mtime",
            "2024-02-29T12:34:57Z",
            "-extra-owner",
            "root:wheel",
            "-extra-mode",
            "384", // 0600
        ],
    );
    let out = q(&goroot)
        .args(["recipe", "--json"])
        .arg(&rel)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let archives = r["archives"].as_array().unwrap();
    assert_eq!(archives.len(), 2);
    for a in archives {
        assert!(a["mtime"].is_null(), "{a}");
        let m = a["members"].as_array().unwrap();
        let times: Vec<i64> = m.iter().map(|m| m["mtime"].as_i64().unwrap()).collect();
        assert_eq!(times, [1_709_210_097, 1_709_210_097, 1_763_632_800], "{a}");
        let modes: Vec<u64> = m.iter().map(|m| m["mode"].as_u64().unwrap()).collect();
        assert_eq!(modes, [0o600, 0o600, 0o755], "{a}");
        if a["kind"] == "tar-gz" {
            assert!(a["owner_names"].is_null(), "{a}");
            assert_eq!(m[0]["owner_names"], serde_json::json!(["root", "wheel"]));
            assert_ne!(m[2]["owner_names"], m[0]["owner_names"], "{a}");
        }
    }
    let bin = bare_path(t.path(), &goroot);
    let rebuilt = t.path().join("rebuilt");
    let out = reproduce_bare(
        &goroot,
        &bin,
        &rel,
        &src,
        &[
            OsStr::new("--no-verify"),
            OsStr::new("--out"),
            rebuilt.as_ref(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for p in [
        "grstyle_0.1.0_linux_amd64.tar.gz",
        "grstyle_0.1.0_windows_amd64.zip",
    ] {
        assert!(
            stdout.contains(&format!("REPRODUCED  {p}\n")),
            "{p}:\n{stdout}"
        );
        assert_eq!(
            sha256_hex(&rel.join(p)),
            sha256_hex(&rebuilt.join(p)),
            "{p}"
        );
    }
}
