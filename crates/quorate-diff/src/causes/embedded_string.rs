//! `embedded-string`: outside machine code, a short run of printable
//! bytes changed, grew or vanished (NUL padding aside): a string the build
//! embeds (`-X main.version=…`). [`pair_moved`] joins a string that left
//! one place and arrived at another (the linker sorts strings by length).

use super::Rule;
use crate::classify::{Classified, RegionCtx, printable, show, trim_nul};
use crate::model::{Cause, Confidence, Observation};

/// The embedded string rule.
pub const RULE: Rule = Rule {
    name: "embedded string",
    apply,
};

fn apply(cx: &RegionCtx) -> Option<Classified> {
    let (ra, rb) = (cx.ra(), cx.rb());
    let (ta, tb) = (trim_nul(ra), trim_nul(rb));
    let (ta, tb) = (&ra[ta.0..ta.1], &rb[tb.0..tb.1]);
    let all_printable = ta.iter().chain(tb).all(|&c| printable(c));
    let long_enough = ta.len().max(tb.len()) >= 2 || (cx.ca.len() >= 4 && cx.cb.len() >= 4);
    if cx.code || !all_printable || !long_enough || ra.len().max(rb.len()) > 160 {
        return None;
    }
    let subject = format!("{:?} → {:?}", show(ta), show(tb));
    let ctx = |whole: &[u8], t: &[u8]| {
        if t.is_empty() || whole.iter().all(|&c| printable(c)) {
            show(whole)
        } else {
            show(t)
        }
    };
    Some(Classified::new(
        Cause::EmbeddedString,
        Confidence::Medium,
        Some(subject),
        "string",
        ctx(cx.sa(), ta),
        ctx(cx.sb(), tb),
    ))
}

/// Offsets of a region on each side.
pub type Offsets = (Option<u64>, Option<u64>);

/// A string that moved: one region lost it (`"x" → ""`), another gained
/// the new one (`"" → "y"`). When there is exactly one of each, they are
/// one observation (`"x" → "y"`, "string (moved)").
pub fn pair_moved(out: &mut Vec<(Classified, Offsets)>) {
    let is = |c: &Classified, f: &dyn Fn(&str) -> bool| {
        c.cause == Cause::EmbeddedString && c.subject.as_deref().is_some_and(f)
    };
    let gone: Vec<usize> = (0..out.len())
        .filter(|&i| is(&out[i].0, &|s| s.ends_with("→ \"\"")))
        .collect();
    let came: Vec<usize> = (0..out.len())
        .filter(|&i| is(&out[i].0, &|s| s.starts_with("\"\" →")))
        .collect();
    if gone.len() != 1 || came.len() != 1 {
        return;
    }
    let (g, c) = (gone[0], came[0]);
    let subj_a = out[g].0.subject.clone().unwrap_or_default();
    let subj_b = out[c].0.subject.clone().unwrap_or_default();
    let subject = format!(
        "{} → {}",
        subj_a.trim_end_matches(" → \"\""),
        subj_b.trim_start_matches("\"\" → ")
    );
    let moved = Classified::new(
        Cause::EmbeddedString,
        Confidence::Medium,
        Some(subject),
        "string (moved)",
        out[g].0.a.clone(),
        out[c].0.b.clone(),
    );
    out[g] = (moved, (out[g].1.0, out[c].1.1));
    out.remove(c);
}

/// When the build info names the `-X` values that differ, the strings
/// found in the bytes that hold one of them (the value itself, the build
/// info's own `-ldflags` line) are evidence of that `-X` value: they keep
/// their place as evidence but name no subject of their own.
pub fn fold_into_x_values(obs: &mut [Observation]) {
    let values: Vec<String> = obs
        .iter()
        .filter(|o| o.cause == Cause::EmbeddedString && o.evidence.what == "-X value")
        .flat_map(|o| [o.evidence.a.clone(), o.evidence.b.clone()])
        .flatten()
        .filter(|v| v.len() >= 2)
        .collect();
    if values.is_empty() {
        return;
    }
    let holds = |v: &Option<String>| {
        v.as_deref().is_some_and(|t| {
            !t.is_empty()
                && values
                    .iter()
                    .any(|x| t.contains(x.as_str()) || x.contains(t))
        })
    };
    for o in obs.iter_mut() {
        if o.cause == Cause::EmbeddedString
            && o.evidence.what.starts_with("string")
            && (holds(&o.evidence.a) || holds(&o.evidence.b))
        {
            o.subject = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::{embed, run};
    use super::*;

    /// A, B, in code, cause of the first region, subject.
    type Case<'a> = (&'a [u8], &'a [u8], bool, Cause, Option<&'a str>);

    #[test]
    fn cases() {
        let cases: &[Case] = &[
            (
                b"version v1\0",
                b"version v1-dirty\0",
                false,
                Cause::EmbeddedString,
                Some("\"\" → \"-dirty\""),
            ),
            (
                b"abc\0\0\0",
                b"xyz\0\0\0",
                false,
                Cause::EmbeddedString,
                Some("\"abc\" → \"xyz\""),
            ),
            // In machine code, printable bytes are not a string.
            (b"abc\0\0\0", b"xyz\0\0\0", true, Cause::Unexplained, None),
            // Not printable.
            (
                b"\x01\x02\x03",
                b"\x04\x05\x06",
                false,
                Cause::Unexplained,
                None,
            ),
        ];
        for (a, b, code, want, subject) in cases {
            let got = run(&embed(a), &embed(b), ".rodata", *code);
            assert_eq!(got[0].cause, *want, "{a:?} vs {b:?}: {got:?}");
            assert_eq!(
                got[0].subject.as_deref(),
                *subject,
                "{a:?} vs {b:?}: {got:?}"
            );
        }
    }

    #[test]
    fn strings_holding_an_x_value_name_no_subject() {
        use crate::model::Evidence;
        let o = |what: &str, a: &str, b: &str| Observation {
            cause: Cause::EmbeddedString,
            confidence: Confidence::Medium,
            subject: Some(format!("{a} → {b}")),
            file: "x".into(),
            evidence: Evidence {
                path: vec!["x".into()],
                offset_a: None,
                offset_b: None,
                what: what.into(),
                a: Some(a.into()),
                b: Some(b.into()),
            },
        };
        // (string evidence A, B, keeps its subject)
        let cases = [
            ("1.0", "\\x00(", false),
            ("E_L", "1.0.0-longer", false),
            (
                "-X main.version=1.0\"",
                "-X main.version=1.0.0-longer\"",
                false,
            ),
            ("other", "thing", true),
        ];
        for (a, b, keeps) in cases {
            let mut v = vec![o("-X value", "1.0", "1.0.0-longer"), o("string", a, b)];
            fold_into_x_values(&mut v);
            assert!(v[0].subject.is_some());
            assert_eq!(v[1].subject.is_some(), keeps, "{a} {b}");
        }
    }

    #[test]
    fn moved_string_is_one_observation() {
        let c = |s: &str, a: &str, b: &str| {
            Classified::new(
                Cause::EmbeddedString,
                Confidence::Medium,
                Some(s.into()),
                "string",
                a.into(),
                b.into(),
            )
        };
        let mut out = vec![
            (c("\"v1\" → \"\"", "v1", ""), (Some(10), Some(10))),
            (
                c("\"\" → \"v1-dirty\"", "", "v1-dirty"),
                (Some(90), Some(95)),
            ),
        ];
        pair_moved(&mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0.subject.as_deref(), Some("\"v1\" → \"v1-dirty\""));
        assert_eq!(out[0].0.what, "string (moved)");
        assert_eq!(out[0].1, (Some(10), Some(95)));
        // Two gone, one came: not paired.
        let mut out = vec![
            (c("\"a\" → \"\"", "a", ""), (None, None)),
            (c("\"b\" → \"\"", "b", ""), (None, None)),
            (c("\"\" → \"c\"", "", "c"), (None, None)),
        ];
        pair_moved(&mut out);
        assert_eq!(out.len(), 3);
    }
}
