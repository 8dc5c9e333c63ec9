//! Detecting a patched toolchain: references to `/nix/store/` in its
//! sources.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{PatchFinding, ToolchainError};

const NEEDLE: &[u8] = b"/nix/store/";
const MAX_TEXT: usize = 200;

/// Finds every reference to `/nix/store/` in the toolchain at `goroot`:
/// the GOROOT itself lying under `/nix/store` (one finding, line 0), and
/// every line of a `.go` file under `GOROOT/src` (testdata folders and
/// `_test.go` files skipped) that contains `/nix/store/`, sorted by file and
/// line. Files are read in parallel. Empty for an official toolchain.
pub fn patch_findings(goroot: &Path) -> Result<Vec<PatchFinding>, ToolchainError> {
    let mut findings = Vec::new();
    let real = goroot
        .canonicalize()
        .map_err(|e| ToolchainError::io(goroot, e))?;
    if real.starts_with("/nix/store") || goroot.starts_with("/nix/store") {
        findings.push(PatchFinding {
            file: real.clone(),
            line: 0,
            text: "the GOROOT is in the Nix store (a Nixpkgs-built Go)".into(),
        });
    }
    let src = goroot.join("src");
    let files = go_sources(&src)?;
    let finder = memchr::memmem::Finder::new(NEEDLE);
    let mut per_file: Vec<Vec<PatchFinding>> = files
        .par_iter()
        .map(|path| -> Result<Vec<PatchFinding>, ToolchainError> {
            let bytes = std::fs::read(path).map_err(|e| ToolchainError::io(path, e))?;
            let rel = path.strip_prefix(goroot).unwrap_or(path).to_path_buf();
            Ok(scan(&bytes, &finder, &rel))
        })
        .collect::<Result<_, _>>()?;
    per_file.retain(|v| !v.is_empty());
    let mut rest: Vec<PatchFinding> = per_file.into_iter().flatten().collect();
    rest.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    findings.extend(rest);
    Ok(findings)
}

/// Every line of `bytes` holding the needle (one finding per line).
fn scan(bytes: &[u8], finder: &memchr::memmem::Finder<'_>, rel: &Path) -> Vec<PatchFinding> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = finder.find(&bytes[from..]) {
        let at = from + pos;
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..start]).count();
        let text = String::from_utf8_lossy(&bytes[start..end]);
        let text = text.trim();
        let text = if text.chars().count() > MAX_TEXT {
            let cut: String = text.chars().take(MAX_TEXT).collect();
            format!("{cut}…")
        } else {
            text.to_string()
        };
        out.push(PatchFinding {
            file: rel.to_path_buf(),
            line,
            text,
        });
        from = end;
        if from >= bytes.len() {
            break;
        }
    }
    out
}

/// The `.go` files under `src`, without testdata folders and `_test.go`
/// files. A missing `src` is an error: a GOROOT without sources cannot be
/// checked.
fn go_sources(src: &Path) -> Result<Vec<PathBuf>, ToolchainError> {
    if !src.is_dir() {
        return Err(ToolchainError::NotAToolchain {
            path: src.to_path_buf(),
            reason: "no src/ folder: the toolchain's sources are needed to check it is unpatched"
                .into(),
            via: None,
        });
    }
    let mut files = Vec::with_capacity(16384);
    let walker = walkdir::WalkDir::new(src)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == "testdata"));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(src).to_path_buf();
            ToolchainError::io(&path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().as_encoded_bytes();
        if name.ends_with(b".go") && !name.ends_with(b"_test.go") {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_every_line() {
        let text = b"package x\nvar a = \"/nix/store/abc-tzdata/\" // /nix/store/again\n\nvar b = \"/usr\"\n\"/nix/store/z\"";
        let f = memchr::memmem::Finder::new(NEEDLE);
        let found = scan(text, &f, Path::new("src/x.go"));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].line, 2);
        assert!(found[0].text.starts_with("var a"));
        assert_eq!(found[1].line, 5);
        assert_eq!(found[1].text, "\"/nix/store/z\"");
    }

    #[test]
    fn skips_tests_and_testdata() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src/pkg");
        std::fs::create_dir_all(src.join("testdata")).unwrap();
        std::fs::write(src.join("a_test.go"), "\"/nix/store/x\"").unwrap();
        std::fs::write(src.join("testdata/b.go"), "\"/nix/store/x\"").unwrap();
        std::fs::write(src.join("c.txt"), "\"/nix/store/x\"").unwrap();
        std::fs::write(src.join("ok.go"), "package pkg\n").unwrap();
        assert!(patch_findings(dir.path()).unwrap().is_empty());
        std::fs::write(
            src.join("bad.go"),
            "package pkg\n\nvar p = \"/nix/store/h-x\"\n",
        )
        .unwrap();
        let f = patch_findings(dir.path()).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].file, Path::new("src/pkg/bad.go"));
        assert_eq!(f[0].line, 3);
    }
}
