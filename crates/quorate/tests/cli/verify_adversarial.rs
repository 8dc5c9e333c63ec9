//! `quorate verify` against hostile and broken input: every case asserts
//! the exact verdicts (zero false accepts) or the exact error.

use std::path::{Path, PathBuf};

use crate::sigfixture::{Fixture, VERSION, fixture, verdicts, verify_json};
use crate::util::{quorate, tmp};

/// A release folder with the given `(fixture signature, file signer name)`
/// and a policy pinning `pinned` with `threshold`; returns the verify
/// result and the temp dir.
fn run_case(
    f: &Fixture,
    sigs: &[(&str, &str)],
    threshold: i64,
    pinned: &[&str],
    extra: &[&str],
) -> (i32, serde_json::Value, tempfile::TempDir) {
    let t = tmp();
    let rel = t.path().join("release");
    f.release(&rel);
    for (case, signer) in sigs {
        f.put_sig(case, &rel, signer);
    }
    let policy = f.policy(t.path(), threshold, pinned);
    let (code, v) = verify_json(&rel, &policy, extra);
    (code, v, t)
}

fn sig<'a>(v: &'a serde_json::Value, file_prefix: &str) -> &'a serde_json::Value {
    v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"].as_str().unwrap().starts_with(file_prefix))
        .unwrap_or_else(|| panic!("no signature {file_prefix} in {v}"))
}

fn reason(s: &serde_json::Value) -> String {
    s["reason"].as_str().unwrap_or("").to_string()
}

fn manifest_name(signer: &str, ext: &str) -> String {
    format!("manifest-{signer}-{VERSION}.{ext}")
}

fn stderr_of(dir: &Path, policy: &Path) -> (i32, String) {
    let o = quorate()
        .arg("verify")
        .arg(dir)
        .arg("--policy")
        .arg(policy)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a01_good_ed25519_primary() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("alice.sig", "alice")], 1, &["alice"], &[]);
    assert_eq!(
        verdicts(&v),
        vec![(manifest_name("alice", "sig"), "GOOD".into())]
    );
    assert_eq!(sig(&v, "manifest-alice")["fingerprint"], f.fpr("alice"));
    assert_eq!(code, 0);
}

#[test]
fn a02_good_rsa3072() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("bob.sig", "bob")], 1, &["bob"], &[]);
    assert_eq!(
        verdicts(&v),
        vec![(manifest_name("bob", "sig"), "GOOD".into())]
    );
    assert_eq!(code, 0);
}

#[test]
fn a03_good_signing_subkey() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("carol.sig", "carol")], 1, &["carol"], &[]);
    let s = sig(&v, "manifest-carol");
    assert_eq!(s["verdict"], "GOOD");
    assert_eq!(s["fingerprint"], f.fpr("carol"));
    assert!(
        s["signing_key"]
            .as_str()
            .is_some_and(|k| k != f.fpr("carol")),
        "{s}"
    );
    assert_eq!(code, 0);
}

#[test]
fn a04_armored_asc_accepted() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("alice.asc", "alice")], 1, &["alice"], &[]);
    assert_eq!(
        verdicts(&v),
        vec![(manifest_name("alice", "asc"), "GOOD".into())]
    );
    assert_eq!(code, 0);
}

#[test]
fn a05_truncated_signature_is_bad() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let p = f.put_sig("alice.sig", &rel, "alice");
    let bytes = std::fs::read(&p).unwrap();
    for cut in [1, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&p, &bytes[..cut]).unwrap();
        let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
        assert_eq!(
            verdicts(&v),
            vec![(manifest_name("alice", "sig"), "BAD".into())],
            "cut {cut}"
        );
        assert_eq!(code, 1);
    }
}

#[test]
fn a06_garbage_signature_is_bad() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    std::fs::write(
        rel.join(manifest_name("alice", "sig")),
        b"this is not a signature\n\x00\xff",
    )
    .unwrap();
    std::fs::write(
        rel.join(manifest_name("bob", "asc")),
        b"-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n",
    )
    .unwrap();
    std::fs::write(rel.join(manifest_name("carol", "sig")), b"").unwrap();
    let (code, v) = verify_json(
        &rel,
        &f.policy(t.path(), 1, &["alice", "bob", "carol"]),
        &[],
    );
    assert!(
        verdicts(&v).iter().all(|(_, verdict)| verdict == "BAD"),
        "{v}"
    );
    assert_eq!(verdicts(&v).len(), 3);
    assert_eq!(code, 1);
}

#[test]
fn a07_signature_over_a_different_file_is_bad() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("alice-other.sig", "alice")], 1, &["alice"], &[]);
    let s = sig(&v, "manifest-alice");
    assert_eq!(s["verdict"], "BAD");
    assert!(reason(s).contains("not over this file"), "{s}");
    assert_eq!(s["gpg"], "BADSIG", "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a08_unpinned_key_is_unknown() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("mallory.sig", "mallory")], 1, &["alice"], &[]);
    let s = sig(&v, "manifest-mallory");
    assert_eq!(s["verdict"], "UNKNOWN");
    assert_eq!(s["fingerprint"], f.fpr("mallory"));
    assert_eq!(code, 1);
}

#[test]
fn a09_same_key_twice_is_duplicate() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(
        f,
        &[("alice.sig", "alice"), ("alice.asc", "alice2")],
        2,
        &["alice", "bob"],
        &[],
    );
    assert_eq!(
        verdicts(&v),
        vec![
            (manifest_name("alice", "sig"), "GOOD".into()),
            (manifest_name("alice2", "asc"), "DUPLICATE".into())
        ]
    );
    assert_eq!(v["quorum"]["count"], 1);
    assert_eq!(code, 1, "one key cannot make a 2-of-2 quorum");
}

#[test]
fn a10_one_key_under_two_names_is_an_error() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    let p = f.policy_named(t.path(), 2, &[("alice", "alice"), ("alice-again", "alice")]);
    let (code, err) = stderr_of(&rel, &p);
    assert_eq!(code, 2);
    assert!(err.contains("two names"), "{err}");
}

#[test]
fn a11_signed_while_valid_then_expired_stays_good() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("old-2021.sig", "old")], 1, &["old"], &[]);
    let s = sig(&v, "manifest-old");
    assert_eq!(s["verdict"], "GOOD", "{s}");
    let notes = s["notes"].to_string();
    // gpg: created 2020-01-01 with "2y" = 730 days, so it expired on 2021-12-31.
    assert!(notes.contains("key expired on 2021-12-31"), "{notes}");
    assert_eq!(code, 0);
}

#[test]
fn a12_signed_after_expiry_is_expired() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("lapsed-2022.sig", "lapsed")], 1, &["lapsed"], &[]);
    let s = sig(&v, "manifest-lapsed");
    assert_eq!(s["verdict"], "EXPIRED", "{s}");
    assert!(reason(s).contains("expired on 2021-06-01"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a13_hard_revoked_key_is_revoked() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("revoked.sig", "revoked")], 1, &["revoked"], &[]);
    let s = sig(&v, "manifest-revoked");
    assert_eq!(s["verdict"], "REVOKED", "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a14_retired_after_signing_still_counts() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("retired-2021.sig", "retired")], 1, &["retired"], &[]);
    let s = sig(&v, "manifest-retired");
    assert_eq!(s["verdict"], "GOOD", "{s}");
    assert!(s["notes"].to_string().contains("retired"), "{s}");
    assert_eq!(code, 0);
}

#[test]
fn a15_superseded_before_signing_is_revoked() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(
        f,
        &[("superseded-today.sig", "superseded")],
        1,
        &["superseded"],
        &[],
    );
    let s = sig(&v, "manifest-superseded");
    assert_eq!(s["verdict"], "REVOKED", "{s}");
    assert!(reason(s).contains("superseded"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a16_signature_before_key_creation_is_bad() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("late-early.sig", "late")], 1, &["late"], &[]);
    let s = sig(&v, "manifest-late");
    assert_eq!(s["verdict"], "BAD", "{s}");
    assert!(reason(s).contains("before its"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a17_key_file_with_several_keys_only_the_pinned_one_counts() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    f.put_sig("bob.sig", &rel, "bob");
    let both = t.path().join("both.asc");
    let mut bytes = std::fs::read(f.keys.join("alice.asc")).unwrap();
    bytes.extend(std::fs::read(f.keys.join("bob.asc")).unwrap());
    std::fs::write(&both, bytes).unwrap();
    let p = t.path().join("policy.toml");
    let write_policy = |key_file: &str| {
        std::fs::write(
            &p,
            format!(
                "threshold = 1\n[[signer]]\nname = \"alice\"\nopenpgp = \"{}\"\nkey = \"{key_file}\"\n",
                f.fpr("alice")
            ),
        )
        .unwrap();
    };
    // The pin picks alice's key; bob's key in the same file is not trusted.
    write_policy("both.asc");
    let (code, v) = verify_json(&rel, &p, &[]);
    assert_eq!(
        verdicts(&v),
        vec![
            (manifest_name("alice", "sig"), "GOOD".into()),
            (manifest_name("bob", "sig"), "UNKNOWN".into())
        ]
    );
    assert_eq!(code, 0);
    // A file with several keys, none of them the pinned one: an error naming them.
    let other = t.path().join("other.asc");
    let mut bytes = std::fs::read(f.keys.join("bob.asc")).unwrap();
    bytes.extend(std::fs::read(f.keys.join("carol.asc")).unwrap());
    std::fs::write(&other, bytes).unwrap();
    write_policy("other.asc");
    let (code, err) = stderr_of(&rel, &p);
    assert_eq!(code, 2);
    assert!(
        err.contains(&f.fpr("alice"))
            && err.contains(&f.fpr("bob"))
            && err.contains(&f.fpr("carol")),
        "{err}"
    );
}

#[test]
fn a18_threshold_exceeding_signers_is_an_error() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let p = f.policy(t.path(), 3, &["alice", "bob"]);
    let (code, err) = stderr_of(&rel, &p);
    assert_eq!(code, 2);
    assert!(err.contains("threshold 3 exceeds the 2"), "{err}");
}

fn broken_manifest(f: &Fixture, text: &str) -> (i32, String) {
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let m = rel.join(format!("manifest-{VERSION}.txt"));
    std::fs::write(&m, text).unwrap();
    let p = f.policy(t.path(), 1, &["alice"]);
    stderr_of(&rel, &p)
}

#[test]
fn a19_manifest_with_duplicate_paths_is_an_error() {
    let Some(f) = fixture() else { return };
    let line = format!("{}  a\n", "0".repeat(64));
    let (code, err) = broken_manifest(f, &format!("{line}{line}"));
    assert_eq!(code, 2);
    assert!(err.contains("manifest-v1.0.0.txt:2"), "{err}");
}

#[test]
fn a20_manifest_with_unsafe_path_is_an_error() {
    let Some(f) = fixture() else { return };
    for bad in ["../etc/passwd", "/etc/passwd"] {
        let (code, err) = broken_manifest(f, &format!("{}  {bad}\n", "0".repeat(64)));
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("unsafe path"), "{err}");
    }
}

#[test]
fn a21_two_manifests_is_an_error() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    std::fs::copy(
        rel.join(format!("manifest-{VERSION}.txt")),
        rel.join("manifest-v2.0.0.txt"),
    )
    .unwrap();
    let (code, err) = stderr_of(&rel, &f.policy(t.path(), 1, &["alice"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("2 manifests") && err.contains("manifest-v2.0.0.txt"),
        "{err}"
    );
}

#[test]
fn a22_sha1_signature_is_refused() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("bob-sha1.sig", "bob")], 1, &["bob"], &[]);
    let s = sig(&v, "manifest-bob");
    assert_eq!(s["verdict"], "BAD", "{s}");
    assert!(reason(s).contains("SHA1"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a23_rsa1024_key_is_refused() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("weak.sig", "weak")], 1, &["weak"], &[]);
    let s = sig(&v, "manifest-weak");
    assert_eq!(s["verdict"], "BAD", "{s}");
    assert!(reason(s).contains("RSA-1024"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a24_dsa_key_is_refused() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("dsa.sig", "dsa")], 1, &["dsa"], &[]);
    let s = sig(&v, "manifest-dsa");
    assert_eq!(s["verdict"], "BAD", "{s}");
    assert!(reason(s).contains("DSA"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a25_key_file_with_the_wrong_key_is_an_error_naming_both() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let p = t.path().join("policy.toml");
    std::fs::write(
        &p,
        format!(
            "threshold = 1\n[[signer]]\nname = \"alice\"\nopenpgp = \"{}\"\nkey = \"{}\"\n",
            f.fpr("alice"),
            f.keys.join("bob.asc").display()
        ),
    )
    .unwrap();
    let (code, err) = stderr_of(&rel, &p);
    assert_eq!(code, 2);
    assert!(
        err.contains(&f.fpr("alice")) && err.contains(&f.fpr("bob")),
        "{err}"
    );
}

#[test]
fn a26_bit_flipped_signature_is_bad() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let p = f.put_sig("alice.sig", &rel, "alice");
    let mut bytes = std::fs::read(&p).unwrap();
    let n = bytes.len();
    bytes[n - 5] ^= 0x01;
    std::fs::write(&p, bytes).unwrap();
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(
        verdicts(&v),
        vec![(manifest_name("alice", "sig"), "BAD".into())]
    );
    assert_eq!(code, 1);
}

#[test]
fn a27_tampered_manifest_makes_every_signature_bad() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    f.put_sig("bob.sig", &rel, "bob");
    // Swap one digest for the hash of a trojan, and the file with it.
    let m = rel.join(format!("manifest-{VERSION}.txt"));
    std::fs::write(rel.join("hello-source-v1.0.0.tar.gz"), b"trojan").unwrap();
    let text = std::fs::read_to_string(&m).unwrap();
    let trojan = crate::util::sha256_hex(&rel.join("hello-source-v1.0.0.tar.gz"));
    let text: String = text
        .lines()
        .map(|l| {
            if l.ends_with("hello-source-v1.0.0.tar.gz") {
                format!("{trojan}  hello-source-v1.0.0.tar.gz\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&m, text).unwrap();
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice", "bob"]), &[]);
    assert!(verdicts(&v).iter().all(|(_, x)| x == "BAD"), "{v}");
    assert_eq!(code, 1);
}

#[test]
fn a28_tampered_file_is_mismatch_despite_good_signatures() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    std::fs::write(rel.join("hello-linux-amd64-v1.0.0/hello"), b"trojan").unwrap();
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(verdicts(&v)[0].1, "GOOD");
    assert_eq!(v["quorum"]["met"], true);
    let e = v["files"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "hello-linux-amd64-v1.0.0/hello")
        .unwrap();
    assert_eq!(e["status"], "MISMATCH");
    // The digest signed for the file and the one of the trojan on disk.
    let manifest = std::fs::read_to_string(rel.join("manifest-v1.0.0.txt")).unwrap();
    let listed = manifest
        .lines()
        .find(|l| l.ends_with("  hello-linux-amd64-v1.0.0/hello"))
        .unwrap();
    assert_eq!(e["expected"], &listed[..64], "{e}");
    assert_eq!(
        e["actual"],
        crate::util::sha256_hex(&rel.join("hello-linux-amd64-v1.0.0/hello")),
        "{e}"
    );
    assert_eq!(code, 1);
}

#[test]
fn a29_bad_and_unknown_signatures_do_not_hide_good_ones() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    f.put_sig("mallory.sig", &rel, "mallory");
    f.put_sig("bob.sig", &rel, "bob");
    std::fs::write(rel.join(manifest_name("aaa-garbage", "sig")), b"garbage").unwrap();
    f.put_sig("carol.sig", &rel, "carol");
    let (code, v) = verify_json(
        &rel,
        &f.policy(t.path(), 3, &["alice", "bob", "carol"]),
        &[],
    );
    assert_eq!(
        verdicts(&v),
        vec![
            (manifest_name("aaa-garbage", "sig"), "BAD".into()),
            (manifest_name("alice", "sig"), "GOOD".into()),
            (manifest_name("bob", "sig"), "GOOD".into()),
            (manifest_name("carol", "sig"), "GOOD".into()),
            (manifest_name("mallory", "sig"), "UNKNOWN".into()),
        ]
    );
    assert_eq!(v["quorum"]["count"], 3);
    assert_eq!(code, 0);
}

#[test]
fn a30_quorum_not_met_exits_1() {
    let Some(f) = fixture() else { return };
    let (code, v, _t) = run_case(f, &[("alice.sig", "alice")], 2, &["alice", "bob"], &[]);
    assert_eq!(verdicts(&v)[0].1, "GOOD");
    assert_eq!(v["quorum"]["met"], false);
    assert_eq!(code, 1);
}

#[test]
fn a31_missing_files_need_require_all() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    std::fs::remove_file(rel.join("hello-source-v1.0.0.tar.gz")).unwrap();
    let p = f.policy(t.path(), 1, &["alice"]);
    let (code, _) = verify_json(&rel, &p, &[]);
    assert_eq!(code, 0, "missing files are fine by default");
    let (code, v) = verify_json(&rel, &p, &["--require-all"]);
    assert_eq!(code, 1);
    assert!(v["files"]["entries"].to_string().contains("MISSING"));
}

#[test]
fn a32_openpgp_signature_named_sshsig_is_bad() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    std::fs::copy(
        f.sigs.join("alice.sig"),
        rel.join(manifest_name("alice", "sshsig")),
    )
    .unwrap();
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(
        verdicts(&v),
        vec![(manifest_name("alice", "sshsig"), "BAD".into())]
    );
    assert_eq!(code, 1);
}

fn ssh_sign(f: &Fixture, who: &str, namespace: &str, file: &Path) -> PathBuf {
    let o = std::process::Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", namespace, "-f"])
        .arg(f.ssh.join(who))
        .arg(file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    PathBuf::from(format!("{}.sig", file.display()))
}

fn ssh_policy(f: &Fixture, dir: &Path, names: &[&str]) -> PathBuf {
    let mut s = "threshold = 1\n".to_string();
    for n in names {
        let pubkey = std::fs::read_to_string(f.ssh.join(format!("{n}.pub"))).unwrap();
        s.push_str(&format!(
            "[[signer]]\nname = \"{n}\"\nssh = \"{}\"\n",
            pubkey.trim()
        ));
    }
    let p = dir.join("policy.toml");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn a33_ssh_signature_in_another_namespace_is_bad() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    let m = f.release(&rel);
    let s = ssh_sign(f, "dave", "git", &m);
    std::fs::rename(s, rel.join(manifest_name("dave", "sshsig"))).unwrap();
    let (code, v) = verify_json(&rel, &ssh_policy(f, t.path(), &["dave"]), &[]);
    let s = sig(&v, "manifest-dave");
    assert_eq!(s["verdict"], "BAD", "{s}");
    assert!(reason(s).contains("namespace"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn a34_ssh_signature_by_unpinned_key_is_unknown() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    let m = f.release(&rel);
    let s = ssh_sign(f, "eve", "file", &m);
    std::fs::rename(s, rel.join(manifest_name("dave", "sshsig"))).unwrap();
    let (code, v) = verify_json(&rel, &ssh_policy(f, t.path(), &["dave"]), &[]);
    assert_eq!(sig(&v, "manifest-dave")["verdict"], "UNKNOWN");
    assert_eq!(code, 1);
}

#[test]
fn a35_combined_file_with_garbage_in_the_middle() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    // alice's armored signature, a garbage block, bob's armored signature.
    let alice = std::fs::read(f.sigs.join("alice.asc")).unwrap();
    let bob_bin = std::fs::read(f.sigs.join("bob.sig")).unwrap();
    let o = std::process::Command::new("gpg")
        .args(["--enarmor"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let mut o = o;
    o.stdin.take().unwrap().write_all(&bob_bin).unwrap();
    let bob = o.wait_with_output().unwrap().stdout;
    let bob = String::from_utf8(bob)
        .unwrap()
        .replace("ARMORED FILE", "SIGNATURE");
    let mut all = alice.clone();
    all.extend_from_slice(b"-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n=AAAA\n-----END PGP SIGNATURE-----\n");
    all.extend_from_slice(bob.as_bytes());
    std::fs::write(rel.join(manifest_name("team", "asc")), all).unwrap();
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 2, &["alice", "bob"]), &[]);
    let got: Vec<String> = verdicts(&v).into_iter().map(|(_, x)| x).collect();
    assert_eq!(got, vec!["GOOD", "BAD", "GOOD"], "{v}");
    assert_eq!(code, 0);
}

#[test]
fn a36_policy_without_trust_and_no_policy_is_an_error_with_hint() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let o = quorate()
        .arg("verify")
        .arg(&rel)
        .current_dir(t.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error: no trust policy: pass --policy FILE"),
        "{err}"
    );
    assert!(
        err.contains("hint: quorate never takes the policy or keys from the folder being verified"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "no verdict printed");
}

#[test]
fn a37_textmode_signature_is_good() {
    let Some(f) = fixture() else { return };
    let out = std::process::Command::new("gpg")
        .args(["--list-packets"])
        .arg(f.sigs.join("bob-text.sig"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("sigclass 0x01"),
        "gpg made a text-mode signature"
    );
    let (code, v, _t) = run_case(f, &[("bob-text.sig", "bob")], 1, &["bob"], &[]);
    assert_eq!(
        verdicts(&v),
        vec![(manifest_name("bob", "sig"), "GOOD".into())]
    );
    assert_eq!(code, 0);
}

// ---------------------------------------------------------------------
// Issue 13: false accepts found by attacking verify. Each test failed on
// the code before the fix (accepted, hung, or misreported) and passes now.
// ---------------------------------------------------------------------

use crate::sigfixture::gpg_in;
use std::time::Duration;

/// `quorate verify` with extra arguments; (exit code, stdout, stderr).
fn run_verify(args: &[&std::ffi::OsStr], cwd: Option<&Path>) -> (i32, String, String) {
    let mut c = quorate();
    c.arg("verify").args(args).timeout(Duration::from_secs(60));
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(s: &S) -> &std::ffi::OsStr {
    s.as_ref()
}

/// gpg-signs `file` as fixture key `who` (detached, binary), to `out`.
fn gpg_sign(f: &Fixture, who: &str, file: &Path, out: &Path, extra: &[&str]) {
    let fpr = f.fpr(who);
    let mut args: Vec<&str> = extra.to_vec();
    let (o, i) = (out.to_str().unwrap(), file.to_str().unwrap());
    args.extend(["--local-user", &fpr, "--output", o, i]);
    if !extra.iter().any(|a| a.contains("sign")) {
        args.insert(0, "--detach-sign");
    }
    let r = gpg_in(&f.home, &args);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

/// Writes the sha256sum manifest of every regular file under `dir` (but
/// manifests and signatures) as `manifest-<version>.txt`.
fn write_manifest(dir: &Path, version: &str) -> PathBuf {
    let mut lines = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(dir).unwrap().to_str().unwrap().to_string();
            if rel.starts_with("manifest-") {
                continue;
            }
            lines.push(format!("{}  {rel}\n", crate::util::sha256_hex(&p)));
        }
    }
    lines.sort_by(|a, b| a.as_bytes()[66..].cmp(&b.as_bytes()[66..]));
    let m = dir.join(format!("manifest-{version}.txt"));
    std::fs::write(&m, lines.concat()).unwrap();
    m
}

/// A release `hello` `version` whose manifest lists a build.json, signed
/// by alice.
fn signed_release(f: &Fixture, dir: &Path, version: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join(format!("hello-linux-amd64-{version}.tar.gz")),
        format!("tarball of {version}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("build.json"),
        format!("{{\"name\": \"hello\", \"version\": \"{version}\", \"commit\": \"abc\"}}\n"),
    )
    .unwrap();
    let m = write_manifest(dir, version);
    gpg_sign(
        f,
        "alice",
        &m,
        &dir.join(format!("manifest-alice-{version}.sig")),
        &[],
    );
    m
}

// --- 1. The release trusts itself -----------------------------------------

#[test]
fn b01_policy_and_keys_shipped_in_the_release_are_not_trusted() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    // The attacker signs with their own key and ships the policy pinning it.
    f.put_sig("mallory.sig", &rel, "mallory");
    std::fs::create_dir_all(rel.join("keys")).unwrap();
    std::fs::copy(f.keys.join("mallory.asc"), rel.join("keys/mallory.asc")).unwrap();
    std::fs::write(
        rel.join("quorate.toml"),
        format!(
            "[trust]\nthreshold = 1\n[[trust.signer]]\nname = \"mallory\"\nopenpgp = \"{}\"\nkey = \"keys/mallory.asc\"\n",
            f.fpr("mallory")
        ),
    )
    .unwrap();
    let (code, out, err) = run_verify(&[], Some(&rel));
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("no trust policy"), "{err}");
    assert!(err.contains("never takes the policy"), "{err}");
    assert!(!out.contains("VERIFIED"), "{out}");
    // Naming the release folder does not make it trusted either.
    let (code, _, err) = run_verify(&[os(&rel)], Some(t.path()));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn b02_trust_source_is_reported_and_user_config_is_used() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    let cfg = t.path().join("config");
    std::fs::create_dir_all(cfg.join("quorate")).unwrap();
    f.policy(&cfg.join("quorate"), 1, &["alice"]);
    std::fs::rename(
        cfg.join("quorate/policy.toml"),
        cfg.join("quorate/policy.toml.tmp"),
    )
    .unwrap();
    std::fs::rename(
        cfg.join("quorate/policy.toml.tmp"),
        cfg.join("quorate/policy.toml"),
    )
    .unwrap();
    let o = quorate()
        .env("XDG_CONFIG_HOME", &cfg)
        .args(["verify", "--json"])
        .arg(&rel)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["trust"]["source"], "user config", "{v}");
    assert_eq!(o.status.code(), Some(0));
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(v["trust"]["source"], "--policy");
    assert_eq!(code, 0);
    let (code, out, _) = run_verify(
        &[
            os(&rel),
            os("--policy"),
            t.path().join("policy.toml").as_os_str(),
        ],
        None,
    );
    assert!(out.starts_with("trust: "), "{out}");
    assert_eq!(code, 0);
}

// --- 2. One key, several votes -------------------------------------------

#[test]
fn b03_two_key_files_for_one_signer_name_count_once() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    f.put_sig("mallory.sig", &rel, "alice2");
    let kd = t.path().join("keys");
    std::fs::create_dir_all(&kd).unwrap();
    std::fs::copy(f.keys.join("alice.asc"), kd.join("alice.asc")).unwrap();
    std::fs::copy(f.keys.join("mallory.asc"), kd.join("alice.gpg")).unwrap();
    std::fs::copy(f.keys.join("bob.asc"), kd.join("bob.asc")).unwrap();
    let (code, out, err) = run_verify(
        &[
            os(&rel),
            os("--keys-dir"),
            os(&kd),
            os("--threshold"),
            os("2"),
        ],
        None,
    );
    assert!(err.contains("already has a key file"), "{err}");
    assert!(
        out.contains("quorum: 2 of 2 required: NOT MET (1 counted: alice)"),
        "{out}"
    );
    assert!(out.contains("UNKNOWN"), "{out}");
    assert_eq!(code, 1);
}

/// An OpenPGP certificate whose primary key is the Ed25519 key of the SSH
/// private key file `ssh`, created at `ctime`; returns (cert, detached
/// signature of `data`).
fn pgp_from_ssh(
    ssh: &Path,
    ctime: std::time::SystemTime,
    data: &[u8],
) -> (Vec<u8>, String, Vec<u8>) {
    use pgp::packet::key::{Key4, PrimaryRole, SecretParts};
    use pgp::packet::signature::SignatureBuilder;
    use pgp::serialize::SerializeInto;
    use pgp::serialize::stream::{Message, Signer};
    use pgp::types::{KeyFlags, SignatureType};
    use sequoia_openpgp as pgp;
    use std::io::Write;
    let sk = ssh_key::PrivateKey::read_openssh_file(ssh).unwrap();
    let seed = sk.key_data().ed25519().unwrap().private.to_bytes();
    let key: Key4<SecretParts, PrimaryRole> = Key4::import_secret_ed25519(&seed, ctime).unwrap();
    let key: pgp::packet::Key<SecretParts, PrimaryRole> = key.into();
    let mut keypair = key.clone().into_keypair().unwrap();
    let cert = pgp::Cert::try_from(vec![pgp::Packet::from(key)]).unwrap();
    let uid = pgp::packet::UserID::from("same key <same@example.org>");
    let b = SignatureBuilder::new(SignatureType::PositiveCertification)
        .set_key_flags(KeyFlags::empty().set_signing().set_certification())
        .unwrap()
        .set_signature_creation_time(ctime)
        .unwrap();
    let binding = uid.bind(&mut keypair, &cert, b).unwrap();
    let cert = cert
        .insert_packets(vec![pgp::Packet::from(uid), binding.into()])
        .unwrap()
        .0;
    let public = cert.clone().strip_secret_key_material();
    let fpr = public.fingerprint().to_hex();
    let mut sig = Vec::new();
    {
        let m = Message::new(&mut sig);
        let mut s = Signer::new(m, keypair).unwrap().detached().build().unwrap();
        s.write_all(data).unwrap();
        s.finalize().unwrap();
    }
    (public.armored().to_vec().unwrap(), fpr, sig)
}

#[test]
fn b04_one_ed25519_key_pinned_as_ssh_and_openpgp_counts_once() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    let m = f.release(&rel);
    let s = ssh_sign(f, "dave", "file", &m);
    std::fs::rename(s, rel.join(manifest_name("dave", "sshsig"))).unwrap();
    let day = Duration::from_secs(86400);
    let (cert, fpr, pgp_sig) = pgp_from_ssh(
        &f.ssh.join("dave"),
        std::time::SystemTime::now() - day,
        &std::fs::read(&m).unwrap(),
    );
    std::fs::write(rel.join(manifest_name("davepgp", "sig")), pgp_sig).unwrap();
    std::fs::write(t.path().join("davepgp.asc"), cert).unwrap();
    let pubkey = std::fs::read_to_string(f.ssh.join("dave.pub")).unwrap();
    let p = t.path().join("policy.toml");
    std::fs::write(
        &p,
        format!(
            "threshold = 2\n[[signer]]\nname = \"dave\"\nssh = \"{}\"\n[[signer]]\nname = \"davepgp\"\nopenpgp = \"{fpr}\"\nkey = \"davepgp.asc\"\n",
            pubkey.trim()
        ),
    )
    .unwrap();
    let (code, v) = verify_json(&rel, &p, &[]);
    let got: Vec<String> = verdicts(&v).into_iter().map(|(_, x)| x).collect();
    assert_eq!(got, vec!["GOOD", "DUPLICATE"], "{v}");
    assert!(
        reason(sig(&v, "manifest-davepgp")).contains("same key as \"dave\""),
        "{v}"
    );
    assert_eq!(v["quorum"]["count"], 1);
    assert!(
        v["quorum"]["duplicate_keys"]
            .to_string()
            .contains("davepgp"),
        "{v}"
    );
    assert_eq!(code, 1);
}

#[test]
fn b05_one_key_as_two_openpgp_certificates_counts_once() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    let m = f.release(&rel);
    let data = std::fs::read(&m).unwrap();
    let now = std::time::SystemTime::now();
    let day = Duration::from_secs(86400);
    let (c1, f1, s1) = pgp_from_ssh(&f.ssh.join("eve"), now - day, &data);
    let (c2, f2, s2) = pgp_from_ssh(&f.ssh.join("eve"), now - 2 * day, &data);
    assert_ne!(f1, f2, "two creation times, two fingerprints");
    std::fs::write(rel.join(manifest_name("eve1", "sig")), s1).unwrap();
    std::fs::write(rel.join(manifest_name("eve2", "sig")), s2).unwrap();
    std::fs::write(t.path().join("eve1.asc"), c1).unwrap();
    std::fs::write(t.path().join("eve2.asc"), c2).unwrap();
    let p = t.path().join("policy.toml");
    std::fs::write(
        &p,
        format!(
            "threshold = 2\n[[signer]]\nname = \"eve1\"\nopenpgp = \"{f1}\"\nkey = \"eve1.asc\"\n[[signer]]\nname = \"eve2\"\nopenpgp = \"{f2}\"\nkey = \"eve2.asc\"\n"
        ),
    )
    .unwrap();
    let (code, v) = verify_json(&rel, &p, &[]);
    let got: Vec<String> = verdicts(&v).into_iter().map(|(_, x)| x).collect();
    assert_eq!(got, vec!["GOOD", "DUPLICATE"], "{v}");
    assert_eq!(v["quorum"]["count"], 1);
    assert_eq!(code, 1);
}

// --- 3. Rollback ------------------------------------------------------------

#[test]
fn b06_old_release_renamed_to_a_newer_version_is_rejected() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    signed_release(f, &rel, "v1.0.0");
    let policy = f.policy(t.path(), 1, &["alice"]);
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert_eq!(v["version"], "v1.0.0");
    assert_eq!(v["signed"]["version"], "v1.0.0");
    assert_eq!(code, 0, "{v}");
    // The attacker renames the manifest and signature to v1.1.0.
    std::fs::rename(
        rel.join("manifest-v1.0.0.txt"),
        rel.join("manifest-v1.1.0.txt"),
    )
    .unwrap();
    std::fs::rename(
        rel.join("manifest-alice-v1.0.0.sig"),
        rel.join("manifest-alice-v1.1.0.sig"),
    )
    .unwrap();
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert_eq!(verdicts(&v)[0].1, "GOOD");
    assert_eq!(v["version"], "v1.0.0", "the signed version is printed");
    assert_eq!(v["claimed_version"], "v1.1.0");
    assert!(
        v["version_problem"].as_str().unwrap().contains("rollback"),
        "{v}"
    );
    assert_eq!(v["ok"], false);
    assert_eq!(code, 1);
    let (_, out, _) = run_verify(&[os(&rel), os("--policy"), os(&policy)], None);
    assert!(out.contains("version: v1.0.0 NOT TRUSTED"), "{out}");
}

#[test]
fn b07_expected_version_must_be_the_signed_one() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    signed_release(f, &rel, "v1.0.0");
    let policy = f.policy(t.path(), 1, &["alice"]);
    let (code, v) = verify_json(&rel, &policy, &["--version", "v1.1.0"]);
    assert!(
        v["version_problem"]
            .as_str()
            .unwrap()
            .contains("expected version v1.1.0"),
        "{v}"
    );
    assert_eq!(code, 1);
    let (code, _) = verify_json(&rel, &policy, &["--version", "v1.0.0"]);
    assert_eq!(code, 0);
    // Without a signed build.json nothing confirms the expected version.
    let old = t.path().join("old");
    f.release(&old);
    f.put_sig("alice.sig", &old, "alice");
    let (code, v) = verify_json(&old, &policy, &["--version", VERSION]);
    assert!(
        v["version_problem"]
            .as_str()
            .unwrap()
            .contains("nothing signed"),
        "{v}"
    );
    assert_eq!(code, 1);
    // A build.json that is not the one the manifest lists is not trusted.
    std::fs::write(rel.join("build.json"), "{\"version\": \"v1.1.0\"}").unwrap();
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert!(
        v["version_problem"].as_str().unwrap().contains("differs"),
        "{v}"
    );
    assert_eq!(code, 1);
}

#[test]
fn b19_expected_project_must_be_the_signed_one() {
    // The same people sign two projects: a release of the other project
    // must not pass as this one.
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    signed_release(f, &rel, "v1.0.0");
    let policy = f.policy(t.path(), 1, &["alice"]);
    let (code, v) = verify_json(&rel, &policy, &["--name", "tapd"]);
    assert!(
        v["version_problem"]
            .as_str()
            .unwrap()
            .contains("expected project tapd, but the signed build.json says hello"),
        "{v}"
    );
    assert_eq!(code, 1);
    let (code, v) = verify_json(&rel, &policy, &["--name", "hello"]);
    assert_eq!(code, 0, "{v}");
    // Nothing signed names the project: refused when one is expected.
    let old = t.path().join("old");
    f.release(&old);
    f.put_sig("alice.sig", &old, "alice");
    let (code, v) = verify_json(&old, &policy, &["--name", "hello"]);
    assert!(
        v["version_problem"]
            .as_str()
            .unwrap()
            .contains("nothing signed names the project"),
        "{v}"
    );
    assert_eq!(code, 1);
}

/// `verify --project DIR` with DIR's quorate.toml as the policy: its
/// `[project] name` is the expected project, and a `[project]` table with
/// no name is an error, never a silently skipped check.
fn verify_project(rel: &Path, project: &Path) -> (i32, String, String) {
    let o = crate::util::quorate()
        .arg("verify")
        .arg(rel)
        .arg("--project")
        .arg(project)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn b20_project_flag_checks_the_project_name_or_fails() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    signed_release(f, &rel, "v1.0.0");
    let trust = std::fs::read_to_string(f.policy(t.path(), 1, &["alice"]))
        .unwrap()
        .replace("[[signer]]", "[[trust.signer]]");
    let write = |name: &str, project: &str| {
        let dir = t.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("quorate.toml"),
            format!("{project}[trust]\n{trust}"),
        )
        .unwrap();
        dir
    };
    // The signed release is "hello": another project's file refuses it.
    let (code, out, err) = verify_project(&rel, &write("tapd", "[project]\nname = \"tapd\"\n"));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("expected project tapd"), "{out}{err}");
    // Its own project's file accepts it.
    let (code, out, err) = verify_project(&rel, &write("hello", "[project]\nname = \"hello\"\n"));
    assert_eq!(code, 0, "{out}{err}");
    // A [project] table without a name: an error (exit 2), not a pass.
    let (code, out, err) = verify_project(&rel, &write("noname", "[project]\nmodule = \"x\"\n"));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("[project] has no name"), "{err}");
    // Only a [trust] table: no project is named, so none is required.
    let (code, out, err) = verify_project(&rel, &write("trustonly", ""));
    assert_eq!(code, 0, "{out}{err}");
}

// --- 4. Conflicting attestations -----------------------------------------

#[test]
fn b08_one_signer_attesting_two_digests_for_a_file_vouches_for_none() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let repo = t.path().join("sigs");
    let (a, b) = ("a".repeat(64), "b".repeat(64));
    let c = "c".repeat(64);
    for who in ["alice", "bob"] {
        let d = repo.join("27.0").join(who);
        std::fs::create_dir_all(&d).unwrap();
        let non = if who == "alice" { &b } else { &a };
        std::fs::write(
            d.join("all.SHA256SUMS"),
            format!("{a}  x.tar.gz\n{c}  y.zip\n"),
        )
        .unwrap();
        std::fs::write(
            d.join("noncodesigned.SHA256SUMS"),
            format!("{non}  x.tar.gz\n"),
        )
        .unwrap();
        for doc in ["all.SHA256SUMS", "noncodesigned.SHA256SUMS"] {
            gpg_sign(
                f,
                who,
                &d.join(doc),
                &d.join(format!("{doc}.asc")),
                &["--armor", "--detach-sign"],
            );
        }
    }
    let kd = t.path().join("keys");
    std::fs::create_dir_all(&kd).unwrap();
    for who in ["alice", "bob"] {
        std::fs::copy(
            f.keys.join(format!("{who}.asc")),
            kd.join(format!("{who}.asc")),
        )
        .unwrap();
    }
    let base = [
        os("--attestations"),
        os(&repo),
        os("--version"),
        os("27.0"),
        os("--keys-dir"),
        os(&kd),
        os("--threshold"),
        os("2"),
    ];
    let (code, out, err) = run_verify(&base, None);
    assert!(
        out.contains(&format!(
            "CONFLICT alice attests 2 different digests for x.tar.gz: {a} (all.SHA256SUMS), {b} (noncodesigned.SHA256SUMS)"
        )),
        "{out}\n{err}"
    );
    assert!(err.contains("NOT VERIFIED"), "{err}");
    assert_eq!(code, 1);
    let mut args = base.to_vec();
    args.push(os("--json"));
    let (_, out, _) = run_verify(&args, None);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let x = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "x.tar.gz")
        .unwrap();
    assert_eq!(x["conflicts"][0][0], "alice", "{x}");
    assert_eq!(x["disagree"], serde_json::json!(["alice"]));
    assert_eq!(x["quorum_met"], false);
}

// --- 5. Skipped and hidden files -------------------------------------------

#[test]
fn b09_folder_named_like_a_proof_hides_nothing() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    std::fs::create_dir_all(rel.join("evil.ots")).unwrap();
    std::fs::write(rel.join("evil.ots/payload"), "unlisted").unwrap();
    std::fs::create_dir_all(rel.join(manifest_name("bob", "sig"))).unwrap();
    std::fs::write(rel.join(manifest_name("bob", "sig")).join("inner"), "x").unwrap();
    let policy = f.policy(t.path(), 1, &["alice"]);
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert_eq!(
        v["files"]["unlisted"],
        serde_json::json!(["evil.ots/payload", "manifest-bob-v1.0.0.sig/inner"]),
        "{v}"
    );
    assert_eq!(code, 0, "unlisted files alone do not fail without --strict");
    let (code, _, err) = run_verify(&[os(&rel), os("--policy"), os(&policy)], None);
    assert!(err.contains("2 unlisted"), "{err}");
    assert_eq!(code, 0);
    let (code, v) = verify_json(&rel, &policy, &["--strict"]);
    assert_eq!(v["ok"], false);
    assert_eq!(code, 1);
}

#[test]
fn b10_fifo_named_like_a_proof_is_an_error_not_a_hang() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    crate::util::sh(&rel, "mkfifo x.ots");
    let policy = f.policy(t.path(), 1, &["alice"]);
    let (code, _, err) = run_verify(&[os(&rel), os("--policy"), os(&policy)], None);
    assert!(
        err.contains("x.ots: a FIFO cannot be part of a release"),
        "{err}"
    );
    assert_eq!(code, 2);
}

#[test]
fn b11_links_named_like_signatures_are_not_followed() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    let policy = f.policy(t.path(), 1, &["alice"]);
    // A device behind a proof-like name, and a signature outside the release.
    std::os::unix::fs::symlink("/dev/zero", rel.join("x.ots")).unwrap();
    let (code, _, err) = run_verify(&[os(&rel), os("--policy"), os(&policy)], None);
    assert!(
        err.contains("x.ots: symbolic link to \"/dev/zero\" is absolute"),
        "{err}"
    );
    assert_eq!(code, 2);
    std::fs::remove_file(rel.join("x.ots")).unwrap();
    std::fs::copy(f.sigs.join("bob.sig"), t.path().join("bob.sig")).unwrap();
    std::os::unix::fs::symlink("../bob.sig", rel.join(manifest_name("bob", "sig"))).unwrap();
    let (code, _, err) = run_verify(&[os(&rel), os("--policy"), os(&policy)], None);
    assert!(err.contains("points outside the tree"), "{err}");
    assert_eq!(code, 2);
}

#[test]
fn b12_listed_fifo_is_refused_without_hanging() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    let policy = f.policy(t.path(), 1, &["alice"]);
    // The manifest names a FIFO: check never opens it blocking.
    let fifo = t.path().join("fifo");
    crate::util::sh(t.path(), "mkfifo fifo");
    let (code, _, err) = run_verify(
        &[
            os(&fifo),
            os("--signatures"),
            f.sigs.join("alice.sig").as_os_str(),
            os("--policy"),
            os(&policy),
        ],
        None,
    );
    assert!(err.contains("not a file"), "{err}");
    assert_eq!(code, 2);
}

// --- 6. Unbounded reads -----------------------------------------------------

#[test]
fn b13_build_json_as_dev_zero_or_fifo_in_an_attestation_is_not_read() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let repo = t.path().join("sigs");
    for (who, kind) in [("alice", "zero"), ("bob", "fifo")] {
        let d = repo.join(VERSION).join(who);
        f.release(&d);
        for p in [
            "hello-linux-amd64-v1.0.0.tar.gz",
            "hello-linux-amd64-v1.0.0",
            "hello-source-v1.0.0.tar.gz",
        ] {
            let _ = std::fs::remove_dir_all(d.join(p));
            let _ = std::fs::remove_file(d.join(p));
        }
        f.put_sig(&format!("{who}.sig"), &d, who);
        if kind == "zero" {
            std::os::unix::fs::symlink("/dev/zero", d.join("build.json")).unwrap();
        } else {
            crate::util::sh(&d, "mkfifo build.json");
        }
    }
    let policy = f.policy(t.path(), 2, &["alice", "bob"]);
    let (code, out, err) = run_verify(
        &[
            os("--attestations"),
            os(&repo),
            os("--version"),
            os(VERSION),
            os("--policy"),
            os(&policy),
            os("--json"),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    assert_eq!(v["signers"][0]["build"], serde_json::Value::Null);
    assert_eq!(v["signers"][1]["build"], serde_json::Value::Null);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn b14_oversized_or_non_regular_build_json_in_a_release() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    std::fs::create_dir_all(&rel).unwrap();
    std::fs::write(rel.join("build.json"), vec![b' '; 300 << 10]).unwrap();
    let m = write_manifest(&rel, VERSION);
    gpg_sign(
        f,
        "alice",
        &m,
        &rel.join(manifest_name("alice", "sig")),
        &[],
    );
    let policy = f.policy(t.path(), 1, &["alice"]);
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert!(
        v["version_problem"].as_str().unwrap().contains("limit"),
        "{v}"
    );
    assert_eq!(code, 1);
    // A FIFO in its place is an error, at once.
    std::fs::remove_file(rel.join("build.json")).unwrap();
    crate::util::sh(&rel, "mkfifo build.json");
    let (code, _, err) = run_verify(&[os(&rel), os("--policy"), os(&policy)], None);
    assert!(err.contains("build.json: a FIFO"), "{err}");
    assert_eq!(code, 2);
}

// --- 7. Lowered threshold ---------------------------------------------------

#[test]
fn b15_threshold_below_the_policy_needs_the_override_flag() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    let policy = f.policy(t.path(), 2, &["alice", "bob"]);
    let (code, _, err) = run_verify(
        &[
            os(&rel),
            os("--policy"),
            os(&policy),
            os("--threshold"),
            os("1"),
        ],
        None,
    );
    assert!(err.contains("--threshold may only raise it"), "{err}");
    assert!(err.contains("--threshold-override 1"), "{err}");
    assert_eq!(code, 2);
    let (code, _, err) = run_verify(
        &[
            os(&rel),
            os("--policy"),
            os(&policy),
            os("--threshold-override"),
            os("1"),
        ],
        None,
    );
    assert!(
        err.contains("VERIFIED: hello version v1.0.0") || err.contains("VERIFIED: version v1.0.0"),
        "{err}"
    );
    assert!(
        err.contains("THRESHOLD OVERRIDDEN: 1 instead of the policy's 2"),
        "{err}"
    );
    assert_eq!(code, 0);
    let (code, v) = verify_json(&rel, &policy, &["--threshold-override", "1"]);
    assert_eq!(
        v["threshold_override"],
        serde_json::json!({"policy_threshold": 2, "used": 1})
    );
    assert_eq!(code, 0);
    let (_, v) = verify_json(&rel, &policy, &["--threshold", "2"]);
    assert_eq!(v["threshold_override"], serde_json::Value::Null);
}

// --- Misleading output ------------------------------------------------------

#[test]
fn b16_every_signature_in_one_sshsig_gets_a_verdict() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    let m = f.release(&rel);
    let one = |who: &str| {
        let p = ssh_sign(f, who, "file", &m);
        let b = std::fs::read(&p).unwrap();
        std::fs::remove_file(p).unwrap();
        b
    };
    let (d, e) = (one("dave"), one("eve"));
    let mut both = d.clone();
    both.extend_from_slice(&e);
    std::fs::write(rel.join(manifest_name("team", "sshsig")), both).unwrap();
    let mut p = ssh_policy(f, t.path(), &["dave", "eve"]);
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("threshold = 1", "threshold = 2");
    std::fs::write(&p, text).unwrap();
    let (code, v) = verify_json(&rel, &p, &[]);
    let got: Vec<String> = verdicts(&v).into_iter().map(|(_, x)| x).collect();
    assert_eq!(got, vec!["GOOD", "GOOD"], "{v}");
    assert_eq!(code, 0);
    // Trailing bytes that are not a signature are said, not dropped.
    let mut junk = d.clone();
    junk.extend_from_slice(b"trailing junk\n");
    std::fs::write(rel.join(manifest_name("team", "sshsig")), junk).unwrap();
    p = ssh_policy(f, t.path(), &["dave"]);
    let (_, v) = verify_json(&rel, &p, &[]);
    let got: Vec<String> = verdicts(&v).into_iter().map(|(_, x)| x).collect();
    assert_eq!(got, vec!["GOOD", "BAD"], "{v}");
}

#[test]
fn b17_cleartext_signed_manifest_is_reported_as_such() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    let m = f.release(&rel);
    gpg_sign(
        f,
        "alice",
        &m,
        &rel.join(manifest_name("alice", "asc")),
        &["--clearsign"],
    );
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    let s = sig(&v, "manifest-alice");
    assert_eq!(s["verdict"], "BAD", "{s}");
    assert!(
        reason(s).contains("cleartext-signed message")
            && reason(s).contains("GOOD over its own text, which is the manifest's"),
        "{s}"
    );
    assert!(!reason(s).contains("altered"), "{s}");
    assert_eq!(code, 1);
}

#[test]
fn b18_failed_writes_to_stdout_exit_non_zero() {
    let Some(f) = fixture() else { return };
    if !Path::new("/dev/full").exists() {
        return;
    }
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("quorate"))
        .args(["manifest"])
        .arg(&f.template)
        .args(["-o", "-", "--version", VERSION])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write to standard output"));
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("quorate"))
        .env("XDG_CONFIG_HOME", crate::util::empty_config())
        .arg("verify")
        .arg(&rel)
        .arg("--policy")
        .arg(f.policy(t.path(), 1, &["alice"]))
        .arg("--json")
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "a verdict that was not written is not a success"
    );
}
