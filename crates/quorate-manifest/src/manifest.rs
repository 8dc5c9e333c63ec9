//! The manifest type and its text format.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::hash::Digest;

/// The largest manifest quorate will parse (64 MiB): far beyond any real
/// release, small enough that hostile input cannot exhaust memory.
pub const MAX_MANIFEST_BYTES: usize = 64 << 20;

/// One line of a manifest: a file's relative path and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Entry {
    /// Relative, `/`-separated path; never absolute, never `..`.
    pub path: String,
    /// SHA-256 of the file's bytes.
    pub digest: Digest,
}

/// A release manifest: entries sorted by path bytes, each path once.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Manifest {
    entries: Vec<Entry>,
}

/// Why a manifest could not be read or built. Every variant names the
/// manifest (or tree) it is about and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line of the manifest is not `<64 hex>  <path>`.
    #[error("{source_name}:{line}: {reason}")]
    Syntax {
        /// The manifest's name.
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        reason: String,
    },
    /// A path in the manifest is unsafe or unusable.
    #[error("{source_name}:{line}: unsafe path {path:?}: {reason}")]
    UnsafePath {
        /// The manifest's name.
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// The path as written.
        path: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// The same path is listed twice.
    #[error("{source_name}:{line}: duplicate entry {path:?} (first listed on line {first_line})")]
    Duplicate {
        /// The manifest's name.
        source_name: String,
        /// 1-based line number of the second listing.
        line: usize,
        /// 1-based line number of the first listing.
        first_line: usize,
        /// The duplicated path.
        path: String,
    },
    /// The manifest is larger than [`MAX_MANIFEST_BYTES`].
    #[error(
        "{source_name}: manifest is {size} bytes, more than the {MAX_MANIFEST_BYTES} quorate accepts"
    )]
    TooLarge {
        /// The manifest's name.
        source_name: String,
        /// Its size in bytes.
        size: u64,
    },
    /// An entry added to a manifest under construction is already there.
    #[error("duplicate entry {0:?}")]
    DuplicateEntry(String),
    /// An entry added to a manifest under construction has an unsafe path.
    #[error("unsafe path {path:?}: {reason}")]
    BadEntryPath {
        /// The path.
        path: String,
        /// Why it is refused.
        reason: &'static str,
    },
}

/// Checks that `path` is a safe manifest path: relative, `/`-separated, no
/// empty, `.` or `..` component, no backslash, newline, carriage return or
/// NUL. Returns the reason when it is not.
pub fn validate_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.starts_with('/') {
        return Err("absolute paths are not allowed");
    }
    if path.contains('\\') {
        return Err("backslashes are not allowed (sha256sum would escape them)");
    }
    if path.contains(['\n', '\r', '\0']) {
        return Err("control characters are not allowed in paths");
    }
    if path.len() >= 2 && path.as_bytes()[1] == b':' && path.as_bytes()[0].is_ascii_alphabetic() {
        return Err("drive-letter paths are not allowed");
    }
    for part in path.split('/') {
        match part {
            "" => return Err("empty path component (`//` or trailing `/`)"),
            "." => return Err("`.` components are not allowed"),
            ".." => return Err("`..` components are not allowed"),
            _ => {}
        }
    }
    Ok(())
}

impl Manifest {
    /// An empty manifest.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a manifest from entries, sorting them; refuses duplicates and
    /// unsafe paths.
    pub fn from_entries(mut entries: Vec<Entry>) -> Result<Self, ManifestError> {
        for e in &entries {
            validate_path(&e.path).map_err(|reason| ManifestError::BadEntryPath {
                path: e.path.clone(),
                reason,
            })?;
        }
        entries.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        for w in entries.windows(2) {
            if w[0].path == w[1].path {
                return Err(ManifestError::DuplicateEntry(w[0].path.clone()));
            }
        }
        Ok(Self { entries })
    }

    /// Adds one entry, keeping the order; refuses a duplicate or unsafe path.
    pub fn insert(&mut self, path: impl Into<String>, digest: Digest) -> Result<(), ManifestError> {
        let path = path.into();
        validate_path(&path).map_err(|reason| ManifestError::BadEntryPath {
            path: path.clone(),
            reason,
        })?;
        match self
            .entries
            .binary_search_by(|e| e.path.as_bytes().cmp(path.as_bytes()))
        {
            Ok(_) => Err(ManifestError::DuplicateEntry(path)),
            Err(at) => {
                self.entries.insert(at, Entry { path, digest });
                Ok(())
            }
        }
    }

    /// The entries, sorted by path bytes.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The digest listed for `path`, if any.
    pub fn get(&self, path: &str) -> Option<&Digest> {
        self.entries
            .binary_search_by(|e| e.path.as_bytes().cmp(path.as_bytes()))
            .ok()
            .map(|i| &self.entries[i].digest)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the manifest lists nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Parses manifest text. `source_name` names the manifest in errors.
    ///
    /// Accepts exactly what quorate writes and what `sha256sum` writes for
    /// plain names: `<64 hex>  <path>` (a `*` binary marker instead of the
    /// second space is accepted too), LF line ends, entries in any order.
    /// Refuses CRLF, malformed hex, unsafe paths and duplicates, each with
    /// the line number.
    pub fn parse(text: &[u8], source_name: &str) -> Result<Self, ManifestError> {
        if text.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge {
                source_name: source_name.to_string(),
                size: text.len() as u64,
            });
        }
        let syntax = |line: usize, reason: String| ManifestError::Syntax {
            source_name: source_name.to_string(),
            line,
            reason,
        };
        let mut entries: Vec<(Entry, usize)> = Vec::new();
        let body = text.strip_suffix(b"\n").unwrap_or(text);
        if body.is_empty() {
            return Ok(Self::new());
        }
        for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
            let line = i + 1;
            if raw.ends_with(b"\r") {
                return Err(syntax(
                    line,
                    "line ends with CRLF; manifests use LF line ends (convert with `dos2unix`)"
                        .into(),
                ));
            }
            if raw.is_empty() {
                return Err(syntax(line, "empty line".into()));
            }
            let raw = std::str::from_utf8(raw)
                .map_err(|_| syntax(line, "line is not valid UTF-8".into()))?;
            if raw.starts_with('\\') {
                return Err(syntax(
                    line,
                    "escaped name (a leading `\\`): names with backslash or newline are not supported"
                        .into(),
                ));
            }
            if raw.len() < 66 || !raw.is_char_boundary(64) {
                return Err(syntax(line, "expected `<64 hex digits>  <path>`".into()));
            }
            let (hex, rest) = raw.split_at(64);
            let digest = Digest::from_hex(hex).ok_or_else(|| {
                syntax(
                    line,
                    format!("malformed SHA-256 {hex:?}: expected 64 hexadecimal digits"),
                )
            })?;
            let path = rest
                .strip_prefix("  ")
                .or_else(|| rest.strip_prefix(" *"))
                .ok_or_else(|| {
                    syntax(
                        line,
                        "expected two spaces between the digest and the path".into(),
                    )
                })?;
            validate_path(path).map_err(|reason| ManifestError::UnsafePath {
                source_name: source_name.to_string(),
                line,
                path: path.to_string(),
                reason,
            })?;
            entries.push((
                Entry {
                    path: path.to_string(),
                    digest,
                },
                line,
            ));
        }
        entries.sort_by(|a, b| {
            a.0.path
                .as_bytes()
                .cmp(b.0.path.as_bytes())
                .then(a.1.cmp(&b.1))
        });
        for w in entries.windows(2) {
            if w[0].0.path == w[1].0.path {
                return Err(ManifestError::Duplicate {
                    source_name: source_name.to_string(),
                    line: w[1].1,
                    first_line: w[0].1,
                    path: w[1].0.path.clone(),
                });
            }
        }
        Ok(Self {
            entries: entries.into_iter().map(|(e, _)| e).collect(),
        })
    }

    /// Reads and parses a manifest file.
    pub fn read(path: &Path) -> Result<Self, ManifestError> {
        let io = |source| ManifestError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.len() > MAX_MANIFEST_BYTES as u64 {
            return Err(ManifestError::TooLarge {
                source_name: path.display().to_string(),
                size: meta.len(),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        Self::parse(&bytes, &path.display().to_string())
    }

    /// The manifest as text, in the exact format `sha256sum` writes.
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// Writes the manifest to `path` atomically.
    pub fn write(&self, path: &Path) -> Result<(), ManifestError> {
        crate::fsutil::write_atomic(path, self.to_text().as_bytes()).map_err(|source| {
            ManifestError::Io {
                path: path.to_path_buf(),
                source,
            }
        })
    }

    /// The set of listed paths.
    pub fn paths(&self) -> BTreeSet<&str> {
        self.entries.iter().map(|e| e.path.as_str()).collect()
    }
}

impl fmt::Display for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.entries {
            writeln!(f, "{}  {}", e.digest, e.path)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn round_trip_sorted() {
        let text = format!("{H}  b\n{H}  a/x\n{H}  A\n");
        let m = Manifest::parse(text.as_bytes(), "m").unwrap();
        assert_eq!(m.to_text(), format!("{H}  A\n{H}  a/x\n{H}  b\n"));
        assert_eq!(Manifest::parse(m.to_text().as_bytes(), "m").unwrap(), m);
    }

    #[test]
    fn refuses_bad_lines() {
        for (text, want) in [
            (format!("{H}  a\r\n"), "CRLF"),
            (format!("{}  a\n", &H[..63]), "expected"),
            (format!("{}g  a\n", &H[..63]), "malformed"),
            (format!("{H}  ../a\n"), "`..`"),
            (format!("{H}  /etc/passwd\n"), "absolute"),
            (format!("{H}  a\n{H}  a\n"), "duplicate"),
            (format!("{H} a\n"), "two spaces"),
            (format!("\n{H}  a\n"), "empty line"),
        ] {
            let err = Manifest::parse(text.as_bytes(), "m.txt")
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{text:?}: {err}");
            assert!(err.starts_with("m.txt:"), "{err}");
        }
    }

    #[test]
    fn accepts_binary_marker_and_empty() {
        let m = Manifest::parse(format!("{H} *a\n").as_bytes(), "m").unwrap();
        assert_eq!(m.entries()[0].path, "a");
        assert!(Manifest::parse(b"", "m").unwrap().is_empty());
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = Manifest::parse(&bytes, "fuzz");
        }
    }
}
