//! The HTML rendering of a diff [`Report`]: findings first, linked into the
//! evidence; the container tree; per file a section map to scale, the
//! section table, Go build info side by side, and bounded hex and strings
//! views of the differing regions.
//!
//! The report model carries locations, not bytes. When the input paths are
//! given, the engine opens the two inputs again (read-only, through
//! [`quorate_diff::open`]), computes each file's facts
//! ([`quorate_diff::facts`]), and only bounded windows around the
//! differing regions are copied into the page.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::ops::Range;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use quorate_diff::bytediff::Region;
use quorate_diff::detect::Kind;
use quorate_diff::executable::SecInfo;
use quorate_diff::facts::{FileFacts, file_facts};
use quorate_diff::gobuild::{self, BuildInfo};
use quorate_diff::open::Opener;
use quorate_diff::{Confidence, Contents, Evidence, Report};

use crate::page::{esc, page};

mod views;
use views::{RegionView, build_info, render_region, sec_of, svg_map};
#[cfg(test)]
use views::{hex, strings};

/// Bounds and inputs of the diff page.
#[derive(Clone, Debug)]
pub struct DiffHtmlOptions {
    /// Side A as compared (file or folder). Without it (or B), the page
    /// shows findings, evidence and the tree, but no bytes.
    pub a_path: Option<PathBuf>,
    /// Side B as compared.
    pub b_path: Option<PathBuf>,
    /// Files (executables, plain files) given a detailed view.
    pub max_files: usize,
    /// Differing regions shown as hex per file (all are drawn on the map,
    /// up to `max_map_regions`).
    pub max_regions_per_file: usize,
    /// Regions located per file for the map.
    pub max_map_regions: usize,
    /// Differing bytes shown per region and side (the rest is summarized).
    pub max_bytes_per_region: usize,
    /// Equal bytes shown before and after each region.
    pub context: usize,
    /// Bytes inflated in all when reaching members of compressed archives.
    pub max_decompressed: u64,
    /// Time spent locating regions, in all; past it the map is partial.
    pub time_budget: Duration,
}

impl Default for DiffHtmlOptions {
    fn default() -> Self {
        DiffHtmlOptions {
            a_path: None,
            b_path: None,
            max_files: 20,
            max_regions_per_file: 40,
            max_map_regions: 2000,
            max_bytes_per_region: 256,
            context: 32,
            max_decompressed: 1 << 30,
            time_budget: Duration::from_millis(700),
        }
    }
}

/// The two sides of one detailed file.
struct FileView {
    /// Container path (top entry, then archive members).
    path: Vec<String>,
    a: Contents,
    b: Contents,
}

/// Where one piece of evidence points.
#[derive(Clone, Default)]
struct Target {
    file: Option<usize>,
    section: Option<String>,
    off_a: Option<usize>,
    off_b: Option<usize>,
    region: Option<usize>,
}

const MAX_RESOLVE: usize = 64;

fn is_leaf(k: Kind) -> bool {
    !k.is_container()
}

/// Finds the files the evidence points into and maps them.
fn collect_files(
    r: &Report,
    o: &DiffHtmlOptions,
    left_out: &mut Vec<String>,
) -> (Vec<FileView>, BTreeMap<Vec<String>, usize>) {
    let mut files: Vec<FileView> = Vec::new();
    let mut index: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let (Some(pa), Some(pb)) = (&o.a_path, &o.b_path) else {
        return (files, index);
    };
    let mut paths: BTreeSet<&[String]> = BTreeSet::new();
    for f in &r.findings {
        for e in &f.evidence {
            if !e.path.is_empty() {
                paths.insert(&e.path);
            }
        }
    }
    let mut tried: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut opener = Opener::new(o.max_decompressed);
    let mut attempts = 0;
    let mut dropped = 0;
    for p in paths {
        if files.iter().any(|f| p.starts_with(&f.path)) {
            continue;
        }
        // Evidence beside a member (headers, order) names no leaf: skip
        // containers already tried.
        if tried.iter().any(|t| p.starts_with(t)) {
            continue;
        }
        if attempts >= MAX_RESOLVE {
            break;
        }
        attempts += 1;
        let Some((a, n)) = opener.open(pa, p) else {
            continue;
        };
        if !is_leaf(Kind::of(&a)) {
            tried.insert(p[..n].to_vec());
            continue;
        }
        let Some((b, m)) = opener.open(pb, &p[..n]) else {
            continue;
        };
        if m != n || !is_leaf(Kind::of(&b)) {
            continue;
        }
        if *a == *b {
            // Same bytes (only its archive header differs): nothing to show.
            tried.insert(p[..n].to_vec());
            continue;
        }
        if files.len() >= o.max_files {
            dropped += 1;
            continue;
        }
        index.insert(p[..n].to_vec(), files.len());
        files.push(FileView {
            path: p[..n].to_vec(),
            a,
            b,
        });
    }
    if dropped > 0 {
        left_out.push(format!(
            "{dropped} more differing file(s) have no detailed view (at most {} files are shown)",
            o.max_files
        ));
    }
    (files, index)
}

/// File offset of an evidence offset: relative to the section's base
/// (address for loaded sections), or a plain file offset.
fn file_offset(secs: &[SecInfo], section: Option<&str>, off: Option<u64>) -> Option<usize> {
    let off = off?;
    match section.and_then(|n| secs.iter().find(|s| s.name == n)) {
        Some(s) => {
            let rel = off.checked_sub(s.base)?;
            if rel > s.data.len() as u64 {
                return None;
            }
            usize::try_from(s.file_off.checked_add(rel)?).ok()
        }
        None if section.is_none() => usize::try_from(off).ok(),
        None => None,
    }
}

fn region_at(regions: &[Region], a: Option<usize>, b: Option<usize>) -> Option<usize> {
    let near = |r: &Range<usize>, x: usize| x + 16 >= r.start && x <= r.end + 16;
    regions.iter().position(|r| {
        a.is_some_and(|x| near(&r.a, x)) || (a.is_none() && b.is_some_and(|x| near(&r.b, x)))
    })
}

fn conf(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        let mut c: String = s.chars().take(n).collect();
        c.push('…');
        c
    } else {
        s.to_string()
    }
}

fn location(e: &Evidence) -> String {
    e.location()
}

/// Renders a diff report as one self-contained HTML page.
pub fn diff_report(r: &Report, o: &DiffHtmlOptions) -> String {
    let deadline = Instant::now() + o.time_budget;
    let mut left_out: Vec<String> = Vec::new();
    let (files, index) = collect_files(r, o, &mut left_out);
    let facts: Vec<FileFacts> = files
        .iter()
        .map(|f| file_facts(&f.a, &f.b, deadline, o.max_map_regions))
        .collect();

    // Where each piece of evidence points: (finding, evidence) → target.
    let mut targets: Vec<Vec<Target>> = Vec::with_capacity(r.findings.len());
    // Per file, per region: the findings that point at it.
    let mut linked: Vec<BTreeMap<usize, BTreeSet<usize>>> = vec![BTreeMap::new(); files.len()];
    for (fi, f) in r.findings.iter().enumerate() {
        let mut v = Vec::with_capacity(f.evidence.len());
        for e in &f.evidence {
            let mut t = Target::default();
            if let Some((key, &i)) = index.iter().find(|(k, _)| e.path.starts_with(k)) {
                t.file = Some(i);
                let rest = &e.path[key.len()..];
                let ff = &facts[i];
                t.section = rest
                    .first()
                    .filter(|n| ff.secs_a.iter().chain(&ff.secs_b).any(|s| &s.name == *n))
                    .cloned();
                if rest.is_empty() || t.section.is_some() {
                    t.off_a = file_offset(&ff.secs_a, t.section.as_deref(), e.offset_a);
                    t.off_b = file_offset(&ff.secs_b, t.section.as_deref(), e.offset_b);
                }
                t.region = region_at(&ff.regions, t.off_a, t.off_b).or_else(|| {
                    // No offset: the first region inside the section named.
                    let sec = ff
                        .secs_a
                        .iter()
                        .find(|x| Some(&x.name) == t.section.as_ref())?;
                    ff.regions.iter().position(|r| {
                        sec_of(&ff.secs_a, r.a.start).is_some_and(|x| x.name == sec.name)
                    })
                });
                if let Some(ri) = t.region {
                    linked[i].entry(ri).or_default().insert(fi);
                }
            }
            v.push(t);
        }
        targets.push(v);
    }

    let mut body = String::with_capacity(64 * 1024);
    let mut toc: Vec<(&str, String)> = Vec::new();

    // Findings.
    if !r.findings.is_empty() {
        toc.push(("findings", format!("Findings ({})", r.findings.len())));
        body.push_str("<section aria-labelledby=\"findings\"><h2 id=\"findings\">Findings</h2>\n");
        for (fi, f) in r.findings.iter().enumerate() {
            render_finding(&mut body, "", fi, f, &targets[fi], &files, &facts);
        }
        body.push_str("</section>\n");
    }

    // Container tree.
    if !r.findings.is_empty() {
        toc.push(("containers", "Containers".into()));
        // Section nodes of the tree link to their rows.
        let mut links: BTreeMap<Vec<String>, String> = index
            .iter()
            .map(|(k, i)| (k.clone(), format!("#f-{i}")))
            .collect();
        for t in targets.iter().flatten() {
            if let (Some(i), Some(sec)) = (t.file, &t.section)
                && let Some(si) = section_index(&facts[i], sec)
            {
                let mut k = files[i].path.clone();
                k.push(sec.clone());
                links.insert(k, format!("#s-{i}-{si}"));
            }
        }
        render_tree(&mut body, r, &links);
    }

    // Files.
    if !files.is_empty() {
        toc.push(("files", format!("Differing files ({})", files.len())));
        body.push_str("<section aria-labelledby=\"files\"><h2 id=\"files\">Differing files</h2>\n");
        body.push_str("<p class=\"toolbar\"><button type=\"button\" id=\"expand-all\" aria-pressed=\"false\">Expand all regions</button></p>\n");
        for (i, fv) in files.iter().enumerate() {
            render_file(&mut body, i, fv, &facts[i], &linked[i], o, &mut left_out);
        }
        body.push_str("</section>\n");
    } else if !r.identical && (o.a_path.is_none() || o.b_path.is_none()) {
        left_out.push("the input paths were not given: no bytes are shown".into());
    }

    if !r.notes.is_empty() {
        toc.push(("notes", format!("Notes ({})", r.notes.len())));
        body.push_str("<section aria-labelledby=\"notes\"><h2 id=\"notes\">Notes</h2>\n<table><caption class=\"muted\">What the engine skipped, limits it reached, hazards it saw</caption><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Where</th><th scope=\"col\">What</th></tr></thead><tbody>\n");
        for n in r.notes.iter().take(200) {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td class=\"mono val\">{}</td><td class=\"val\">{}</td></tr>",
                esc(&n.kind),
                esc(&n.path),
                esc(&clip(&n.message, 500))
            );
        }
        body.push_str("</tbody></table>\n");
        if r.notes.len() > 200 {
            left_out.push(format!("{} more notes (see --json)", r.notes.len() - 200));
        }
        body.push_str("</section>\n");
    }

    if !left_out.is_empty() {
        toc.push(("left-out", "Left out of this page".into()));
        body.push_str("<section aria-labelledby=\"left-out\"><h2 id=\"left-out\">Left out of this page</h2><p>The page stays small on large inputs: it holds the differing regions with some context, bounded.</p><ul>\n");
        for l in &left_out {
            let _ = writeln!(body, "<li>{}</li>", esc(l));
        }
        body.push_str("</ul></section>\n");
    }

    let title = format!("quorate diff: {} vs {}", r.a, r.b);
    let heading = format!(
        "quorate diff: <code>{}</code> vs <code>{}</code>",
        esc(&r.a),
        esc(&r.b)
    );
    let mut summary = String::new();
    if r.identical {
        let _ = write!(
            summary,
            "<p><span class=\"verdict ok\">IDENTICAL</span> every byte is equal ({} entries compared)</p>",
            r.stats.entries
        );
    } else {
        let _ = write!(
            summary,
            "<p><span class=\"verdict bad\">DIFFER</span> {} finding{}; {} of {} entries differ; compared in {} ms</p>",
            r.findings.len(),
            if r.findings.len() == 1 { "" } else { "s" },
            r.stats.differing,
            r.stats.entries,
            r.stats.millis
        );
    }
    if r.timed_out {
        summary.push_str("<p class=\"note\" role=\"status\"><strong>Partial:</strong> the time limit was reached; the findings are those found so far.</p>");
    }
    page(&title, &heading, &summary, &toc, &body)
}

/// One finding as an `<article>` whose evidence does not link into byte
/// views, for pages that embed several diff reports (reproduce): its
/// anchors are `{prefix}finding-{n}`.
pub(crate) fn finding_article(s: &mut String, prefix: &str, fi: usize, f: &quorate_diff::Finding) {
    let targets = vec![Target::default(); f.evidence.len()];
    render_finding(s, prefix, fi, f, &targets, &[], &[]);
}

/// One finding; `prefix` goes before its anchors (`finding-{n}`).
fn render_finding(
    s: &mut String,
    prefix: &str,
    fi: usize,
    f: &quorate_diff::Finding,
    targets: &[Target],
    files: &[FileView],
    facts: &[FileFacts],
) {
    let _ = write!(
        s,
        "<article class=\"finding c-{c}\" id=\"{p}finding-{n}\" aria-labelledby=\"{p}finding-{n}-h\">\
         <h3 id=\"{p}finding-{n}-h\">{n}. {title}</h3>\
         <p><span class=\"badge\" title=\"cause\">{wire}</span><span class=\"badge\">confidence {c}</span>",
        c = conf(f.confidence),
        p = esc(prefix),
        n = fi + 1,
        title = esc(&f.title),
        wire = esc(f.cause.wire()),
    );
    if !f.subjects.is_empty() {
        let subj: Vec<String> = f.subjects.iter().take(20).map(|x| esc(x)).collect();
        let _ = write!(s, " about <strong>{}</strong>", subj.join(", "));
        if f.subjects.len() > 20 {
            let _ = write!(s, " and {} more", f.subjects.len() - 20);
        }
    }
    s.push_str("</p>");
    match &f.fix {
        Some(fix) => {
            let _ = write!(s, "<p class=\"fix\"><strong>Fix:</strong> {}</p>", esc(fix));
        }
        None => s.push_str(
            "<p class=\"muted\">No fix is known for this cause: the evidence below locates it.</p>",
        ),
    }
    if f.knock_on > 0 {
        let _ = write!(
            s,
            "<p class=\"muted\">And {} differing region{} that follow from it (displaced pointers, offsets, lengths, code), not listed.</p>",
            f.knock_on,
            if f.knock_on == 1 { "" } else { "s" }
        );
    }
    let shown: Vec<String> = f.files.iter().take(5).map(|x| esc(x)).collect();
    let _ = write!(s, "<p>In: <span class=\"mono\">{}</span>", shown.join(", "));
    if f.files.len() > 5 {
        let _ = write!(s, " and {} more", f.files.len() - 5);
    }
    s.push_str("</p>");
    let _ = write!(
        s,
        "<table class=\"ev\"><caption class=\"muted\">Evidence: {} of {} item{}</caption><thead><tr><th scope=\"col\">Where</th><th scope=\"col\">What</th><th scope=\"col\">A</th><th scope=\"col\">B</th></tr></thead><tbody>",
        f.evidence.len(),
        f.evidence_total,
        if f.evidence_total == 1 { "" } else { "s" }
    );
    for (e, t) in f.evidence.iter().zip(targets) {
        let loc = esc(&location(e));
        let href = match t.file {
            Some(i) => {
                let ff = &facts[i];
                if let Some(ri) = t.region {
                    Some(format!("#r-{i}-{ri}"))
                } else if let Some(sec) = &t.section {
                    section_index(ff, sec).map(|si| format!("#s-{i}-{si}"))
                } else {
                    Some(format!("#f-{i}"))
                }
            }
            None => None,
        };
        let _ = files;
        let loc_html = match href {
            Some(h) => format!("<a href=\"{h}\">{loc}</a>"),
            None => loc,
        };
        let v = |x: &Option<String>| match x {
            Some(v) => format!("<code class=\"val\">{}</code>", esc(&clip(v, 300))),
            None => "<em class=\"muted\">(absent)</em>".into(),
        };
        let _ = write!(
            s,
            "<tr><td class=\"mono val\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            loc_html,
            esc(&e.what),
            v(&e.a),
            v(&e.b)
        );
    }
    s.push_str("</tbody></table>");
    if f.evidence_total > f.evidence.len() {
        let _ = write!(
            s,
            "<p class=\"muted\">{} more item{} of evidence were counted but not kept.</p>",
            f.evidence_total - f.evidence.len(),
            if f.evidence_total - f.evidence.len() == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    s.push_str("</article>\n");
}

/// Position of `name` in the union of section names (A's order, then B's).
fn section_index(ff: &FileFacts, name: &str) -> Option<usize> {
    section_names(ff).iter().position(|n| n == name)
}

fn section_names(ff: &FileFacts) -> Vec<String> {
    let mut v: Vec<String> = ff.secs_a.iter().map(|s| s.name.clone()).collect();
    for s in &ff.secs_b {
        if !v.contains(&s.name) {
            v.push(s.name.clone());
        }
    }
    v
}

#[derive(Default)]
struct Node {
    children: BTreeMap<String, Node>,
    order: Vec<String>,
    findings: BTreeSet<usize>,
}

fn render_tree(s: &mut String, r: &Report, links: &BTreeMap<Vec<String>, String>) {
    let mut root = Node::default();
    let mut count = 0usize;
    for (fi, f) in r.findings.iter().enumerate() {
        for e in &f.evidence {
            let mut n = &mut root;
            for c in &e.path {
                if !n.children.contains_key(c) {
                    if count >= 2000 {
                        break;
                    }
                    count += 1;
                    n.order.push(c.clone());
                }
                n = n.children.entry(c.clone()).or_default();
                n.findings.insert(fi);
            }
        }
    }
    s.push_str("<section aria-labelledby=\"containers\"><h2 id=\"containers\">Containers</h2><p class=\"muted\">Release › archive › member › section: where the findings are.</p>\n<ul class=\"tree\">");
    let _ = write!(
        s,
        "<li><strong>A</strong> <code>{}</code> · <strong>B</strong> <code>{}</code>",
        esc(&r.a),
        esc(&r.b)
    );
    let mut path = Vec::new();
    tree_node(s, &root, &mut path, links);
    s.push_str("</li></ul></section>\n");
}

fn tree_node(
    s: &mut String,
    n: &Node,
    path: &mut Vec<String>,
    links: &BTreeMap<Vec<String>, String>,
) {
    if n.order.is_empty() {
        return;
    }
    s.push_str("<ul>");
    for name in &n.order {
        let child = &n.children[name];
        path.push(name.clone());
        let label = match links.get(path.as_slice()) {
            Some(h) => format!("<a class=\"mono\" href=\"{h}\">{}</a>", esc(name)),
            None => format!("<span class=\"mono\">{}</span>", esc(name)),
        };
        let refs: Vec<String> = child
            .findings
            .iter()
            .take(8)
            .map(|f| {
                format!(
                    "<a href=\"#finding-{0}\" aria-label=\"finding {0}\">#{0}</a>",
                    f + 1
                )
            })
            .collect();
        let _ = write!(
            s,
            "<li>{label} <span class=\"muted\">{}</span>",
            refs.join(" ")
        );
        tree_node(s, child, path, links);
        s.push_str("</li>");
        path.pop();
    }
    s.push_str("</ul>");
}

fn differs(ff: &FileFacts, name: &str) -> bool {
    let a = ff.secs_a.iter().find(|s| s.name == name);
    let b = ff.secs_b.iter().find(|s| s.name == name);
    match (a, b) {
        (Some(a), Some(b)) => a.data != b.data || a.file_off != b.file_off,
        _ => true,
    }
}

fn render_file(
    s: &mut String,
    i: usize,
    fv: &FileView,
    ff: &FileFacts,
    linked: &BTreeMap<usize, BTreeSet<usize>>,
    o: &DiffHtmlOptions,
    left_out: &mut Vec<String>,
) {
    let name = fv.path.join(" › ");
    let _ = write!(
        s,
        "<section class=\"file\" aria-labelledby=\"f-{i}\"><h3 id=\"f-{i}\" tabindex=\"-1\"><span class=\"mono\">{}</span> <span class=\"badge\">{}</span></h3>\
         <p>A: {} bytes · B: {} bytes · {} differing region{}{}</p>",
        esc(&name),
        esc(ff.kind.name()),
        fv.a.len(),
        fv.b.len(),
        ff.regions.len(),
        if ff.regions.len() == 1 { "" } else { "s" },
        if ff.complete {
            ""
        } else {
            " (located so far: limit reached)"
        }
    );
    if !ff.complete {
        left_out.push(format!(
            "{name}: regions were located until the time or count limit ({} regions, {} ms in all); the map shows those found",
            o.max_map_regions,
            o.time_budget.as_millis()
        ));
    }

    // Section map, to scale.
    let names = section_names(ff);
    let _ = write!(
        s,
        "<h4 id=\"map-{i}\">{} map (to scale)</h4><p class=\"legend muted\" aria-hidden=\"true\"><span class=\"l0\"></span>section<span class=\"ld\"></span>section that differs<span class=\"lr\"></span>differing bytes</p>",
        if names.is_empty() { "Byte" } else { "Section" }
    );
    for (side, data, secs) in [("A", &fv.a, &ff.secs_a), ("B", &fv.b, &ff.secs_b)] {
        svg_map(s, i, side, data.len(), secs, &ff.regions, &names, ff);
    }

    // Section table.
    if !names.is_empty() {
        let _ = write!(
            s,
            "<table><caption class=\"muted\">Sections of A and B (file offsets)</caption><thead><tr><th scope=\"col\">Section</th><th scope=\"col\" class=\"num\">A offset</th><th scope=\"col\" class=\"num\">A size</th><th scope=\"col\" class=\"num\">B offset</th><th scope=\"col\" class=\"num\">B size</th><th scope=\"col\">Status</th></tr></thead><tbody>"
        );
        for (si, n) in names.iter().enumerate() {
            let a = ff.secs_a.iter().find(|x| &x.name == n);
            let b = ff.secs_b.iter().find(|x| &x.name == n);
            let cell = |x: Option<&SecInfo>, f: &dyn Fn(&SecInfo) -> String| {
                x.map(f).unwrap_or_else(|| "—".into())
            };
            let status = match (a, b) {
                (Some(_), None) => "only in A",
                (None, Some(_)) => "only in B",
                (Some(x), Some(y)) if x.data != y.data => "bytes differ",
                (Some(x), Some(y)) if x.file_off != y.file_off => "moved",
                _ => "equal",
            };
            let d = status != "equal";
            let _ = write!(
                s,
                "<tr id=\"s-{i}-{si}\"{}><th scope=\"row\" class=\"mono\">{}</th><td class=\"num mono\">{}</td><td class=\"num\">{}</td><td class=\"num mono\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                if d { " class=\"diff\"" } else { "" },
                esc(n),
                cell(a, &|x| format!("{:#x}", x.file_off)),
                cell(a, &|x| x.data.len().to_string()),
                cell(b, &|x| format!("{:#x}", x.file_off)),
                cell(b, &|x| x.data.len().to_string()),
                status
            );
        }
        s.push_str("</tbody></table>");
    }

    // Go build info.
    if ff.bi_a.is_some() || ff.bi_b.is_some() {
        build_info(s, i, ff.bi_a.as_ref(), ff.bi_b.as_ref());
    }

    // Regions: those the findings point at first, then round-robin over
    // the sections (and the parts between them) so that one section with
    // many regions does not hide the others; shown in file order.
    let mut order: Vec<usize> = linked.keys().copied().collect();
    order.truncate(o.max_regions_per_file);
    let mut areas: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (ri, r) in ff.regions.iter().enumerate() {
        if !linked.contains_key(&ri) {
            let key = sec_of(&ff.secs_a, r.a.start)
                .map(|x| x.name.clone())
                .unwrap_or_default();
            areas.entry(key).or_default().push(ri);
        }
    }
    let mut queues: Vec<std::collections::VecDeque<usize>> =
        areas.into_values().map(Into::into).collect();
    while order.len() < o.max_regions_per_file && queues.iter().any(|q| !q.is_empty()) {
        for q in &mut queues {
            if order.len() >= o.max_regions_per_file {
                break;
            }
            if let Some(ri) = q.pop_front() {
                order.push(ri);
            }
        }
    }
    order.sort_unstable();
    if !ff.regions.is_empty() {
        let _ = write!(
            s,
            "<h4>Differing regions</h4><p class=\"muted\">Hex and strings of each side, the differing bytes marked; {} byte{} of context.</p>",
            o.context,
            if o.context == 1 { "" } else { "s" }
        );
    }
    for (k, &ri) in order.iter().enumerate() {
        let v = RegionView {
            i,
            ri,
            r: &ff.regions[ri],
            linked: linked.get(&ri),
            open: k < 6,
        };
        render_region(s, &v, fv, ff, o);
    }
    if ff.regions.len() > order.len() {
        let msg = format!(
            "{name}: {} more differing region(s) are drawn on the map but not shown as hex (at most {} per file)",
            ff.regions.len() - order.len(),
            o.max_regions_per_file
        );
        let _ = write!(s, "<p class=\"note\">{}</p>", esc(&msg));
        left_out.push(msg);
    }
    s.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_marks_and_escapes() {
        let data = b"0123<script>&\"'x\x00\x01ABCDEFGHIJ";
        let mut s = String::new();
        hex(&mut s, data, 0..data.len(), 4..12);
        assert!(s.contains("<mark>3c 73"));
        assert!(
            s.contains("<mark>&lt;script&gt;</mark>&amp;&quot;&#39;x\n")
                && s.contains("..ABCDEFGHIJ\n")
        );
        assert!(!s.contains("<script>"));
        assert_eq!(s.lines().count(), 2);
    }

    #[test]
    fn strings_finds_runs() {
        let d = b"\x00abc\x00defgh\x01ijklm";
        assert_eq!(
            strings(d, 0, d.len()),
            vec![(5, "defgh".to_string()), (11, "ijklm".to_string())]
        );
        assert!(strings(d, 10, 5).is_empty());
    }

    #[test]
    fn untrusted_strings_are_escaped() {
        let bad =
            "<script>window.__pwned=1</script>\"onmouseover=alert(1) '</style>javascript:alert(2)";
        let a = format!("xx{bad}xx").into_bytes();
        let b = format!("yy{bad}yy").into_bytes();
        let r = quorate_diff::diff_bytes(bad, &a, &b, &quorate_diff::DiffOptions::default());
        let html = diff_report(&r, &DiffHtmlOptions::default());
        assert!(!html.contains("<script>window"));
        assert!(!html.contains("</style>javascript"));
        assert!(!html.contains("\"onmouseover"));
        assert!(html.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot;onmouseover"));
        assert_eq!(html.matches("<script>").count(), 1);
        assert_eq!(html.matches("<style>").count(), 1);
    }

    #[test]
    fn bounded_regions_and_what_was_left_out() {
        let t = tempfile::tempdir().unwrap();
        let a: Vec<u8> = (0..200_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut b = a.clone();
        for k in 0..100 {
            b[1000 + k * 1500] ^= 0xff;
        }
        // One long differing run: shown up to the per-region cap.
        for x in &mut b[190_000..192_000] {
            *x ^= 0x55;
        }
        let (pa, pb) = (t.path().join("a.bin"), t.path().join("b.bin"));
        std::fs::write(&pa, &a).unwrap();
        std::fs::write(&pb, &b).unwrap();
        let r = quorate_diff::diff_paths(&pa, &pb, &quorate_diff::DiffOptions::default()).unwrap();
        let o = DiffHtmlOptions {
            a_path: Some(pa),
            b_path: Some(pb),
            max_regions_per_file: 5,
            ..DiffHtmlOptions::default()
        };
        let html = diff_report(&r, &o);
        assert_eq!(html.matches("<details class=\"region\"").count(), 5);
        assert!(
            html.contains("96 more differing region(s) are drawn on the map"),
            "{html}"
        );
        assert!(html.contains("Byte map (to scale)"));
        assert!(html.len() < 200_000, "{}", html.len());
        // Without the inputs: findings only, and the page says why.
        let html = diff_report(&r, &DiffHtmlOptions::default());
        assert!(!html.contains("<pre class=\"hex\""));
        assert!(html.contains("the input paths were not given"));
    }
}
