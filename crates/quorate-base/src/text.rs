//! Wording shared by every message: counts with their noun, bytes in hex.

/// `n` and `noun`, with the noun in the plural unless `n` is one:
/// `count(1, "file")` is `1 file`, `count(3, "signature file")` is
/// `3 signature files`, `count(2, "entry")` is `2 entries`. For nouns whose
/// plural adds an `s`, or turns a `y` after a consonant into `ies`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// Every byte of `bytes` as two lowercase hex digits.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{count, hex};

    #[test]
    fn hex_digits() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn singular_and_plural() {
        assert_eq!(count(0, "file"), "0 files");
        assert_eq!(count(1, "signature file"), "1 signature file");
        assert_eq!(count(12, "reference"), "12 references");
        assert_eq!(count(2, "entry"), "2 entries");
        assert_eq!(count(1, "entry"), "1 entry");
        assert_eq!(count(3, "key"), "3 keys");
    }
}
