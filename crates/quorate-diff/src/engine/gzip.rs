//! gzip: the header field by field (mtime, name, OS, the rest), then the
//! inflated content (bounded) compared as its own kind, recompression when
//! the content is equal, and what follows the last member.

use super::Engine;
use crate::archive::{self, Inflate};
use crate::model::{Cause, Confidence};

impl Engine<'_> {
    pub(super) fn gzip(&mut self, path: &[String], a: &[u8], b: &[u8], depth: usize) {
        let (Some(ha), Some(hb)) = (archive::gzip_header(a), archive::gzip_header(b)) else {
            self.note("skipped", path, "malformed gzip header: compared as bytes");
            self.bytes(path, path.to_vec(), a, b, None);
            return;
        };
        self.gzip_header_fields(path, &ha, &hb);
        let limit = |n: usize, s: &Self| {
            (n as u64)
                .saturating_mul(s.opts.max_ratio)
                .max(1024)
                .min(s.opts.max_decompressed)
                .min(s.budget)
        };
        let da = archive::gunzip_members(a, limit(a.len(), self));
        let db = archive::gunzip_members(b, limit(b.len(), self));
        match (da, db) {
            (Ok(ga), Ok(gb)) => {
                let sides = Sides {
                    a,
                    b,
                    ha: &ha,
                    hb: &hb,
                    ga: &ga,
                    gb: &gb,
                };
                self.gzip_inflated(path, &sides, depth);
            }
            (ra, rb) => self.gzip_unreadable(path, a, b, [ra, rb]),
        }
    }

    /// MTIME, FNAME, and the OS byte with FCOMMENT, field by field.
    fn gzip_header_fields(
        &mut self,
        path: &[String],
        ha: &archive::GzipHeader,
        hb: &archive::GzipHeader,
    ) {
        let ev = |what: &str| {
            let mut p = path.to_vec();
            p.push(format!("gzip header {what}"));
            p
        };
        if ha.mtime != hb.mtime {
            self.obs(
                Cause::GzipHeader,
                Confidence::High,
                Some("mtime".into()),
                path,
                ev("mtime"),
                (Some(4), Some(4)),
                "gzip MTIME",
                Some(ha.mtime.to_string()),
                Some(hb.mtime.to_string()),
            );
        }
        if ha.name != hb.name {
            let s = |n: &Option<Vec<u8>>| {
                Some(
                    n.as_ref()
                        .map(|n| format!("{:?}", String::from_utf8_lossy(n)))
                        .unwrap_or_else(|| "(none)".into()),
                )
            };
            self.obs(
                Cause::GzipHeader,
                Confidence::High,
                Some("name".into()),
                path,
                ev("name"),
                (None, None),
                "gzip FNAME",
                s(&ha.name),
                s(&hb.name),
            );
        }
        if ha.os != hb.os || ha.comment != hb.comment {
            self.obs(
                Cause::GzipHeader,
                Confidence::Medium,
                Some("os/comment".into()),
                path,
                ev("os"),
                (Some(9), Some(9)),
                "gzip OS byte / comment",
                Some(ha.os.to_string()),
                Some(hb.os.to_string()),
            );
        }
    }

    /// Both streams inflated: the content compared (or recompression when
    /// it is equal), the header bytes no field explains, and what follows.
    fn gzip_inflated(&mut self, path: &[String], s: &Sides, depth: usize) {
        let Sides {
            a,
            b,
            ha,
            hb,
            ga,
            gb,
        } = *s;
        self.budget = self
            .budget
            .saturating_sub((ga.data.len() + gb.data.len()) as u64);
        let compressed_differs = ga.members.len() != gb.members.len()
            || ga
                .members
                .iter()
                .zip(&gb.members)
                .any(|(x, y)| a[x.deflate.clone()] != b[y.deflate.clone()]);
        if ga.data == gb.data {
            if compressed_differs {
                self.obs(
                    Cause::Recompression,
                    Confidence::High,
                    None,
                    path,
                    path.to_vec(),
                    (None, None),
                    "compressed size (XFL level hint)",
                    Some(format!(
                        "{} bytes, XFL {}, {} member(s)",
                        ga.end,
                        ha.xfl,
                        ga.members.len()
                    )),
                    Some(format!(
                        "{} bytes, XFL {}, {} member(s)",
                        gb.end,
                        hb.xfl,
                        gb.members.len()
                    )),
                );
            }
        } else {
            self.compare_inner(path, &ga.data, &gb.data, depth);
        }
        self.gzip_residual_headers(path, s, compressed_differs);
        self.tail(path, "gzip stream", a, ga.end, b, gb.end, true);
    }

    /// Header bytes no field compared above explains: flags, XFL, extra
    /// field, header CRC; and the headers of later members.
    fn gzip_residual_headers(&mut self, path: &[String], s: &Sides, compressed_differs: bool) {
        let Sides {
            a,
            b,
            ha,
            hb,
            ga,
            gb,
        } = *s;
        let residual = |d: &[u8], m: &archive::GzMember, i: usize| {
            let h = &d[m.start..m.start + m.header.len];
            let mut v = h.to_vec();
            if i == 0 {
                v[4..8].fill(0); // mtime: compared above
                v[9] = 0; // OS: compared above
                v[3] &= !(8 | 16); // FNAME, FCOMMENT: compared above
                v[8] = if compressed_differs { 0 } else { v[8] };
                let mut w = v[..10].to_vec();
                if h[3] & 4 != 0 && h.len() >= 12 {
                    let n = usize::from(u16::from_le_bytes([h[10], h[11]]));
                    w.extend_from_slice(&h[10..(12 + n).min(h.len())]);
                }
                if h[3] & 2 != 0
                    && ha.name == hb.name
                    && ha.comment == hb.comment
                    && ha.mtime == hb.mtime
                {
                    w.extend_from_slice(&h[h.len() - 2..]);
                }
                w
            } else {
                v
            }
        };
        let n = ga.members.len().max(gb.members.len());
        for i in 0..n {
            let x = ga.members.get(i).map(|m| residual(a, m, i));
            let y = gb.members.get(i).map(|m| residual(b, m, i));
            if x != y && (i == 0 || (x.is_some() && y.is_some())) {
                let mut p = path.to_vec();
                p.push(format!("gzip member #{} header", i + 1));
                let show =
                    |v: &Option<Vec<u8>>| v.as_ref().map(|v| format!("0x{}", archive::hex(v)));
                self.obs(
                    Cause::GzipHeader,
                    Confidence::Medium,
                    Some("flags/XFL/extra".into()),
                    path,
                    p,
                    (
                        ga.members.get(i).map(|m| m.start as u64),
                        gb.members.get(i).map(|m| m.start as u64),
                    ),
                    "gzip header bytes (flags, XFL, extra field, header CRC)",
                    show(&x),
                    show(&y),
                );
            }
        }
    }

    /// A side that does not inflate: why, in a note, then the bytes.
    fn gzip_unreadable(
        &mut self,
        path: &[String],
        a: &[u8],
        b: &[u8],
        results: [Result<archive::Gunzipped, Inflate>; 2],
    ) {
        let [ra, rb] = results;
        for (r, side) in [(ra, "A"), (rb, "B")] {
            match r {
                Err(Inflate::TooBig(l)) => self.note("limit", path, format!("gzip on side {side} is too large to inflate within the cap ({l} bytes; {}x the input, at most {} bytes): not decompressed", self.opts.max_ratio, self.opts.max_decompressed)),
                Err(Inflate::OutOfMemory(n)) => self.note("limit", path, format!("gzip on side {side}: out of memory while inflating (after {n} bytes): not decompressed")),
                Err(Inflate::Corrupt(e)) => self.note("skipped", path, format!("gzip on side {side} is corrupt: {e}")),
                Ok(_) => {}
            }
        }
        self.bytes(path, path.to_vec(), a, b, None);
    }
}

/// Both sides of a gzip comparison, headers and inflated streams.
struct Sides<'a> {
    a: &'a [u8],
    b: &'a [u8],
    ha: &'a archive::GzipHeader,
    hb: &'a archive::GzipHeader,
    ga: &'a archive::Gunzipped,
    gb: &'a archive::Gunzipped,
}
