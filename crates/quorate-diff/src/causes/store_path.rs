//! `patched-toolchain`, `nix-loader` and `build-path` from Nix store paths:
//! the region touches `/nix/store/<hash>-<package>…` (a hash or version
//! that differs between package sets), or a store path exists on one side
//! only (an official toolchain against a Nixpkgs-patched one), or a system
//! path (`/etc/services`, …) vanished on one side. The cause follows from
//! the kind of path ([`store_kind`]): glibc's loader is `nix-loader`, a
//! store path standing for a system file is `patched-toolchain`, anything
//! else (a source tree) is `build-path`. No list of packages is consulted.

use std::ops::Range;

use super::Rule;
use crate::classify::{Classified, RegionCtx, show, trim_nul};
use crate::model::{Cause, Confidence};
use crate::nixstore::{StoreKind, is_system_path, store_kind, store_paths};

/// The store path rule.
pub const RULE: Rule = Rule {
    name: "Nix store path",
    apply,
};

type StorePath = (Range<usize>, String, String);

fn cause_of(full: &str) -> Cause {
    match store_kind(full) {
        StoreKind::Loader => Cause::NixLoader,
        StoreKind::SystemFile => Cause::PatchedToolchain,
        StoreKind::Other => Cause::BuildPath,
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
    // Each store path's package folder (`<hash>-<name>-<version>`) becomes
    // one `*`: two package sets differ in the hash and often the version,
    // and the runs are otherwise equal.
    let mask = |s: &[u8], p: &[StorePath]| {
        let mut v = Vec::with_capacity(s.len());
        let mut at = 0;
        for (h, _, full) in p {
            let folder = full
                .get("/nix/store/".len()..)
                .and_then(|r| r.find('/'))
                .unwrap_or(full.len().saturating_sub("/nix/store/".len()));
            let end = (h.start + folder).min(s.len()).max(h.start);
            if h.start >= at {
                v.extend_from_slice(&s[at..h.start]);
                v.push(b'*');
                at = end;
            }
        }
        v.extend_from_slice(&s[at.min(s.len())..]);
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
        cause_of(&full_a),
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
    // The other side's value: the whole system path when the printable run
    // around the region is one (`/lib64/ld-linux-x86-64.so.2`, not `lib64`).
    let other = |run: &[u8], region: &[u8]| {
        let whole = trimmed(run);
        if is_system_path(&whole) {
            whole
        } else {
            trimmed(region)
        }
    };
    if pa.is_empty() != pb.is_empty() {
        let found = if pa.is_empty() {
            touching(pb, &r.b, cx.cb.start).map(|(_, pkg, full)| (pkg, other(cx.sa(), ra), full))
        } else {
            touching(pa, &r.a, cx.ca.start).map(|(_, pkg, full)| (pkg, full, other(cx.sb(), rb)))
        };
        if let Some((pkg, va, vb)) = found {
            let store = if pa.is_empty() { &vb } else { &va };
            let cause = cause_of(store);
            let none = |v: String| {
                if v.is_empty() {
                    "(no store path)".into()
                } else {
                    v
                }
            };
            return Some(Classified::new(
                cause,
                Confidence::High,
                Some(pkg),
                "Nix store path on one side only",
                none(va),
                none(vb),
            ));
        }
    }
    // "/etc/services" → "": a system path gone on one side (a patch put a
    // store path in its place, elsewhere in the string table).
    let (ta, tb) = (trimmed(ra), trimmed(rb));
    let gone = |x: &str, y: &str| is_system_path(x) && y.is_empty();
    if gone(&ta, &tb) || gone(&tb, &ta) {
        // No subject: the path is the evidence; the subjects of the
        // finding are the store packages that took its place.
        return Some(Classified::new(
            Cause::PatchedToolchain,
            Confidence::Medium,
            None,
            "system path on one side only",
            if ta.is_empty() { "(absent)".into() } else { ta },
            if tb.is_empty() { "(absent)".into() } else { tb },
        ));
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
                format!("/nix/store/{H1}-source/cmd/hello/main.go\0"),
                format!("/nix/store/{H2}-source/cmd/hello/main.go\0"),
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
            // A system path gone on one side.
            (
                "/etc/services\0".into(),
                "\0\0\0\0\0\0\0\0\0\0\0\0\0\0".into(),
                Cause::PatchedToolchain,
                Confidence::Medium,
                "(none)",
            ),
            // Two package sets: another hash and another version.
            (
                sp(H1, "tzdata-2025b"),
                sp(H2, "tzdata-2024a"),
                Cause::PatchedToolchain,
                Confidence::High,
                "tzdata",
            ),
            // A package no list names: still a store path standing for a
            // system file.
            (
                format!("/nix/store/{H1}-nss-cacert-3.101/etc/ssl/certs/ca-bundle.crt\0"),
                format!("/nix/store/{H2}-nss-cacert-3.101/etc/ssl/certs/ca-bundle.crt\0"),
                Cause::PatchedToolchain,
                Confidence::High,
                "nss-cacert",
            ),
            // The ELF interpreter: the system's loader against glibc's in
            // the store (a cgo binary linked by Nix's cc-wrapper).
            (
                "/lib64/ld-linux-x86-64.so.2\0".into(),
                format!("/nix/store/{H2}-glibc-2.40-66/lib/ld-linux-x86-64.so.2\0"),
                Cause::NixLoader,
                Confidence::High,
                "glibc",
            ),
            (
                format!("/nix/store/{H1}-glibc-2.39-52/lib/ld-linux-x86-64.so.2\0"),
                format!("/nix/store/{H2}-glibc-2.40-66/lib/ld-linux-x86-64.so.2\0"),
                Cause::NixLoader,
                Confidence::High,
                "glibc",
            ),
            // Another file of the package: not the same run.
            (
                format!("/nix/store/{H1}-tzdata-2025b/share/zoneinfo/\0"),
                format!("/nix/store/{H2}-tzdata-2024a/share/zonefile/\0"),
                Cause::PatchedToolchain,
                Confidence::Medium,
                "tzdata",
            ),
        ];
        for (a, b, cause, conf, subject) in cases {
            let got = run(&embed(a.as_bytes()), &embed(b.as_bytes()), ".rodata", false);
            // One region, or one per changed run (hash, version, file), each
            // explained the same way.
            assert!(!got.is_empty() && got.len() <= 3, "{a:?} vs {b:?}: {got:?}");
            for g in &got {
                assert_eq!(
                    (g.cause, g.confidence),
                    (cause, conf),
                    "{a:?} vs {b:?}: {got:?}"
                );
                assert_eq!(
                    g.subject.as_deref().unwrap_or("(none)"),
                    subject,
                    "{a:?} vs {b:?}: {got:?}"
                );
            }
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
