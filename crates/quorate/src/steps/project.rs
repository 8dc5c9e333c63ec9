//! The Go keys of `./quorate.toml`, read loosely (for `doctor` and
//! `toolchain check`, which report on a project that may not build).

use std::path::{Path, PathBuf};

use anyhow::Context;

/// What `quorate.toml` says about the toolchain (only these keys are read
/// here; the full config is `quorate build`'s).
#[derive(Debug, Default)]
pub struct ConfigGo {
    /// `[go] version` (or a top-level `go = "…"`).
    pub version: Option<String>,
    /// `[go] toolchain`, resolved against the config's folder.
    pub toolchain: Option<PathBuf>,
}

/// Reads `<dir>/quorate.toml`'s Go version and toolchain path; None when
/// there is no such file.
pub fn config_go(dir: &Path) -> anyhow::Result<Option<ConfigGo>> {
    let path = dir.join("quorate.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let value: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let mut out = ConfigGo::default();
    match value.get("go") {
        Some(toml::Value::String(s)) => out.version = Some(s.clone()),
        Some(toml::Value::Table(t)) => {
            out.version = t
                .get("version")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            out.toolchain = t
                .get("toolchain")
                .and_then(|v| v.as_str())
                .map(|p| dir.join(p));
        }
        _ => {}
    }
    Ok(Some(out))
}
