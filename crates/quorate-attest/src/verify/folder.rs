//! Which files of a release folder are its manifest and its signatures:
//! quorate's and lnd's `manifest-<version>.txt` with
//! `manifest-<signer>-<version>.sig|.asc|.sshsig`, or GoReleaser's
//! checksums file with its detached signature(s).

use std::path::{Path, PathBuf};

use crate::AttestError;

/// How the release folder names its manifest and signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseKind {
    /// `manifest-<version>.txt` and `manifest-<signer>-<version>.sig`
    /// (quorate, lnd's `scripts/release.sh`).
    Manifest,
    /// GoReleaser: `<project>_<version>_checksums.txt` (or
    /// `checksums.txt`) and `<that name>.sig`, `.asc` or `.sshsig`. The
    /// file names claim no signer: the key decides who signed.
    GoReleaser {
        /// The project from the checksums file's name (`None` for a plain
        /// `checksums.txt`).
        project: Option<String>,
    },
}

/// The files of a release folder that matter for verification.
#[derive(Debug, Clone)]
pub struct ReleaseFiles {
    /// `manifest-<version>.txt`, or GoReleaser's checksums file.
    pub manifest: PathBuf,
    /// The version from the manifest's name (empty for a plain
    /// `checksums.txt`, whose name holds none).
    pub version: String,
    /// How the folder names its files.
    pub kind: ReleaseKind,
    /// `(signature file, signer claimed by its name)`, sorted by name; a
    /// GoReleaser signature's name claims no signer.
    pub signatures: Vec<(PathBuf, Option<String>)>,
    /// Names that look like signatures for another version or another
    /// checksums file (ignored).
    pub ignored: Vec<String>,
}

/// The signature extensions quorate reads.
pub const SIGNATURE_EXTENSIONS: [&str; 3] = [".sig", ".asc", ".sshsig"];

/// The signer named by `manifest-<signer>-<version><ext>`.
pub fn signer_from_file_name(name: &str, version: &str) -> Option<String> {
    let rest = name.strip_prefix("manifest-")?;
    for ext in SIGNATURE_EXTENSIONS {
        if let Some(stem) = rest.strip_suffix(ext)
            && let Some(signer) = stem.strip_suffix(version).and_then(|s| s.strip_suffix('-'))
            && !signer.is_empty()
        {
            return Some(signer.to_string());
        }
    }
    None
}

/// True for a version usable in a file name: letters, digits, `._+-`, not
/// starting with `.` or `-`, at most 128 bytes.
fn usable_version(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 128
        && !v.starts_with(['.', '-'])
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
}

/// `(project, version)` of a GoReleaser checksums file name,
/// `<project>_<version>_checksums.txt` (GoReleaser's default); `None` for
/// other names or an unusable version.
pub fn goreleaser_checksums_name(name: &str) -> Option<(&str, &str)> {
    let stem = name.strip_suffix("_checksums.txt")?;
    let (project, version) = stem.rsplit_once('_')?;
    (!project.is_empty() && usable_version(version)).then_some((project, version))
}

/// True for a name GoReleaser gives its checksums file.
fn is_checksums_name(name: &str) -> bool {
    name == "checksums.txt" || goreleaser_checksums_name(name).is_some()
}

fn is_manifest_name(n: &str) -> bool {
    n.starts_with("manifest-") && n.ends_with(".txt") && n.len() > "manifest-.txt".len()
}

/// Finds the manifest and the signatures in a release folder: exactly one
/// `manifest-<version>.txt` with every `manifest-<signer>-<version>.sig`,
/// `.asc` or `.sshsig`; or exactly one GoReleaser checksums file with its
/// `.sig`, `.asc` or `.sshsig`. Regular files only (a link named like a
/// manifest or a signature is neither); a folder holding both kinds, or
/// two of either, is refused as ambiguous.
pub fn find_release_files(dir: &Path) -> Result<ReleaseFiles, AttestError> {
    let io = |source| AttestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        // Regular files only: a link, folder or FIFO named like a manifest
        // or signature is not one (it is walked and reported like any
        // other entry).
        if entry.file_type().map_err(io)?.is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    let manifests: Vec<&String> = names.iter().filter(|n| is_manifest_name(n)).collect();
    let checksums: Vec<&String> = names.iter().filter(|n| is_checksums_name(n)).collect();
    let release = |reason: String| AttestError::Release {
        path: dir.to_path_buf(),
        reason,
    };
    let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    if !manifests.is_empty() && !checksums.is_empty() {
        return Err(release(format!(
            "both a quorate/lnd manifest ({}) and a GoReleaser checksums file ({}): which one the signatures cover is ambiguous",
            list(&manifests),
            list(&checksums)
        ))
        .with_hint("a release folder holds one release: move the other one's files away"));
    }
    match (manifests.as_slice(), checksums.as_slice()) {
        ([], []) => Err(release("no manifest-<version>.txt and no GoReleaser checksums file here".into())
            .with_hint("give the folder that holds the downloaded release and its manifest; for a SHA256SUMS file use `quorate verify SHA256SUMS --signatures SHA256SUMS.asc --keys-dir KEYS --threshold N`")),
        ([one], []) => Ok(manifest_release(dir, &names, one)),
        ([], [one]) => Ok(goreleaser_release(dir, &names, one)),
        (many, []) => Err(release(format!(
            "{} manifests ({}); a release folder holds exactly one",
            many.len(),
            list(many)
        ))
        .with_hint("move the other releases' manifests away")),
        (_, many) => Err(release(format!(
            "{} GoReleaser checksums files ({}); a release folder holds exactly one",
            many.len(),
            list(many)
        ))
        .with_hint("move the other releases' checksums files away")),
    }
}

fn manifest_release(dir: &Path, names: &[String], manifest_name: &str) -> ReleaseFiles {
    let version = manifest_name["manifest-".len()..manifest_name.len() - ".txt".len()].to_string();
    let mut signatures = Vec::new();
    let mut ignored = Vec::new();
    for n in names {
        if !n.starts_with("manifest-") || !SIGNATURE_EXTENSIONS.iter().any(|e| n.ends_with(e)) {
            continue;
        }
        match signer_from_file_name(n, &version) {
            Some(s) => signatures.push((dir.join(n), Some(s))),
            None => ignored.push(n.clone()),
        }
    }
    ReleaseFiles {
        manifest: dir.join(manifest_name),
        version,
        kind: ReleaseKind::Manifest,
        signatures,
        ignored,
    }
}

fn goreleaser_release(dir: &Path, names: &[String], checksums: &str) -> ReleaseFiles {
    let (project, version) = match goreleaser_checksums_name(checksums) {
        Some((p, v)) => (Some(p.to_string()), v.to_string()),
        None => (None, String::new()),
    };
    let mut signatures = Vec::new();
    let mut ignored = Vec::new();
    for n in names {
        let Some(stem) = SIGNATURE_EXTENSIONS.iter().find_map(|e| n.strip_suffix(e)) else {
            continue;
        };
        if stem == checksums {
            signatures.push((dir.join(n), None));
        } else if stem.ends_with("checksums.txt") || n.starts_with("manifest-") {
            // A signature of another checksums file or another release's
            // manifest: named here, never verified over this one. Other
            // `.sig` files (GoReleaser can sign every artifact) are
            // release files like any other.
            ignored.push(n.clone());
        }
    }
    ReleaseFiles {
        manifest: dir.join(checksums),
        version,
        kind: ReleaseKind::GoReleaser { project },
        signatures,
        ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_names_from_file_names() {
        assert_eq!(
            signer_from_file_name("manifest-alice-v1.2.sig", "v1.2").as_deref(),
            Some("alice")
        );
        assert_eq!(
            signer_from_file_name("manifest-a-b-v1-rc1.asc", "v1-rc1").as_deref(),
            Some("a-b")
        );
        assert_eq!(
            signer_from_file_name("manifest-bob-v1.sshsig", "v1").as_deref(),
            Some("bob")
        );
        assert_eq!(signer_from_file_name("manifest-v1.sig", "v1"), None);
        assert_eq!(signer_from_file_name("manifest-bob-v2.sig", "v1"), None);
        assert_eq!(signer_from_file_name("manifest-bob-v1.sig.ots", "v1"), None);
    }

    #[test]
    fn goreleaser_names() {
        assert_eq!(
            goreleaser_checksums_name("my_tool_1.2.3_checksums.txt"),
            Some(("my_tool", "1.2.3"))
        );
        assert_eq!(goreleaser_checksums_name("tool_checksums.txt"), None);
        assert_eq!(goreleaser_checksums_name("tool_../x_checksums.txt"), None);
        assert_eq!(goreleaser_checksums_name("_1.0_checksums.txt"), None);
        assert_eq!(goreleaser_checksums_name("tool_-1_checksums.txt"), None);
    }

    fn folder(files: &[&str]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(d.path().join(f), b"x").unwrap();
        }
        d
    }

    #[test]
    fn goreleaser_folder_signatures_claim_no_signer() {
        let d = folder(&[
            "t_1.0_checksums.txt",
            "t_1.0_checksums.txt.sig",
            "t_1.0_checksums.txt.asc",
            "t_0.9_checksums.txt.sig",
            "t_1.0_linux_amd64.tar.gz.sig",
        ]);
        let f = find_release_files(d.path()).unwrap();
        assert_eq!(f.version, "1.0");
        assert_eq!(
            f.kind,
            ReleaseKind::GoReleaser {
                project: Some("t".into())
            }
        );
        let sigs: Vec<_> = f
            .signatures
            .iter()
            .map(|(p, s)| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    s.clone(),
                )
            })
            .collect();
        assert_eq!(
            sigs,
            [
                ("t_1.0_checksums.txt.asc".to_string(), None),
                ("t_1.0_checksums.txt.sig".to_string(), None)
            ]
        );
        assert_eq!(f.ignored, ["t_0.9_checksums.txt.sig"]);
    }

    #[test]
    fn plain_checksums_txt_has_no_version() {
        let d = folder(&["checksums.txt", "checksums.txt.sig"]);
        let f = find_release_files(d.path()).unwrap();
        assert_eq!(f.version, "");
        assert_eq!(f.kind, ReleaseKind::GoReleaser { project: None });
        assert_eq!(f.signatures.len(), 1);
    }

    #[test]
    fn ambiguous_folders_are_refused() {
        for (files, want) in [
            (&["manifest-v1.txt", "t_1_checksums.txt"][..], "ambiguous"),
            (&["checksums.txt", "t_1_checksums.txt"][..], "2 GoReleaser"),
            (&["manifest-v1.txt", "manifest-v2.txt"][..], "2 manifests"),
            (&["README"][..], "no manifest"),
        ] {
            let d = folder(files);
            let e = find_release_files(d.path()).unwrap_err().to_string();
            assert!(e.contains(want), "{files:?}: {e}");
        }
    }
}
