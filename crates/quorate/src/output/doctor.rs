//! `quorate doctor`'s report: one line per check (OK, WARN or FAIL), its
//! detail and its fix.

use crate::ui::{Ui, style};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but worth a look.
    Warn,
    /// Will not work.
    Fail,
}

/// One line of the report.
#[derive(Debug, serde::Serialize)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// How it came out.
    pub status: Status,
    /// What was found.
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// What to do about it.
    pub fix: Option<String>,
}

impl Check {
    /// A check.
    pub fn new(name: &str, status: Status, detail: impl Into<String>, fix: Option<String>) -> Self {
        Check {
            name: name.to_string(),
            status,
            detail: detail.into(),
            fix,
        }
    }
}

/// The checks, one line each, details and fixes indented below (stdout).
pub fn render(checks: &[Check]) -> String {
    let mut s = String::new();
    for c in checks {
        let (word, st) = match c.status {
            Status::Ok => ("OK", style::GOOD),
            Status::Warn => ("WARN", style::WARN),
            Status::Fail => ("FAIL", style::BAD),
        };
        let pad = " ".repeat(4usize.saturating_sub(word.len()));
        let mut lines = c.detail.lines();
        s.push_str(&format!(
            "{}{pad}  {:<17} {}\n",
            Ui::paint(st, word),
            c.name,
            lines.next().unwrap_or_default()
        ));
        for l in lines {
            s.push_str(&format!("      {:<17} {l}\n", ""));
        }
        if let Some(fix) = &c.fix {
            for (i, l) in fix.lines().enumerate() {
                let label = if i == 0 { "fix:" } else { "" };
                s.push_str(&format!("      {:<17} {label:<4} {l}\n", ""));
            }
        }
    }
    s
}

/// `N checks: F failed, W warnings` (stderr).
pub fn summary(checks: &[Check]) -> String {
    let warns = checks.iter().filter(|c| c.status == Status::Warn).count();
    let fails = checks.iter().filter(|c| c.status == Status::Fail).count();
    format!("{} checks: {fails} failed, {warns} warnings", checks.len())
}
