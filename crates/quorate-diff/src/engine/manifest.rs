//! A SHA-256 manifest (`<64 hex>  <path>` lines, quorate's or
//! `sha256sum`'s): compared entry by entry, not as text. A digest differs
//! because its file differs: when that file was compared (and differed)
//! in the same walk, the digest follows from the file's own findings and
//! is counted in a `knock-on` note, not reported; a digest of a file not compared here is
//! `unexplained`, an entry on one side only is `file-set`.

use std::collections::BTreeMap;

use quorate_manifest::Manifest;

use super::Engine;
use crate::model::{Cause, Confidence};

/// The manifest's entries (path → digest), if `d` is a manifest.
pub(crate) fn entries(d: &[u8]) -> Option<BTreeMap<String, String>> {
    if d.is_empty() || !d.first().is_some_and(u8::is_ascii_hexdigit) {
        return None;
    }
    let m = Manifest::parse(d, "manifest").ok()?;
    Some(
        m.entries()
            .iter()
            .map(|e| (e.path.clone(), e.digest.to_string()))
            .collect(),
    )
}

impl Engine<'_> {
    /// Compares two manifests entry by entry; true when that accounts for
    /// their difference, false when either side is not a manifest or no
    /// entry differs (then they are compared as bytes).
    pub(super) fn manifest(&mut self, path: &[String], a: &[u8], b: &[u8]) -> bool {
        let (Some(ma), Some(mb)) = (entries(a), entries(b)) else {
            return false;
        };
        let before = self.observed;
        let mut follow = 0usize;
        let mut names: Vec<&String> = ma.keys().chain(mb.keys()).collect();
        names.sort();
        names.dedup();
        for n in names {
            let (x, y) = (ma.get(n), mb.get(n));
            if x == y {
                continue;
            }
            if self.differing.contains(n.as_str()) {
                follow += 1;
                continue;
            }
            let mut p = path.to_vec();
            p.push(n.clone());
            let (cause, conf, what) = if x.is_some() && y.is_some() {
                (
                    Cause::Unexplained,
                    Confidence::Low,
                    "digest of a file not compared here (or equal here)",
                )
            } else {
                (
                    Cause::FileSet,
                    Confidence::High,
                    "manifest entry on one side only",
                )
            };
            self.obs(
                cause,
                conf,
                Some(n.clone()),
                path,
                p,
                (None, None),
                what,
                x.cloned(),
                y.cloned(),
            );
        }
        if follow > 0 {
            self.note(
                "knock-on",
                path,
                format!(
                    "{follow} digests differ because their files differ (their findings are above)"
                ),
            );
        }
        self.observed != before || follow > 0
    }
}

#[cfg(test)]
mod tests {
    use crate::{Cause, DiffOptions, diff_paths};

    #[test]
    fn digests_follow_from_their_files() {
        let t = tempfile::tempdir().unwrap();
        let line = |c: char, p: &str| format!("{}  {p}\n", c.to_string().repeat(64));
        for (side, body, digest) in [("a", "one", 'a'), ("b", "two", 'b')] {
            let d = t.path().join(side);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("app"), body).unwrap();
            std::fs::write(d.join("same"), "same").unwrap();
            // The digest of `same` differs too: not a file that differs here.
            let m = format!("{}{}", line(digest, "app"), line(digest, "same"));
            std::fs::write(d.join("manifest.txt"), m).unwrap();
        }
        let r = diff_paths(
            &t.path().join("a"),
            &t.path().join("b"),
            &DiffOptions::default(),
        )
        .unwrap();
        let causes: Vec<Cause> = r.findings.iter().map(|f| f.cause).collect();
        // `app` is a string; its digest is counted; `same`'s is unexplained.
        assert_eq!(
            causes,
            vec![Cause::EmbeddedString, Cause::Unexplained],
            "{r:#?}"
        );
        let u = &r.findings[1];
        assert_eq!(u.subjects, vec!["same".to_string()]);
        assert!(
            r.notes
                .iter()
                .any(|n| n.kind == "knock-on" && n.message.starts_with("1 digests")),
            "{:?}",
            r.notes
        );
    }
}
