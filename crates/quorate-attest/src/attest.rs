//! Attestation repositories (the guix.sigs model): a git repository where
//! each builder commits `<version>/<signer>/manifest-<version>.txt`, its
//! signature and `build.json`; and the comparison of all builders'
//! manifests, artifact by artifact.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use quorate_manifest::{Digest, Manifest, fsutil};
use serde::Serialize;

use crate::policy::{Policy, validate_name};
use crate::verify::{
    Quorum, SignatureReport, Verdict, count_quorum, find_release_files, verify_signature_file,
};
use crate::{AttestError, read_capped};

/// What [`add`] did.
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    /// `<repo>/<version>/<signer>`.
    pub dir: PathBuf,
    /// The version.
    pub version: String,
    /// The files written (relative to the repository).
    pub files: Vec<String>,
    /// The commit made (`git rev-parse HEAD`).
    pub commit: String,
}

fn git(repo: &Path, args: &[&str]) -> Result<String, AttestError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| AttestError::Git {
            path: repo.to_path_buf(),
            args: args.join(" "),
            reason: format!("cannot run git: {e}"),
        })?;
    if !out.status.success() {
        return Err(AttestError::Git {
            path: repo.to_path_buf(),
            args: args.join(" "),
            reason: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A small `build.json` describing this host, for releases without one.
pub fn host_build_json(quorate_version: &str) -> Vec<u8> {
    let v = serde_json::json!({
        "host_os": std::env::consts::OS,
        "host_arch": std::env::consts::ARCH,
        "quorate_version": quorate_version,
    });
    let mut s = serde_json::to_vec_pretty(&v).unwrap_or_default();
    s.push(b'\n');
    s
}

/// Copies the release's manifest, `signer`'s signature(s) and `build.json`
/// (from the release folder, or `default_build_json`) into
/// `<repo>/<version>/<signer>/`, then `git add` and `git commit` them.
pub fn add(
    repo: &Path,
    signer: &str,
    release_dir: &Path,
    default_build_json: &[u8],
) -> Result<Added, AttestError> {
    validate_name(signer).map_err(|reason| AttestError::Release {
        path: release_dir.to_path_buf(),
        reason,
    })?;
    let top = git(repo, &["rev-parse", "--show-toplevel"]).map_err(|_| AttestError::Release {
        path: repo.to_path_buf(),
        reason: "is not a git repository\nhint: `git init` it, or clone the project's attestation repository".into(),
    })?;
    let _ = top;
    let files = find_release_files(release_dir)?;
    let mine: Vec<&PathBuf> = files
        .signatures
        .iter()
        .filter(|(_, s)| s == signer)
        .map(|(p, _)| p)
        .collect();
    if mine.is_empty() {
        return Err(AttestError::Release {
            path: release_dir.to_path_buf(),
            reason: format!(
                "no signature by {signer:?} (manifest-{signer}-{}.sig, .asc or .sshsig)\nhint: run `quorate sign {} --signer {signer} --key KEY` first",
                files.version,
                files.manifest.display()
            ),
        });
    }
    let manifest_bytes = read_capped(&files.manifest, 64 << 20)?;
    Manifest::parse(&manifest_bytes, &files.manifest.display().to_string())?;
    let rel_dir = format!("{}/{signer}", files.version);
    let dest = repo.join(&rel_dir);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AttestError::Io { path, source }
    };
    std::fs::create_dir_all(&dest).map_err(io(&dest))?;
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| -> Result<(), AttestError> {
        let p = dest.join(name);
        fsutil::write_atomic(&p, bytes).map_err(io(&p))?;
        written.push(format!("{rel_dir}/{name}"));
        Ok(())
    };
    let manifest_name = format!("manifest-{}.txt", files.version);
    put(&manifest_name, &manifest_bytes)?;
    for p in mine {
        let bytes = read_capped(p, crate::MAX_SIGNATURE_BYTES)?;
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        put(&name, &bytes)?;
    }
    let bj = release_dir.join("build.json");
    let build_json = if bj.is_file() {
        read_capped(&bj, 1 << 20)?
    } else {
        default_build_json.to_vec()
    };
    put("build.json", &build_json)?;
    let mut args = vec!["add", "--"];
    args.extend(written.iter().map(String::as_str));
    git(repo, &args)?;
    let msg = format!("Add attestation by {signer} for {}", files.version);
    let has_identity = git(repo, &["config", "user.email"])
        .map(|s| !s.is_empty())
        .unwrap_or(false);
    let name_cfg = format!("user.name={signer}");
    let email_cfg = format!("user.email={signer}@attest.invalid");
    let mut commit: Vec<&str> = Vec::new();
    if !has_identity {
        commit.extend(["-c", &name_cfg, "-c", &email_cfg]);
    }
    commit.extend(["commit", "--quiet", "-m", &msg, "--"]);
    commit.extend(written.iter().map(String::as_str));
    git(repo, &commit)?;
    let head = git(repo, &["rev-parse", "HEAD"])?;
    Ok(Added {
        dir: dest,
        version: files.version,
        files: written,
        commit: head,
    })
}

/// One signer's attestation.
#[derive(Debug, Clone, Serialize)]
pub struct SignerAttestation {
    /// The folder name (`<version>/<signer>`).
    pub signer: String,
    /// The signatures found in the folder, with their verdicts.
    pub signatures: Vec<SignatureReport>,
    /// True when a GOOD signature by this signer's own pinned key counts.
    pub counts: bool,
    /// Why the attestation does not count or could not be read.
    pub problem: Option<String>,
    /// `build.json`, when present and valid JSON.
    pub build: Option<serde_json::Value>,
}

/// Who attests which digest for one artifact.
#[derive(Debug, Clone, Serialize)]
pub struct ArtifactAgreement {
    /// The artifact's path.
    pub path: String,
    /// Digest → the counting signers who attest it (sorted by support).
    pub digests: Vec<(Digest, Vec<String>)>,
    /// The digest most counting signers attest (none on a tie).
    pub majority: Option<Digest>,
    /// Counting signers who attest another digest or do not list the file.
    pub disagree: Vec<String>,
    /// Counting signers who do not list it.
    pub absent: Vec<String>,
    /// The majority has at least the threshold.
    pub quorum_met: bool,
}

/// The agreement across all builders for one version.
#[derive(Debug, Clone, Serialize)]
pub struct AttestationReport {
    /// The repository.
    pub repo: PathBuf,
    /// The version.
    pub version: String,
    /// Each signer folder.
    pub signers: Vec<SignerAttestation>,
    /// The quorum of distinct keys over all signers.
    pub quorum: Quorum,
    /// One row per artifact, sorted by path.
    pub artifacts: Vec<ArtifactAgreement>,
    /// Quorum met, every artifact agreed by at least the threshold, and no
    /// counting signer disagrees.
    pub ok: bool,
}

/// Verifies every signer folder under `<repo>/<version>/` and builds the
/// agreement matrix.
pub fn compare(
    repo: &Path,
    version: &str,
    policy: &Policy,
) -> Result<AttestationReport, AttestError> {
    let vdir = repo.join(version);
    let io = |source| AttestError::Io {
        path: vdir.clone(),
        source,
    };
    let mut names = Vec::new();
    for e in std::fs::read_dir(&vdir).map_err(|source| AttestError::Release {
        path: vdir.clone(),
        reason: format!("{source}\nhint: is {version:?} the right version? list the repository's top-level folders"),
    })? {
        let e = e.map_err(io)?;
        if e.path().is_dir() {
            names.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    let now = SystemTime::now();
    let mut signers = Vec::new();
    let mut manifests: Vec<(usize, Manifest)> = Vec::new();
    let mut all_sigs: Vec<SignatureReport> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let dir = vdir.join(name);
        let mut att = SignerAttestation {
            signer: name.clone(),
            signatures: Vec::new(),
            counts: false,
            problem: None,
            build: std::fs::read(dir.join("build.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok()),
        };
        let mpath = dir.join(format!("manifest-{version}.txt"));
        let data = match read_capped(&mpath, 64 << 20) {
            Ok(d) => d,
            Err(e) => {
                att.problem = Some(format!("no manifest: {e}"));
                signers.push(att);
                continue;
            }
        };
        match Manifest::parse(&data, &mpath.display().to_string()) {
            Ok(m) => manifests.push((i, m)),
            Err(e) => att.problem = Some(format!("malformed manifest: {e}")),
        }
        let mut sig_paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|source| AttestError::Io {
                path: dir.clone(),
                source,
            })?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                let n = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                n.starts_with("manifest-")
                    && crate::verify::SIGNATURE_EXTENSIONS
                        .iter()
                        .any(|e| n.ends_with(e))
            })
            .collect();
        sig_paths.sort();
        if sig_paths.is_empty() && att.problem.is_none() {
            att.problem = Some("no signature in the folder".into());
        }
        for p in sig_paths {
            for mut r in verify_signature_file(&p, &data, policy, now) {
                r.file = format!("{name}/{}", r.file);
                r.claimed_signer = Some(name.clone());
                if let Some(s) = &r.signer
                    && s != name
                    && r.verdict == Verdict::Good
                {
                    r.verdict = Verdict::Bad;
                    r.reason = Some(format!(
                        "made by {s:?}'s key, but it sits in {name:?}'s folder"
                    ));
                }
                all_sigs.push(r);
                owner.push(i);
            }
        }
        signers.push(att);
    }
    let quorum = count_quorum(&mut all_sigs, policy);
    for (r, i) in all_sigs.into_iter().zip(owner) {
        if r.counts {
            signers[i].counts = true;
        }
        signers[i].signatures.push(r);
    }
    for s in signers.iter_mut() {
        if !s.counts && s.problem.is_none() {
            s.problem = Some(
                s.signatures
                    .iter()
                    .map(|r| format!("{}: {}", r.verdict, r.reason.clone().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
    }
    let counting: Vec<(String, &Manifest)> = manifests
        .iter()
        .filter(|(i, _)| signers[*i].counts)
        .map(|(i, m)| (signers[*i].signer.clone(), m))
        .collect();
    let mut paths: BTreeMap<String, ()> = BTreeMap::new();
    for (_, m) in &counting {
        for e in m.entries() {
            paths.insert(e.path.clone(), ());
        }
    }
    let mut artifacts = Vec::new();
    for path in paths.into_keys() {
        let mut groups: Vec<(Digest, Vec<String>)> = Vec::new();
        let mut absent = Vec::new();
        for (name, m) in &counting {
            match m.get(&path) {
                Some(d) => match groups.iter_mut().find(|(g, _)| g == d) {
                    Some((_, v)) => v.push(name.clone()),
                    None => groups.push((*d, vec![name.clone()])),
                },
                None => absent.push(name.clone()),
            }
        }
        groups.sort_by(|a, b| {
            b.1.len()
                .cmp(&a.1.len())
                .then(a.0.to_hex().cmp(&b.0.to_hex()))
        });
        let majority = match groups.as_slice() {
            [first, second, ..] if first.1.len() == second.1.len() => None,
            [first, ..] => Some(first.0),
            [] => None,
        };
        let mut disagree: Vec<String> = groups
            .iter()
            .filter(|(d, _)| Some(*d) != majority)
            .flat_map(|(_, v)| v.iter().cloned())
            .chain(absent.iter().cloned())
            .collect();
        disagree.sort();
        let support = groups.first().map(|g| g.1.len()).unwrap_or(0);
        artifacts.push(ArtifactAgreement {
            path,
            quorum_met: majority.is_some() && support >= policy.threshold,
            digests: groups,
            majority,
            disagree,
            absent,
        });
    }
    let ok = quorum.met
        && !artifacts.is_empty()
        && artifacts
            .iter()
            .all(|a| a.quorum_met && a.disagree.is_empty());
    Ok(AttestationReport {
        repo: repo.to_path_buf(),
        version: version.to_string(),
        signers,
        quorum,
        artifacts,
        ok,
    })
}
