//! Options and statuses `--help` promises that no other test ran: one test
//! each, asserting the output and the exit code, against the real peers
//! (ssh-keygen, gpg) where they can say the same. Also the rule every test
//! here follows: under `CI=true` a missing prerequisite fails.

use std::path::Path;
use std::process::{Command, Output};

use crate::sigfixture::{self, VERSION};
use crate::util::{self, go_root, have, quorate, sh, tmp};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// --- prerequisites ------------------------------------------------------

/// The one helper for "this test needs X": present, it says yes; missing,
/// it skips outside CI and fails under CI.
#[test]
fn need_fails_under_ci_and_skips_elsewhere() {
    assert!(util::need_under(true, "a tool", true, "install it"));
    assert!(!util::need_under(false, "a tool", false, "install it"));
    let e = std::panic::catch_unwind(|| util::need_under(true, "a tool", false, "install it"))
        .unwrap_err();
    let msg = e
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_else(|| e.downcast_ref::<&str>().unwrap().to_string());
    assert_eq!(msg, "a tool is required under CI=true; install it");
}

/// `CI=true` with a prerequisite missing fails the suite: this test binary
/// runs two real tests in a child, once with the Go toolchain unset and
/// once with no tool on PATH. Under CI both fail, naming what is missing;
/// outside CI both pass with a SKIP line.
#[test]
fn ci_true_with_a_prerequisite_missing_fails_the_test() {
    let exe = std::env::current_exe().unwrap();
    let empty = tmp();
    let run = |test: &str, ci: bool, no_path: bool| {
        let mut c = Command::new(&exe);
        c.args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env_remove("QUORATE_TEST_GOROOT")
            .env_remove("CI");
        if ci {
            c.env("CI", "true");
        }
        if no_path {
            c.env("PATH", empty.path());
        }
        c.output().unwrap()
    };
    for (test, no_path, missing) in [
        (
            "build::no_tag_needs_version",
            false,
            "QUORATE_TEST_GOROOT (a Go toolchain) is required under CI=true",
        ),
        (
            "manifest::unreadable_file_is_named",
            true,
            "setpriv is required under CI=true",
        ),
    ] {
        let o = run(test, true, no_path);
        let (out, err) = (stdout(&o), stderr(&o));
        assert_ne!(o.status.code(), Some(0), "{test}:\n{out}\n{err}");
        assert!(
            out.contains(missing) || err.contains(missing),
            "{test}:\n{out}\n{err}"
        );
        assert!(out.contains("1 failed"), "{test}:\n{out}");
        let o = run(test, false, no_path);
        let (out, err) = (stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(0), "{test}:\n{out}\n{err}");
        assert!(
            err.contains("SKIP: ") || out.contains("SKIP: "),
            "{out}{err}"
        );
        assert!(out.contains("1 passed"), "{test}:\n{out}");
    }
}

// --- init --------------------------------------------------------------

/// `init --dir D --stdout` prints the config and writes nothing; `init
/// --dir D` writes the same text to D/quorate.toml, once.
#[test]
fn init_stdout_and_dir() {
    let t = tmp();
    let module = t.path().join("module");
    std::fs::create_dir(&module).unwrap();
    sh(
        &module,
        &format!(
            "cp -R {}/. . && rm quorate.toml",
            util::example_dir().display()
        ),
    );
    let o = quorate()
        .current_dir(t.path())
        .args(["init", "--dir", "module", "--stdout"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let printed = stdout(&o);
    for want in [
        "[project]",
        "name = \"hello\"",
        "\"./cmd/hellocli\"",
        "\"./cmd/hellod\"",
        "\"linux-amd64\"",
        "version = \"1.27.3\"",
    ] {
        assert!(printed.contains(want), "{want}:\n{printed}");
    }
    assert!(!module.join("quorate.toml").exists());
    let o = quorate()
        .current_dir(t.path())
        .args(["init", "--dir", "module"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(module.join("quorate.toml")).unwrap(),
        printed
    );
    let o = quorate()
        .current_dir(t.path())
        .args(["init", "--dir", "module"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    let o = quorate()
        .current_dir(t.path())
        .args(["init", "--dir", "no-such-module"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-module"), "{}", stderr(&o));
}

// --- sign --------------------------------------------------------------

/// ssh-keygen's verdict on an SSH signature of `data` by `key_pub`.
fn ssh_verify(dir: &Path, key_pub: &Path, sig: &Path, data: &Path) -> Output {
    let allowed = dir.join("allowed_signers");
    let pk = std::fs::read_to_string(key_pub).unwrap();
    std::fs::write(&allowed, format!("signer {}", pk.trim())).unwrap();
    Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&allowed)
        .args(["-I", "signer", "-n", "file", "-s"])
        .arg(sig)
        .stdin(std::fs::File::open(data).unwrap())
        .output()
        .unwrap()
}

fn keygen(dir: &Path, name: &str, args: &str) {
    sh(
        dir,
        &format!("ssh-keygen -q {args} -C {name} -f {name} </dev/null"),
    );
}

/// `-o` writes the signature where asked; ECDSA keys sign (ssh-keygen
/// accepts the signature); an encrypted key needs `QUORATE_PASSPHRASE`;
/// RSA SSH keys (here 1024-bit, weak) are refused; nothing is written
/// when signing fails.
#[test]
fn sign_output_ecdsa_encrypted_and_refused_ssh_keys() {
    if sigfixture::fixture().is_none() {
        return;
    }
    let f = sigfixture::fixture().unwrap();
    let t = tmp();
    let rel = t.path().join("rel");
    let m = f.release(&rel);
    let keys = t.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    keygen(&keys, "ecdsa", "-t ecdsa -b 256 -N ''");
    keygen(&keys, "locked", "-t ed25519 -N s3cret");
    keygen(&keys, "weak", "-t rsa -b 1024 -N ''");
    keygen(&keys, "rsa2048", "-t rsa -b 2048 -N ''");
    let sign = |key: &str, out: Option<&Path>, pass: Option<&str>| {
        let mut c = quorate();
        c.env_remove("QUORATE_PASSPHRASE")
            .arg("sign")
            .arg(&m)
            .args(["--signer", key, "--ssh-key"])
            .arg(keys.join(key));
        if let Some(o) = out {
            c.arg("-o").arg(o);
        }
        if let Some(p) = pass {
            c.env("QUORATE_PASSPHRASE", p);
        }
        c.output().unwrap()
    };
    let beside = |who: &str| rel.join(format!("manifest-{who}-{VERSION}.sshsig"));

    // ECDSA P-256, to a file named with -o.
    let custom = t.path().join("elsewhere.sshsig");
    let o = sign("ecdsa", Some(&custom), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(custom.is_file() && !beside("ecdsa").exists());
    assert!(
        std::fs::read_to_string(&custom)
            .unwrap()
            .starts_with("-----BEGIN SSH SIGNATURE-----")
    );
    let v = ssh_verify(t.path(), &keys.join("ecdsa.pub"), &custom, &m);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(stdout(&v).contains("Good \"file\" signature for signer with ECDSA key"));

    // An encrypted key: asked for, refused when wrong, used when right.
    let o = sign("locked", None, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("QUORATE_PASSPHRASE"), "{}", stderr(&o));
    let o = sign("locked", None, Some("wrong"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("passphrase"), "{}", stderr(&o));
    assert!(!beside("locked").exists());
    let o = sign("locked", None, Some("s3cret"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = ssh_verify(t.path(), &keys.join("locked.pub"), &beside("locked"), &m);
    assert!(v.status.success(), "{}", stderr(&v));

    // RSA keys, weak or not, are refused for signing, naming the key and
    // what is accepted (never a hint that more bits would do).
    for name in ["weak", "rsa2048"] {
        let o = sign(name, None, None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("keys/{name}: cannot sign")), "{err}");
        assert!(
            err.contains("RSA SSH keys cannot sign with quorate"),
            "{err}"
        );
        assert!(err.contains("ssh-keygen -t ed25519"), "{err}");
        assert!(!err.contains("2048 bits"), "{err}");
        assert!(!beside(name).exists());
    }
}

/// `--gpg KEYID` with a key gpg does not have: exit 2, gpg's complaint
/// shown, no signature written.
#[test]
fn sign_with_an_unknown_gpg_key_fails() {
    let Some(f) = sigfixture::fixture() else {
        return;
    };
    let t = tmp();
    let m = f.release(t.path());
    let o = quorate()
        .env("GNUPGHOME", &f.home)
        .arg("sign")
        .arg(&m)
        .args([
            "--signer",
            "nobody",
            "--gpg",
            "0123456789ABCDEF0123456789ABCDEF01234567",
        ])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("0123456789ABCDEF0123456789ABCDEF01234567"),
        "{err}"
    );
    assert!(
        !t.path()
            .join(format!("manifest-nobody-{VERSION}.sig"))
            .exists()
    );
}

// --- verify --------------------------------------------------------------

/// `--signatures` with `--files`: the checksum file and its signatures in
/// one folder, the files in another; a file changed there is a MISMATCH
/// with both digests.
#[test]
fn verify_files_elsewhere() {
    let Some(f) = sigfixture::fixture() else {
        return;
    };
    let t = tmp();
    let files = t.path().join("downloads");
    let m = f.release(&files);
    let sigs = t.path().join("sigs");
    std::fs::create_dir(&sigs).unwrap();
    let sums = sigs.join("SHA256SUMS");
    std::fs::rename(&m, &sums).unwrap();
    let sig = f.put_sig("alice.sig", &sigs, "alice");
    let policy = f.policy(t.path(), 1, &["alice"]);
    let verify = |json: bool| {
        let mut c = quorate();
        c.arg("verify")
            .arg(&sums)
            .arg("--signatures")
            .arg(&sig)
            .arg("--files")
            .arg(&files)
            .arg("--policy")
            .arg(&policy);
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let o = verify(false);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed = std::fs::read_to_string(&sums).unwrap();
    let n = listed.lines().count();
    assert!(
        stdout(&o).matches("MATCH      ").count() == n,
        "{n} files:\n{}",
        stdout(&o)
    );
    let victim = "hello-linux-amd64-v1.0.0.tar.gz";
    std::fs::write(files.join(victim), b"changed").unwrap();
    let o = verify(true);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sigfixture::verdicts(&v)[0].1, "GOOD", "{v}");
    let e = v["files"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == victim)
        .unwrap();
    assert_eq!(e["status"], "MISMATCH", "{e}");
    let line = listed.lines().find(|l| l.ends_with(victim)).unwrap();
    assert_eq!(e["expected"], &line[..64]);
    assert_eq!(e["actual"], util::sha256_hex(&files.join(victim)));
}

/// `verify --attestations --html`: the page shows every builder's verdict,
/// the quorum and the artifact they disagree on; the exit code is the
/// text report's.
#[test]
fn verify_attestations_html() {
    let Some(f) = sigfixture::fixture() else {
        return;
    };
    if !have("git") {
        return;
    }
    let t = tmp();
    let repo = t.path().join("sigs");
    std::fs::create_dir(&repo).unwrap();
    util::git(&repo, "init -q .");
    for who in ["alice", "bob"] {
        let rel = t.path().join(format!("build-{who}"));
        f.attest_build(&repo, &rel, who, (who == "bob").then_some(&b"bob's"[..]));
    }
    let policy = f.policy(t.path(), 2, &["alice", "bob"]);
    let page = t.path().join("attestations.html");
    let o = quorate()
        .args(["verify", "--attestations"])
        .arg(&repo)
        .args(["--version", VERSION, "--policy"])
        .arg(&policy)
        .arg("--html")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("bob disagrees on hello-linux-amd64-v1.0.0.tar.gz"),
        "{}",
        stdout(&o)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    for want in ["alice", "bob", "hello-linux-amd64-v1.0.0.tar.gz", ">GOOD<"] {
        assert!(html.contains(want), "{want}");
    }
    assert_eq!(html.matches(">GOOD<").count(), 2, "two GOOD signers");
    assert!(!html.contains("<script src=") && !html.contains("http://"));
}

// --- diff and inspect ----------------------------------------------------

/// `--max-findings N` shows the N first findings in text and sums up the
/// rest by cause (the JSON keeps them all); `--max-depth 0` compares gzip
/// files as bytes instead of opening them: their findings become
/// `unexplained`, with a note. The stats count a differing gzip file once.
#[test]
fn diff_max_findings_and_max_depth() {
    if !have("gzip") {
        return;
    }
    let t = tmp();
    for (side, v, gz) in [("a", "1", "gzip -c"), ("b", "2", "gzip -n -c")] {
        let d = t.path().join(side);
        std::fs::create_dir(&d).unwrap();
        // Three text files whose one string differs; a gzip file whose
        // content differs; one with the same content and another header
        // (a name and mtime on side A, none on B, as `gzip -n` writes).
        sh(
            &d,
            &format!(
                "for n in one two three; do echo \"$n {v}\" > $n; done
                 printf 'inner {v}\\n' > inner && gzip -n inner
                 printf 'x\\n' > x && touch -d @1000000000 x && {gz} x > x.gz && rm x"
            ),
        );
    }
    std::fs::write(t.path().join("a/only-a"), "only here\n").unwrap();
    let diff = |extra: &[&str]| {
        let o = quorate()
            .arg("diff")
            .arg(t.path().join("a"))
            .arg(t.path().join("b"))
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        o
    };
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(extra);
        serde_json::from_slice(&diff(&a).stdout).unwrap()
    };
    let causes = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["cause"].as_str().unwrap().to_string())
            .collect()
    };
    let all = json(&[]);
    assert_eq!(
        causes(&all),
        ["embedded-string", "file-set", "gzip-header"],
        "{all:#}"
    );
    assert_eq!(all["findings"][0]["evidence_total"], 4, "{all:#}");
    // Six entries (five files, and inner.gz counted once); five differ
    // (inner.gz, one, two, three, x.gz; only-a is on one side).
    assert_eq!(all["stats"]["entries"], 5, "{all:#}");
    assert_eq!(all["stats"]["differing"], 5, "{all:#}");
    let text = stdout(&diff(&["--max-findings", "1"]));
    assert!(text.contains("differ: 3 findings"), "{text}");
    assert!(text.contains("1. an embedded string differs"), "{text}");
    assert!(!text.contains("2. "), "{text}");
    // The rest by cause, with each one's number of evidence items (x.gz's
    // header differs in its name flag and its mtime).
    assert_eq!(all["findings"][2]["evidence_total"], 2, "{all:#}");
    assert!(
        text.contains("… 2 more finding(s): file-set (1), gzip-header (2)"),
        "{text}"
    );
    // The JSON is the same whatever --max-findings says (its timing aside,
    // taken from the same run so two runs' clocks cannot differ).
    let limited = json(&["--max-findings", "1"]);
    let mut expected = all.clone();
    expected["stats"]["millis"] = limited["stats"]["millis"].clone();
    assert_eq!(limited, expected);

    // Depth 0: the gzip files are bytes; what differs in them is unexplained.
    let shallow = json(&["--max-depth", "0"]);
    assert_eq!(
        causes(&shallow),
        ["embedded-string", "file-set", "unexplained"],
        "{shallow:#}"
    );
    assert_eq!(
        shallow["findings"][2]["files"],
        serde_json::json!(["inner.gz", "x.gz"])
    );
    let notes: Vec<(&str, &str)> = shallow["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["path"].as_str().unwrap(), n["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                "inner.gz",
                "nested deeper than 0 containers: compared as bytes"
            ),
            ("x.gz", "nested deeper than 0 containers: compared as bytes"),
        ]
    );
}

/// `inspect` on a file that is no program says so (exit 0, no Go build
/// info, no hazard); on a missing file it exits 2 naming it.
/// `quorate recipe` on a folder that is not a release: exit 2, the cause
/// first, then its hint (the recipe's errors carry the release's hint).
#[test]
fn recipe_of_a_folder_without_a_manifest_names_the_cause_then_the_hint() {
    let t = tmp();
    let o = quorate().arg("recipe").arg(t.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let cause = err.find("error: ").expect(&err);
    let hint = err.find("hint: ").expect(&err);
    assert!(cause < hint, "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn inspect_non_go_and_missing_files() {
    let t = tmp();
    let text = t.path().join("notes.txt");
    std::fs::write(&text, "just some text\n").unwrap();
    let o = quorate()
        .arg("inspect")
        .arg(&text)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.get("go").is_none() || v["go"].is_null(), "{v:#}");
    assert_eq!(v["hazards"], serde_json::json!([]), "{v:#}");
    let o = quorate()
        .arg("inspect")
        .arg(&text)
        .arg("--strict")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let missing = t.path().join("no-such-file");
    let o = quorate().arg("inspect").arg(&missing).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-file"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

// --- toolchain -------------------------------------------------------------

/// `toolchain list --json` and `check --json` on the official toolchain;
/// `install` without `--from` when the version is already in the cache
/// prints where it is and downloads nothing.
#[test]
fn toolchain_list_check_json_and_install_without_from() {
    let Some(goroot) = go_root() else { return };
    let t = tmp();
    let cache = t.path().join("cache");
    std::fs::create_dir_all(cache.join("toolchains")).unwrap();
    std::os::unix::fs::symlink(&goroot, cache.join("toolchains/go1.27.3")).unwrap();
    let q = || {
        let mut c = quorate();
        c.env("QUORATE_CACHE", &cache);
        c
    };
    let o = q().args(["toolchain", "list", "--json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1, "{v:#}");
    assert_eq!(list[0]["version"], "1.27.3", "{v:#}");

    let o = q()
        .args(["toolchain", "check", "--json", "--version", "1.27.3"])
        .arg(&goroot)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "1.27.3", "{v:#}");
    assert_eq!(v["official"], true, "{v:#}");
    let o = q()
        .args(["toolchain", "check", "--json", "--version", "1.27.2"])
        .arg(&goroot)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    let o = q()
        .args(["toolchain", "install", "1.27.3"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        cache.join("toolchains/go1.27.3").to_str().unwrap()
    );
    assert!(
        stderr(&o).contains("Go 1.27.3 is already installed"),
        "{}",
        stderr(&o)
    );
}

// --- policy --------------------------------------------------------------

/// `policy show` (text), `policy add` with both key options or neither
/// (refused by the command line, exit 2, file unchanged), `import-lnd` on
/// a folder that is no lnd checkout.
#[test]
fn policy_show_add_and_import_on_bad_input() {
    let Some(f) = sigfixture::fixture() else {
        return;
    };
    let t = tmp();
    let p = t.path().join("policy.toml");
    quorate()
        .args(["policy", "init", "--threshold", "1", "-o"])
        .arg(&p)
        .assert()
        .success();
    quorate()
        .args(["policy", "add", "--policy"])
        .arg(&p)
        .args(["--name", "alice", "--key"])
        .arg(f.keys.join("alice.asc"))
        .assert()
        .success();
    let before = std::fs::read_to_string(&p).unwrap();
    for keys in [
        vec![
            "--key".to_string(),
            f.keys.join("bob.asc").display().to_string(),
            "--ssh-key".to_string(),
            f.ssh.join("dave.pub").display().to_string(),
        ],
        vec![],
    ] {
        let o = quorate()
            .args(["policy", "add", "--policy"])
            .arg(&p)
            .args(["--name", "bob"])
            .args(&keys)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{keys:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("--key") && err.contains("--ssh-key"), "{err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), before);
    }
    let o = quorate()
        .args(["policy", "show", "--policy"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("policy.toml: 1 of 1 distinct signers required"),
        "{text}"
    );
    let alice = text
        .lines()
        .find(|l| l.trim_start().starts_with("alice"))
        .unwrap();
    assert!(
        alice.contains(&f.fpr("alice")) && alice.contains("keys/alice.asc"),
        "{text}"
    );

    // Not an lnd checkout: exit 2, nothing written.
    let empty = t.path().join("not-lnd");
    std::fs::create_dir(&empty).unwrap();
    let out = t.path().join("imported.toml");
    let o = quorate()
        .args(["policy", "import-lnd"])
        .arg(&empty)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("verify-install.sh"), "{}", stderr(&o));
    assert!(!out.exists());
}

// --- build and demo --------------------------------------------------------

/// `build --config FILE` from another folder builds the module of FILE's
/// folder (here a config not named quorate.toml); `--allow-patched` builds
/// with a Nixpkgs-style patched toolchain, warns, and build.json says
/// `official: false`; `--json` reports the real build: where it went,
/// every artifact with the digest the manifest lists, and build.json.
#[test]
fn build_config_allow_patched_and_json() {
    let Some(goroot) = go_root() else { return };
    if !have("sha256sum") {
        return;
    }
    let d = tmp();
    let repo = d.path().join("r");
    util::example_repo(&repo, &["linux-amd64"], |dir| {
        std::fs::rename(dir.join("quorate.toml"), dir.join("release.toml")).unwrap();
    });
    let patched = d.path().join("go-patched");
    quorate_release::toolchain::make_nixpkgs_patched_copy(&goroot, &patched, "options").unwrap();
    // The default config name is not there.
    let o = util::q(&goroot)
        .current_dir(&repo)
        .arg("build")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("quorate.toml"), "{}", stderr(&o));

    let o = util::q(&goroot)
        .current_dir(d.path())
        .args(["build", "--config", "r/release.toml", "-j", "1", "--json"])
        .arg("--toolchain")
        .arg(&patched)
        .arg("--allow-patched")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("is a patched toolchain") && err.contains("not for release"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dist = repo.join("dist/v0.1.0").canonicalize().unwrap();
    assert_eq!(
        Path::new(v["dist"].as_str().unwrap())
            .canonicalize()
            .unwrap(),
        dist
    );
    assert_eq!(v["build"]["toolchain"]["official"], false, "{v:#}");
    assert_eq!(v["check"], serde_json::Value::Null);
    let manifest = std::fs::read_to_string(dist.join("manifest-v0.1.0.txt")).unwrap();
    let listed: Vec<(String, String)> = manifest
        .lines()
        .map(|l| (l[66..].to_string(), l[..64].to_string()))
        .collect();
    let reported: Vec<(String, String)> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap().to_string(),
                a["digest"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(reported, listed);
    sh(&dist, "sha256sum -c --quiet manifest-v0.1.0.txt");
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("build.json")).unwrap()).unwrap();
    assert_eq!(info, v["build"]);
    // The patched toolchain's store paths are in the binary.
    let bin = std::fs::read(dist.join("hello-linux-amd64-v0.1.0/hellod")).unwrap();
    assert!(bin.windows(11).any(|w| w == b"/nix/store/"));
}

// `demo --keep --targets -j --toolchain`: in `build::demo_tells_the_whole_story`
// (one demo run per test run: it is the slowest test).
