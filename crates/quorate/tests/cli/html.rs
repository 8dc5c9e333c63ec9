//! `--html FILE` on `quorate diff` and `quorate verify`: one self-contained
//! page, on real fixtures (the seed's two causes built by the official Go
//! toolchain, GNU strip and llvm-strip, patched toolchain copies), hostile
//! names and strings, and a release signed with ssh-keygen keys. The same
//! pages are checked in headless Chromium by scripts/test-browser.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::util::{go_root, have, quorate, sh, shared_cache, tmp};

const MAIN_GO: &str = r#"package main

import (
	"fmt"
	"mime"
	"net"
	"time"
)

func main() {
	loc, _ := time.LoadLocation("Europe/Paris")
	_, err := net.LookupPort("tcp", "https")
	fmt.Println(loc, err, mime.TypeByExtension(".html"))
}
"#;

struct Fx {
    strip: [PathBuf; 2],
    patched: [PathBuf; 2],
}

fn go_build(goroot: &Path, src: &Path, args: &[&str], out: &Path) {
    let cache = shared_cache();
    let o = Command::new(goroot.join("bin/go"))
        .env_clear()
        .current_dir(src)
        .env("GOROOT", goroot)
        .env("PATH", "/usr/bin:/bin")
        .env("GOCACHE", cache.join("go-build"))
        .env("GOPATH", cache.join("gopath"))
        .env("HOME", cache.join("home"))
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("CGO_ENABLED", "0")
        .arg("build")
        .args(args)
        .arg("-o")
        .arg(out)
        .arg(".")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The seed's two causes, built once per test run.
fn fixtures() -> Option<&'static Fx> {
    static FX: OnceLock<Option<Fx>> = OnceLock::new();
    FX.get_or_init(|| {
        let go = go_root()?;
        if !have("strip") || !have("llvm-strip") {
            return None;
        }
        let name = format!("html-fixtures-{}", std::process::id());
        for e in std::fs::read_dir(shared_cache()).unwrap().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("html-fixtures-") && n != name {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let dir = shared_cache().join(name);
        let src = dir.join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("main.go"), MAIN_GO).unwrap();
        std::fs::write(src.join("go.mod"), "module example.com/hello\n\ngo 1.22\n").unwrap();
        // Cause 1: a non-stripped binary, stripped by GNU strip and llvm-strip.
        go_build(
            &go,
            &src,
            &["-trimpath", "-buildvcs=false"],
            &dir.join("full"),
        );
        for d in ["gnu", "llvm"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
            std::fs::copy(dir.join("full"), dir.join(d).join("hello")).unwrap();
        }
        sh(&dir, "strip -S gnu/hello && llvm-strip -S llvm/hello");
        // Cause 2: two patched toolchains made by quorate itself.
        let mut patched = [dir.join("pa/hello"), dir.join("pb/hello")];
        for (seed, out) in ["a", "b"].iter().zip(patched.iter_mut()) {
            let root = dir.join(format!("go-{seed}"));
            quorate()
                .args(["toolchain", "patch-nixpkgs", "--from"])
                .arg(&go)
                .arg("--to")
                .arg(&root)
                .args(["--seed", seed])
                .assert()
                .success();
            std::fs::create_dir_all(out.parent().unwrap()).unwrap();
            go_build(
                &root,
                &src,
                &["-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="],
                out,
            );
        }
        Some(Fx {
            strip: [dir.join("gnu/hello"), dir.join("llvm/hello")],
            patched,
        })
    })
    .as_ref()
}

/// Runs `quorate diff A B --html OUT`, expecting exit 1; returns the page
/// and stdout.
fn diff_html(a: &Path, b: &Path, out: &Path) -> (String, String) {
    let o = quorate()
        .arg("diff")
        .arg(a)
        .arg(b)
        .arg("--html")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        std::fs::read_to_string(out).unwrap(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

/// What every page must be: one file, nothing loaded from anywhere.
fn self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;"
    ));
    assert!(!html.contains("unsafe-inline"));
    assert_eq!(html.matches("<script").count(), 1, "one script element");
    assert_eq!(html.matches("<style").count(), 1, "one style element");
    for attr in [
        " src=",
        " onclick=",
        " onload=",
        " onerror=",
        "href=\"http",
        "href=\"//",
        "url(",
    ] {
        assert!(!html.contains(attr), "page holds {attr}");
    }
    assert!(html.contains("class=\"skip\" href=\"#main\""));
    assert!(!html.contains("<th>"), "every th has a scope");
}

#[test]
fn diff_html_seed_post_link_strip() {
    let Some(fx) = fixtures() else { return };
    let t = tmp();
    let (html, stdout) = diff_html(&fx.strip[0], &fx.strip[1], &t.path().join("r.html"));
    self_contained(&html);
    // The text report still goes to stdout.
    assert!(stdout.contains("post-link-strip"), "{stdout}");
    assert!(html.contains("<span class=\"badge\" title=\"cause\">post-link-strip</span>"));
    assert!(html.contains("Fix:</strong> disable the external strip"));
    // Section map drawn for both sides, .shstrtab differing, bytes marked.
    assert_eq!(html.matches("<svg class=\"map\"").count(), 2);
    assert!(html.contains("role=\"img\" aria-labelledby=\"map-0-A-t\""));
    assert!(html.contains(".shstrtab</th>"));
    assert!(html.contains("bytes differ"));
    assert!(html.contains("<pre class=\"hex\""));
    assert!(html.matches("<mark>").count() > 10);
    // Evidence about .shstrtab links into a region of the hex view.
    let link = html
        .split("href=\"#r-0-")
        .nth(1)
        .expect("an evidence link to a region");
    let id = format!("id=\"r-0-{}\"", &link[..link.find('"').unwrap()]);
    assert!(html.contains(&id), "{id}");
    // Go build info side by side.
    assert!(html.contains("Go build info"));
    assert!(html.contains("build -trimpath"));
    assert!(html.len() < 2 << 20, "{} bytes", html.len());
}

#[test]
fn diff_html_seed_patched_toolchain() {
    let Some(fx) = fixtures() else { return };
    let t = tmp();
    let out = t.path().join("r.html");
    let (html, _) = diff_html(&fx.patched[0], &fx.patched[1], &out);
    self_contained(&html);
    assert!(html.contains("patched-toolchain"));
    assert!(html.contains("tzdata"));
    // Each store path is a region of .rodata, marked in hex and strings.
    assert!(html.contains("in .rodata"));
    let marked_store = html
        .split("<mark>")
        .filter(|m| m.starts_with("/nix/store/") || m.contains("nix/store"))
        .count();
    assert!(marked_store >= 2, "marked store paths: {marked_store}");
    assert!(html.contains("bytes differ</td>"));
    // The page is written atomically and is small.
    assert!(std::fs::metadata(&out).unwrap().len() < 1 << 20);
}

#[test]
fn diff_html_escapes_hostile_names_and_strings() {
    if !have("tar") {
        return;
    }
    let t = tmp();
    let bad =
        "<script>window.__pwned=1</script>\"onmouseover=alert(1) x='</style>javascript:alert(3)";
    for (s, v) in [("A", "one"), ("B", "two")] {
        let d = t.path().join(s);
        // '/' in the name makes folders: the path still reads as `bad`.
        let f = d.join(bad);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, format!("head {bad} {v} tail\n")).unwrap();
        std::fs::write(d.join("\"onmouseover=x '"), format!("same {bad} {v}\n")).unwrap();
    }
    std::fs::write(t.path().join("A/javascript:alert(2)"), "one side").unwrap();
    sh(
        t.path(),
        // Each tarball is written beside its folder, then moved in, so tar
        // never reads the file it writes.
        "tar --mtime=@1 -czf rA.tar.gz -C A . && tar --mtime=@2 -czf rB.tar.gz -C B . \
         && mv rA.tar.gz A/r.tar.gz && mv rB.tar.gz B/r.tar.gz",
    );
    let out = t.path().join("r.html");
    let (html, _) = diff_html(&t.path().join("A"), &t.path().join("B"), &out);
    self_contained(&html);
    for raw in [
        "<script>window",
        "</style>javascript",
        "\"onmouseover",
        "'</style>",
        "<img",
    ] {
        assert!(!html.contains(raw), "unescaped {raw:?}");
    }
    let escaped = "&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot;onmouseover=alert(1) x=&#39;&lt;/style&gt;javascript:alert(3)";
    assert!(html.contains(escaped));
    assert!(html.contains("javascript:alert(2)"));
    assert!(!html.contains("href=\"javascript"));
}

/// A release folder (untrusted) holding a symlink to a file outside it:
/// the HTML report's byte views must never read through the link, so the
/// outside file's bytes never reach the page.
#[test]
fn diff_html_never_reads_through_a_symlink() {
    let t = tmp();
    let secret = t.path().join("secret.txt");
    std::fs::write(&secret, "TOPSECRET-4a1f\n".repeat(8)).unwrap();
    for (s, v) in [("A", "one"), ("B", "two")] {
        let d = t.path().join(s);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("f.txt"), format!("common {v}\n")).unwrap();
    }
    // Same name: a file on one side, a link to the secret on the other.
    std::fs::write(t.path().join("A/x.txt"), "TOPSECRET-4a1e\n".repeat(8)).unwrap();
    std::os::unix::fs::symlink(&secret, t.path().join("B/x.txt")).unwrap();
    let out = t.path().join("r.html");
    let (html, stdout) = diff_html(&t.path().join("A"), &t.path().join("B"), &out);
    assert!(stdout.contains("x.txt"), "{stdout}");
    assert!(
        !html.contains("TOPSECRET-4a1f"),
        "the link's target was read"
    );
    assert!(
        !stdout.contains("TOPSECRET-4a1f"),
        "the link's target was read"
    );
}

#[test]
fn diff_html_unwritable_file_is_an_error() {
    let t = tmp();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    std::fs::write(&a, "one").unwrap();
    std::fs::write(&b, "two").unwrap();
    let o = quorate()
        .arg("diff")
        .arg(&a)
        .arg(&b)
        .arg("--html")
        .arg(t.path().join("no/such/dir/r.html"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("r.html"), "{err}");
}

#[test]
fn verify_html_signers_quorum_files() {
    if !have("ssh-keygen") {
        return;
    }
    let t = tmp();
    let rel = t.path().join("rel");
    std::fs::create_dir_all(&rel).unwrap();
    std::fs::write(rel.join("hello-linux-amd64"), "hello").unwrap();
    std::fs::write(rel.join("\"q\" & <angle>.txt"), "x").unwrap();
    quorate()
        .arg("manifest")
        .arg(&rel)
        .args(["--version", "v1.0.0"])
        .assert()
        .success();
    let mut policy = String::from("threshold = 2\n");
    for n in ["alice", "bob", "mallory"] {
        sh(
            t.path(),
            &format!("ssh-keygen -q -t ed25519 -N '' -C {n} -f {n}"),
        );
        quorate()
            .arg("sign")
            .arg(rel.join("manifest-v1.0.0.txt"))
            .args(["--signer", n, "--ssh-key"])
            .arg(t.path().join(n))
            .assert()
            .success();
        if n != "mallory" {
            let pk = std::fs::read_to_string(t.path().join(format!("{n}.pub"))).unwrap();
            policy.push_str(&format!(
                "[[signer]]\nname = \"{n}\"\nssh = \"{}\"\n",
                pk.trim()
            ));
        }
    }
    let p = t.path().join("policy.toml");
    std::fs::write(&p, policy).unwrap();
    let out = t.path().join("v.html");
    let verify = |code: i32| {
        let o = quorate()
            .arg("verify")
            .arg(&rel)
            .arg("--policy")
            .arg(&p)
            .arg("--html")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::read_to_string(&out).unwrap()
    };
    let html = verify(0);
    self_contained(&html);
    assert!(html.contains("QUORUM MET"));
    assert!(html.contains("VERIFIED"));
    assert_eq!(html.matches(">GOOD</span>").count(), 2);
    assert!(html.contains(">UNKNOWN</span>"));
    assert!(html.contains("SHA256:"), "ssh fingerprints shown");
    assert!(html.contains("&quot;q&quot; &amp; &lt;angle&gt;.txt"));
    // A file changed after signing: the page says which.
    std::fs::write(rel.join("hello-linux-amd64"), "tampered").unwrap();
    let html = verify(1);
    assert!(html.contains("NOT VERIFIED"));
    assert!(html.contains(">MISMATCH</span>"));
}
