//! The published release folder: its manifest, version and `build.json`.

use std::path::{Path, PathBuf};

use quorate_attest::verify::{ReleaseKind, find_release_files};
use quorate_manifest::Manifest;
use quorate_release::archive::Packer;
use quorate_release::build::BuildInfo;
use quorate_release::untrusted;

use crate::{ReproduceError, io};

/// Largest manifest read (a manifest of a million files stays below).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// Largest build.json read.
const MAX_BUILD_JSON_BYTES: u64 = 1 << 20;

/// What the release folder says about the release.
#[derive(Debug, Clone)]
pub struct Published {
    /// The release folder.
    pub dir: PathBuf,
    /// `manifest-<version>.txt`.
    pub manifest_path: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// The version, from the manifest's name.
    pub version: String,
    /// `build.json`, when the folder has a quorate one.
    pub build_info: Option<BuildInfo>,
    /// The signature files (`manifest-<signer>-<version>.sig`, …).
    pub signatures: Vec<PathBuf>,
    /// Things worth a warning (no build.json, an unreadable one, a version
    /// that differs from the manifest's name).
    pub warnings: Vec<String>,
}

impl Published {
    /// The version to rebuild: build.json's, else the manifest name's.
    pub fn version(&self) -> &str {
        self.build_info
            .as_ref()
            .map(|b| b.version.as_str())
            .unwrap_or(&self.version)
    }

    /// The tag `reproduce` checks out unless told: the version, or for a
    /// GoReleaser checksums file `v<version>` (GoReleaser's `.Version` is
    /// the tag without its `v`).
    pub fn default_ref(&self) -> String {
        let name = self
            .manifest_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if self.build_info.is_none() && goreleaser_checksums_name(&name).is_some() {
            format!("v{}", self.version)
        } else {
            self.version().to_string()
        }
    }

    /// The path of `build.json` in the release folder.
    pub fn build_json_path(&self) -> PathBuf {
        self.dir.join("build.json")
    }
}

/// Checks what the rebuild takes from the release's `build.json` against
/// [`untrusted`]: it is not covered by the signatures, and even when it is,
/// a signature says who wrote it, not that it is harmless.
pub fn check_build_info(b: &BuildInfo, path: &Path) -> Result<(), ReproduceError> {
    let bad = |e: untrusted::Invalid| {
        ReproduceError::BuildInfo {
        path: path.to_path_buf(),
        reason: format!("refusing to rebuild: {e}"),
        hint: Some("build.json is not signed; fix or remove it (then the version comes from the manifest and the rest from quorate.toml at the tag)".into()),
    }
    };
    untrusted::file_version(&b.version).map_err(bad)?;
    untrusted::go_version(&b.toolchain.version).map_err(bad)?;
    if b.packages.is_empty() {
        return Err(bad(untrusted::Invalid {
            what: "packages",
            value: String::new(),
            reason: "the list is empty".into(),
        }));
    }
    for p in &b.packages {
        untrusted::package(p).map_err(bad)?;
    }
    for t in &b.flags.tags {
        untrusted::tag(t).map_err(bad)?;
    }
    packer_of(b, path)?;
    Ok(())
}

/// The compressor scheme the release's archives were packed with, which
/// the rebuild must use: `build.json`'s `packer` (absent: 1). An unknown
/// value is refused by name, never replaced by a guess.
pub fn packer_of(b: &BuildInfo, path: &Path) -> Result<Packer, ReproduceError> {
    b.packer.parse::<Packer>().map_err(|e| ReproduceError::BuildInfo {
        path: path.to_path_buf(),
        reason: format!("refusing to rebuild: {e}"),
        hint: Some(format!(
            "the release was packed by a quorate this one does not know ({}); reproduce it with that version or a newer one",
            b.quorate_version.chars().take(64).collect::<String>()
        )),
    })
}

/// Regular files only (a FIFO would hang, a device never end), at most
/// `max` bytes, checked before anything is allocated.
fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, ReproduceError> {
    quorate_manifest::fsutil::read_regular_capped(path, max).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            io(path)(e)
        } else {
            ReproduceError::Release {
                path: path.to_path_buf(),
                reason: e.to_string(),
                hint: None,
            }
        }
    })
}

/// `(project, version)` of a GoReleaser checksums file name,
/// `<project>_<version>_checksums.txt` (GoReleaser's default).
pub use quorate_attest::verify::goreleaser_checksums_name;

/// Reads the release folder `dir`: exactly one `manifest-<version>.txt`
/// (an error naming the folder otherwise), or, with none, GoReleaser's
/// one `<project>_<version>_checksums.txt`; and its `build.json`.
pub fn read(dir: &Path) -> Result<Published, ReproduceError> {
    if !dir.is_dir() {
        return Err(ReproduceError::Release {
            path: dir.to_path_buf(),
            reason: "no such folder".into(),
            hint: Some("give --release the folder of the downloaded release (its manifest, signatures, archives and build.json)".into()),
        });
    }
    let files = find_release_files(dir).map_err(release_files_error)?;
    let is_goreleaser = matches!(files.kind, ReleaseKind::GoReleaser { .. });
    if is_goreleaser && files.version.is_empty() {
        return Err(ReproduceError::Release {
            path: files.manifest,
            reason: "a plain checksums.txt names no version, so the release to rebuild is unknown".into(),
            hint: Some("rename it <project>_<version>_checksums.txt as GoReleaser does by default (its signature too), or verify it alone with `quorate verify`".into()),
        });
    }
    let bytes = read_capped(&files.manifest, MAX_MANIFEST_BYTES)?;
    let manifest = Manifest::parse(&bytes, &files.manifest.display().to_string())?;
    let (build_info, warnings) = if is_goreleaser {
        let w = format!(
            "{}: a GoReleaser release (checksums file, no build.json): everything comes from the recipe the release shows, see `quorate recipe`",
            dir.display()
        );
        (None, vec![w])
    } else {
        read_build_info(dir, &files.manifest, &files.version)?
    };
    Ok(Published {
        dir: dir.to_path_buf(),
        manifest_path: files.manifest,
        manifest,
        version: files.version,
        build_info,
        signatures: files.signatures.into_iter().map(|(p, _)| p).collect(),
        warnings,
    })
}

/// The error of a folder without its one quorate manifest, with what
/// `reproduce` can do without it.
fn release_files_error(e: quorate_attest::AttestError) -> ReproduceError {
    match e.into_parts() {
        (quorate_attest::AttestError::Release { path, reason }, hint) => ReproduceError::Release {
            path,
            reason,
            hint: Some(
                hint.into_iter()
                    .chain(["quorate reproduce compares a rebuild with that manifest; without it there is nothing to compare".to_string()])
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        },
        (e, Some(h)) => e.with_hint(h).into(),
        (e, None) => e.into(),
    }
}

/// The release's `build.json` (checked, or `None` with a warning when it
/// is missing or not quorate's) and the warnings about it; `manifest` and
/// `version` are the manifest's path and the version its name gives.
fn read_build_info(
    dir: &Path,
    manifest: &Path,
    version: &str,
) -> Result<(Option<BuildInfo>, Vec<String>), ReproduceError> {
    let mut warnings = Vec::new();
    let bj = dir.join("build.json");
    let build_info = if bj.is_file() {
        let bytes = read_capped(&bj, MAX_BUILD_JSON_BYTES)?;
        match serde_json::from_slice::<BuildInfo>(&bytes) {
            Ok(b) => Some(b),
            Err(e) => {
                warnings.push(format!(
                    "{}: not a quorate build.json ({e}); the version comes from the manifest's name, SOURCE_DATE_EPOCH from the commit and the toolchain from quorate.toml",
                    bj.display()
                ));
                None
            }
        }
    } else {
        warnings.push(format!(
            "{}: missing; the version comes from the manifest's name, SOURCE_DATE_EPOCH from the commit and the toolchain from quorate.toml (without quorate.toml at the tag: everything from the recipe the release shows, see `quorate recipe`)",
            bj.display()
        ));
        None
    };
    if let Some(b) = &build_info {
        check_build_info(b, &bj)?;
        if b.version != version {
            warnings.push(format!(
                "build.json says version {} but the manifest is {}; rebuilding {}",
                b.version,
                manifest.display(),
                b.version
            ));
        }
    }
    Ok((build_info, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_manifest_is_named() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("hello.tar.gz"), b"x").unwrap();
        let e = read(d.path()).unwrap_err().to_string();
        assert!(e.contains("no manifest-<version>.txt"), "{e}");
        assert!(e.contains(&d.path().display().to_string()), "{e}");
        let e = read(&d.path().join("nope")).unwrap_err().to_string();
        assert!(e.contains("no such folder"), "{e}");
    }

    #[test]
    fn reads_manifest_and_warns_without_build_json() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("manifest-v1.txt"),
            format!("{}  a\n", "0".repeat(64)),
        )
        .unwrap();
        let p = read(d.path()).unwrap();
        assert_eq!(p.version, "v1");
        assert_eq!(p.version(), "v1");
        assert!(p.build_info.is_none());
        assert!(
            p.warnings[0].contains("build.json: missing"),
            "{:?}",
            p.warnings
        );
        std::fs::write(d.path().join("build.json"), b"{\"host_os\": \"linux\"}").unwrap();
        let p = read(d.path()).unwrap();
        assert!(
            p.warnings[0].contains("not a quorate build.json"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn reads_a_goreleaser_checksums_file() {
        // The names themselves: verify::folder's tests.
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("tool_1.2.3_checksums.txt"),
            format!("{}  tool_1.2.3_linux_amd64.tar.gz\n", "0".repeat(64)),
        )
        .unwrap();
        let p = read(d.path()).unwrap();
        assert_eq!(p.version, "1.2.3");
        assert_eq!(p.default_ref(), "v1.2.3");
        assert_eq!(p.manifest.len(), 1);
        // A quorate manifest beside it: which one is the release is
        // ambiguous, so neither is taken.
        std::fs::write(
            d.path().join("manifest-v1.txt"),
            format!("{}  a\n", "0".repeat(64)),
        )
        .unwrap();
        let e = read(d.path()).unwrap_err().to_string();
        assert!(e.contains("ambiguous"), "{e}");
        // A plain checksums.txt names no version to rebuild.
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("checksums.txt"),
            format!("{}  tool_1.2.3_linux_amd64.tar.gz\n", "0".repeat(64)),
        )
        .unwrap();
        let e = read(d.path()).unwrap_err().to_string();
        assert!(e.contains("names no version"), "{e}");
    }
}
