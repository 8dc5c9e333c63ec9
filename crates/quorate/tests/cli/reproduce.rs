//! `quorate reproduce` end to end, with real git, the real official Go
//! toolchain (`QUORATE_TEST_GOROOT`), real OpenPGP keys (the signing
//! fixture, made by gpg) and a Nixpkgs-style patched copy of the toolchain.
//!
//! The release (the example module, two targets: linux-amd64, which the
//! patched toolchain changes, and windows-amd64, which it does not) is
//! built and signed by three signers once per run ([`fixture`]).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::sigfixture;
use crate::util::{self, git, go_root, have, q, quorate, sh, tmp};

const TARGETS: &[&str] = &["linux-amd64", "windows-amd64"];
const VERSION: &str = "v0.1.0";

struct Fixture {
    dir: tempfile::TempDir,
    goroot: PathBuf,
    /// The maintainer's repository (the release was built there).
    repo: PathBuf,
    /// The published release: dist/v0.1.0 plus three signatures.
    release: PathBuf,
    /// threshold 2 of alice, bob, carol.
    policy: PathBuf,
    keys: PathBuf,
}

/// Builds the release once and signs it as alice, bob and carol.
fn fixture() -> Option<&'static Fixture> {
    static F: OnceLock<Fixture> = OnceLock::new();
    let goroot = go_root()?;
    if !have("git") {
        return None;
    }
    let sigs = sigfixture::fixture()?;
    Some(F.get_or_init(|| {
        let dir = tmp();
        let repo = dir.path().join("maintainer");
        util::example_repo(&repo, TARGETS, |_| {});
        let out = q(&goroot).current_dir(&repo).arg("build").output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let release = dir.path().join("downloaded-release");
        sigfixture::copy_dir(&repo.join("dist").join(VERSION), &release);
        for who in ["alice", "bob", "carol"] {
            quorate()
                .arg("sign")
                .arg(release.join(format!("manifest-{VERSION}.txt")))
                .args(["--signer", who, "--key"])
                .arg(sigs.keys.join(format!("{who}-secret.asc")))
                .assert()
                .success();
        }
        let policy = sigs.policy(dir.path(), 2, &["alice", "bob", "carol"]);
        Fixture {
            goroot,
            repo,
            release,
            policy,
            keys: sigs.keys.clone(),
            dir,
        }
    }))
}

/// `quorate reproduce --release RELEASE --source SOURCE` with the
/// fixture's Go toolchain.
fn reproduce_cmd(f: &Fixture, release: &Path, source: &Path) -> assert_cmd::Command {
    let mut c = q(&f.goroot);
    c.arg("reproduce")
        .arg("--release")
        .arg(release)
        .arg("--source")
        .arg(source);
    c
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

/// Entries of `dir` whose names start with `.quorate-reproduce-`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".quorate-reproduce-"))
                .collect()
        })
        .unwrap_or_default()
}

/// A fresh TMPDIR for one quorate run, so that leftovers can be counted.
fn tmpdir(t: &Path) -> PathBuf {
    let d = t.join("tmpdir");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn statuses(v: &serde_json::Value) -> Vec<(String, String)> {
    v["artifacts"]
        .as_array()
        .unwrap_or_else(|| panic!("no artifacts in {v}"))
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap().to_string(),
                a["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn manifest_paths(release: &Path) -> Vec<String> {
    std::fs::read_to_string(release.join(format!("manifest-{VERSION}.txt")))
        .unwrap()
        .lines()
        .map(|l| l[66..].to_string())
        .collect()
}

#[test]
fn reproduces_a_signed_release_from_a_fresh_clone_and_attests_it() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    // A second builder clones the project somewhere else.
    let clone = t.path().join("elsewhere/hello");
    std::fs::create_dir_all(clone.parent().unwrap()).unwrap();
    git(
        t.path(),
        &format!("clone -q {} {}", f.repo.display(), clone.display()),
    );
    let head_before = git(&clone, "rev-parse HEAD");
    let tmpd = tmpdir(t.path());
    let out_dir = t.path().join("rebuilt");
    let out = reproduce_cmd(f, &f.release, &clone)
        .env("TMPDIR", &tmpd)
        .arg("--policy")
        .arg(&f.policy)
        .arg("--out")
        .arg(&out_dir)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["reproduced"], true, "{v}");
    let expected: Vec<(String, String)> = manifest_paths(&f.release)
        .into_iter()
        .map(|p| (p, "REPRODUCED".to_string()))
        .collect();
    assert_eq!(statuses(&v), expected);
    assert_eq!(v["counts"]["reproduced"], expected.len());
    assert_eq!(v["verification"]["quorum"]["met"], true);
    assert_eq!(v["verification"]["quorum"]["count"], 3);
    assert_eq!(v["git_ref"], VERSION);
    assert_eq!(v["toolchain"]["official"], true);
    assert_eq!(
        v["commit"].as_str().unwrap(),
        git(&f.repo, "rev-parse v0.1.0").trim()
    );
    // The rebuilt manifest is byte-identical to the published one, and
    // reproduce.json beside it is the report printed.
    assert_eq!(
        std::fs::read(out_dir.join(format!("manifest-{VERSION}.txt"))).unwrap(),
        std::fs::read(f.release.join(format!("manifest-{VERSION}.txt"))).unwrap()
    );
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("reproduce.json")).unwrap()).unwrap();
    assert_eq!(written, v);
    sh(
        &out_dir,
        &format!("sha256sum -c --quiet manifest-{VERSION}.txt"),
    );
    // The builder's clone was only read; no temporary folder is left.
    assert_eq!(git(&clone, "rev-parse HEAD"), head_before);
    assert_eq!(git(&clone, "status --porcelain --ignored"), "");
    assert!(leftovers(&tmpd).is_empty(), "{:?}", leftovers(&tmpd));
    assert!(leftovers(t.path()).is_empty(), "{:?}", leftovers(t.path()));

    // Again, text report, attesting as a fourth builder into a sigs repo.
    let sigs = t.path().join("release-sigs");
    std::fs::create_dir(&sigs).unwrap();
    git(&sigs, "init -q .");
    let out = reproduce_cmd(f, &f.release, &clone)
        .env("TMPDIR", &tmpd)
        .args(["--ref", VERSION, "--policy"])
        .arg(&f.policy)
        .args(["--attest", "--signer", "alice", "--repo"])
        .arg(&sigs)
        .arg("--key")
        .arg(f.keys.join("alice-secret.asc"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("REPRODUCED  hello-linux-amd64-{VERSION}/hellod")),
        "{text}"
    );
    assert!(stderr(&out).contains("REPRODUCED: all"), "{}", stderr(&out));
    for file in [
        format!("manifest-{VERSION}.txt"),
        format!("manifest-alice-{VERSION}.sig"),
        "build.json".to_string(),
    ] {
        assert!(
            sigs.join(VERSION).join("alice").join(&file).is_file(),
            "{file}"
        );
    }
    assert!(git(&sigs, "log --oneline").contains("alice"));
    let one = sigfixture::fixture()
        .unwrap()
        .policy(t.path(), 1, &["alice"]);
    quorate()
        .args(["verify", "--attestations"])
        .arg(&sigs)
        .args(["--version", VERSION, "--policy"])
        .arg(&one)
        .assert()
        .code(0);
    assert!(leftovers(&tmpd).is_empty(), "{:?}", leftovers(&tmpd));
}

#[test]
fn a_patched_toolchain_is_named_for_the_binaries_and_archives() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let patched = t.path().join("go-nixpkgs");
    quorate()
        .args(["toolchain", "patch-nixpkgs", "--from"])
        .arg(&f.goroot)
        .arg("--to")
        .arg(&patched)
        .args(["--seed", "s"])
        .assert()
        .success();
    let tmpd = tmpdir(t.path());
    let out_dir = t.path().join("rebuilt");
    let out = reproduce_cmd(f, &f.release, &f.repo)
        .env("TMPDIR", &tmpd)
        .arg("--policy")
        .arg(&f.policy)
        .arg("--toolchain")
        .arg(&patched)
        .arg("--allow-patched")
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("PATCHED toolchain"), "{err}");
    assert!(
        err.contains("NOT REPRODUCED") && err.contains("most likely cause: patched-toolchain"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("reproduce.json")).unwrap()).unwrap();
    let linux = [
        format!("hello-linux-amd64-{VERSION}.tar.gz"),
        format!("hello-linux-amd64-{VERSION}/hellocli"),
        format!("hello-linux-amd64-{VERSION}/hellod"),
    ];
    for a in v["artifacts"].as_array().unwrap() {
        let path = a["path"].as_str().unwrap();
        if linux.iter().any(|l| l == path) {
            assert_eq!(a["status"], "DIFFERENT", "{a}");
            assert_eq!(
                a["causes"][0], "patched-toolchain",
                "{path}: {}",
                a["causes"]
            );
            // The explanation's first finding is the cause, with evidence
            // naming a /nix/store path on the rebuilt side (B).
            let first = &a["explanation"]["findings"][0];
            assert_eq!(first["cause"], "patched-toolchain", "{path}: {first:#}");
            let evidence = serde_json::to_string(&first["evidence"]).unwrap();
            assert!(evidence.contains("/nix/store/"), "{path}: {first:#}");
            assert!(
                text.contains(&format!("DIFFERENT   {path}  (patched-toolchain")),
                "{text}"
            );
        } else if path == "build.json" {
            // The signed recipe records the toolchain (official, digest):
            // a rebuild with a patched one says so.
            // build.json is compared key by key: the difference is named
            // patched-toolchain, with `toolchain.official` true -> false.
            assert_eq!(a["status"], "DIFFERENT", "{a}");
            assert_eq!(a["causes"][0], "patched-toolchain", "{a}");
            let evidence = &a["explanation"]["findings"][0]["evidence"];
            assert!(
                evidence
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["what"] == "build record toolchain.official"
                        && e["a"] == "true"
                        && e["b"] == "false"),
                "{a}"
            );
        } else {
            // Windows programs never read those files; source and vendor
            // archives hold no binaries.
            assert_eq!(a["status"], "REPRODUCED", "{a}");
        }
    }
    let first = &v["causes"][0];
    assert_eq!(first["cause"], "patched-toolchain");
    // The Linux archives and the build record that names the toolchain.
    let mut named: Vec<&str> = first["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    named.sort();
    let mut want: Vec<&str> = linux.iter().map(String::as_str).collect();
    want.push("build.json");
    want.sort();
    assert_eq!(named, want);
    let evidence = first["evidence"].to_string();
    for pkg in ["-tzdata-", "-iana-etc-", "-mailcap-"] {
        assert!(evidence.contains(pkg), "{pkg} in {evidence}");
    }
    assert!(first["fix"].as_str().unwrap().contains("unpatched"));
    assert_eq!(v["toolchain"]["official"], false);
    assert!(
        text.contains("explanations (A = published, B = rebuild)"),
        "{text}"
    );
    assert!(leftovers(&tmpd).is_empty());
    assert!(leftovers(t.path()).is_empty());
}

/// Runs a reproduction expected to fail with exit 2; returns stderr after
/// checking that no temporary folder is left.
fn fails(
    f: &Fixture,
    t: &Path,
    args: &[&str],
    setup: impl FnOnce(&mut assert_cmd::Command),
) -> String {
    let tmpd = tmpdir(t);
    let mut c = q(&f.goroot);
    c.env("TMPDIR", &tmpd).arg("reproduce").args(args);
    setup(&mut c);
    let out = c.output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains("error:"), "{err}");
    assert!(leftovers(&tmpd).is_empty(), "{:?}", leftovers(&tmpd));
    assert!(leftovers(t).is_empty(), "{:?}", leftovers(t));
    err
}

#[test]
fn bad_inputs_exit_2_naming_what_is_missing() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let (release, repo, policy) = (s(&f.release), s(&f.repo), s(&f.policy));

    // A release folder without a manifest.
    let no_manifest = t.path().join("no-manifest");
    sigfixture::copy_dir(&f.release, &no_manifest);
    std::fs::remove_file(no_manifest.join(format!("manifest-{VERSION}.txt"))).unwrap();
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &s(&no_manifest),
            "--source",
            &repo,
            "--policy",
            &policy,
        ],
        |_| {},
    );
    assert!(
        err.contains("no manifest-<version>.txt") && err.contains("no-manifest"),
        "{err}"
    );

    // A tag that does not exist.
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &release,
            "--source",
            &repo,
            "--ref",
            "v9.9.9",
            "--policy",
            &policy,
        ],
        |_| {},
    );
    assert!(
        err.contains("\"v9.9.9\"") && err.contains("its tags: v0.1.0"),
        "{err}"
    );

    // A source that is not a repository.
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &release,
            "--source",
            &s(&t.path().join("nothing")),
            "--no-verify",
        ],
        |_| {},
    );
    assert!(
        err.contains("git clone") && err.contains("nothing"),
        "{err}"
    );

    // No quorate.toml at the tag.
    let bare = t.path().join("no-config");
    util::example_repo(&bare, TARGETS, |d| {
        std::fs::remove_file(d.join("quorate.toml")).unwrap()
    });
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &release,
            "--source",
            &s(&bare),
            "--policy",
            &policy,
        ],
        |_| {},
    );
    assert!(
        err.contains("no quorate.toml in that commit") && err.contains("v0.1.0"),
        "{err}"
    );

    // A toolchain that cannot be had.
    let empty_cache = t.path().join("empty-cache");
    std::fs::create_dir(&empty_cache).unwrap();
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &release,
            "--source",
            &repo,
            "--policy",
            &policy,
        ],
        |c| {
            c.env_remove("QUORATE_GO")
                .env("PATH", "/usr/bin:/bin")
                .env("QUORATE_CACHE", &empty_cache);
        },
    );
    assert!(
        err.contains("no official Go 1.27.3 toolchain found")
            && err.contains("quorate toolchain install 1.27.3"),
        "{err}"
    );

    // A build that fails.
    let broken = t.path().join("broken");
    util::example_repo(&broken, TARGETS, |d| {
        let main = d.join("cmd/hellod/main.go");
        let mut text = std::fs::read_to_string(&main).unwrap();
        text.push_str("\nfunc broken() { this is not Go }\n");
        std::fs::write(main, text).unwrap();
    });
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &release,
            "--source",
            &s(&broken),
            "--policy",
            &policy,
        ],
        |_| {},
    );
    assert!(
        err.contains("go build failed") && err.contains("linux-amd64"),
        "{err}"
    );

    // An --out folder that holds something else.
    let busy = t.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("precious.txt"), b"keep me").unwrap();
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &release,
            "--source",
            &repo,
            "--no-verify",
            "--out",
            &s(&busy),
        ],
        |_| {},
    );
    assert!(err.contains("is not an earlier reproduction"), "{err}");
    assert_eq!(
        std::fs::read(busy.join("precious.txt")).unwrap(),
        b"keep me"
    );
}

#[test]
fn a_release_that_does_not_verify_is_not_rebuilt() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("release");
    sigfixture::copy_dir(&f.release, &rel);
    // Only alice's signature is left: the threshold is 2.
    for who in ["bob", "carol"] {
        std::fs::remove_file(rel.join(format!("manifest-{who}-{VERSION}.sig"))).unwrap();
    }
    let tmpd = tmpdir(t.path());
    let out = reproduce_cmd(f, &rel, &f.repo)
        .env("TMPDIR", &tmpd)
        .arg("--policy")
        .arg(&f.policy)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["reproduced"], false);
    assert_eq!(v["verification"]["quorum"]["met"], false);
    assert_eq!(v["verification"]["quorum"]["count"], 1);
    let err = stderr(&out);
    assert!(
        err.contains("does not verify") && !err.contains("rebuilding"),
        "{err}"
    );
    assert!(leftovers(&tmpd).is_empty());

    // --no-verify rebuilds anyway, with a warning.
    let out = reproduce_cmd(f, &rel, &f.repo)
        .env("TMPDIR", &tmpd)
        .arg("--no-verify")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("NOT verified"));
}

/// Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
/// during the build: exit 130, nothing left in TMPDIR.
#[test]
fn ctrl_c_during_the_build_leaves_nothing_behind() {
    use std::os::unix::process::CommandExt;
    let Some(f) = fixture() else { return };
    let t = tmp();
    let tmpd = tmpdir(t.path());
    // A fresh Go build cache makes the build last long enough to interrupt.
    let cache = t.path().join("fresh-cache");
    std::fs::create_dir(&cache).unwrap();
    let exe = assert_cmd::cargo::cargo_bin("quorate");
    let mut child = Command::new(exe)
        .env("NO_COLOR", "1")
        .env("QUORATE_CACHE", &cache)
        .env("QUORATE_GO", &f.goroot)
        .env("TMPDIR", &tmpd)
        .arg("reproduce")
        .arg("--release")
        .arg(&f.release)
        .arg("--source")
        .arg(&f.repo)
        .arg("--no-verify")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("==> rebuilding") {
            break;
        }
    }
    assert!(seen.contains("==> rebuilding"), "{seen}");
    assert_eq!(
        leftovers(&tmpd).len(),
        1,
        "the workspace exists during the build"
    );
    std::thread::sleep(std::time::Duration::from_millis(700));
    let ok = Command::new("kill")
        .args(["-INT", "--", &format!("-{pid}")])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    for line in lines {
        seen.push_str(&line.unwrap_or_default());
        seen.push('\n');
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{seen}");
    assert!(
        seen.contains("interrupted; temporary folders removed"),
        "{seen}"
    );
    assert!(leftovers(&tmpd).is_empty(), "{:?}", leftovers(&tmpd));
    let _ = &f.dir;
}

/// A release whose linux archive was packed by "another quorate" (the same
/// tar stream, compressed by gzip -9n): the archive alone is DIFFERENT and,
/// when build.json names another quorate version, that is the cause named.
#[test]
fn another_quorate_version_is_named_when_only_the_packing_differs() {
    let Some(f) = fixture() else { return };
    if !have("gzip") {
        return;
    }
    let t = tmp();
    let rel = t.path().join("release");
    sigfixture::copy_dir(&f.release, &rel);
    let archive = format!("hello-linux-amd64-{VERSION}.tar.gz");
    let old = crate::util::sha256_hex(&rel.join(&archive));
    sh(
        &rel,
        &format!("gunzip -c {archive} | gzip -9n > repacked && mv repacked {archive}"),
    );
    let new = crate::util::sha256_hex(&rel.join(&archive));
    assert_ne!(old, new);
    let m = rel.join(format!("manifest-{VERSION}.txt"));
    let text = std::fs::read_to_string(&m).unwrap().replace(&old, &new);
    std::fs::write(&m, text).unwrap();
    let run = |rel: &Path| {
        let out = reproduce_cmd(f, rel, &f.repo)
            .args(["--no-verify", "--json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        (json(&out), stderr(&out))
    };
    let causes_of = |v: &serde_json::Value| -> Vec<String> {
        let a = v["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["path"] == archive.as_str())
            .unwrap();
        assert_eq!(a["status"], "DIFFERENT");
        serde_json::from_value(a["causes"].clone()).unwrap()
    };

    // Same quorate version: only the engine's cause.
    let (v, _) = run(&rel);
    assert_eq!(causes_of(&v), vec!["recompression"]);
    assert_eq!(v["quorate"]["differs"], false);
    let others: Vec<(String, String)> = statuses(&v)
        .into_iter()
        .filter(|(p, _)| *p != archive)
        .collect();
    assert!(others.iter().all(|(_, s)| s == "REPRODUCED"), "{others:?}");

    // build.json says quorate 0.0.1 made the release.
    let bj = rel.join("build.json");
    let mut info: serde_json::Value = serde_json::from_slice(&std::fs::read(&bj).unwrap()).unwrap();
    info["quorate_version"] = "0.0.1".into();
    std::fs::write(&bj, serde_json::to_vec_pretty(&info).unwrap()).unwrap();
    let (v, err) = run(&rel);
    assert_eq!(causes_of(&v), vec!["quorate-version", "recompression"]);
    assert_eq!(v["quorate"]["differs"], true);
    assert_eq!(v["quorate"]["published"], "0.0.1");
    assert_eq!(v["causes"][0]["cause"], "quorate-version");
    assert!(
        v["causes"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("quorate 0.0.1")
    );
    assert!(err.contains("quorate 0.0.1"), "{err}");
    assert!(err.contains("most likely cause: quorate-version"), "{err}");
}

/// Without --policy, the trust comes from the [trust] table of quorate.toml
/// at the tag (keys committed in the repository, as lnd does); a source
/// without one is an error that names both ways out.
#[test]
fn trusts_the_policy_in_quorate_toml_at_the_tag() {
    let Some(f) = fixture() else { return };
    let sigs = sigfixture::fixture().unwrap();
    let t = tmp();
    let repo = t.path().join("with-trust");
    util::example_repo(&repo, TARGETS, |d| {
        std::fs::create_dir(d.join("keys")).unwrap();
        let mut trust = String::from("\n[trust]\nthreshold = 2\n");
        for who in ["alice", "bob"] {
            std::fs::copy(
                sigs.keys.join(format!("{who}.asc")),
                d.join(format!("keys/{who}.asc")),
            )
            .unwrap();
            trust.push_str(&format!(
                "[[trust.signer]]\nname = \"{who}\"\nopenpgp = \"{}\"\nkey = \"keys/{who}.asc\"\n",
                sigs.fpr(who)
            ));
        }
        let mut config = std::fs::read_to_string(d.join("quorate.toml")).unwrap();
        config.push_str(&trust);
        std::fs::write(d.join("quorate.toml"), config).unwrap();
    });
    let out = q(&f.goroot)
        .current_dir(&repo)
        .arg("build")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rel = t.path().join("release");
    sigfixture::copy_dir(&repo.join("dist").join(VERSION), &rel);
    let sign = |who: &str| {
        quorate()
            .arg("sign")
            .arg(rel.join(format!("manifest-{VERSION}.txt")))
            .args(["--signer", who, "--key"])
            .arg(sigs.keys.join(format!("{who}-secret.asc")))
            .assert()
            .success();
    };
    sign("alice");
    let run = |source: &Path| {
        reproduce_cmd(f, &rel, source)
            .arg("--json")
            .output()
            .unwrap()
    };
    // One signature of the two the tag's policy wants.
    let out = run(&repo);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("quorate.toml (threshold 2)"),
        "{}",
        stderr(&out)
    );
    sign("bob");
    let out = run(&repo);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["verification"]["quorum"]["count"], 2);
    assert_eq!(v["reproduced"], true);
    // The fixture's repository has no [trust] table.
    let out = run(&f.repo);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("has no [trust] table")
            && err.contains("--policy")
            && err.contains("--no-verify"),
        "{err}"
    );
}

#[test]
fn html_report_lists_every_artifact_and_names_the_patched_toolchain() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let patched = t.path().join("go-nixpkgs");
    quorate()
        .args(["toolchain", "patch-nixpkgs", "--from"])
        .arg(&f.goroot)
        .arg("--to")
        .arg(&patched)
        .args(["--seed", "s"])
        .assert()
        .success();
    // The source folder's name is hostile: it is shown on the page.
    let hostile = "src<img src=x onerror=alert(1)>\"'&";
    let source = t.path().join(hostile);
    std::fs::create_dir_all(&source).unwrap();
    sh(&source, &format!("cp -R {}/. .", f.repo.display()));
    let out_dir = t.path().join("rebuilt");
    let html = t.path().join("reproduce.html");
    let out = reproduce_cmd(f, &f.release, &source)
        .arg("--policy")
        .arg(&f.policy)
        .arg("--toolchain")
        .arg(&patched)
        .arg("--allow-patched")
        .arg("--out")
        .arg(&out_dir)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("wrote {}", html.display())),
        "{}",
        stderr(&out)
    );
    let page = std::fs::read_to_string(&html).unwrap();

    // Self-contained: nothing from the network, no external element.
    assert!(!page.contains("http:") && !page.contains("https:"));
    for tag in ["<img", "<link", "<iframe", "<object", "<embed", "src=\""] {
        assert!(!page.contains(tag), "{tag} in the page");
    }
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains("<script>(function(){") || page.contains("<script>\n(function(){"));
    assert!(page.contains("Content-Security-Policy"));
    // The hostile name shows literally, escaped.
    assert!(
        page.contains("src&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"),
        "the hostile source name is not escaped"
    );

    assert!(page.contains("NOT REPRODUCED"));
    assert!(page.contains("PATCHED toolchain"));
    assert!(page.contains("patched-toolchain"));
    // Every artifact of reproduce.json, on one row with its status; the
    // DIFFERENT ones link to an explanation that exists.
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("reproduce.json")).unwrap()).unwrap();
    let all = statuses(&v);
    assert_eq!(all.len(), manifest_paths(&f.release).len());
    let mut different = 0;
    for (k, (path, status)) in all.iter().enumerate() {
        let row = page
            .lines()
            .find(|l| l.contains("<th scope=\"row\"") && l.contains(&format!(">{path}<")))
            .unwrap_or_else(|| panic!("no row for {path}"));
        assert!(row.contains(&format!(">{status}</span>")), "{row}");
        if status == "DIFFERENT" && path != "build.json" {
            different += 1;
            assert!(row.contains(&format!("<a href=\"#x-{k}\">")), "{row}");
            let at = page
                .find(&format!("<h2 id=\"x-{k}\""))
                .unwrap_or_else(|| panic!("no explanation for {path}"));
            let explanation = &page[at..];
            let end = explanation.find("</section>").unwrap();
            let explanation = &explanation[..end];
            assert!(explanation.contains("patched-toolchain"), "{explanation}");
            assert!(explanation.contains("<strong>Fix:</strong>"));
            assert!(explanation.contains("class=\"ev\""), "no evidence table");
        }
    }
    assert_eq!(different, 3, "{all:?}");
}

/// Issue 14 item 1: build.json is not covered by the signatures (and a
/// signature would not make it harmless). Whatever it says is checked
/// against the grammar before anything runs: a package read as a flag, a
/// path escaping the module, a version or Go version used as a path.
/// Item 2: the commit's quorate.toml may not choose where the linker
/// writes. Every case exits 2 naming the file, runs nothing and leaves
/// nothing behind.
#[test]
fn build_json_and_quorate_toml_cannot_run_commands_or_write_elsewhere() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let marker = t.path().join("marker");
    let m = s(&marker);
    let edit = |name: &str, change: &dyn Fn(&mut serde_json::Value)| -> PathBuf {
        let dir = t.path().join(name);
        sigfixture::copy_dir(&f.release, &dir);
        let p = dir.join("build.json");
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        change(&mut v);
        std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
        dir
    };
    let cases: Vec<(PathBuf, String)> = vec![
        (
            edit("toolexec", &|v| {
                v["packages"] = serde_json::json!([format!("-toolexec=touch {m}")])
            }),
            format!("package \"-toolexec=touch {m}\": starts with `-`"),
        ),
        (
            edit("toolexec-second", &|v| {
                v["packages"] = serde_json::json!(["./cmd/hellod", format!("-toolexec=touch {m}")])
            }),
            "starts with `-`".into(),
        ),
        (
            edit("escape", &|v| {
                v["packages"] = serde_json::json!(["./cmd/../../../x"])
            }),
            "package \"./cmd/../../../x\"".into(),
        ),
        (
            edit("pattern", &|v| v["packages"] = serde_json::json!(["./..."])),
            "`..`, `...` and flags are refused".into(),
        ),
        (
            edit("space", &|v| {
                v["packages"] = serde_json::json!(["./cmd/hellod -toolexec=x"])
            }),
            "path elements are letters".into(),
        ),
        (
            edit("version", &|v| v["version"] = serde_json::json!("../../x")),
            "version \"../../x\"".into(),
        ),
        (
            edit("go-version", &|v| {
                v["toolchain"]["version"] = serde_json::json!("../../../tmp/go")
            }),
            "Go version \"../../../tmp/go\"".into(),
        ),
        (
            edit("tags", &|v| {
                v["flags"]["tags"] = serde_json::json!([format!("-toolexec={m}")])
            }),
            "build tag".into(),
        ),
    ];
    for (dir, needle) in &cases {
        let err = fails(
            f,
            t.path(),
            &[
                "--release",
                &s(dir),
                "--source",
                &s(&f.repo),
                "--policy",
                &s(&f.policy),
            ],
            |_| {},
        );
        assert!(
            err.contains("build.json") && err.contains("refusing to rebuild"),
            "{dir:?}: {err}"
        );
        assert!(
            err.contains(needle.as_str()),
            "{dir:?}: wants {needle:?}: {err}"
        );
        assert!(!marker.exists(), "{dir:?}");
    }

    // The commit's quorate.toml choosing the linker's output.
    let elsewhere = t.path().join("elsewhere");
    let repo = t.path().join("linker-o");
    util::example_repo(&repo, TARGETS, |d| {
        let c = std::fs::read_to_string(d.join("quorate.toml")).unwrap();
        let c = c.replacen(
            "ldflags = [",
            &format!("ldflags = [\"-o {}\", ", elsewhere.display()),
            1,
        );
        std::fs::write(d.join("quorate.toml"), c).unwrap();
    });
    let err = fails(
        f,
        t.path(),
        &[
            "--release",
            &s(&f.release),
            "--source",
            &s(&repo),
            "--policy",
            &s(&f.policy),
        ],
        |_| {},
    );
    assert!(
        err.contains("quorate.toml")
            && err.contains("ldflag \"-o\"")
            && err.contains("chooses an output"),
        "{err}"
    );
    assert!(!elsewhere.exists());
}

/// The statuses MISSING (published, not rebuilt) and EXTRA (rebuilt, not
/// published) beside a DIFFERENT archive, and the flags around a rebuild:
/// `--keep` keeps the clone and the rebuild and says where, `-j`,
/// `--max-findings` (the explanation's first finding, the rest summed up),
/// `--diff-timeout`; `--attest` with an SSH key refuses a rebuild that did
/// not reproduce, and attests it with `--force` (ssh-keygen verifies the
/// signature); `--config` naming a file absent at the tag exits 2.
#[test]
fn missing_extra_keep_and_forced_ssh_attestation() {
    let Some(f) = fixture() else { return };
    if !have("gzip") || !have("ssh-keygen") {
        return;
    }
    let ssh = sigfixture::fixture().unwrap().ssh.clone();
    let t = tmp();
    let rel = t.path().join("release");
    sigfixture::copy_dir(&f.release, &rel);
    // notes.txt is published but no recipe makes it; hellocli.exe is made
    // but its line is gone; the linux archive is recompressed by gzip
    // (a name and mtime in its header, level 6).
    std::fs::write(rel.join("notes.txt"), "release notes\n").unwrap();
    let archive = format!("hello-linux-amd64-{VERSION}.tar.gz");
    sh(
        &rel,
        &format!(
            "gunzip -c {archive} > x.tar && touch -d @1000000000 x.tar && gzip -c x.tar > {archive} && rm x.tar"
        ),
    );
    let extra = format!("hello-windows-amd64-{VERSION}/hellocli.exe");
    let m = rel.join(format!("manifest-{VERSION}.txt"));
    let mut lines: Vec<String> = std::fs::read_to_string(&m)
        .unwrap()
        .lines()
        .filter(|l| !l.ends_with(&format!("  {extra}")))
        .map(|l| {
            let path = &l[66..];
            if path == archive {
                format!("{}  {path}", util::sha256_hex(&rel.join(path)))
            } else {
                l.to_string()
            }
        })
        .collect();
    lines.push(format!(
        "{}  notes.txt",
        util::sha256_hex(&rel.join("notes.txt"))
    ));
    lines.sort_by(|a, b| a.as_bytes()[66..].cmp(&b.as_bytes()[66..]));
    std::fs::write(&m, lines.join("\n") + "\n").unwrap();
    let sigs = t.path().join("release-sigs");
    std::fs::create_dir(&sigs).unwrap();
    git(&sigs, "init -q .");
    let tmpd = tmpdir(t.path());
    let reproduce = |extra_args: &[&str]| {
        reproduce_cmd(f, &rel, &f.repo)
            .env("TMPDIR", &tmpd)
            .arg("--no-verify")
            .args(extra_args)
            .output()
            .unwrap()
    };

    // --config: no such file at the tag.
    let out = reproduce(&["--config", "release.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("release.toml"), "{}", stderr(&out));

    // Text, kept, one job, one finding shown; the attestation is refused.
    let attest = |force: bool| {
        let mut a: Vec<String> = ["--attest", "--signer", "dave", "--repo"]
            .map(String::from)
            .to_vec();
        a.push(sigs.display().to_string());
        a.push("--ssh-key".into());
        a.push(ssh.join("dave").display().to_string());
        if force {
            a.push("--force".into());
        }
        a
    };
    let mut args: Vec<String> = [
        "--keep",
        "-j",
        "1",
        "--max-findings",
        "1",
        "--diff-timeout",
        "30",
    ]
    .map(String::from)
    .to_vec();
    args.extend(attest(false));
    let out = reproduce(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
    let status_of = |path: &str| {
        text.lines()
            .find(|l| l.split_whitespace().nth(1) == Some(path))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("no line for {path}:\n{text}"))
            .to_string()
    };
    assert_eq!(status_of("notes.txt"), "MISSING", "{text}");
    assert_eq!(status_of(&extra), "EXTRA", "{text}");
    assert_eq!(status_of(&archive), "DIFFERENT", "{text}");
    assert_eq!(
        status_of(&format!("hello-linux-amd64-{VERSION}/hellod")),
        "REPRODUCED"
    );
    // --max-findings 1: the explanation's first finding, the other summed
    // up (with its number of evidence items: the header's name and mtime).
    assert!(
        text.contains("1. same content, compressed differently [recompression"),
        "{text}"
    );
    assert!(
        text.contains("… 1 more finding(s): gzip-header (2)"),
        "{text}"
    );
    assert!(!text.contains("    2. "), "{text}");
    assert!(
        err.contains(
            "not attesting: not every artifact REPRODUCED (--force attests the rebuild anyway)"
        ),
        "{err}"
    );
    assert!(!sigs.join(VERSION).exists());
    let kept = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("kept "))
        .and_then(|l| l.split(" (clone in src/").next())
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("nothing kept:\n{err}"));
    assert!(kept.starts_with(&tmpd), "{}", kept.display());
    assert!(kept.join("src/quorate.toml").is_file());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(kept.join("work/out/reproduce.json")).unwrap())
            .unwrap();
    assert_eq!(report["counts"]["missing"], 1, "{report:#}");
    assert_eq!(report["counts"]["extra"], 1, "{report:#}");
    std::fs::remove_dir_all(&kept).unwrap();

    // JSON, attested anyway with --force.
    let mut args = vec!["--json".to_string()];
    args.extend(attest(true));
    let out = reproduce(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let v = json(&out);
    assert_eq!(v["reproduced"], false);
    let artifact = |p: &str| {
        v["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["path"] == p)
            .unwrap()
            .clone()
    };
    let missing = artifact("notes.txt");
    assert_eq!(missing["status"], "MISSING");
    assert_eq!(missing["causes"], serde_json::json!(["file-set"]));
    assert_eq!(missing["rebuilt"], serde_json::Value::Null);
    let extra_a = artifact(&extra);
    assert_eq!(extra_a["status"], "EXTRA");
    assert_eq!(extra_a["published"], serde_json::Value::Null);
    assert_eq!(
        extra_a["rebuilt"].as_str().unwrap().len(),
        64,
        "{extra_a:#}"
    );
    assert!(
        err.contains("--force: attesting a rebuild that differs from the published release"),
        "{err}"
    );
    let dave = sigs.join(VERSION).join("dave");
    let sig = dave.join(format!("manifest-dave-{VERSION}.sshsig"));
    let pk = std::fs::read_to_string(ssh.join("dave.pub")).unwrap();
    std::fs::write(t.path().join("allowed"), format!("dave {}", pk.trim())).unwrap();
    let o = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(t.path().join("allowed"))
        .args(["-I", "dave", "-n", "file", "-s"])
        .arg(&sig)
        .stdin(std::fs::File::open(dave.join(format!("manifest-{VERSION}.txt"))).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The attested manifest is the rebuild's: hellocli.exe in, notes.txt out.
    let attested = std::fs::read_to_string(dave.join(format!("manifest-{VERSION}.txt"))).unwrap();
    assert!(attested.contains(&format!("  {extra}\n")) && !attested.contains("notes.txt"));
    assert!(git(&sigs, "log --oneline").contains("dave"));
    assert!(leftovers(&tmpd).is_empty(), "{:?}", leftovers(&tmpd));
}

/// A release whose archives an older packer compressed reproduces: the
/// rebuild packs with the packer its build.json names (none: packer 1, as
/// every release made before packer 2 has it), not with the newest. Each
/// archive of the fixture is unpacked with GNU tar or unzip and packed
/// again by `quorate package --packer N` with the release's prefix and
/// time; the manifest gets the new digests (the signatures no longer
/// cover it, so `--no-verify`). A rebuild with the newest packer would
/// give other bytes for every archive, which the test checks first.
#[test]
fn releases_packed_by_older_packers_reproduce() {
    let Some(f) = fixture() else { return };
    if !have("tar") || !have("unzip") {
        return;
    }
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.release.join("build.json")).unwrap()).unwrap();
    assert_eq!(
        info["packer"], "3",
        "the fixture is packed by the newest packer"
    );
    let epoch = info["source_date_epoch"].as_u64().unwrap().to_string();
    let archives: Vec<String> = manifest_paths(&f.release)
        .into_iter()
        .filter(|p| p.ends_with(".tar.gz") || p.ends_with(".zip"))
        .collect();
    assert!(archives.len() >= 3, "{archives:?}");
    for packer in ["1", "2"] {
        let t = tmp();
        let rel = t.path().join("release");
        sigfixture::copy_dir(&f.release, &rel);
        let m = rel.join(format!("manifest-{VERSION}.txt"));
        let mut manifest = std::fs::read_to_string(&m).unwrap();
        let mut changed = Vec::new();
        for a in &archives {
            let (format, unpack) = if a.ends_with(".zip") {
                ("zip", "unzip -q")
            } else {
                ("tar.gz", "tar -xzf")
            };
            let x = t.path().join("x");
            std::fs::create_dir_all(&x).unwrap();
            sh(&x, &format!("{unpack} {}", rel.join(a).display()));
            let top: Vec<_> = std::fs::read_dir(&x).unwrap().flatten().collect();
            assert_eq!(top.len(), 1, "{a}: one folder at the top");
            let prefix = top[0].file_name().to_string_lossy().into_owned();
            let old = util::sha256_hex(&rel.join(a));
            std::fs::remove_file(rel.join(a)).unwrap();
            quorate()
                .arg("package")
                .arg(x.join(&prefix))
                .args(["--format", format, "--mtime", &epoch, "--prefix", &prefix])
                .args(["--packer", packer, "-o"])
                .arg(rel.join(a))
                .assert()
                .success();
            std::fs::remove_dir_all(&x).unwrap();
            let new = util::sha256_hex(&rel.join(a));
            if old != new {
                changed.push(a.clone());
            }
            manifest = manifest.replace(&old, &new);
        }
        // Packer 1 changes every archive; 2 at least those holding
        // binaries (on a small source tarball 2 and 3 find the same
        // matches).
        let binaries = archives.iter().filter(|a| a.contains("-amd64-")).count();
        assert!(
            changed.len() == archives.len() || (packer == "2" && changed.len() >= binaries),
            "packer {packer} changed only {changed:?}"
        );
        // build.json as that quorate wrote it: packer 1 is not written.
        let bj = rel.join("build.json");
        let text = std::fs::read_to_string(&bj).unwrap();
        let line = ",\n  \"packer\": \"3\"";
        assert!(text.contains(line), "{text}");
        let older = match packer {
            "1" => String::new(),
            n => line.replace('3', n),
        };
        let old = util::sha256_hex(&bj);
        std::fs::write(&bj, text.replace(line, &older)).unwrap();
        manifest = manifest.replace(&old, &util::sha256_hex(&bj));
        std::fs::write(&m, manifest).unwrap();
        let out = reproduce_cmd(f, &rel, &f.repo)
            .args(["--no-verify", "--json"])
            .output()
            .unwrap();
        let v = json(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "packer {packer}: {}",
            stderr(&out)
        );
        let st = statuses(&v);
        assert!(
            st.iter().all(|(_, s)| s == "REPRODUCED"),
            "packer {packer}: {st:?}"
        );
        for a in &archives {
            assert!(st.contains(&(a.clone(), "REPRODUCED".into())), "{a}");
        }
    }
}
