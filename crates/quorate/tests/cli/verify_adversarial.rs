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
    assert!(String::from_utf8_lossy(&o.stderr).contains("hint:"));
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
