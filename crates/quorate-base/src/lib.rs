//! The base every quorate stage stands on, so each job is done once:
//!
//! - [`git`]: the one way quorate runs `git`, with one environment policy
//!   (the user's config, `GIT_DIR` and friends never change what is read);
//! - [`fsutil`]: capped reads of regular files, atomic writes, containment;
//! - [`time`]: UTC dates and civil-calendar arithmetic without a calendar
//!   dependency;
//! - [`hint`]: what the user can do about an error, kept apart from its
//!   message (library errors implement [`Hint`]; the CLI renders it);
//! - [`progress`]: how long-running library work reports progress without
//!   printing;
//! - [`text`]: wording shared by messages (counts with their noun);
//! - `testing` (feature `test-support`, for other crates' unit tests):
//!   helpers those tests share.
//!
//! Library code here never prints.

pub mod fsutil;
pub mod git;
pub mod hint;
pub mod progress;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod text;
pub mod time;

pub use hint::Hint;
pub use progress::{NoProgress, Progress};
