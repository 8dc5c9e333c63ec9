//! How long-running library work reports progress without printing.
//!
//! Library crates never write to the terminal. Work that takes a while takes
//! a `&dyn Progress`; the command-line program implements it with progress
//! bars on a terminal and nothing when piped. Tests use [`NoProgress`].

/// Receives progress events from long-running work. All methods default to
/// doing nothing, so an implementation only overrides what it shows.
pub trait Progress: Sync {
    /// A new phase begins: `what` names it, `total` is its size in units
    /// (bytes, files, targets) or 0 when unknown.
    fn begin(&self, what: &str, total: u64) {
        let _ = (what, total);
    }
    /// Like [`Progress::begin`], for a phase counted in items (targets,
    /// files, artifacts) rather than bytes, so that it is shown as `3/8`.
    fn begin_items(&self, what: &str, total: u64) {
        self.begin(what, total);
    }
    /// `n` more units of the current phase are done.
    fn advance(&self, n: u64) {
        let _ = n;
    }
    /// The current phase is over.
    fn end(&self) {}
    /// A one-line message about what is happening now (a step of a plan).
    fn note(&self, message: &str) {
        let _ = message;
    }
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {}
