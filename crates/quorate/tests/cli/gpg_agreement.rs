//! quorate judges OpenPGP signatures as GnuPG 2.2 does (issue 12): every
//! report carries the status gpg gives (`"gpg": "GOODSIG"`, …), asserted
//! here against gpg itself, on real guix.sigs signatures and on key
//! histories made with gpg (`--faked-system-time`, `--quick-set-expire`,
//! `--quick-add-key`, designated revokers, secp256k1). quorate's verdict
//! adds its documented counting rules on top (docs/signing.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::util::{have, quorate, tmp};
use crate::verify_existing::gpg_says;

/// The real guix.sigs data (tests/data/realworld/README-guix.md).
fn realworld() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/realworld")
}

/// A GNUPGHOME of its own.
struct Gpg {
    home: PathBuf,
}

impl Gpg {
    fn new(dir: &Path) -> Gpg {
        std::fs::create_dir_all(dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        Gpg {
            home: dir.to_path_buf(),
        }
    }

    /// Runs gpg at `time` (`20230101T000000`, frozen) or now, with
    /// `input` on its command fd when given.
    fn run(&self, time: Option<&str>, args: &[&str], input: Option<&str>) -> Output {
        let mut c = Command::new("gpg");
        c.env("GNUPGHOME", &self.home).args([
            "--yes",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
        ]);
        if let Some(t) = time {
            c.arg("--faked-system-time").arg(format!("{t}!"));
        }
        match input {
            Some(_) => {
                c.args(["--command-fd", "0", "--no-tty"]);
            }
            None => {
                c.arg("--batch");
            }
        }
        let mut child = c
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("running gpg");
        let mut stdin = child.stdin.take().unwrap();
        if let Some(i) = input {
            stdin.write_all(i.as_bytes()).unwrap();
        }
        drop(stdin);
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "gpg {args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    }

    fn fpr(&self, uid: &str) -> String {
        let o = self.run(None, &["--with-colons", "--list-keys", uid], None);
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string()
    }

    fn export(&self, who: &str) -> Vec<u8> {
        self.run(None, &["--armor", "--export", who], None).stdout
    }

    /// Signs `data` at `time` with `key` (`FPR!` picks that subkey).
    fn sign(&self, time: &str, key: &str, data: &Path, sig: &Path) {
        self.run(
            Some(time),
            &[
                "-u",
                key,
                "--armor",
                "--detach-sign",
                "-o",
                sig.to_str().unwrap(),
                data.to_str().unwrap(),
            ],
            None,
        );
    }
}

/// A fresh GNUPGHOME with every key file of `keys` imported, as a user
/// would set it up.
fn oracle(dir: &Path, keys: &Path) -> PathBuf {
    let g = Gpg::new(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(keys)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        g.run(None, &["--import", f.to_str().unwrap()], None);
    }
    g.home
}

/// quorate's report on one signature, with a keys folder of `keys`.
fn quorate_on(data: &Path, sig: &Path, keys: &Path) -> serde_json::Value {
    let o = quorate()
        .arg("verify")
        .arg(data)
        .arg("--signatures")
        .arg(sig)
        .arg("--keys-dir")
        .arg(keys)
        .args(["--threshold", "1", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    let sigs = v["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 1, "{v}");
    sigs[0].clone()
}

#[test]
fn real_guix_signatures_get_gpgs_status() {
    if !have("gpg") {
        return;
    }
    let rw = realworld();
    let keys = rw.join("guix.sigs/builder-keys");
    let d = tmp();
    let home = oracle(&d.path().join("gnupg"), &keys);
    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    for (root, docs) in [
        (rw.join("guix.sigs/29.0"), &["all", "noncodesigned"][..]),
        (rw.join("guix-samples"), &["all"][..]),
    ] {
        let mut dirs = Vec::new();
        for e in std::fs::read_dir(&root).unwrap() {
            let p = e.unwrap().path();
            if root.ends_with("guix-samples") {
                for e in std::fs::read_dir(&p).unwrap() {
                    dirs.push(e.unwrap().path());
                }
            } else {
                dirs.push(p);
            }
        }
        dirs.sort();
        for dir in dirs {
            for doc in docs {
                cases.push((
                    dir.strip_prefix(&rw).unwrap().display().to_string(),
                    dir.join(format!("{doc}.SHA256SUMS")),
                ));
            }
        }
    }
    assert_eq!(cases.len(), 19 * 2 + 14, "the real data is all here");
    let mut expkeysig = Vec::new();
    for (name, data) in &cases {
        let sig = data.with_extension("SHA256SUMS.asc");
        let gpg = gpg_says(&home, &sig, data);
        let r = quorate_on(data, &sig, &keys);
        assert_eq!(
            r["gpg"],
            gpg.as_str(),
            "{name}: gpg says {gpg}, quorate {r}"
        );
        // Every real signature is honest: GOOD, and counted.
        assert_eq!(r["verdict"], "GOOD", "{name}: {r}");
        assert_eq!(r["counts"], true, "{name}: {r}");
        if gpg == "EXPKEYSIG" {
            assert!(
                r["notes"][0].as_str().unwrap().contains("EXPKEYSIG"),
                "{name}: {r}"
            );
            expkeysig.push(name.clone());
        }
    }
    // What gpg said on the day the data was copied (README-guix.md):
    // those keys expired before today, so they stay expired.
    for who in ["CoinForensics", "Emzy", "glozow", "willcl-ark", "luke-jr"] {
        assert!(
            expkeysig.iter().any(|n| n.ends_with(who)),
            "{who}: {expkeysig:?}"
        );
    }
}

#[test]
fn renamed_builders_are_one_key_with_two_names() {
    if !have("gpg") {
        return;
    }
    let rw = realworld();
    let d = tmp();
    // One attestation repository where the renamed builder's two folders
    // (vertion, vertiond) both sign one release: GOOD under either name,
    // counted once.
    let repo = d.path().join("repo");
    for (from, to) in [
        ("22.1/vertion", "x/vertion"),
        ("22.1/vertion", "x/vertiond"),
        ("22.1/Sjors", "x/Sjors"),
    ] {
        let to = repo.join(to);
        std::fs::create_dir_all(&to).unwrap();
        for f in ["all.SHA256SUMS", "all.SHA256SUMS.asc"] {
            std::fs::copy(rw.join("guix-samples").join(from).join(f), to.join(f)).unwrap();
        }
    }
    let o = quorate()
        .args(["verify", "--attestations"])
        .arg(&repo)
        .args(["--version", "x", "--keys-dir"])
        .arg(rw.join("guix.sigs/builder-keys"))
        .args(["--threshold", "2", "--json"])
        .output()
        .unwrap();
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    let sig_of = |who: &str| {
        rep["signers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["signer"] == who)
            .unwrap()["signatures"][0]
            .clone()
    };
    // The folder is vertion, the key file vertiond: GOOD, both names shown.
    assert_eq!(sig_of("vertion")["verdict"], "GOOD", "{rep}");
    assert_eq!(sig_of("vertion")["signer"], "vertiond", "{rep}");
    assert!(
        sig_of("vertion")["notes"][0]
            .as_str()
            .unwrap()
            .contains("vertiond"),
        "{rep}"
    );
    assert_eq!(sig_of("vertion")["gpg"], "GOODSIG", "{rep}");
    // The second folder's signature verifies (gpg says GOODSIG) but the
    // key already voted.
    assert_eq!(sig_of("vertiond")["gpg"], "GOODSIG", "{rep}");
    assert_eq!(sig_of("vertiond")["verdict"], "DUPLICATE", "{rep}");
    assert_eq!(rep["quorum"]["count"], 2, "{rep}");
    // The key's own names are shown.
    assert!(
        !sig_of("vertiond")["user_ids"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{rep}"
    );

    // The samples as published: vertiond (23.2) and sedited (28.4) sign
    // under their new names, GOOD.
    for (v, who) in [("23.2", "vertiond"), ("28.4", "sedited")] {
        let o = quorate()
            .args(["verify", "--attestations"])
            .arg(rw.join("guix-samples"))
            .args(["--version", v, "--keys-dir"])
            .arg(rw.join("guix.sigs/builder-keys"))
            .args(["--threshold", "1", "--json"])
            .output()
            .unwrap();
        let rep: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
        let s = rep["signers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["signer"] == who)
            .unwrap()
            .clone();
        assert_eq!(s["counts"], true, "{who}: {s}");
        assert_eq!(s["signatures"][0]["verdict"], "GOOD", "{who}: {s}");
    }
}

/// One key history: its keys folder, the document, the signature, what
/// gpg must say and quorate's verdict.
struct Case {
    name: &'static str,
    keys: PathBuf,
    data: PathBuf,
    sig: PathBuf,
    gpg: &'static str,
    verdict: &'static str,
}

#[test]
fn key_histories_made_with_gpg_get_gpgs_status() {
    if !have("gpg") {
        return;
    }
    let d = tmp();
    let g = Gpg::new(&d.path().join("maker"));
    // The documents sit in a folder of their own: quorate checks the
    // files beside a checksum list.
    std::fs::create_dir_all(d.path().join("docs")).unwrap();
    let doc = d.path().join("docs/doc.txt");
    std::fs::write(
        &doc,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  x\n",
    )
    .unwrap();
    let mut cases = Vec::new();
    let mut case = |name: &'static str,
                    files: &[(&str, Vec<u8>)],
                    sig: PathBuf,
                    gpg: &'static str,
                    verdict: &'static str| {
        let keys = d.path().join(format!("keys-{name}"));
        std::fs::create_dir_all(&keys).unwrap();
        for (f, bytes) in files {
            std::fs::write(keys.join(f), bytes).unwrap();
        }
        cases.push(Case {
            name,
            keys,
            data: doc.clone(),
            sig,
            gpg,
            verdict,
        });
    };
    let sig = |n: &str| d.path().join(format!("{n}.asc"));

    // 1. Expiry extended by a later self-signature: made 2023 with one
    // year, extended to five years in mid-2023, used in mid-2024 (after
    // the first expiry).
    g.run(
        Some("20230101T000000"),
        &[
            "--quick-gen-key",
            "extended <e@example.org>",
            "ed25519",
            "sign,cert",
            "1y",
        ],
        None,
    );
    let ext = g.fpr("extended");
    g.run(
        Some("20230601T000000"),
        &["--quick-set-expire", &ext, "5y"],
        None,
    );
    g.sign("20240601T000000", &ext, &doc, &sig("extended"));
    case(
        "extended",
        &[("extended.asc", g.export(&ext))],
        sig("extended"),
        "GOODSIG",
        "GOOD",
    );

    // 2. Self-signatures newer than the document signature: a signing
    // subkey signs in 2023; in 2024 the owner renews the primary key's and
    // the subkey's self-signatures.
    g.run(
        Some("20230101T000000"),
        &[
            "--quick-gen-key",
            "renewed <r@example.org>",
            "ed25519",
            "cert",
            "0",
        ],
        None,
    );
    let ren = g.fpr("renewed");
    g.run(
        Some("20230101T000000"),
        &["--quick-add-key", &ren, "ed25519", "sign", "2y"],
        None,
    );
    g.sign("20230201T000000", &ren, &doc, &sig("renewed"));
    g.run(
        Some("20240101T000000"),
        &["--quick-set-expire", &ren, "20y"],
        None,
    );
    g.run(
        Some("20240101T000000"),
        &["--quick-set-expire", &ren, "20y", "*"],
        None,
    );
    case(
        "renewed",
        &[("renewed.asc", g.export(&ren))],
        sig("renewed"),
        "GOODSIG",
        "GOOD",
    );

    // 3. Expired since: signed while valid; gpg says EXPKEYSIG, quorate
    // counts it (made before the expiry) and says why.
    g.run(
        Some("20230101T000000"),
        &[
            "--quick-gen-key",
            "lapsed <l@example.org>",
            "ed25519",
            "sign,cert",
            "1y",
        ],
        None,
    );
    let lap = g.fpr("lapsed");
    g.sign("20230601T000000", &lap, &doc, &sig("lapsed"));
    case(
        "lapsed",
        &[("lapsed.asc", g.export(&lap))],
        sig("lapsed"),
        "EXPKEYSIG",
        "GOOD",
    );

    // 4. ECDSA over secp256k1 (as Bitcoin Core's builder kvaciral uses).
    g.run(
        Some("20230101T000000"),
        &[
            "--quick-gen-key",
            "k1 <k1@example.org>",
            "secp256k1",
            "sign,cert",
            "0",
        ],
        None,
    );
    let k1 = g.fpr("k1");
    g.sign("20230601T000000", &k1, &doc, &sig("k1"));
    case(
        "secp256k1",
        &[("k1.asc", g.export(&k1))],
        sig("k1"),
        "GOODSIG",
        "GOOD",
    );

    // 4b. ECDSA over the Brainpool curves (gpg 2.2 verifies them; the
    // primary key signs, so its self-signatures are Brainpool too).
    for (name, curve) in [
        ("bp256", "brainpoolP256r1"),
        ("bp384", "brainpoolP384r1"),
        ("bp512", "brainpoolP512r1"),
    ] {
        g.run(
            Some("20230101T000000"),
            &[
                "--quick-gen-key",
                &format!("{name} <{name}@example.org>"),
                curve,
                "sign,cert",
                "0",
            ],
            None,
        );
        let fpr = g.fpr(name);
        g.sign("20230601T000000", &fpr, &doc, &sig(name));
        case(
            name,
            &[(&format!("{name}.asc"), g.export(&fpr))],
            sig(name),
            "GOODSIG",
            "GOOD",
        );
    }
    // A Brainpool signature over other bytes is BAD for both.
    std::fs::write(d.path().join("docs/other.txt"), "other\n").unwrap();
    let bp_fpr = g.fpr("bp256");
    g.sign(
        "20230601T000000",
        &bp_fpr,
        &d.path().join("docs/other.txt"),
        &sig("bp256-other"),
    );
    case(
        "bp256-other",
        &[("bp256.asc", g.export(&bp_fpr))],
        sig("bp256-other"),
        "BADSIG",
        "BAD",
    );

    // 5. Revoked by its designated revoker, whose key is in the folder.
    let t2024 = Some("20240101T000000");
    g.run(
        t2024,
        &[
            "--quick-gen-key",
            "victim <v@example.org>",
            "ed25519",
            "sign,cert",
            "0",
        ],
        None,
    );
    g.run(
        t2024,
        &[
            "--quick-gen-key",
            "revoker <rv@example.org>",
            "ed25519",
            "sign,cert",
            "0",
        ],
        None,
    );
    let (vic, rvk) = (g.fpr("victim"), g.fpr("revoker"));
    g.run(
        None,
        &["--edit-key", &vic],
        Some(&format!("addrevoker\n{rvk}\ny\nsave\n")),
    );
    g.sign("20250101T000000", &vic, &doc, &sig("victim"));
    let before = g.export(&vic);
    let rev = g
        .run(
            None,
            &["-u", &rvk, "--armor", "--desig-revoke", &vic],
            Some("y\n0\n\ny\n"),
        )
        .stdout;
    // Without the revoker's key, the revocation cannot be checked: gpg
    // (and quorate) still accept.
    let mut revoked_copy = before.clone();
    revoked_copy.extend(&rev);
    case(
        "designated-revoker-absent",
        &[("victim.asc", revoked_copy.clone())],
        sig("victim"),
        "GOODSIG",
        "GOOD",
    );
    case(
        "designated-revoker",
        &[
            ("victim.asc", revoked_copy),
            ("revoker.asc", g.export(&rvk)),
        ],
        sig("victim"),
        "REVKEYSIG",
        "REVOKED",
    );

    // 6. A revocation in a second copy of the key (one file with two
    // copies; or two files), which gpg merges.
    g.run(
        t2024,
        &[
            "--quick-gen-key",
            "twice <t@example.org>",
            "ed25519",
            "sign,cert",
            "0",
        ],
        None,
    );
    let tw = g.fpr("twice");
    g.sign("20250101T000000", &tw, &doc, &sig("twice"));
    let clean = g.export(&tw);
    let revcert =
        std::fs::read_to_string(g.home.join(format!("openpgp-revocs.d/{tw}.rev"))).unwrap();
    let revcert = revcert.replace(":-----BEGIN", "-----BEGIN");
    let rc = d.path().join("twice.rev");
    std::fs::write(&rc, revcert).unwrap();
    g.run(None, &["--import", rc.to_str().unwrap()], None);
    let revoked = g.export(&tw);
    let mut both = clean.clone();
    both.extend(&revoked);
    case(
        "second-copy-one-file",
        &[("twice.asc", both)],
        sig("twice"),
        "REVKEYSIG",
        "REVOKED",
    );
    case(
        "second-copy-two-files",
        &[("twice.asc", clean.clone()), ("twice-new.gpg", revoked)],
        sig("twice"),
        "REVKEYSIG",
        "REVOKED",
    );
    case(
        "not-revoked",
        &[("twice.asc", clean)],
        sig("twice"),
        "GOODSIG",
        "GOOD",
    );

    // 7. Altered data, and a key nobody has.
    // (Any signed document, not only checksum lists.)
    let other = d.path().join("docs/other.txt");
    std::fs::write(&other, "altered\n").unwrap();
    let altered = d.path().join("altered.asc");
    g.sign("20230601T000000", &k1, &other, &altered);
    std::fs::write(&other, "altered!\n").unwrap();
    case(
        "altered",
        &[("k1.asc", g.export(&k1))],
        altered.clone(),
        "BADSIG",
        "BAD",
    );
    // A checksum list with CRLF line ends (real guix.sigs has some), read
    // as `sha256sum -c` reads it.
    let crlf = d.path().join("docs/crlf.SHA256SUMS");
    std::fs::write(
        &crlf,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  x\r\n",
    )
    .unwrap();
    g.sign("20230601T000000", &k1, &crlf, &sig("crlf"));
    case(
        "crlf-checksums",
        &[("k1.asc", g.export(&k1))],
        sig("crlf"),
        "GOODSIG",
        "GOOD",
    );
    // A list naming one file twice with two digests (as a real guix.sigs
    // file does): the signature is judged; the list fails the check.
    let dup = d.path().join("docs/dup.SHA256SUMS");
    std::fs::write(
        &dup,
        format!("{}  x\n{}  x\n", "a".repeat(64), "b".repeat(64)),
    )
    .unwrap();
    g.sign("20230601T000000", &k1, &dup, &sig("dup"));
    case(
        "duplicate-entry",
        &[("k1.asc", g.export(&k1))],
        sig("dup"),
        "GOODSIG",
        "GOOD",
    );
    let yaml = d.path().join("docs/release.yaml");
    std::fs::write(&yaml, "name: x\nversion: 1.0\n").unwrap();
    g.sign("20230601T000000", &k1, &yaml, &sig("yaml"));
    case(
        "plain-document",
        &[("k1.asc", g.export(&k1))],
        sig("yaml"),
        "GOODSIG",
        "GOOD",
    );
    case(
        "no-key",
        &[("lapsed.asc", g.export(&lap))],
        sig("k1"),
        "NO_PUBKEY",
        "UNKNOWN",
    );

    for c in &cases {
        let data = match c.name {
            "altered" => &other,
            "plain-document" => &yaml,
            "crlf-checksums" => &crlf,
            "duplicate-entry" => &dup,
            _ => &c.data,
        };
        let home = oracle(&d.path().join(format!("oracle-{}", c.name)), &c.keys);
        let gpg = gpg_says(&home, &c.sig, data);
        assert_eq!(gpg, c.gpg, "{}: the fixture is not what it claims", c.name);
        let r = quorate_on(data, &c.sig, &c.keys);
        assert_eq!(r["gpg"], c.gpg, "{}: {r}", c.name);
        assert_eq!(r["verdict"], c.verdict, "{}: {r}", c.name);
    }
    // The list with a name twice fails the verification (exit 1) and says
    // why, after judging its signature.
    let keys = &cases
        .iter()
        .find(|c| c.name == "duplicate-entry")
        .unwrap()
        .keys;
    let o = quorate()
        .arg("verify")
        .arg(&dup)
        .arg("--signatures")
        .arg(sig("dup"))
        .arg("--keys-dir")
        .arg(keys)
        .args(["--threshold", "1", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert!(
        v["checksum_error"].as_str().unwrap().contains("duplicate"),
        "{v}"
    );
    assert_eq!(v["ok"], false, "{v}");
}

#[test]
fn gitian_layout_reads_like_guix_sigs() {
    if !have("gpg") {
        return;
    }
    let d = tmp();
    let g = Gpg::new(&d.path().join("maker"));
    let keys = d.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    for who in ["alice", "bob"] {
        g.run(
            None,
            &[
                "--quick-gen-key",
                &format!("{who} <{who}@example.org>"),
                "ed25519",
                "sign,cert",
                "0",
            ],
            None,
        );
        std::fs::write(keys.join(format!("{who}.gpg")), g.export(&g.fpr(who))).unwrap();
    }
    // `<version>-<os>/<signer>/<name>-build.assert` and its `.sig`, as
    // gitian-builder writes them; bob's Windows installer differs.
    let repo = d.path().join("gitian.sigs");
    let h = |c: char| c.to_string().repeat(64);
    for (os, files) in [
        (
            "linux",
            vec![
                (h('a'), "app-1.0-x86_64-linux-gnu.tar.gz"),
                (h('b'), "src/app-1.0.tar.gz"),
            ],
        ),
        (
            "win-unsigned",
            vec![(h('c'), "app-1.0-win64-setup-unsigned.exe")],
        ),
    ] {
        for who in ["alice", "bob"] {
            let dir = repo.join(format!("1.0-{os}/{who}"));
            std::fs::create_dir_all(&dir).unwrap();
            let mut y = format!(
                "---\nname: app-{os}-1.0\nenable_cache: true\nsuites:\n- bionic\nout_manifest: |\n"
            );
            for (digest, f) in &files {
                let digest = if who == "bob" && f.ends_with(".exe") {
                    h('d')
                } else {
                    digest.clone()
                };
                y.push_str(&format!("  {digest}  {f}\n"));
            }
            y.push_str("in_manifest: |\n  ffff  toolchain.tar.gz\n");
            let assert = dir.join(format!("app-{os}-1.0-build.assert"));
            std::fs::write(&assert, y).unwrap();
            let sig = dir.join(format!("app-{os}-1.0-build.assert.sig"));
            g.run(
                None,
                &[
                    "-u",
                    &g.fpr(who),
                    "--detach-sign",
                    "-o",
                    sig.to_str().unwrap(),
                    assert.to_str().unwrap(),
                ],
                None,
            );
        }
    }
    let o = quorate()
        .args(["verify", "--attestations"])
        .arg(&repo)
        .args(["--version", "1.0", "--keys-dir"])
        .arg(&keys)
        .args(["--threshold", "2", "--json"])
        .output()
        .unwrap();
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    let signers = rep["signers"].as_array().unwrap();
    assert_eq!(signers.len(), 2, "{rep}");
    for s in signers {
        assert_eq!(s["counts"], true, "{s}");
        let sigs = s["signatures"].as_array().unwrap();
        assert_eq!(sigs.len(), 2, "one per platform: {s}");
        assert!(
            sigs.iter()
                .all(|r| r["verdict"] == "GOOD" && r["gpg"] == "GOODSIG"),
            "{s}"
        );
    }
    let art = |p: &str| {
        rep["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["path"] == p)
            .unwrap_or_else(|| panic!("{p} in {rep}"))
            .clone()
    };
    assert_eq!(art("src/app-1.0.tar.gz")["quorum_met"], true, "{rep}");
    let exe = art("app-1.0-win64-setup-unsigned.exe");
    assert_eq!(exe["quorum_met"], false, "{exe}");
    assert_eq!(exe["digests"].as_array().unwrap().len(), 2, "{exe}");
    // The in_manifest (build inputs) is not an output.
    assert!(
        rep["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["path"] != "toolchain.tar.gz"),
        "{rep}"
    );
    assert_eq!(o.status.code(), Some(1), "a disagreement fails the check");
}

/// The demo's claim, checked: keys that quorate generates (the demo's
/// signers) and the signatures it makes with them are what the real gpg
/// calls good, under the fingerprint quorate pins; over changed bytes gpg
/// says BAD.
#[test]
fn keys_quorate_generates_sign_what_gpg_accepts() {
    if !have("gpg") {
        return;
    }
    let d = tmp();
    let demo = quorate_attest::demo::setup(&d.path().join("signers"), &["alice", "bob"], 2)
        .expect("demo signers");
    let rel = d.path().join("rel");
    std::fs::create_dir_all(&rel).unwrap();
    let manifest = rel.join("manifest-v1.0.0.txt");
    std::fs::write(
        &manifest,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  x\n",
    )
    .unwrap();
    let g = Gpg::new(&d.path().join("gnupg"));
    let verify = |sig: &Path| {
        let o = Command::new("gpg")
            .env("GNUPGHOME", &g.home)
            .args(["--batch", "--status-fd", "1", "--verify"])
            .arg(sig)
            .arg(&manifest)
            .output()
            .unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    for (name, fpr, public, secret) in &demo.signers {
        g.run(None, &["--import", public.to_str().unwrap()], None);
        let sig = quorate_attest::demo::sign_manifest(&manifest, name, secret).unwrap();
        let (ok, status) = verify(&sig);
        assert!(ok, "{name}: {status}");
        assert!(status.contains("[GNUPG:] GOODSIG"), "{name}: {status}");
        assert!(
            status.contains(&format!("[GNUPG:] VALIDSIG {fpr}"))
                || status
                    .lines()
                    .any(|l| l.starts_with("[GNUPG:] VALIDSIG") && l.ends_with(fpr.as_str())),
            "{name}: gpg names another key than the pinned {fpr}: {status}"
        );
    }
    // Over changed bytes the same signatures are BAD for gpg.
    std::fs::write(&manifest, "changed\n").unwrap();
    for (name, ..) in &demo.signers {
        let (ok, status) = verify(&rel.join(format!("manifest-{name}-v1.0.0.sig")));
        assert!(
            !ok && status.contains("[GNUPG:] BADSIG"),
            "{name}: {status}"
        );
    }
}
