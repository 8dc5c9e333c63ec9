//! `quorate recipe` and `quorate reproduce` on a release quorate did not
//! make: the lnd-style test project (tests/data/lndstyle, with a release
//! script written for these tests in the style of lnd's) makes its release
//! with the host's GNU tar, gzip, Info-ZIP zip and sha256sum; quorate then
//! reproduces every file byte for byte with none of them on PATH.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{
    bare_path, git, go_and, go_env, have, q, quorate, reproduce_bare, sh, sha256_hex, tagged_repo,
    tmp,
};

/// The host tools the release script runs.
const RELEASE_TOOLS: [&str; 6] = ["make", "tar", "gzip", "zip", "sha256sum", "git"];

/// The test project as a repository tagged v0.1.0.
fn repo(dir: &Path) {
    tagged_repo(dir, "lndstyle");
}

/// Runs `make release VERSION_TAG=v0.1.0 EXTRA…` in `dir` with the host's
/// tools and `goroot`'s go, in a clean environment (no user go env, so
/// the build is VCS-stamped as in a maintainer's checkout); the module
/// cache is the one quorate's tests share (deps come from the Go module
/// proxy once).
fn release(dir: &Path, goroot: &Path, extra: &[&str]) -> PathBuf {
    let mut c = Command::new("make");
    c.arg("release")
        .arg("VERSION_TAG=v0.1.0")
        .args(extra)
        .current_dir(dir);
    go_env(&mut c, goroot, &dir.with_extension("home"));
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "make release failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("lndstyle-v0.1.0")
}

#[test]
fn reproduces_an_lnd_style_release_without_host_archivers() {
    let Some(goroot) = go_and(&RELEASE_TOOLS) else {
        return;
    };
    let t = tmp();
    let src = t.path().join("lndstyle");
    repo(&src);
    // An untracked file: the maintainer's tree is "modified" for Go's VCS
    // stamp (the other test releases from a clean tree).
    std::fs::write(src.join("NOTES"), "not committed\n").unwrap();
    let rel = release(&src, &goroot, &[]);
    let manifest = std::fs::read_to_string(rel.join("manifest-v0.1.0.txt")).unwrap();
    let published: Vec<&str> = manifest
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    assert_eq!(published.len(), 8, "{manifest}");

    // The recipe, as JSON: what the script did, read back from the bytes.
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
    assert_eq!(r["manifest"]["style"], "sha256sum");
    assert_eq!(r["manifest"]["sorted"], true);
    assert_eq!(r["manifest"]["inside_archives"], 4);
    let archives = r["archives"].as_array().unwrap();
    assert_eq!(archives.len(), 4);
    for a in archives {
        assert_eq!(a["order"], "reverse-sorted", "{a}");
        assert_eq!(a["mtime"], 1_577_836_800, "{a}");
        if a["kind"] == "tar-gz" {
            assert_eq!(a["compressor"]["tool"], "gnu-gzip", "{a}");
            assert_eq!(a["compressor"]["level"], 9, "{a}");
            assert_eq!(a["format"], "gnu", "{a}");
            assert_eq!(a["record_padding"], true, "{a}");
            assert_eq!(a["owner"], serde_json::json!([0, 0]), "{a}");
        } else {
            assert_eq!(a["compressor"]["tool"], "info-zip", "{a}");
            assert_eq!(a["compressor"]["level"], 6, "{a}");
        }
    }
    let roles: Vec<&str> = archives
        .iter()
        .map(|a| a["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["binaries", "source", "binaries", "vendor"]);
    let bins = r["binaries"].as_array().unwrap();
    assert_eq!(bins.len(), 4);
    let go_version = sh(&src, &format!("{}/bin/go env GOVERSION", goroot.display()));
    for b in bins {
        assert_eq!(b["go_version"], go_version.trim(), "{b}");
        assert_eq!(b["tags"], "stdlog", "{b}");
        assert_eq!(b["trimpath"], true, "{b}");
        assert_eq!(b["no_symbols"], true, "{b}");
        assert_eq!(b["no_dwarf"], true, "{b}");
        assert_eq!(b["no_build_id"], true, "{b}");
        assert_eq!(b["vcs_modified"], true, "{b}");
        assert_eq!(b["cgo_enabled"], "0", "{b}");
    }

    // The same, as text.
    let out = q(&goroot).arg("recipe").arg(&rel).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "manifest manifest-v0.1.0.txt: 8 entries (4 inside archives), sha256sum format, sorted by path (LC_ALL=C sort -k2)",
        "    compressor  GNU gzip -9n",
        "    compressor  Info-ZIP zip -6",
        "    members     3 under lndstyle-linux-amd64-v0.1.0, order find | LC_ALL=C sort -r",
        "    modes       folders 0755, executables -, files 0644: u+rw,go+r-w,a+X",
        "    target      GOOS=windows GOARCH=amd64 GOAMD64=v1 CGO_ENABLED=0",
        "    flags       -trimpath -tags=\"stdlog\" -ldflags=\"-s -w -buildid=\" (from the executable: -X definitions are not recorded)",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }

    // The reproduction, with only go and git on PATH.
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
    for p in &published {
        assert!(
            stdout.contains(&format!("REPRODUCED  {p}\n")),
            "{p}:\n{stdout}"
        );
    }
    assert!(!stdout.contains("DIFFERENT"), "{stdout}");
    assert!(
        stderr.contains("-X example.com/lndstyle/build.Commit=v0.1.0 (from Makefile)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("built from a modified tree (vcs.modified=true)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("REPRODUCED: all 8 published artifacts"),
        "{stderr}"
    );
    // Byte for byte: every published archive and the manifest.
    for p in published.iter().filter(|p| !p.contains('/')) {
        assert_eq!(
            sha256_hex(&rel.join(p)),
            sha256_hex(&rebuilt.join(p)),
            "{p}"
        );
    }
    assert_eq!(
        std::fs::read(rel.join("manifest-v0.1.0.txt")).unwrap(),
        std::fs::read(rebuilt.join("manifest-v0.1.0.txt")).unwrap()
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(rebuilt.join("reproduce.json")).unwrap()).unwrap();
    assert_eq!(report["reproduced"], true);
    assert_eq!(report["counts"]["reproduced"], 8);
}

/// The release (from a clean tree) was linked with another `-X` value
/// than the Makefile at the tag says: the programs (and their archive) are DIFFERENT, and the
/// diff engine names the string; the source and vendor tarballs still
/// reproduce.
#[test]
fn another_x_value_is_different_and_explained() {
    let Some(goroot) = go_and(&RELEASE_TOOLS) else {
        return;
    };
    let t = tmp();
    let src = t.path().join("lndstyle");
    repo(&src);
    let rel = release(
        &src,
        &goroot,
        &[
            "BUILD_SYSTEM=linux-amd64",
            "RELEASE_LDFLAGS=-s -w -buildid= -X example.com/lndstyle/build.Commit=v0.1.0-hotfix",
        ],
    );
    let bin = bare_path(t.path(), &goroot);
    let html = t.path().join("reproduce.html");
    let out = reproduce_bare(
        &goroot,
        &bin,
        &rel,
        &src,
        &[
            OsStr::new("--no-verify"),
            OsStr::new("--html"),
            html.as_ref(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("DIFFERENT   lndstyle-linux-amd64-v0.1.0.tar.gz  (embedded-string)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("DIFFERENT   lndstyle-linux-amd64-v0.1.0/lndstyled  (embedded-string)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"v0.1.0-hotfix\" → \"v0.1.0\""),
        "{stdout}"
    );
    for p in ["lndstyle-source-v0.1.0.tar.gz", "vendor.tar.gz"] {
        assert!(stdout.contains(&format!("REPRODUCED  {p}\n")), "{stdout}");
    }
    assert!(
        stderr.contains("NOT REPRODUCED: 2 reproduced, 3 different"),
        "{stderr}"
    );
    // The HTML report: the verdict, each DIFFERENT artifact explained, and
    // the recipe the rebuild followed.
    let page = std::fs::read_to_string(&html).unwrap();
    for want in [
        "NOT REPRODUCED",
        "Why <code>lndstyle-linux-amd64-v0.1.0/lndstyled</code> differs",
        "v0.1.0-hotfix",
        "<h2 id=\"recipe\">Recipe</h2>",
        "gnu-gzip level 9",
        "-X example.com/lndstyle/build.Commit=v0.1.0",
        "recipe read from the release (no build.json)",
    ] {
        assert!(page.contains(want), "{want} not in the page:\n{page}");
    }
}

/// The linux tar.gz of the release recompressed by Python's `gzip` (what
/// `tarfile` and many release scripts use: zlib's deflate, Python's own
/// header with a file name, a time and OS 255) around the same GNU tar
/// stream, the manifest updated: `quorate reproduce` recognises zlib,
/// takes the header fields from the published stream and rebuilds it
/// byte for byte, with no host gzip or Python on PATH.
/// A tar.gz recompressed by Python's gzip, and a source archive `git
/// archive` made, beside lnd's recipe: both recognised and REPRODUCED.
#[test]
fn reproduces_a_tarball_python_gzip_compressed() {
    let Some(goroot) = go_and(&RELEASE_TOOLS) else {
        return;
    };
    if !have("python3") {
        return;
    }
    let t = tmp();
    let src = t.path().join("lndstyle");
    repo(&src);
    let rel = release(&src, &goroot, &[]);
    let tgz = "lndstyle-linux-amd64-v0.1.0.tar.gz";
    let old = sha256_hex(&rel.join(tgz));
    sh(
        &rel,
        &format!(
            "python3 -c 'import gzip, sys\n\
             d = gzip.decompress(open(sys.argv[1], \"rb\").read())\n\
             with open(sys.argv[1], \"wb\") as f:\n    \
             with gzip.GzipFile(\"lndstyle-linux-amd64-v0.1.0.tar\", \"wb\", 6, f, 1700000001) as g:\n        g.write(d)' {tgz}"
        ),
    );
    let new = sha256_hex(&rel.join(tgz));
    assert_ne!(old, new);
    // And a source archive the way GitHub and GoReleaser make one: `git
    // archive` (git's own tar layout and gzip), listed in the manifest.
    let src_tgz = "lndstyle-v0.1.0-git.tar.gz";
    git(
        &src,
        &format!("archive --format=tar.gz --prefix=lndstyle-v0.1.0/ v0.1.0 > ../{src_tgz}"),
    );
    std::fs::rename(t.path().join(src_tgz), rel.join(src_tgz)).unwrap();
    let commit = git(&src, "rev-parse v0.1.0^{commit}").trim().to_string();
    let m = rel.join("manifest-v0.1.0.txt");
    let text = std::fs::read_to_string(&m).unwrap().replace(&old, &new)
        + &format!("{}  {src_tgz}\n", sha256_hex(&rel.join(src_tgz)));
    std::fs::write(&m, text).unwrap();
    sh(
        &rel,
        "LC_ALL=C sort -k2 -o manifest-v0.1.0.txt manifest-v0.1.0.txt",
    );

    let out = q(&goroot)
        .args(["recipe", "--json"])
        .arg(&rel)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = r["archives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["file"] == tgz)
        .unwrap();
    assert_eq!(a["compressor"]["tool"], "zlib", "{a}");
    assert_eq!(a["compressor"]["level"], 6, "{a}");
    assert_eq!(a["writer"], "gnu-tar", "{a}");
    assert_eq!(a["gzip"]["flags"], 8, "{a}");
    assert_eq!(a["gzip"]["os"], 255, "{a}");
    assert_eq!(a["gzip"]["mtime"], 1_700_000_001, "{a}");
    assert_eq!(a["gzip"]["name"], "lndstyle-linux-amd64-v0.1.0.tar", "{a}");
    let g = r["archives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["file"] == src_tgz)
        .unwrap();
    assert_eq!(g["writer"], "git-archive", "{g}");
    assert_eq!(g["git_commit"], commit.as_str(), "{g}");
    assert_eq!(g["top_dir"], "lndstyle-v0.1.0", "{g}");

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
    assert!(stdout.contains(&format!("REPRODUCED  {tgz}\n")), "{stdout}");
    assert!(
        stdout.contains(&format!("REPRODUCED  {src_tgz}\n")),
        "{stdout}"
    );
    assert_eq!(sha256_hex(&rebuilt.join(tgz)), new);
    assert!(
        stderr.contains("REPRODUCED: all 9 published artifacts"),
        "{stderr}"
    );
}

/// A tar.gz whose gzip stream no candidate reproduces (GNU gzip with
/// `--rsyncable`, which ends blocks at content-defined points) is named
/// `unknown`, with the candidate that came closest and how far it agrees.
/// Here its first block ends elsewhere, so its Huffman tables differ and
/// no candidate agrees past the block header's first byte: the first in
/// the order tried (GNU gzip at the level the header names) is named,
/// with that measure, which says the blocks were cut another way.
#[test]
fn an_unknown_gzip_names_the_closest_implementation() {
    if !(have("tar") && have("gzip")) {
        return;
    }
    let t = tmp();
    let rel = t.path().join("rel");
    std::fs::create_dir(&rel).unwrap();
    sh(
        t.path(),
        "mkdir n-linux-amd64-v1 && seq 1 300000 > n-linux-amd64-v1/data && \
         tar --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - n-linux-amd64-v1 \
           | gzip -9n --rsyncable > rel/n-linux-amd64-v1.tar.gz && \
         cd rel && sha256sum n-linux-amd64-v1.tar.gz > manifest-v1.txt",
    );
    let out = quorate().arg("recipe").arg(&rel).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("not recognised"), "{text}");
    assert!(
        text.contains("closest: gnu-gzip level 9 (its first "),
        "{text}"
    );
    let out = quorate()
        .args(["recipe", "--json"])
        .arg(&rel)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["archives"][0]["compressor"];
    assert_eq!(c["tool"], "unknown", "{c}");
    assert_eq!(c["closest"]["tool"], "gnu-gzip", "{c}");
    assert_eq!(c["closest"]["level"], 9, "{c}");
    let (matched, size) = (
        c["closest"]["matched"].as_u64().unwrap(),
        c["closest"]["size"].as_u64().unwrap(),
    );
    assert_eq!(size, {
        // The deflate data: the file less its 10-byte header and 8-byte trailer.
        std::fs::metadata(rel.join("n-linux-amd64-v1.tar.gz"))
            .unwrap()
            .len()
            - 18
    });
    assert!((1..16).contains(&matched), "{c}");
}
