//! How `quorate` exits: one enum for every command.

use std::process::ExitCode;

/// The outcome of a command, as its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// 0: success.
    Success,
    /// 1: the check ran and failed (mismatch, quorum not met, builds
    /// differ).
    Failure,
    /// 2: quorate could not do its job (bad input, I/O, missing tool).
    Error,
    /// 130: interrupted (Ctrl-C, SIGTERM), as shells report SIGINT.
    Interrupted,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
            ExitStatus::Interrupted => 130,
        }
    }

    /// Success when `ok`, else failure.
    pub fn check(ok: bool) -> Self {
        if ok {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(s.code())
    }
}
