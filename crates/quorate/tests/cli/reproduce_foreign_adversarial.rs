//! `quorate recipe` and `quorate reproduce` on a hostile release quorate
//! did not make, and hostile source: what they read is untrusted, and
//! nothing in it may run a command, switch the Go toolchain, write outside
//! the rebuild folder, read a file outside the release folder, or make
//! quorate inflate more than the input justifies.

use std::os::unix::fs::symlink;
use std::path::Path;

use crate::util::{git, go_root, have, q, sh, tmp};

/// The source: a module whose go.mod names a toolchain that does not exist
/// (a switch would have to download it, and fail), and whose Makefile and
/// release script hide commands in `$(shell …)` and backticks that would
/// leave a marker file if anything ran them.
fn hostile_source(dir: &Path, marker: &Path) {
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    std::fs::write(
        dir.join("go.mod"),
        "module example.com/evil\n\ngo 1.22\n\ntoolchain go1.99.1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.go"),
        "package main\n\nvar v, w string\n\nfunc main() { println(v, w) }\n",
    )
    .unwrap();
    let m = marker.display();
    std::fs::write(
        dir.join("Makefile"),
        format!(
            "X := $(shell touch {m}.make)\nY = `touch {m}.backtick`\nLDFLAGS := -s -w -X main.v=$(X) -X main.w=$(Y)\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("scripts/release.sh"),
        format!("#!/bin/sh\nCOMMIT=$(touch {m}.script)\ngo build -ldflags \"-X main.v=$COMMIT\"\n"),
    )
    .unwrap();
    git(
        dir,
        "init -q && git add . && git commit -q -m release && git tag v1.0.0",
    );
}

#[test]
fn a_hostile_release_and_source_run_nothing_and_write_nothing_outside() {
    let Some(goroot) = go_root() else { return };
    for t in ["git", "tar", "gzip", "sha256sum"] {
        if !crate::util::need(t, have(t), "install it (CI installs it)") {
            return;
        }
    }
    let t = tmp();
    let root = t.path();
    let marker = root.join("PWNED");
    let src = root.join("src");
    hostile_source(&src, &marker);

    // The release: the program, built as the maintainer would, packed by
    // GNU tar with a member named `../../escape` beside it; a gzip bomb
    // (256 MiB of zeros in about 250 KiB); a manifest over both.
    let stage = root.join("stage");
    let rel = root.join("rel");
    std::fs::create_dir_all(&rel).unwrap();
    let cache = crate::util::shared_cache();
    sh(
        &src,
        &format!(
            "env -i PATH={go}/bin:/usr/bin:/bin HOME={home} GOENV=off GOCACHE={cache}/go-build \
             GOTOOLCHAIN=local GOOS=linux GOARCH=amd64 CGO_ENABLED=0 \
             go build -trimpath -ldflags='-s -w' -o {stage}/evil-linux-amd64-v1.0.0/evil .",
            go = goroot.display(),
            home = root.join("home").display(),
            cache = cache.display(),
            stage = stage.display(),
        ),
    );
    sh(
        &stage,
        &format!(
            "echo x > escape && \
             tar --absolute-names --transform 's,^escape$,../../escape,' -cf a.tar evil-linux-amd64-v1.0.0 escape && \
             gzip -9n < a.tar > {rel}/evil-linux-amd64-v1.0.0.tar.gz && \
             mkdir bomb-linux-amd64-v1.0.0 && truncate -s 256M bomb-linux-amd64-v1.0.0/big && \
             tar -cf - bomb-linux-amd64-v1.0.0 | gzip -9n > {rel}/bomb-linux-amd64-v1.0.0.tar.gz && \
             rm escape",
            rel = rel.display()
        ),
    );
    let listing = sh(&stage, "tar -tf a.tar");
    assert!(listing.contains("../../escape"), "{listing}");
    sh(
        &rel,
        "sha256sum *.tar.gz | LC_ALL=C sort -k2 > manifest-v1.0.0.txt",
    );

    let out = q(&goroot).arg("recipe").arg(&rel).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("bomb-linux-amd64-v1.0.0.tar.gz: not a readable gzip stream: too large to inflate within the cap"),
        "{text}"
    );

    let out = q(&goroot)
        .args(["reproduce", "--no-verify", "--release"])
        .arg(&rel)
        .arg("--source")
        .arg(&src)
        .current_dir(root)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    // The archives are not reproduced (one is a bomb, one has a member out
    // of its folder): NOT REPRODUCED, exit 1, and each says why.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("NOT REPRODUCED"), "{text}");
    assert!(
        text.contains(
            "evil-linux-amd64-v1.0.0.tar.gz: its members are not under one folder; not rebuilt"
        ),
        "{text}"
    );
    // The program was built with the local Go: go.mod's `toolchain
    // go1.99.1` switched nothing (a switch would have failed the build).
    let version = sh(root, &format!("{}/bin/go env GOVERSION", goroot.display()));
    let version = version.trim().trim_start_matches("go");
    assert!(
        text.contains(&format!(
            "rebuilding 1 program and 1 archive with Go {version}"
        )),
        "{text}"
    );
    // The `$(shell …)`, backtick and `$(…)` commands were read, not run.
    for kind in ["make", "backtick", "script"] {
        assert!(
            !marker.with_extension(kind).exists(),
            "the {kind} command ran"
        );
    }
    // `../../escape` was written nowhere: not beside the release, the
    // stage or the temporary folder, nor above them.
    for dir in [
        root,
        &rel,
        root.parent().unwrap(),
        &stage.join("..").join(".."),
    ] {
        assert!(
            !dir.join("escape").exists(),
            "{}: escape written",
            dir.display()
        );
    }
}

#[test]
fn an_archive_linked_from_outside_the_release_is_refused_unread() {
    let Some(goroot) = go_root() else { return };
    if !crate::util::need("gzip", have("gzip"), "install it (CI installs it)") {
        return;
    }
    let t = tmp();
    let outside = t.path().join("home");
    std::fs::create_dir_all(&outside).unwrap();
    // A private file, gzip-compressed so that it would read as an archive.
    sh(&outside, "echo secret | gzip -9n > private.tar.gz");
    let rel = t.path().join("rel");
    std::fs::create_dir_all(&rel).unwrap();
    symlink(
        outside.join("private.tar.gz"),
        rel.join("app-linux-amd64-v1.0.0.tar.gz"),
    )
    .unwrap();
    sh(&rel, "sha256sum -- *.tar.gz > manifest-v1.0.0.txt");
    let out = q(&goroot).arg("recipe").arg(&rel).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "app-linux-amd64-v1.0.0.tar.gz: a link out of the release folder: refused unread"
        ),
        "{text}"
    );
}
