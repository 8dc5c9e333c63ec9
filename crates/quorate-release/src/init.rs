//! `quorate init`'s project detection: what a Go module is (module path,
//! `go`/`toolchain` directives, its main packages wherever they are: at
//! the root, under `cmd/`, elsewhere; nested modules skipped and named),
//! what its own `Makefile` and release scripts say about release builds
//! (tags, `-X` definitions, the packages built, the Go release; read by
//! [`crate::recipe_source`], never run), and the commented `quorate.toml`
//! written for it. The file format itself is [`crate::config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{DEFAULT_TARGETS, binary_name, parse_go_version};
use crate::recipe_source::{self, GitValues, SourceFlags};

/// How deep below the module root main packages are looked for.
const MAX_DEPTH: usize = 12;
/// The most folders looked at (a big repository such as lnd has ~1000).
const MAX_DIRS: usize = 50_000;
/// Folders whose main packages are not proposed unless nothing else is:
/// examples, tests, tools and documentation.
const NOT_RELEASED: &[&str] = &[
    "bench",
    "benchmark",
    "benchmarks",
    "contrib",
    "doc",
    "docs",
    "example",
    "examples",
    "fuzz",
    "hack",
    "integration",
    "itest",
    "mock",
    "mocks",
    "sample",
    "samples",
    "scripts",
    "test",
    "testing",
    "tests",
    "tool",
    "tools",
];

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
    /// No main package in the module.
    #[error(
        "{0}: no main package found in this module (a folder, the root included, with a .go file saying `package main`; folders with their own go.mod are other modules)"
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
    /// The main packages proposed for release, sorted: `./<dir>`, or the
    /// module path for a main package at the module root.
    pub main_packages: Vec<String>,
    /// Main packages found and not proposed, with the reason.
    pub other_mains: Vec<(String, String)>,
    /// Folders with their own `go.mod` (other modules, not built), as
    /// `./<dir>`.
    pub nested_modules: Vec<String>,
    /// What the module's build files say (see [`crate::recipe_source`]).
    pub source: SourceFlags,
}

impl GoModule {
    /// The release name: the last element of the module path, made safe.
    pub fn release_name(&self) -> String {
        let last = binary_name(&self.path);
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

    /// The Go release to pin: the `toolchain` directive, else a
    /// `GO_VERSION` the build files name, else an exact `go` directive.
    pub fn pinned_go(&self) -> Option<String> {
        self.toolchain_directive
            .iter()
            .chain(self.source.go_version.iter().map(|g| &g.definition))
            .chain(self.go_directive.iter())
            .find_map(|v| parse_go_version(v).ok())
    }
}

/// Reads `dir/go.mod`, finds the module's main packages and reads its
/// build files.
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
    let (mains, nested_modules) = walk(dir)?;
    if mains.is_empty() {
        return Err(InitError::NoMainPackages(dir.to_path_buf()));
    }
    let source = recipe_source::read_source(dir, GitValues::Templates);
    let (main_packages, other_mains) = propose(&path, &mains, &source);
    if main_packages.is_empty() {
        return Err(InitError::NoMainPackages(dir.to_path_buf()));
    }
    Ok(GoModule {
        path,
        go_directive,
        toolchain_directive,
        main_packages,
        other_mains,
        nested_modules,
        source,
    })
}

/// The main packages of the module in `root` (as relative folders, `""`
/// for the root itself) and its nested modules (`./<dir>`). Hidden and
/// `_` folders, `vendor` and `testdata` are skipped, symbolic links are
/// not followed.
fn walk(root: &Path) -> Result<(Vec<String>, Vec<String>), InitError> {
    let mut mains = Vec::new();
    let mut nested = Vec::new();
    let mut queue = std::collections::VecDeque::from([(root.to_path_buf(), String::new(), 0)]);
    let mut seen = 0usize;
    while let Some((dir, rel, depth)) = queue.pop_front() {
        seen += 1;
        if seen > MAX_DIRS {
            break;
        }
        if is_main_package(&dir)? {
            mains.push(rel.clone());
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut subs: Vec<(PathBuf, String)> = Vec::new();
        for entry in rd.flatten() {
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if name.starts_with(['.', '_'])
                || matches!(name.as_str(), "vendor" | "testdata" | "node_modules")
                || crate::untrusted::package(&format!("./{name}")).is_err()
            {
                continue;
            }
            subs.push((entry.path(), name));
        }
        subs.sort();
        for (p, name) in subs {
            let r = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if p.join("go.mod").is_file() {
                nested.push(format!("./{r}"));
            } else {
                queue.push_back((p, r, depth + 1));
            }
        }
    }
    mains.sort();
    nested.sort();
    Ok((mains, nested))
}

/// The package name in quorate.toml of the main package in folder `rel`.
fn package_name(module: &str, rel: &str) -> String {
    if rel.is_empty() {
        module.to_string()
    } else {
        format!("./{rel}")
    }
}

/// Which main packages to propose: those the build files build with
/// `-trimpath` (release builds), else all but examples, tests and tools,
/// else all; never two making the same binary.
fn propose(
    module: &str,
    mains: &[String],
    source: &SourceFlags,
) -> (Vec<String>, Vec<(String, String)>) {
    let mut named: BTreeMap<&str, &str> = BTreeMap::new();
    for p in &source.packages {
        let rel = if p.definition == module {
            Some("")
        } else if let Some(r) = p
            .definition
            .strip_prefix(module)
            .and_then(|r| r.strip_prefix('/'))
        {
            Some(r)
        } else {
            p.definition.strip_prefix("./")
        };
        if let Some(m) = rel.and_then(|r| mains.iter().find(|m| m.as_str() == r)) {
            named.entry(m.as_str()).or_insert(p.file.as_str());
        }
    }
    let mut proposed = Vec::new();
    let mut others = Vec::new();
    let files: Vec<&str> = {
        let mut f: Vec<&str> = named.values().copied().collect();
        f.sort();
        f.dedup();
        f
    };
    for m in mains {
        let reason = if !named.is_empty() {
            (!named.contains_key(m.as_str())).then(|| {
                format!(
                    "not built by the -trimpath (release) build lines of {}",
                    files.join(", ")
                )
            })
        } else {
            // The folders above the package (`cmd/tool` is a release).
            m.rsplit_once('/')
                .map_or("", |(parent, _)| parent)
                .split('/')
                .find(|e| NOT_RELEASED.contains(e))
                .map(|e| format!("under {e}/"))
        };
        let name = package_name(module, m);
        let reason = match crate::untrusted::package(&name) {
            Err(e) => Some(format!("not a package path quorate builds: {}", e.reason)),
            Ok(()) => reason,
        };
        match reason {
            Some(r) => others.push((name, r)),
            None => proposed.push(name),
        }
    }
    if proposed.is_empty() {
        let (ok, bad): (Vec<_>, Vec<_>) = others
            .drain(..)
            .partition(|(p, _)| crate::untrusted::package(p).is_ok());
        proposed = ok.into_iter().map(|(p, _)| p).collect();
        others = bad;
    }
    // Root first, then shallow before deep: the first of a name wins.
    proposed.sort_by_key(|p| (p.starts_with("./"), p.matches('/').count(), p.clone()));
    let mut bins: BTreeMap<String, String> = BTreeMap::new();
    let mut keep = Vec::new();
    for p in proposed {
        let b = binary_name(&p).to_string();
        match bins.get(&b) {
            Some(first) => others.push((p, format!("its binary `{b}` would overwrite {first}'s"))),
            None => {
                bins.insert(b, p.clone());
                keep.push(p);
            }
        }
    }
    keep.sort();
    others.sort();
    (keep, others)
}

fn read_small(path: &Path) -> Result<String, InitError> {
    read_capped(path, 4 << 20)
}

fn read_capped(path: &Path, max: u64) -> Result<String, InitError> {
    use std::io::Read;
    let mut b = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max).read_to_end(&mut b))
        .map_err(|source| InitError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// True when the package in `dir` is `main`: the first non-test `.go`
/// file (by name) not excluded by a `//go:build ignore` line says so.
fn is_main_package(dir: &Path) -> Result<bool, InitError> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Ok(false);
    };
    let mut files: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.ends_with(".go")
                && !n.ends_with("_test.go")
                && !n.starts_with(['.', '_'])
                && e.file_type().is_ok_and(|t| t.is_file())
        })
        .map(|e| e.path())
        .collect();
    files.sort();
    for p in files.iter().take(64) {
        // The package clause comes before any code; 64 KiB is plenty.
        let src = read_capped(p, 64 << 10)?;
        if ignored_by_build_line(&src) {
            continue;
        }
        if let Some(name) = package_clause(&src) {
            return Ok(name == "main");
        }
    }
    Ok(false)
}

/// True when a `//go:build` (or `// +build`) line before the package
/// clause names the `ignore` tag (generators and examples kept out of
/// builds).
fn ignored_by_build_line(src: &str) -> bool {
    for line in src.lines() {
        let l = line.trim();
        if l.starts_with("package") {
            return false;
        }
        if let Some(expr) = l
            .strip_prefix("//go:build")
            .or_else(|| l.strip_prefix("// +build"))
        {
            return expr
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '!'))
                .any(|w| w == "ignore");
        }
    }
    false
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

/// A TOML string literal (quoted and escaped as TOML wants).
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Text made safe for a one-line TOML comment.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// At most `max` items of a list as comment lines, then a count.
fn comment_list(out: &mut String, items: &[String], max: usize) {
    for i in items.iter().take(max) {
        out.push_str(&format!("#   {}\n", comment(i)));
    }
    if items.len() > max {
        out.push_str(&format!("#   … and {} more\n", items.len() - max));
    }
}

fn packages_block(module: &GoModule) -> String {
    let mut out = String::from(
        "# The main packages to build for every target: `./<dir>`, or the module\n# path for a main package at the module root.\n",
    );
    let mut files: Vec<&str> = module
        .source
        .packages
        .iter()
        .map(|p| p.file.as_str())
        .collect();
    files.dedup();
    if !files.is_empty() {
        out.push_str(&format!(
            "# Proposed: those the -trimpath (release) build lines of {} build.\n",
            comment(&files.join(", "))
        ));
    }
    out.push_str("packages = [\n");
    for p in &module.main_packages {
        out.push_str(&format!("  {},\n", toml_string(p)));
    }
    out.push_str("]\n");
    if !module.other_mains.is_empty() {
        out.push_str("# Other main packages in this module, not proposed:\n");
        let items: Vec<String> = module
            .other_mains
            .iter()
            .map(|(p, why)| format!("{p:?}  ({why})"))
            .collect();
        comment_list(&mut out, &items, 40);
    }
    if !module.nested_modules.is_empty() {
        out.push_str(
            "# Folders with a go.mod of their own are other modules, skipped (a release\n# of one is made from its own folder, with its own quorate.toml):\n",
        );
        comment_list(&mut out, &module.nested_modules, 40);
    }
    out
}

fn tags_block(module: &GoModule) -> String {
    let src = &module.source;
    let mut out = String::from("# Build tags, passed as -tags.\n");
    match &src.tags {
        Some(t) => {
            out.push_str(&format!(
                "# From {} in {}.\ntags = [{}]\n",
                comment(&t.from),
                comment(&t.file),
                t.tags
                    .iter()
                    .map(|t| toml_string(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        None => out.push_str("tags = []\n"),
    }
    if !src.unresolved_tags.is_empty() {
        out.push_str("# Tag lists in the build files that cannot be read without running them:\n");
        let items: Vec<String> = src
            .unresolved_tags
            .iter()
            .map(|x| format!("{}  ({})", x.definition, x.file))
            .collect();
        comment_list(&mut out, &items, 10);
    }
    out
}

fn ldflags_block(module: &GoModule) -> String {
    let src = &module.source;
    let mut out = String::from(
        "# Extra linker flags; quorate always adds -s -w -buildid=.\n# {{version}} and {{commit}} are the release tag and commit.\n",
    );
    if src.x.is_empty() && src.unresolved_x.is_empty() {
        out.push_str(
            "ldflags = [\"-X main.version={{version}}\", \"-X main.commit={{commit}}\"]\n",
        );
        return out;
    }
    if src.x.is_empty() {
        out.push_str("ldflags = []\n");
    } else {
        out.push_str(
            "# The -X definitions of the build files (`git describe` is {{version}},\n# `git rev-parse HEAD` is {{commit}}):\nldflags = [\n",
        );
        for x in &src.x {
            out.push_str(&format!(
                "  {}, # {}\n",
                toml_string(&format!("-X {}", x.definition)),
                comment(&x.file)
            ));
        }
        out.push_str("]\n");
    }
    if !src.unresolved_x.is_empty() {
        out.push_str(
            "# -X definitions not proposed: their value comes from a command quorate\n# does not run (only `git describe` and `git rev-parse HEAD` have a template)\n# or from a variable it cannot read:\n",
        );
        let items: Vec<String> = src
            .unresolved_x
            .iter()
            .map(|x| format!("-X {}  ({})", x.definition, x.file))
            .collect();
        comment_list(&mut out, &items, 20);
    }
    out
}

/// The commented `quorate.toml` that `quorate init` writes.
pub fn render_init(module: &GoModule, go_version: &str) -> String {
    let targets = DEFAULT_TARGETS
        .iter()
        .map(|t| format!("  \"{t}\",\n"))
        .collect::<String>();
    let go_from = match &module.source.go_version {
        Some(g) if g.definition == go_version => {
            format!("# (GO_VERSION in {}.)\n", comment(&g.file))
        }
        _ => String::new(),
    };
    format!(
        r#"# quorate.toml for {module_path}: how quorate builds, packages and signs
# its releases. `quorate build --dry-run` shows the plan; `quorate build`
# writes dist/<version>/; `quorate build --check` proves it reproducible.

[project]
# The release name: archives are <name>-<os>-<arch>-<version>.tar.gz
# (.zip for windows), plus <name>-source-<version>.tar.gz.
name = "{name}"
{packages}# <os>-<arch> pairs; linux-armv6 / linux-armv7 mean GOARCH=arm GOARM=6 / 7.
# This is the matrix lnd and taproot-assets release.
targets = [
{targets}]

[go]
# The exact official Go release to build with. quorate refuses another
# version and patched toolchains (e.g. Nixpkgs' Go).
{go_from}version = "{go_version}"
# A GOROOT to use instead of searching QUORATE_GO, PATH and quorate's cache:
# toolchain = "/usr/local/go"
{tags}{ldflags}# Where vendor.tar.gz comes from: "auto" (the committed vendor/ if there is
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
        module_path = comment(&module.path),
        name = module.release_name(),
        packages = packages_block(module),
        tags = tags_block(module),
        ldflags = ldflags_block(module),
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

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (p, text) in files {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    #[test]
    fn root_main_nested_modules_and_elsewhere() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            &[
                ("go.mod", "module example.com/acme/tool/v2\n\ngo 1.26.1\n"),
                ("main.go", "package main\n"),
                ("gen.go", "//go:build ignore\n\npackage main\n"),
                ("cmd/toolctl/main.go", "package main\n"),
                ("cmd/extra/tooldump/main.go", "package main\n"),
                ("lib/lib.go", "//go:build ignore\npackage main\n"),
                ("lib/lib2.go", "package lib\n"),
                ("examples/demo/main.go", "package main\n"),
                ("other/tool/main.go", "package main\n"),
                ("kvdb/go.mod", "module example.com/acme/tool/kvdb\n"),
                ("kvdb/cmd/kv/main.go", "package main\n"),
                ("vendor/x/main.go", "package main\n"),
                (".hidden/main.go", "package main\n"),
            ],
        );
        let m = detect_module(d.path()).unwrap();
        assert_eq!(m.release_name(), "tool");
        assert_eq!(
            m.main_packages,
            [
                "./cmd/extra/tooldump",
                "./cmd/toolctl",
                "example.com/acme/tool/v2"
            ]
        );
        let others: Vec<&str> = m.other_mains.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(others, ["./examples/demo", "./other/tool"]);
        assert!(
            m.other_mains[1].1.contains("overwrite"),
            "{:?}",
            m.other_mains
        );
        assert_eq!(m.nested_modules, ["./kvdb"]);
        assert_eq!(m.pinned_go().as_deref(), Some("1.26.1"));
        let text = render_init(&m, "1.26.1");
        let c = parse(&text).unwrap();
        assert_eq!(c.project.packages, m.main_packages);
        assert!(text.contains("#   ./kvdb\n"), "{text}");
    }

    #[test]
    fn makefile_flags_are_proposed() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            &[
                ("go.mod", "module example.com/m\n\ngo 1.26\n"),
                ("cmd/a/main.go", "package main\n"),
                ("cmd/b/main.go", "package main\n"),
                ("cmd/devtool/main.go", "package main\n"),
                (
                    "Makefile",
                    "PKG := example.com/m\nGO_VERSION = 1.26.6\nCOMMIT := $(shell git describe --tags --dirty)\nDATE := $(shell date -u)\nLDFLAGS := -X $(PKG)/build.Commit=$(COMMIT) -X $(PKG)/build.Date=$(DATE)\nODD := -X $(PKG)/build.Odd=caf\u{e9}\u{200b}x -X $(PKG)/build.Ctl=a\u{7f}b\nrelease:\n\tgo build -trimpath -tags=\"netgo osusergo\" -ldflags=\"$(LDFLAGS)\" $(PKG)/cmd/a $(PKG)/cmd/b\n",
                ),
            ],
        );
        let m = detect_module(d.path()).unwrap();
        assert_eq!(m.main_packages, ["./cmd/a", "./cmd/b"]);
        assert_eq!(m.pinned_go().as_deref(), Some("1.26.6"));
        let text = render_init(&m, "1.26.6");
        let c = parse(&text).unwrap();
        assert_eq!(c.go.tags, ["netgo", "osusergo"]);
        assert_eq!(
            c.go.ldflags,
            [
                "-X example.com/m/build.Commit={{version}}",
                "-X example.com/m/build.Odd=caf\u{e9}\u{200b}x"
            ]
        );
        assert!(
            text.contains("#   -X $(PKG)/build.Date=$(DATE)  (Makefile)"),
            "{text}"
        );
        assert!(text.contains("\"./cmd/devtool\"  (not built"), "{text}");
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
