//! A newcomer's first hour (issue 17): empty folders, a sane locale, the
//! inspect gate, completions and the man page, progress only on a
//! terminal, errors cause first.

use crate::util::{have, quorate, sh, tmp};

/// An empty folder gives an empty manifest with a warning; with --strict
/// it is an error (exit 2) and nothing is written.
#[test]
fn empty_folder_manifest_warns_and_strict_refuses() {
    let t = tmp();
    let dir = t.path().join("empty");
    std::fs::create_dir(&dir).unwrap();
    let o = quorate()
        .arg("manifest")
        .arg(&dir)
        .args(["--version", "v1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning:") && err.contains("the manifest is empty"),
        "{err}"
    );
    assert!(dir.join("manifest-v1.txt").is_file());

    let dir2 = t.path().join("empty2");
    std::fs::create_dir(&dir2).unwrap();
    let o = quorate()
        .arg("manifest")
        .arg(&dir2)
        .args(["--version", "v1", "--strict"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("the manifest is empty"),
        "{err}"
    );
    assert!(!dir2.join("manifest-v1.txt").exists());

    // A folder with a file is not affected by --strict.
    std::fs::write(dir2.join("a"), "a").unwrap();
    quorate()
        .arg("manifest")
        .arg(&dir2)
        .args(["--version", "v1", "--strict"])
        .assert()
        .success();
}

/// `LANG=C.UTF-8` (and C, POSIX, TZ=UTC) are what quorate's builds use:
/// doctor does not warn about them, but does about another locale.
#[test]
fn doctor_accepts_c_utf8() {
    let t = tmp();
    let warned = |k: &str, v: &str| {
        let o = quorate()
            .arg("doctor")
            .arg("--json")
            .current_dir(t.path())
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", t.path())
            .env("QUORATE_CACHE", t.path().join("cache"))
            .env(k, v)
            .output()
            .unwrap();
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        j["checks"].as_array().unwrap().iter().any(|c| {
            c["status"] == "warn" && c["detail"].as_str().unwrap().starts_with(&format!("{k}="))
        })
    };
    assert!(!warned("LANG", "C.UTF-8"));
    assert!(!warned("LC_ALL", "C"));
    assert!(!warned("TZ", "UTC"));
    assert!(warned("LANG", "de_DE.UTF-8"));
    assert!(warned("TZ", "Europe/Berlin"));
}

/// `inspect --strict` exits 1 on a hazard (an archive GNU tar made with
/// the owner kept) and 0 on quorate's own deterministic archive.
#[test]
fn inspect_strict_gates_on_hazards() {
    if !have("tar") {
        return;
    }
    let t = tmp();
    std::fs::create_dir(t.path().join("d")).unwrap();
    std::fs::write(t.path().join("d/f"), "hi\n").unwrap();
    sh(
        t.path(),
        "tar --owner=1000 --group=1000 -czf gnu.tar.gz -C d f",
    );
    let o = quorate()
        .args(["inspect", "--strict", "gnu.tar.gz"])
        .current_dir(t.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("hazard archive-owner"), "{out}");
    // Without --strict, the same file is inspected with exit 0.
    quorate()
        .args(["inspect", "gnu.tar.gz"])
        .current_dir(t.path())
        .assert()
        .code(0);

    quorate()
        .args([
            "package", "d", "--format", "tar.gz", "--mtime", "1", "-o", "q.tar.gz",
        ])
        .current_dir(t.path())
        .assert()
        .success();
    let o = quorate()
        .args(["inspect", "--strict", "q.tar.gz"])
        .current_dir(t.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Completions for every shell clap knows, and a man page, from the CLI
/// definition: they name every command.
#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = quorate().args(["completions", shell]).output().unwrap();
        assert!(o.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&o.stdout);
        for cmd in ["reproduce", "verify", "doctor", "completions"] {
            assert!(text.contains(cmd), "{shell} completions lack {cmd}");
        }
    }
    if have("bash") {
        let t = tmp();
        let o = quorate().args(["completions", "bash"]).output().unwrap();
        std::fs::write(t.path().join("c.bash"), &o.stdout).unwrap();
        // The script is valid bash and defines the completion function.
        let out = sh(
            t.path(),
            "source ./c.bash && complete -p quorate && declare -F _quorate",
        );
        assert!(out.contains("_quorate"), "{out}");
    }
    let o = quorate().arg("man").output().unwrap();
    assert!(o.status.success());
    let man = String::from_utf8_lossy(&o.stdout);
    assert!(
        man.starts_with(".ie") || man.contains(".TH quorate"),
        "{man}"
    );
    assert!(
        man.contains("reproduce") && man.contains("Exit codes"),
        "{man}"
    );
    quorate().args(["completions", "tcsh"]).assert().code(2);
}

/// On a pipe there is no progress bar: stderr holds only the message.
#[test]
fn no_progress_on_a_pipe() {
    let t = tmp();
    let dir = t.path().join("d");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("big"), vec![7u8; 4 << 20]).unwrap();
    let o = quorate()
        .arg("manifest")
        .arg(&dir)
        .args(["--version", "v1"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("wrote "), "{err}");
}

/// Errors print the cause first and the hint last (not `error: hint: …`).
#[test]
fn errors_print_cause_then_hint() {
    let t = tmp();
    let o = quorate()
        .arg("diff")
        .arg(t.path().join("a"))
        .arg(t.path().join("b"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.starts_with("error: comparing "), "{err}");
    assert!(!err.contains("error: hint"), "{err}");
    let last = err.trim_end().lines().last().unwrap();
    assert!(last.starts_with("hint: "), "{err}");
}
