//! The HTML renderings of a release verification (signers, quorum, files)
//! and of an attestation repository (the artifact × signer matrix).

use std::fmt::Write;

use quorate_attest::attest::AttestationReport;
use quorate_attest::verify::{Quorum, ReleaseReport, SignatureReport, Verdict};
use quorate_manifest::EntryStatus;

use crate::page::{esc, page};

/// Options of the verify and attestation pages.
#[derive(Clone, Debug)]
pub struct VerifyHtmlOptions {
    /// Rows of the file table shown (the rest is summarized; mismatches
    /// are always shown first).
    pub max_files: usize,
    /// Where the trust came from (the policy file, keys folder or project
    /// the user named), shown at the top of the verify page.
    pub trust: Option<String>,
}

impl Default for VerifyHtmlOptions {
    fn default() -> Self {
        VerifyHtmlOptions {
            max_files: 5000,
            trust: None,
        }
    }
}

/// The release's identity as the page states it: the signed version and
/// project (from the build.json the signatures cover), what the file names
/// claim, any problem with it, and where the trust came from.
fn identity(body: &mut String, r: &ReleaseReport, o: &VerifyHtmlOptions) {
    body.push_str("<section aria-labelledby=\"release\"><h2 id=\"release\">Release</h2><dl>");
    if let Some(t) = &o.trust {
        let _ = write!(body, "<dt>Trust</dt><dd class=\"mono\">{}</dd>", esc(t));
    }
    let signed = r.signed.as_ref();
    let _ = write!(
        body,
        "<dt>Signed version</dt><dd class=\"mono\">{}</dd>",
        match signed.and_then(|s| s.version.as_ref()) {
            Some(v) => esc(v),
            None => "<span class=\"muted\">none: nothing signed states it</span>".into(),
        }
    );
    if let Some(name) = signed.and_then(|s| s.name.as_ref()) {
        let _ = write!(
            body,
            "<dt>Signed project</dt><dd class=\"mono\">{}</dd>",
            esc(name)
        );
    }
    let _ = write!(
        body,
        "<dt>File names say</dt><dd class=\"mono\">{}</dd></dl>",
        esc(&r.claimed_version)
    );
    if let Some(p) = &r.version_problem {
        let _ = write!(
            body,
            "<p><span class=\"verdict bad\">VERSION</span> {}</p>",
            esc(p)
        );
    }
    body.push_str("</section>\n");
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Good => "ok",
        Verdict::Duplicate | Verdict::Expired => "warn",
        _ => "bad",
    }
}

fn opt(s: &Option<String>) -> String {
    match s {
        Some(v) => esc(v),
        None => "<span class=\"muted\">—</span>".into(),
    }
}

/// The quorum verdict as a `<section id="quorum">`.
pub(crate) fn quorum(s: &mut String, q: &Quorum) {
    let _ = writeln!(
        s,
        "<section aria-labelledby=\"quorum\"><h2 id=\"quorum\">Quorum</h2><p><span class=\"verdict {}\">{}</span> {} of {} required distinct pinned key{} signed ({} signer{} in the policy){}</p></section>",
        if q.met { "ok" } else { "bad" },
        if q.met {
            "QUORUM MET"
        } else {
            "QUORUM NOT MET"
        },
        q.count,
        q.threshold,
        if q.threshold == 1 { "" } else { "s" },
        q.signers,
        if q.signers == 1 { "" } else { "s" },
        if q.counted.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                q.counted
                    .iter()
                    .map(|c| esc(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
}

fn signer_rows(s: &mut String, sigs: &[SignatureReport]) {
    s.push_str("<table><thead><tr><th scope=\"col\">Signature file</th><th scope=\"col\">Verdict</th><th scope=\"col\">Signer</th><th scope=\"col\">Fingerprint</th><th scope=\"col\">Made</th><th scope=\"col\">Counts</th><th scope=\"col\">Why / notes</th></tr></thead><tbody>\n");
    for r in sigs {
        let file = if r.index > 0 {
            format!("{} #{}", r.file, r.index + 1)
        } else {
            r.file.clone()
        };
        let mut why = Vec::new();
        if let Some(x) = &r.reason {
            why.push(esc(x));
        }
        if let Some(c) = &r.claimed_signer
            && r.signer.as_ref() != Some(c)
        {
            why.push(format!("file name claims {}", esc(c)));
        }
        for n in &r.notes {
            why.push(esc(n));
        }
        let fpr = match (&r.fingerprint, &r.signing_key) {
            (Some(f), Some(k)) => format!(
                "{}<br><span class=\"muted\">subkey {}</span>",
                esc(f),
                esc(k)
            ),
            (f, _) => opt(f),
        };
        let _ = writeln!(
            s,
            "<tr{}><th scope=\"row\" class=\"mono val\">{}</th><td><span class=\"verdict {}\">{}</span> <span class=\"muted\">{}</span></td><td>{}</td><td class=\"mono val\">{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"val\">{}</td></tr>",
            if r.verdict == Verdict::Good {
                ""
            } else {
                " class=\"diff\""
            },
            esc(&file),
            verdict_class(r.verdict),
            r.verdict.as_str(),
            match r.scheme {
                quorate_attest::verify::Scheme::Openpgp => "OpenPGP",
                quorate_attest::verify::Scheme::Ssh => "SSH",
            },
            opt(&r.signer),
            fpr,
            opt(&r.created),
            if r.counts { "yes" } else { "no" },
            why.join("<br>")
        );
    }
    s.push_str("</tbody></table>\n");
}

/// Renders a release verification as one self-contained HTML page.
pub fn verify_report(r: &ReleaseReport, o: &VerifyHtmlOptions) -> String {
    let mut body = String::new();
    identity(&mut body, r, o);
    quorum(&mut body, &r.quorum);
    body.push_str("<section aria-labelledby=\"signers\"><h2 id=\"signers\">Signatures</h2>\n");
    if r.signatures.is_empty() {
        body.push_str("<p class=\"note\">No signature was found.</p>");
    } else {
        signer_rows(&mut body, &r.signatures);
    }
    if !r.ignored.is_empty() {
        let v: Vec<String> = r.ignored.iter().take(100).map(|x| esc(x)).collect();
        let _ = write!(
            body,
            "<p class=\"muted\">Not verified (another version): <span class=\"mono\">{}</span></p>",
            v.join(", ")
        );
    }
    body.push_str("</section>\n");

    let (ok, bad, missing, unreadable) = r.files.counts();
    let _ = write!(
        body,
        "<section aria-labelledby=\"filetable\"><h2 id=\"filetable\">Files</h2><p><span class=\"verdict {}\">{}</span> {ok} match, {bad} differ, {missing} missing{}, {unreadable} unreadable, {} not listed</p>",
        if r.files_ok() { "ok" } else { "bad" },
        if r.files_ok() {
            "FILES OK"
        } else {
            "FILES FAIL"
        },
        if r.require_all { "" } else { " (allowed)" },
        r.files.unlisted.len()
    );
    body.push_str("<table><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Status</th><th scope=\"col\">Listed SHA-256</th><th scope=\"col\">Found</th></tr></thead><tbody>\n");
    let mut rows: Vec<_> = r.files.entries.iter().collect();
    rows.sort_by_key(|e| matches!(e.status, EntryStatus::Match));
    for e in rows.iter().take(o.max_files) {
        let (cls, st, found) = match &e.status {
            EntryStatus::Match => ("ok", "MATCH", String::new()),
            EntryStatus::Mismatch { actual } => ("bad", "MISMATCH", esc(&actual.to_hex())),
            EntryStatus::Missing => (
                if r.require_all { "bad" } else { "warn" },
                "MISSING",
                String::new(),
            ),
            EntryStatus::Unreadable { error } => ("bad", "UNREADABLE", esc(error)),
        };
        let _ = writeln!(
            body,
            "<tr{}><th scope=\"row\" class=\"mono val\">{}</th><td><span class=\"verdict {cls}\">{st}</span></td><td class=\"mono val\">{}</td><td class=\"mono val\">{found}</td></tr>",
            if cls == "ok" { "" } else { " class=\"diff\"" },
            esc(&e.path),
            esc(&e.expected.to_hex())
        );
    }
    for u in r.files.unlisted.iter().take(o.max_files) {
        let _ = writeln!(
            body,
            "<tr><th scope=\"row\" class=\"mono val\">{}</th><td><span class=\"verdict warn\">NOT LISTED</span></td><td></td><td></td></tr>",
            esc(u)
        );
    }
    body.push_str("</tbody></table>");
    if rows.len() > o.max_files {
        let _ = write!(
            body,
            "<p class=\"muted\">{} more matching files not shown.</p>",
            rows.len() - o.max_files
        );
    }
    body.push_str("</section>\n");

    let title = format!("quorate verify: {} {}", r.dir.display(), r.version);
    let heading = format!(
        "quorate verify: <code>{}</code> {}",
        esc(&r.dir.display().to_string()),
        esc(&r.version)
    );
    let summary = format!(
        "<p><span class=\"verdict {}\">{}</span> manifest <code>{}</code></p>",
        if r.ok { "ok" } else { "bad" },
        if r.ok { "VERIFIED" } else { "NOT VERIFIED" },
        esc(&r.manifest.display().to_string())
    );
    let toc = [
        ("release", "Release".to_string()),
        ("quorum", "Quorum".to_string()),
        ("signers", format!("Signatures ({})", r.signatures.len())),
        ("filetable", format!("Files ({})", r.files.entries.len())),
    ];
    page(&title, &heading, &summary, &toc, &body)
}

/// The artifact × signer matrix of `r` (an open `<section id="matrix">`:
/// the caller adds its closing paragraph and `</section>`). `link` gives
/// the anchor of an artifact's explanation, when the page has one.
pub(crate) fn matrix(
    body: &mut String,
    r: &AttestationReport,
    o: &VerifyHtmlOptions,
    link: &dyn Fn(&str) -> Option<String>,
) {
    let signers: Vec<&str> = r.signers.iter().map(|s| s.signer.as_str()).collect();
    let _ = write!(
        body,
        "<section aria-labelledby=\"matrix\"><h2 id=\"matrix\">Artifacts × signers</h2><p class=\"muted\">Each cell: the digest that signer attests (short), marked when it disagrees with the majority. Disagreeing rows are marked.</p><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Artifact</th>"
    );
    for s in &signers {
        let _ = write!(body, "<th scope=\"col\" class=\"mono\">{}</th>", esc(s));
    }
    body.push_str("<th scope=\"col\">Agreement</th></tr></thead><tbody>\n");
    for (k, a) in r.artifacts.iter().enumerate().take(o.max_files) {
        let disagree = !a.disagree.is_empty() || a.majority.is_none();
        let name = match link(&a.path) {
            Some(href) => format!("<a href=\"{}\">{}</a>", esc(&href), esc(&a.path)),
            None => esc(&a.path),
        };
        let _ = write!(
            body,
            "<tr id=\"a-{k}\"{}><th scope=\"row\" class=\"mono val\">{name}</th>",
            if disagree { " class=\"diff\"" } else { "" },
        );
        for s in &signers {
            let d = a
                .digests
                .iter()
                .find(|(_, who)| who.iter().any(|w| w == s))
                .map(|(d, _)| d);
            let cell = match d {
                Some(d) => {
                    let hex = d.to_hex();
                    let short = esc(&hex[..12]);
                    if a.majority.as_ref() == Some(d) {
                        format!("<td class=\"mono\" title=\"{}\">{short}</td>", esc(&hex))
                    } else {
                        format!(
                            "<td class=\"mono diff\" title=\"{}\"><mark>{short}</mark> <span class=\"bad verdict\">differs</span></td>",
                            esc(&hex)
                        )
                    }
                }
                None if a.absent.iter().any(|x| x == s) => {
                    "<td class=\"diff\"><span class=\"verdict warn\">absent</span></td>".into()
                }
                None => "<td class=\"muted\">—</td>".into(),
            };
            body.push_str(&cell);
        }
        let _ = writeln!(
            body,
            "<td><span class=\"verdict {}\">{}</span></td></tr>",
            if a.quorum_met && a.disagree.is_empty() {
                "ok"
            } else {
                "bad"
            },
            if a.quorum_met && a.disagree.is_empty() {
                "agreed".to_string()
            } else if a.disagree.is_empty() {
                "below threshold".to_string()
            } else {
                format!("{} disagree", a.disagree.len())
            }
        );
    }
    body.push_str("</tbody></table></div>");
    if r.artifacts.len() > o.max_files {
        let _ = write!(
            body,
            "<p class=\"muted\">{} more artifacts not shown.</p>",
            r.artifacts.len() - o.max_files
        );
    }
}

/// Renders an attestation comparison (who attests which digest for each
/// artifact) as one self-contained HTML page.
pub fn attestation_report(r: &AttestationReport, o: &VerifyHtmlOptions) -> String {
    let mut body = String::new();
    quorum(&mut body, &r.quorum);
    matrix(&mut body, r, o, &|_| None);
    body.push_str("<p class=\"muted\">To see why two builders' artifacts differ, run <code>quorate diff --html FILE A B</code> on them.</p></section>\n");

    body.push_str("<section aria-labelledby=\"signers\"><h2 id=\"signers\">Signers</h2>\n");
    for s in &r.signers {
        let _ = write!(
            body,
            "<h3 class=\"mono\">{} <span class=\"verdict {}\">{}</span></h3>",
            esc(&s.signer),
            if s.counts { "ok" } else { "bad" },
            if s.counts { "counts" } else { "does not count" }
        );
        if let Some(p) = &s.problem {
            let _ = write!(body, "<p class=\"note\">{}</p>", esc(p));
        }
        if !s.signatures.is_empty() {
            signer_rows(&mut body, &s.signatures);
        }
    }
    body.push_str("</section>\n");

    let title = format!(
        "quorate verify: attestations {} {}",
        r.repo.display(),
        r.version
    );
    let heading = format!(
        "Attestations: <code>{}</code> {}",
        esc(&r.repo.display().to_string()),
        esc(&r.version)
    );
    let summary = format!(
        "<p><span class=\"verdict {}\">{}</span> {} signer folder{}, {} artifact{}</p>",
        if r.ok { "ok" } else { "bad" },
        if r.ok { "AGREED" } else { "NOT AGREED" },
        r.signers.len(),
        if r.signers.len() == 1 { "" } else { "s" },
        r.artifacts.len(),
        if r.artifacts.len() == 1 { "" } else { "s" }
    );
    let toc = [
        ("quorum", "Quorum".to_string()),
        ("matrix", "Artifacts × signers".to_string()),
        ("signers", "Signers".to_string()),
    ];
    page(&title, &heading, &summary, &toc, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorate_attest::attest::{ArtifactAgreement, SignerAttestation};
    use quorate_attest::verify::Scheme;
    use quorate_manifest::{CheckEntry, CheckReport, Digest};

    const BAD: &str = "<script>window.__pwned=1</script>\"onmouseover='x'";

    fn sig(file: &str, signer: &str, v: Verdict) -> SignatureReport {
        let mut r = SignatureReport::new(Scheme::Ssh);
        r.file = file.into();
        r.signer = Some(signer.into());
        r.verdict = v;
        r.fingerprint = Some(format!("SHA256:{signer}"));
        r.counts = v == Verdict::Good;
        r
    }

    fn quorum(met: bool) -> Quorum {
        Quorum {
            threshold: 2,
            signers: 3,
            count: if met { 2 } else { 1 },
            counted: vec!["alice".into(), BAD.into()],
            met,
            duplicate_keys: vec![],
        }
    }

    #[test]
    fn verify_page_lists_signers_quorum_files_escaped() {
        let r = ReleaseReport {
            dir: "dist/v1".into(),
            manifest: "dist/v1/manifest-v1.txt".into(),
            version: "v1".into(),
            claimed_version: "v1".into(),
            signed: None,
            version_problem: None,
            strict: false,
            signatures: vec![
                sig("manifest-alice-v1.sshsig", "alice", Verdict::Good),
                sig(&format!("manifest-{BAD}-v1.sig"), BAD, Verdict::Unknown),
            ],
            ignored: vec![],
            quorum: quorum(false),
            files: CheckReport {
                entries: vec![
                    CheckEntry {
                        path: "ok.tar.gz".into(),
                        expected: Digest([1; 32]),
                        status: EntryStatus::Match,
                    },
                    CheckEntry {
                        path: BAD.into(),
                        expected: Digest([2; 32]),
                        status: EntryStatus::Mismatch {
                            actual: Digest([3; 32]),
                        },
                    },
                ],
                unlisted: vec![],
            },
            require_all: false,
            checksum_list: true,
            checksum_error: None,
            ok: false,
        };
        let h = verify_report(&r, &VerifyHtmlOptions::default());
        assert!(h.contains("QUORUM NOT MET"));
        assert!(h.contains(">GOOD</span>") && h.contains(">UNKNOWN</span>"));
        assert!(h.contains("SHA256:alice"));
        assert!(h.contains(">MISMATCH</span>"));
        assert!(h.contains(&"03".repeat(32)));
        // The mismatch is listed before the match.
        assert!(h.find("MISMATCH").unwrap() < h.find(">MATCH<").unwrap());
        assert!(!h.contains("<script>window"));
        assert!(h.contains(
            "&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot;onmouseover=&#39;x&#39;"
        ));
        assert_eq!(h.matches("<script>").count(), 1);
        // Nothing signed states the version: the page says so.
        assert!(h.contains("none: nothing signed states it"));

        // The signed identity, the claimed one, the problem and the trust.
        let mut r = r;
        r.signed = Some(quorate_attest::verify::SignedRelease {
            name: Some(format!("tapd{BAD}")),
            version: Some("v0.9.0".into()),
        });
        r.claimed_version = "v1.0.0".into();
        r.version_problem = Some(format!("renamed {BAD}"));
        let h = verify_report(
            &r,
            &VerifyHtmlOptions {
                trust: Some(format!("policy {BAD}")),
                ..VerifyHtmlOptions::default()
            },
        );
        assert!(h.contains("<dt>Signed version</dt><dd class=\"mono\">v0.9.0</dd>"));
        assert!(h.contains("<dt>File names say</dt><dd class=\"mono\">v1.0.0</dd>"));
        assert!(h.contains("<dt>Signed project</dt><dd class=\"mono\">tapd&lt;script&gt;"));
        assert!(h.contains("<dt>Trust</dt><dd class=\"mono\">policy &lt;script&gt;"));
        assert!(h.contains(">VERSION</span> renamed &lt;script&gt;"));
        assert_eq!(h.matches("<script>").count(), 1);
    }

    #[test]
    fn attestation_matrix_marks_disagreement() {
        let (good, other) = (Digest([0xaa; 32]), Digest([0xbb; 32]));
        let signer = |n: &str| SignerAttestation {
            signer: n.into(),
            signatures: vec![sig("manifest.sig", n, Verdict::Good)],
            counts: true,
            problem: None,
            build: None,
        };
        let r = AttestationReport {
            repo: "sigs".into(),
            version: "v1".into(),
            signers: vec![signer("alice"), signer("bob"), signer(BAD)],
            quorum: quorum(true),
            artifacts: vec![
                ArtifactAgreement {
                    path: "tapd-linux-amd64.tar.gz".into(),
                    digests: vec![
                        (good, vec!["alice".into(), "bob".into()]),
                        (other, vec![BAD.into()]),
                    ],
                    majority: Some(good),
                    disagree: vec![BAD.into()],
                    absent: vec![],
                    quorum_met: true,
                    conflicts: vec![],
                },
                ArtifactAgreement {
                    path: "tapd-src.tar.gz".into(),
                    digests: vec![(good, vec!["alice".into(), "bob".into()])],
                    majority: Some(good),
                    disagree: vec![],
                    absent: vec![BAD.into()],
                    quorum_met: true,
                    conflicts: vec![],
                },
            ],
            ok: false,
        };
        let h = attestation_report(&r, &VerifyHtmlOptions::default());
        assert!(h.contains("NOT AGREED"));
        assert!(h.contains("<mark>bbbbbbbbbbbb</mark>"));
        assert!(h.contains("1 disagree"));
        assert!(h.contains(">absent</span>"));
        assert_eq!(h.matches("<tr id=\"a-0\" class=\"diff\">").count(), 1);
        assert!(!h.contains("<script>window"));
        assert_eq!(h.matches("<script>").count(), 1);
    }
}
