//! [`Hint`] (defined in `quorate-base`) for this crate's errors.

pub use quorate_base::Hint;

impl Hint for crate::ManifestError {
    fn hint(&self) -> Option<String> {
        None
    }
}

impl Hint for crate::tree::TreeError {
    fn hint(&self) -> Option<String> {
        None
    }
}
