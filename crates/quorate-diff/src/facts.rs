//! Facts about one differing file, for views that show it (the HTML
//! report): its kind, the sections on each side, the Go build info, and
//! the differing regions located section by section (bounded in number
//! and time).

use std::ops::Range;
use std::time::Instant;

use crate::bytediff::{Region, diff_regions};
use crate::detect::Kind;
use crate::executable::{SecInfo, buildinfo_hint, sections};
use crate::gobuild::{self, BuildInfo};

/// Everything computed about one file.
pub struct FileFacts<'d> {
    /// The kind of side A.
    pub kind: Kind,
    /// The sections of side A (executables only).
    pub secs_a: Vec<SecInfo<'d>>,
    /// The sections of side B.
    pub secs_b: Vec<SecInfo<'d>>,
    /// The differing regions, as file offsets, sorted.
    pub regions: Vec<Region>,
    /// False when the regions are partial (the bound or the deadline).
    pub complete: bool,
    /// The Go build info of side A, if any.
    pub bi_a: Option<BuildInfo>,
    /// The Go build info of side B.
    pub bi_b: Option<BuildInfo>,
}

/// The facts of `a` against `b`: at most `max_regions` regions, located
/// until `deadline`.
pub fn file_facts<'d>(
    a: &'d [u8],
    b: &'d [u8],
    deadline: Instant,
    max_regions: usize,
) -> FileFacts<'d> {
    let kind = Kind::of(a);
    let parse = |d: &'d [u8]| -> Vec<SecInfo<'d>> {
        if !kind.is_exe() {
            return Vec::new();
        }
        match object::File::parse(d) {
            Ok(f) => sections(&f, d),
            Err(_) => Vec::new(),
        }
    };
    let (secs_a, secs_b) = (parse(a), parse(b));
    let bi = |d: &'d [u8], s: &[SecInfo<'d>]| -> Option<BuildInfo> {
        if !kind.is_exe() {
            return None;
        }
        gobuild::read(d, buildinfo_hint(s)).and_then(Result::ok)
    };
    let (bi_a, bi_b) = (bi(a, &secs_a), bi(b, &secs_b));
    let (regions, complete) = if a == b {
        (Vec::new(), true)
    } else if Instant::now() >= deadline {
        (Vec::new(), false)
    } else if secs_a.is_empty() || secs_b.is_empty() {
        diff_regions(a, b, deadline, max_regions)
    } else {
        locate(a, b, &secs_a, &secs_b, deadline, max_regions)
    };
    FileFacts {
        kind,
        secs_a,
        secs_b,
        regions,
        complete,
        bi_a,
        bi_b,
    }
}

/// The parts of a file no section covers: header, gaps, tail.
fn gaps(len: usize, secs: &[SecInfo]) -> Vec<Range<usize>> {
    let mut v: Vec<Range<usize>> = secs
        .iter()
        .filter(|s| !s.data.is_empty())
        .filter_map(|s| {
            let st = usize::try_from(s.file_off).ok()?;
            Some(st.min(len)..st.saturating_add(s.data.len()).min(len))
        })
        .collect();
    v.sort_by_key(|r| r.start);
    let mut out = Vec::new();
    let mut at = 0;
    for r in v {
        if r.start > at {
            out.push(at..r.start);
        }
        at = at.max(r.end);
    }
    if at < len {
        out.push(at..len);
    }
    out
}

/// Differing regions of two executables, section by section (equal
/// sections cost one comparison), then the parts between sections.
fn locate(
    a: &[u8],
    b: &[u8],
    secs_a: &[SecInfo],
    secs_b: &[SecInfo],
    deadline: Instant,
    max: usize,
) -> (Vec<Region>, bool) {
    let mut out: Vec<Region> = Vec::new();
    let mut complete = true;
    let mut pairs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for sa in secs_a.iter().filter(|s| !s.data.is_empty()) {
        let Some(sb) = secs_b
            .iter()
            .find(|s| s.name == sa.name && !s.data.is_empty())
        else {
            continue;
        };
        if sa.data == sb.data {
            continue;
        }
        let (Ok(oa), Ok(ob)) = (usize::try_from(sa.file_off), usize::try_from(sb.file_off)) else {
            continue;
        };
        pairs.push((oa..oa + sa.data.len(), ob..ob + sb.data.len()));
    }
    let (ga, gb) = (gaps(a.len(), secs_a), gaps(b.len(), secs_b));
    for (x, y) in ga.into_iter().zip(gb) {
        pairs.push((x, y));
    }
    // Each differing area gets a fair share of the regions.
    pairs.retain(|(ra, rb)| a.get(ra.clone()) != b.get(rb.clone()));
    let share = (max / pairs.len().max(1)).max(16);
    for (ra, rb) in pairs {
        let (Some(da), Some(db)) = (a.get(ra.clone()), b.get(rb.clone())) else {
            continue;
        };
        if out.len() >= max || Instant::now() >= deadline {
            complete = false;
            break;
        }
        let (mut v, c) = diff_regions(da, db, deadline, share.min(max - out.len()));
        complete &= c && v.len() < share;
        v.truncate(share);
        out.extend(v.into_iter().map(|r| Region {
            a: r.a.start + ra.start..r.a.end + ra.start,
            b: r.b.start + rb.start..r.b.end + rb.start,
        }));
    }
    out.sort_by_key(|r| (r.a.start, r.b.start));
    out.truncate(max);
    (out, complete)
}
