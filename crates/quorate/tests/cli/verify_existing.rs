//! Verifying the releases people already publish (issue 8): lnd-style
//! release folders with a policy imported from `verify-install.sh`,
//! Bitcoin Core-style combined `SHA256SUMS.asc`, and guix.sigs attestation
//! repositories. Every verdict is asserted together with what GnuPG itself
//! reports for the same signature (GOODSIG, EXPKEYSIG, REVKEYSIG, BADSIG,
//! NO_PUBKEY), with quorate's documented counting rules on top.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::sigfixture::{
    Fixture, VERSION, copy_dir, fixture, fpr_in, gpg_in, sign_detached, verdicts,
};
use crate::util::{quorate, tmp};

/// gpg's verdict on one detached signature, in a fresh GNUPGHOME holding
/// only `keys`: the first of GOODSIG, EXPKEYSIG, REVKEYSIG, BADSIG,
/// NO_PUBKEY, ERRSIG, NODATA in its status output.
pub fn gpg_says(home: &Path, sig: &Path, data: &Path) -> String {
    let o = Command::new("gpg")
        .env("GNUPGHOME", home)
        .args(["--batch", "--status-fd", "1", "--verify"])
        .arg(sig)
        .arg(data)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&o.stdout);
    for word in [
        "GOODSIG",
        "EXPKEYSIG",
        "REVKEYSIG",
        "BADSIG",
        "NO_PUBKEY",
        "ERRSIG",
        "NODATA",
    ] {
        if status
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some(word))
        {
            return word.to_string();
        }
    }
    format!("(nothing: {status})")
}

/// A GNUPGHOME with the public keys of `names` imported.
fn oracle_home(f: &Fixture, dir: &Path, names: &[&str]) -> PathBuf {
    let home = dir.join("oracle-gnupg");
    std::fs::create_dir_all(&home).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    for n in names {
        let o = gpg_in(
            &home,
            &[
                "--import",
                f.keys.join(format!("{n}.asc")).to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    home
}

/// Armors a binary signature as gpg would (`-----BEGIN PGP SIGNATURE-----`).
fn armor(bin: &[u8]) -> Vec<u8> {
    let mut c = Command::new("gpg")
        .args(["--batch", "--enarmor"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(bin).unwrap();
    let out = c.wait_with_output().unwrap().stdout;
    String::from_utf8(out)
        .unwrap()
        .replace("ARMORED FILE", "SIGNATURE")
        .lines()
        .filter(|l| !l.starts_with("Comment:"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Every pinned signer of the lnd-shaped tests (mallory is not pinned).
const LND_PINNED: &[&str] = &[
    "alice",
    "bob",
    "carol",
    "old",
    "lapsed",
    "revoked",
    "retired",
    "superseded",
];

/// An lnd-style checkout: scripts/verify-install.sh and scripts/keys/.
fn lnd_checkout(f: &Fixture, dir: &Path, min: usize) -> PathBuf {
    let co = dir.join("lnd");
    std::fs::create_dir_all(co.join("scripts/keys")).unwrap();
    let mut script = String::from(
        "#!/bin/bash\n\nREPO=lightningnetwork\nPROJECT=lnd\n\nRELEASE_URL=https://github.com/$REPO/$PROJECT/releases\n",
    );
    script.push_str(&format!(
        "MIN_REQUIRED_SIGNATURES={min}\n\n# All keys that can sign lnd releases.\nKEYS=()\n"
    ));
    for n in LND_PINNED {
        script.push_str(&format!("KEYS+=(\"{} {n}\")\n", f.fpr(n)));
        std::fs::copy(
            f.keys.join(format!("{n}.asc")),
            co.join(format!("scripts/keys/{n}.asc")),
        )
        .unwrap();
    }
    script.push_str("\nTEMP_DIR=$(mktemp -d /tmp/lnd-sig-verification-XXXXXX)\n");
    std::fs::write(co.join("scripts/verify-install.sh"), script).unwrap();
    co
}

#[test]
fn lnd_release_with_imported_policy_matches_gpg() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let co = lnd_checkout(f, t.path(), 3);
    let pol_dir = t.path().join("trust");
    std::fs::create_dir(&pol_dir).unwrap();
    let policy = pol_dir.join("lnd-policy.toml");
    quorate()
        .args(["policy", "import-lnd"])
        .arg(&co)
        .arg("-o")
        .arg(&policy)
        .assert()
        .success();
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(
        text.contains("threshold = 3") && text.contains(&f.fpr("carol")),
        "{text}"
    );
    assert!(pol_dir.join("keys/retired.asc").is_file());

    let rel = t.path().join("release");
    f.release(&rel);
    // (fixture signature, file's signer name, what gpg says, quorate's verdict)
    let cases: &[(&str, &str, &str, &str)] = &[
        ("alice.sig", "alice", "GOODSIG", "GOOD"),
        ("bob.sig", "bob", "GOODSIG", "GOOD"),
        ("carol.sig", "carol", "GOODSIG", "GOOD"),
        ("old-2021.sig", "old", "EXPKEYSIG", "GOOD"),
        ("lapsed-2022.sig", "lapsed", "EXPKEYSIG", "EXPIRED"),
        ("revoked.sig", "revoked", "REVKEYSIG", "REVOKED"),
        ("retired-2021.sig", "retired", "REVKEYSIG", "GOOD"),
        ("superseded-today.sig", "superseded", "REVKEYSIG", "REVOKED"),
        ("mallory.sig", "mallory", "NO_PUBKEY", "UNKNOWN"),
        ("alice-other.sig", "zed", "BADSIG", "BAD"),
        ("bob-sha1.sig", "yan", "GOODSIG", "BAD"),
    ];
    for (case, who, ..) in cases {
        f.put_sig(case, &rel, who);
    }
    let home = oracle_home(f, t.path(), LND_PINNED);
    let manifest = rel.join(format!("manifest-{VERSION}.txt"));
    let o = quorate()
        .arg("verify")
        .arg(&rel)
        .arg("--policy")
        .arg(&policy)
        .arg("--json")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got = verdicts(&v);
    for (case, who, gpg_expected, quorate_expected) in cases {
        let file = format!("manifest-{who}-{VERSION}.sig");
        let gpg = gpg_says(&home, &rel.join(&file), &manifest);
        assert_eq!(&gpg, gpg_expected, "gpg on {case}");
        let q = got
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, x)| x.as_str());
        assert_eq!(q, Some(*quorate_expected), "quorate on {case} (gpg: {gpg})");
    }
    // GOOD: alice, bob, carol, old, retired = 5 distinct keys >= 3.
    assert_eq!(v["quorum"]["count"], 5);
    assert_eq!(o.status.code(), Some(0));

    // --reject-expired: old's signature no longer counts.
    let o = quorate()
        .arg("verify")
        .arg(&rel)
        .arg("--policy")
        .arg(&policy)
        .args(["--json", "--reject-expired"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let old = verdicts(&v)
        .into_iter()
        .find(|(f, _)| f.contains("-old-"))
        .unwrap();
    assert_eq!(old.1, "EXPIRED");
    assert_eq!(v["quorum"]["count"], 4);

    // A threshold above what is good fails with exit 1, naming who counted.
    let o = quorate()
        .arg("verify")
        .arg(&rel)
        .arg("--policy")
        .arg(&policy)
        .args(["--threshold", "6"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(
            "quorum: 6 of 8 required: NOT MET (5 counted: alice, bob, carol, old, retired)"
        )
    );
}

#[test]
fn import_lnd_refuses_a_wrong_key_file() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let co = lnd_checkout(f, t.path(), 2);
    std::fs::copy(f.keys.join("mallory.asc"), co.join("scripts/keys/bob.asc")).unwrap();
    let o = quorate()
        .args(["policy", "import-lnd"])
        .arg(&co)
        .arg("-o")
        .arg(t.path().join("p.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&f.fpr("bob")) && err.contains(&f.fpr("mallory")),
        "{err}"
    );
    assert!(!t.path().join("p.toml").exists());
}

/// A builder-keys folder: some keys binary (.gpg), some armored (.asc).
fn builder_keys(f: &Fixture, dir: &Path, names: &[&str]) -> PathBuf {
    let kd = dir.join("builder-keys");
    std::fs::create_dir_all(&kd).unwrap();
    for (i, n) in names.iter().enumerate() {
        if i % 2 == 0 {
            let o = gpg_in(&f.home, &["--export", &fpr_in(&f.home, n)]);
            std::fs::write(kd.join(format!("{n}.gpg")), o.stdout).unwrap();
        } else {
            std::fs::copy(f.keys.join(format!("{n}.asc")), kd.join(format!("{n}.asc"))).unwrap();
        }
    }
    kd
}

#[test]
fn combined_sha256sums_asc_with_garbage_in_the_middle() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let rel = t.path().join("dl");
    copy_dir(&f.template, &rel);
    let sums = rel.join("SHA256SUMS");
    std::fs::rename(rel.join(format!("manifest-{VERSION}.txt")), &sums).unwrap();
    let kd = builder_keys(f, t.path(), &["alice", "bob", "carol", "lapsed", "revoked"]);
    // Blocks of the combined file, in order, with gpg's and quorate's verdicts.
    let blocks: &[(&str, &str, &str)] = &[
        ("alice.sig", "GOODSIG", "GOOD"),
        ("GARBAGE", "NODATA", "BAD"),
        ("bob.sig", "GOODSIG", "GOOD"),
        ("TRUNCATED", "", "BAD"),
        ("mallory.sig", "NO_PUBKEY", "UNKNOWN"),
        ("revoked.sig", "REVKEYSIG", "REVOKED"),
        ("lapsed-2022.sig", "EXPKEYSIG", "EXPIRED"),
        ("alice-other.sig", "BADSIG", "BAD"),
        ("carol.sig", "GOODSIG", "GOOD"),
    ];
    let home = oracle_home(f, t.path(), &["alice", "bob", "carol", "lapsed", "revoked"]);
    let mut combined = Vec::new();
    for (i, (case, gpg_expected, _)) in blocks.iter().enumerate() {
        let block = match *case {
            "GARBAGE" => b"-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJlIGF0IGFsbA==\n=AAAA\n-----END PGP SIGNATURE-----\n".to_vec(),
            "TRUNCATED" => {
                let a = armor(&std::fs::read(f.sigs.join("bob.sig")).unwrap());
                let s = String::from_utf8(a).unwrap();
                let lines: Vec<&str> = s.lines().collect();
                format!("{}\n", lines[..lines.len() / 2].join("\n")).into_bytes()
            }
            c => armor(&std::fs::read(f.sigs.join(c)).unwrap()),
        };
        if !gpg_expected.is_empty() {
            let one = t.path().join(format!("block{i}.asc"));
            std::fs::write(&one, &block).unwrap();
            assert_eq!(
                gpg_says(&home, &one, &sums),
                *gpg_expected,
                "gpg on block {i} ({case})"
            );
        }
        combined.extend_from_slice(&block);
    }
    let asc = rel.join("SHA256SUMS.asc");
    std::fs::write(&asc, &combined).unwrap();
    // gpg itself, on the combined file, does not get past the garbage.
    let o = Command::new("gpg")
        .env("GNUPGHOME", &home)
        .args(["--batch", "--verify"])
        .arg(&asc)
        .arg(&sums)
        .output()
        .unwrap();
    assert!(!o.status.success());

    let o = quorate()
        .arg("verify")
        .arg(&sums)
        .arg("--signatures")
        .arg(&asc)
        .arg("--keys-dir")
        .arg(&kd)
        .args(["--threshold", "3", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    let got: Vec<String> = verdicts(&v).into_iter().map(|(_, x)| x).collect();
    let want: Vec<&str> = blocks.iter().map(|b| b.2).collect();
    assert_eq!(got, want, "{v}");
    let signers: Vec<&str> = v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"] == "GOOD")
        .map(|s| s["signer"].as_str().unwrap())
        .collect();
    assert_eq!(signers, vec!["alice", "bob", "carol"]);
    assert_eq!(v["quorum"]["met"], true);
    assert_eq!(o.status.code(), Some(0));
    // Files present are checked; absent ones are skipped.
    std::fs::remove_file(rel.join("hello-source-v1.0.0.tar.gz")).unwrap();
    std::fs::write(rel.join("hello-linux-amd64-v1.0.0.tar.gz"), b"tampered").unwrap();
    let o = quorate()
        .arg("verify")
        .arg(&sums)
        .arg("--signatures")
        .arg(&asc)
        .arg("--keys-dir")
        .arg(&kd)
        .args(["--threshold", "3"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("MISMATCH   hello-linux-amd64-v1.0.0.tar.gz")
    );
    // --keys-dir without --threshold is an error with a hint.
    let o = quorate()
        .arg("verify")
        .arg(&sums)
        .arg("--signatures")
        .arg(&asc)
        .arg("--keys-dir")
        .arg(&kd)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs --threshold"));
}

/// Signs `data` with gpg as `who`, armored, to `out`.
fn gpg_sign_armored(f: &Fixture, who: &str, data: &Path, out: &Path) {
    sign_detached(&f.home, &f.fpr(who), data, out, &["--armor"]);
}

#[test]
fn guix_sigs_repository_matches_gpg_and_names_the_disagreeing_signer() {
    let Some(f) = fixture() else { return };
    let t = tmp();
    let repo = t.path().join("guix.sigs");
    let kd = builder_keys(
        f,
        &repo,
        &[
            "alice",
            "bob",
            "carol",
            "old",
            "lapsed",
            "retired",
            "superseded",
        ],
    );
    // Problem key files: a second copy of alice's key, a file with two
    // keys, an empty file.
    std::fs::copy(f.keys.join("alice.asc"), kd.join("alice2.asc")).unwrap();
    let mut two = std::fs::read(f.keys.join("alice.asc")).unwrap();
    two.extend(std::fs::read(f.keys.join("bob.asc")).unwrap());
    std::fs::write(kd.join("multi.gpg"), two).unwrap();
    std::fs::write(kd.join("empty.gpg"), b"").unwrap();

    let v = "27.0";
    let template = std::fs::read(f.template.join(format!("manifest-{VERSION}.txt"))).unwrap();
    let folder = |who: &str| {
        let d = repo.join(v).join(who);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    // all.SHA256SUMS is the template (signed by the fixture's time-travelled
    // signatures); noncodesigned.SHA256SUMS a subset, signed fresh.
    let noncode = b"ac59f4e03a918e39497e42cc1308d0a8210bd6a2237bdda85fc3192964bd16d4  hello-source-v1.0.0.tar.gz\n".to_vec();
    let put_all = |who: &str, sig_case: &str| {
        let d = folder(who);
        std::fs::write(d.join("all.SHA256SUMS"), &template).unwrap();
        std::fs::write(
            d.join("all.SHA256SUMS.asc"),
            armor(&std::fs::read(f.sigs.join(sig_case)).unwrap()),
        )
        .unwrap();
        d
    };
    for who in ["alice", "bob"] {
        let d = put_all(who, &format!("{who}.sig"));
        std::fs::write(d.join("noncodesigned.SHA256SUMS"), &noncode).unwrap();
        gpg_sign_armored(
            f,
            who,
            &d.join("noncodesigned.SHA256SUMS"),
            &d.join("noncodesigned.SHA256SUMS.asc"),
        );
    }
    put_all("old", "old-2021.sig");
    put_all("retired", "retired-2021.sig");
    // superseded's signature is over the template, but its all.SHA256SUMS
    // is another file: a signature over the wrong SHA256SUMS.
    let d = put_all("superseded", "superseded-today.sig");
    std::fs::write(d.join("all.SHA256SUMS"), &noncode).unwrap();
    put_all("lapsed", "lapsed-2022.sig");
    put_all("mallory", "mallory.sig");
    put_all("alice2", "alice.sig"); // alice's key again, in another folder
    let d = folder("nosig");
    std::fs::write(d.join("all.SHA256SUMS"), &template).unwrap();
    // carol built a different tarball.
    let d = folder("carol");
    let text = String::from_utf8(template.clone()).unwrap();
    let carol_sums: String = text
        .lines()
        .map(|l| {
            if l.ends_with("hello-linux-amd64-v1.0.0.tar.gz") {
                format!("{}  hello-linux-amd64-v1.0.0.tar.gz\n", "ab".repeat(32))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(d.join("all.SHA256SUMS"), carol_sums).unwrap();
    gpg_sign_armored(
        f,
        "carol",
        &d.join("all.SHA256SUMS"),
        &d.join("all.SHA256SUMS.asc"),
    );

    // What gpg says about each folder's all.SHA256SUMS signature, and quorate.
    let cases: &[(&str, &str, &str)] = &[
        ("alice", "GOODSIG", "GOOD"),
        // alice's key again under another folder name (a renamed
        // builder): it verifies, and the key has already voted.
        ("alice2", "GOODSIG", "DUPLICATE"),
        ("bob", "GOODSIG", "GOOD"),
        ("carol", "GOODSIG", "GOOD"),
        ("lapsed", "EXPKEYSIG", "EXPIRED"),
        ("mallory", "NO_PUBKEY", "UNKNOWN"),
        ("old", "EXPKEYSIG", "GOOD"),
        ("retired", "REVKEYSIG", "GOOD"),
        ("superseded", "BADSIG", "BAD"),
    ];
    let home = oracle_home(
        f,
        t.path(),
        &[
            "alice",
            "bob",
            "carol",
            "old",
            "lapsed",
            "retired",
            "superseded",
        ],
    );
    for who in ["alice", "bob"] {
        let d = repo.join(v).join(who);
        assert_eq!(
            gpg_says(
                &home,
                &d.join("noncodesigned.SHA256SUMS.asc"),
                &d.join("noncodesigned.SHA256SUMS")
            ),
            "GOODSIG"
        );
    }
    for (who, gpg_expected, _) in cases {
        let d = repo.join(v).join(who);
        assert_eq!(
            &gpg_says(
                &home,
                &d.join("all.SHA256SUMS.asc"),
                &d.join("all.SHA256SUMS")
            ),
            gpg_expected,
            "gpg on {who}"
        );
    }

    let run = |json: bool| {
        let mut c = quorate();
        c.args(["verify", "--attestations"])
            .arg(&repo)
            .args(["--version", v, "--threshold", "3", "--keys-dir"])
            .arg(repo.join("builder-keys"));
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let o = run(true);
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    let signer = |who: &str| {
        rep["signers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["signer"] == who)
            .unwrap()
            .clone()
    };
    for (who, _, q) in cases {
        let s = signer(who);
        let all = s["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["file"].as_str().unwrap().ends_with("all.SHA256SUMS.asc"))
            .unwrap();
        assert_eq!(all["verdict"], *q, "quorate on {who}: {s}");
        let gpg_expected = cases.iter().find(|c| c.0 == *who).unwrap().1;
        assert_eq!(all["gpg"], gpg_expected, "gpg status of {who}: {s}");
    }
    assert!(
        signer("alice2")["signatures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("alice")
    );
    assert!(
        signer("nosig")["problem"]
            .as_str()
            .unwrap()
            .contains("has no signature")
    );
    for who in ["alice", "bob"] {
        let s = signer(who);
        let non = s["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["file"]
                    .as_str()
                    .unwrap()
                    .ends_with("noncodesigned.SHA256SUMS.asc")
            })
            .unwrap();
        assert_eq!(non["verdict"], "GOOD", "{s}");
    }
    for who in ["alice", "bob", "carol", "old", "retired"] {
        assert_eq!(signer(who)["counts"], true, "{who}");
    }
    for who in ["alice2", "lapsed", "mallory", "nosig", "superseded"] {
        assert_eq!(signer(who)["counts"], false, "{who}");
    }
    assert_eq!(rep["quorum"]["count"], 5);
    let tarball = rep["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["path"] == "hello-linux-amd64-v1.0.0.tar.gz")
        .unwrap();
    assert_eq!(tarball["disagree"], serde_json::json!(["carol"]));
    assert_eq!(tarball["quorum_met"], true);
    assert_eq!(o.status.code(), Some(1));

    let o = run(false);
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        out.contains("carol disagrees on hello-linux-amd64-v1.0.0.tar.gz"),
        "{out}"
    );
    // A file holding two keys loads both; one holding none is reported.
    assert!(err.contains("empty.gpg: holds no OpenPGP key"), "{err}");
    assert!(!err.contains("multi.gpg"), "{err}");
}
