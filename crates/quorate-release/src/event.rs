//! What a release build reports while it runs: one [`Event`] per thing
//! done, in order, to a [`Reporter`] the caller implements (the
//! command-line program maps each event to a line; tests record them).
//! The events carry typed data, never text to print.

use quorate_manifest::Progress;

use crate::build::Release;
use crate::check::CheckOutcome;
use crate::plan::Prepared;
use crate::toolchain::Toolchain;

/// Receives the events of a release build, and the progress of its long
/// work (copying, building, hashing) through [`Progress`].
pub trait Reporter: Progress {
    /// One thing done or begun.
    fn event(&self, event: Event<'_>);
}

/// One step of a release build, in the order they come: what the plan is
/// built from (warnings), the build, its publication, then with `--check`
/// the varied rebuild and its comparison.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The toolchain is patched: the build is for investigation, not for
    /// release.
    PatchedToolchain {
        /// The toolchain.
        toolchain: &'a Toolchain,
    },
    /// Tracked files are modified (`--allow-dirty`); `build.json` records
    /// it.
    DirtyTree,
    /// Building every target of the plan.
    Building {
        /// The plan and toolchain.
        prepared: &'a Prepared,
        /// Targets built at once.
        jobs: usize,
    },
    /// The release is in its dist folder.
    Published {
        /// Where, what, and whether an earlier build was replaced.
        release: &'a Release,
        /// The manifest's file name.
        manifest: &'a str,
    },
    /// Rebuilding under varied conditions (`--check`).
    Checking {
        /// What the second build varies, in words.
        variations: &'a [&'static str],
    },
    /// The two builds are compared.
    Checked {
        /// The comparison (and the kept second build when they differ).
        outcome: &'a CheckOutcome,
        /// How many artifacts the first build made.
        artifacts: usize,
    },
}
