//! What the user can do about an error, kept apart from its message.
//!
//! A library error's message says what went wrong (naming the file
//! concerned); its [`Hint`] says what to do next. The CLI renders both in
//! one place: the cause first, then each hint line as `hint: …`.

/// An error that can say what the user can do about it.
pub trait Hint {
    /// The next step(s), one per line and without a `hint:` prefix; `None`
    /// when there is nothing useful to suggest.
    fn hint(&self) -> Option<String>;
}
