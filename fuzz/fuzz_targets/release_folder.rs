//! Which files of a release folder are its manifest and signatures
//! (`quorate_attest::verify::find_release_files`): quorate/lnd names and
//! GoReleaser checksums names, as an attacker who controls a download
//! folder would lay them out. Each line of the input is one entry's name;
//! its first byte picks what the entry is (a regular file, a folder, or a
//! symlink to a file outside the folder).
//!
//! Properties checked on every accepted folder: the manifest and every
//! signature are regular files directly inside it (never a link or a
//! folder); a GoReleaser signature claims no signer and signs exactly the
//! chosen checksums file; a quorate/lnd signature's signer is the one its
//! name gives for the manifest's version; a folder holding both kinds of
//! release, or two of one kind, is refused.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use std::collections::BTreeSet;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use quorate_attest::verify::{
    ReleaseKind, SIGNATURE_EXTENSIONS, goreleaser_checksums_name, signer_from_file_name,
};

/// At most this many entries per folder (more only slows the run).
const MAX_ENTRIES: usize = 24;

fn usable(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name != "."
        && name != ".."
        && !name.contains(['/', '\0'])
}

fn is_manifest(n: &str) -> bool {
    n.starts_with("manifest-") && n.ends_with(".txt") && n.len() > "manifest-.txt".len()
}

fn is_checksums(n: &str) -> bool {
    n == "checksums.txt" || goreleaser_checksums_name(n).is_some()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let outside = tempfile::NamedTempFile::new().expect("temp file");
    let mut regular = BTreeSet::new();
    for line in text.lines().take(MAX_ENTRIES) {
        let mut chars = line.chars();
        let Some(kind) = chars.next() else { continue };
        let name = chars.as_str();
        if !usable(name) || dir.path().join(name).symlink_metadata().is_ok() {
            continue;
        }
        let path = dir.path().join(name);
        let made = match kind {
            'd' => std::fs::create_dir(&path),
            'l' => std::os::unix::fs::symlink(outside.path(), &path),
            _ => std::fs::write(&path, b"x"),
        };
        if made.is_ok() && !matches!(kind, 'd' | 'l') {
            regular.insert(name.to_string());
        }
    }
    let manifests = regular.iter().filter(|n| is_manifest(n)).count();
    let checksums = regular.iter().filter(|n| is_checksums(n)).count();
    let found = quorate_attest::verify::find_release_files(dir.path());
    let Ok(files) = found else {
        assert!(
            manifests + checksums != 1,
            "a folder with exactly one manifest or checksums file is accepted"
        );
        return;
    };
    assert_eq!(manifests + checksums, 1, "ambiguous folder accepted");
    let inside = |p: &Path| -> String {
        assert_eq!(p.parent(), Some(dir.path()), "{p:?} is not directly inside");
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(regular.contains(&name), "{name:?} is not a regular file");
        name
    };
    let manifest = inside(&files.manifest);
    for (sig, signer) in &files.signatures {
        let name = inside(sig);
        assert!(SIGNATURE_EXTENSIONS.iter().any(|e| name.ends_with(e)));
        assert!(
            !files.ignored.contains(&name),
            "{name:?} both used and ignored"
        );
        match &files.kind {
            ReleaseKind::GoReleaser { .. } => {
                assert!(signer.is_none(), "a GoReleaser name claimed a signer");
                let stem = SIGNATURE_EXTENSIONS
                    .iter()
                    .find_map(|e| name.strip_suffix(e))
                    .unwrap();
                assert_eq!(stem, manifest, "signature of another file counted");
            }
            ReleaseKind::Manifest => {
                assert_eq!(
                    signer.as_deref(),
                    signer_from_file_name(&name, &files.version).as_deref()
                );
                assert!(signer.is_some());
                assert_eq!(manifest, format!("manifest-{}.txt", files.version));
            }
        }
    }
});
