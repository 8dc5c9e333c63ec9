//! `unexplained`: what no rule knows, located and shown as hex (with the
//! printable text around it, when there is some).

use std::ops::Range;

use crate::archive;
use crate::classify::{Classified, RegionCtx, show};
use crate::model::{Cause, Confidence};

/// The differing bytes as hex (32 at most, then their count).
pub fn bytes(cx: &RegionCtx) -> Classified {
    let hexw = |d: &[u8], x: &Range<usize>| {
        let mut s = archive::hex(&d[x.start..x.end.min(x.start + 32)]);
        if x.len() > 32 {
            s.push_str(&format!("… ({} bytes)", x.len()));
        }
        if x.is_empty() {
            s = "(nothing)".into();
        }
        s
    };
    let r = cx.r;
    let mut va = hexw(cx.a, &r.a);
    let mut vb = hexw(cx.b, &r.b);
    if cx.ca.len() > r.a.len() + 3 {
        va.push_str(&format!("  in {:?}", show(cx.sa())));
    }
    if cx.cb.len() > r.b.len() + 3 {
        vb.push_str(&format!("  in {:?}", show(cx.sb())));
    }
    Classified::new(Cause::Unexplained, Confidence::Low, None, "bytes", va, vb)
}

#[cfg(test)]
mod tests {
    use super::super::table::{embed, run};
    use crate::model::Cause;

    #[test]
    fn cases() {
        // (A, B, value shown for A)
        let cases: &[(&[u8], &[u8], &str)] = &[
            (b"\x01\x02\x03", b"\x04\x05\x06", "010203"),
            (b"\x01\x02\x03", b"", "010203"),
        ];
        for (a, b, va) in cases {
            let got = run(&embed(a), &embed(b), ".data", false);
            assert_eq!(got[0].cause, Cause::Unexplained, "{got:?}");
            assert!(got[0].a.starts_with(va), "{got:?}");
        }
    }
}
