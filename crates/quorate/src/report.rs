//! Typed results that steps produce and the output module renders (kept
//! here so that neither depends on the other for its types).

use std::path::PathBuf;

/// Where the trust came from (printed, and in the JSON).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trust {
    /// `--policy`, `--keys-dir`, `--project` or `user config`.
    pub source: &'static str,
    /// The file or folder.
    pub path: PathBuf,
    /// The threshold used.
    pub threshold: usize,
    /// With --threshold-override: the policy's own threshold.
    pub overridden_policy_threshold: Option<usize>,
}

impl Trust {
    /// The line printed before a verdict: where the trust came from.
    pub fn line(&self) -> String {
        format!(
            "trust: {} ({}), threshold {}{}\n",
            self.path.display(),
            self.source,
            self.threshold,
            self.override_text()
        )
    }

    /// The loud note shown when --threshold-override lowered the threshold.
    pub fn override_text(&self) -> String {
        match self.overridden_policy_threshold {
            Some(p) => format!(
                " (THRESHOLD OVERRIDDEN: {} instead of the policy's {p})",
                self.threshold
            ),
            None => String::new(),
        }
    }
}
