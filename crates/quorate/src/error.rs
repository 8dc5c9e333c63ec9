//! Errors with hints, rendered in one place: the cause first (and what
//! caused it), then each hint as `hint: …`.
//!
//! Library errors say what to do through [`quorate_manifest::Hint`]; the
//! CLI's own errors through [`Hinted`] (made with [`hinted`] or
//! [`ResultExt::hint`]). [`render`] walks the error chain, asks each error
//! for its hint ([`hint_of`]), and prints the messages, then the hints.

use std::fmt;

use quorate_manifest::Hint;

/// An error message with a hint, or a hint added to another error (then
/// the message is empty and the error is its source).
#[derive(Debug)]
pub struct Hinted {
    message: String,
    hint: String,
    source: Option<anyhow::Error>,
}

impl fmt::Display for Hinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Hinted {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
}

impl Hint for Hinted {
    fn hint(&self) -> Option<String> {
        Some(self.hint.clone())
    }
}

/// An error saying `message`, with `hint` as the next step.
pub fn hinted(message: impl fmt::Display, hint: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Hinted {
        message: message.to_string(),
        hint: hint.to_string(),
        source: None,
    })
}

/// Adds a hint to the error of a `Result`.
pub trait ResultExt<T> {
    /// Keeps the error as it is and adds `hint` as the next step.
    fn hint(self, hint: impl fmt::Display) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> ResultExt<T> for Result<T, E> {
    fn hint(self, hint: impl fmt::Display) -> anyhow::Result<T> {
        self.map_err(|e| {
            anyhow::Error::new(Hinted {
                message: String::new(),
                hint: hint.to_string(),
                source: Some(e.into()),
            })
        })
    }
}

/// The hint of one error of a chain, if its type has one.
fn hint_of(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    macro_rules! hints_of {
        ($($t:ty),* $(,)?) => {$(
            if let Some(x) = e.downcast_ref::<$t>() {
                return x.hint();
            }
        )*};
    }
    hints_of!(
        Hinted,
        quorate_release::config::ConfigError,
        quorate_release::config::InvalidConfig,
        quorate_release::init::InitError,
        quorate_release::gitsrc::GitError,
        quorate_release::toolchain::ToolchainError,
        quorate_release::build::BuildError,
        quorate_release::archive::ArchiveError,
        quorate_release::plan::PrepareError,
        quorate_release::pipeline::Error,
        quorate_release::check::CheckError,
        quorate_reproduce::ReproduceError,
        quorate_reproduce::recipe::RecipeError,
        quorate_attest::AttestError,
        quorate_manifest::ManifestError,
    );
    None
}

/// The error as the user reads it: `<prefix> <message>`, each cause that
/// adds something as `  caused by: …`, then every hint (once) as
/// `hint: …`, the innermost cause's first (the most specific step, then
/// what the callers add). Lines that a message still starts with `hint: ` (from a
/// crate that has not typed its hints yet) are moved to the hints too.
pub fn render(prefix: &str, err: &anyhow::Error) -> String {
    let mut msg = String::new();
    // Per cause, outermost first.
    let mut per_cause: Vec<Vec<String>> = Vec::new();
    for cause in err.chain() {
        let mut own: Vec<String> = Vec::new();
        let mut text = Vec::new();
        for l in cause.to_string().lines() {
            match l.strip_prefix("hint: ") {
                Some(h) => own.push(h.to_string()),
                None => text.push(l.to_string()),
            }
        }
        if let Some(h) = hint_of(cause) {
            own.extend(h.lines().map(str::to_string));
        }
        per_cause.push(own);
        let text = text.join("\n");
        if text.is_empty() {
            continue;
        }
        if msg.is_empty() {
            msg = format!("{prefix} {text}");
        } else if !msg.contains(&text) {
            // Library errors often repeat their source in their own
            // message; show a cause only when it adds something.
            msg.push_str(&format!("\n  caused by: {text}"));
        }
    }
    let mut hints: Vec<String> = Vec::new();
    for h in per_cause.into_iter().rev().flatten() {
        if !h.is_empty() && !hints.contains(&h) {
            hints.push(h);
        }
    }
    for h in hints {
        msg.push_str(&format!("\nhint: {h}"));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn cause_first_then_hints() {
        let inner: anyhow::Result<()> = Err(anyhow::anyhow!("a: No such file"));
        let e = inner
            .context("comparing a with b")
            .hint("give two files")
            .unwrap_err();
        assert_eq!(
            render("error:", &e),
            "error: comparing a with b\n  caused by: a: No such file\nhint: give two files"
        );
    }

    #[test]
    fn library_hints_come_after_every_cause() {
        let e = anyhow::Error::new(quorate_release::gitsrc::GitError::NoTag {
            dir: "/x".into(),
            commit: "abc".into(),
        })
        .context("building");
        let text = render("error:", &e);
        assert!(
            text.starts_with("error: building\n  caused by: /x: HEAD (abc) has no tag"),
            "{text}"
        );
        assert!(text.ends_with("\nhint: tag it (`git tag v0.1.0`) or pass --version"));
    }

    #[test]
    fn embedded_hint_lines_move_to_the_end_once() {
        let e = hinted("bad input\nhint: one", "one");
        assert_eq!(render("error:", &e), "error: bad input\nhint: one");
    }
}
