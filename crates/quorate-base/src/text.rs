//! Wording shared by every message: counts with their noun.

/// `n` and `noun`, with the noun in the plural unless `n` is one:
/// `count(1, "file")` is `1 file`, `count(3, "signature file")` is
/// `3 signature files`. For nouns whose plural adds an `s`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn singular_and_plural() {
        assert_eq!(count(0, "file"), "0 files");
        assert_eq!(count(1, "signature file"), "1 signature file");
        assert_eq!(count(12, "reference"), "12 references");
    }
}
