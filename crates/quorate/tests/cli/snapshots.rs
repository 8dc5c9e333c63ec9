//! Snapshot tests of the CLI's text output (insta): what users read from
//! the main commands, their errors on bad input, and every `--help`.
//! They pin the output so that a refactor of the CLI provably changes
//! nothing a user sees. What varies between runs (temporary paths, key
//! fingerprints, signature times, tool versions) is redacted.
//!
//! Update after a deliberate change: `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test -p quorate --test cli snapshots` and
//! read the diff of `snapshots/`.

use std::path::Path;

use crate::sigfixture::{VERSION, fixture};
use crate::util::{quorate, tmp};

/// Regex redactions applied to every snapshot.
const FILTERS: &[(&str, &str)] = &[
    // OpenPGP fingerprints (40 hex digits), upper or lower case.
    (r"\b[0-9A-Fa-f]{40}\b", "[FPR]"),
    // Signature creation times.
    (
        r"signed=\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\dZ?( UTC)?",
        "signed=[TIME]",
    ),
    // git's version (doctor).
    (r"git version [0-9][^\s]*", "git version [VERSION]"),
    // quorate's own version (`--version`).
    (r"quorate \d+\.\d+\.\d+", "quorate [VERSION]"),
];

/// Runs `cmd`, and renders its exit code, stdout and stderr as one text,
/// with each `(path, name)` replaced by its name (longest first).
fn run(mut cmd: assert_cmd::Command, paths: &[(&Path, &str)]) -> String {
    let o = cmd.env("COLUMNS", "100").output().unwrap();
    let mut text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // The empty config folder every test runs with lies in the checkout's
    // target folder, which differs from one clone to another.
    let config = crate::util::empty_config();
    let mut paths: Vec<(String, &str)> = [(config.as_path(), "[CONFIG]")]
        .iter()
        .chain(paths.iter())
        .flat_map(|(p, n)| {
            let mut v = vec![(p.display().to_string(), *n)];
            if let Ok(c) = p.canonicalize() {
                v.push((c.display().to_string(), *n));
            }
            v
        })
        .collect();
    paths.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    for (p, n) in paths {
        text = text.replace(&p, n);
    }
    text
}

/// Asserts a snapshot with the shared redactions.
macro_rules! snap {
    ($name:expr, $text:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.set_prepend_module_to_snapshot(false);
        for (re, with) in FILTERS {
            settings.add_filter(re, *with);
        }
        settings.bind(|| insta::assert_snapshot!($name, $text));
    }};
}

/// A small release folder: two files and a sub-folder.
fn small_release(dir: &Path) {
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    std::fs::write(dir.join("README"), "hello\n").unwrap();
    std::fs::write(dir.join("bin/tool"), "#!/bin/sh\necho tool\n").unwrap();
}

/// Every command and sub-command, for `--help`.
const HELP: &[&[&str]] = &[
    &[],
    &["demo"],
    &["init"],
    &["build"],
    &["manifest"],
    &["package"],
    &["sign"],
    &["verify"],
    &["attest"],
    &["policy"],
    &["policy", "init"],
    &["policy", "add"],
    &["policy", "import-lnd"],
    &["policy", "show"],
    &["diff"],
    &["inspect"],
    &["reproduce"],
    &["recipe"],
    &["toolchain"],
    &["toolchain", "install"],
    &["toolchain", "list"],
    &["toolchain", "check"],
    &["toolchain", "patch-nixpkgs"],
    &["doctor"],
    &["completions"],
    &["man"],
];

#[test]
fn help_of_every_command() {
    for words in HELP {
        let mut c = quorate();
        c.args(*words).arg("--help");
        let name = format!("help_{}", words.join("_"));
        snap!(name.trim_end_matches('_'), run(c, &[]));
    }
    let mut c = quorate();
    c.arg("--version");
    snap!("version", run(c, &[]));
}

#[test]
fn manifest_create_and_check() {
    let t = tmp();
    let rel = t.path().join("rel");
    small_release(&rel);
    let paths = [(t.path(), "[TMP]")];

    let mut c = quorate();
    c.arg("manifest").arg(&rel).args(["--version", "v1.0.0"]);
    snap!("manifest_create", run(c, &paths));

    let mut c = quorate();
    c.arg("manifest")
        .arg(&rel)
        .args(["--version", "v1.0.0", "-o", "-"]);
    snap!("manifest_create_stdout", run(c, &paths));

    let m = rel.join("manifest-v1.0.0.txt");
    let mut c = quorate();
    c.arg("manifest").arg("--check").arg(&m);
    snap!("manifest_check_good", run(c, &paths));

    std::fs::write(rel.join("README"), "changed\n").unwrap();
    std::fs::write(rel.join("extra"), "x").unwrap();
    std::fs::remove_file(rel.join("bin/tool")).unwrap();
    let mut c = quorate();
    c.arg("manifest").arg("--check").arg(&m);
    snap!("manifest_check_bad", run(c, &paths));
}

#[test]
fn manifest_errors() {
    let t = tmp();
    let paths = [(t.path(), "[TMP]")];
    let mut c = quorate();
    c.arg("manifest")
        .arg(t.path().join("absent"))
        .args(["--version", "v1"]);
    snap!("manifest_error_no_folder", run(c, &paths));

    let mut c = quorate();
    c.arg("manifest").arg(t.path()).args(["--version", "a/b"]);
    snap!("manifest_error_bad_version", run(c, &paths));

    let mut c = quorate();
    c.arg("manifest")
        .arg("--check")
        .arg(t.path().join("manifest-v1.txt"));
    snap!("manifest_error_no_manifest", run(c, &paths));

    let mut c = quorate();
    c.arg("manifest");
    snap!("manifest_error_no_args", run(c, &paths));
}

#[test]
fn package_and_errors() {
    let t = tmp();
    let rel = t.path().join("rel");
    small_release(&rel);
    let paths = [(t.path(), "[TMP]")];
    let mut c = quorate();
    c.arg("package")
        .arg(&rel)
        .args(["--format", "tar.gz", "--mtime", "1700000000", "-o"])
        .arg(t.path().join("rel.tar.gz"));
    snap!("package_tar_gz", run(c, &paths));

    let mut c = quorate();
    c.arg("package")
        .arg(&rel)
        .args(["--format", "zip", "-o"])
        .arg(t.path().join("rel.zip"))
        .env_remove("SOURCE_DATE_EPOCH");
    snap!("package_error_no_mtime", run(c, &paths));

    let mut c = quorate();
    c.arg("package")
        .arg(&rel)
        .args(["--format", "zip", "--mtime", "1", "-o"])
        .arg(rel.join("inside.zip"));
    snap!("package_error_output_inside", run(c, &paths));

    let mut c = quorate();
    c.arg("package")
        .arg(&rel)
        .args(["--format", "rar", "--mtime", "1", "-o", "x.rar"]);
    snap!("package_error_bad_format", run(c, &paths));
}

/// Signs, shows the policy, and verifies: good, quorum not met, tampered.
#[test]
fn sign_policy_verify() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    small_release(&rel);
    let paths = [(t.path(), "[TMP]"), (f.keys.as_path(), "[KEYS]")];
    let mut c = quorate();
    c.arg("manifest").arg(&rel).args(["--version", VERSION]);
    run(c, &paths);
    let manifest = rel.join(format!("manifest-{VERSION}.txt"));
    for who in ["alice", "bob"] {
        let mut c = quorate();
        c.arg("sign")
            .arg(&manifest)
            .args(["--signer", who, "--key"])
            .arg(f.keys.join(format!("{who}-secret.asc")));
        snap!(format!("sign_{who}"), run(c, &paths));
    }

    let policy = t.path().join("policy.toml");
    let mut c = quorate();
    c.args(["policy", "init", "--threshold", "1", "-o"])
        .arg(&policy);
    snap!("policy_init", run(c, &paths));
    for who in ["alice", "bob", "carol"] {
        let mut c = quorate();
        c.args(["policy", "add", "--policy"])
            .arg(&policy)
            .args(["--name", who, "--key"])
            .arg(f.keys.join(format!("{who}.asc")));
        if who == "carol" {
            c.args(["--threshold", "2"]);
        }
        snap!(format!("policy_add_{who}"), run(c, &paths));
    }
    let mut c = quorate();
    c.args(["policy", "show", "--policy"]).arg(&policy);
    snap!("policy_show", run(c, &paths));

    let verify = || {
        let mut c = quorate();
        c.arg("verify").arg(&rel).arg("--policy").arg(&policy);
        c
    };
    snap!("verify_good", run(verify(), &paths));

    let bob = rel.join(format!("manifest-bob-{VERSION}.sig"));
    let bob_kept = t.path().join("bob.sig");
    std::fs::rename(&bob, &bob_kept).unwrap();
    snap!("verify_quorum_not_met", run(verify(), &paths));
    std::fs::rename(&bob_kept, &bob).unwrap();

    std::fs::write(rel.join("bin/tool"), "#!/bin/sh\necho evil\n").unwrap();
    snap!("verify_tampered", run(verify(), &paths));

    let mut c = quorate();
    c.arg("sign")
        .arg(&manifest)
        .args(["--signer", "carol", "--key"])
        .arg(f.keys.join("carol-secret.asc"));
    snap!("sign_error_files_differ", run(c, &paths));
}

#[test]
fn sign_verify_policy_errors() {
    let t = tmp();
    let paths = [(t.path(), "[TMP]")];
    let mut c = quorate();
    c.arg("sign")
        .arg(t.path().join("manifest-v1.txt"))
        .args(["--signer", "alice", "--key", "k.asc"]);
    snap!("sign_error_no_manifest", run(c, &paths));

    let mut c = quorate();
    c.arg("sign")
        .arg(t.path().join("manifest-v1.txt"))
        .args(["--signer", "a b", "--key", "k.asc"]);
    snap!("sign_error_bad_signer", run(c, &paths));

    let mut c = quorate();
    c.arg("verify").arg(t.path());
    snap!("verify_error_no_policy", run(c, &paths));

    let policy = t.path().join("p.toml");
    std::fs::write(&policy, "threshold = 1\n").unwrap();
    let mut c = quorate();
    c.arg("verify")
        .arg(t.path().join("absent"))
        .arg("--policy")
        .arg(&policy);
    snap!("verify_error_not_a_folder", run(c, &paths));

    let mut c = quorate();
    c.arg("verify").arg(t.path()).arg("--policy").arg(&policy);
    snap!("verify_error_no_manifest", run(c, &paths));

    let mut c = quorate();
    c.args(["policy", "show"]).current_dir(t.path());
    snap!("policy_show_error_none", run(c, &paths));

    let mut c = quorate();
    c.args(["policy", "show", "--policy"])
        .arg(t.path().join("absent.toml"));
    snap!("policy_show_error_absent", run(c, &paths));

    std::fs::write(t.path().join("quorate.toml"), "[project]\n").unwrap();
    let mut c = quorate();
    c.args(["policy", "show"]).current_dir(t.path());
    snap!("policy_show_error_no_trust", run(c, &paths));
}

#[test]
fn inspect_and_errors() {
    let t = tmp();
    let paths = [(t.path(), "[TMP]")];
    let rel = t.path().join("rel");
    small_release(&rel);
    let mut c = quorate();
    c.arg("package")
        .arg(&rel)
        .args(["--format", "tar.gz", "--mtime", "1700000000", "-o"])
        .arg(t.path().join("rel.tar.gz"));
    run(c, &paths);
    let mut c = quorate();
    c.arg("inspect").arg(t.path().join("rel.tar.gz"));
    snap!("inspect_tar_gz", run(c, &paths));

    let mut c = quorate();
    c.arg("inspect").arg(t.path());
    snap!("inspect_error_folder", run(c, &paths));

    let mut c = quorate();
    c.arg("inspect").arg(t.path().join("absent"));
    snap!("inspect_error_absent", run(c, &paths));
}

/// Errors of the commands that need a project, a toolchain or a repository.
#[test]
fn other_command_errors() {
    let t = tmp();
    let paths = [(t.path(), "[TMP]")];
    let mut c = quorate();
    c.arg("init").current_dir(t.path());
    snap!("init_error_no_go_mod", run(c, &paths));

    let mut c = quorate();
    c.arg("build").current_dir(t.path());
    snap!("build_error_no_config", run(c, &paths));

    let mut c = quorate();
    c.arg("diff")
        .arg(t.path().join("a"))
        .arg(t.path().join("b"));
    snap!("diff_error_absent", run(c, &paths));

    let mut c = quorate();
    c.args(["reproduce", "--release"])
        .arg(t.path().join("absent"))
        .args(["--source", "."]);
    snap!("reproduce_error_no_release", run(c, &paths));

    let mut c = quorate();
    c.args(["toolchain", "check"]).current_dir(t.path());
    snap!("toolchain_check_error_which", run(c, &paths));

    let mut c = quorate();
    c.args(["toolchain", "install", "1.2.3.4.5"])
        .current_dir(t.path());
    snap!("toolchain_install_error_bad_version", run(c, &paths));

    let mut c = quorate();
    c.args(["attest", "--repo"])
        .arg(t.path())
        .args(["--signer", "alice", "--release"])
        .arg(t.path());
    snap!("attest_error_no_manifest", run(c, &paths));

    let mut c = quorate();
    c.args(["toolchain", "list"])
        .env("QUORATE_CACHE", t.path().join("empty-cache"));
    snap!("toolchain_list_empty", run(c, &paths));

    let mut c = quorate();
    c.args(["demo", "--dir"]).arg(t.path());
    std::fs::write(t.path().join("x"), "x").unwrap();
    snap!("demo_error_not_empty", run(c, &paths));
}

/// `quorate doctor` in a folder whose quorate.toml pins a Go release that
/// is nowhere: the toolchain check fails with its hints as the fix.
#[test]
fn doctor_missing_toolchain() {
    let t = tmp();
    let cache = t.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        t.path().join("quorate.toml"),
        "[go]\nversion = \"1.99.1\"\n",
    )
    .unwrap();
    let paths = [(t.path(), "[TMP]")];
    let mut c = quorate();
    c.arg("doctor")
        .current_dir(t.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .env("HOME", t.path())
        .env("QUORATE_CACHE", &cache);
    snap!("doctor_missing_toolchain", run(c, &paths));
}
