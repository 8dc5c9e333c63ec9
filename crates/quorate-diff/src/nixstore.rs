//! Nix store paths in bytes: where they are, which package they name, and
//! what kind of path each one is.
//!
//! The kind is read from the path itself, not from a list of packages: a
//! store path whose remainder is an FHS location (`etc/…`, `share/…`,
//! `lib/…`) stands where an unpatched program has a system path
//! (`/etc/services`, `/usr/share/zoneinfo/`); one ending in glibc's loader
//! (`lib/ld-linux-x86-64.so.2`) is an ELF interpreter; anything else (a
//! source tree, a module cache) is where the build ran.

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
                // a system file the Go standard library itself looks up
                // (its zoneinfo folder, services, protocols, MIME types),
                // when it is one. Display only: the kind of the path does
                // not depend on it.
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

/// What a store path stands for, judged from the path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// glibc's loader (`…/lib/ld-linux-x86-64.so.2`, `…/lib/ld-musl-….so.1`):
    /// an ELF interpreter.
    Loader,
    /// A file an FHS system keeps under `/etc`, `/usr/share` or `/usr/lib`:
    /// the store path stands where an unpatched program names a system
    /// path (a patched toolchain put it there).
    SystemFile,
    /// Anything else: a source tree, a module cache, a package root.
    Other,
}

/// The kind of store path `full` (`/nix/store/<hash>-<name>[/<rest>]`),
/// from what follows the package folder.
pub fn store_kind(full: &str) -> StoreKind {
    let rest = full
        .strip_prefix("/nix/store/")
        .and_then(|r| r.split_once('/'))
        .map_or("", |(_, rest)| rest);
    let mut parts = rest.split('/');
    let (first, file) = (
        parts.next().unwrap_or(""),
        rest.rsplit('/').next().unwrap_or(""),
    );
    match first {
        "lib" | "lib64" if file.starts_with("ld-") && file.contains(".so") => StoreKind::Loader,
        "etc" | "share" | "lib" | "lib64" if parts.next().is_some_and(|p| !p.is_empty()) => {
            StoreKind::SystemFile
        }
        _ => StoreKind::Other,
    }
}

/// True for an absolute path an FHS system keeps its own files under
/// (`/etc/…`, `/usr/share/…`, `/lib64/ld-linux-x86-64.so.2`): what a
/// system-file store path replaces.
pub fn is_system_path(path: &str) -> bool {
    ["/etc/", "/usr/share/", "/usr/lib/", "/lib/", "/lib64/"]
        .iter()
        .any(|p| path.starts_with(p) && path.len() > p.len())
}

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

    #[test]
    fn kinds_come_from_the_path() {
        let h = "/nix/store/2s4hpq73hn49jd84x976m3acp3rd3k1x";
        for (rest, kind) in [
            ("-glibc-2.40-66/lib/ld-linux-x86-64.so.2", StoreKind::Loader),
            (
                "-glibc-2.39-52/lib/ld-linux-aarch64.so.1",
                StoreKind::Loader,
            ),
            ("-musl-1.2.5/lib/ld-musl-x86_64.so.1", StoreKind::Loader),
            ("-tzdata-2024a/share/zoneinfo/", StoreKind::SystemFile),
            ("-iana-etc-20240318/etc/services", StoreKind::SystemFile),
            ("-mailcap-2.1.53/etc/mime.types", StoreKind::SystemFile),
            (
                "-nss-cacert-3.101/etc/ssl/certs/ca-bundle.crt",
                StoreKind::SystemFile,
            ),
            ("-source/cmd/main.go", StoreKind::Other),
            ("-hello-go-modules/github.com/x/y", StoreKind::Other),
            ("-iana-etc-20240318", StoreKind::Other),
            ("-foo/share", StoreKind::Other),
        ] {
            assert_eq!(store_kind(&format!("{h}{rest}")), kind, "{rest}");
        }
        assert!(is_system_path("/etc/services"));
        assert!(is_system_path("/usr/share/zoneinfo/"));
        assert!(is_system_path("/lib64/ld-linux-x86-64.so.2"));
        assert!(!is_system_path("/etc/"));
        assert!(!is_system_path("/home/u/src/main.go"));
        assert!(!is_system_path("/build/source/main.go"));
    }
}
