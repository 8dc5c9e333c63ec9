//! `quorate.toml`: what a release builds, with which toolchain, for which
//! targets, and who must sign it.
//!
//! ```toml
//! [project]
//! name = "hello"
//! packages = ["./cmd/hellod", "./cmd/hellocli"] # or the module path, for a root main
//! targets = ["linux-amd64", "linux-armv7", "darwin-arm64", "windows-amd64"]
//!
//! [go]
//! version = "1.27.3"            # exact official release
//! # toolchain = "/opt/go"       # a GOROOT to use (still checked)
//! tags = ["netgo"]
//! ldflags = ["-X main.version={{version}}", "-X main.commit={{commit}}"]
//! vendor = "auto"               # "auto" | "committed" | "go-mod-vendor"
//!
//! [trust]                       # parsed by the signing code
//! threshold = 2
//! ```
//!
//! Unknown keys are refused; every error names the file, the line and the
//! key. Values are checked while parsing (targets, version, packages), so a
//! bad value is reported at its own line.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// The file name quorate looks for at the root of a Go module.
pub const FILE_NAME: &str = "quorate.toml";

/// The largest `quorate.toml` quorate reads (a config is a few hundred bytes).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The target matrix `quorate init` writes: the one taproot-assets and lnd
/// release.
pub const DEFAULT_TARGETS: &[&str] = &[
    "darwin-amd64",
    "darwin-arm64",
    "linux-386",
    "linux-amd64",
    "linux-armv6",
    "linux-armv7",
    "linux-arm64",
    "windows-amd64",
];

/// Every target quorate accepts, as `<os>-<arch>` (`armv5`/`armv6`/`armv7`
/// choose `GOARCH=arm` with that `GOARM`). All of them build without cgo.
pub const VALID_TARGETS: &[&str] = &[
    "aix-ppc64",
    "android-arm64",
    "darwin-amd64",
    "darwin-arm64",
    "dragonfly-amd64",
    "freebsd-386",
    "freebsd-amd64",
    "freebsd-arm64",
    "freebsd-armv6",
    "freebsd-armv7",
    "freebsd-riscv64",
    "illumos-amd64",
    "js-wasm",
    "linux-386",
    "linux-amd64",
    "linux-arm64",
    "linux-armv5",
    "linux-armv6",
    "linux-armv7",
    "linux-loong64",
    "linux-mips",
    "linux-mips64",
    "linux-mips64le",
    "linux-mipsle",
    "linux-ppc64",
    "linux-ppc64le",
    "linux-riscv64",
    "linux-s390x",
    "netbsd-386",
    "netbsd-amd64",
    "netbsd-arm64",
    "netbsd-armv6",
    "netbsd-armv7",
    "openbsd-386",
    "openbsd-amd64",
    "openbsd-arm64",
    "openbsd-armv7",
    "openbsd-riscv64",
    "plan9-386",
    "plan9-amd64",
    "solaris-amd64",
    "wasip1-wasm",
    "windows-386",
    "windows-amd64",
    "windows-arm64",
];

/// Errors reading `quorate.toml`. Each names the file; parse errors also
/// give the line, the key and the offending text.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is larger than any config.
    #[error("{path}: {len} bytes is too large for a quorate.toml (limit {MAX_CONFIG_BYTES})")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        len: u64,
    },
    /// Syntax error, unknown key, missing key or bad value.
    #[error("{0}")]
    Invalid(Box<InvalidConfig>),
}

/// Where and why a config is invalid (see [`ConfigError::Invalid`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {key_text}{message}\n  {line} | {source_line}", path = .path.display())]
pub struct InvalidConfig {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 when the parser gave no position).
    pub line: usize,
    /// The dotted key concerned (e.g. `project.targets`), when known.
    pub key: Option<String>,
    /// `key `<key>`: ` or empty, for the message.
    pub key_text: String,
    /// What is wrong.
    pub message: String,
    /// The text of that line.
    pub source_line: String,
    /// What to do about it (see [`quorate_manifest::Hint`]), if anything.
    pub hint: Option<String>,
}

/// A `quorate.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What is released.
    pub project: Project,
    /// How Go is invoked.
    pub go: GoConfig,
    /// The trust policy (threshold and signers), kept as a table for the
    /// signing code to parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<toml::Table>,
}

/// `[project]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The release name (archive names start with it).
    #[serde(deserialize_with = "de_name")]
    pub name: String,
    /// Main packages, as `./`-relative paths inside the module.
    #[serde(deserialize_with = "de_packages")]
    pub packages: Vec<String>,
    /// The targets, in the order given (duplicates refused).
    #[serde(deserialize_with = "de_targets")]
    pub targets: Vec<Target>,
}

/// `[go]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GoConfig {
    /// The exact Go release, e.g. `1.27.3` (a leading `go` is accepted).
    #[serde(deserialize_with = "de_go_version")]
    pub version: String,
    /// A GOROOT to use instead of searching (it is still checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<PathBuf>,
    /// Build tags (`-tags a,b`).
    #[serde(default, deserialize_with = "de_tags")]
    pub tags: Vec<String>,
    /// Extra linker flags, joined with spaces after `-s -w -buildid=`;
    /// `{{version}}` and `{{commit}}` are replaced.
    #[serde(default, deserialize_with = "de_ldflags")]
    pub ldflags: Vec<String>,
    /// Where the vendored dependencies come from.
    #[serde(default)]
    pub vendor: VendorMode,
}

/// Where `vendor.tar.gz` (and the dependencies the build uses) come from.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum VendorMode {
    /// The committed `vendor/` when there is one, else `go mod vendor`.
    #[default]
    Auto,
    /// The committed `vendor/` (an error when there is none).
    Committed,
    /// Always `go mod vendor` in a temporary copy of the source.
    GoModVendor,
}

/// One build target: `GOOS`, `GOARCH` and, for 32-bit ARM, `GOARM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    /// `GOOS`.
    pub os: &'static str,
    /// `GOARCH`.
    pub arch: &'static str,
    /// `GOARM` (5, 6 or 7) when `arch` is `arm`.
    pub arm: Option<u8>,
}

impl Target {
    /// The name in configs and folder names: `linux-amd64`, `linux-armv7`.
    pub fn name(&self) -> String {
        self.to_string()
    }
    /// The arch part of the name: `amd64`, `armv7`.
    pub fn arch_name(&self) -> String {
        match self.arm {
            Some(v) => format!("armv{v}"),
            None => self.arch.to_string(),
        }
    }
    /// `.exe` on Windows, empty elsewhere.
    pub fn exe_suffix(&self) -> &'static str {
        if self.os == "windows" { ".exe" } else { "" }
    }
    /// True when releases for this target ship as `.zip` (Windows).
    pub fn uses_zip(&self) -> bool {
        self.os == "windows"
    }
    /// The `GOOS`/`GOARCH`/`GOARM`/`GOAMD64` variables for this target.
    /// `GOAMD64=v1` is set for every target (it only matters for amd64, and
    /// pinning it everywhere keeps build info uniform).
    pub fn env(&self) -> Vec<(String, String)> {
        let mut v = vec![
            ("GOOS".to_string(), self.os.to_string()),
            ("GOARCH".to_string(), self.arch.to_string()),
        ];
        if self.arch == "amd64" {
            v.push(("GOAMD64".to_string(), "v1".to_string()));
        }
        if let Some(arm) = self.arm {
            v.push(("GOARM".to_string(), arm.to_string()));
        }
        v
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.os, self.arch_name())
    }
}

/// An unknown target name.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown target `{0}`{1}; valid targets: {list}", list = VALID_TARGETS.join(" "))]
pub struct UnknownTarget(pub String, String);

impl FromStr for Target {
    type Err = UnknownTarget;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some(&known) = VALID_TARGETS.iter().find(|t| **t == s) else {
            let hint = if s.ends_with("-arm") {
                " (32-bit ARM needs a version: armv6 or armv7)".to_string()
            } else {
                String::new()
            };
            return Err(UnknownTarget(s.to_string(), hint));
        };
        let known: &'static str = known;
        let (os, arch) = known.split_once('-').unwrap_or((known, ""));
        // `os` and `arch` borrow from the static table.
        let (arch, arm) = match arch.strip_prefix("armv") {
            Some(v) => ("arm", v.parse().ok()),
            None => (arch, None),
        };
        Ok(Target { os, arch, arm })
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn de_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.is_empty()
        || s.len() > 100
        || s.starts_with(['.', '-'])
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(serde::de::Error::custom(format!(
            "name {s:?} cannot be used in file names: use letters, digits, `.`, `_` and `-`"
        )));
    }
    Ok(s)
}

fn de_packages<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Vec::<String>::deserialize(d)?;
    if v.is_empty() {
        return Err(serde::de::Error::custom(
            "packages is empty: list the main packages, e.g. [\"./cmd/app\"]",
        ));
    }
    let mut names = BTreeSet::new();
    for p in &v {
        // `./cmd/app`, or an import path (the module's own path for a main
        // package at the module root).
        if let Err(e) = crate::untrusted::package(p) {
            return Err(serde::de::Error::custom(format!(
                "package {p:?} must be a path inside the module such as \"./cmd/app\", or the module's import path for a main package at its root: {}",
                e.reason
            )));
        }
        let bin = binary_name(p);
        if !names.insert(bin.to_string()) {
            return Err(serde::de::Error::custom(format!(
                "two packages would both produce a binary named {bin:?}"
            )));
        }
    }
    Ok(v)
}

/// The binary a main package produces, as `go build` names it: the last
/// element of its path, or the one before a major-version suffix
/// (`example.com/tool/v2` makes `tool`).
pub fn binary_name(package: &str) -> &str {
    let mut elems = package.rsplit('/');
    let last = elems.next().unwrap_or(package);
    match elems.next() {
        Some(prev) if is_version_element(last) && prev != "." => prev,
        _ => last,
    }
}

/// `v2`, `v3`, … (not `v0`, `v1`, `v01`): Go's major-version path element.
fn is_version_element(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && b[0] == b'v'
        && b[1] != b'0'
        && !(b[1] == b'1' && b.len() == 2)
        && b[1..].iter().all(u8::is_ascii_digit)
}

fn de_targets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Target>, D::Error> {
    let v = Vec::<Target>::deserialize(d)?;
    if v.is_empty() {
        return Err(serde::de::Error::custom(format!(
            "targets is empty; for example: {}",
            DEFAULT_TARGETS.join(" ")
        )));
    }
    let mut seen = BTreeSet::new();
    for t in &v {
        if !seen.insert(*t) {
            return Err(serde::de::Error::custom(format!(
                "target {t} is listed twice"
            )));
        }
    }
    Ok(v)
}

pub use crate::untrusted::parse_go_version;

fn de_go_version<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    parse_go_version(&s).map_err(serde::de::Error::custom)
}

fn de_tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Vec::<String>::deserialize(d)?;
    for t in &v {
        crate::untrusted::tag(t).map_err(serde::de::Error::custom)?;
    }
    Ok(v)
}

fn de_ldflags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Vec::<String>::deserialize(d)?;
    for f in &v {
        crate::untrusted::ldflags_entry(f).map_err(serde::de::Error::custom)?;
    }
    Ok(v)
}

impl Config {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let read_err = |source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        };
        let len = std::fs::metadata(path).map_err(read_err)?.len();
        if len > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLarge {
                path: path.to_path_buf(),
                len,
            });
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                e.to_string(),
            ))
        })?;
        Self::parse(&text, path)
    }

    /// Parses config text; `path` is used in error messages only.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str::<Config>(text).map_err(|e| invalid(text, path, &e))
    }

    /// The `-ldflags` value for a release: `-s -w -buildid=` then the
    /// configured flags with `{{version}}` and `{{commit}}` filled in.
    pub fn ldflags(&self, version: &str, commit: &str) -> String {
        let mut s = String::from("-s -w -buildid=");
        for f in &self.go.ldflags {
            s.push(' ');
            s.push_str(
                &f.replace("{{version}}", version)
                    .replace("{{commit}}", commit),
            );
        }
        s
    }
}

/// What to do about a refused `ldflags` entry.
const LDFLAGS_HINT: &str = "ldflags entries are -s, -w and -X importpath.name=value; quorate pins -s -w -buildid= and an internal link, and refuses flags that choose outputs or run programs";

impl quorate_manifest::Hint for ConfigError {
    fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Read { .. } => {
                Some("run `quorate init` in the Go module to write one".into())
            }
            ConfigError::TooLarge { .. } => None,
            ConfigError::Invalid(e) => e.hint.clone(),
        }
    }
}

impl quorate_manifest::Hint for InvalidConfig {
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

/// Turns a toml/serde error into [`ConfigError::Invalid`] with the line and
/// the key (found from the line of the error and the lines above it).
fn invalid(text: &str, path: &Path, e: &toml::de::Error) -> ConfigError {
    let (line, col_line) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line_no = text[..start].bytes().filter(|b| *b == b'\n').count() + 1;
            (
                line_no,
                text.lines().nth(line_no - 1).unwrap_or("").to_string(),
            )
        }
        None => (0, String::new()),
    };
    let message = e.message().trim().to_string();
    let key = if line > 0 { key_at(text, line) } else { None };
    let hint = if message.starts_with("unknown field") {
        Some("see the commented quorate.toml that `quorate init` writes for every key".to_string())
    } else if message.starts_with("missing field") {
        Some("add it; `quorate init` writes a complete quorate.toml".to_string())
    } else if key.as_deref().is_some_and(|k| k.ends_with("ldflags")) {
        Some(LDFLAGS_HINT.to_string())
    } else {
        None
    };
    // For an unknown or missing field, name the key from the message.
    let key = match (field_in_message(&message), &key) {
        (Some(f), Some(k)) if message.starts_with("unknown field") => {
            Some(match k.rsplit_once('.') {
                Some((table, _)) => format!("{table}.{f}"),
                None => f,
            })
        }
        (Some(f), _) if message.starts_with("missing field") => Some(f),
        _ => key,
    };
    ConfigError::Invalid(Box::new(InvalidConfig {
        path: path.to_path_buf(),
        line,
        key_text: key
            .as_ref()
            .map(|k| format!("key `{k}`: "))
            .unwrap_or_default(),
        key,
        message,
        source_line: col_line.trim_end().to_string(),
        hint,
    }))
}

fn field_in_message(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_string())
}

/// The dotted key defined at or above `line` (1-based): the nearest
/// `key =` line at or above it, within the nearest `[table]` header.
fn key_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(line).collect();
    let mut key = None;
    let mut table = None;
    for l in lines.iter().rev() {
        let t = l.trim();
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        if t.starts_with('[') {
            let name = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            table = Some(name.to_string());
            break;
        }
        if key.is_none()
            && let Some((k, _)) = t.split_once('=')
        {
            let k = k.trim().trim_matches('"');
            if !k.is_empty() && !k.contains(char::is_whitespace) {
                key = Some(k.to_string());
            }
        }
    }
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (Some(t), None) => Some(t),
        (None, k) => k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[project]
name = "hello"
packages = ["./cmd/hellod", "./cmd/hellocli"]
targets = ["linux-amd64", "linux-armv6", "darwin-arm64", "windows-amd64"]

[go]
version = "go1.27.3"
tags = ["netgo", "osusergo"]
ldflags = ["-X main.version={{version}}", "-X main.commit={{commit}}"]

[trust]
threshold = 2
[[trust.signer]]
name = "alice"
"#;

    #[test]
    fn binary_names_are_go_builds() {
        for (p, b) in [
            ("./cmd/hellod", "hellod"),
            ("example.com/acme/tool", "tool"),
            ("example.com/acme/tool/v2", "tool"),
            ("example.com/acme/tool/v1", "v1"),
            ("example.com/acme/tool/v0", "v0"),
            ("example.com/acme/tool/v2x", "v2x"),
            ("./cmd/tool/v3", "tool"),
            ("v2", "v2"),
        ] {
            assert_eq!(binary_name(p), b, "{p}");
        }
        let root = GOOD.replace(
            "packages = [\"./cmd/hellod\", \"./cmd/hellocli\"]",
            "packages = [\"example.com/hello/v2\", \"./cmd/hellocli\"]",
        );
        assert_ne!(root, GOOD);
        assert!(parse(&root).is_ok());
        let bad = GOOD.replace("\"./cmd/hellod\"", "\"cmd/hellod\"");
        assert!(
            parse(&bad)
                .unwrap_err()
                .to_string()
                .contains("must be a path inside the module")
        );
    }

    fn parse(s: &str) -> Result<Config, ConfigError> {
        Config::parse(s, Path::new("quorate.toml"))
    }

    fn err_text(s: &str) -> (String, usize, Option<String>) {
        match parse(s).unwrap_err() {
            // What the user reads: the message, then the hint.
            ConfigError::Invalid(e) => (
                format!("{e}\nhint: {}", e.hint.clone().unwrap_or_default()),
                e.line,
                e.key.clone(),
            ),
            e => panic!("unexpected {e}"),
        }
    }

    #[test]
    fn parses_good_config() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.go.version, "1.27.3");
        assert_eq!(c.project.targets[1].arch, "arm");
        assert_eq!(c.project.targets[1].arm, Some(6));
        assert_eq!(c.project.targets[1].to_string(), "linux-armv6");
        assert_eq!(c.go.vendor, VendorMode::Auto);
        assert!(c.trust.is_some());
        assert_eq!(
            c.ldflags("v1.0.0", "abc"),
            "-s -w -buildid= -X main.version=v1.0.0 -X main.commit=abc"
        );
    }

    #[test]
    fn bundled_example_parses() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hello/quorate.toml");
        let c = Config::load(&p).unwrap();
        assert_eq!(c.project.targets.len(), 8);
        assert_eq!(c.project.name, "hello");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let s = GOOD.replace("tags = [", "colour = \"red\"\ntags = [");
        let (text, line, key) = err_text(&s);
        assert_eq!(line, 9, "{text}");
        assert_eq!(key.as_deref(), Some("go.colour"), "{text}");
        assert!(text.contains("quorate.toml:9:"), "{text}");
        assert!(text.contains("colour = \"red\""), "{text}");
    }

    #[test]
    fn unknown_target_lists_valid_ones() {
        let s = GOOD.replace("\"darwin-arm64\"", "\"linux-sparc\"");
        let (text, line, key) = err_text(&s);
        assert_eq!(line, 5);
        assert_eq!(key.as_deref(), Some("project.targets"));
        assert!(text.contains("unknown target `linux-sparc`"), "{text}");
        assert!(text.contains("linux-armv7"), "{text}");
        let (text, ..) = err_text(&GOOD.replace("\"linux-armv6\"", "\"linux-arm\""));
        assert!(text.contains("armv6 or armv7"), "{text}");
    }

    #[test]
    fn bad_values_refused() {
        for (from, to, needle) in [
            ("\"go1.27.3\"", "\"1.27\"", "not an exact release"),
            ("\"hello\"", "\"../x\"", "file names"),
            ("\"./cmd/hellocli\"", "\"./cmd/../x\"", "inside the module"),
            ("\"./cmd/hellocli\"", "\"./other/hellod\"", "both produce"),
            ("\"netgo\"", "\"net go\"", "build tag"),
            ("{{commit}}", "{{date}}", "templates"),
            (
                "\"windows-amd64\"]",
                "\"windows-amd64\", \"linux-amd64\"]",
                "twice",
            ),
            ("main.commit={{commit}}", "-buildid=x", "-X definition"),
            (
                "\"-X main.commit={{commit}}\"",
                "\"-buildid=x\"",
                "quorate pins",
            ),
            (
                "\"-X main.commit={{commit}}\"",
                "\"-o /tmp/x\"",
                "chooses an output",
            ),
            (
                "\"-X main.commit={{commit}}\"",
                "\"-extld=sh\"",
                "runs another program",
            ),
        ] {
            let s = GOOD.replace(from, to);
            assert_ne!(s, GOOD);
            let (text, line, _) = err_text(&s);
            assert!(text.contains(needle), "{from} -> {to}: {text}");
            assert!(line > 0, "{text}");
        }
    }

    #[test]
    fn missing_table_named() {
        let s = "[project]\nname = \"x\"\npackages = [\"./cmd/x\"]\ntargets = [\"linux-amd64\"]\n";
        let (text, _, key) = err_text(s);
        assert_eq!(key.as_deref(), Some("go"), "{text}");
    }

    #[test]
    fn target_env() {
        let t: Target = "linux-armv7".parse().unwrap();
        assert_eq!(
            t.env(),
            vec![
                ("GOOS".into(), "linux".into()),
                ("GOARCH".into(), "arm".into()),
                ("GOARM".into(), "7".into())
            ]
        );
        let w: Target = "windows-amd64".parse().unwrap();
        assert!(w.env().contains(&("GOAMD64".into(), "v1".into())));
        assert_eq!(w.exe_suffix(), ".exe");
        for t in VALID_TARGETS {
            assert_eq!(t.parse::<Target>().unwrap().to_string(), *t);
        }
    }

    #[test]
    fn go_versions() {
        assert_eq!(parse_go_version("go1.27.3").unwrap(), "1.27.3");
        assert_eq!(parse_go_version("1.28rc1").unwrap(), "1.28rc1");
        for bad in ["1.27", "1", "1.27.3.4", "1.x.3", "latest", "1.28rc", ""] {
            assert!(parse_go_version(bad).is_err(), "{bad}");
        }
    }
}
