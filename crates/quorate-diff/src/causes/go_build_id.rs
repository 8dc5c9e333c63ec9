//! `go-build-id`: the region lies in a build ID note (ELF `.note.go.buildid`,
//! `.note.gnu.build-id`), or in the `Go build ID: "…"` string the linker
//! writes at the start of the text.

use super::Rule;
use crate::classify::{Classified, RegionCtx, show};
use crate::model::{Cause, Confidence};

/// A region inside a build ID note section.
pub const SECTION: Rule = Rule {
    name: "build ID note section",
    apply: in_note,
};

/// A region inside the `Go build ID: "…"` string.
pub const STRING: Rule = Rule {
    name: "Go build ID string",
    apply: in_string,
};

fn in_note(cx: &RegionCtx) -> Option<Classified> {
    let section = cx.section;
    if !(section.contains("buildid") || section.contains("build-id")) {
        return None;
    }
    let what = if section.contains("gnu") {
        "GNU build ID note (derived from the Go build ID)"
    } else {
        "Go build ID note"
    };
    Some(Classified::new(
        Cause::GoBuildId,
        Confidence::High,
        Some(section.to_string()),
        what,
        show(cx.ra()),
        show(cx.rb()),
    ))
}

const BID: &[u8] = b"Go build ID: \"";

fn has(s: &[u8], p: &[u8]) -> bool {
    s.windows(p.len()).any(|w| w == p)
}

fn in_string(cx: &RegionCtx) -> Option<Classified> {
    let (sa, sb) = (cx.sa(), cx.sb());
    if !(has(sa, BID) || has(sb, BID)) {
        return None;
    }
    let id = |s: &[u8]| {
        if has(s, BID) {
            let at = s.windows(BID.len()).position(|w| w == BID).unwrap_or(0);
            let rest = &s[at..];
            let end = rest
                .iter()
                .skip(BID.len())
                .position(|&c| c == b'"')
                .map(|e| e + BID.len() + 1)
                .unwrap_or(rest.len());
            show(&rest[..end])
        } else {
            "(no Go build ID)".to_string()
        }
    };
    Some(Classified::new(
        Cause::GoBuildId,
        Confidence::High,
        Some(cx.section.to_string()),
        "Go build ID string",
        id(sa),
        id(sb),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::table::{embed, run};
    use crate::model::Cause;

    #[test]
    fn cases() {
        // (A, B, section, cause of the first region)
        let cases: &[(&[u8], &[u8], &str, Cause)] = &[
            (
                b"\x01\x02\x03\x04",
                b"\x09\x08\x07\x06",
                ".note.go.buildid",
                Cause::GoBuildId,
            ),
            (
                b"\x01\x02\x03\x04",
                b"\x09\x08\x07\x06",
                ".note.gnu.build-id",
                Cause::GoBuildId,
            ),
            (
                b"Go build ID: \"abc/def\"\n",
                b"Go build ID: \"xyz/uvw\"\n",
                ".text",
                Cause::GoBuildId,
            ),
            // Not a build ID: some other note, some other string.
            (
                b"\x01\x02\x03\x04",
                b"\x09\x08\x07\x06",
                ".note.other",
                Cause::Unexplained,
            ),
            (
                b"Go version: \"abc\"",
                b"Go version: \"xyz\"",
                ".rodata",
                Cause::EmbeddedString,
            ),
        ];
        for (a, b, sec, want) in cases {
            let got = run(&embed(a), &embed(b), sec, false);
            assert_eq!(got[0].cause, *want, "{a:?} vs {b:?} in {sec}: {got:?}");
        }
        let got = run(
            &embed(b"Go build ID: \"abc/def\""),
            &embed(b"Go build ID: \"xyz/uvw\""),
            ".text",
            true,
        );
        assert_eq!(got[0].a, "Go build ID: \"abc/def\"");
    }
}
