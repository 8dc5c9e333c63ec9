//! `quorate init`, `quorate build` (plan, build, --check) and `quorate
//! demo`, against the real official Go toolchain (`QUORATE_TEST_GOROOT`),
//! git, GNU tar, unzip and sha256sum.
//!
//! The bundled example (examples/hello) is copied into fresh git
//! repositories with fixed commit dates; the first release build is made
//! once per test run ([`fixture`]) and shared.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::util::{self, example_dir, git, go_root, have, q, quorate, sh, tmp};

const TARGETS: &[&str] = &["linux-amd64", "darwin-arm64", "windows-amd64"];
const VERSION: &str = "v0.1.0";

struct Fixture {
    _dir: tempfile::TempDir,
    repo: PathBuf,
    dist: PathBuf,
}

/// The example repository built once per run (three targets).
fn fixture() -> Option<&'static Fixture> {
    static F: OnceLock<Fixture> = OnceLock::new();
    let goroot = go_root()?;
    Some(F.get_or_init(|| {
        let dir = tmp();
        let repo = dir.path().join("r");
        util::example_repo(&repo, TARGETS, |_| {});
        let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Fixture {
            dist: repo.join("dist").join(VERSION),
            repo,
            _dir: dir,
        }
    }))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir(dir);
    v.sort();
    v
}

fn walkdir(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            let what = if p.is_dir() {
                "dir".to_string()
            } else {
                util::sha256_hex(&p)
            };
            out.push(format!("{}:{what}", p.display()));
            if p.is_dir() {
                out.extend(walkdir(&p));
            }
        }
    }
    out
}

#[test]
fn three_target_build_is_identical_under_check_and_from_another_path() {
    let Some(f) = fixture() else { return };
    let goroot = go_root().unwrap();
    // Another checkout, at a longer path, of the same commit.
    let other = tmp();
    let repo2 = other
        .path()
        .join("a/much/longer/checkout/path/than/the/first");
    util::example_repo(&repo2, TARGETS, |_| {});
    assert_eq!(
        git(&f.repo, "rev-parse HEAD"),
        git(&repo2, "rev-parse HEAD")
    );
    let out = q(&goroot)
        .current_dir(&repo2)
        .args(["build", "--check", "-j", "2"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("REPRODUCIBLE: all 12 artifacts"), "{err}");
    assert!(err.contains("umask 0077"), "{err}");
    // The second build used the run's separate --check cache (the tests set
    // QUORATE_CHECK_GOCACHE), and says so.
    assert!(
        err.contains("a separate Go build cache, only --check's"),
        "{err}"
    );
    let check_cache = util::shared_cache().join("go-build-check");
    assert!(
        std::fs::read_dir(&check_cache).is_ok_and(|mut d| d.next().is_some()),
        "{} is empty",
        check_cache.display()
    );
    let m1 = std::fs::read(f.dist.join("manifest-v0.1.0.txt")).unwrap();
    let m2 = std::fs::read(repo2.join("dist/v0.1.0/manifest-v0.1.0.txt")).unwrap();
    assert_eq!(
        String::from_utf8(m1).unwrap(),
        String::from_utf8(m2).unwrap()
    );
}

#[test]
fn manifest_build_json_and_archives_are_correct() {
    let Some(f) = fixture() else { return };
    if !have("sha256sum") || !have("tar") || !have("unzip") {
        return;
    }
    // sha256sum -c accepts the manifest and every listed file matches.
    let checked = sh(&f.dist, "sha256sum -c --strict manifest-v0.1.0.txt");
    assert_eq!(
        checked.lines().filter(|l| l.ends_with(": OK")).count(),
        12,
        "{checked}"
    );
    let manifest = std::fs::read_to_string(f.dist.join("manifest-v0.1.0.txt")).unwrap();
    let paths: Vec<&str> = manifest.lines().map(|l| &l[66..]).collect();
    let mut expected = vec![
        "build.json".to_string(),
        "hello-source-v0.1.0.tar.gz".to_string(),
        "vendor.tar.gz".to_string(),
    ];
    for t in TARGETS {
        let folder = format!("hello-{t}-v0.1.0");
        let exe = if t.starts_with("windows") { ".exe" } else { "" };
        let ext = if t.starts_with("windows") {
            "zip"
        } else {
            "tar.gz"
        };
        expected.push(format!("{folder}.{ext}"));
        expected.push(format!("{folder}/hellod{exe}"));
        expected.push(format!("{folder}/hellocli{exe}"));
    }
    expected.sort();
    assert_eq!(paths, expected);

    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.dist.join("build.json")).unwrap()).unwrap();
    let commit = git(&f.repo, "rev-parse HEAD").trim().to_string();
    let ct: u64 = git(&f.repo, "log -1 --format=%ct").trim().parse().unwrap();
    assert_eq!(info["version"], VERSION);
    assert_eq!(info["commit"], commit.as_str());
    assert_eq!(info["source_date_epoch"], ct);
    assert_eq!(info["dirty"], false);
    assert_eq!(info["toolchain"]["version"], "1.27.3");
    assert_eq!(info["toolchain"]["official"], true);
    assert!(
        info["toolchain"]["digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:") && d.len() == 71),
        "{info}"
    );
    assert!(info.get("host").is_none() && info["toolchain"].get("goroot").is_none());
    assert_eq!(info["quorate_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["flags"]["cgo_enabled"], "0");
    assert_eq!(info["vendor"], "go-mod-vendor");
    assert_eq!(info["targets"], serde_json::json!(TARGETS));
    // build.json is listed in the manifest, so the signatures cover it.
    let manifest = std::fs::read_to_string(f.dist.join("manifest-v0.1.0.txt")).unwrap();
    assert!(
        manifest.contains(&format!(
            "{}  build.json\n",
            util::sha256_hex(&f.dist.join("build.json"))
        )),
        "{manifest}"
    );
    assert!(
        info["flags"]["ldflags"]
            .as_str()
            .unwrap()
            .contains(&format!("-X main.commit={commit}"))
    );

    // Archives: each target folder under its own prefix, with mtime = commit time.
    let tar = sh(&f.dist, "tar --utc -tvzf hello-linux-amd64-v0.1.0.tar.gz");
    assert!(tar.contains("hello-linux-amd64-v0.1.0/hellod"), "{tar}");
    assert!(tar.contains("2025-11-20 10:00"), "{tar}");
    assert!(tar.contains("0/0"), "{tar}");
    let zip = sh(&f.dist, "unzip -l hello-windows-amd64-v0.1.0.zip");
    assert!(
        zip.contains("hello-windows-amd64-v0.1.0/hellocli.exe"),
        "{zip}"
    );
    let vendor = sh(&f.dist, "tar -tzf vendor.tar.gz");
    assert!(vendor.contains("vendor/modules.txt"), "{vendor}");
    assert!(
        vendor.contains("vendor/example.com/greeting/greeting.go"),
        "{vendor}"
    );
    let source = sh(&f.dist, "tar -tzf hello-source-v0.1.0.tar.gz");
    let tracked = git(&f.repo, "ls-files");
    for file in tracked.lines() {
        assert!(
            source.contains(&format!("hello-source-v0.1.0/{file}")),
            "{file} missing:\n{source}"
        );
    }
    assert!(!source.contains("dist/"), "{source}");
    // The archived binaries are the listed ones.
    let x = tmp();
    sh(
        x.path(),
        &format!(
            "tar -xzf {}/hello-linux-amd64-v0.1.0.tar.gz",
            f.dist.display()
        ),
    );
    assert_eq!(
        util::sha256_hex(&x.path().join("hello-linux-amd64-v0.1.0/hellod")),
        util::sha256_hex(&f.dist.join("hello-linux-amd64-v0.1.0/hellod"))
    );
}

#[test]
fn go_version_m_shows_the_seed_settings() {
    let Some(f) = fixture() else { return };
    let goroot = go_root().unwrap();
    let go = goroot.join("bin/go");
    let bin = f.dist.join("hello-linux-amd64-v0.1.0/hellod");
    let run = |args: &str| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("{} {args}", go.display()))
            .env("GOROOT", &goroot)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned() + &stderr(&out),
        )
    };
    let (ok, info) = run(&format!("version -m {}", bin.display()));
    assert!(ok, "{info}");
    for needle in [
        "go1.27.3",
        "build\t-trimpath=true",
        "build\tCGO_ENABLED=0",
        "build\tGOAMD64=v1",
        "build\tGOOS=linux",
        "path\texample.com/hello/cmd/hellod",
    ] {
        assert!(info.contains(needle), "{needle} not in:\n{info}");
    }
    // -buildvcs=false: no VCS stamp. Go leaves -ldflags out of the build
    // info under -trimpath (golang/go#52372), so -s -w -buildid= are
    // checked on the binary itself below.
    assert!(!info.contains("vcs."), "{info}");
    let (_, id) = run(&format!("tool buildid {}", bin.display()));
    assert_eq!(id.trim(), "", "-buildid= leaves an empty build ID");
    let (ok, nm) = run(&format!("tool nm {}", bin.display()));
    assert!(
        !ok && nm.contains("no symbols"),
        "-s strips the symbol table: {nm}"
    );
    let elf = std::fs::read(&bin).unwrap();
    assert!(
        !elf.windows(12).any(|w| w == b".debug_info\0"),
        "-w drops DWARF"
    );
    // The version and commit reach the program.
    let out = std::process::Command::new(f.dist.join("hello-linux-amd64-v0.1.0/hellocli"))
        .arg("-version")
        .output()
        .unwrap();
    let commit = git(&f.repo, "rev-parse HEAD");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("hellocli v0.1.0 (commit {})", commit.trim())
    );
}

#[test]
fn dry_run_prints_the_plan_from_the_same_code() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-armv7", "windows-amd64"], |_| {});
    let out = q(&goroot)
        .current_dir(&repo)
        .env("SOURCE_DATE_EPOCH", "1234567890")
        .env("HOME", "/leaky/home")
        .args(["build", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["release"]["version"], VERSION);
    assert_eq!(plan["release"]["source_date_epoch"], 1234567890);
    let arm = &plan["targets"][0];
    assert_eq!(arm["folder"], "hello-linux-armv7-v0.1.0");
    let env: Vec<(String, String)> =
        serde_json::from_value(arm["invocation"]["env"].clone()).unwrap();
    let get = |k: &str| {
        env.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("GOARM"), Some("7"));
    assert_eq!(get("GOARCH"), Some("arm"));
    assert_eq!(get("CGO_ENABLED"), Some("0"));
    assert_eq!(get("GOFLAGS"), Some("-mod=vendor"));
    assert_ne!(get("HOME"), Some("/leaky/home"));
    let argv: Vec<String> = serde_json::from_value(arm["invocation"]["argv"].clone()).unwrap();
    assert!(
        argv.contains(&"-trimpath".to_string()) && argv.contains(&"-buildvcs=false".to_string())
    );
    assert!(
        argv.iter()
            .any(|a| a.starts_with("-ldflags=-s -w -buildid= -X main.version=v0.1.0"))
    );
    assert_eq!(
        plan["targets"][1]["archive"],
        "hello-windows-amd64-v0.1.0.zip"
    );
    assert!(!repo.join("dist").exists(), "--dry-run writes nothing");
    // The text form too, on stdout.
    let out = q(&goroot)
        .current_dir(&repo)
        .args(["build", "--dry-run"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("GOARM=7") && text.contains("hello-linux-armv7-v0.1.0/hellod"),
        "{text}"
    );
}

#[test]
fn wrong_version_and_patched_toolchain_refused() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-amd64"], |_| {});
    let config = std::fs::read_to_string(repo.join("quorate.toml")).unwrap();
    std::fs::write(
        repo.join("quorate.toml"),
        config.replace("version = \"1.27.3\"", "version = \"1.27.2\""),
    )
    .unwrap();
    git(&repo, "commit -qam pin && git tag -f v0.1.0 >/dev/null");
    let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("1.27.2") && err.contains("1.27.3") && err.contains("hint:"),
        "{err}"
    );
    assert!(!repo.join("dist").exists());

    // A Nixpkgs-style patched copy of the official toolchain.
    std::fs::write(repo.join("quorate.toml"), &config).unwrap();
    git(&repo, "commit -qam pin && git tag -f v0.1.0 >/dev/null");
    let patched = d.path().join("go-patched");
    quorate_release::toolchain::make_nixpkgs_patched_copy(&goroot, &patched, "test").unwrap();
    let out = q(&goroot)
        .current_dir(&repo)
        .arg("build")
        .arg("--toolchain")
        .arg(&patched)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("patched") && err.contains("src/time/zoneinfo_unix.go"),
        "{err}"
    );
    assert!(!repo.join("dist").exists());
}

#[test]
fn compile_error_shows_go_output_and_leaves_dist_untouched() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-amd64", "windows-amd64"], |_| {});
    let main = repo.join("cmd/hellocli/main.go");
    let src = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        src.replace(
            "fmt.Println(greeting.Hello(flag.Arg(0)))",
            "fmt.Println(noSuchThing)",
        ),
    )
    .unwrap();
    git(&repo, "commit -qam broken && git tag -f v0.1.0 >/dev/null");
    // An earlier release is already in dist/.
    std::fs::create_dir_all(repo.join("dist/v0.1.0")).unwrap();
    std::fs::write(repo.join("dist/v0.1.0/marker"), "earlier").unwrap();
    let before = listing(&repo.join("dist"));
    let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cmd/hellocli/main.go") && err.contains("undefined: noSuchThing"),
        "{err}"
    );
    assert!(
        err.contains("linux-amd64") && err.contains("windows-amd64"),
        "{err}"
    );
    assert_eq!(listing(&repo.join("dist")), before);
    // Without an earlier dist/, none is left behind.
    std::fs::remove_dir_all(repo.join("dist")).unwrap();
    let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!repo.join("dist").exists());
}

#[test]
fn bad_config_names_key_and_line() {
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-amd64", "linux-sparc64"], |_| {});
    let config = std::fs::read_to_string(repo.join("quorate.toml")).unwrap();
    let line = config
        .lines()
        .position(|l| l.contains("linux-sparc64"))
        .unwrap()
        + 1;
    let out = quorate()
        .current_dir(&repo)
        .args(["build", "--dry-run"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("quorate.toml:{line}:")), "{err}");
    assert!(
        err.contains("project.targets") && err.contains("unknown target `linux-sparc64`"),
        "{err}"
    );
    assert!(
        err.contains("linux-armv7"),
        "lists the valid targets: {err}"
    );

    let fixed = config
        .replace(", \"linux-sparc64\"", "")
        .replace("vendor = \"auto\"", "vendor = \"auto\"\ncolour = \"red\"");
    std::fs::write(repo.join("quorate.toml"), &fixed).unwrap();
    let line = fixed.lines().position(|l| l.starts_with("colour")).unwrap() + 1;
    let out = quorate()
        .current_dir(&repo)
        .args(["build", "--dry-run", "--allow-dirty"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("quorate.toml:{line}:")) && err.contains("go.colour"),
        "{err}"
    );
}

#[test]
fn dirty_tree_refused_unless_allowed_and_recorded() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-amd64"], |_| {});
    let greeting = repo.join("greeting/greeting.go");
    let src = std::fs::read_to_string(&greeting).unwrap();
    std::fs::write(&greeting, src.replace("Hello, %s!", "Howdy, %s!")).unwrap();
    let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("dirty")
            && err.contains("greeting/greeting.go")
            && err.contains("--allow-dirty"),
        "{err}"
    );
    assert!(!repo.join("dist").exists());
    let out = q(&goroot)
        .current_dir(&repo)
        .args(["build", "--allow-dirty"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("dist/v0.1.0/build.json")).unwrap())
            .unwrap();
    assert_eq!(info["dirty"], true);
    let bin = std::fs::read(repo.join("dist/v0.1.0/hello-linux-amd64-v0.1.0/hellocli")).unwrap();
    assert!(
        bin.windows(6).any(|w| w == b"Howdy,"),
        "the working tree's content was built"
    );
}

#[test]
fn no_tag_needs_version() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-amd64"], |_| {});
    git(&repo, "tag -d v0.1.0 >/dev/null");
    let out = q(&goroot)
        .current_dir(&repo)
        .args(["build", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--version"), "{}", stderr(&out));
    let out = q(&goroot)
        .current_dir(&repo)
        .args(["build", "--dry-run", "--json", "--version", "v9.9.9"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["source_archive"], "hello-source-v9.9.9.tar.gz");
}

#[test]
fn init_writes_a_config_build_accepts() {
    let d = tmp();
    let m = d.path();
    sh(
        m,
        &format!("cp -R {}/. . && rm quorate.toml", example_dir().display()),
    );
    quorate().current_dir(m).arg("init").assert().success();
    let text = std::fs::read_to_string(m.join("quorate.toml")).unwrap();
    for needle in [
        "\"./cmd/hellocli\"",
        "\"./cmd/hellod\"",
        "linux-armv6",
        "windows-amd64",
        "{{version}}",
        "[trust]",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    let before = text.clone();
    let out = quorate().current_dir(m).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(m.join("quorate.toml")).unwrap(),
        before
    );
    quorate()
        .current_dir(m)
        .args(["init", "--force", "--go-version", "go1.27.3"])
        .assert()
        .success();
    // It parses as a config build accepts (no git needed to get that far).
    let c = quorate_release::config::Config::load(&m.join("quorate.toml")).unwrap();
    assert_eq!(c.project.targets.len(), 8);
    assert_eq!(c.go.version, "1.27.3");
    let empty = tmp();
    let out = quorate()
        .current_dir(empty.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("go.mod"));
}

/// The whole demo, once per run (it is the slowest test), with the options
/// a user would try: `--keep` (a temporary folder kept and named at the
/// end), `--targets`, `-j` and `--toolchain`.
#[test]
fn demo_tells_the_whole_story() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let out = quorate()
        .env("TMPDIR", d.path())
        .env_remove("QUORATE_GO")
        .args([
            "demo",
            "--keep",
            "--targets",
            "linux-amd64,windows-amd64",
            "-j",
            "2",
        ])
        .arg("--toolchain")
        .arg(&goroot)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // Two targets: two binaries and an archive each, vendor and source
    // archives, build.json.
    assert!(err.contains("REPRODUCIBLE: all 9 artifacts"), "{err}");
    assert!(
        err.contains("  targets: linux-amd64 windows-amd64\n"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "found Go 1.27.3 at {} (via the path given)",
            goroot.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "==> rebuilding hello v0.1.0 for 2 targets with Go 1.27.3 (SOURCE_DATE_EPOCH="
        ),
        "{err}"
    );
    assert!(err.contains(", 2 at once)\n"), "{err}");
    let kept = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("Everything is in "))
        .map(|p| std::path::Path::new(p.trim_end_matches(['.', ':'])).to_path_buf())
        .unwrap_or_else(|| panic!("no kept folder named:\n{err}"));
    assert!(kept.starts_with(d.path()), "{}", kept.display());
    let manifest =
        std::fs::read_to_string(kept.join("hello/dist/v0.1.0/manifest-v0.1.0.txt")).unwrap();
    let paths: Vec<&str> = manifest.lines().map(|l| &l[66..]).collect();
    assert_eq!(
        paths,
        [
            "build.json",
            "hello-linux-amd64-v0.1.0.tar.gz",
            "hello-linux-amd64-v0.1.0/hellocli",
            "hello-linux-amd64-v0.1.0/hellod",
            "hello-source-v0.1.0.tar.gz",
            "hello-windows-amd64-v0.1.0.zip",
            "hello-windows-amd64-v0.1.0/hellocli.exe",
            "hello-windows-amd64-v0.1.0/hellod.exe",
            "vendor.tar.gz",
        ]
    );
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(kept.join("hello/dist/v0.1.0/build.json")).unwrap())
            .unwrap();
    assert_eq!(
        info["targets"],
        serde_json::json!(["linux-amd64", "windows-amd64"])
    );
    assert_eq!(info["toolchain"]["official"], true);
    assert!(err.contains("CAUGHT"), "{err}");
    assert!(err.contains("hello-linux-amd64-v0.1.0/hellod"), "{err}");
    assert!(err.contains("/nix/store/"), "{err}");
    // The patched-toolchain diff names its cause and nothing spurious: the
    // knock-on differences follow from it (issue 17 item 1).
    assert!(err.contains("patched-toolchain"), "{err}");
    for wrong in [
        "embedded-string",
        "an embedded string differs",
        "same `-X` values",
    ] {
        assert!(
            !err.contains(wrong),
            "spurious {wrong:?} in the demo:\n{err}"
        );
    }
    // Step 7 compares what both manifests list: the official release is
    // signed by then, the patched one is not, and its signatures are no
    // difference to explain. Its subjects are the store packages, not the
    // system paths they replaced.
    assert!(!err.contains("file-set"), "{err}");
    assert!(!err.contains(".sig ["), "{err}");
    let patched_line = err
        .lines()
        .find(|l| l.contains("patched Go toolchain (Nix store paths embedded):"))
        .unwrap_or_else(|| panic!("no patched-toolchain finding:\n{err}"));
    assert!(patched_line.contains("tzdata"), "{patched_line}");
    assert!(!patched_line.contains("/etc/"), "{patched_line}");
    // Step 3 says the plan shown is one target's.
    assert!(err.contains("its first target of 2:"), "{err}");
    // Where it works and that it keeps the folder (--dir), said first and last.
    assert!(
        err.contains("Working in ") && err.contains("kept at the end"),
        "{err}"
    );
    assert!(err.contains("Everything is in "), "{err}");
    // The whole policy is shown (every signer's pin), and every quorum is
    // worded the same way.
    let policy = std::fs::read_to_string(kept.join("trust/policy.toml")).unwrap();
    for line in policy.lines().filter(|l| !l.trim().is_empty()) {
        assert!(err.contains(line), "policy line {line:?} missing:\n{err}");
    }
    assert!(err.contains("quorum: 2 of 3 required: MET"), "{err}");
    assert!(!err.contains("builders required"), "{err}");
    if let Ok(f) = std::env::var("QUORATE_DEMO_LOG") {
        std::fs::write(f, err.as_bytes()).unwrap();
    }
    // Windows programs do not read the patched paths: unchanged.
    let official = std::fs::read(kept.join("hello/dist/v0.1.0/manifest-v0.1.0.txt")).unwrap();
    let patched = std::fs::read(kept.join("dist-patched/v0.1.0/manifest-v0.1.0.txt")).unwrap();
    let line = |m: &[u8], p: &str| {
        String::from_utf8_lossy(m)
            .lines()
            .find(|l| l.ends_with(p))
            .unwrap()
            .to_string()
    };
    assert_eq!(line(&official, "hellod.exe"), line(&patched, "hellod.exe"));
    assert_ne!(
        line(&official, "linux-amd64-v0.1.0/hellod"),
        line(&patched, "linux-amd64-v0.1.0/hellod")
    );
    let info: serde_json::Value = serde_json::from_slice(
        &std::fs::read(kept.join("dist-patched/v0.1.0/build.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(info["toolchain"]["official"], false);
}

#[test]
fn committed_vendor_is_used_and_unwritable_dist_is_an_error() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-arm64"], |_| {});
    sh(
        &repo,
        &format!(
            "env -i PATH=/usr/bin:/bin HOME={h} GOCACHE={h}/c GOPATH={h}/p GOPROXY=off GOTOOLCHAIN=local {go} mod vendor",
            h = d.path().display(),
            go = goroot.join("bin/go").display()
        ),
    );
    let config = std::fs::read_to_string(repo.join("quorate.toml")).unwrap();
    std::fs::write(
        repo.join("quorate.toml"),
        config.replace("vendor = \"auto\"", "vendor = \"committed\""),
    )
    .unwrap();
    git(
        &repo,
        "add . && git commit -qm vendor && git tag -f v0.1.0 >/dev/null",
    );
    // A dist path that cannot be created (under a regular file).
    std::fs::write(d.path().join("file"), "x").unwrap();
    let out = q(&goroot)
        .current_dir(&repo)
        .args(["build", "--dist"])
        .arg(d.path().join("file/dist"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("file/dist") && err.contains("hint:"), "{err}");
    assert_eq!(std::fs::read(d.path().join("file")).unwrap(), b"x");
    let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dist = repo.join("dist/v0.1.0");
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("build.json")).unwrap()).unwrap();
    assert_eq!(info["vendor"], "committed");
    let vendor = sh(&dist, "tar -tzf vendor.tar.gz");
    assert!(
        vendor.contains("vendor/example.com/greeting/greeting.go"),
        "{vendor}"
    );
    // The source tarball holds the committed vendor/ too (it is tracked).
    let source = sh(&dist, "tar -tzf hello-source-v0.1.0.tar.gz");
    assert!(
        source.contains("hello-source-v0.1.0/vendor/modules.txt"),
        "{source}"
    );
}

/// Issue 14 item 2 (and item 1 for quorate.toml): linker flags that choose
/// outputs or run programs, and packages or tags that would be read as
/// flags, are refused while reading quorate.toml, naming the line; nothing
/// runs and nothing is written, in the output folder or elsewhere.
#[test]
fn flags_that_write_elsewhere_or_run_programs_are_refused() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let elsewhere = d.path().join("elsewhere");
    let marker = d.path().join("marker");
    let e = elsewhere.display().to_string();
    let m = marker.display().to_string();
    let cases: Vec<(String, String, &str)> = vec![
        (
            "ldflags = [".into(),
            format!("ldflags = [\"-o {e}\", "),
            "chooses an output, runs another program or changes how quorate links",
        ),
        (
            "ldflags = [".into(),
            format!("ldflags = [\"-o={e}\", "),
            "chooses an output",
        ),
        (
            "ldflags = [".into(),
            format!("ldflags = [\"-X main.x=1 -o {e}\", "),
            "\"-o\"",
        ),
        (
            "ldflags = [".into(),
            format!("ldflags = [\"-extld=touch {m}\", "),
            "\"-extld=touch\"",
        ),
        (
            "ldflags = [".into(),
            "ldflags = [\"-extldflags=-static\", ".into(),
            "chooses an output",
        ),
        (
            "ldflags = [".into(),
            "ldflags = [\"-linkmode=external\", ".into(),
            "chooses an output",
        ),
        (
            "ldflags = [".into(),
            format!("ldflags = [\"-toolexec={m}\", "),
            "chooses an output",
        ),
        (
            "ldflags = [".into(),
            "ldflags = [\"-overlay=o.json\", ".into(),
            "chooses an output",
        ),
        (
            "ldflags = [".into(),
            "ldflags = [\"-r /tmp\", ".into(),
            "chooses an output",
        ),
        (
            "ldflags = [".into(),
            format!("ldflags = [\"-X main.x={e} -I {m}\", "),
            "\"-I\"",
        ),
        (
            "ldflags = [".into(),
            "ldflags = [\"-X main.x=a\\tb\", ".into(),
            "control characters",
        ),
        (
            "packages = [".into(),
            format!("packages = [\"-toolexec=touch {m}\", "),
            "must be a path inside the module",
        ),
        (
            "packages = [".into(),
            "packages = [\"./cmd/...\", ".into(),
            "`..`, `...` and flags are refused",
        ),
        (
            "tags = []".into(),
            "tags = [\"-toolexec=x\"]".into(),
            "build tag",
        ),
    ];
    for (i, (from, to, needle)) in cases.iter().enumerate() {
        let repo = d.path().join(format!("r{i}"));
        util::example_repo(&repo, &["linux-amd64"], |dir| {
            let c = std::fs::read_to_string(dir.join("quorate.toml")).unwrap();
            assert!(c.contains(from.as_str()));
            std::fs::write(dir.join("quorate.toml"), c.replacen(from.as_str(), to, 1)).unwrap();
        });
        let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{to}: {err}");
        assert!(err.contains("quorate.toml:"), "{to}: {err}");
        assert!(err.contains(needle), "{to}: wants {needle:?}: {err}");
        assert!(!repo.join("dist").exists(), "{to}");
        assert!(!elsewhere.exists() && !marker.exists(), "{to}");
    }
}

/// `go build` writes into a private folder, ends its flags with `--`, and
/// only the planned binaries reach the release.
#[test]
fn go_build_ends_flags_and_writes_into_a_private_folder() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-amd64"], |_| {});
    let out = q(&goroot)
        .current_dir(&repo)
        .args(["build", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let argv: Vec<String> =
        serde_json::from_value(plan["targets"][0]["invocation"]["argv"].clone()).unwrap();
    let o = argv.iter().position(|a| a == "-o").unwrap();
    assert_eq!(argv[o + 1], "../bin/hello-linux-amd64-v0.1.0/");
    assert_eq!(argv[o + 2], "--");
    assert_eq!(argv[o + 3..], ["./cmd/hellod", "./cmd/hellocli"]);
}

/// `--check`'s failure path on a real difference: the verdict NOT
/// REPRODUCIBLE, exit code 1, the artifacts that differ and why.
///
/// quorate scrubs what a build could pick up from its surroundings (the
/// environment is cleared and rebuilt, paths are trimmed, modes are
/// normalised, the copy holds only tracked files), so no environment
/// variable or path makes the two builds differ. One input it cannot scrub
/// is the content of the Go build cache: the first build reuses the one in
/// quorate's cache folder, the varied build starts from an empty one (that
/// is why it does). Go checks only the size of a cache entry it reuses, so
/// an entry altered in place (a poisoned or corrupted shared cache) makes
/// the first build's binaries differ from what the source compiles to. The
/// test alters, in a private copy of the cache, the compiled `main` package
/// of hellod: a string it links in, changed at the same length.
#[test]
fn check_fails_on_a_poisoned_go_build_cache_and_explains_it() {
    let Some(goroot) = go_root() else { return };
    let d = tmp();
    let repo = d.path().join("r");
    const CLEAN: &str = "quorate-check-cache-marker-CLEAN";
    const POISON: &str = "quorate-check-cache-marker-EVIL!";
    util::example_repo(&repo, &["linux-amd64"], |dir| {
        std::fs::write(
            dir.join("cmd/hellod/marker.go"),
            format!(
                "package main\n\nimport \"os\"\n\nvar marker = \"{CLEAN}\"\n\n\
                 func init() {{\n\tif len(os.Args) > 99 {{\n\t\tprintln(marker)\n\t}}\n}}\n"
            ),
        )
        .unwrap();
    });
    // A private cache: the shared Go build cache hard-linked (the standard
    // library is compiled already), then this module's first build.
    let cache = d.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    sh(
        d.path(),
        &format!(
            "cp -al {}/go-build cache/go-build 2>/dev/null || true",
            util::shared_cache().display()
        ),
    );
    let build = |args: &[&str]| {
        q(&goroot)
            .current_dir(&repo)
            .env("QUORATE_CACHE", &cache)
            .args(args)
            .output()
            .unwrap()
    };
    let out = build(&["build", "-j", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hellod = repo.join("dist/v0.1.0/hello-linux-amd64-v0.1.0/hellod");
    let has = |path: &Path, s: &str| {
        std::fs::read(path)
            .unwrap()
            .windows(s.len())
            .any(|w| w == s.as_bytes())
    };
    assert!(has(&hellod, CLEAN));
    // Poison the cache entries that hold the marker: new files (the
    // originals may be hard links into the shared cache), same size.
    let mut poisoned = 0;
    for e in walkdir_files(&cache.join("go-build")) {
        let bytes = std::fs::read(&e).unwrap();
        let at: Vec<usize> = (0..bytes.len().saturating_sub(CLEAN.len() - 1))
            .filter(|&i| bytes[i..].starts_with(CLEAN.as_bytes()))
            .collect();
        if at.is_empty() {
            continue;
        }
        let mut bad = bytes.clone();
        for i in at {
            bad[i..i + POISON.len()].copy_from_slice(POISON.as_bytes());
        }
        std::fs::remove_file(&e).unwrap();
        std::fs::write(&e, bad).unwrap();
        poisoned += 1;
    }
    assert!(poisoned >= 1, "no cache entry holds the marker");

    let out = build(&["build", "--check", "-j", "1", "--json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // The first build used the poisoned entry, the varied one compiled afresh.
    assert!(has(&hellod, POISON), "{err}");
    let kept = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("the second build is kept in "))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no kept second build in:\n{err}"));
    let second_hellod = kept.join("hello-linux-amd64-v0.1.0/hellod");
    assert!(has(&second_hellod, CLEAN), "{err}");
    assert!(
        err.contains("NOT REPRODUCIBLE: 2 of 6 artifacts differ:"),
        "{err}"
    );
    for artifact in [
        "hello-linux-amd64-v0.1.0.tar.gz",
        "hello-linux-amd64-v0.1.0/hellod",
    ] {
        assert!(err.contains(&format!("  {artifact}  (differs)")), "{err}");
    }
    // The explanation: quorate diff of the two builds, down to the string
    // in the binary's .rodata, inside the archive too.
    assert!(err.contains("Why (quorate diff "), "{err}");
    assert!(
        err.contains("1. an embedded string differs: \"EVIL!\" → \"CLEAN\" [embedded-string"),
        "{err}"
    );
    assert!(
        err.contains(
            "hello-linux-amd64-v0.1.0.tar.gz › hello-linux-amd64-v0.1.0/hellod › .rodata @ 0x"
        ),
        "{err}"
    );
    // --json says the same, with both digests of each artifact.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["check"]["reproducible"], false, "{v:#}");
    let diffs = v["check"]["differences"].as_array().unwrap();
    let paths: Vec<&str> = diffs.iter().map(|x| x["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "hello-linux-amd64-v0.1.0.tar.gz",
            "hello-linux-amd64-v0.1.0/hellod"
        ],
        "{v:#}"
    );
    assert_eq!(diffs[1]["first"], util::sha256_hex(&hellod), "{v:#}");
    assert_eq!(
        diffs[1]["second"],
        util::sha256_hex(&second_hellod),
        "{v:#}"
    );
    std::fs::remove_dir_all(kept.parent().unwrap()).unwrap();
}

/// Every regular file under `dir`.
fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}
