//! `quorate init`'s project detection: what a Go module is (module path,
//! `go`/`toolchain` directives, main packages under `cmd/`) and the
//! commented `quorate.toml` written for it. The file format itself is
//! [`crate::config`].

use std::path::{Path, PathBuf};

use crate::config::{DEFAULT_TARGETS, parse_go_version};

/// Errors from [`detect_module`].
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// No `go.mod`.
    #[error("{0}: no go.mod here")]
    NoGoMod(PathBuf),
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `go.mod` has no `module` line.
    #[error("{0}: no `module` line")]
    NoModuleLine(PathBuf),
    /// No main package under `cmd/`.
    #[error(
        "{0}: no main package found under cmd/ (a folder cmd/<name>/ with a .go file saying `package main`)"
    )]
    NoMainPackages(PathBuf),
}

/// What `quorate init` learns from a Go module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoModule {
    /// The module path from `go.mod`.
    pub path: String,
    /// The `go` directive (e.g. `1.27` or `1.27.3`), if any.
    pub go_directive: Option<String>,
    /// The `toolchain` directive without `go` (e.g. `1.27.3`), if any.
    pub toolchain_directive: Option<String>,
    /// Main packages found under `cmd/`, as `./cmd/<name>`, sorted.
    pub main_packages: Vec<String>,
}

impl GoModule {
    /// The release name: the last element of the module path, made safe.
    pub fn release_name(&self) -> String {
        let last = self.path.rsplit('/').next().unwrap_or(&self.path);
        // Drop a major-version suffix such as `/v2`.
        let last = if last.len() > 1
            && last.starts_with('v')
            && last[1..].bytes().all(|b| b.is_ascii_digit())
        {
            let mut parts = self.path.rsplit('/');
            parts.next();
            parts.next().unwrap_or(last)
        } else {
            last
        };
        let name: String = last
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let name = name.trim_start_matches(['.', '-']).to_string();
        if name.is_empty() {
            "app".to_string()
        } else {
            name
        }
    }

    /// The Go release to pin: the `toolchain` directive, else an exact `go`
    /// directive.
    pub fn pinned_go(&self) -> Option<String> {
        self.toolchain_directive
            .iter()
            .chain(self.go_directive.iter())
            .find_map(|v| parse_go_version(v).ok())
    }
}

/// Reads `dir/go.mod` and finds the main packages under `dir/cmd/`.
pub fn detect_module(dir: &Path) -> Result<GoModule, InitError> {
    let gomod = dir.join("go.mod");
    if !gomod.is_file() {
        return Err(InitError::NoGoMod(dir.to_path_buf()));
    }
    let text = read_small(&gomod)?;
    let mut path = None;
    let mut go_directive = None;
    let mut toolchain_directive = None;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("module"), Some(p)) => path = Some(p.trim_matches('"').to_string()),
            (Some("go"), Some(v)) => go_directive = Some(v.to_string()),
            (Some("toolchain"), Some(v)) => {
                toolchain_directive = Some(v.trim_start_matches("go").to_string())
            }
            _ => {}
        }
    }
    let path = path.ok_or_else(|| InitError::NoModuleLine(gomod.clone()))?;
    let mut main_packages = Vec::new();
    let cmd = dir.join("cmd");
    if let Ok(rd) = std::fs::read_dir(&cmd) {
        for entry in rd.flatten() {
            let p = entry.path();
            let Some(name) = p.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
                continue;
            };
            if !p.is_dir() || name.starts_with(['.', '_']) || name == "testdata" {
                continue;
            }
            if is_main_package(&p)? {
                main_packages.push(format!("./cmd/{name}"));
            }
        }
    }
    main_packages.sort();
    if main_packages.is_empty() {
        return Err(InitError::NoMainPackages(dir.to_path_buf()));
    }
    Ok(GoModule {
        path,
        go_directive,
        toolchain_directive,
        main_packages,
    })
}

fn read_small(path: &Path) -> Result<String, InitError> {
    use std::io::Read;
    let mut s = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(4 << 20).read_to_string(&mut s))
        .map_err(|source| InitError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(s)
}

/// True when a non-test `.go` file in `dir` declares `package main`.
fn is_main_package(dir: &Path) -> Result<bool, InitError> {
    let rd = std::fs::read_dir(dir).map_err(|source| InitError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in rd.flatten() {
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".go") || name.ends_with("_test.go") || !p.is_file() {
            continue;
        }
        if package_clause(&read_small(&p)?) == Some("main") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The package name of a Go source file (its first `package` clause outside
/// comments).
fn package_clause(src: &str) -> Option<&str> {
    let mut in_block = false;
    for line in src.lines() {
        let mut l = line.trim();
        if in_block {
            match l.find("*/") {
                Some(i) => {
                    in_block = false;
                    l = l[i + 2..].trim();
                }
                None => continue,
            }
        }
        if let Some(rest) = l.strip_prefix("/*") {
            match rest.find("*/") {
                Some(i) => l = rest[i + 2..].trim(),
                None => {
                    in_block = true;
                    continue;
                }
            }
        }
        if l.is_empty() || l.starts_with("//") {
            continue;
        }
        return l
            .strip_prefix("package")
            .filter(|r| r.starts_with(char::is_whitespace))
            .and_then(|r| r.split_whitespace().next())
            .map(|n| n.split("//").next().unwrap_or(n));
    }
    None
}

/// The commented `quorate.toml` that `quorate init` writes.
pub fn render_init(module: &GoModule, go_version: &str) -> String {
    let packages = module
        .main_packages
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let targets = DEFAULT_TARGETS
        .iter()
        .map(|t| format!("  \"{t}\",\n"))
        .collect::<String>();
    format!(
        r#"# quorate.toml for {module_path}: how quorate builds, packages and signs
# its releases. `quorate build --dry-run` shows the plan; `quorate build`
# writes dist/<version>/; `quorate build --check` proves it reproducible.

[project]
# The release name: archives are <name>-<os>-<arch>-<version>.tar.gz
# (.zip for windows), plus <name>-source-<version>.tar.gz.
name = "{name}"
# The main packages to build for every target.
packages = [{packages}]
# <os>-<arch> pairs; linux-armv6 / linux-armv7 mean GOARCH=arm GOARM=6 / 7.
# This is the matrix lnd and taproot-assets release.
targets = [
{targets}]

[go]
# The exact official Go release to build with. quorate refuses another
# version and patched toolchains (e.g. Nixpkgs' Go).
version = "{go_version}"
# A GOROOT to use instead of searching QUORATE_GO, PATH and quorate's cache:
# toolchain = "/usr/local/go"
# Build tags, passed as -tags.
tags = []
# Extra linker flags; quorate always adds -s -w -buildid=.
# {{{{version}}}} and {{{{commit}}}} are the release tag and commit.
ldflags = ["-X main.version={{{{version}}}}", "-X main.commit={{{{commit}}}}"]
# Where vendor.tar.gz comes from: "auto" (the committed vendor/ if there is
# one, else `go mod vendor` in a temporary copy), "committed", "go-mod-vendor".
vendor = "auto"

# Who must sign a release: a threshold and the pinned signers
# (`quorate sign` / `quorate verify`). For example:
# [trust]
# threshold = 2
# [[trust.signer]]
# name = "alice"
# openpgp = "7363F82F43B1324E1B0761310E4647D58F8A69E4"
# key = "keys/alice.asc"
"#,
        module_path = module.path,
        name = module.release_name(),
    )
}

impl quorate_manifest::Hint for InitError {
    fn hint(&self) -> Option<String> {
        match self {
            InitError::NoGoMod(_) => Some("run `quorate init` at the root of a Go module".into()),
            InitError::NoMainPackages(_) => {
                Some("write quorate.toml by hand, listing [project] packages".into())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse(s: &str) -> Result<Config, crate::config::ConfigError> {
        Config::parse(s, Path::new("quorate.toml"))
    }

    #[test]
    fn detects_module_and_renders_parseable_config() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("go.mod"),
            "module github.com/acme/tool/v2 // c\n\ngo 1.27\n\ntoolchain go1.27.3\n",
        )
        .unwrap();
        for (dir, src) in [
            (
                "cmd/toold",
                "// Copyright\n/* block\n package nope */\npackage main\n",
            ),
            ("cmd/toolcli", "package main // trailing\n"),
            ("cmd/lib", "package lib\n"),
            ("cmd/testonly", ""),
        ] {
            std::fs::create_dir_all(d.path().join(dir)).unwrap();
            if !src.is_empty() {
                std::fs::write(d.path().join(dir).join("x.go"), src).unwrap();
            }
        }
        std::fs::write(d.path().join("cmd/testonly/x_test.go"), "package main\n").unwrap();
        let m = detect_module(d.path()).unwrap();
        assert_eq!(m.path, "github.com/acme/tool/v2");
        assert_eq!(m.release_name(), "tool");
        assert_eq!(m.main_packages, vec!["./cmd/toolcli", "./cmd/toold"]);
        assert_eq!(m.pinned_go().as_deref(), Some("1.27.3"));
        let text = render_init(&m, "1.27.3");
        let c = parse(&text).unwrap();
        assert_eq!(c.project.packages, m.main_packages);
        assert_eq!(c.project.targets.len(), DEFAULT_TARGETS.len());
        assert_eq!(
            c.go.ldflags,
            vec!["-X main.version={{version}}", "-X main.commit={{commit}}"]
        );
    }

    #[test]
    fn no_main_packages() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("go.mod"), "module x\n").unwrap();
        assert!(matches!(
            detect_module(d.path()),
            Err(InitError::NoMainPackages(_))
        ));
        let e = tempfile::tempdir().unwrap();
        assert!(matches!(
            detect_module(e.path()),
            Err(InitError::NoGoMod(_))
        ));
    }
}
