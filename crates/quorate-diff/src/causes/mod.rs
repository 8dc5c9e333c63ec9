//! The cause rules for differing bytes, one per file. Each rule looks at
//! one differing region ([`RegionCtx`]) and either names its cause
//! ([`Classified`]) or passes; [`RULES`] is the order they are tried in
//! (the first that knows a region wins), and [`unexplained`] is what is
//! left. Each file holds its rule and a table of cases it must (and must
//! not) match.
//!
//! Rules over a whole executable rather than one region (knock-on
//! effects, a string that moved, data displaced by a longer string) are
//! in [`knock_on`], [`embedded_string::pair_moved`] and [`displacement`].
//!
//! Causes found from a container's structure (archive headers, gzip
//! fields, build info, section tables) are not here: the walk knows the
//! structure and names them directly (see `engine/`).

use crate::bytediff::Region;
use crate::classify::{Classified, RegionCtx};

pub mod build_path;
pub mod displacement;
pub mod embedded_string;
pub mod go_build_id;
pub mod knock_on;
pub mod store_path;
pub mod unexplained;

/// A cause rule for one differing region.
pub struct Rule {
    /// What the rule recognises (for docs and tests).
    pub name: &'static str,
    /// The rule: the region's cause, or None to pass it on.
    pub apply: fn(&RegionCtx) -> Option<Classified>,
}

/// The region rules, in the order they are tried.
pub const RULES: &[Rule] = &[
    go_build_id::SECTION,
    go_build_id::STRING,
    store_path::RULE,
    build_path::RULE,
    displacement::RULE,
    embedded_string::RULE,
];

/// Classifies one differing region: the first rule of [`RULES`]
/// that knows it, else `unexplained`.
pub fn classify(a: &[u8], b: &[u8], r: &Region, section: &str, code: bool) -> Classified {
    classify_in(&RegionCtx::new(a, b, r, section, code))
}

/// [`classify`] for a region whose context is built already.
pub fn classify_in(cx: &RegionCtx) -> Classified {
    RULES
        .iter()
        .find_map(|rule| (rule.apply)(cx))
        .unwrap_or_else(|| unexplained::bytes(cx))
}

#[cfg(test)]
pub(crate) mod table {
    //! Helpers for the rule tables: a case is two byte strings with one
    //! differing region, run through [`super::classify`].

    use super::classify_in;
    use crate::bytediff::{Region, diff_regions};
    use crate::classify::{Classified, RegionCtx};

    /// Classifies every differing region of `a` against `b` (in `section`
    /// of an executable whose data moved).
    pub fn run(a: &[u8], b: &[u8], section: &str, code: bool) -> Vec<Classified> {
        run_in(a, b, section, code, true)
    }

    /// [`run`], saying whether data moved in the executable.
    pub fn run_in(
        a: &[u8],
        b: &[u8],
        section: &str,
        code: bool,
        displaced: bool,
    ) -> Vec<Classified> {
        let far = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let (regions, _) = diff_regions(a, b, far, 100);
        regions
            .iter()
            .map(|r: &Region| classify_in(&RegionCtx::in_exe(a, b, r, section, code, displaced)))
            .collect()
    }

    /// `s` placed in the middle of a fixed filler (so the region has
    /// context on both sides, as in a real section).
    pub fn embed(s: &[u8]) -> Vec<u8> {
        let fill = |n: usize| {
            (0..n)
                .map(|i| (i * 7 % 251) as u8 | 0x80)
                .collect::<Vec<u8>>()
        };
        let mut v = fill(300);
        v.extend_from_slice(s);
        v.extend(fill(300));
        v
    }
}
