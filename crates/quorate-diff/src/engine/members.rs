//! What tar and zip comparisons share: members paired by name and
//! occurrence (the second `x` with the second `x`, so `diff A B` and
//! `diff B A` see the same pairs), member order, one-sided members and
//! duplicates, what follows a container's end, and how values are shown.
//! Every byte of both sides is accounted for: each part of an archive is
//! equal, explained by a finding, or reported as `unexplained` with its
//! offset.

use std::collections::{BTreeMap, BTreeSet};

use super::Engine;
use crate::archive::{self, display_name};
use crate::causes::embedded_string::Offsets;
use crate::model::{Cause, Confidence};
use crate::tarfmt;

/// Offsets in a container, for evidence.
pub(super) fn off(a: Option<usize>, b: Option<usize>) -> Offsets {
    (a.map(|x| x as u64), b.map(|x| x as u64))
}

/// Keys pairing members: (name, occurrence), the n-th `x` with the n-th `x`.
pub(super) fn keys(names: &[&[u8]]) -> Vec<(Vec<u8>, usize)> {
    let mut seen: BTreeMap<&[u8], usize> = BTreeMap::new();
    names
        .iter()
        .map(|n| {
            let i = seen.entry(n).or_default();
            *i += 1;
            (n.to_vec(), *i)
        })
        .collect()
}

/// Per name, its copies on each side; and the names shown for the members
/// of each side: the same whichever side is A (`x (copy 2)` when a name is
/// held more than once on either side).
#[allow(clippy::type_complexity)]
pub(super) fn shown<'k>(
    ka: &'k [(Vec<u8>, usize)],
    kb: &'k [(Vec<u8>, usize)],
) -> (BTreeMap<&'k [u8], (usize, usize)>, Vec<String>, Vec<String>) {
    let mut count: BTreeMap<&[u8], (usize, usize)> = BTreeMap::new();
    for k in ka {
        count.entry(&k.0).or_default().0 += 1;
    }
    for k in kb {
        count.entry(&k.0).or_default().1 += 1;
    }
    let show = |k: &(Vec<u8>, usize)| {
        let (x, y) = count.get(k.0.as_slice()).copied().unwrap_or((1, 1));
        if x.max(y) > 1 {
            format!("{} (copy {})", display_name(&k.0), k.1)
        } else {
            display_name(&k.0)
        }
    };
    let sa = ka.iter().map(show).collect();
    let sb = kb.iter().map(show).collect();
    (count, sa, sb)
}

/// A value for evidence: printable text as is, else hex.
pub(super) fn value(v: &[u8]) -> String {
    if v.iter().all(|&c| (0x20..0x7f).contains(&c)) {
        format!("{:?}", String::from_utf8_lossy(v))
    } else {
        format!("0x{}", archive::hex(v))
    }
}

/// A header field for evidence: its text up to the NUL, or all of its
/// bytes in hex when the texts are equal (bytes hidden after the NUL).
pub(super) fn field_value(x: &[u8], y: &[u8], first: bool) -> String {
    let (cx, cy) = (tarfmt::cstr(x), tarfmt::cstr(y));
    let v = if first { x } else { y };
    if cx == cy {
        format!("0x{}", archive::hex(v))
    } else {
        value(tarfmt::cstr(v))
    }
}

/// Describes a tail of bytes (data after an end record).
pub(super) fn tail_value(t: &[u8]) -> String {
    if t.is_empty() {
        return "(none)".into();
    }
    if t.iter().all(|&c| c == 0) {
        return format!("{} zero bytes", t.len());
    }
    let printable: String = t
        .iter()
        .take(48)
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '.'
            }
        })
        .collect();
    format!(
        "{} bytes: {}  {:?}",
        t.len(),
        archive::hex(&t[..t.len().min(32)]),
        printable
    )
}

impl Engine<'_> {
    /// What follows the end of a container (`ea`, `eb`: where its last
    /// record ends). Non-zero bytes are `appended-data`; zero padding of
    /// different lengths is `format-differs`; bytes after a parse failure
    /// are `unexplained`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn tail(
        &mut self,
        path: &[String],
        what: &str,
        a: &[u8],
        ea: usize,
        b: &[u8],
        eb: usize,
        parsed: bool,
    ) {
        let (ta, tb) = (&a[ea.min(a.len())..], &b[eb.min(b.len())..]);
        if ta == tb {
            return;
        }
        let mut p = path.to_vec();
        let zero = |t: &[u8]| t.iter().all(|&c| c == 0);
        if !parsed {
            p.push(format!("{what} (not parsed)"));
            self.obs(
                Cause::Unexplained,
                Confidence::Low,
                Some("unparsed bytes".into()),
                path,
                p,
                off(Some(ea), Some(eb)),
                "bytes the reader could not parse",
                Some(tail_value(ta)),
                Some(tail_value(tb)),
            );
        } else if zero(ta) && zero(tb) {
            if a[..ea.min(a.len())] != b[..eb.min(b.len())] {
                return; // zero padding to the block size follows the content
            }
            p.push(format!("{what} (padding)"));
            self.obs(
                Cause::FormatDiffers,
                Confidence::Medium,
                Some("end padding".into()),
                path,
                p,
                off(Some(ea), Some(eb)),
                "zero padding after the end record (block size)",
                Some(tail_value(ta)),
                Some(tail_value(tb)),
            );
        } else {
            p.push(format!("after the {what}"));
            let first = |t: &[u8], e: usize| t.iter().position(|&c| c != 0).map(|i| e + i);
            self.obs(
                Cause::AppendedData,
                Confidence::High,
                Some(format!("after the {what}")),
                path,
                p,
                off(first(ta, ea), first(tb, eb)),
                &format!("bytes after the {what}"),
                Some(tail_value(ta)),
                Some(tail_value(tb)),
            );
        }
    }

    /// Pairs members by (name, occurrence): order, one-sided members,
    /// duplicates; calls `pair` for each pair.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn pair_members(
        &mut self,
        path: &[String],
        (ka, kind_a): (&[(Vec<u8>, usize)], &[String]),
        (kb, kind_b): (&[(Vec<u8>, usize)], &[String]),
        mut pair: impl FnMut(&mut Self, &[String], usize, usize),
    ) {
        let (count, sa, sb) = shown(ka, kb);
        let (sa, sb) = (sa.as_slice(), sb.as_slice());
        let ia: BTreeMap<&(Vec<u8>, usize), usize> =
            ka.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let ib: BTreeMap<&(Vec<u8>, usize), usize> =
            kb.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let order_a: Vec<usize> = (0..ka.len()).filter(|&i| ib.contains_key(&ka[i])).collect();
        let order_b: Vec<usize> = (0..kb.len()).filter(|&j| ia.contains_key(&kb[j])).collect();
        let same_order = order_a.len() == order_b.len()
            && order_a.iter().zip(&order_b).all(|(&i, &j)| ka[i] == kb[j]);
        if !same_order {
            let first = order_a
                .iter()
                .zip(&order_b)
                .position(|(&i, &j)| ka[i] != kb[j])
                .unwrap_or(0);
            let show = |o: &[usize], s: &[String]| {
                o[first.min(o.len())..]
                    .iter()
                    .take(4)
                    .map(|&i| s[i].clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut p = path.to_vec();
            p.push(format!("member #{}", first + 1));
            self.obs(
                Cause::ArchiveOrder,
                Confidence::High,
                None,
                path,
                p,
                (None, None),
                "member order",
                Some(show(&order_a, sa)),
                Some(show(&order_b, sb)),
            );
        }
        let mut dup_differs: BTreeSet<&[u8]> = BTreeSet::new();
        for (i, k) in ka.iter().enumerate() {
            let mut p = path.to_vec();
            p.push(sa[i].clone());
            match ib.get(k) {
                None => {
                    self.one_side(&p, true, &kind_a[i]);
                }
                Some(&j) => {
                    let before = self.observed;
                    pair(self, &p, i, j);
                    if self.observed != before {
                        dup_differs.insert(&k.0);
                    }
                }
            }
            if self.timed_out {
                return;
            }
        }
        for (j, k) in kb.iter().enumerate() {
            if !ia.contains_key(k) {
                let mut p = path.to_vec();
                p.push(sb[j].clone());
                self.one_side(&p, false, &kind_b[j]);
            }
        }
        for (name, (x, y)) in count {
            if (x > 1 || y > 1) && (x != y || dup_differs.contains(name)) {
                let mut p = path.to_vec();
                p.push(display_name(name));
                let n = |c: usize| Some(format!("{c} cop{}", if c == 1 { "y" } else { "ies" }));
                self.obs(
                    Cause::ArchiveDuplicate,
                    Confidence::High,
                    Some(display_name(name)),
                    path,
                    p,
                    (None, None),
                    "copies of the name (extraction keeps the last)",
                    n(x),
                    n(y),
                );
            }
        }
    }
}
