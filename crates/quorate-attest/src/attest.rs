//! Attestation repositories (the guix.sigs model): a git repository where
//! each builder commits `<version>/<signer>/manifest-<version>.txt`, its
//! signature and `build.json`; and the comparison of all builders'
//! manifests, artifact by artifact.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use quorate_manifest::{Digest, Manifest, fsutil};
use serde::Serialize;

use crate::policy::{Policy, validate_name};
use crate::verify::{Quorum, SignatureReport, Verdict, find_release_files, verify_signature_file};
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
    // The user's repository: their config (identity) applies, the
    // environment cannot redirect git elsewhere (quorate_base::git).
    let out = quorate_base::git::command_with_user_config(Some(repo))
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
    let top = git(repo, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        AttestError::Release {
            path: repo.to_path_buf(),
            reason: "is not a git repository".into(),
        }
        .with_hint("`git init` it, or clone the project's attestation repository")
    })?;
    let _ = top;
    let files = find_release_files(release_dir)?;
    let mine: Vec<&PathBuf> = files
        .signatures
        .iter()
        .filter(|(_, s)| s.as_deref() == Some(signer))
        .map(|(p, _)| p)
        .collect();
    if mine.is_empty() {
        return Err(AttestError::Release {
            path: release_dir.to_path_buf(),
            reason: format!(
                "no signature by {signer:?} (manifest-{signer}-{}.sig, .asc or .sshsig)",
                files.version
            ),
        }
        .with_hint(format!(
            "run `quorate sign {} --signer {signer} --key KEY` first",
            files.manifest.display()
        )));
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
    let build_json = if std::fs::symlink_metadata(&bj).is_ok() {
        read_capped(&bj, crate::verify::MAX_BUILD_JSON_BYTES)?
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
    /// Counting signers whose own documents attest several digests for
    /// this file (`(signer, [(digest, document)])`): they vouch for none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<(String, Vec<(Digest, String)>)>,
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

/// What one signer attests: every digest given for each file name, with
/// the document that gives it.
type Attested = BTreeMap<String, Vec<(Digest, String)>>;

/// One signed document in a signer folder: quorate's manifest, or a
/// guix.sigs `all.SHA256SUMS` / `noncodesigned.SHA256SUMS`.
struct Document {
    data: PathBuf,
    signatures: Vec<PathBuf>,
}

/// The documents of one signer folder.
fn documents(dir: &Path, version: &str) -> Result<Vec<Document>, AttestError> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|source| AttestError::Io {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok())
        // Regular files only, links not followed out of the repository.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut docs = Vec::new();
    let manifest = format!("manifest-{version}.txt");
    if names.contains(&manifest) {
        docs.push(Document {
            data: dir.join(&manifest),
            signatures: names
                .iter()
                .filter(|n| {
                    n.starts_with("manifest-")
                        && crate::verify::SIGNATURE_EXTENSIONS
                            .iter()
                            .any(|e| n.ends_with(e))
                })
                .map(|n| dir.join(n))
                .collect(),
        });
    }
    for n in names.iter().filter(|n| crate::gitian::is_assert(n)) {
        docs.push(Document {
            data: dir.join(n),
            signatures: names
                .iter()
                .filter(|s| *s == &format!("{n}.sig"))
                .map(|s| dir.join(s))
                .collect(),
        });
    }
    for n in names.iter().filter(|n| n.ends_with("SHA256SUMS")) {
        docs.push(Document {
            data: dir.join(n),
            signatures: [".asc", ".sig"]
                .iter()
                .map(|e| format!("{n}{e}"))
                .filter(|s| names.contains(s))
                .map(|s| dir.join(s))
                .collect(),
        });
    }
    Ok(docs)
}

/// Verifies every signer folder under `<repo>/<version>/` and builds the
/// agreement matrix. A folder holds quorate's `manifest-<version>.txt` with
/// its signature, or guix.sigs' `all.SHA256SUMS` and/or
/// `noncodesigned.SHA256SUMS` with their `.asc`; a folder counts when every
/// document in it carries a GOOD signature by the folder's own pinned key.
/// `key_problems` (from [`Policy::from_keys_dir`]) are attached to their
/// signers' folders; `reject_expired` as in
/// [`crate::verify::VerifyOptions`].
pub fn compare(
    repo: &Path,
    version: &str,
    policy: &Policy,
    key_problems: &[crate::policy::KeyProblem],
    reject_expired: bool,
) -> Result<AttestationReport, AttestError> {
    let vdirs = version_dirs(repo, version)?;
    let names = signer_names(&vdirs)?;
    let mut cx = SignerCx {
        version,
        policy,
        key_problems,
        reject_expired,
        now: SystemTime::now(),
        classes: crate::identity::signer_classes(policy),
        seen_keys: Vec::new(),
    };
    let mut signers = Vec::new();
    let mut digests_of: Vec<Option<Attested>> = Vec::new();
    for name in &names {
        let (att, digests) = cx.attest_signer(&vdirs, name)?;
        signers.push(att);
        digests_of.push(digests);
    }
    let counted: Vec<String> = signers
        .iter()
        .filter(|s| s.counts)
        .map(|s| s.signer.clone())
        .collect();
    let quorum = Quorum {
        threshold: policy.threshold,
        signers: crate::identity::distinct_keys(policy),
        count: counted.len(),
        met: counted.len() >= policy.threshold,
        counted,
        duplicate_keys: crate::identity::duplicate_signers(policy)
            .into_iter()
            .map(|(a, b, _)| format!("{b:?} holds the same key as {a:?}; it never adds a vote"))
            .collect(),
    };
    let counting: Vec<(String, &Attested)> = signers
        .iter()
        .zip(&digests_of)
        .filter_map(|(s, d)| d.as_ref().map(|d| (s.signer.clone(), d)))
        .collect();
    let artifacts = agreement(&counting, policy.threshold);
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

/// The folders of `version`: `<repo>/<version>/` (guix.sigs, quorate), or
/// every `<repo>/<version>-<os>/` (gitian: Monero, Bitcoin Core before
/// 22.0, one folder per platform; a signer's documents are gathered
/// across them).
fn version_dirs(repo: &Path, version: &str) -> Result<Vec<PathBuf>, AttestError> {
    let vdir = repo.join(version);
    let vdirs: Vec<PathBuf> = if vdir.is_dir() {
        vec![vdir.clone()]
    } else {
        let prefix = format!("{version}-");
        let mut v: Vec<PathBuf> = std::fs::read_dir(repo)
            .map_err(|source| AttestError::Io {
                path: repo.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .collect();
        v.sort();
        v
    };
    if vdirs.is_empty() {
        return Err(AttestError::Release {
            path: vdir.clone(),
            reason: format!("no such folder (nor {version}-<os> folders of the gitian layout)"),
        }
        .with_hint(format!(
            "is {version:?} the right version? list the repository's top-level folders"
        )));
    }
    Ok(vdirs)
}

/// The signer folder names under any of `vdirs`, sorted, each once.
fn signer_names(vdirs: &[PathBuf]) -> Result<Vec<String>, AttestError> {
    let mut names = Vec::new();
    for d in vdirs {
        let io = |source| AttestError::Io {
            path: d.clone(),
            source,
        };
        for e in std::fs::read_dir(d).map_err(io)? {
            let e = e.map_err(io)?;
            let n = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) && !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names.sort();
    Ok(names)
}

/// What judging one signer's folder needs, and the keys already counted
/// (one key votes once, whatever its folders are called).
struct SignerCx<'a> {
    version: &'a str,
    policy: &'a Policy,
    key_problems: &'a [crate::policy::KeyProblem],
    reject_expired: bool,
    now: SystemTime,
    /// [`crate::identity::signer_classes`] of the policy.
    classes: Vec<usize>,
    /// (key identity, the signer folder it counted for).
    seen_keys: Vec<(String, String)>,
}

impl SignerCx<'_> {
    /// Verifies signer `name`'s documents across `vdirs`: its report, and
    /// the digests it attests when the folder counts.
    fn attest_signer(
        &mut self,
        vdirs: &[PathBuf],
        name: &String,
    ) -> Result<(SignerAttestation, Option<Attested>), AttestError> {
        let version = self.version;
        let dirs: Vec<PathBuf> = vdirs
            .iter()
            .map(|d| d.join(name))
            .filter(|d| std::fs::symlink_metadata(d).is_ok_and(|m| m.is_dir()))
            .collect();
        let dir = dirs[0].clone();
        let mut att = SignerAttestation {
            signer: name.clone(),
            signatures: Vec::new(),
            counts: false,
            problem: None,
            // Capped, regular files only: a FIFO or /dev/zero named
            // build.json must neither hang nor fill memory.
            build: read_capped(&dir.join("build.json"), crate::verify::MAX_BUILD_JSON_BYTES)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok()),
        };
        let problems: Vec<String> = self
            .key_problems
            .iter()
            .filter(|k| k.signer == *name)
            .map(|k| format!("{}: {}", k.file.display(), k.reason))
            .collect();
        let mut docs = Vec::new();
        for d in &dirs {
            docs.extend(documents(d, version)?);
        }
        let mut folder = Folder {
            digests: BTreeMap::new(),
            problems,
            every_doc_good: !docs.is_empty(),
            folder_key: None,
        };
        if docs.is_empty() {
            folder.problems.push(format!(
                "no manifest-{version}.txt, *.SHA256SUMS or gitian *.assert in the folder"
            ));
        }
        for doc in &docs {
            self.judge_document(name, doc, &mut att, &mut folder);
        }
        if let Some(problem) = signed_build_json_problem(&dir, &folder.digests, version) {
            folder.problems.push(problem);
        }
        Ok(self.conclude(name, att, folder))
    }

    /// Reads one document of `name`'s folder into `folder`: the digests
    /// it lists, its problems, then the verdicts of its signatures.
    fn judge_document(
        &mut self,
        name: &String,
        doc: &Document,
        att: &mut SignerAttestation,
        folder: &mut Folder,
    ) {
        let doc_name = doc
            .data
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data = match read_capped(&doc.data, 64 << 20) {
            Ok(d) => d,
            Err(e) => {
                folder.problems.push(e.to_string());
                folder.every_doc_good = false;
                return;
            }
        };
        let listed = match listed_of(&doc_name, &data) {
            Ok(listed) => listed,
            Err(problem) => {
                folder.problems.push(problem);
                folder.every_doc_good = false;
                Vec::new()
            }
        };
        match Manifest::parse(&listed, &doc.data.display().to_string()) {
            Ok(m) => {
                for e in m.entries() {
                    let v = folder.digests.entry(e.path.clone()).or_default();
                    if !v.iter().any(|(d, _)| *d == e.digest) {
                        v.push((e.digest, doc_name.clone()));
                    }
                }
            }
            Err(e) => {
                folder.problems.push(format!("malformed {doc_name}: {e}"));
                folder.every_doc_good = false;
            }
        }
        if doc.signatures.is_empty() {
            folder
                .problems
                .push(format!("{doc_name} has no signature ({doc_name}.asc)"));
            folder.every_doc_good = false;
        }
        let doc_good = self.judge_signatures(name, doc, &data, att, &mut folder.folder_key);
        folder.every_doc_good &= doc_good;
    }

    /// The folder's verdict: it counts (its GOOD signatures counted, its
    /// key recorded, its digests returned) only when every document is
    /// good and there is no problem; otherwise the problems (or the
    /// signatures that are not GOOD) say why not.
    fn conclude(
        &mut self,
        name: &str,
        mut att: SignerAttestation,
        folder: Folder,
    ) -> (SignerAttestation, Option<Attested>) {
        let Folder {
            digests,
            mut problems,
            every_doc_good,
            folder_key,
        } = folder;
        if every_doc_good && problems.is_empty() {
            att.counts = true;
            if let Some(k) = folder_key {
                self.seen_keys.push((k, name.to_string()));
            }
            for r in att.signatures.iter_mut() {
                r.counts = r.verdict == Verdict::Good;
            }
            att.problem = None;
            return (att, Some(digests));
        }
        if problems.is_empty() {
            problems.push(
                att.signatures
                    .iter()
                    .filter(|r| r.verdict != Verdict::Good)
                    .map(|r| {
                        format!(
                            "{} {}: {}",
                            r.verdict,
                            r.file,
                            r.reason.clone().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        att.problem = (!problems.is_empty()).then(|| problems.join("; "));
        (att, None)
    }

    /// Judges every signature of `doc` (made over `data`) in `name`'s
    /// folder into `att`: a GOOD one by a key already counted for another
    /// folder is a DUPLICATE (one key votes once, whatever the folder is
    /// called); `folder_key` becomes the key of the last one that counts.
    /// Whether one counts.
    fn judge_signatures(
        &mut self,
        name: &String,
        doc: &Document,
        data: &[u8],
        att: &mut SignerAttestation,
        folder_key: &mut Option<String>,
    ) -> bool {
        let policy = self.policy;
        let mut doc_good = false;
        for p in &doc.signatures {
            let mut reports = verify_signature_file(p, data, policy, self.now);
            if self.reject_expired {
                crate::verify::apply_reject_expired(&mut reports);
            }
            for mut r in reports {
                r.file = format!("{name}/{}", r.file);
                r.claimed_signer = Some(name.clone());
                if r.verdict == Verdict::Good {
                    // The vote is the key's, whatever the folder is
                    // called (builders rename their folders): the
                    // report names both, and the key counts once.
                    if let Some(s) = &r.signer
                        && !policy.names_signer(s, name)
                    {
                        r.notes.push(format!(
                            "in {name:?}'s folder, made by the key pinned for {s:?}; it votes once, as {s:?}"
                        ));
                    }
                    let id = r
                        .signer
                        .as_deref()
                        .and_then(|n| crate::identity::class_of(policy, &self.classes, n))
                        .or_else(|| r.key_id.clone());
                    if let Some(other) = self
                        .seen_keys
                        .iter()
                        .find(|(k, n)| Some(k) == id.as_ref() && n != name)
                    {
                        r.verdict = Verdict::Duplicate;
                        r.reason = Some(format!(
                            "the same key already counted for {}; one key votes once",
                            other.1
                        ));
                    } else {
                        doc_good = true;
                        *folder_key = id;
                    }
                }
                att.signatures.push(r);
            }
        }
        doc_good
    }
}

/// What a signer's documents have shown so far (see
/// [`SignerCx::attest_signer`]).
struct Folder {
    /// Every digest the signer attests for a name, with the document
    /// that says it: two documents disagreeing is a conflict, never
    /// "first one wins".
    digests: Attested,
    problems: Vec<String>,
    every_doc_good: bool,
    /// The key of the last signature that counts.
    folder_key: Option<String>,
}

/// The checksum list a document holds: a gitian `.assert`'s out
/// manifest, a `SHA256SUMS` with its line endings normalized, else the
/// document itself; or the problem.
fn listed_of(doc_name: &str, data: &[u8]) -> Result<Vec<u8>, String> {
    if crate::gitian::is_assert(doc_name) {
        crate::gitian::out_manifest(data)
            .map(String::into_bytes)
            .map_err(|e| format!("{doc_name}: {e}"))
    } else if doc_name.ends_with("SHA256SUMS") {
        Ok(crate::verify::crlf_to_lf(data))
    } else {
        Ok(data.to_vec())
    }
}

/// The agreement of the counting signers on each artifact: digests grouped
/// by who attests them, the majority (none on a tie), who disagrees, who
/// lacks the artifact, who attests two digests for it.
fn agreement(counting: &[(String, &Attested)], threshold: usize) -> Vec<ArtifactAgreement> {
    let mut paths: BTreeMap<String, ()> = BTreeMap::new();
    for (_, m) in counting {
        for p in m.keys() {
            paths.insert(p.clone(), ());
        }
    }
    let mut artifacts = Vec::new();
    for path in paths.into_keys() {
        let mut groups: Vec<(Digest, Vec<String>)> = Vec::new();
        let mut absent = Vec::new();
        let mut conflicts = Vec::new();
        for (name, m) in counting {
            match m.get(&path).map(Vec::as_slice) {
                Some([(d, _)]) => match groups.iter_mut().find(|(g, _)| g == d) {
                    Some((_, v)) => v.push(name.clone()),
                    None => groups.push((*d, vec![name.clone()])),
                },
                Some(several) if several.len() > 1 => {
                    conflicts.push((name.clone(), several.to_vec()));
                }
                _ => absent.push(name.clone()),
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
            .chain(conflicts.iter().map(|(n, _)| n.clone()))
            .collect();
        disagree.sort();
        let support = groups.first().map(|g| g.1.len()).unwrap_or(0);
        artifacts.push(ArtifactAgreement {
            path,
            quorum_met: majority.is_some() && support >= threshold,
            digests: groups,
            majority,
            disagree,
            absent,
            conflicts,
        });
    }
    artifacts
}

/// Why the signer's `build.json` does not back their attestation, when it
/// is listed in what they signed: another file than the one listed, or a
/// signed version other than `version` (an attestation of another
/// release).
fn signed_build_json_problem(dir: &Path, digests: &Attested, version: &str) -> Option<String> {
    let bj = digests.get("build.json")?;
    match read_capped(&dir.join("build.json"), crate::verify::MAX_BUILD_JSON_BYTES) {
        Ok(bytes) if bj.len() == 1 && Digest::of_bytes(&bytes) == bj[0].0 => {
            match crate::verify::parse_signed_release(&bytes) {
                Ok(r) => r.version.filter(|v| v != version).map(|v| {
                    format!(
                        "its signed build.json says version {v}, not {version}: an attestation of another release (rollback?)"
                    )
                }),
                Err(e) => Some(format!("build.json: {e}")),
            }
        }
        Ok(_) => Some("build.json differs from the one its manifest lists".into()),
        Err(e) => Some(e.to_string()),
    }
}
