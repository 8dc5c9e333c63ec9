//! `build-path`: the region lies inside an absolute path, and the paths
//! on both sides have the same shape (`/home/alice/…` vs `/home/bob/…`, or
//! `…/a/main.go` vs `…/b/main.go`): the build ran in another folder
//! without `-trimpath`.

use std::ops::Range;

use super::Rule;
use crate::classify::{Classified, RegionCtx, show};
use crate::model::{Cause, Confidence};

/// The absolute path rule.
pub const RULE: Rule = Rule {
    name: "absolute path",
    apply,
};

fn apply(cx: &RegionCtx) -> Option<Classified> {
    let (a, b, r) = (cx.a, cx.b, cx.r);
    let ta = abs_path_token(a, &r.a)?;
    let tb = abs_path_token(b, &r.b)?;
    if !same_path_shape(&a[ta.clone()], &b[tb.clone()]) {
        return None;
    }
    Some(Classified::new(
        Cause::BuildPath,
        Confidence::Medium,
        None,
        "absolute path",
        show(&a[ta]),
        show(&b[tb]),
    ))
}

fn path_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._-+/@~:\\".contains(&c)
}

/// The path-like token around `r`, if it looks like an absolute path.
fn abs_path_token(d: &[u8], r: &Range<usize>) -> Option<Range<usize>> {
    let mut s = r.start.min(d.len());
    let mut e = r.end.min(d.len());
    if d[s..e].iter().any(|&c| !path_char(c)) {
        return None;
    }
    while s > 0 && r.start - s < 256 && path_char(d[s - 1]) {
        s -= 1;
    }
    while e < d.len() && e - r.end < 256 && path_char(d[e]) {
        e += 1;
    }
    // Start at the first '/' (or a drive letter) of the token.
    let tok = &d[s..e];
    let first = tok.iter().position(|&c| c == b'/').or_else(|| {
        tok.windows(3)
            .position(|w| w[0].is_ascii_alphabetic() && w[1] == b':' && w[2] == b'\\')
    })?;
    let start = s + first;
    if start > r.start {
        return None;
    }
    let seps = d[start..e]
        .iter()
        .filter(|&&c| c == b'/' || c == b'\\')
        .count();
    (seps >= 2).then_some(start..e)
}

/// Two paths that differ in the middle: a common prefix with at least two
/// separators (`/home/alice/…` vs `/home/bob/…`), or a common suffix with one
/// (`…/a/main.go` vs `…/b/main.go`).
fn same_path_shape(a: &[u8], b: &[u8]) -> bool {
    let sep = |c: &u8| *c == b'/' || *c == b'\\';
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a[..p].iter().filter(|c| sep(c)).count() >= 2 || a[a.len() - s..].iter().any(sep)
}

#[cfg(test)]
mod tests {
    use super::super::table::{embed, run};
    use crate::model::Cause;

    #[test]
    fn cases() {
        // (A, B, cause of the first region)
        let cases: &[(&str, &str, Cause)] = &[
            (
                "/home/alice/src/main.go\0",
                "/home/bob/src/main.go\0",
                Cause::BuildPath,
            ),
            ("/tmp/a/main.go\0", "/tmp/bb/main.go\0", Cause::BuildPath),
            (
                "C:\\Users\\ann\\src\\x.go\0",
                "C:\\Users\\bo\\src\\x.go\0",
                Cause::BuildPath,
            ),
            // A path inside a relative one still counts from its first `/`.
            ("src/a/main.go\0", "src/b/main.go\0", Cause::BuildPath),
            // Not paths of one shape: no separator, two unrelated paths.
            ("main-a.go\0", "main-b.go\0", Cause::EmbeddedString),
            ("/usr/lib/x\0", "/opt/y\0", Cause::EmbeddedString),
        ];
        for (a, b, want) in cases {
            let got = run(&embed(a.as_bytes()), &embed(b.as_bytes()), ".rodata", false);
            assert_eq!(got[0].cause, *want, "{a:?} vs {b:?}: {got:?}");
        }
    }
}
