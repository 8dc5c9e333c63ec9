//! Shared signing fixture: real GnuPG and OpenSSH keys, generated once per
//! test run into one temporary GNUPGHOME, and signatures made by gpg
//! (several at faked times) over one template release.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::util::{have, sha256_hex};

/// The template release's version.
pub const VERSION: &str = "v1.0.0";

/// The generated keys and signatures.
pub struct Fixture {
    /// GNUPGHOME holding every secret key.
    pub home: PathBuf,
    /// Exported public keys: `<name>.asc`; secret keys: `<name>-secret.asc`.
    pub keys: PathBuf,
    /// A release folder with its manifest (copy it with [`release`]).
    pub template: PathBuf,
    /// gpg-made signatures over the template manifest: `<case>.sig`.
    pub sigs: PathBuf,
    /// SSH keys: `<name>` and `<name>.pub`.
    pub ssh: PathBuf,
}

/// Runs gpg in the fixture's GNUPGHOME (batch, loopback, empty passphrase).
pub fn gpg_in(home: &Path, args: &[&str]) -> Output {
    Command::new("gpg")
        .env("GNUPGHOME", home)
        .args([
            "--batch",
            "--yes",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
        ])
        .args(args)
        .output()
        .expect("running gpg")
}

fn gpg_ok(home: &Path, args: &[&str]) -> Output {
    let o = gpg_in(home, args);
    assert!(
        o.status.success(),
        "gpg {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The fingerprint of the key whose user id contains `name`.
pub fn fpr_in(home: &Path, name: &str) -> String {
    let o = gpg_ok(
        home,
        &[
            "--with-colons",
            "--list-keys",
            &format!("<{name}@example.org>"),
        ],
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.starts_with("fpr:"))
        .and_then(|l| l.split(':').nth(9))
        .expect("fingerprint")
        .to_string()
}

/// Every signing key of the fixture: `(name, algorithm, usage, expiry, faked creation time)`.
const KEYS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    ("alice", "ed25519", "sign", "never", None),
    ("bob", "rsa3072", "sign", "never", None),
    ("carol", "ed25519", "cert", "never", None), // + an Ed25519 signing subkey
    ("mallory", "ed25519", "sign", "never", None),
    ("weak", "rsa1024", "sign", "never", None),
    ("dsa", "dsa2048", "sign", "never", None),
    ("late", "ed25519", "sign", "never", None),
    ("old", "ed25519", "sign", "2y", Some("20200101T000000")),
    (
        "lapsed",
        "ed25519",
        "sign",
        "never",
        Some("20200101T000000"),
    ),
    ("revoked", "ed25519", "sign", "never", None),
    (
        "retired",
        "ed25519",
        "sign",
        "never",
        Some("20200101T000000"),
    ),
    (
        "superseded",
        "ed25519",
        "sign",
        "never",
        Some("20200101T000000"),
    ),
];

/// Signs the template manifest as `name`, writing `<sigs>/<out>`.
fn sign(f: &Fixture, name: &str, out: &str, extra: &[&str]) {
    let m = f.template.join(format!("manifest-{VERSION}.txt"));
    sign_detached(
        &f.home,
        &fpr_in(&f.home, name),
        &m,
        &f.sigs.join(out),
        extra,
    );
}

/// `gpg --detach-sign` (binary unless `extra` says `--armor`) by the key
/// `fpr` of `data` into `out`, with the options in `extra` first
/// (`--textmode`, `--digest-algo`, a faked time…); panics when gpg fails.
pub fn sign_detached(home: &Path, fpr: &str, data: &Path, out: &Path, extra: &[&str]) {
    let (out, data) = (out.to_str().unwrap(), data.to_str().unwrap());
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(["--detach-sign", "--local-user", fpr, "--output", out, data]);
    gpg_ok(home, &args);
}

/// Generates a revocation certificate for `name` with `reason` (gpg's
/// menu numbers: 1 compromised, 2 superseded, 3 no longer used) at `when`.
fn revocation(f: &Fixture, name: &str, reason: &str, when: Option<&str>) -> PathBuf {
    let fpr = fpr_in(&f.home, name);
    let out = f.keys.join(format!("{name}-rev.asc"));
    let mut cmd = Command::new("gpg");
    cmd.env("GNUPGHOME", &f.home).args([
        "--no-tty",
        "--yes",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--command-fd",
        "0",
    ]);
    if let Some(t) = when {
        cmd.args(["--faked-system-time", t]);
    }
    cmd.args(["--armor", "--output"])
        .arg(&out)
        .args(["--gen-revoke", &fpr]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("y\n{reason}\nrevoked by the quorate tests\n\ny\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success() && out.exists(),
        "gen-revoke: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Removes fixtures (and stops their gpg-agents) left by test runs that
/// ended more than two hours ago; the fixture of a run must outlive its
/// tests, so each run leaves one behind.
fn clean_stale_fixtures() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 2 * 3600);
        if name.starts_with("quorate-sigfixture-") && old {
            let _ = Command::new("gpgconf")
                .arg("--homedir")
                .arg(e.path().join("gnupg"))
                .args(["--kill", "all"])
                .output();
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn build() -> Fixture {
    clean_stale_fixtures();
    let root = tempfile::Builder::new()
        .prefix("quorate-sigfixture-")
        .tempdir()
        .unwrap()
        .keep();
    let f = Fixture {
        home: root.join("gnupg"),
        keys: root.join("keys"),
        template: root.join("template"),
        sigs: root.join("sigs"),
        ssh: root.join("ssh"),
    };
    for d in [&f.keys, &f.template, &f.sigs, &f.ssh] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::create_dir_all(&f.home).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f.home, std::fs::Permissions::from_mode(0o700)).unwrap();
    }

    // The template release: three artifacts and their manifest.
    let files: [(&str, &[u8]); 3] = [
        (
            "hello-linux-amd64-v1.0.0.tar.gz",
            b"pretend tarball\x00\x01\x02",
        ),
        ("hello-linux-amd64-v1.0.0/hello", b"\x7fELF pretend binary"),
        ("hello-source-v1.0.0.tar.gz", b"pretend sources"),
    ];
    let mut lines = Vec::new();
    for (p, bytes) in files {
        let path = f.template.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        lines.push(format!("{}  {p}\n", sha256_hex(&path)));
    }
    lines.sort_by(|a, b| a.as_bytes()[66..].cmp(&b.as_bytes()[66..]));
    std::fs::write(
        f.template.join(format!("manifest-{VERSION}.txt")),
        lines.concat(),
    )
    .unwrap();
    std::fs::write(root.join("other.txt"), b"some other file\n").unwrap();

    for (name, algo, usage, expiry, when) in KEYS {
        let uid = format!("{name} <{name}@example.org>");
        let mut args = vec![];
        if let Some(t) = when {
            args.extend(["--faked-system-time", t]);
        }
        args.extend(["--quick-gen-key", &uid, algo, usage, expiry]);
        gpg_ok(&f.home, &args);
    }
    let carol = fpr_in(&f.home, "carol");
    gpg_ok(
        &f.home,
        &["--quick-add-key", &carol, "ed25519", "sign", "never"],
    );

    // Signatures made while every key is still in its original state.
    for n in ["alice", "bob", "carol", "mallory", "weak", "dsa", "revoked"] {
        sign(&f, n, &format!("{n}.sig"), &[]);
    }
    sign(&f, "alice", "alice.asc", &["--armor"]);
    sign(&f, "bob", "bob-text.sig", &["--textmode"]);
    sign(&f, "bob", "bob-sha1.sig", &["--digest-algo", "SHA1"]);
    sign(
        &f,
        "late",
        "late-early.sig",
        &[
            "--faked-system-time",
            "20200101T000000",
            "--ignore-time-conflict",
        ],
    );
    // Made in 2021 while the key (valid 2020-01-01 .. 2022-01-01) was valid.
    sign(
        &f,
        "old",
        "old-2021.sig",
        &["--faked-system-time", "20210101T000000"],
    );
    // Made in 2022; afterwards a self-signature dated 2020-06-01 sets the
    // expiry to 2021-06-01, so the key had expired when it signed.
    sign(
        &f,
        "lapsed",
        "lapsed-2022.sig",
        &["--faked-system-time", "20220101T000000"],
    );
    let lapsed = fpr_in(&f.home, "lapsed");
    gpg_ok(
        &f.home,
        &[
            "--faked-system-time",
            "20200601T000000",
            "--quick-set-expire",
            &lapsed,
            "1y",
        ],
    );
    // Retired (soft) today, after a signature made in 2021.
    sign(
        &f,
        "retired",
        "retired-2021.sig",
        &["--faked-system-time", "20210101T000000"],
    );
    let r = revocation(&f, "retired", "3", None);
    gpg_ok(&f.home, &["--import", r.to_str().unwrap()]);
    // Superseded (soft) in 2021, before a signature made today.
    let r = revocation(&f, "superseded", "2", Some("20210101T000000"));
    sign(&f, "superseded", "superseded-today.sig", &[]);
    gpg_ok(&f.home, &["--import", r.to_str().unwrap()]);
    // Hard revocation: gpg's own revocation certificate (no reason given).
    let rev_fpr = fpr_in(&f.home, "revoked");
    let text =
        std::fs::read_to_string(f.home.join(format!("openpgp-revocs.d/{rev_fpr}.rev"))).unwrap();
    let cert = text.replace(
        ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----",
    );
    let rp = f.keys.join("revoked-rev.asc");
    std::fs::write(&rp, cert).unwrap();
    gpg_ok(&f.home, &["--import", rp.to_str().unwrap()]);
    // A signature by alice over a different file.
    let other = root.join("other.txt");
    let alice = fpr_in(&f.home, "alice");
    let out = f.sigs.join("alice-other.sig");
    gpg_ok(
        &f.home,
        &[
            "--detach-sign",
            "--local-user",
            &alice,
            "--output",
            out.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );

    for (name, ..) in KEYS {
        let fpr = fpr_in(&f.home, name);
        let o = gpg_ok(&f.home, &["--armor", "--export", &fpr]);
        std::fs::write(f.keys.join(format!("{name}.asc")), &o.stdout).unwrap();
        let o = gpg_ok(&f.home, &["--armor", "--export-secret-keys", &fpr]);
        std::fs::write(f.keys.join(format!("{name}-secret.asc")), &o.stdout).unwrap();
    }
    let o = gpg_ok(&f.home, &["--export", &fpr_in(&f.home, "bob")]);
    std::fs::write(f.keys.join("bob.gpg"), &o.stdout).unwrap();

    for name in ["dave", "eve"] {
        let o = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(f.ssh.join(name))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "ssh-keygen: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    f
}

/// The fixture, or `None` (with a SKIP line) when gpg or ssh-keygen is
/// missing on a developer machine.
pub fn fixture() -> Option<&'static Fixture> {
    static F: OnceLock<Fixture> = OnceLock::new();
    if !have("gpg") || !have("ssh-keygen") {
        return None;
    }
    Some(F.get_or_init(build))
}

impl Fixture {
    /// The fingerprint of a fixture key.
    pub fn fpr(&self, name: &str) -> String {
        fpr_in(&self.home, name)
    }

    /// Copies the template release into `dir` and returns the manifest path.
    pub fn release(&self, dir: &Path) -> PathBuf {
        copy_dir(&self.template, dir);
        dir.join(format!("manifest-{VERSION}.txt"))
    }

    /// One builder's attestation: the template release built into `rel`
    /// (with the tarball replaced by `tarball` when given, and the manifest
    /// rewritten to match), signed by `who`'s key and added to the
    /// attestation repository `repo` with `quorate attest`.
    pub fn attest_build(&self, repo: &Path, rel: &Path, who: &str, tarball: Option<&[u8]>) {
        self.release(rel);
        if let Some(bytes) = tarball {
            std::fs::write(rel.join("hello-linux-amd64-v1.0.0.tar.gz"), bytes).unwrap();
            crate::util::quorate()
                .arg("manifest")
                .arg(rel)
                .args(["--version", VERSION])
                .assert()
                .success();
        }
        crate::util::quorate()
            .arg("sign")
            .arg(rel.join(format!("manifest-{VERSION}.txt")))
            .args(["--signer", who, "--key"])
            .arg(self.keys.join(format!("{who}-secret.asc")))
            .assert()
            .success();
        crate::util::quorate()
            .args(["attest", "--repo"])
            .arg(repo)
            .args(["--signer", who, "--release"])
            .arg(rel)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .assert()
            .success();
    }

    /// Copies signature `<case>` into `dir` as `manifest-<signer>-<VERSION>.<ext>`.
    pub fn put_sig(&self, case: &str, dir: &Path, signer: &str) -> PathBuf {
        let src = self.sigs.join(case);
        let ext = Path::new(case).extension().unwrap().to_str().unwrap();
        let dst = dir.join(format!("manifest-{signer}-{VERSION}.{ext}"));
        std::fs::copy(&src, &dst).unwrap();
        dst
    }

    /// A policy file in `dir` with this threshold and OpenPGP signers
    /// (pinned under their own names).
    pub fn policy(&self, dir: &Path, threshold: i64, signers: &[&str]) -> PathBuf {
        let pairs: Vec<(&str, &str)> = signers.iter().map(|s| (*s, *s)).collect();
        self.policy_named(dir, threshold, &pairs)
    }

    /// Like [`policy`], with `(policy name, fixture key)` pairs.
    pub fn policy_named(&self, dir: &Path, threshold: i64, signers: &[(&str, &str)]) -> PathBuf {
        let mut s = format!("threshold = {threshold}\n");
        for (name, key) in signers {
            s.push_str(&format!(
                "[[signer]]\nname = \"{name}\"\nopenpgp = \"{}\"\nkey = \"{}\"\n",
                self.fpr(key),
                self.keys.join(format!("{key}.asc")).display()
            ));
        }
        let p = dir.join("policy.toml");
        std::fs::write(&p, s).unwrap();
        p
    }
}

/// Recursive copy.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// Runs `quorate verify DIR --policy P --json`: (exit code, report).
pub fn verify_json(dir: &Path, policy: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let o = crate::util::quorate()
        .arg("verify")
        .arg(dir)
        .arg("--policy")
        .arg(policy)
        .arg("--json")
        .args(extra)
        .output()
        .unwrap();
    let code = o.status.code().unwrap_or(-1);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(
        |_| serde_json::json!({"stderr": String::from_utf8_lossy(&o.stderr).to_string()}),
    );
    (code, v)
}

/// `(file, verdict)` of every signature in a report, in order.
pub fn verdicts(v: &serde_json::Value) -> Vec<(String, String)> {
    v["signatures"]
        .as_array()
        .unwrap_or_else(|| panic!("no signatures in {v}"))
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
