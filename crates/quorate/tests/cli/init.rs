//! `quorate init` on the layouts real projects have: a main package at the
//! module root, `cmd/*`, several binaries, mains elsewhere, nested
//! modules, and release flags written in a Makefile or release script
//! (read, never run). The projects are small Go modules written here; no
//! Go is needed except to build the root-main one.

use std::path::Path;
use std::process::Output;

use quorate_release::config::Config;

use crate::util::{self, go_root, q, quorate, tmp};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (p, text) in files {
        let p = root.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `init --dir D --stdout`: asserts exit 0 and that the text parses as a
/// config `build` accepts; returns both.
fn init_stdout(dir: &Path) -> (String, Config) {
    let o = quorate()
        .args(["init", "--go-version", "1.27.3", "--stdout", "--dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let c =
        Config::parse(&text, Path::new("quorate.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (text, c)
}

const MAIN: &str = "package main\n\nimport \"fmt\"\n\nvar version = \"dev\"\n\nfunc main() { fmt.Println(version) }\n";

/// A main package at the root is proposed as the module path; `go build`
/// names its binary after the module without the `/v2`, and `quorate
/// build` builds it with the others.
#[test]
fn init_root_main_is_built() {
    let t = tmp();
    let m = t.path().join("tool");
    write(
        &m,
        &[
            ("go.mod", "module example.com/acme/tool/v2\n\ngo 1.27\n"),
            ("main.go", MAIN),
            ("cmd/toolctl/main.go", MAIN),
            ("internal/x/x.go", "package x\n"),
        ],
    );
    let (text, c) = init_stdout(&m);
    assert_eq!(
        c.project.packages,
        ["./cmd/toolctl", "example.com/acme/tool/v2"]
    );
    assert_eq!(c.project.name, "tool");
    assert!(
        text.contains("\"-X main.version={{version}}\""),
        "no build files: the default ldflags\n{text}"
    );
    let Some(goroot) = go_root() else { return };
    let start = text.find("targets = [").unwrap();
    let end = start + text[start..].find("\n]\n").unwrap() + 3;
    let text = format!(
        "{}targets = [\"linux-amd64\"]\n{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(m.join("quorate.toml"), text).unwrap();
    util::git(
        &m,
        "init -q && git add . && git commit -q -m r && git tag v0.2.0",
    );
    let o = q(&goroot).current_dir(&m).arg("build").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let folder = m.join("dist/v0.2.0/tool-linux-amd64-v0.2.0");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["tool", "toolctl"]);
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        let out = std::process::Command::new(folder.join("tool"))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "v0.2.0");
    }
}

/// Several binaries under `cmd/`, one deeper (`cmd/x/y`), one at a top
/// level folder, examples and tools left as comments, generators
/// (`//go:build ignore`) not mistaken for main packages, and two packages
/// making the same binary never both proposed.
#[test]
fn init_several_binaries_anywhere() {
    let t = tmp();
    let m = t.path();
    write(
        m,
        &[
            ("go.mod", "module github.com/acme/suite\n\ngo 1.27.3\n"),
            ("cmd/suited/main.go", MAIN),
            ("cmd/suitecli/main.go", MAIN),
            ("cmd/extra/suitedump/main.go", MAIN),
            ("suiteproxy/main.go", MAIN),
            ("lib/gen.go", "//go:build ignore\n\npackage main\n"),
            ("lib/lib.go", "package lib\n"),
            ("examples/demo/main.go", MAIN),
            ("tools/lint/main.go", MAIN),
            ("other/suited/main.go", MAIN),
            ("cmd/suitecli/main_test.go", "package main\n"),
            ("vendor/example.com/v/main.go", MAIN),
        ],
    );
    let (text, c) = init_stdout(m);
    assert_eq!(
        c.project.packages,
        [
            "./cmd/extra/suitedump",
            "./cmd/suitecli",
            "./cmd/suited",
            "./suiteproxy"
        ]
    );
    for comment in [
        "#   \"./examples/demo\"  (under examples/)",
        "#   \"./tools/lint\"  (under tools/)",
        "#   \"./other/suited\"  (its binary `suited` would overwrite ./cmd/suited's)",
    ] {
        assert!(text.contains(comment), "{comment}\n{text}");
    }
    assert!(!text.contains("./lib"), "{text}");
    assert!(!text.contains("./vendor"), "{text}");
}

/// A repository with several modules: the root module's binaries are
/// proposed, the nested modules named as skipped; `init --dir` in a
/// nested module proposes its own.
#[test]
fn init_nested_modules() {
    let t = tmp();
    let m = t.path();
    write(
        m,
        &[
            ("go.mod", "module github.com/acme/node\n\ngo 1.27.3\n"),
            ("cmd/node/main.go", MAIN),
            ("kvdb/go.mod", "module github.com/acme/node/kvdb\n"),
            ("kvdb/cmd/kvtool/main.go", MAIN),
            ("tools/go.mod", "module github.com/acme/node/tools\n"),
            ("tools/linter/main.go", MAIN),
        ],
    );
    let (text, c) = init_stdout(m);
    assert_eq!(c.project.packages, ["./cmd/node"]);
    assert!(text.contains("#   ./kvdb\n#   ./tools\n"), "{text}");
    assert!(!text.contains("kvtool"), "{text}");
    let o = quorate()
        .args(["init", "--go-version", "1.27.3", "--dir"])
        .arg(m)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout).into_owned() + &stderr(&o);
    assert!(
        said.contains("skipped 2 nested modules (their own go.mod): ./kvdb ./tools"),
        "{said}"
    );
    let (_, c) = init_stdout(&m.join("kvdb"));
    assert_eq!(c.project.packages, ["./cmd/kvtool"]);
    assert_eq!(c.project.name, "kvdb");
}

/// lnd's layout: `COMMIT := $(shell git describe …)` and `-X` in the
/// Makefile, `RELEASE_TAGS` and `GO_VERSION` in make/*.mk, and the
/// release script building two packages with `-trimpath`. The tags, the
/// `-X` definition (as `{{version}}`), the packages and the Go release are
/// proposed; what needs a command quorate does not run is left as a
/// comment, and no command in the files is ever run.
#[test]
fn init_reads_makefile_and_release_script() {
    let t = tmp();
    let m = t.path().join("node");
    let canary = t.path().join("canary");
    std::fs::write(&canary, "still here").unwrap();
    let makefile = format!(
        "PKG := github.com/acme/node\n\
         COMMIT := $(shell git describe --tags --dirty)\n\
         COMMIT_HASH := $(shell git rev-parse HEAD)\n\
         BUILD_DATE := $(shell date -u +%Y-%m-%d)\n\
         GONE := $(shell rm -rf {c})\n\
         EVIL := `touch {c}.touched`\n\
         GO_VERSION = 1.26.6\n\
         include make/release_flags.mk\n\
         make_ldflags = $(1) -X $(PKG)/build.Commit=$(COMMIT) \\\n\
         \t-X $(PKG)/build.CommitHash=$(COMMIT_HASH) \\\n\
         \t-X $(PKG)/build.Date=$(BUILD_DATE) -X $(PKG)/build.Gone=$(GONE)\n\
         RELEASE_LDFLAGS := $(call make_ldflags, -s -w -buildid=)\n\
         build:\n\
         \tgo build -tags=\"dev\" -o node-debug $(PKG)/cmd/node\n\
         release:\n\
         \t./scripts/release.sh build-release \"$(RELEASE_TAGS)\" \"$(RELEASE_LDFLAGS)\"\n",
        c = canary.display()
    );
    write(
        &m,
        &[
            ("go.mod", "module github.com/acme/node\n\ngo 1.26\n"),
            ("cmd/node/main.go", MAIN),
            ("cmd/nodecli/main.go", MAIN),
            ("cmd/devtool/main.go", MAIN),
            ("Makefile", &makefile),
            (
                "make/release_flags.mk",
                "RELEASE_TAGS = signrpc walletrpc \\\n  monitoring # the release set\nifneq ($(tags),)\nRELEASE_TAGS = $(tags)\nendif\n",
            ),
            (
                "scripts/release.sh",
                "#!/bin/bash\nset -e\nPKG=\"github.com/acme/node\"\nfunction build_release() {\n  local buildtags=$1\n  local ldflags=$2\n  env CGO_ENABLED=0 go build -v -trimpath -ldflags=\"${ldflags}\" -tags=\"${buildtags}\" ${PKG}/cmd/node\n  env CGO_ENABLED=0 go build -v -trimpath -ldflags=\"${ldflags}\" -tags=\"${buildtags}\" ${PKG}/cmd/nodecli\n}\n",
            ),
        ],
    );
    // The Go release comes from GO_VERSION when none is given.
    let o = quorate()
        .args(["init", "--stdout", "--dir"])
        .arg(&m)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let c = Config::parse(&text, Path::new("quorate.toml")).unwrap();
    assert_eq!(c.go.version, "1.26.6");
    assert_eq!(c.project.packages, ["./cmd/node", "./cmd/nodecli"]);
    assert_eq!(c.go.tags, ["signrpc", "walletrpc", "monitoring"]);
    assert_eq!(
        c.go.ldflags,
        [
            "-X github.com/acme/node/build.Commit={{version}}",
            "-X github.com/acme/node/build.CommitHash={{commit}}"
        ]
    );
    for comment in [
        "# From RELEASE_TAGS in make/release_flags.mk.",
        "#   -X $(PKG)/build.Date=$(BUILD_DATE)  (Makefile)",
        "#   -X $(PKG)/build.Gone=$(GONE)  (Makefile)",
        "#   \"./cmd/devtool\"  (not built by the -trimpath (release) build lines of scripts/release.sh)",
    ] {
        assert!(text.contains(comment), "{comment}\n{text}");
    }
    // Nothing was run.
    assert_eq!(std::fs::read_to_string(&canary).unwrap(), "still here");
    assert!(!t.path().join("canary.touched").exists());
}

/// Garbage and oversized build files: init still writes a config (exit 0),
/// proposes nothing from them, and does not take long doing it.
#[test]
fn init_survives_garbage_build_files() {
    let t = tmp();
    let m = t.path();
    // Pathological expansion: each variable refers many times to the
    // previous one; a cycle; unterminated references; binary bytes.
    let mut mk = String::from("V0 = x\nA = $(B)\nB = $(A)\n");
    for i in 1..40 {
        mk.push_str(&format!(
            "V{i} = {}\n",
            format!("$(V{})", i - 1).repeat(200)
        ));
    }
    mk.push_str(
        &"-X $(V39)=$(A) -X ${ -X $( -tags=\"$(V39)\" -trimpath go build $(V39)\n".repeat(500),
    );
    let mut bytes = mk.into_bytes();
    bytes.extend((0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    write(
        m,
        &[
            ("go.mod", "module example.com/g\n\ngo 1.27.3\n"),
            ("cmd/g/main.go", MAIN),
        ],
    );
    std::fs::write(m.join("Makefile"), &bytes).unwrap();
    std::fs::create_dir(m.join("scripts")).unwrap();
    std::fs::write(m.join("scripts/release.sh"), "-X a.b=c\n".repeat(300_000)).unwrap();
    let (text, c) = init_stdout(m);
    assert_eq!(c.project.packages, ["./cmd/g"]);
    assert!(c.go.tags.is_empty());
    // Nothing usable came from the Makefile; the oversized script is not read.
    assert!(c.go.ldflags.is_empty(), "{text}");
}

/// No main package anywhere in the module: exit 2, and the message says
/// where init looked.
#[test]
fn init_no_main_package_anywhere() {
    let t = tmp();
    write(
        t.path(),
        &[
            ("go.mod", "module example.com/lib\n"),
            ("lib.go", "package lib\n"),
            ("sub/go.mod", "module example.com/lib/sub\n"),
            ("sub/main.go", MAIN),
        ],
    );
    let o = quorate()
        .args(["init", "--stdout", "--dir"])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no main package found in this module"),
        "{}",
        stderr(&o)
    );
}
