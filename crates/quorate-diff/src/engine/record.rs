//! quorate's build record (`build.json`): compared as data, key by key,
//! not as text. A different toolchain in it is the toolchain's cause (a
//! patched or other toolchain, another Go version), a different setting is
//! a build setting; the release's own facts (version, commit, dirty tree,
//! SOURCE_DATE_EPOCH) are the embedded strings they become in binaries.

use serde_json::{Map, Value};

use super::Engine;
use crate::model::{Cause, Confidence};

/// The keys that make JSON a quorate build record.
const KEYS: [&str; 3] = ["quorate_version", "toolchain", "flags"];

/// The JSON object, if `d` is a quorate build record.
fn record(d: &[u8]) -> Option<Map<String, Value>> {
    let d = d.trim_ascii_start();
    if !d.starts_with(b"{") || d.len() > 1 << 20 {
        return None;
    }
    match serde_json::from_slice::<Value>(d).ok()? {
        Value::Object(m) if KEYS.iter().all(|k| m.contains_key(*k)) => Some(m),
        _ => None,
    }
}

/// The cause of a difference at `key` (`toolchain.official`, `flags.ldflags`, …).
fn cause_of(key: &str, version_differs: bool) -> Cause {
    match key {
        "toolchain.version" => Cause::GoVersion,
        // The same version with another digest, or official on one side
        // only: a patched (or other) toolchain.
        k if k.starts_with("toolchain.") && !version_differs => Cause::PatchedToolchain,
        k if k.starts_with("toolchain.") => Cause::GoVersion,
        k if k.starts_with("flags.") || k == "vendor" => Cause::GoBuildSetting,
        "version" | "commit" | "dirty" | "source_date_epoch" => Cause::EmbeddedString,
        _ => Cause::Unexplained,
    }
}

/// Leaves of a JSON object as `a.b` keys and compact values.
fn leaves(prefix: &str, m: &Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(o) => leaves(&key, o, out),
            v => out.push((key, v.to_string())),
        }
    }
}

impl Engine<'_> {
    /// Compares two build records key by key; false when either side is
    /// not one (then the bytes are compared as bytes).
    pub(super) fn record(&mut self, path: &[String], a: &[u8], b: &[u8]) -> bool {
        let (Some(ra), Some(rb)) = (record(a), record(b)) else {
            return false;
        };
        let (mut la, mut lb) = (Vec::new(), Vec::new());
        leaves("", &ra, &mut la);
        leaves("", &rb, &mut lb);
        let get = |l: &[(String, String)], k: &str| {
            l.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone())
        };
        let version_differs = get(&la, "toolchain.version") != get(&lb, "toolchain.version");
        let mut keys: Vec<&String> = la.iter().chain(&lb).map(|(k, _)| k).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (va, vb) = (get(&la, k), get(&lb, k));
            if va == vb {
                continue;
            }
            let cause = cause_of(k, version_differs);
            let mut p = path.to_vec();
            p.push(k.clone());
            self.obs(
                cause,
                if cause == Cause::Unexplained {
                    Confidence::Low
                } else {
                    Confidence::High
                },
                Some(format!("build.json {k}")),
                path,
                p,
                (None, None),
                &format!("build record {k}"),
                va,
                vb,
            );
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        // (key, the Go version differs too, cause)
        let cases = [
            ("toolchain.official", false, Cause::PatchedToolchain),
            ("toolchain.digest", false, Cause::PatchedToolchain),
            ("toolchain.digest", true, Cause::GoVersion),
            ("toolchain.version", true, Cause::GoVersion),
            ("flags.goamd64", false, Cause::GoBuildSetting),
            ("commit", false, Cause::EmbeddedString),
            ("targets", false, Cause::Unexplained),
        ];
        for (k, v, want) in cases {
            assert_eq!(cause_of(k, v), want, "{k}");
        }
        assert!(record(br#"{"quorate_version":"0.1","toolchain":{},"flags":{}}"#).is_some());
        assert!(record(br#"{"toolchain":{}}"#).is_none());
        assert!(record(b"not json").is_none());
    }
}
