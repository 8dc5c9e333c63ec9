//! The byte views of one differing file in the diff page: the section
//! map to scale, the Go build info side by side, and bounded hex and
//! strings views of the differing regions.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn sec_of<'a>(secs: &'a [SecInfo], off: usize) -> Option<&'a SecInfo<'a>> {
    secs.iter().find(|x| {
        !x.data.is_empty()
            && (off as u64) >= x.file_off
            && (off as u64) < x.file_off + x.data.len() as u64
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn svg_map(
    s: &mut String,
    i: usize,
    side: &str,
    len: usize,
    secs: &[SecInfo],
    regions: &[Region],
    names: &[String],
    ff: &FileFacts,
) {
    const W: f64 = 1000.0;
    let h = 34.0;
    let scale = if len == 0 { 0.0 } else { W / len as f64 };
    let title_id = format!("map-{i}-{side}-t");
    let ndiff = regions.len();
    let _ = write!(
        s,
        "<svg class=\"map\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-labelledby=\"{title_id}\" preserveAspectRatio=\"none\" width=\"100%\" height=\"{h}\">\
         <title id=\"{title_id}\">Side {side}: {len} bytes, {} sections, {ndiff} differing region{} drawn to scale</title>\
         <rect class=\"gap\" x=\"0\" y=\"0\" width=\"{W}\" height=\"{h}\"></rect>",
        secs.iter().filter(|x| !x.data.is_empty()).count(),
        if ndiff == 1 { "" } else { "s" }
    );
    for (k, sec) in secs.iter().filter(|x| !x.data.is_empty()).enumerate() {
        let x = sec.file_off as f64 * scale;
        let w = (sec.data.len() as f64 * scale).max(0.6);
        let cls = if differs(ff, &sec.name) {
            "sd"
        } else if k % 2 == 0 {
            "s0"
        } else {
            "s1"
        };
        let si = names.iter().position(|n| n == &sec.name).unwrap_or(0);
        let _ = write!(
            s,
            "<a href=\"#s-{i}-{si}\"><rect class=\"{cls}\" x=\"{x:.2}\" y=\"2\" width=\"{w:.2}\" height=\"{}\"><title>{}: offset {:#x}, {} bytes</title></rect>",
            h - 4.0,
            esc(&sec.name),
            sec.file_off,
            sec.data.len()
        );
        if w > 70.0 {
            let max = ((w - 6.0) / 7.0) as usize;
            let _ = write!(
                s,
                "<text x=\"{:.2}\" y=\"21\" aria-hidden=\"true\">{}</text>",
                x + 3.0,
                esc(&clip(&sec.name, max.max(1)))
            );
        }
        s.push_str("</a>");
    }
    // Regions, merged below the drawing's resolution.
    let mut last: Option<(f64, f64)> = None;
    let mut marks = Vec::new();
    for r in regions {
        let rr = if side == "A" { &r.a } else { &r.b };
        let x0 = rr.start as f64 * scale;
        let x1 = (rr.end as f64 * scale).max(x0 + 1.5);
        match &mut last {
            Some((_, e)) if x0 <= *e + 0.5 => *e = e.max(x1),
            _ => {
                if let Some(l) = last.take() {
                    marks.push(l);
                }
                last = Some((x0, x1));
            }
        }
    }
    marks.extend(last);
    for (x0, x1) in marks {
        let _ = write!(
            s,
            "<rect class=\"r\" x=\"{x0:.2}\" y=\"0\" width=\"{:.2}\" height=\"{h}\"></rect>",
            x1 - x0
        );
    }
    s.push_str("</svg>\n");
}

pub(super) fn build_info(s: &mut String, i: usize, a: Option<&BuildInfo>, b: Option<&BuildInfo>) {
    let _ = write!(
        s,
        "<h4 id=\"bi-{i}\">Go build info</h4><table><caption class=\"muted\">As <code>go version -m</code> prints it; rows that differ are marked</caption><thead><tr><th scope=\"col\">Key</th><th scope=\"col\">A</th><th scope=\"col\">B</th></tr></thead><tbody>"
    );
    let mut rows: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    rows.push((
        "go".into(),
        a.map(|x| x.go_version.clone()),
        b.map(|x| x.go_version.clone()),
    ));
    rows.push((
        "path".into(),
        a.map(|x| x.path.clone()),
        b.map(|x| x.path.clone()),
    ));
    let m = |x: Option<&BuildInfo>| {
        x.and_then(|x| x.main.as_ref())
            .map(|m| format!("{} {} {}", m.path, m.version, m.sum))
    };
    rows.push(("mod".into(), m(a), m(b)));
    let mut keys: Vec<String> = Vec::new();
    for bi in [a, b].into_iter().flatten() {
        for (k, _) in &bi.settings {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    for k in keys {
        rows.push((
            format!("build {k}"),
            a.and_then(|x| x.setting(&k)).map(str::to_string),
            b.and_then(|x| x.setting(&k)).map(str::to_string),
        ));
    }
    let mut deps: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let dep = |m: &gobuild::Module| {
        let mut v = format!("{} {}", m.version, m.sum);
        if let Some(r) = &m.replace {
            let _ = write!(v, " => {} {}", r.path, r.version);
        }
        v
    };
    for d in a.map(|x| x.deps.as_slice()).unwrap_or(&[]) {
        deps.entry(d.path.clone()).or_default().0 = Some(dep(d));
    }
    for d in b.map(|x| x.deps.as_slice()).unwrap_or(&[]) {
        deps.entry(d.path.clone()).or_default().1 = Some(dep(d));
    }
    let total = deps.len();
    for (p, (x, y)) in deps.into_iter().take(500) {
        rows.push((format!("dep {p}"), x, y));
    }
    for (k, x, y) in rows {
        if x.is_none() && y.is_none() {
            continue;
        }
        let d = x != y;
        let v = |v: &Option<String>| match v {
            Some(v) if d => format!("<mark class=\"mono val\">{}</mark>", esc(&clip(v, 300))),
            Some(v) => format!("<span class=\"mono val\">{}</span>", esc(&clip(v, 300))),
            None => "<em class=\"muted\">(absent)</em>".into(),
        };
        let _ = write!(
            s,
            "<tr{}><th scope=\"row\" class=\"mono\">{}{}</th><td>{}</td><td>{}</td></tr>",
            if d { " class=\"diff\"" } else { "" },
            esc(&k),
            if d {
                " <span aria-label=\"differs\">≠</span>"
            } else {
                ""
            },
            v(&x),
            v(&y)
        );
    }
    s.push_str("</tbody></table>");
    if total > 500 {
        let _ = write!(
            s,
            "<p class=\"muted\">{} more dependencies not shown.</p>",
            total - 500
        );
    }
}

/// One differing region to draw, and where it sits on the page.
pub(super) struct RegionView<'a> {
    /// The file's index on the page.
    pub(super) i: usize,
    /// The region's index in the file.
    pub(super) ri: usize,
    /// The region.
    pub(super) r: &'a Region,
    /// The findings it is evidence of.
    pub(super) linked: Option<&'a BTreeSet<usize>>,
    /// Shown open.
    pub(super) open: bool,
}

/// One differing region: where it is on each side, the findings it is
/// evidence of, its hex (bounded) and the strings around it.
pub(super) fn render_region(
    s: &mut String,
    v: &RegionView,
    fv: &FileView,
    ff: &FileFacts,
    o: &DiffHtmlOptions,
) {
    let (i, ri, r) = (v.i, v.ri, v.r);
    let _ = write!(
        s,
        "<details class=\"region\" id=\"r-{i}-{ri}\"{}><summary>Region {}: A {} · B {}</summary>",
        if v.open { " open" } else { "" },
        ri + 1,
        esc(&region_desc(&r.a, &ff.secs_a)),
        esc(&region_desc(&r.b, &ff.secs_b))
    );
    if let Some(l) = v.linked {
        let refs: Vec<String> = l
            .iter()
            .map(|f| format!("<a href=\"#finding-{0}\">finding {0}</a>", f + 1))
            .collect();
        let _ = write!(s, "<p>Evidence of {}.</p>", refs.join(", "));
    }
    region_hex(s, r, fv, o);
    region_strings(s, r, fv, o);
    s.push_str("</details>\n");
}

/// Where a region lies on one side: its range and size and the section
/// it starts in.
fn region_desc(rr: &Range<usize>, secs: &[SecInfo]) -> String {
    let sec = sec_of(secs, rr.start)
        .map(|x| format!(" in {}", x.name))
        .unwrap_or_default();
    if rr.is_empty() {
        format!("nothing at {:#x}{sec}", rr.start)
    } else {
        format!("{:#x}..{:#x} ({} bytes){sec}", rr.start, rr.end, rr.len())
    }
}

/// The hex of a region on each side, side by side, with context and at
/// most `o.max_bytes_per_region` of the region itself.
fn region_hex(s: &mut String, r: &Region, fv: &FileView, o: &DiffHtmlOptions) {
    s.push_str("<div class=\"sbs\">");
    for (side, data, rr) in [("A", &fv.a, &r.a), ("B", &fv.b, &r.b)] {
        let shown_end = rr.end.min(rr.start.saturating_add(o.max_bytes_per_region));
        let w0 = rr.start.saturating_sub(o.context) & !15;
        let w1 = shown_end.saturating_add(o.context).min(data.len());
        let _ = write!(
            s,
            "<div><h5 class=\"muted\">{side}</h5><pre class=\"hex\" aria-label=\"hex of side {side}\">"
        );
        hex(s, data, w0..w1, rr.start..shown_end);
        s.push_str("</pre>");
        if shown_end < rr.end {
            let _ = write!(
                s,
                "<p class=\"muted\">… the region runs on for {} more bytes.</p>",
                rr.end - shown_end
            );
        }
        s.push_str("</div>");
    }
    s.push_str("</div>");
}

/// The strings around a region on each side, side by side (at most 20
/// each), those the other side lacks marked; nothing when neither has any.
fn region_strings(s: &mut String, r: &Region, fv: &FileView, o: &DiffHtmlOptions) {
    let sa = strings(
        &fv.a,
        r.a.start.saturating_sub(o.context),
        r.a.end
            .min(r.a.start.saturating_add(o.max_bytes_per_region))
            .saturating_add(o.context)
            .min(fv.a.len()),
    );
    let sb = strings(
        &fv.b,
        r.b.start.saturating_sub(o.context),
        r.b.end
            .min(r.b.start.saturating_add(o.max_bytes_per_region))
            .saturating_add(o.context)
            .min(fv.b.len()),
    );
    if sa.is_empty() && sb.is_empty() {
        return;
    }
    s.push_str("<div class=\"sbs\">");
    for (side, mine, other) in [("A", &sa, &sb), ("B", &sb, &sa)] {
        let _ = write!(
            s,
            "<div><h5 class=\"muted\">Strings in {side}</h5><ul class=\"strings mono\">"
        );
        for (off, t) in mine.iter().take(20) {
            let d = !other.iter().any(|(_, u)| u == t);
            let body = esc(&clip(t, 200));
            let _ = write!(
                s,
                "<li><span class=\"off\">{off:#x}</span> {}</li>",
                if d {
                    format!("<mark>{body}</mark>")
                } else {
                    body
                }
            );
        }
        if mine.is_empty() {
            s.push_str("<li class=\"muted\">(none)</li>");
        }
        s.push_str("</ul></div>");
    }
    s.push_str("</div>");
}

/// Printable ASCII runs of 4 bytes or more in `data[from..to]`, with offsets.
pub(super) fn strings(data: &[u8], from: usize, to: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let Some(w) = data.get(from..to) else {
        return out;
    };
    let mut start = None;
    for (k, &c) in w.iter().chain(std::iter::once(&0u8)).enumerate() {
        let p = (0x20..0x7f).contains(&c);
        match (p, start) {
            (true, None) => start = Some(k),
            (false, Some(st)) => {
                if k - st >= 4 {
                    out.push((from + st, String::from_utf8_lossy(&w[st..k]).into_owned()));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Opens and closes `<mark>` as a run of bytes enters and leaves the
/// marked range.
#[derive(Default)]
struct Marker {
    open: bool,
}

impl Marker {
    /// Byte `k` comes next: open or close the mark as needed.
    fn at(&mut self, s: &mut String, k: usize, mark: &Range<usize>) {
        let m = mark.contains(&k);
        if m != self.open {
            s.push_str(if m { "<mark>" } else { "</mark>" });
            self.open = m;
        }
    }

    /// The run ends: close the mark if it is open.
    fn close(&mut self, s: &mut String) {
        if self.open {
            s.push_str("</mark>");
            self.open = false;
        }
    }
}

/// Hex lines of `data[w]`, 16 bytes a line, bytes in `mark` wrapped in `<mark>`.
#[allow(clippy::needless_range_loop)] // offsets drive both columns and the marks
pub(super) fn hex(s: &mut String, data: &[u8], w: Range<usize>, mark: Range<usize>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let w = w.start.min(data.len())..w.end.min(data.len());
    let digits = if data.len() > 0xffff_ffff { 12 } else { 8 };
    let mut line = w.start;
    while line < w.end {
        let _ = write!(s, "<span class=\"off\">{line:0digits$x}</span>  ");
        let end = (line + 16).min(w.end);
        let mut marker = Marker::default();
        for k in line..line + 16 {
            if k < end {
                marker.at(s, k, &mark);
                let b = data[k];
                s.push(HEX[(b >> 4) as usize] as char);
                s.push(HEX[(b & 15) as usize] as char);
            } else {
                marker.close(s);
                s.push_str("  ");
            }
            if k + 1 < line + 16 {
                s.push(' ');
            }
        }
        marker.close(s);
        s.push_str("  ");
        for k in line..end {
            marker.at(s, k, &mark);
            match data[k] {
                b'<' => s.push_str("&lt;"),
                b'>' => s.push_str("&gt;"),
                b'&' => s.push_str("&amp;"),
                b'"' => s.push_str("&quot;"),
                b'\'' => s.push_str("&#39;"),
                b @ 0x20..=0x7e => s.push(b as char),
                _ => s.push('.'),
            }
        }
        marker.close(s);
        s.push('\n');
        line += 16;
    }
}

#[cfg(test)]
mod hex_tests {
    use super::hex;

    #[test]
    fn marks_open_and_close_in_both_columns() {
        let mut s = String::new();
        hex(&mut s, b"abcdefghijklmnopq<", 0..18, 2..4);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 2, "{s}");
        assert!(lines[0].contains("61 62 <mark>63 64 </mark>65"), "{s}");
        assert!(lines[0].ends_with("ab<mark>cd</mark>efghijklmnop"), "{s}");
        assert!(
            lines[1].contains("71 3c") && lines[1].ends_with("q&lt;"),
            "{s}"
        );
        assert_eq!(s.matches("<mark>").count(), s.matches("</mark>").count());
        // A mark running to the end of a short line closes before the text.
        let mut s = String::new();
        hex(&mut s, b"xyz", 0..3, 1..9);
        assert!(s.contains("78 <mark>79 7a </mark>"), "{s}");
        assert!(s.ends_with("x<mark>yz</mark>\n"), "{s}");
    }
}
