//! `quorate verify DIR --policy P` on a release folder published the
//! GoReleaser way: `<project>_<version>_checksums.txt` is the manifest and
//! its detached OpenPGP signature(s), made by real gpg
//! (`gpg --detach-sign`, binary `.sig`; `--armor`, `.asc`), are the
//! signatures. The file names claim no signer: the key decides. Each test
//! is one way an attacker could try to pass a release off.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use crate::sigfixture::{Fixture, fixture, sign_detached, verdicts, verify_json};
use crate::util::{sha256_hex, tmp};

const SUMS: &str = "t_1.0.0_checksums.txt";
const FILES: [(&str, &[u8]); 2] = [
    ("t_1.0.0_linux_amd64.tar.gz", b"a tarball"),
    ("t_1.0.0_windows_amd64.zip", b"a zip"),
];

/// Writes the checksums file of `listed` (sorted, `sha256sum` format, as
/// GoReleaser writes it) into `dir`.
fn write_sums(dir: &Path, listed: &[(String, String)]) -> PathBuf {
    let mut lines: Vec<String> = listed.iter().map(|(h, n)| format!("{h}  {n}\n")).collect();
    lines.sort();
    let p = dir.join(SUMS);
    std::fs::write(&p, lines.concat()).unwrap();
    p
}

/// A GoReleaser-style release folder (two archives and the checksums
/// file, unsigned); returns the checksums file.
fn release(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let mut listed = Vec::new();
    for (name, bytes) in FILES {
        std::fs::write(dir.join(name), bytes).unwrap();
        listed.push((sha256_hex(&dir.join(name)), name.to_string()));
    }
    write_sums(dir, &listed)
}

/// `gpg --detach-sign` (binary, GoReleaser's default) or with `--armor`,
/// by fixture key `who`, of `data` into `out`.
fn gpg_sign(f: &Fixture, who: &str, data: &Path, out: &Path, armor: bool) {
    let extra: &[&str] = if armor { &["--armor"] } else { &[] };
    sign_detached(&f.home, &f.fpr(who), data, out, extra);
}

fn sig_path(dir: &Path, ext: &str) -> PathBuf {
    dir.join(format!("{SUMS}.{ext}"))
}

#[test]
fn a_signed_goreleaser_release_verifies_and_the_key_names_the_signer() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    let sums = release(&rel);
    gpg_sign(f, "alice", &sums, &sig_path(&rel, "sig"), false);
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["claimed_version"], "1.0.0");
    assert_eq!(
        verdicts(&v),
        vec![(format!("{SUMS}.sig"), "GOOD".to_string())]
    );
    let s = &v["signatures"][0];
    assert_eq!(s["signer"], "alice", "{s}");
    assert!(s["claimed_signer"].is_null(), "{s}");
    assert_eq!(v["quorum"]["count"], 1);
    assert_eq!(v["files"]["entries"].as_array().unwrap().len(), 2, "{v:#}");
    // The checksums file and its signature are not release files.
    assert_eq!(v["files"]["unlisted"], serde_json::json!([]), "{v:#}");

    // Two signers: bob's armored `.asc` beside alice's `.sig`, and both
    // in one `.sig` (signatures concatenated), meet a threshold of 2.
    let two = f.policy(t.path(), 2, &["alice", "bob"]);
    gpg_sign(f, "bob", &sums, &sig_path(&rel, "asc"), true);
    let (code, v) = verify_json(&rel, &two, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["quorum"]["counted"], serde_json::json!(["bob", "alice"]));
    std::fs::remove_file(sig_path(&rel, "asc")).unwrap();
    let bob = t.path().join("bob.sig");
    gpg_sign(f, "bob", &sums, &bob, false);
    let mut both = std::fs::read(sig_path(&rel, "sig")).unwrap();
    both.extend(std::fs::read(&bob).unwrap());
    std::fs::write(sig_path(&rel, "sig"), both).unwrap();
    let (code, v) = verify_json(&rel, &two, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["quorum"]["count"], 2, "{v:#}");
}

#[test]
fn a_folder_with_both_a_manifest_and_a_checksums_file_is_refused() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    let sums = release(&rel);
    gpg_sign(f, "alice", &sums, &sig_path(&rel, "sig"), false);
    // A manifest beside it, signed too: which release is meant is unclear.
    let m = rel.join("manifest-v1.0.0.txt");
    std::fs::copy(&sums, &m).unwrap();
    gpg_sign(
        f,
        "alice",
        &m,
        &rel.join("manifest-alice-v1.0.0.sig"),
        false,
    );
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_ne!(code, 0, "{v:#}");
    assert_ne!(code, 1, "an error, not a failed verification: {v:#}");
    let err = v["stderr"].as_str().unwrap();
    assert!(err.contains("ambiguous"), "{err}");
}

#[test]
fn two_checksums_files_are_refused() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    let sums = release(&rel);
    gpg_sign(f, "alice", &sums, &sig_path(&rel, "sig"), false);
    for other in ["checksums.txt", "t_0.9.0_checksums.txt"] {
        std::fs::copy(&sums, rel.join(other)).unwrap();
        let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
        assert_ne!(code, 0, "{other}: {v:#}");
        let err = v["stderr"].as_str().unwrap();
        assert!(err.contains("2 GoReleaser checksums files"), "{err}");
        std::fs::remove_file(rel.join(other)).unwrap();
    }
}

#[test]
fn a_linked_or_misnamed_signature_does_not_count() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    let sums = release(&rel);
    let good = t.path().join("good.sig");
    gpg_sign(f, "alice", &sums, &good, false);
    let policy = f.policy(t.path(), 1, &["alice"]);
    // A link named like the signature, to a good signature outside: the
    // folder is refused (a link leaving it).
    symlink(&good, sig_path(&rel, "sig")).unwrap();
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert_eq!(code, 2, "{v:#}");
    let err = v["stderr"].as_str().unwrap();
    assert!(err.contains("symbolic link"), "{err}");
    std::fs::remove_file(sig_path(&rel, "sig")).unwrap();
    // A link inside the folder, to a good signature under another name:
    // not a signature (regular files only), so nothing counts.
    std::fs::copy(&good, rel.join("copy.bin")).unwrap();
    symlink("copy.bin", sig_path(&rel, "sig")).unwrap();
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["ok"], false);
    assert_eq!(verdicts(&v), vec![]);
    assert_eq!(v["quorum"]["count"], 0);
    std::fs::remove_file(sig_path(&rel, "sig")).unwrap();
    std::fs::remove_file(rel.join("copy.bin")).unwrap();
    // The good signature under another file's name: an artifact's, or
    // another checksums file's.
    std::fs::copy(&good, rel.join(format!("{}.sig", FILES[0].0))).unwrap();
    std::fs::copy(&good, rel.join("t_0.9.0_checksums.txt.sig")).unwrap();
    let (code, v) = verify_json(&rel, &policy, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(verdicts(&v), vec![]);
    assert_eq!(
        v["ignored"],
        serde_json::json!(["t_0.9.0_checksums.txt.sig"])
    );
}

#[test]
fn the_same_key_twice_counts_once() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    let sums = release(&rel);
    gpg_sign(f, "alice", &sums, &sig_path(&rel, "sig"), false);
    gpg_sign(f, "alice", &sums, &sig_path(&rel, "asc"), true);
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 2, &["alice", "bob"]), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        verdicts(&v),
        vec![
            (format!("{SUMS}.asc"), "GOOD".to_string()),
            (format!("{SUMS}.sig"), "DUPLICATE".to_string())
        ]
    );
    assert_eq!(v["quorum"]["count"], 1);
    assert_eq!(v["quorum"]["met"], false);
}

#[test]
fn a_checksums_file_naming_paths_outside_the_folder_is_refused() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    std::fs::write(t.path().join("x"), b"outside").unwrap();
    let outside = sha256_hex(&t.path().join("x"));
    for bad in ["../x", "/etc/passwd", "a/../../x"] {
        let rel = t.path().join("rel");
        let _ = std::fs::remove_dir_all(&rel);
        release(&rel);
        let mut listed: Vec<(String, String)> = FILES
            .iter()
            .map(|(n, _)| (sha256_hex(&rel.join(n)), n.to_string()))
            .collect();
        listed.push((outside.clone(), bad.to_string()));
        let sums = write_sums(&rel, &listed);
        gpg_sign(f, "alice", &sums, &sig_path(&rel, "sig"), false);
        let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
        assert_ne!(code, 0, "{bad}: {v:#}");
        let err = v["stderr"].as_str().unwrap_or_default();
        assert!(
            err.contains("absolute") || err.contains("`..`"),
            "{bad}: {v:#}"
        );
    }
}

#[test]
fn a_tampered_artifact_fails() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    let sums = release(&rel);
    gpg_sign(f, "alice", &sums, &sig_path(&rel, "sig"), false);
    std::fs::write(rel.join(FILES[0].0), b"a backdoored tarball").unwrap();
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["ok"], false);
    assert_eq!(v["quorum"]["met"], true, "the signature is fine: {v:#}");
    let entries = v["files"]["entries"].as_array().unwrap();
    let e = entries
        .iter()
        .find(|e| e["path"] == FILES[0].0)
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(e["status"], "MISMATCH", "{e}");
    // And a tampered checksums file no longer matches its signature.
    std::fs::write(rel.join(FILES[0].0), FILES[0].1).unwrap();
    let mut s = std::fs::read_to_string(&sums).unwrap();
    s.push_str(&format!("{}  extra.tar.gz\n", "0".repeat(64)));
    std::fs::write(&sums, s).unwrap();
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        verdicts(&v),
        vec![(format!("{SUMS}.sig"), "BAD".to_string())]
    );
}

#[test]
fn a_signature_by_an_unpinned_key_does_not_count() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("rel");
    let sums = release(&rel);
    gpg_sign(f, "mallory", &sums, &sig_path(&rel, "sig"), false);
    let (code, v) = verify_json(&rel, &f.policy(t.path(), 1, &["alice"]), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        verdicts(&v),
        vec![(format!("{SUMS}.sig"), "UNKNOWN".to_string())]
    );
    assert!(v["signatures"][0]["signer"].is_null(), "{v:#}");
    assert_eq!(v["quorum"]["count"], 0);
}
