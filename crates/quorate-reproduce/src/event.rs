//! What a reproduction reports while it runs: one [`Event`] per thing done,
//! in order, to a [`Reporter`] that the caller implements (the command-line
//! program maps each event to a line; tests record them).
//!
//! The events carry typed data, never text to print, except
//! [`Event::Warning`]: a sentence the library composed (a departure from
//! the release's build, a program that does not hold a value).

use std::path::Path;

use quorate_attest::Policy;
use quorate_attest::attest::Added;
use quorate_attest::verify::ReleaseReport;
use quorate_manifest::Progress;
use quorate_release::toolchain::Toolchain;

use crate::foreign::XDefinition;
use crate::published::Published;
use crate::rebuild::Prepared;
use crate::recipe::Recipe;

/// Receives the events of a reproduction, and the progress of its long
/// work (hashing, building, comparing) through [`Progress`].
pub trait Reporter: Progress {
    /// One thing done or begun.
    fn event(&self, event: Event<'_>);
}

/// One step of a reproduction, in the order they come: reading the
/// release, the workspace, the clone, the verification, then either the
/// rebuild of a release quorate made or the recipe and rebuild of one it
/// did not, the comparison, and (when asked) the attestation.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// Reading the published release folder.
    ReadingRelease {
        /// The folder.
        dir: &'a Path,
    },
    /// The release folder is read (its warnings came before, as
    /// [`Event::Warning`]).
    ReleaseRead {
        /// What it holds.
        published: &'a Published,
    },
    /// A sentence worth a warning.
    Warning(&'a str),
    /// The temporary folder of the reproduction exists (a caller removes
    /// it if interrupted; it is removed when the reproduction is dropped).
    Workspace {
        /// The folder.
        path: &'a Path,
    },
    /// Cloning the source repository into the workspace.
    Cloning {
        /// The repository.
        source: &'a str,
        /// The tag or commit checked out.
        git_ref: &'a str,
    },
    /// The clone is checked out.
    CheckedOut {
        /// The commit.
        commit: &'a str,
    },
    /// The release is not verified (the caller asked): its signatures and
    /// files are taken on trust.
    NotVerifying,
    /// Verifying the published release against a policy.
    Verifying {
        /// The policy.
        policy: &'a Policy,
    },
    /// The verification's result (whether it passed or not).
    Verified {
        /// The report.
        report: &'a ReleaseReport,
    },
    /// The toolchain is patched: the rebuild is for investigation only.
    PatchedToolchain {
        /// The toolchain.
        toolchain: &'a Toolchain,
        /// Whether the rebuild follows a recipe read from the release (a
        /// release quorate did not make).
        from_recipe: bool,
    },
    /// Rebuilding a release quorate made, with the one build plan.
    Rebuilding {
        /// The plan and toolchain.
        prepared: &'a Prepared,
        /// Targets built at once.
        jobs: usize,
    },
    /// Reading the recipe of a release quorate did not make.
    ReadingRecipe {
        /// The release folder.
        release: &'a Path,
        /// The quorate.toml path that the commit does not have.
        config: &'a Path,
        /// The ref checked out.
        git_ref: &'a str,
    },
    /// The recipe is read (its warnings came before).
    RecipeRead {
        /// The recipe.
        recipe: &'a Recipe,
        /// The release folder.
        release: &'a Path,
    },
    /// An `-X` definition read from the source that the published program
    /// holds: the rebuild uses it.
    XDefinition {
        /// The definition and the file it comes from.
        definition: &'a XDefinition,
    },
    /// Rebuilding from the recipe.
    RebuildingRecipe {
        /// The recipe.
        recipe: &'a Recipe,
        /// The Go version.
        go: &'a str,
    },
    /// Comparing the published artifacts with the rebuild.
    Comparing {
        /// How many artifacts were published.
        artifacts: usize,
    },
    /// The attestation gate refused.
    NotAttesting {
        /// Why (a phrase).
        why: &'a str,
    },
    /// The attestation gate let a rebuild that differs through, because the
    /// caller forced it.
    ForcedAttestation,
    /// Signing the rebuilt manifest and adding it to the repository.
    Signing {
        /// The signer's name.
        signer: &'a str,
        /// The attestation repository.
        repo: &'a Path,
    },
    /// The attestation is written and committed.
    Attested {
        /// The signature file written.
        signature: &'a Path,
        /// What was committed.
        added: &'a Added,
        /// The attestation repository.
        repo: &'a Path,
        /// The version attested.
        version: &'a str,
    },
}
