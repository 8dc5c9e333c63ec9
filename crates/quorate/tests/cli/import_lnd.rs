//! `quorate policy import-lnd`: the real lnd and taproot-assets scripts
//! (test data copied from those projects, read and never run), and the
//! adversarial cases of issue 14: a symlinked secret key, and scripts that
//! bash reads differently from a naive reader.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use crate::sigfixture;
use crate::util::{quorate, tmp};

fn realworld(project: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/realworld")
        .join(project)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The signers (name, fingerprint) and threshold of a policy's text.
fn signers(text: &str) -> (i64, Vec<(String, String)>) {
    let v: toml::Table = toml::from_str(text).unwrap();
    let list = v["signer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["openpgp"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (v["threshold"].as_integer().unwrap(), list)
}

/// Names of the entries of `dir` (empty when it does not exist).
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn imports_the_real_lnd_scripts() {
    let t = tmp();
    let out = quorate()
        .current_dir(t.path())
        .args(["policy", "import-lnd"])
        .arg(realworld("lnd"))
        .args(["-o", "trust/policy.toml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("wrote trust/policy.toml: 5 of 16 signers required; keys in trust/keys"),
        "{err}"
    );
    let text = std::fs::read_to_string(t.path().join("trust/policy.toml")).unwrap();
    let (threshold, list) = signers(&text);
    assert_eq!(threshold, 5);
    assert_eq!(list.len(), 16);
    assert_eq!(
        list[0],
        (
            "guggero".to_string(),
            "F4FC70F07310028424EFC20A8E4256593F177720".to_string()
        )
    );
    assert_eq!(list[15].0, "boris");
    let keys = entries(&t.path().join("trust/keys"));
    assert_eq!(keys.len(), 16, "{keys:?}");
    for k in &keys {
        let m = std::fs::metadata(t.path().join("trust/keys").join(k)).unwrap();
        assert_eq!(m.permissions().mode() & 0o777, 0o644, "{k}");
    }
    let show = quorate()
        .current_dir(t.path())
        .args(["policy", "show", "--policy", "trust/policy.toml"])
        .output()
        .unwrap();
    assert_eq!(show.status.code(), Some(0), "{}", stderr(&show));
    assert!(String::from_utf8_lossy(&show.stdout).contains("5 of 16 distinct signers required"));
    // A second import over the same keys refuses to overwrite the policy.
    let again = quorate()
        .current_dir(t.path())
        .args(["policy", "import-lnd"])
        .arg(realworld("lnd"))
        .args(["-o", "trust/policy.toml"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

const JTOBIN_SUBKEY: &str = "7363F82F43B1324E1B0761310E4647D58F8A69E4";

/// Imports taproot-assets with `-o -`; returns the temp folder and stdout.
fn import_taproot_to_stdout() -> (tempfile::TempDir, String) {
    let t = tmp();
    let out = quorate()
        .current_dir(t.path())
        .args(["policy", "import-lnd"])
        .arg(realworld("taproot-assets"))
        .args(["-o", "-"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("5 of 9 signers required; their keys are in ./keys"),
        "{err}"
    );
    (t, String::from_utf8(out.stdout).unwrap())
}

#[test]
fn imports_taproot_assets_to_stdout_keeping_the_subkey_pin() {
    let (t, text) = import_taproot_to_stdout();
    let (threshold, list) = signers(&text);
    assert_eq!(threshold, 5);
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "roasbeef",
            "georgetsagk",
            "ffranr",
            "yyforyongyu",
            "ellemouton",
            "gijswijs",
            "bhandras",
            "jtobin",
            "darioanongba"
        ]
    );
    // The pin is kept as written: jtobin's signing subkey, not the primary.
    assert_eq!(list[7].1, JTOBIN_SUBKEY);
    assert_eq!(entries(&t.path().join("keys")).len(), 9);
    assert!(!t.path().join("quorate-policy.toml").exists());
}

#[test]
fn taproot_assets_policy_loads_with_its_subkey_pin() {
    let (t, text) = import_taproot_to_stdout();
    std::fs::write(t.path().join("policy.toml"), &text).unwrap();
    let show = quorate()
        .current_dir(t.path())
        .args(["policy", "show", "--policy", "policy.toml"])
        .output()
        .unwrap();
    assert_eq!(show.status.code(), Some(0), "{}", stderr(&show));
    let out = String::from_utf8_lossy(&show.stdout);
    assert!(out.contains("5 of 9 distinct signers required"), "{out}");
    // jtobin: the primary fingerprint, and the subkey that was pinned.
    let jtobin = out.lines().find(|l| l.contains("jtobin")).unwrap();
    assert!(
        jtobin.contains("CA3287ADA03802AD031C8543B77DC7C964AAD99A")
            && jtobin.contains("pinned as 7363F82F43B1324E1B0761310E4647D58F8A69E4"),
        "{jtobin}"
    );
}

/// A checkout whose script pins `pins` (name, fixture key) with this
/// threshold; `alice`'s and `bob`'s public keys are in scripts/keys/.
fn checkout(dir: &Path, body: &str) -> PathBuf {
    let f = sigfixture::fixture().unwrap();
    let c = dir.join("checkout");
    std::fs::create_dir_all(c.join("scripts/keys")).unwrap();
    for who in ["alice", "bob", "mallory"] {
        std::fs::copy(
            f.keys.join(format!("{who}.asc")),
            c.join(format!("scripts/keys/{who}.asc")),
        )
        .unwrap();
    }
    let body = ["alice", "bob", "mallory"]
        .iter()
        .fold(body.to_string(), |b, who| {
            b.replace(&format!("{{{who}}}"), &f.fpr(who))
        });
    std::fs::write(c.join("scripts/verify-install.sh"), body).unwrap();
    c
}

/// Runs an import into `dir/out/` expected to fail; checks that nothing
/// was written and returns stderr.
fn refused(dir: &Path, checkout: &Path) -> String {
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let out = quorate()
        .current_dir(dir.join("out"))
        .args(["policy", "import-lnd"])
        .arg(checkout)
        .args(["-o", "policy.toml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("error:"), "{err}");
    assert!(entries(&dir.join("out")).is_empty(), "{err}");
    err
}

/// Issue 14 item 3: a key file that is a link to a secret key.
#[test]
fn a_symlinked_secret_key_is_never_copied() {
    let Some(f) = sigfixture::fixture() else {
        return;
    };
    let head = "#!/bin/bash\nMIN_REQUIRED_SIGNATURES=1\nKEYS=()\nKEYS+=(\"{alice} alice\")\n";

    // Out of the checkout: refused before reading it.
    let t = tmp();
    let c = checkout(t.path(), head);
    let secret = t.path().join("secret");
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::copy(f.keys.join("alice-secret.asc"), secret.join("alice.asc")).unwrap();
    std::fs::set_permissions(
        secret.join("alice.asc"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    std::fs::remove_file(c.join("scripts/keys/alice.asc")).unwrap();
    symlink(
        "../../../secret/alice.asc",
        c.join("scripts/keys/alice.asc"),
    )
    .unwrap();
    let err = refused(t.path(), &c);
    assert!(
        err.contains("line 4: alice's key")
            && err.contains("points outside the tree (links may not leave the checkout)"),
        "{err}"
    );

    // An absolute link.
    std::fs::remove_file(c.join("scripts/keys/alice.asc")).unwrap();
    symlink(secret.join("alice.asc"), c.join("scripts/keys/alice.asc")).unwrap();
    let err = refused(t.path(), &c);
    assert!(err.contains("is absolute"), "{err}");

    // The scripts folder itself a link out of the checkout.
    let t2 = tmp();
    let c2 = checkout(t2.path(), head);
    let outside = t2.path().join("elsewhere");
    std::fs::rename(c2.join("scripts"), &outside).unwrap();
    symlink("../elsewhere", c2.join("scripts")).unwrap();
    let err = refused(t2.path(), &c2);
    assert!(err.contains("points outside the tree"), "{err}");

    // A link inside the checkout to a secret key, and a plain secret key
    // file: refused for holding secret key material.
    let t3 = tmp();
    let c3 = checkout(t3.path(), head);
    std::fs::copy(f.keys.join("alice-secret.asc"), c3.join("alice-secret.asc")).unwrap();
    std::fs::remove_file(c3.join("scripts/keys/alice.asc")).unwrap();
    symlink("../../alice-secret.asc", c3.join("scripts/keys/alice.asc")).unwrap();
    let err = refused(t3.path(), &c3);
    assert!(err.contains("holds secret key material"), "{err}");
    std::fs::remove_file(c3.join("scripts/keys/alice.asc")).unwrap();
    std::fs::copy(
        f.keys.join("alice-secret.asc"),
        c3.join("scripts/keys/alice.asc"),
    )
    .unwrap();
    let err = refused(t3.path(), &c3);
    assert!(err.contains("holds secret key material"), "{err}");

    // A key file holding another key than the one pinned.
    std::fs::copy(f.keys.join("bob.asc"), c3.join("scripts/keys/alice.asc")).unwrap();
    let err = refused(t3.path(), &c3);
    assert!(
        err.contains(&format!("does not hold the key {}", f.fpr("alice"))),
        "{err}"
    );

    // A link inside the checkout to a public key is followed; the copy is a
    // public key, 0644, whatever the source's mode.
    let t4 = tmp();
    let c4 = checkout(t4.path(), head);
    std::fs::rename(c4.join("scripts/keys/alice.asc"), c4.join("alice-pub.asc")).unwrap();
    std::fs::set_permissions(
        c4.join("alice-pub.asc"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    symlink("../../alice-pub.asc", c4.join("scripts/keys/alice.asc")).unwrap();
    let out = quorate()
        .current_dir(t4.path())
        .args(["policy", "import-lnd"])
        .arg(&c4)
        .args(["-o", "p.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = t4.path().join("keys/alice.asc");
    assert!(std::fs::symlink_metadata(&written).unwrap().is_file());
    assert_eq!(
        std::fs::metadata(&written).unwrap().permissions().mode() & 0o777,
        0o644
    );
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(
        text.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"),
        "{text}"
    );
}

/// Issue 14 item 4: the script means to quorate what it means to bash, or
/// is refused with the line concerned.
#[test]
fn the_script_is_read_as_bash_reads_it() {
    if sigfixture::fixture().is_none() {
        return;
    }
    // The last MIN_REQUIRED_SIGNATURES wins and KEYS=() resets the list:
    // bash means "2 of {alice, bob}", not "1 of {mallory, alice, bob}".
    let t = tmp();
    let c = checkout(
        t.path(),
        "#!/bin/bash\nMIN_REQUIRED_SIGNATURES=1\nKEYS+=(\"{mallory} mallory\")\nKEYS=()\nKEYS+=(\"{alice} alice\")\nKEYS+=(\"{bob} bob\")\nMIN_REQUIRED_SIGNATURES=2\n\nfunction import_keys() {\n  for key in \"${KEYS[@]}\"; do echo \"$key\"; done\n}\nif [[ $N -lt $MIN_REQUIRED_SIGNATURES ]]; then exit 1; fi\n",
    );
    let out = quorate()
        .current_dir(t.path())
        .args(["policy", "import-lnd"])
        .arg(&c)
        .args(["-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (threshold, list) = signers(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(threshold, 2);
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);

    let head = "#!/bin/bash\nMIN_REQUIRED_SIGNATURES=1\nKEYS=()\nKEYS+=(\"{alice} alice\")\n";
    for (name, script, needle) in [
        (
            "heredoc",
            format!("{head}cat > /dev/null <<'EOF'\nKEYS+=(\"{{mallory}} mallory\")\nEOF\n"),
            "line 6: KEYS appears in a here-document, after line 5",
        ),
        (
            "heredoc before the list",
            "#!/bin/bash\ncat <<EOF\nMIN_REQUIRED_SIGNATURES=1\nEOF\nKEYS+=(\"{alice} alice\")\n"
                .to_string(),
            "line 3: MIN_REQUIRED_SIGNATURES appears in a here-document, after line 2",
        ),
        (
            "function",
            format!("{head}reset() {{\n  KEYS=()\n}}\n"),
            "line 6: KEYS is written",
        ),
        (
            "conditional",
            format!("{head}if true; then\n  MIN_REQUIRED_SIGNATURES=2\nfi\n"),
            "line 6: MIN_REQUIRED_SIGNATURES is written",
        ),
        (
            "command substitution around the list",
            "#!/bin/bash\nMIN_REQUIRED_SIGNATURES=1\nX=$(\nKEYS+=(\"{alice} alice\")\n)\n"
                .to_string(),
            "line 4: KEYS is written",
        ),
        (
            "command substitution in the threshold",
            format!("{head}MIN_REQUIRED_SIGNATURES=$(echo 1)\n")
                .replace("MIN_REQUIRED_SIGNATURES=1\n", ""),
            "line 4: MIN_REQUIRED_SIGNATURES: `$(`",
        ),
        (
            "quoted name",
            format!("{head}K\"EYS\"+=(\"{{mallory}} mallory\")\n"),
            "line 5: KEYS is written",
        ),
        (
            "eval",
            format!("{head}eval \"$(cat extra)\"\n"),
            "line 5: `eval`",
        ),
        (
            "computed declare",
            format!("{head}declare \"$n\"='(x)'\n"),
            "line 5: `declare`",
        ),
        (
            "default expansion",
            format!("{head}: ${{MIN_REQUIRED_SIGNATURES:=9}}\n"),
            "line 5: MIN_REQUIRED_SIGNATURES is written",
        ),
        (
            "trailing command",
            head.replace(
                "MIN_REQUIRED_SIGNATURES=1\n",
                "MIN_REQUIRED_SIGNATURES=1; KEYS=()\n",
            ),
            "line 2: MIN_REQUIRED_SIGNATURES: `;`",
        ),
        (
            "carriage return",
            head.replace(
                "MIN_REQUIRED_SIGNATURES=1\n",
                "MIN_REQUIRED_SIGNATURES=1\r\n",
            ),
            "line 2: control character '\\r'",
        ),
    ] {
        let t = tmp();
        let c = checkout(t.path(), &script);
        let err = refused(t.path(), &c);
        assert!(err.contains(needle), "{name}: {err}");
    }
}
