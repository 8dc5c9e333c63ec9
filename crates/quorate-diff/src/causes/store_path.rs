//! `patched-toolchain` and `build-path` from Nix store paths: the region
//! touches `/nix/store/<hash>-<package>…` (a hash that differs between
//! package sets), or a store path exists on one side only (an official
//! toolchain against a Nixpkgs-patched one), or a path the Nixpkgs patches
//! replace (`/etc/services`, …) vanished on one side. Store paths of the
//! packages the Go patches point into ([`TOOLCHAIN_PACKAGES`]) are the
//! patched toolchain; other store paths are build paths.

use std::ops::Range;

use super::Rule;
use crate::classify::{Classified, RegionCtx, show, trim_nul};
use crate::model::{Cause, Confidence};
use crate::nixstore::{PATCHED_AWAY, TOOLCHAIN_PACKAGES, store_paths};

/// The store path rule.
pub const RULE: Rule = Rule {
    name: "Nix store path",
    apply,
};

type StorePath = (Range<usize>, String, String);

fn cause_of(pkg: &str) -> Cause {
    if TOOLCHAIN_PACKAGES.contains(&pkg) {
        Cause::PatchedToolchain
    } else {
        Cause::BuildPath
    }
}

fn apply(cx: &RegionCtx) -> Option<Classified> {
    let (sa, sb) = (cx.sa(), cx.sb());
    let pa = store_paths(sa);
    let pb = store_paths(sb);
    both_sides(cx, &pa, &pb).or_else(|| one_side(cx, &pa, &pb))
}

/// A store path on both sides, differing in its hash (or around it).
fn both_sides(cx: &RegionCtx, pa: &[StorePath], pb: &[StorePath]) -> Option<Classified> {
    if pa.is_empty() || pb.is_empty() {
        return None;
    }
    let (r, ca, cb) = (cx.r, &cx.ca, &cx.cb);
    let mask = |s: &[u8], p: &[StorePath]| {
        let mut v = s.to_vec();
        for (h, _, _) in p {
            v[h.clone()].fill(b'*');
        }
        v
    };
    let near =
        |h: &Range<usize>| h.start <= r.a.end - ca.start && r.a.start - ca.start < h.end + 40;
    let overlaps = pa.iter().any(|(h, _, _)| near(h));
    let same_masked = mask(cx.sa(), pa) == mask(cx.sb(), pb);
    if !(same_masked || overlaps) {
        return None;
    }
    let conf = if same_masked {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let (_, pkg, full_a) = pa
        .iter()
        .find(|(h, _, _)| near(h))
        .unwrap_or(&pa[0])
        .clone();
    let rb = r.b.start.saturating_sub(cb.start)..r.b.end.saturating_sub(cb.start);
    let full_b = pb
        .iter()
        .find(|(h, p, _)| *p == pkg && h.start <= rb.end && rb.start < h.end + 40)
        .or_else(|| pb.iter().find(|(_, p, _)| *p == pkg))
        .map(|x| x.2.clone())
        .unwrap_or_else(|| pb[0].2.clone());
    Some(Classified::new(
        cause_of(&pkg),
        conf,
        Some(pkg),
        "Nix store path",
        full_a,
        full_b,
    ))
}

/// A store path on one side only, or a path the patch replaced gone on
/// one side.
fn one_side(cx: &RegionCtx, pa: &[StorePath], pb: &[StorePath]) -> Option<Classified> {
    let r = cx.r;
    // The store path (if any) that the changed bytes on one side touch.
    let touching = |p: &[StorePath], rr: &Range<usize>, c0: usize| {
        let rel = rr.start.saturating_sub(c0)..rr.end.saturating_sub(c0);
        p.iter()
            .find(|(h, _, full)| {
                let start = h.start.saturating_sub(b"/nix/store/".len());
                let end = start + full.len();
                rel.start <= end && start <= rel.end
            })
            .cloned()
    };
    let trimmed = |d: &[u8]| {
        let (s, e) = trim_nul(d);
        show(&d[s..e])
    };
    let (ra, rb) = (cx.ra(), cx.rb());
    if pa.is_empty() != pb.is_empty() {
        let found = if pa.is_empty() {
            touching(pb, &r.b, cx.cb.start).map(|(_, pkg, full)| (pkg, trimmed(ra), full))
        } else {
            touching(pa, &r.a, cx.ca.start).map(|(_, pkg, full)| (pkg, full, trimmed(rb)))
        };
        if let Some((pkg, va, vb)) = found {
            let none = |v: String| {
                if v.is_empty() {
                    "(no store path)".into()
                } else {
                    v
                }
            };
            return Some(Classified::new(
                cause_of(&pkg),
                Confidence::High,
                Some(pkg),
                "Nix store path on one side only",
                none(va),
                none(vb),
            ));
        }
    }
    // "/etc/services" → "" and the like: the patch replaced that path.
    let (ta, tb) = (trimmed(ra), trimmed(rb));
    for (path, pkg) in PATCHED_AWAY {
        if (ta == path && tb.is_empty()) || (tb == path && ta.is_empty()) {
            return Some(Classified::new(
                Cause::PatchedToolchain,
                Confidence::Medium,
                Some(pkg.to_string()),
                "path the Nixpkgs patch replaces",
                if ta.is_empty() { "(absent)".into() } else { ta },
                if tb.is_empty() { "(absent)".into() } else { tb },
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::table::{embed, run};
    use crate::model::{Cause, Confidence};

    const H1: &str = "2s4hpq73hn49jd84x976m3acp3rd3k1x";
    const H2: &str = "xhnb1d4wgj38xh383ys1byign0yhacqh";

    #[test]
    fn cases() {
        let sp = |h: &str, pkg: &str| format!("/nix/store/{h}-{pkg}/share/zoneinfo/\0");
        // (A, B, cause, confidence, subject)
        let cases: Vec<(String, String, Cause, Confidence, &str)> = vec![
            (
                sp(H1, "tzdata-2025b"),
                sp(H2, "tzdata-2025b"),
                Cause::PatchedToolchain,
                Confidence::High,
                "tzdata",
            ),
            (
                sp(H1, "iana-etc-20250108"),
                sp(H2, "iana-etc-20250108"),
                Cause::PatchedToolchain,
                Confidence::High,
                "iana-etc",
            ),
            // Another package: a build path (e.g. the source in the store).
            (
                sp(H1, "source"),
                sp(H2, "source"),
                Cause::BuildPath,
                Confidence::High,
                "source",
            ),
            // One side only: an official toolchain against a patched one.
            (
                "/usr/share/zoneinfo/\0".into(),
                sp(H2, "tzdata-2025b"),
                Cause::PatchedToolchain,
                Confidence::High,
                "tzdata",
            ),
            // The path the patch replaced, gone.
            (
                "/etc/services\0".into(),
                "\0\0\0\0\0\0\0\0\0\0\0\0\0\0".into(),
                Cause::PatchedToolchain,
                Confidence::Medium,
                "iana-etc",
            ),
        ];
        for (a, b, cause, conf, subject) in cases {
            let got = run(&embed(a.as_bytes()), &embed(b.as_bytes()), ".rodata", false);
            assert_eq!(got.len(), 1, "{a:?} vs {b:?}: {got:?}");
            assert_eq!(
                (got[0].cause, got[0].confidence),
                (cause, conf),
                "{a:?} vs {b:?}: {got:?}"
            );
            assert_eq!(got[0].subject.as_deref(), Some(subject));
        }
        // Not a store path: another rule's.
        let got = run(
            &embed(b"/nix/stor/x\0"),
            &embed(b"/nix/stor/y\0"),
            ".rodata",
            false,
        );
        assert_ne!(got[0].cause, Cause::PatchedToolchain);
    }
}
