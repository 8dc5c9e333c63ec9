//! The whole release build, as one call: plan the project, build every
//! target into a work folder, publish it in `dist/<version>/`, and with a
//! [`Check`] rebuild it under varied conditions and compare
//! ([`crate::check`]). Each step is reported as an [`Event`]; nothing here
//! prints.

use std::path::PathBuf;

use crate::build::{self, BuildError, Release};
use crate::check::{self, CheckError, CheckOutcome};
use crate::event::{Event, Reporter};
use crate::plan::{self, PrepareError, Prepared, ProjectOptions, ToolchainChoice};

/// What to build, and how.
#[derive(Debug, Clone)]
pub struct Request {
    /// The project (config, version, SOURCE_DATE_EPOCH, dirty tree).
    pub project: ProjectOptions,
    /// Which toolchain.
    pub toolchain: ToolchainChoice,
    /// Only plan: return the plan, build nothing.
    pub plan_only: bool,
    /// Where releases go (absolute); `dist/` beside the config when `None`.
    pub dist: Option<PathBuf>,
    /// Targets built at once (0 counts as 1).
    pub jobs: usize,
    /// Rebuild under varied conditions and compare (`--check`).
    pub check: Option<Check>,
}

/// How `--check` runs its varied build.
#[derive(Debug, Clone)]
pub struct Check {
    /// The quorate executable run as the varied build's child process (see
    /// [`check::varied_rebuild`]).
    pub program: PathBuf,
}

/// How a release build ended.
#[derive(Debug)]
pub enum Outcome {
    /// Planned only ([`Request::plan_only`]).
    Planned(Box<Prepared>),
    /// Built and published (and checked when asked).
    Built(Box<Done>),
}

/// A published release build.
#[derive(Debug)]
pub struct Done {
    /// The plan it followed.
    pub prepared: Prepared,
    /// The release in its dist folder.
    pub release: Release,
    /// The comparison with the varied build, when asked.
    pub check: Option<CheckOutcome>,
}

/// Why a release build failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The project could not be planned.
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    /// The build failed; nothing was published.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The varied build could not be run or compared.
    #[error(transparent)]
    Check(#[from] CheckError),
}

impl quorate_manifest::Hint for Error {
    fn hint(&self) -> Option<String> {
        match self {
            Error::Prepare(e) => e.hint(),
            Error::Build(e) => e.hint(),
            Error::Check(e) => e.hint(),
        }
    }
}

/// Plans, builds and publishes the release `req` asks for, reporting each
/// step to `r`.
pub fn build(req: &Request, r: &impl Reporter) -> Result<Outcome, Error> {
    let p = plan::prepare_project(&req.project, &req.toolchain)?;
    if !p.toolchain.patched.is_empty() {
        r.event(Event::PatchedToolchain {
            toolchain: &p.toolchain,
        });
    }
    if p.state.dirty {
        r.event(Event::DirtyTree);
    }
    if req.plan_only {
        return Ok(Outcome::Planned(Box::new(p)));
    }
    let jobs = req.jobs.max(1);
    let dist_root = req.dist.clone().unwrap_or_else(|| p.dir.join("dist"));
    r.event(Event::Building { prepared: &p, jobs });
    let release = build::build_into(&p, &dist_root, jobs, r)?;
    r.event(Event::Published {
        release: &release,
        manifest: &p.plan.manifest,
    });
    let check = match &req.check {
        None => None,
        Some(c) => {
            let variations = check::variations(check::separate_gocache().is_some());
            r.event(Event::Checking {
                variations: &variations,
            });
            let outcome = check::varied_rebuild(&p, &release.built.manifest, jobs, &c.program)?;
            r.event(Event::Checked {
                outcome: &outcome,
                artifacts: release.built.manifest.len(),
            });
            Some(outcome)
        }
    };
    Ok(Outcome::Built(Box::new(Done {
        prepared: p,
        release,
        check,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Records the events' names.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl quorate_manifest::Progress for Recorder {}

    impl Reporter for Recorder {
        fn event(&self, event: Event<'_>) {
            let name = format!("{event:?}");
            let name = name.split([' ', '(', '{']).next().unwrap_or("").to_string();
            self.0.lock().unwrap().push(name);
        }
    }

    fn request(config: PathBuf) -> Request {
        Request {
            project: ProjectOptions {
                config,
                version: None,
                source_date_epoch: None,
                allow_dirty: false,
            },
            toolchain: ToolchainChoice::default(),
            plan_only: false,
            dist: None,
            jobs: 1,
            check: None,
        }
    }

    #[test]
    fn a_missing_config_fails_before_any_event_with_its_hint() {
        let d = tempfile::tempdir().unwrap();
        let r = Recorder::default();
        let err = build(&request(d.path().join("quorate.toml")), &r).unwrap_err();
        assert!(
            matches!(err, Error::Prepare(PrepareError::NoConfig(_))),
            "{err}"
        );
        assert!(
            err.to_string().ends_with("quorate.toml: no such file"),
            "{err}"
        );
        use quorate_manifest::Hint;
        assert!(err.hint().unwrap().contains("quorate init"));
        assert!(r.0.lock().unwrap().is_empty());
    }
}
