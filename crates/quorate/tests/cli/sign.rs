//! `quorate sign` and `quorate verify` interoperating with the real GnuPG
//! and OpenSSH, both ways.

use std::path::Path;
use std::process::Command;

use crate::sigfixture::{VERSION, fixture, verdicts, verify_json};
use crate::util::{quorate, tmp};

fn gpg_verify(home: &Path, sig: &Path, data: &Path) -> (bool, String) {
    let o = Command::new("gpg")
        .env("GNUPGHOME", home)
        .args(["--batch", "--verify"])
        .arg(sig)
        .arg(data)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn quorate_signatures_verify_with_gpg() {
    let Some(f) = fixture() else { return };
    for who in ["alice", "bob", "carol"] {
        let t = tmp();
        let m = f.release(t.path());
        quorate()
            .args(["sign"])
            .arg(&m)
            .args(["--signer", who, "--key"])
            .arg(f.keys.join(format!("{who}-secret.asc")))
            .assert()
            .success();
        let sig = t.path().join(format!("manifest-{who}-{VERSION}.sig"));
        let bytes = std::fs::read(&sig).unwrap();
        assert_ne!(
            bytes[0] & 0x80,
            0,
            "binary OpenPGP packet, like gpg --detach-sig"
        );
        let (ok, err) = gpg_verify(&f.home, &sig, &m);
        assert!(ok && err.contains("Good signature"), "{who}: {err}");
        assert!(err.contains(&f.fpr(who)) || who == "carol", "{err}");
        // and with quorate itself
        let (code, v) = verify_json(t.path(), &f.policy(t.path(), 1, &[who]), &[]);
        assert_eq!(verdicts(&v)[0].1, "GOOD", "{v}");
        assert_eq!(code, 0);
        // gpg must reject it over a changed manifest
        std::fs::write(&m, b"changed\n").unwrap();
        assert!(!gpg_verify(&f.home, &sig, &m).0);
    }
}

#[test]
fn gpg_signatures_verify_in_quorate() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice"); // Ed25519 primary
    f.put_sig("bob.sig", &rel, "bob"); // RSA-3072
    f.put_sig("carol.sig", &rel, "carol"); // Ed25519 signing subkey
    let (code, v) = verify_json(
        &rel,
        &f.policy(t.path(), 3, &["alice", "bob", "carol"]),
        &[],
    );
    assert!(verdicts(&v).iter().all(|(_, x)| x == "GOOD"), "{v}");
    assert_eq!(v["quorum"]["count"], 3);
    assert_eq!(code, 0);
    // Each of them is also what gpg itself calls good.
    for who in ["alice", "bob", "carol"] {
        let (ok, err) = gpg_verify(
            &f.home,
            &rel.join(format!("manifest-{who}-{VERSION}.sig")),
            &rel.join(format!("manifest-{VERSION}.txt")),
        );
        assert!(ok && err.contains("Good signature"), "{err}");
    }
}

#[test]
fn sign_with_gpg_agent_key() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let m = f.release(t.path());
    quorate()
        .env("GNUPGHOME", &f.home)
        .args(["sign"])
        .arg(&m)
        .args(["--signer", "bob", "--gpg", &f.fpr("bob")])
        .assert()
        .success();
    let (code, v) = verify_json(t.path(), &f.policy(t.path(), 1, &["bob"]), &[]);
    assert_eq!(
        verdicts(&v),
        vec![(format!("manifest-bob-{VERSION}.sig"), "GOOD".to_string())]
    );
    assert_eq!(code, 0);
}

#[test]
fn passphrase_protected_key_from_env() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let m = f.release(t.path());
    let home = t.path().join("gh");
    std::fs::create_dir(&home).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let gpg = |args: &[&str]| {
        let o = Command::new("gpg")
            .env("GNUPGHOME", &home)
            .args([
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "s3cret",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    gpg(&[
        "--quick-gen-key",
        "locked <locked@example.org>",
        "ed25519",
        "sign",
        "never",
    ]);
    let key = t.path().join("locked-secret.asc");
    std::fs::write(
        &key,
        gpg(&["--armor", "--export-secret-keys", "locked@example.org"]),
    )
    .unwrap();
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .contains("PRIVATE KEY")
    );
    let sign = |pass: Option<&str>| {
        let mut c = quorate();
        c.env_remove("QUORATE_PASSPHRASE");
        if let Some(p) = pass {
            c.env("QUORATE_PASSPHRASE", p);
        }
        c.args(["sign"])
            .arg(&m)
            .args(["--signer", "locked", "--key"])
            .arg(&key)
            .output()
            .unwrap()
    };
    let o = sign(None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("QUORATE_PASSPHRASE"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = sign(Some("wrong"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong passphrase"));
    let o = sign(Some("s3cret"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = Command::new("gpg")
        .env("GNUPGHOME", &home)
        .arg("--batch")
        .arg("--verify")
        .arg(t.path().join(format!("manifest-locked-{VERSION}.sig")))
        .arg(&m)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("Good signature"));
}

#[test]
fn refuses_to_sign_when_files_differ() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let m = f.release(t.path());
    std::fs::write(t.path().join("hello-source-v1.0.0.tar.gz"), b"changed").unwrap();
    std::fs::remove_file(t.path().join("hello-linux-amd64-v1.0.0.tar.gz")).unwrap();
    let o = quorate()
        .args(["sign"])
        .arg(&m)
        .args(["--signer", "alice", "--key"])
        .arg(f.keys.join("alice-secret.asc"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("MISMATCH hello-source-v1.0.0.tar.gz"), "{err}");
    assert!(
        !err.contains("hello-linux-amd64-v1.0.0.tar.gz"),
        "a missing file is fine: {err}"
    );
    assert!(
        !t.path()
            .join(format!("manifest-alice-{VERSION}.sig"))
            .exists()
    );
}

#[test]
fn refuses_to_sign_with_a_public_key() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let m = f.release(t.path());
    let o = quorate()
        .args(["sign"])
        .arg(&m)
        .args(["--signer", "alice", "--key"])
        .arg(f.keys.join("alice.asc"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no usable secret signing key"));
}

#[test]
fn ssh_signatures_interoperate_both_ways() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let m = f.release(t.path());
    // quorate signs, ssh-keygen verifies.
    quorate()
        .args(["sign"])
        .arg(&m)
        .args(["--signer", "dave", "--ssh-key"])
        .arg(f.ssh.join("dave"))
        .assert()
        .success();
    let sig = t.path().join(format!("manifest-dave-{VERSION}.sshsig"));
    let pubkey = std::fs::read_to_string(f.ssh.join("dave.pub")).unwrap();
    let allowed = t.path().join("allowed_signers");
    std::fs::write(&allowed, format!("dave {}", pubkey)).unwrap();
    let o = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&allowed)
        .args(["-I", "dave", "-n", "file", "-s"])
        .arg(&sig)
        .stdin(std::fs::File::open(&m).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Good \"file\" signature for dave"));
    // ssh-keygen signs, quorate verifies (together with an OpenPGP signer).
    let o = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "file", "-f"])
        .arg(f.ssh.join("eve"))
        .arg(&m)
        .output()
        .unwrap();
    assert!(o.status.success());
    std::fs::rename(
        format!("{}.sig", m.display()),
        t.path().join(format!("manifest-eve-{VERSION}.sshsig")),
    )
    .unwrap();
    f.put_sig("alice.sig", t.path(), "alice");
    let mut policy = std::fs::read_to_string(f.policy(t.path(), 3, &["alice"])).unwrap();
    for n in ["dave", "eve"] {
        let pk = std::fs::read_to_string(f.ssh.join(format!("{n}.pub"))).unwrap();
        policy.push_str(&format!(
            "[[signer]]\nname = \"{n}\"\nssh = \"{}\"\n",
            pk.trim()
        ));
    }
    let p = t.path().join("policy.toml");
    std::fs::write(&p, policy).unwrap();
    let (code, v) = verify_json(t.path(), &p, &[]);
    assert_eq!(
        verdicts(&v),
        vec![
            (format!("manifest-alice-{VERSION}.sig"), "GOOD".into()),
            (format!("manifest-dave-{VERSION}.sshsig"), "GOOD".into()),
            (format!("manifest-eve-{VERSION}.sshsig"), "GOOD".into()),
        ]
    );
    assert_eq!(code, 0);
}

#[test]
fn human_output_names_verdicts_and_quorum() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("r");
    f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    f.put_sig("mallory.sig", &rel, "mallory");
    let p = f.policy(t.path(), 2, &["alice", "bob"]);
    let o = quorate()
        .arg("verify")
        .arg(&rel)
        .arg("--policy")
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!(
            "GOOD       manifest-alice-{VERSION}.sig  signer=alice  key={}",
            f.fpr("alice")
        )),
        "{out}"
    );
    assert!(out.contains("UNKNOWN    manifest-mallory"), "{out}");
    assert!(
        out.contains("quorum: 2 of 2 required: NOT MET (1 counted: alice)"),
        "{out}"
    );
    assert!(
        out.contains("MATCH      hello-source-v1.0.0.tar.gz"),
        "{out}"
    );
}

#[test]
fn policy_init_add_show() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let p = t.path().join("release-policy.toml");
    quorate()
        .args(["policy", "init", "--threshold", "2", "-o"])
        .arg(&p)
        .assert()
        .success();
    // Threshold 2 with one signer is refused, and the file is left as it was.
    let before = std::fs::read_to_string(&p).unwrap();
    let o = quorate()
        .args(["policy", "add", "--policy"])
        .arg(&p)
        .args(["--name", "alice", "--key"])
        .arg(f.keys.join("alice.asc"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("threshold 2 exceeds the 1"));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), before);
    quorate()
        .args(["policy", "add", "--policy"])
        .arg(&p)
        .args(["--name", "alice", "--threshold", "1", "--key"])
        .arg(f.keys.join("alice-secret.asc"))
        .assert()
        .success();
    // Only the public key is copied beside the policy.
    let copied = std::fs::read_to_string(t.path().join("keys/alice.asc")).unwrap();
    assert!(copied.contains("PUBLIC KEY") && !copied.contains("PRIVATE KEY"));
    quorate()
        .args(["policy", "add", "--policy"])
        .arg(&p)
        .args(["--name", "dave", "--threshold", "2", "--ssh-key"])
        .arg(f.ssh.join("dave.pub"))
        .assert()
        .success();
    let o = quorate()
        .args(["policy", "show", "--json", "--policy"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["threshold"], 2);
    assert_eq!(v["signers"][0]["fingerprint"], f.fpr("alice"));
    assert!(
        v["signers"][1]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("SHA256:")
    );
    // The policy works for verify: alice's gpg signature and dave's SSH one.
    let rel = t.path().join("r");
    let m = f.release(&rel);
    f.put_sig("alice.sig", &rel, "alice");
    quorate()
        .args(["sign"])
        .arg(&m)
        .args(["--signer", "dave", "--ssh-key"])
        .arg(f.ssh.join("dave"))
        .assert()
        .success();
    let (code, v) = verify_json(&rel, &p, &[]);
    assert_eq!(v["quorum"]["count"], 2, "{v}");
    assert_eq!(code, 0);
}
