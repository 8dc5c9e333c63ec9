//! Shared test helpers: temp dirs, running quorate, finding peer tools.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A `quorate` command with a clean environment for colour and cache.
pub fn quorate() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("quorate").unwrap();
    c.env("NO_COLOR", "1")
        .env("QUORATE_CACHE", shared_cache())
        // `build --check`'s second build: one cache of its own for the run,
        // apart from the first builds' (fresh at the start of a CI run).
        .env(
            "QUORATE_CHECK_GOCACHE",
            shared_cache().join("go-build-check"),
        )
        .env("XDG_CONFIG_HOME", empty_config());
    c
}

/// An empty config folder, so that no test reads the developer's own
/// `~/.config/quorate/policy.toml`.
pub fn empty_config() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-config-empty");
    std::fs::create_dir_all(&p).unwrap();
    p.canonicalize().unwrap()
}

/// One cache (toolchains, Go build cache) shared by all tests of a run.
pub fn shared_cache() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-cache");
    std::fs::create_dir_all(&p).unwrap();
    p.canonicalize().unwrap()
}

/// A fresh temporary folder for one test.
pub fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("quorate-test-")
        .tempdir()
        .unwrap()
}

/// True under CI (`CI=true`), where a missing peer tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// The one rule for a missing prerequisite (a peer tool, the Go toolchain,
/// root): returns `present`. When it is missing, under CI (`CI=true`) the
/// test fails loudly, naming `what` and `how` to get it; elsewhere it prints
/// a SKIP line and the caller returns early.
pub fn need(what: &str, present: bool, how: &str) -> bool {
    need_under(in_ci(), what, present, how)
}

/// [`need`] with CI given, not read from the environment.
pub fn need_under(ci: bool, what: &str, present: bool, how: &str) -> bool {
    if !present {
        assert!(!ci, "{what} is required under CI=true; {how}");
        eprintln!("SKIP: {what} is missing ({how})");
    }
    present
}

/// Returns true when `tool` is on PATH ([`need`]'s rule when it is not).
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    need(tool, found, "scripts/test installs it")
}

/// True when the tests run as root (uid 0).
pub fn is_root() -> bool {
    sh(Path::new("/"), "id -u").trim() == "0"
}

/// Returns true when the tests run as root, which `why` needs ([`need`]'s
/// rule when they do not: CI runs as root, so there it fails).
pub fn need_root(why: &str) -> bool {
    need(
        &format!("root ({why})"),
        is_root(),
        "run the tests as root, as CI does",
    )
}

/// The official Go toolchain (GOROOT) the test setup installed, from
/// `QUORATE_TEST_GOROOT` ([`need`]'s rule when it is missing).
pub fn go_root() -> Option<PathBuf> {
    let root = std::env::var_os("QUORATE_TEST_GOROOT")
        .map(PathBuf::from)
        .filter(|p| p.join("bin/go").exists());
    need(
        "QUORATE_TEST_GOROOT (a Go toolchain)",
        root.is_some(),
        "scripts/test sets it: export QUORATE_TEST_GOROOT=$(scripts/install-go)",
    )
    .then(|| root.unwrap())
}

/// Runs a shell command in `dir`, asserting success; returns stdout.
pub fn sh(dir: &Path, script: &str) -> String {
    let out = Command::new("bash")
        .arg("-ec")
        .arg(script)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{script}` failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// SHA-256 of a file as lowercase hex.
pub fn sha256_hex(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bundled example module (examples/hello).
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hello")
}

/// Runs git (a shell snippet after `git `) in `dir` with no user or system
/// config, a fixed identity and a fixed date; returns stdout.
pub fn git(dir: &Path, script: &str) -> String {
    sh(
        dir,
        &format!(
            "export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
             GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t \
             GIT_AUTHOR_DATE=2025-11-20T10:00:00Z GIT_COMMITTER_DATE=2025-11-20T10:00:00Z; git {script}"
        ),
    )
}

/// Writes the example module into `dir` with its `targets` replaced,
/// lets `edit` change it, then commits it (fixed date) and tags v0.1.0.
pub fn example_repo(dir: &Path, targets: &[&str], edit: impl FnOnce(&Path)) {
    std::fs::create_dir_all(dir).unwrap();
    sh(dir, &format!("cp -R {}/. .", example_dir().display()));
    let config = std::fs::read_to_string(dir.join("quorate.toml")).unwrap();
    let start = config.find("targets = [").unwrap();
    let len = config[start..].find(']').unwrap();
    let list = targets
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let config = format!(
        "{}targets = [{list}]{}",
        &config[..start],
        &config[start + len + 1..]
    );
    std::fs::write(dir.join("quorate.toml"), config).unwrap();
    edit(dir);
    git(
        dir,
        "init -q && git add . && git commit -q -m release && git tag v0.1.0",
    );
}

/// `quorate` with `goroot` as its Go toolchain (`QUORATE_GO`) and no
/// SOURCE_DATE_EPOCH from the environment.
pub fn q(goroot: &Path) -> assert_cmd::Command {
    let mut c = quorate();
    c.env("QUORATE_GO", goroot).env_remove("SOURCE_DATE_EPOCH");
    c
}

/// A folder of the test data (`tests/data/<name>`).
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Copies the test project `tests/data/<project>` into `dir` and commits
/// it (fixed date) tagged v0.1.0.
pub fn tagged_repo(dir: &Path, project: &str) {
    std::fs::create_dir_all(dir).unwrap();
    sh(dir, &format!("cp -R {}/. .", data(project).display()));
    git(
        dir,
        "init -q && git add . && git commit -q -m release && git tag v0.1.0",
    );
}

/// The environment of a release made by a foreign tool: `goroot`'s go
/// first on a system PATH, `home` as HOME, no user go env, the module and
/// build caches quorate's tests share (deps come from the Go module proxy
/// once).
pub fn go_env(c: &mut Command, goroot: &Path, home: &Path) {
    let cache = shared_cache();
    c.env_clear()
        .env(
            "PATH",
            format!(
                "{}:/usr/local/bin:/usr/bin:/bin",
                goroot.join("bin").display()
            ),
        )
        .env("HOME", home)
        .env("GOENV", "off")
        .env("GOPATH", cache.join("gopath"))
        .env("GOCACHE", cache.join("go-build"))
        .env("GOTOOLCHAIN", "local");
    if let Ok(p) = std::env::var("GOPROXY") {
        c.env("GOPROXY", p);
    }
}

/// A folder `dir/bin` holding only `go` and `git`: quorate runs with it as
/// PATH, so no host tar, gzip or zip can take part.
pub fn bare_path(dir: &Path, goroot: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(goroot.join("bin/go"), bin.join("go")).unwrap();
    let git = sh(dir, "command -v git");
    std::os::unix::fs::symlink(git.trim(), bin.join("git")).unwrap();
    for t in ["tar", "gzip", "zip", "sha256sum"] {
        assert!(!bin.join(t).exists());
    }
    bin
}

/// `quorate reproduce --release REL --source SRC ARGS…` with only `bin`
/// (see [`bare_path`]) on PATH, so no host tar, gzip or zip can take part.
pub fn reproduce_bare(
    goroot: &Path,
    bin: &Path,
    rel: &Path,
    src: &Path,
    args: &[&std::ffi::OsStr],
) -> std::process::Output {
    q(goroot)
        .env("PATH", bin)
        .arg("reproduce")
        .arg("--release")
        .arg(rel)
        .arg("--source")
        .arg(src)
        .args(args)
        .output()
        .unwrap()
}

/// The Go toolchain when it and every one of `tools` are present
/// ([`need`]'s rule for each).
pub fn go_and(tools: &[&str]) -> Option<PathBuf> {
    let goroot = go_root()?;
    tools.iter().all(|t| have(t)).then_some(goroot)
}
