//! `quorate attest` and `quorate verify --attestations`: three builders
//! meet in a real git repository; one of them built a different artifact.

use crate::sigfixture::{VERSION, fixture};
use crate::util::{quorate, sh, tmp};

#[test]
fn three_builders_one_disagrees() {
    let Some(f) = fixture() else { return };
    if !crate::util::have("git") {
        return;
    }
    let t = tmp();
    let repo = t.path().join("sigs");
    std::fs::create_dir(&repo).unwrap();
    sh(
        &repo,
        "git init -q . && git config user.name tester && git config user.email tester@example.org",
    );
    for who in ["alice", "bob", "carol"] {
        let rel = t.path().join(format!("build-{who}"));
        // carol's build of the tarball differs: her manifest says so.
        let carols = (who == "carol").then_some(&b"carol's different tarball"[..]);
        f.attest_build(&repo, &rel, who, carols);
        for file in [
            format!("manifest-{VERSION}.txt"),
            format!("manifest-{who}-{VERSION}.sig"),
            "build.json".into(),
        ] {
            assert!(
                repo.join(VERSION).join(who).join(&file).is_file(),
                "{who}/{file}"
            );
        }
    }
    let log = sh(&repo, "git log --format=%s");
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(
        log.contains(&format!("Add attestation by carol for {VERSION}")),
        "{log}"
    );
    assert_eq!(
        sh(&repo, "git status --porcelain"),
        "",
        "everything committed"
    );

    let policy = f.policy(t.path(), 2, &["alice", "bob", "carol"]);
    let o = quorate()
        .args(["verify", "--attestations"])
        .arg(&repo)
        .args(["--version", VERSION, "--policy"])
        .arg(&policy)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("carol disagrees on hello-linux-amd64-v1.0.0.tar.gz"),
        "{out}"
    );
    assert!(
        !out.contains("alice disagrees") && !out.contains("bob disagrees"),
        "{out}"
    );
    assert!(
        out.contains("quorum: 2 of 3 required: MET (3 counted"),
        "{out}"
    );

    let o = quorate()
        .args(["verify", "--attestations"])
        .arg(&repo)
        .args(["--version", VERSION, "--json", "--policy"])
        .arg(&policy)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arts = v["artifacts"].as_array().unwrap();
    assert_eq!(arts.len(), 3);
    for a in arts {
        if a["path"] == "hello-linux-amd64-v1.0.0.tar.gz" {
            assert_eq!(a["disagree"], serde_json::json!(["carol"]));
            assert_eq!(a["quorum_met"], true, "alice and bob still make 2 of 3");
        } else {
            assert_eq!(a["disagree"], serde_json::json!([]), "{a}");
        }
    }
    for s in v["signers"].as_array().unwrap() {
        assert_eq!(s["signatures"][0]["verdict"], "GOOD", "{s}");
    }
}

#[test]
fn attest_needs_a_signature_and_a_git_repo() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let repo = t.path().join("notgit");
    std::fs::create_dir(&repo).unwrap();
    let o = quorate()
        .args(["attest", "--repo"])
        .arg(&repo)
        .args(["--signer", "alice", "--release"])
        .arg(&rel)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not a git repository") && err.contains("hint:"),
        "{err}"
    );
    sh(&repo, "git init -q .");
    let o = quorate()
        .args(["attest", "--repo"])
        .arg(&repo)
        .args(["--signer", "alice", "--release"])
        .arg(&rel)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no signature by \"alice\""));
}
