//! What classifying one differing region works with: its context
//! ([`RegionCtx`]), the result ([`Classified`]) and the byte helpers the
//! rules share. The rules themselves, and `classify` that tries them in
//! order, are in [`crate::causes`] (this module does not depend on them).

use std::ops::Range;

use crate::bytediff::Region;
use crate::model::{Cause, Confidence};

/// What one differing region is, as a rule saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    /// The cause.
    pub cause: Cause,
    /// How sure the rule is.
    pub confidence: Confidence,
    /// What it is about (a package, a string, a section), naming the
    /// finding's subjects.
    pub subject: Option<String>,
    /// What the values are (`string`, `Nix store path`, `bytes`, …).
    pub what: &'static str,
    /// The value on side A.
    pub a: String,
    /// The value on side B.
    pub b: String,
}

impl Classified {
    /// A classification.
    pub fn new(
        cause: Cause,
        confidence: Confidence,
        subject: Option<String>,
        what: &'static str,
        a: String,
        b: String,
    ) -> Self {
        Classified {
            cause,
            confidence,
            subject,
            what,
            a,
            b,
        }
    }
}

/// One differing region and what surrounds it: the input of every rule.
pub struct RegionCtx<'d> {
    /// Side A (the whole section or file).
    pub a: &'d [u8],
    /// Side B.
    pub b: &'d [u8],
    /// The differing region.
    pub r: &'d Region,
    /// The section it lies in (empty outside executables).
    pub section: &'d str,
    /// True in machine code.
    pub code: bool,
    /// True when data moved in the executable being compared (its size or
    /// a common section's size differs): pointers and offsets past the
    /// move change with it.
    pub displaced: bool,
    /// The printable run around the region on side A (up to 160 bytes each side).
    pub ca: Range<usize>,
    /// The same on side B.
    pub cb: Range<usize>,
}

impl<'d> RegionCtx<'d> {
    /// The context of `r` in `a` and `b`.
    pub fn new(a: &'d [u8], b: &'d [u8], r: &'d Region, section: &'d str, code: bool) -> Self {
        Self::in_exe(a, b, r, section, code, false)
    }

    /// The context of `r` in an executable's section (`displaced`: data
    /// moved in that executable).
    pub fn in_exe(
        a: &'d [u8],
        b: &'d [u8],
        r: &'d Region,
        section: &'d str,
        code: bool,
        displaced: bool,
    ) -> Self {
        RegionCtx {
            a,
            b,
            r,
            section,
            code,
            displaced,
            ca: context(a, &r.a, 160),
            cb: context(b, &r.b, 160),
        }
    }

    /// The printable context on side A.
    pub fn sa(&self) -> &'d [u8] {
        &self.a[self.ca.clone()]
    }

    /// The printable context on side B.
    pub fn sb(&self) -> &'d [u8] {
        &self.b[self.cb.clone()]
    }

    /// The differing bytes on side A.
    pub fn ra(&self) -> &'d [u8] {
        &self.a[self.r.a.clone()]
    }

    /// The differing bytes on side B.
    pub fn rb(&self) -> &'d [u8] {
        &self.b[self.r.b.clone()]
    }
}

/// Printable ASCII (and tab).
pub fn printable(c: u8) -> bool {
    (0x20..0x7f).contains(&c) || c == b'\t'
}

/// The printable run around `r` (up to `cap` bytes each side).
pub fn context(d: &[u8], r: &Range<usize>, cap: usize) -> Range<usize> {
    let mut s = r.start.min(d.len());
    let mut e = r.end.min(d.len());
    while s > 0 && r.start - s < cap && printable(d[s - 1]) {
        s -= 1;
    }
    while e < d.len() && e - r.end < cap && printable(d[e]) {
        e += 1;
    }
    s..e
}

/// Bytes as text: printable as is, the rest `\xNN`; at most 240 bytes.
pub fn show(d: &[u8]) -> String {
    let mut s = String::new();
    for &c in d.iter().take(240) {
        if printable(c) {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    if d.len() > 240 {
        s.push('…');
    }
    s
}

/// `d` without its leading and trailing NUL bytes: (start, end).
pub fn trim_nul(d: &[u8]) -> (usize, usize) {
    let s = d.iter().position(|&c| c != 0).unwrap_or(d.len());
    let e = d.iter().rposition(|&c| c != 0).map(|e| e + 1).unwrap_or(s);
    (s, e.max(s))
}
