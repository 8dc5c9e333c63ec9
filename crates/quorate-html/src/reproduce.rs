//! The HTML rendering of a reproduction (`quorate reproduce --html`): the
//! artifact table, the likely causes, the explanation of every DIFFERENT
//! artifact (its diff findings) and, when the rebuild was attested, the
//! artifact × signer matrix with each disagreeing artifact linked to its
//! explanation.

use std::collections::BTreeMap;
use std::fmt::Write;

use quorate_attest::attest::AttestationReport;
use quorate_attest::verify::ReleaseReport;
use quorate_reproduce::compare::ToolchainUsed;
use quorate_reproduce::foreign::ForeignOutcome;
use quorate_reproduce::recipe::Order;
use quorate_reproduce::{Artifact, CauseSummary, Counts, Outcome, Status};

use crate::diff::finding_article;
use crate::page::{esc, page};
use crate::verify::{VerifyHtmlOptions, matrix, quorum};

/// Bounds of the reproduce page.
#[derive(Clone, Debug)]
pub struct ReproduceHtmlOptions {
    /// Rows of the artifact table and of the matrix.
    pub max_artifacts: usize,
    /// Findings shown per DIFFERENT artifact (the rest is counted).
    pub max_findings: usize,
    /// Evidence items shown per finding (the top ones; the rest is in
    /// reproduce.json).
    pub max_evidence: usize,
}

impl Default for ReproduceHtmlOptions {
    fn default() -> Self {
        ReproduceHtmlOptions {
            max_artifacts: 5000,
            max_findings: 10,
            max_evidence: 8,
        }
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Reproduced => "ok",
        Status::Different => "bad",
        Status::Missing | Status::Extra => "warn",
    }
}

fn digest_cell(d: &Option<String>, differs: bool) -> String {
    match d {
        Some(h) if differs => format!("<td class=\"mono val diff\"><mark>{}</mark></td>", esc(h)),
        Some(h) => format!("<td class=\"mono val\">{}</td>", esc(h)),
        None => "<td class=\"muted\">—</td>".into(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The anchor of artifact `k`'s explanation.
fn anchor(k: usize) -> String {
    format!("x-{k}")
}

/// What the pages of both kinds of reproduction show alike: a release
/// quorate made ([`Outcome`]) or one it did not ([`ForeignOutcome`]).
struct Common<'a> {
    release: &'a std::path::Path,
    version: &'a str,
    source: &'a str,
    git_ref: &'a str,
    commit: &'a str,
    verification: Option<&'a ReleaseReport>,
    toolchain: &'a ToolchainUsed,
    artifacts: &'a [Artifact],
    counts: &'a Counts,
    causes: &'a [CauseSummary],
    warnings: &'a [String],
    reproduced: bool,
    /// The end of the summary's last line: who packed and who rebuilt.
    provenance: String,
}

/// The [`Common`] view of an [`Outcome`] or a [`ForeignOutcome`]: the two
/// share these fields by name.
macro_rules! common_of {
    ($r:expr, $provenance:expr) => {
        Common {
            release: &$r.release,
            version: &$r.version,
            source: &$r.source,
            git_ref: &$r.git_ref,
            commit: &$r.commit,
            verification: $r.verification.as_ref(),
            toolchain: &$r.toolchain,
            artifacts: &$r.artifacts,
            counts: &$r.counts,
            causes: &$r.causes,
            warnings: &$r.warnings,
            reproduced: $r.reproduced,
            provenance: $provenance,
        }
    };
}

fn artifact_table(s: &mut String, o: &Common, links: &BTreeMap<&str, usize>, max: usize) {
    let c = &o.counts;
    let _ = writeln!(
        s,
        "<section aria-labelledby=\"artifacts\"><h2 id=\"artifacts\">Artifacts</h2><p>{} reproduced, {} different, {} missing, {} extra. <span class=\"muted\">Published = the release's manifest; rebuilt = this rebuild's.</span></p>\
         <table><thead><tr><th scope=\"col\">Artifact</th><th scope=\"col\">Status</th><th scope=\"col\">Published SHA-256</th><th scope=\"col\">Rebuilt SHA-256</th><th scope=\"col\">Causes</th></tr></thead><tbody>",
        c.reproduced, c.different, c.missing, c.extra
    );
    for a in o.artifacts.iter().take(max) {
        let name = match links.get(a.path.as_str()) {
            Some(&k) => format!("<a href=\"#{}\">{}</a>", anchor(k), esc(&a.path)),
            None => esc(&a.path),
        };
        let differs = a.status != Status::Reproduced;
        let causes: Vec<String> = a
            .causes
            .iter()
            .map(|c| format!("<span class=\"badge\">{}</span>", esc(c)))
            .collect();
        let _ = writeln!(
            s,
            "<tr{}><th scope=\"row\" class=\"mono val\">{name}</th><td><span class=\"verdict {}\">{}</span></td>{}{}<td>{}</td></tr>",
            if differs { " class=\"diff\"" } else { "" },
            status_class(a.status),
            a.status.as_str(),
            digest_cell(&a.published, a.status == Status::Different),
            digest_cell(&a.rebuilt, a.status == Status::Different),
            causes.join(" ")
        );
    }
    s.push_str("</tbody></table>");
    if o.artifacts.len() > max {
        let _ = write!(
            s,
            "<p class=\"muted\">{} more artifacts not shown (see reproduce.json).</p>",
            o.artifacts.len() - max
        );
    }
    s.push_str("</section>\n");
}

fn causes(s: &mut String, o: &Common, links: &BTreeMap<&str, usize>) {
    s.push_str("<section aria-labelledby=\"causes\"><h2 id=\"causes\">Likely causes</h2>\n");
    for (i, c) in o.causes.iter().enumerate() {
        let _ = write!(
            s,
            "<article class=\"finding c-high\" aria-labelledby=\"cause-{i}\"><h3 id=\"cause-{i}\">{}</h3><p><span class=\"badge\" title=\"cause\">{}</span></p>",
            esc(&c.title),
            esc(&c.cause)
        );
        if let Some(fix) = &c.fix {
            let _ = write!(s, "<p class=\"fix\"><strong>Fix:</strong> {}</p>", esc(fix));
        }
        if !c.evidence.is_empty() {
            s.push_str("<p>Evidence:</p><ul class=\"strings\">");
            for e in &c.evidence {
                let _ = write!(s, "<li class=\"mono\">{}</li>", esc(e));
            }
            s.push_str("</ul>");
        }
        let arts: Vec<String> = c
            .artifacts
            .iter()
            .map(|p| match links.get(p.as_str()) {
                Some(&k) => format!("<a href=\"#{}\">{}</a>", anchor(k), esc(p)),
                None => esc(p),
            })
            .collect();
        let _ = writeln!(
            s,
            "<p>Explains: <span class=\"mono\">{}</span></p></article>",
            arts.join(", ")
        );
    }
    s.push_str("</section>\n");
}

fn explanation(s: &mut String, k: usize, a: &Artifact, o: &ReproduceHtmlOptions) {
    let id = anchor(k);
    let _ = write!(
        s,
        "<section aria-labelledby=\"{id}\" class=\"explanation\"><h2 id=\"{id}\" tabindex=\"-1\">Why <code>{}</code> differs</h2><p class=\"muted\">A = published, B = rebuild.",
        esc(&a.path)
    );
    for c in &a.causes {
        let _ = write!(s, " <span class=\"badge\">{}</span>", esc(c));
    }
    s.push_str("</p>");
    if let Some(u) = &a.unexplained {
        let _ = write!(s, "<p class=\"note\">{}</p>", esc(u));
    }
    if let Some(sp) = &a.store_paths
        && sp.differ()
    {
        s.push_str("<table><caption class=\"muted\">Toolchain store paths embedded</caption><thead><tr><th scope=\"col\">Published (A)</th><th scope=\"col\">Rebuilt (B)</th></tr></thead><tbody><tr>");
        for side in [&sp.published, &sp.rebuilt] {
            let v: Vec<String> = side.iter().take(20).map(|p| esc(p)).collect();
            let _ = write!(
                s,
                "<td class=\"mono val\">{}</td>",
                if v.is_empty() {
                    "<span class=\"muted\">none</span>".to_string()
                } else {
                    v.join("<br>")
                }
            );
        }
        s.push_str("</tr></tbody></table>");
    }
    if let Some(r) = &a.explanation {
        for (fi, f) in r.findings.iter().take(o.max_findings).enumerate() {
            if f.evidence.len() > o.max_evidence {
                let mut top = f.clone();
                top.evidence.truncate(o.max_evidence);
                finding_article(s, &format!("{id}-"), fi, &top);
            } else {
                finding_article(s, &format!("{id}-"), fi, f);
            }
        }
        if r.findings.len() > o.max_findings {
            let n = r.findings.len() - o.max_findings;
            let _ = write!(
                s,
                "<p class=\"muted\">{n} more finding{} (see reproduce.json).</p>",
                plural(n)
            );
        }
        if r.timed_out {
            s.push_str("<p class=\"note\"><strong>Partial:</strong> the diff time limit was reached; the findings are those found so far.</p>");
        }
        if !r.notes.is_empty() {
            let _ = write!(
                s,
                "<p class=\"muted\">{} note{} of the diff engine (skipped members, limits) are in reproduce.json.</p>",
                r.notes.len(),
                plural(r.notes.len())
            );
        }
    }
    s.push_str(
        "<p class=\"muted\">The bytes themselves: <code>quorate diff --html FILE PUBLISHED REBUILT</code> (keep the rebuild with --out or --keep).</p></section>\n",
    );
}

/// Renders a reproduction as one self-contained HTML page: the artifact
/// table, the likely causes, an explanation per DIFFERENT artifact and,
/// with `attestations` (the attestation repository after `--attest`), the
/// artifact × signer matrix, each artifact of it linked to its
/// explanation.
pub fn reproduce_report(
    r: &Outcome,
    attestations: Option<&AttestationReport>,
    o: &ReproduceHtmlOptions,
) -> String {
    let provenance = format!(
        "packed by quorate {}, reproduced by quorate {}",
        esc(r.quorate.published.as_deref().unwrap_or("(unknown)")),
        esc(&r.quorate.reproducing)
    );
    render(&common_of!(r, provenance), attestations, String::new(), o)
}

/// Renders the reproduction of a release quorate did not make as one
/// self-contained HTML page: what [`reproduce_report`] shows, then the
/// recipe read from the release (archives, programs), the `-X`
/// definitions read from the source and the `go build` commands run.
pub fn foreign_report(r: &ForeignOutcome, o: &ReproduceHtmlOptions) -> String {
    let c = common_of!(
        r,
        "recipe read from the release (no build.json), rebuilt in-process (no host tar, gzip or zip)".into()
    );
    render(&c, None, recipe_section(r, o.max_artifacts), o)
}

/// The recipe section of [`foreign_report`].
fn recipe_section(r: &ForeignOutcome, max: usize) -> String {
    let mut s = String::from(
        "<section aria-labelledby=\"recipe\"><h2 id=\"recipe\">Recipe</h2><p class=\"muted\">Read from the published archives and programs (<code>quorate recipe</code>); what the rebuild did the same way.</p>\n\
         <table><caption class=\"muted\">Archives</caption><thead><tr><th scope=\"col\">Archive</th><th scope=\"col\">Holds</th><th scope=\"col\">Format</th><th scope=\"col\">Compressor</th><th scope=\"col\">Member order</th><th scope=\"col\">Members</th></tr></thead><tbody>",
    );
    for a in r.recipe.archives.iter().take(max) {
        let compressor = match a.compressor.level {
            Some(l) => format!("{} level {l}", a.compressor.tool),
            None => a.compressor.tool.clone(),
        };
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\" class=\"mono val\">{}</th><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.file),
            esc(&format!("{:?}", a.role).to_lowercase()),
            esc(&a.format),
            esc(&compressor),
            match a.order {
                Order::ReverseSorted => "find | LC_ALL=C sort -r",
                Order::Sorted => "find | LC_ALL=C sort",
                Order::AsPublished => "other (rebuilt in the published order)",
            },
            a.members.len()
        );
    }
    s.push_str("</tbody></table>\n<table><caption class=\"muted\">Go programs</caption><thead><tr><th scope=\"col\">Program</th><th scope=\"col\">Go</th><th scope=\"col\">Target</th><th scope=\"col\">Package</th><th scope=\"col\">Flags</th></tr></thead><tbody>");
    for b in r.recipe.binaries.iter().take(max) {
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\" class=\"mono val\">{}</th><td class=\"mono\">{}</td><td class=\"mono\">{}/{}</td><td class=\"mono val\">{}</td><td class=\"mono val\">{}-tags={} -ldflags={}</td></tr>",
            esc(&b.path),
            esc(&b.go_version),
            esc(&b.goos),
            esc(&b.goarch),
            esc(&b.main_package),
            if b.trimpath { "-trimpath " } else { "" },
            esc(&format!("{:?}", b.tags.as_deref().unwrap_or(""))),
            esc(&format!("{:?}", b.observed_ldflags()))
        );
    }
    s.push_str("</tbody></table>\n");
    if !r.x_definitions.is_empty() {
        s.push_str("<p>-X definitions read from the source (never run) and linked with:</p><ul class=\"strings\">");
        for x in &r.x_definitions {
            let _ = write!(
                s,
                "<li class=\"mono\">-X {} <span class=\"muted\">({})</span></li>",
                esc(&x.definition),
                esc(&x.file)
            );
        }
        s.push_str("</ul>");
    }
    if !r.commands.is_empty() {
        s.push_str("<p>The <code>go build</code> commands run:</p><pre class=\"mono\">");
        for c in &r.commands {
            let _ = writeln!(s, "{}", esc(c));
        }
        s.push_str("</pre>");
    }
    s.push_str("</section>\n");
    s
}

/// The page of either kind of reproduction, `extra` (whole sections) after
/// the explanations.
fn render(
    r: &Common,
    attestations: Option<&AttestationReport>,
    extra: String,
    o: &ReproduceHtmlOptions,
) -> String {
    // DIFFERENT artifacts, by path, to their index (anchor).
    let links: BTreeMap<&str, usize> = r
        .artifacts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.status == Status::Different)
        .map(|(k, a)| (a.path.as_str(), k))
        .collect();
    let mut body = String::with_capacity(32 * 1024);
    let mut toc: Vec<(&str, String)> = Vec::new();

    if !r.warnings.is_empty() {
        toc.push(("warnings", "Warnings".into()));
        warnings(&mut body, r.warnings);
    }
    if let Some(v) = r.verification {
        toc.push(("quorum", "Published release: quorum".into()));
        quorum(&mut body, &v.quorum);
    }
    toc.push(("artifacts", format!("Artifacts ({})", r.artifacts.len())));
    artifact_table(&mut body, r, &links, o.max_artifacts);
    if !r.causes.is_empty() {
        toc.push(("causes", format!("Likely causes ({})", r.causes.len())));
        causes(&mut body, r, &links);
    }
    if !links.is_empty() {
        toc.push(("explanations", format!("Explanations ({})", links.len())));
        body.push_str("<p id=\"explanations\" class=\"muted\">Each DIFFERENT artifact, explained by the diff engine:</p>\n");
        for (k, a) in r.artifacts.iter().enumerate().take(o.max_artifacts) {
            if a.status == Status::Different {
                explanation(&mut body, k, a, o);
            }
        }
    }
    if let Some(att) = attestations {
        toc.push(("attestations", "Attestations".into()));
        attestations_section(&mut body, att, &links, o);
    }

    if !extra.is_empty() {
        toc.push(("recipe", "Recipe".into()));
        body.push_str(&extra);
    }
    let title = format!("quorate reproduce: {} {}", r.source, r.version);
    let heading = format!(
        "quorate reproduce: <code>{}</code> from <code>{}</code>",
        esc(r.version),
        esc(r.source)
    );
    page(&title, &heading, &summary(r), &toc, &body)
}

/// The warnings section.
fn warnings(body: &mut String, warnings: &[String]) {
    body.push_str("<section aria-labelledby=\"warnings\"><h2 id=\"warnings\">Warnings</h2><ul>");
    for w in warnings {
        let _ = write!(body, "<li class=\"note\">{}</li>", esc(w));
    }
    body.push_str("</ul></section>\n");
}

/// The attestations section: their verdict and quorum, then the
/// artifact × signer matrix, each disagreeing artifact this rebuild found
/// DIFFERENT linked (`links`) to its explanation.
fn attestations_section(
    body: &mut String,
    att: &AttestationReport,
    links: &BTreeMap<&str, usize>,
    o: &ReproduceHtmlOptions,
) {
    let _ = writeln!(
        body,
        "<section aria-labelledby=\"attestations\"><h2 id=\"attestations\">Attestations</h2><p><span class=\"verdict {}\">{}</span> {} signer folder{} in <code>{}</code>; quorum {} of {} {}</p></section>",
        if att.ok { "ok" } else { "bad" },
        if att.ok { "AGREED" } else { "NOT AGREED" },
        att.signers.len(),
        plural(att.signers.len()),
        esc(&att.repo.display().to_string()),
        att.quorum.count,
        att.quorum.threshold,
        if att.quorum.met { "met" } else { "not met" }
    );
    let vo = VerifyHtmlOptions {
        max_files: o.max_artifacts,
        ..VerifyHtmlOptions::default()
    };
    matrix(body, att, &vo, &|p| {
        links.get(p).map(|k| format!("#{}", anchor(*k)))
    });
    body.push_str("<p class=\"muted\">A disagreeing artifact that this rebuild also found DIFFERENT links to its explanation above.</p></section>\n");
}

/// The summary under the heading: the verdict, what was rebuilt from
/// what with which toolchain (a patched one flagged), the release and
/// who packed and rebuilt it.
fn summary(r: &Common) -> String {
    let tc = r.toolchain;
    let mut summary = format!(
        "<p><span class=\"verdict {}\">{}</span> {} of {} published artifact{} rebuilt byte for byte from {} (commit <code>{}</code>) with Go {}{}</p>",
        if r.reproduced { "ok" } else { "bad" },
        if r.reproduced {
            "REPRODUCED"
        } else {
            "NOT REPRODUCED"
        },
        r.counts.reproduced,
        r.counts.reproduced + r.counts.different + r.counts.missing,
        plural(r.counts.reproduced + r.counts.different + r.counts.missing),
        esc(r.git_ref),
        esc(r.commit),
        esc(&tc.version),
        if tc.official {
            " (official)"
        } else {
            " <span class=\"verdict bad\">PATCHED toolchain</span>"
        }
    );
    if !tc.official {
        let _ = write!(
            summary,
            "<p class=\"note\"><code>{}</code> has {} reference{} to /nix/store: this rebuild is for investigation only.</p>",
            esc(&tc.goroot.display().to_string()),
            tc.patched.len(),
            plural(tc.patched.len())
        );
    }
    let _ = write!(
        summary,
        "<p class=\"muted\">Release <code>{}</code>; {}{}.</p>",
        esc(&r.release.display().to_string()),
        r.provenance,
        if r.verification.is_none() {
            "; the published release was NOT verified (--no-verify)"
        } else {
            ""
        }
    );
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorate_attest::attest::{ArtifactAgreement, SignerAttestation};
    use quorate_attest::verify::Quorum;
    use quorate_diff::{Cause, Confidence, Evidence, Finding, Report, Stats};
    use quorate_manifest::Digest;
    use quorate_reproduce::compare::{QuorateVersions, ToolchainUsed};
    use quorate_reproduce::{CauseSummary, Counts};

    const BAD: &str = "<script>window.__pwned=1</script>\"onmouseover='x'";

    fn artifact(path: &str, status: Status) -> Artifact {
        let (p, b) = match status {
            Status::Reproduced => (Some("aa".repeat(32)), Some("aa".repeat(32))),
            Status::Different => (Some("aa".repeat(32)), Some("bb".repeat(32))),
            Status::Missing => (Some("cc".repeat(32)), None),
            Status::Extra => (None, Some("dd".repeat(32))),
        };
        Artifact {
            path: path.into(),
            status,
            published: p,
            rebuilt: b,
            causes: vec![],
            explanation: None,
            unexplained: None,
            store_paths: None,
        }
    }

    fn outcome() -> Outcome {
        let mut diff = artifact(BAD, Status::Different);
        diff.causes = vec!["patched-toolchain".into()];
        diff.explanation = Some(Report {
            a: "published".into(),
            b: "rebuilt".into(),
            identical: false,
            findings: vec![Finding {
                cause: Cause::PatchedToolchain,
                title: format!("toolchain {BAD}"),
                confidence: Confidence::High,
                subjects: vec![BAD.into()],
                files: vec![BAD.into()],
                fix: Some("build with an unpatched toolchain".into()),
                evidence: (0..20)
                    .map(|i| Evidence {
                        path: vec![BAD.into(), ".rodata".into()],
                        offset_a: Some(i),
                        offset_b: None,
                        what: format!("evidence item {i}"),
                        a: Some("/nix/store/x-tzdata/share/zoneinfo".into()),
                        b: Some(BAD.into()),
                    })
                    .collect(),
                evidence_total: 20,
                knock_on: 0,
            }],
            notes: vec![],
            timed_out: false,
            stats: Stats::default(),
        });
        let build: quorate_release::build::BuildInfo = serde_json::from_value(serde_json::json!({
            "quorate_version": "0.1.0", "name": "hello", "version": "v1", "commit": "c",
            "source_date_epoch": 1, "dirty": false,
            "toolchain": {"version": "1.27.3", "official": false, "found_via": "x", "goroot": "/g"},
            "host": {"os": "linux", "arch": "amd64"},
            "flags": {"ldflags": "", "tags": [], "trimpath": true, "buildvcs": false,
                      "cgo_enabled": "0", "goamd64": "v1", "goflags": ""},
            "targets": [], "packages": [], "vendor": "", "manifest_sha256": ""
        }))
        .unwrap();
        Outcome {
            release: "rel".into(),
            manifest: "rel/manifest-v1.txt".into(),
            version: "v1".into(),
            source: BAD.into(),
            git_ref: "v1".into(),
            commit: "0123456789abcdef".into(),
            verification: None,
            toolchain: ToolchainUsed {
                version: "1.27.3".into(),
                goroot: "/go-nixpkgs".into(),
                official: false,
                patched: vec![],
            },
            quorate: QuorateVersions {
                published: Some("0.1.0".into()),
                reproducing: "0.1.0".into(),
                differs: false,
            },
            published_build: None,
            rebuilt_build: build,
            artifacts: vec![
                diff,
                artifact("ok.tar.gz", Status::Reproduced),
                artifact("gone.zip", Status::Missing),
                artifact("new.zip", Status::Extra),
            ],
            counts: Counts {
                reproduced: 1,
                different: 1,
                missing: 1,
                extra: 1,
            },
            causes: vec![CauseSummary {
                cause: "patched-toolchain".into(),
                title: "a patched toolchain".into(),
                fix: Some("use the official toolchain".into()),
                artifacts: vec![BAD.into()],
                evidence: vec![format!("/nix/store/x-tzdata {BAD}")],
            }],
            warnings: vec![BAD.into()],
            rebuild_dir: None,
            reproduced: false,
        }
    }

    #[test]
    fn lists_every_artifact_links_explanations_and_escapes() {
        let o = ReproduceHtmlOptions {
            max_evidence: 3,
            ..Default::default()
        };
        let h = reproduce_report(&outcome(), None, &o);
        assert!(h.contains("NOT REPRODUCED") && h.contains("PATCHED toolchain"));
        for st in ["REPRODUCED", "DIFFERENT", "MISSING", "EXTRA"] {
            assert!(h.contains(&format!(">{st}</span>")), "{st}");
        }
        // The DIFFERENT row links to its explanation, which holds the finding.
        assert!(h.contains("<a href=\"#x-0\">&lt;script&gt;"));
        assert!(h.contains("<h2 id=\"x-0\" tabindex=\"-1\">Why"));
        assert!(h.contains("id=\"x-0-finding-1\""));
        assert!(h.contains("build with an unpatched toolchain"));
        assert!(h.contains(&format!("<mark>{}</mark>", "bb".repeat(32))));
        // Only the top evidence.
        assert!(h.contains("evidence item 2") && !h.contains("evidence item 3<"));
        assert!(!h.contains("id=\"matrix\""));
        assert!(!h.contains("<script>window"));
        assert_eq!(h.matches("<script>").count(), 1);
        assert!(!h.contains("http://") && !h.contains("https://"));
    }

    #[test]
    fn attestation_matrix_links_disagreement_to_the_explanation() {
        let (good, other) = (Digest([0xaa; 32]), Digest([0xbb; 32]));
        let signer = |n: &str| SignerAttestation {
            signer: n.into(),
            signatures: vec![],
            counts: true,
            problem: None,
            build: None,
        };
        let att = AttestationReport {
            repo: "sigs".into(),
            version: "v1".into(),
            signers: vec![signer("alice"), signer("bob"), signer("dave")],
            quorum: Quorum {
                threshold: 2,
                signers: 3,
                count: 3,
                counted: vec!["alice".into(), "bob".into(), "dave".into()],
                met: true,
                duplicate_keys: vec![],
            },
            artifacts: vec![
                ArtifactAgreement {
                    path: BAD.into(),
                    digests: vec![
                        (good, vec!["alice".into(), "bob".into()]),
                        (other, vec!["dave".into()]),
                    ],
                    majority: Some(good),
                    disagree: vec!["dave".into()],
                    absent: vec![],
                    quorum_met: true,
                    conflicts: vec![],
                },
                ArtifactAgreement {
                    path: "ok.tar.gz".into(),
                    digests: vec![(good, vec!["alice".into(), "bob".into(), "dave".into()])],
                    majority: Some(good),
                    disagree: vec![],
                    absent: vec![],
                    quorum_met: true,
                    conflicts: vec![],
                },
            ],
            ok: false,
        };
        let h = reproduce_report(&outcome(), Some(&att), &ReproduceHtmlOptions::default());
        assert!(h.contains("NOT AGREED"));
        assert!(h.contains("<h2 id=\"matrix\">"));
        assert!(h.contains("<mark>bbbbbbbbbbbb</mark>"));
        assert!(h.contains(
            "<tr id=\"a-0\" class=\"diff\"><th scope=\"row\" class=\"mono val\"><a href=\"#x-0\">"
        ));
        assert!(h.contains("<tr id=\"a-1\"><th scope=\"row\" class=\"mono val\">ok.tar.gz</th>"));
        assert!(!h.contains("<script>window"));
        assert_eq!(h.matches("<script>").count(), 1);
    }
}
