//! Nix store paths in bytes: where they are, which package they name, and
//! the packages (and paths) the Nixpkgs Go patches point into the store.

use std::ops::Range;

const NIX_BASE32: &[u8] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Store paths in `s`: (hash range, package name without version, full path).
pub fn store_paths(s: &[u8]) -> Vec<(Range<usize>, String, String)> {
    let pat = b"/nix/store/";
    let mut out = Vec::new();
    let mut i = 0;
    while i + pat.len() + 33 <= s.len() {
        if &s[i..i + pat.len()] == pat {
            let h = i + pat.len();
            if s[h..h + 32].iter().all(|c| NIX_BASE32.contains(c)) && s[h + 32] == b'-' {
                let n0 = h + 33;
                let mut n1 = n0;
                while n1 < s.len() && (s[n1].is_ascii_alphanumeric() || b"+._?=-".contains(&s[n1]))
                {
                    n1 += 1;
                }
                let mut e = n1;
                while e < s.len()
                    && (s[e].is_ascii_alphanumeric() || b"+._-/".contains(&s[e]))
                    && e - i < 200
                {
                    e += 1;
                }
                // Go packs strings without separators: end the path after
                // the file the Nixpkgs patches point at, when it is one.
                for tail in [
                    &b"/share/zoneinfo/"[..],
                    b"/etc/services",
                    b"/etc/protocols",
                    b"/etc/mime.types",
                ] {
                    if let Some(at) = s[n1..e].windows(tail.len()).position(|w| w == tail) {
                        e = n1 + at + tail.len();
                        break;
                    }
                }
                let name = String::from_utf8_lossy(&s[n0..n1]).into_owned();
                out.push((
                    h..h + 32,
                    package_name(&name),
                    String::from_utf8_lossy(&s[i..e]).into_owned(),
                ));
                i = n1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// `tzdata-2025b` → `tzdata`, `iana-etc-20250108` → `iana-etc`.
fn package_name(name: &str) -> String {
    let mut parts = Vec::new();
    for p in name.split('-') {
        if p.starts_with(|c: char| c.is_ascii_digit()) && !parts.is_empty() {
            break;
        }
        parts.push(p);
    }
    parts.join("-")
}

/// Packages the Nixpkgs Go patches point into the store.
pub const TOOLCHAIN_PACKAGES: [&str; 3] = ["tzdata", "iana-etc", "mailcap"];

/// Paths the Nixpkgs Go patches replace with store paths, and the package
/// each one's replacement points into.
pub const PATCHED_AWAY: [(&str, &str); 4] = [
    ("/etc/services", "iana-etc"),
    ("/etc/protocols", "iana-etc"),
    ("/etc/mime.types", "mailcap"),
    ("/usr/share/zoneinfo/", "tzdata"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_path_parts() {
        let s = b"xx/nix/store/2s4hpq73hn49jd84x976m3acp3rd3k1x-tzdata-2025b/share/zoneinfo/\x00";
        let p = store_paths(s);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].1, "tzdata");
        assert!(p[0].2.ends_with("/share/zoneinfo/"));
        assert_eq!(package_name("iana-etc-20250108"), "iana-etc");
        assert_eq!(package_name("mailcap-2.1.54"), "mailcap");
    }
}
