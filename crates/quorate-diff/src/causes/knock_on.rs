//! Knock-on effects in an executable: once a cause is known, the other
//! differing regions of the same executable that follow from it (shifted
//! offsets, pointers, code) are counted in one note instead of being
//! findings of their own.

use std::collections::BTreeMap;

use crate::model::{Cause, Observation};

/// What is known about the executable whose observations are sorted.
#[derive(Clone, Copy, Debug, Default)]
pub struct Known {
    /// Both sides were built with `-trimpath`: a differing absolute path
    /// is not a build path of theirs.
    pub trimpath_both: bool,
    /// The build info shows a build-level cause (a setting, the Go
    /// version, the main module): every section may differ.
    pub buildinfo_causes: bool,
}

/// True when `o` follows from the causes found (`explained`: some
/// observation of the executable has a cause other than `unexplained`).
pub fn is_knock_on(o: &Observation, explained: bool, k: Known) -> bool {
    (o.cause == Cause::Unexplained && explained)
        || (k.trimpath_both && o.cause == Cause::BuildPath && o.evidence.what == "absolute path")
        || (k.buildinfo_causes
            && matches!(o.cause, Cause::EmbeddedString | Cause::Unexplained)
            && o.evidence.what != "-X value")
}

/// Splits the observations of one executable into those kept and the
/// knock-on counts per place (the last component of the evidence path).
pub fn split(local: Vec<Observation>, k: Known) -> (Vec<Observation>, BTreeMap<String, usize>) {
    let explained = local.iter().any(|o| o.cause != Cause::Unexplained);
    let mut knock_on: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for o in local {
        if is_knock_on(&o, explained, k) {
            *knock_on
                .entry(o.evidence.path.last().cloned().unwrap_or_default())
                .or_default() += 1;
        } else {
            kept.push(o);
        }
    }
    (kept, knock_on)
}

/// The note that counts the knock-on regions, if any.
pub fn note(knock_on: &BTreeMap<String, usize>) -> Option<String> {
    if knock_on.is_empty() {
        return None;
    }
    let total: usize = knock_on.values().sum();
    let list: Vec<String> = knock_on
        .iter()
        .take(8)
        .map(|(k, v)| format!("{k} ({v})"))
        .collect();
    Some(format!(
        "{total} further differing regions follow from the causes above (shifted offsets, pointers, code): {}",
        list.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, Evidence};

    fn o(cause: Cause, what: &str, sec: &str) -> Observation {
        Observation {
            cause,
            confidence: Confidence::Medium,
            subject: None,
            file: "x".into(),
            evidence: Evidence {
                path: vec!["x".into(), sec.into()],
                offset_a: None,
                offset_b: None,
                what: what.into(),
                a: None,
                b: None,
            },
        }
    }

    #[test]
    fn cases() {
        let none = Known::default();
        let trim = Known {
            trimpath_both: true,
            ..none
        };
        let bi = Known {
            buildinfo_causes: true,
            ..none
        };
        // (observation, another cause explains, known, knock-on)
        let cases = [
            (o(Cause::Unexplained, "bytes", ".text"), true, none, true),
            (o(Cause::Unexplained, "bytes", ".text"), false, none, false),
            (
                o(Cause::BuildPath, "absolute path", ".rodata"),
                true,
                trim,
                true,
            ),
            (
                o(Cause::BuildPath, "absolute path", ".rodata"),
                true,
                none,
                false,
            ),
            (
                o(Cause::EmbeddedString, "string", ".rodata"),
                true,
                bi,
                true,
            ),
            (
                o(Cause::EmbeddedString, "-X value", ".rodata"),
                true,
                bi,
                false,
            ),
            (
                o(Cause::EmbeddedString, "string", ".rodata"),
                true,
                none,
                false,
            ),
            (
                o(Cause::PatchedToolchain, "Nix store path", ".rodata"),
                true,
                bi,
                false,
            ),
        ];
        for (obs, explained, k, want) in cases {
            assert_eq!(
                is_knock_on(&obs, explained, k),
                want,
                "{obs:?} {explained} {k:?}"
            );
        }
        let (kept, counts) = split(
            vec![
                o(Cause::GoVersion, "go version", "bi"),
                o(Cause::Unexplained, "bytes", ".text"),
                o(Cause::Unexplained, "bytes", ".text"),
            ],
            none,
        );
        assert_eq!(kept.len(), 1);
        assert_eq!(counts.get(".text"), Some(&2));
        assert!(
            note(&counts)
                .unwrap()
                .starts_with("2 further differing regions")
        );
    }
}
