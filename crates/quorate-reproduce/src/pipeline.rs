//! The whole reproduction, as one call: read the published release,
//! make the workspace, clone, verify (the gate: a release that does not
//! verify is not rebuilt), then rebuild a release quorate made with the
//! one build plan ([`reproduce`]) or one it did not from the recipe it
//! shows ([`foreign`]), place the rebuild, compare, explain, compose the
//! outcome and write `reproduce.json`. [`attest`] then signs and adds the
//! rebuild behind the attestation gate. Each step is reported as an
//! [`Event`]; nothing here prints.

pub mod foreign;

use std::path::{Path, PathBuf};
use std::time::Duration;

use quorate_attest::Policy;
use quorate_attest::attest::AttestationReport;
use quorate_attest::verify::{ReleaseReport, VerifyOptions, verify_release};
use quorate_diff::DiffOptions;
use quorate_release::build;

use crate::attest::{Gate, SigningKey, gate, sign_and_attest};
use crate::compare::{self, Inputs, Outcome};
use crate::event::{Event, Reporter};
use crate::foreign::ForeignOutcome;
use crate::published::{self, Published};
use crate::rebuild::{self, Prepared, ToolchainChoice};
use crate::source::{self, Checkout};
use crate::{REPORT_FILE, ReproduceError, Workspace};

/// What to reproduce, and how. Its [`Default`] verifies the published
/// release first (a library caller has to ask for no verification).
#[derive(Debug, Clone)]
pub struct Request {
    /// The published release folder.
    pub release: PathBuf,
    /// The source repository (a path or URL git can clone).
    pub source: String,
    /// The tag or commit to check out; the release's
    /// ([`Published::default_ref`]) when `None`.
    pub git_ref: Option<String>,
    /// The path of quorate.toml inside the repository.
    pub config: PathBuf,
    /// Whether to verify the published release first (the gate).
    pub verify: bool,
    /// The policy to verify against; quorate.toml's at the tag when `None`.
    pub policy: Option<PathBuf>,
    /// Where to put the rebuild (checked by [`check_out`]); it stays in
    /// the workspace when `None`.
    pub out: Option<PathBuf>,
    /// Whether the workspace is kept (then the outcome names the rebuild).
    pub keep: bool,
    /// Targets built at once (0 counts as 1).
    pub jobs: usize,
    /// A toolchain to use instead of the one found for the release.
    pub toolchain: Option<PathBuf>,
    /// Whether a patched toolchain may be used.
    pub allow_patched: bool,
    /// How long the explanation of one artifact may take.
    pub diff_timeout: Duration,
    /// Whether the rebuild is to be attested (refused at once for a
    /// release quorate did not make).
    pub attest: bool,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            release: PathBuf::new(),
            source: String::new(),
            git_ref: None,
            config: PathBuf::from("quorate.toml"),
            verify: true,
            policy: None,
            out: None,
            keep: false,
            jobs: 1,
            toolchain: None,
            allow_patched: false,
            diff_timeout: Duration::from_secs(60),
            attest: false,
        }
    }
}

/// How a reproduction ended.
#[derive(Debug)]
pub enum Reproduction {
    /// The published release did not verify: nothing was rebuilt.
    Refused(Box<ReleaseReport>),
    /// A release quorate made, rebuilt and compared.
    Quorate(Box<Done<Outcome>>),
    /// A release quorate did not make, rebuilt from its recipe and
    /// compared.
    Foreign(Box<Done<ForeignOutcome>>),
}

/// A finished rebuild and comparison.
#[derive(Debug)]
pub struct Done<T> {
    /// The outcome.
    pub outcome: T,
    /// The outcome as written to `reproduce.json` (pretty JSON, no final
    /// newline).
    pub json: String,
    /// Where the rebuild is (`--out`, else inside the workspace).
    pub rebuilt_dir: PathBuf,
    /// The clone.
    pub checkout: Checkout,
    /// The workspace (removed when dropped, unless kept).
    pub workspace: Workspace,
}

/// Refuses an `out` that holds something other than an earlier
/// reproduction; returns its (absolute) path.
pub fn check_out(out: &Path) -> Result<PathBuf, ReproduceError> {
    let out = std::path::absolute(out).map_err(crate::io(out))?;
    if out.exists() {
        let empty = std::fs::read_dir(&out)
            .map(|mut r| r.next().is_none())
            .unwrap_or(false);
        if !out.is_dir() || (!empty && !out.join(REPORT_FILE).is_file()) {
            return Err(ReproduceError::OutNotEmpty { path: out });
        }
    }
    Ok(out)
}

/// Runs the reproduction `req` asks for, reporting each step to `r`.
pub fn reproduce(req: &Request, r: &impl Reporter) -> Result<Reproduction, ReproduceError> {
    let published = read_published(&req.release, r)?;
    let ws = workspace_for(req.out.as_deref())?;
    r.event(Event::Workspace { path: ws.path() });
    let git_ref = req
        .git_ref
        .clone()
        .unwrap_or_else(|| published.default_ref());
    r.event(Event::Cloning {
        source: &req.source,
        git_ref: &git_ref,
    });
    let checkout = source::checkout(&req.source, &git_ref, &ws.src_dir())?;
    r.event(Event::CheckedOut {
        commit: &checkout.commit,
    });
    let verification = match verify(req, &checkout, r)? {
        Verification::Skipped => None,
        Verification::Verified(rep) => Some(*rep),
        Verification::Refused(rep) => return Ok(Reproduction::Refused(rep)),
    };
    let verified = Verified {
        req,
        published: &published,
        checkout,
        workspace: ws,
        verification,
    };
    if foreign::is_foreign(&published, &verified.checkout, &req.config) {
        return Ok(Reproduction::Foreign(Box::new(foreign::reproduce(
            verified, r,
        )?)));
    }
    Ok(Reproduction::Quorate(Box::new(rebuild_quorate(
        verified, r,
    )?)))
}

/// What the common part of [`reproduce`] has done before the rebuild.
struct Verified<'a> {
    req: &'a Request,
    published: &'a Published,
    checkout: Checkout,
    workspace: Workspace,
    verification: Option<ReleaseReport>,
}

impl Verified<'_> {
    /// The diff engine's options.
    fn diff_options(&self) -> DiffOptions {
        DiffOptions {
            timeout: self.req.diff_timeout.max(Duration::from_secs(1)),
            ..DiffOptions::default()
        }
    }

    /// Whether the rebuild outlives the reproduction (`--out` or kept).
    fn kept(&self) -> bool {
        self.req.out.is_some() || self.req.keep
    }

    /// Writes `outcome` as reproduce.json into `rebuilt_dir`; the finished
    /// reproduction.
    fn done<T: serde::Serialize>(
        self,
        outcome: T,
        rebuilt_dir: PathBuf,
    ) -> Result<Done<T>, ReproduceError> {
        let path = rebuilt_dir.join(REPORT_FILE);
        let cannot_write = |source| ReproduceError::Fs {
            path: path.clone(),
            action: "write",
            source,
        };
        let json = serde_json::to_string_pretty(&outcome)
            .map_err(|e| cannot_write(std::io::Error::other(e)))?;
        quorate_manifest::fsutil::write_atomic(&path, format!("{json}\n").as_bytes())
            .map_err(cannot_write)?;
        Ok(Done {
            outcome,
            json,
            rebuilt_dir,
            checkout: self.checkout,
            workspace: self.workspace,
        })
    }
}

/// Reads the published release folder.
fn read_published(release: &Path, r: &impl Reporter) -> Result<Published, ReproduceError> {
    r.event(Event::ReadingRelease { dir: release });
    let published = published::read(release)?;
    for w in &published.warnings {
        r.event(Event::Warning(w));
    }
    r.event(Event::ReleaseRead {
        published: &published,
    });
    Ok(published)
}

/// The workspace, beside `out` when given (so the rebuild can be renamed
/// there; its folder is made).
fn workspace_for(out: Option<&Path>) -> Result<Workspace, ReproduceError> {
    let parent = match out {
        Some(o) => {
            let p = o.parent().unwrap_or(Path::new("/")).to_path_buf();
            std::fs::create_dir_all(&p).map_err(|source| ReproduceError::Fs {
                path: p.clone(),
                action: "create",
                source,
            })?;
            Some(p)
        }
        None => None,
    };
    Workspace::new(parent.as_deref())
}

/// Puts the rebuild in `out` when given; returns where it is.
fn place_rebuild(built: &Path, out: Option<&Path>) -> Result<PathBuf, ReproduceError> {
    match out {
        Some(o) => {
            build::publish(built, o)?;
            Ok(o.to_path_buf())
        }
        None => Ok(built.to_path_buf()),
    }
}

/// The policy to verify against: `req.policy`, else quorate.toml's at the
/// checked-out commit.
pub fn load_policy(req: &Request, checkout: &Checkout) -> Result<Policy, ReproduceError> {
    match &req.policy {
        Some(p) => Ok(Policy::load(p)?),
        None => Policy::load(&checkout.dir.join(&req.config))
            .map_err(|e| ReproduceError::PolicyAtTag(Box::new(e))),
    }
}

/// What became of the verification of the published release.
enum Verification {
    /// Not asked.
    Skipped,
    /// It verified.
    Verified(Box<ReleaseReport>),
    /// It did not verify: nothing is rebuilt.
    Refused(Box<ReleaseReport>),
}

/// Verifies the published release against the policy (the gate).
fn verify(
    req: &Request,
    checkout: &Checkout,
    r: &impl Reporter,
) -> Result<Verification, ReproduceError> {
    if !req.verify {
        r.event(Event::NotVerifying);
        return Ok(Verification::Skipped);
    }
    let policy = load_policy(req, checkout)?;
    r.event(Event::Verifying { policy: &policy });
    let rep = verify_release(&req.release, &policy, VerifyOptions::default(), r)?;
    r.event(Event::Verified { report: &rep });
    Ok(if rep.ok {
        Verification::Verified(Box::new(rep))
    } else {
        Verification::Refused(Box::new(rep))
    })
}

/// The one build plan for the checkout, as the release's build.json says.
fn prepare(v: &Verified<'_>, r: &impl Reporter) -> Result<Prepared, ReproduceError> {
    let choice = ToolchainChoice {
        explicit: v.req.toolchain.clone(),
        allow_patched: v.req.allow_patched,
        gocache: None,
    };
    let prepared = rebuild::prepare(&v.checkout, &v.req.config, v.published, &choice)?;
    for w in &prepared.warnings {
        r.event(Event::Warning(w));
    }
    if !prepared.toolchain.is_official() {
        r.event(Event::PatchedToolchain {
            toolchain: &prepared.toolchain,
            from_recipe: false,
        });
    }
    r.event(Event::Rebuilding {
        prepared: &prepared,
        jobs: v.req.jobs.max(1),
    });
    Ok(prepared)
}

/// Rebuilds a release quorate made, compares, composes the outcome.
fn rebuild_quorate(v: Verified<'_>, r: &impl Reporter) -> Result<Done<Outcome>, ReproduceError> {
    let prepared = prepare(&v, r)?;
    let built = rebuild::build(&prepared, &v.workspace.work_dir(), v.req.jobs.max(1), r)?;
    let rebuilt_dir = place_rebuild(&built.out_dir, v.req.out.as_deref())?;
    r.event(Event::Comparing {
        artifacts: v.published.manifest.len(),
    });
    let mut outcome = compare::outcome(
        Inputs {
            published: v.published,
            checkout: &v.checkout,
            prepared: &prepared,
            rebuilt: &built.manifest,
            rebuilt_build: &built.info,
            rebuilt_dir: &rebuilt_dir,
            verification: v.verification.clone(),
        },
        &v.diff_options(),
        r,
    );
    if !v.kept() {
        outcome.rebuild_dir = None;
    }
    v.done(outcome, rebuilt_dir)
}

/// Who attests a rebuild, and how.
#[derive(Debug, Clone)]
pub struct Attestation<'a> {
    /// The attestation repository.
    pub repo: &'a Path,
    /// The signer's name.
    pub signer: &'a str,
    /// The key that signs.
    pub key: SigningKey,
    /// Whether a rebuild that differs is attested anyway.
    pub force: bool,
    /// The passphrase of an encrypted key.
    pub passphrase: Option<String>,
}

/// Signs the rebuilt manifest of `done` and adds it to the attestation
/// repository, behind the attestation gate ([`gate`]); whether it was
/// attested.
pub fn attest(
    done: &Done<Outcome>,
    a: &Attestation<'_>,
    r: &impl Reporter,
) -> Result<bool, ReproduceError> {
    let o = &done.outcome;
    match gate(o.toolchain.official, o.reproduced, a.force) {
        Gate::Refused(why) => {
            r.event(Event::NotAttesting { why });
            return Ok(false);
        }
        Gate::Forced => r.event(Event::ForcedAttestation),
        Gate::Attest => {}
    }
    r.event(Event::Signing {
        signer: a.signer,
        repo: a.repo,
    });
    let manifest = done.rebuilt_dir.join(format!("manifest-{}.txt", o.version));
    let (signature, added) = sign_and_attest(
        &manifest,
        &o.version,
        a.signer,
        &a.key,
        a.passphrase.as_deref(),
        a.repo,
    )?;
    r.event(Event::Attested {
        signature: &signature,
        added: &added,
        repo: a.repo,
        version: &o.version,
    });
    Ok(true)
}

/// The attestation repository's matrix for the version of `done`, under
/// the policy of the verification ([`load_policy`]).
pub fn attestation_matrix(
    req: &Request,
    done: &Done<Outcome>,
    repo: &Path,
) -> Result<AttestationReport, ReproduceError> {
    let policy = load_policy(req, &done.checkout)?;
    Ok(quorate_attest::attest::compare(
        repo,
        &done.outcome.version,
        &policy,
        &[],
        false,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorate_manifest::Progress;
    use std::sync::Mutex;

    /// Records the name of each event, and the workspace.
    #[derive(Default)]
    struct Log(Mutex<Vec<String>>, Mutex<Option<PathBuf>>);

    impl Progress for Log {}

    impl Reporter for Log {
        fn event(&self, event: Event<'_>) {
            if let Event::Workspace { path } = event {
                *self.1.lock().unwrap() = Some(path.to_path_buf());
            }
            let text = format!("{event:?}");
            let name = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_string();
            self.0.lock().unwrap().push(name);
        }
    }

    /// A release folder (a manifest of one file, no signature, no
    /// build.json) and a source repository tagged v1 without quorate.toml.
    fn release_and_source(d: &Path) -> Request {
        let release = d.join("release");
        std::fs::create_dir(&release).unwrap();
        std::fs::write(release.join("hello"), b"hello\n").unwrap();
        let digest = quorate_manifest::Digest::of_bytes(b"hello\n");
        std::fs::write(
            release.join("manifest-v1.txt"),
            format!("{digest}  hello\n"),
        )
        .unwrap();
        let repo = d.join("repo");
        std::fs::create_dir(&repo).unwrap();
        std::fs::write(repo.join("README"), "x\n").unwrap();
        crate::test_support::commit_and_tag_v1(&repo);
        Request {
            release,
            source: repo.display().to_string(),
            config: "quorate.toml".into(),
            jobs: 1,
            ..Request::default()
        }
    }

    /// A release that does not verify (no signature of the one pinned
    /// key): the events stop at the verdict, nothing is rebuilt and the
    /// workspace is gone.
    #[test]
    fn a_release_that_does_not_verify_is_not_rebuilt() {
        let d = tempfile::tempdir().unwrap();
        let mut req = release_and_source(d.path());
        assert!(req.verify, "verifying is the default");
        let policy = d.path().join("policy.toml");
        std::fs::write(
            &policy,
            "threshold = 1\n[[signer]]\nname = 'a'\nssh = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOvHB0AumLcyOMF7d9x+RjHMitWC9RLR3GERE22IOcKM'\n",
        )
        .unwrap();
        req.verify = true;
        req.policy = Some(policy);
        let log = Log::default();
        let r = reproduce(&req, &log).unwrap();
        let Reproduction::Refused(rep) = r else {
            panic!("rebuilt a release that does not verify: {r:?}")
        };
        assert!(!rep.ok && !rep.quorum.met);
        assert_eq!(
            *log.0.lock().unwrap(),
            [
                "ReadingRelease",
                "Warning",
                "ReleaseRead",
                "Workspace",
                "Cloning",
                "CheckedOut",
                "Verifying",
                "Verified",
            ]
        );
        let ws = log.1.lock().unwrap().clone().unwrap();
        assert!(!ws.exists(), "{} is left behind", ws.display());
    }

    /// Unverified, a release quorate did not make cannot be attested: the
    /// refusal comes before its recipe is read.
    #[test]
    fn attesting_a_foreign_release_is_refused_before_its_recipe() {
        let d = tempfile::tempdir().unwrap();
        let mut req = release_and_source(d.path());
        req.verify = false;
        req.attest = true;
        let log = Log::default();
        let e = reproduce(&req, &log).unwrap_err();
        assert!(matches!(e, ReproduceError::NotAttestable), "{e}");
        let log = log.0.lock().unwrap();
        assert_eq!(
            log[log.len() - 2..],
            ["CheckedOut".to_string(), "NotVerifying".to_string()]
        );
        assert!(!log.iter().any(|e| e == "ReadingRecipe"), "{log:?}");
    }
}
