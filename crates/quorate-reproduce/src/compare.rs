//! Comparing the rebuild with the published release, artifact by
//! artifact, and explaining every difference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use quorate_attest::verify::ReleaseReport;
use quorate_diff::engine::{StoreKind, store_kind, store_paths};
use quorate_diff::{Cause, DiffOptions, Report};
use quorate_manifest::{Manifest, Progress};
use quorate_release::build::BuildInfo;
use quorate_release::toolchain::PatchFinding;
use serde::Serialize;

use crate::published::Published;
use crate::rebuild::Prepared;
use crate::source::Checkout;

/// The wire name of the cause "a different quorate version packed the
/// archives" (not a diff-engine cause: only `reproduce` knows both
/// versions).
pub const QUORATE_VERSION_CAUSE: &str = "quorate-version";

/// What became of one artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Byte-identical to the published one.
    Reproduced,
    /// Rebuilt with other bytes.
    Different,
    /// Published, but the rebuild does not make it.
    Missing,
    /// Made by the rebuild, but not published.
    Extra,
}

impl Status {
    /// The wire name (`REPRODUCED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reproduced => "REPRODUCED",
            Status::Different => "DIFFERENT",
            Status::Missing => "MISSING",
            Status::Extra => "EXTRA",
        }
    }
}

/// One artifact of the manifests.
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    /// The path in the manifest.
    pub path: String,
    /// What became of it.
    pub status: Status,
    /// The published digest (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The rebuilt digest (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuilt: Option<String>,
    /// The causes (wire names), most explaining first; `quorate-version`
    /// when only the packing differs and the quorate versions differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
    /// The diff engine's report (published = A, rebuild = B).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Report>,
    /// Why there is no explanation (the published file is not in the
    /// release folder, the diff failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unexplained: Option<String>,
    /// Toolchain store paths that differ between the sides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_paths: Option<StorePaths>,
}

/// How many artifacts of each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Byte-identical.
    pub reproduced: usize,
    /// Other bytes.
    pub different: usize,
    /// Published, not rebuilt.
    pub missing: usize,
    /// Rebuilt, not published.
    pub extra: usize,
}

/// One cause over all artifacts.
#[derive(Debug, Clone, Serialize)]
pub struct CauseSummary {
    /// Wire name (`patched-toolchain`, `quorate-version`, …).
    pub cause: String,
    /// Human title.
    pub title: String,
    /// The fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The artifacts it explains.
    pub artifacts: Vec<String>,
    /// What shows it, in a few words each (store paths found on one side,
    /// both quorate versions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// The Nix store paths of toolchain packages (tzdata, iana-etc, mailcap)
/// found on each side of a difference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StorePaths {
    /// In the published artifact (A).
    pub published: BTreeSet<String>,
    /// In the rebuilt artifact (B).
    pub rebuilt: BTreeSet<String>,
}

impl StorePaths {
    /// True when the sides embed different toolchain store paths: one
    /// side was built by a toolchain patched the Nixpkgs way.
    pub fn differ(&self) -> bool {
        self.published != self.rebuilt
    }
}

/// Largest plain (not archive) artifact scanned whole for store paths.
const MAX_SCAN_BYTES: u64 = 512 << 20;

fn toolchain_paths_in(bytes: &[u8], into: &mut BTreeSet<String>) {
    for (_, _, full) in store_paths(bytes) {
        if store_kind(&full) != StoreKind::Other {
            // The store path proper, `/nix/store/<hash>-<name>`: Go strings
            // are not NUL-terminated, so what follows is another string.
            let start = "/nix/store/".len();
            let end = full
                .get(start..)
                .and_then(|rest| rest.find('/'))
                .map_or(full.len(), |i| i + start);
            into.insert(full[..end].to_string());
        }
    }
}

/// The toolchain store paths on each side: from the diff evidence (which
/// reaches inside archives) and, for plain files, from their bytes.
pub fn toolchain_store_paths(report: &Report, a: &Path, b: &Path, path: &str) -> StorePaths {
    let mut sp = StorePaths::default();
    for f in &report.findings {
        for e in &f.evidence {
            if let Some(v) = &e.a {
                toolchain_paths_in(v.as_bytes(), &mut sp.published);
            }
            if let Some(v) = &e.b {
                toolchain_paths_in(v.as_bytes(), &mut sp.rebuilt);
            }
        }
    }
    if !is_archive(path) {
        for (file, into) in [(a, &mut sp.published), (b, &mut sp.rebuilt)] {
            let small = std::fs::metadata(file).is_ok_and(|m| m.len() <= MAX_SCAN_BYTES);
            if small && let Ok(bytes) = std::fs::read(file) {
                toolchain_paths_in(&bytes, into);
            }
        }
    }
    sp
}

/// The quorate versions of the release and of this rebuild.
#[derive(Debug, Clone, Serialize)]
pub struct QuorateVersions {
    /// The release's (build.json), if known.
    pub published: Option<String>,
    /// This quorate's.
    pub reproducing: String,
    /// Both known and different.
    pub differs: bool,
}

/// The toolchain the rebuild used.
#[derive(Debug, Clone, Serialize)]
pub struct ToolchainUsed {
    /// `1.27.3`.
    pub version: String,
    /// The GOROOT.
    pub goroot: PathBuf,
    /// Official and unpatched.
    pub official: bool,
    /// References to `/nix/store` (a patched toolchain, `--allow-patched`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patched: Vec<PatchFinding>,
}

/// The whole result of a reproduction (`reproduce.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The published release folder.
    pub release: PathBuf,
    /// Its manifest.
    pub manifest: PathBuf,
    /// The version rebuilt.
    pub version: String,
    /// The source repository (path or URL).
    pub source: String,
    /// The ref checked out.
    pub git_ref: String,
    /// The commit checked out.
    pub commit: String,
    /// The verification of the published release (absent with `--no-verify`).
    pub verification: Option<ReleaseReport>,
    /// The toolchain of the rebuild.
    pub toolchain: ToolchainUsed,
    /// quorate's versions.
    pub quorate: QuorateVersions,
    /// The published build.json.
    pub published_build: Option<BuildInfo>,
    /// The rebuild's build.json.
    pub rebuilt_build: BuildInfo,
    /// Every artifact of both manifests, sorted by path.
    pub artifacts: Vec<Artifact>,
    /// The counts.
    pub counts: Counts,
    /// The causes over all DIFFERENT artifacts, most explaining first.
    pub causes: Vec<CauseSummary>,
    /// Where the rebuild departs from the release, or guesses.
    pub warnings: Vec<String>,
    /// Where the rebuilt release is (absent once removed).
    pub rebuild_dir: Option<PathBuf>,
    /// Every artifact REPRODUCED.
    pub reproduced: bool,
}

/// Causes that change only how files are packed, never what they hold.
/// Not here: `appended-data`, `archive-duplicate`, `zip-header-mismatch`
/// and `link-target` change what an extractor writes (or hide bytes), and
/// `special-file` is about the file system, not a packer.
const PACKING_CAUSES: [Cause; 9] = [
    Cause::Recompression,
    Cause::GzipHeader,
    Cause::ZipExtraFields,
    Cause::ArchiveMtime,
    Cause::ArchiveOwner,
    Cause::ArchiveMode,
    Cause::ArchiveOrder,
    Cause::ArchiveXattr,
    Cause::FormatDiffers,
];

fn is_archive(path: &str) -> bool {
    [".tar.gz", ".tgz", ".zip", ".tar"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// The causes of one DIFFERENT artifact, from its diff report: the
/// engine's causes, most explaining first, preceded by
/// [`QUORATE_VERSION_CAUSE`] when `quorate_differs`, the artifact is an
/// archive and every finding is about packing (its contents are equal).
pub fn causes_of(path: &str, report: &Report, quorate_differs: bool) -> Vec<String> {
    let mut causes: Vec<Cause> = report.findings.iter().map(|f| f.cause).collect();
    causes.sort_by_key(|c| c.rank());
    causes.dedup();
    let packing_only = !causes.is_empty() && causes.iter().all(|c| PACKING_CAUSES.contains(c));
    let mut out = Vec::new();
    if quorate_differs && is_archive(path) && packing_only {
        out.push(QUORATE_VERSION_CAUSE.to_string());
    }
    out.extend(causes.iter().map(|c| c.wire().to_string()));
    out
}

fn title_fix(wire: &str, published: Option<&str>) -> (String, Option<String>) {
    if wire == QUORATE_VERSION_CAUSE {
        return (
            format!(
                "the release was packed by quorate {} and this rebuild by quorate {}: the archive bytes depend on quorate's version",
                published.unwrap_or("?"),
                env!("CARGO_PKG_VERSION")
            ),
            Some(format!(
                "reproduce with quorate {} (the version in the release's build.json)",
                published.unwrap_or("?")
            )),
        );
    }
    match Cause::ALL.iter().find(|c| c.wire() == wire) {
        Some(c) => (c.title().to_string(), c.fix().map(str::to_string)),
        None => (wire.to_string(), None),
    }
}

fn evidence_of(cause: &str, artifacts: &[Artifact], published: Option<&str>) -> Vec<String> {
    if cause == QUORATE_VERSION_CAUSE {
        return vec![format!(
            "build.json: quorate_version {}; this quorate: {}",
            published.unwrap_or("?"),
            env!("CARGO_PKG_VERSION")
        )];
    }
    if cause != Cause::PatchedToolchain.wire() {
        return Vec::new();
    }
    let mut a = BTreeSet::new();
    let mut b = BTreeSet::new();
    for sp in artifacts.iter().filter_map(|x| x.store_paths.as_ref()) {
        a.extend(
            sp.published
                .iter()
                .filter(|p| !sp.rebuilt.contains(*p))
                .cloned(),
        );
        b.extend(
            sp.rebuilt
                .iter()
                .filter(|p| !sp.published.contains(*p))
                .cloned(),
        );
    }
    let mut out: Vec<String> = a
        .into_iter()
        .map(|p| format!("only the published artifacts embed {p}"))
        .collect();
    out.extend(
        b.into_iter()
            .map(|p| format!("only the rebuilt artifacts embed {p}")),
    );
    out
}

fn rank(wire: &str) -> usize {
    if wire == QUORATE_VERSION_CAUSE {
        return 0;
    }
    Cause::ALL
        .iter()
        .find(|c| c.wire() == wire)
        .map(|c| c.rank() + 1)
        .unwrap_or(usize::MAX)
}

/// Compares the manifests, explains every DIFFERENT artifact with the diff
/// engine (the published file in `published.dir` is A, the rebuilt one in
/// `rebuilt_dir` is B), and sums up the causes.
pub fn compare(
    published: &Published,
    rebuilt: &Manifest,
    rebuilt_dir: &Path,
    quorate_differs: bool,
    opts: &DiffOptions,
    progress: &dyn Progress,
) -> (Vec<Artifact>, Counts, Vec<CauseSummary>) {
    let mut artifacts = statuses(&published.manifest, rebuilt);
    let different = artifacts
        .iter()
        .filter(|a| a.status == Status::Different)
        .count();
    progress.begin_items("explaining", different as u64);
    for a in artifacts
        .iter_mut()
        .filter(|a| a.status == Status::Different)
    {
        explain(a, &published.dir, rebuilt_dir, quorate_differs, opts);
        progress.advance(1);
    }
    progress.end();
    let counts = count(&artifacts);
    let published_version = published
        .build_info
        .as_ref()
        .map(|b| b.quorate_version.as_str());
    let causes = summarise(&artifacts, published_version);
    (artifacts, counts, causes)
}

/// Every artifact of either manifest with its status, sorted by path: a
/// missing or extra one is caused by the file set; the causes of a
/// different one are left to [`explain`].
fn statuses(published: &Manifest, rebuilt: &Manifest) -> Vec<Artifact> {
    let artifact = |path: &str, status, published: Option<String>, rebuilt: Option<String>| {
        let causes = match status {
            Status::Missing | Status::Extra => vec![Cause::FileSet.wire().to_string()],
            Status::Reproduced | Status::Different => Vec::new(),
        };
        Artifact {
            path: path.to_string(),
            status,
            published,
            rebuilt,
            causes,
            explanation: None,
            unexplained: None,
            store_paths: None,
        }
    };
    let mut artifacts = Vec::new();
    for e in published.entries() {
        let (status, rebuilt_hex) = match rebuilt.get(&e.path) {
            Some(d) if *d == e.digest => (Status::Reproduced, Some(d.to_hex())),
            Some(d) => (Status::Different, Some(d.to_hex())),
            None => (Status::Missing, None),
        };
        artifacts.push(artifact(
            &e.path,
            status,
            Some(e.digest.to_hex()),
            rebuilt_hex,
        ));
    }
    for e in rebuilt.entries() {
        if published.get(&e.path).is_none() {
            artifacts.push(artifact(
                &e.path,
                Status::Extra,
                None,
                Some(e.digest.to_hex()),
            ));
        }
    }
    artifacts.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    artifacts
}

/// Explains one DIFFERENT artifact with the diff engine: its causes (a
/// patched toolchain first, with the store paths that show it), the
/// engine's report, or why it cannot be explained (not in the release
/// folder, identical bytes under a different digest, unreadable).
fn explain(
    a: &mut Artifact,
    published_dir: &Path,
    rebuilt_dir: &Path,
    quorate_differs: bool,
    opts: &DiffOptions,
) {
    let pa = published_dir.join(&a.path);
    let pb = rebuilt_dir.join(&a.path);
    if !pa.is_file() {
        a.unexplained = Some(format!(
            "{} is not in the release folder, so its bytes cannot be compared (only its digest)",
            pa.display()
        ));
        return;
    }
    let r = match quorate_diff::diff_paths(&pa, &pb, opts) {
        Ok(r) => r,
        Err(e) => {
            a.unexplained = Some(format!("cannot compare: {e}"));
            return;
        }
    };
    a.causes = causes_of(&a.path, &r, quorate_differs);
    let sp = toolchain_store_paths(&r, &pa, &pb, &a.path);
    if sp.differ() {
        let pt = Cause::PatchedToolchain.wire().to_string();
        a.causes.retain(|c| *c != pt);
        a.causes.insert(0, pt);
        a.store_paths = Some(sp);
    }
    if r.identical {
        a.unexplained = Some(format!(
            "{} matches the rebuild byte for byte, but not the published manifest: the release folder was changed after it was published",
            pa.display()
        ));
    }
    a.explanation = Some(r);
}

/// How many artifacts have each status.
fn count(artifacts: &[Artifact]) -> Counts {
    let mut counts = Counts::default();
    for a in artifacts {
        match a.status {
            Status::Reproduced => counts.reproduced += 1,
            Status::Different => counts.different += 1,
            Status::Missing => counts.missing += 1,
            Status::Extra => counts.extra += 1,
        }
    }
    counts
}

/// One summary per cause (its title, fix, artifacts and evidence), the
/// most telling first.
fn summarise(artifacts: &[Artifact], published_version: Option<&str>) -> Vec<CauseSummary> {
    let mut by_cause: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in artifacts {
        for c in &a.causes {
            by_cause.entry(c.clone()).or_default().push(a.path.clone());
        }
    }
    let mut causes: Vec<CauseSummary> = by_cause
        .into_iter()
        .map(|(cause, paths)| {
            let (title, fix) = title_fix(&cause, published_version);
            let evidence = evidence_of(&cause, artifacts, published_version);
            CauseSummary {
                cause,
                title,
                fix,
                artifacts: paths,
                evidence,
            }
        })
        .collect();
    causes.sort_by_key(|c| rank(&c.cause));
    causes
}

/// Everything [`outcome`] puts together.
pub struct Inputs<'a> {
    /// The published release.
    pub published: &'a Published,
    /// The clone.
    pub checkout: &'a Checkout,
    /// The plan and toolchain of the rebuild.
    pub prepared: &'a Prepared,
    /// The rebuild's manifest.
    pub rebuilt: &'a Manifest,
    /// The rebuild's build.json.
    pub rebuilt_build: &'a BuildInfo,
    /// The rebuild's folder.
    pub rebuilt_dir: &'a Path,
    /// The verification of the published release, if done.
    pub verification: Option<ReleaseReport>,
}

/// Compares and explains (see [`compare`]) and assembles the [`Outcome`].
pub fn outcome(inputs: Inputs<'_>, opts: &DiffOptions, progress: &dyn Progress) -> Outcome {
    let published = inputs.published;
    let published_quorate = published
        .build_info
        .as_ref()
        .map(|b| b.quorate_version.clone());
    let reproducing = env!("CARGO_PKG_VERSION").to_string();
    let differs = published_quorate
        .as_deref()
        .is_some_and(|v| v != reproducing);
    let (artifacts, counts, causes) = compare(
        published,
        inputs.rebuilt,
        inputs.rebuilt_dir,
        differs,
        opts,
        progress,
    );
    let mut warnings = published.warnings.clone();
    warnings.extend(inputs.prepared.warnings.iter().cloned());
    if differs {
        warnings.push(format!(
            "the release was made by quorate {}, this is quorate {reproducing}: archive bytes may differ for that reason alone",
            published_quorate.as_deref().unwrap_or("?")
        ));
    }
    let t = &inputs.prepared.toolchain;
    let reproduced = counts.different == 0 && counts.missing == 0 && counts.extra == 0;
    Outcome {
        release: published.dir.clone(),
        manifest: published.manifest_path.clone(),
        version: inputs.prepared.plan.release.version.clone(),
        source: inputs.checkout.repo.clone(),
        git_ref: inputs.checkout.git_ref.clone(),
        commit: inputs.checkout.commit.clone(),
        verification: inputs.verification,
        toolchain: ToolchainUsed {
            version: t.version.clone(),
            goroot: t.goroot.clone(),
            official: t.is_official(),
            patched: t.patched.clone(),
        },
        quorate: QuorateVersions {
            published: published_quorate,
            reproducing,
            differs,
        },
        published_build: published.build_info.clone(),
        rebuilt_build: inputs.rebuilt_build.clone(),
        artifacts,
        counts,
        causes,
        warnings,
        rebuild_dir: Some(inputs.rebuilt_dir.to_path_buf()),
        reproduced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorate_release::archive::{Format, PackOptions, pack_dir};

    fn published_in(dir: &Path, files: &[(&str, &[u8])]) -> Published {
        std::fs::create_dir_all(dir).unwrap();
        let mut m = Manifest::new();
        for (p, b) in files {
            std::fs::write(dir.join(p), b).unwrap();
            m.insert(*p, quorate_manifest::Digest::of_bytes(b)).unwrap();
        }
        Published {
            dir: dir.to_path_buf(),
            manifest_path: dir.join("manifest-v1.txt"),
            manifest: m,
            version: "v1".into(),
            build_info: None,
            signatures: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn statuses_counts_and_file_set() {
        let d = tempfile::tempdir().unwrap();
        let p = published_in(
            &d.path().join("a"),
            &[("same", b"1"), ("changed", b"one string"), ("gone", b"3")],
        );
        let b = d.path().join("b");
        std::fs::create_dir(&b).unwrap();
        let mut m = Manifest::new();
        for (path, bytes) in [
            ("same", &b"1"[..]),
            ("changed", b"two string"),
            ("new", b"4"),
        ] {
            std::fs::write(b.join(path), bytes).unwrap();
            m.insert(path, quorate_manifest::Digest::of_bytes(bytes))
                .unwrap();
        }
        let (arts, counts, causes) = compare(
            &p,
            &m,
            &b,
            false,
            &DiffOptions::default(),
            &quorate_manifest::NoProgress,
        );
        let st: Vec<(&str, Status)> = arts.iter().map(|a| (a.path.as_str(), a.status)).collect();
        assert_eq!(
            st,
            vec![
                ("changed", Status::Different),
                ("gone", Status::Missing),
                ("new", Status::Extra),
                ("same", Status::Reproduced)
            ]
        );
        assert_eq!(
            counts,
            Counts {
                reproduced: 1,
                different: 1,
                missing: 1,
                extra: 1
            }
        );
        let changed = &arts[0];
        let r = changed.explanation.as_ref().unwrap();
        assert!(!r.identical);
        assert!(!changed.causes.is_empty());
        assert!(
            causes.iter().any(|c| c.cause == "file-set"
                && c.artifacts == vec!["gone".to_string(), "new".to_string()])
        );
        let j = serde_json::to_value(&arts[0]).unwrap();
        assert_eq!(j["status"], "DIFFERENT");
    }

    /// Two archives of the same files packed with other member times: the
    /// engine says archive-mtime; with another quorate version, reproduce
    /// names quorate-version first; a binary never gets it.
    #[test]
    fn quorate_version_cause_for_packing_only_differences() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("hello"), b"the same program").unwrap();
        let pack = |out: &Path, mtime: u64| {
            pack_dir(
                &src,
                out,
                &PackOptions {
                    format: Format::TarGz,
                    mtime,
                    prefix: Some("hello-v1".into()),
                    packer: quorate_release::archive::Packer::CURRENT,
                },
            )
            .unwrap();
        };
        let a = d.path().join("a.tar.gz");
        let b = d.path().join("b.tar.gz");
        pack(&a, 1_700_000_000);
        pack(&b, 1_600_000_000);
        let r = quorate_diff::diff_paths(&a, &b, &DiffOptions::default()).unwrap();
        assert!(!r.identical);
        let with = causes_of("hello-linux-amd64-v1.tar.gz", &r, true);
        assert_eq!(with[0], QUORATE_VERSION_CAUSE, "{with:?}");
        assert!(with.iter().any(|c| c == "archive-mtime"), "{with:?}");
        let without = causes_of("hello-linux-amd64-v1.tar.gz", &r, false);
        assert!(!without.iter().any(|c| c == QUORATE_VERSION_CAUSE));
        let binary = causes_of("hello-linux-amd64-v1/hello", &r, true);
        assert!(!binary.iter().any(|c| c == QUORATE_VERSION_CAUSE));
        let (title, fix) = title_fix(QUORATE_VERSION_CAUSE, Some("0.0.9"));
        assert!(title.contains("quorate 0.0.9"), "{title}");
        assert!(fix.unwrap().contains("0.0.9"));
    }
}
