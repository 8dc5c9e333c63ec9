//! What a project's own build files say about its release build: the
//! variables, `-X` definitions, build tags and packages written in its
//! `Makefile`, `*.mk` files and `scripts/*.sh`. They are read as text and
//! never run: simple assignments (`NAME := value`, `NAME = value`,
//! `NAME=value`, `export NAME=…`) are expanded, and the only commands
//! given a value are `git describe` and `git rev-parse HEAD`, parsed and
//! whitelisted (see [`GitCommand`]).
//!
//! Two readers use it: `quorate reproduce` of a release quorate did not
//! make (the values at the checked-out tag, [`GitValues::Checkout`]) and
//! `quorate init` (quorate.toml templates, [`GitValues::Templates`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::untrusted;

/// The largest build file read.
pub const MAX_SCRIPT_BYTES: u64 = 1 << 20;
/// The most build files read.
pub const MAX_SCRIPTS: usize = 64;
/// Longest expanded value (expansion stops there).
pub const MAX_EXPANDED: usize = 4096;
/// The most `-X` definitions kept.
const MAX_DEFINITIONS: usize = 256;
/// The most distinct git commands run for one source.
const MAX_GIT_RUNS: usize = 8;

/// One `-X importpath.name=value` found in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XDefinition {
    /// `importpath.name=value`.
    pub definition: String,
    /// The file it was read from (relative to the repository).
    pub file: String,
}

/// The build tags a release build uses, as the source names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagsFound {
    /// The tags, in order, without duplicates.
    pub tags: Vec<String>,
    /// The file they were read from.
    pub file: String,
    /// Where in it: `RELEASE_TAGS` or `-tags`.
    pub from: String,
}

/// Everything read from a source's build files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceFlags {
    /// The build files read, relative to the source.
    pub files: Vec<String>,
    /// `-X` definitions whose value is known.
    pub x: Vec<XDefinition>,
    /// `-X` definitions whose value is not (as written, e.g.
    /// `$(PKG)/build.Date=$(shell date)`).
    pub unresolved_x: Vec<XDefinition>,
    /// The release build tags, when found.
    pub tags: Option<TagsFound>,
    /// Tag lists found but not readable (as written).
    pub unresolved_tags: Vec<XDefinition>,
    /// Packages named on `-trimpath` build lines (expanded, as written:
    /// import paths or `./` paths), with their file.
    pub packages: Vec<XDefinition>,
    /// The Go release a `GO_VERSION` variable names (e.g. lnd's
    /// `GO_VERSION = 1.26.6`), checked, with its file.
    pub go_version: Option<XDefinition>,
}

/// What the values of `git` commands in build files stand for.
#[derive(Debug, Clone, Copy)]
pub enum GitValues<'a> {
    /// A source checked out at a release: `git describe …` and
    /// `git rev-parse …` are run (parsed and whitelisted, through
    /// [`quorate_base::git`]) in `dir` when it is a git work tree; else (or
    /// when git fails) `git describe` stands for `tag` and `git rev-parse`
    /// for `commit`.
    Checkout {
        /// The work tree, if there is one.
        dir: Option<&'a Path>,
        /// The release tag.
        tag: &'a str,
        /// The full commit hash.
        commit: &'a str,
        /// A tag `git describe` leaves out (`--exclude`), see
        /// [`read_checkout`].
        exclude: Option<&'a str>,
    },
    /// quorate.toml's templates: `git describe` is `{{version}}` (the tag
    /// a release is built at) and `git rev-parse HEAD` is `{{commit}}`;
    /// other commands (`--short`) have no template.
    Templates,
}

/// A `git describe` or `git rev-parse` command read from a build file,
/// with only whitelisted arguments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GitCommand {
    /// `describe` or `rev-parse`, then the checked arguments.
    pub args: Vec<String>,
}

impl GitCommand {
    /// True for `git describe`.
    pub fn is_describe(&self) -> bool {
        self.args.first().is_some_and(|a| a == "describe")
    }
    /// True for `git rev-parse` printing the whole hash.
    pub fn is_full_commit(&self) -> bool {
        self.args.first().is_some_and(|a| a == "rev-parse")
            && !self.args.iter().any(|a| a.starts_with("--short"))
    }
    /// Runs it in the work tree `dir` (through [`quorate_base::git`]'s
    /// environment policy) and returns its output line.
    pub fn run(&self, dir: &Path) -> Result<String, quorate_base::git::GitError> {
        quorate_base::git::run_line(Some(dir), &self.args)
    }
    /// The same `git describe`, leaving out `tag` (`--exclude tag`); `None`
    /// for another command or a tag that is not a plain name.
    pub fn excluding(&self, tag: &str) -> Option<GitCommand> {
        if !self.is_describe() || !safe_pattern(tag) || tag.contains(['*', '?', '[', ']']) {
            return None;
        }
        let mut args = self.args.clone();
        args.push("--exclude".into());
        args.push(tag.into());
        Some(GitCommand { args })
    }
}

/// A `git describe` pattern: letters, digits and `*?[]._-/+`.
fn safe_pattern(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 100
        && !p.starts_with('-')
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "*?[]._-/+".contains(c))
}

fn small_number(n: &str, max: u32) -> bool {
    n.len() <= 2 && n.parse::<u32>().is_ok_and(|v| v <= max)
}

/// Parses the text of a `$(shell …)`, `$(…)` or `` `…` `` body as a git
/// command quorate may run: `git describe` with `--tags`, `--dirty[=m]`,
/// `--always`, `--long`, `--first-parent`, `--abbrev=N`,
/// `--match[=]P`, `--exclude[=]P`, `HEAD`; `git rev-parse` with `HEAD`,
/// `--short[=N]`, `--verify`. `2>/dev/null` and a `|| …` fallback are
/// ignored. Anything else is `None`.
pub fn parse_git_command(body: &str) -> Option<GitCommand> {
    let body = body.split("||").next().unwrap_or("");
    let w = words(body);
    let mut it = w.iter().map(String::as_str).filter(|a| *a != "2>/dev/null");
    if it.next()? != "git" {
        return None;
    }
    let sub = it.next()?;
    let mut args = vec![sub.to_string()];
    match sub {
        "describe" => {
            while let Some(a) = it.next() {
                let ok = match a {
                    "--tags" | "--dirty" | "--always" | "--long" | "--first-parent" | "HEAD" => {
                        true
                    }
                    "--match" | "--exclude" => {
                        let p = it.next()?;
                        if !safe_pattern(p) {
                            return None;
                        }
                        args.push(a.to_string());
                        args.push(p.to_string());
                        continue;
                    }
                    _ => {
                        if let Some(n) = a.strip_prefix("--abbrev=") {
                            small_number(n, 40)
                        } else if let Some(p) = a
                            .strip_prefix("--match=")
                            .or_else(|| a.strip_prefix("--exclude="))
                        {
                            safe_pattern(p)
                        } else if let Some(m) = a.strip_prefix("--dirty=") {
                            safe_pattern(m)
                        } else {
                            false
                        }
                    }
                };
                if !ok {
                    return None;
                }
                args.push(a.to_string());
            }
        }
        "rev-parse" => {
            let mut head = false;
            for a in it {
                let ok = match a {
                    "HEAD" => {
                        head = true;
                        true
                    }
                    "--short" | "--verify" => true,
                    _ => a
                        .strip_prefix("--short=")
                        .is_some_and(|n| small_number(n, 40)),
                };
                if !ok {
                    return None;
                }
                args.push(a.to_string());
            }
            if !head {
                return None;
            }
        }
        _ => return None,
    }
    Some(GitCommand { args })
}

/// Shell-like words of a line: split on whitespace, `'…'` and `"…"` group
/// (the quotes are removed), a backslash keeps the next character.
pub fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                have = true;
            }
            (None, c) if c.is_whitespace() => {
                if have || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                have = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if have || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The build files of `src` read for flags: `Makefile` (also `makefile`,
/// `GNUmakefile`), `*.mk` and `*.sh` in the root, `make/` and `scripts/`,
/// at most [`MAX_SCRIPTS`] of at most [`MAX_SCRIPT_BYTES`] each, as
/// `(path relative to src, text)`.
pub fn read_build_files(src: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for d in [src.to_path_buf(), src.join("make"), src.join("scripts")] {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut names: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        names.sort();
        for p in names {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if (matches!(n, "Makefile" | "makefile" | "GNUmakefile")
                || n.ends_with(".mk")
                || n.ends_with(".sh"))
                && files.len() < MAX_SCRIPTS
            {
                files.push(p);
            }
        }
    }
    let mut texts = Vec::new();
    for p in &files {
        let Ok(bytes) = quorate_base::fsutil::read_regular_capped(p, MAX_SCRIPT_BYTES) else {
            continue;
        };
        let rel = p
            .strip_prefix(src)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned();
        texts.push((rel, String::from_utf8_lossy(&bytes).into_owned()));
    }
    texts
}

/// Reads the build files of `src` (see [`read_build_files`]) and what they
/// say (see [`scan`]).
pub fn read_source(src: &Path, git: GitValues<'_>) -> SourceFlags {
    scan(&read_build_files(src), git)
}

/// What the build files of a source checked out at release `tag` say,
/// with `git describe` and `git rev-parse` run in it (see
/// [`GitValues::Checkout`]). When `tag` is a lightweight tag on the
/// checked-out commit (one made to name a build after the fact, as for a
/// date-named build of an untagged commit), each `-X` definition whose
/// value came from `git describe` is also given as `git describe` said it
/// before that tag existed (`--exclude tag`), after the others: the
/// caller keeps the one the published program holds.
pub fn read_checkout(src: &Path, tag: &str, commit: &str) -> SourceFlags {
    let texts = read_build_files(src);
    let mut found = scan(
        &texts,
        GitValues::Checkout {
            dir: Some(src),
            tag,
            commit,
            exclude: None,
        },
    );
    if lightweight_tag_at_head(src, tag) {
        let before = scan(
            &texts,
            GitValues::Checkout {
                dir: Some(src),
                tag,
                commit,
                exclude: Some(tag),
            },
        );
        for mut x in before.x {
            if !found.x.iter().any(|f| f.definition == x.definition) {
                x.file = format!(
                    "{} (git describe without the lightweight tag {tag})",
                    x.file
                );
                found.x.push(x);
            }
        }
    }
    found
}

/// True when `tag` is a lightweight tag (no tag object) on HEAD of the
/// work tree `src`.
fn lightweight_tag_at_head(src: &Path, tag: &str) -> bool {
    if !src.join(".git").exists() || untrusted::file_version(tag).is_err() {
        return false;
    }
    let r = format!("refs/tags/{tag}");
    let kind = quorate_base::git::run_line(Some(src), &["cat-file", "-t", r.as_str()]);
    let at = quorate_base::git::run_line(
        Some(src),
        &["rev-parse", "--verify", "-q", &format!("{r}^{{commit}}")],
    );
    let head = quorate_base::git::run_line(Some(src), &["rev-parse", "HEAD"]);
    matches!((kind, at, head), (Ok(k), Ok(a), Ok(h)) if k == "commit" && a == h)
}

/// The logical lines of a text: `\`-newline continuations joined.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        match line.strip_suffix('\\') {
            Some(l) => {
                cur.push_str(l);
                cur.push(' ');
            }
            None => {
                cur.push_str(line);
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_make_file(name: &str) -> bool {
    !name.ends_with(".sh")
}

/// The variables of build files and their expansion, memoized (each
/// variable is expanded once, whatever the number of references).
struct Vars {
    raw: BTreeMap<String, String>,
    memo: std::cell::RefCell<BTreeMap<String, Option<String>>>,
}

impl Vars {
    /// Expands `$(NAME)`, `${NAME}` and `$NAME` (at most 8 levels deep,
    /// at most [`MAX_EXPANDED`] bytes); `None` when something cannot be
    /// expanded.
    fn expand(&self, s: &str, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let (name, tail) = if let Some(a) = after.strip_prefix('(') {
                let j = a.find(')')?;
                (&a[..j], &a[j + 1..])
            } else if let Some(a) = after.strip_prefix('{') {
                let j = a.find('}')?;
                (&a[..j], &a[j + 1..])
            } else {
                let j = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..j], &after[j..])
            };
            out.push_str(&self.var(name, depth)?);
            if out.len() > MAX_EXPANDED {
                return None;
            }
            rest = tail;
        }
        out.push_str(rest);
        (out.len() <= MAX_EXPANDED).then_some(out)
    }

    fn var(&self, name: &str, depth: usize) -> Option<String> {
        if let Some(v) = self.memo.borrow().get(name) {
            return v.clone();
        }
        let raw = self.raw.get(name)?;
        // A reference to itself while being expanded is a cycle.
        self.memo.borrow_mut().insert(name.to_string(), None);
        let v = self.expand(raw, depth + 1);
        self.memo.borrow_mut().insert(name.to_string(), v.clone());
        v
    }
}

/// The value of a git command for `git`; `runs` caches what was run.
fn git_value(
    cmd: &GitCommand,
    git: GitValues<'_>,
    runs: &mut BTreeMap<GitCommand, Option<String>>,
) -> Option<String> {
    match git {
        GitValues::Templates => {
            if cmd.is_describe() {
                Some("{{version}}".to_string())
            } else if cmd.is_full_commit() {
                Some("{{commit}}".to_string())
            } else {
                None
            }
        }
        GitValues::Checkout {
            dir,
            tag,
            commit,
            exclude,
        } => {
            let excluding;
            let cmd = match exclude.and_then(|t| cmd.excluding(t)) {
                Some(c) => {
                    excluding = c;
                    &excluding
                }
                None => cmd,
            };
            let ran = match dir.filter(|d| d.join(".git").exists()) {
                Some(d) if runs.contains_key(cmd) || runs.len() < MAX_GIT_RUNS => runs
                    .entry(cmd.clone())
                    .or_insert_with(|| cmd.run(d).ok().filter(|v| !v.is_empty()))
                    .clone(),
                _ => None,
            };
            ran.or_else(|| {
                if cmd.is_describe() {
                    Some(tag.to_string())
                } else if cmd.is_full_commit() {
                    Some(commit.to_string())
                } else {
                    let n = cmd
                        .args
                        .iter()
                        .find_map(|a| a.strip_prefix("--short="))
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(7usize);
                    commit.get(..n.max(4)).map(str::to_string)
                }
            })
        }
    }
}

/// The command body of a value that is one `$(shell …)`, `$(…)` or
/// `` `…` `` followed by `tail`, as `(body, tail)`.
fn command_in(v: &str) -> Option<(&str, &str)> {
    if let Some(r) = v.strip_prefix('`') {
        let j = r.find('`')?;
        return Some((&r[..j], &r[j + 1..]));
    }
    let r = v.strip_prefix("$(")?;
    let j = r.find(')')?;
    let body = &r[..j];
    // `$(NAME)` is a variable, not a command.
    if !body.contains(char::is_whitespace) {
        return None;
    }
    Some((body.strip_prefix("shell ").unwrap_or(body), &r[j + 1..]))
}

/// Reads build file texts `(file, text)`: their variables, `-X`
/// definitions, release build tags and `-trimpath` packages; never
/// panics, whatever the text. Each value found passes the grammar of
/// [`crate::untrusted`] (`-X` definitions as [`untrusted::x_definition`],
/// or as a quorate.toml ldflags entry for [`GitValues::Templates`]).
pub fn scan(texts: &[(String, String)], git: GitValues<'_>) -> SourceFlags {
    let lines: Vec<(&str, Vec<String>)> = texts
        .iter()
        .map(|(f, t)| (f.as_str(), logical_lines(t)))
        .collect();
    let found = assignments(&lines, git);
    let vars = Vars {
        raw: found.raw,
        memo: Default::default(),
    };
    let mut out = SourceFlags {
        files: texts.iter().map(|(f, _)| f.clone()).collect(),
        go_version: found.go_version,
        ..Default::default()
    };
    x_definitions(texts, &vars, git, &mut out);
    out.tags = release_tags(&vars, &found.tag_vars, &lines, &mut out.unresolved_tags);
    out.packages = trimpath_packages(&vars, &lines);
    out
}

/// What the variable assignments of the build files say.
struct Assignments<'a> {
    /// Each variable's first value (git commands run as [`git_value`]
    /// allows).
    raw: BTreeMap<String, String>,
    /// The first `RELEASE_TAGS` value and its file.
    tag_vars: Vec<(String, &'a str)>,
    /// The first `GO_VERSION`, when it is a Go version.
    go_version: Option<XDefinition>,
}

/// Reads `NAME = value` (also `:=`, `?=`, `export NAME=`) from every
/// logical line; a value that is a command is kept only when it is a git
/// command [`git_value`] answers.
fn assignments<'a>(lines: &[(&'a str, Vec<String>)], git: GitValues<'_>) -> Assignments<'a> {
    let mut raw: BTreeMap<String, String> = BTreeMap::new();
    let mut runs = BTreeMap::new();
    let mut tag_vars: Vec<(String, &str)> = Vec::new();
    let mut go_version = None;
    for (file, ls) in lines {
        for line in ls {
            let l = line.trim();
            let l = l.strip_prefix("export ").unwrap_or(l).trim();
            let Some((k, v)) = l
                .split_once(":=")
                .or_else(|| l.split_once("?="))
                .or_else(|| l.split_once('='))
            else {
                continue;
            };
            let k = k.trim();
            if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let mut v = v;
            if is_make_file(file) {
                v = v.split(" #").next().unwrap_or(v);
            }
            let v = v.trim().trim_matches('"').trim_matches('\'');
            let v = match command_in(v) {
                Some((body, tail)) => {
                    let Some(x) =
                        parse_git_command(body).and_then(|c| git_value(&c, git, &mut runs))
                    else {
                        continue;
                    };
                    format!("{x}{tail}")
                }
                None => v.to_string(),
            };
            if k == "GO_VERSION" && !raw.contains_key(k) {
                go_version = untrusted::parse_go_version(&v).ok().map(|g| XDefinition {
                    definition: g,
                    file: file.to_string(),
                });
            }
            if k == "RELEASE_TAGS" && !raw.contains_key(k) {
                tag_vars.push((v.clone(), file));
            }
            raw.entry(k.to_string()).or_insert(v);
        }
    }
    Assignments {
        raw,
        tag_vars,
        go_version,
    }
}

/// Every `-X` definition in the texts, expanded with `vars`: those that
/// pass the grammar into `out.x`, those that do not expand into
/// `out.unresolved_x` (unless a resolved one sets the same symbol); at most
/// [`MAX_DEFINITIONS`] in all.
fn x_definitions(
    texts: &[(String, String)],
    vars: &Vars,
    git: GitValues<'_>,
    out: &mut SourceFlags,
) {
    let valid = |d: &str| match git {
        GitValues::Templates => untrusted::ldflags_entry(&format!("-X {d}")).is_ok(),
        GitValues::Checkout { .. } => untrusted::x_definition(d).is_ok(),
    };
    for (rel, text) in texts {
        let cleaned = text.replace(['"', '\''], " ");
        let mut ws = cleaned.split_whitespace();
        while let Some(w) = ws.next() {
            if w != "-X" {
                continue;
            }
            let Some(d) = ws.next() else { break };
            if out.x.len() + out.unresolved_x.len() >= MAX_DEFINITIONS {
                break;
            }
            match vars.expand(d, 0) {
                Some(d) if valid(&d) => {
                    if !out.x.iter().any(|x| x.definition == d) {
                        out.x.push(XDefinition {
                            definition: d,
                            file: rel.clone(),
                        });
                    }
                }
                Some(_) => {}
                None => {
                    // Keep what is recognisably a definition, for a comment.
                    if d.contains('=')
                        && d.len() <= 200
                        && !d.chars().any(char::is_control)
                        && !out.unresolved_x.iter().any(|x| x.definition == d)
                    {
                        out.unresolved_x.push(XDefinition {
                            definition: d.to_string(),
                            file: rel.clone(),
                        });
                    }
                }
            }
        }
    }
    // A resolved definition of the same symbol makes an unresolved one moot.
    out.unresolved_x.retain(|u| {
        let sym = u.definition.split('=').next().unwrap_or("");
        let sym = vars.expand(sym, 0);
        !out.x
            .iter()
            .any(|x| Some(x.definition.split('=').next().unwrap_or("")) == sym.as_deref())
    });
}

/// Splits a tag list (spaces or commas) and checks every tag.
fn tag_list(s: &str) -> Option<Vec<String>> {
    let mut tags: Vec<String> = Vec::new();
    for t in s.split(|c: char| c == ',' || c.is_whitespace()) {
        if t.is_empty() {
            continue;
        }
        untrusted::tag(t).ok()?;
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    (!tags.is_empty()).then_some(tags)
}

/// The release build tags: `RELEASE_TAGS` (its first assignment), else
/// the `-tags` of a `-trimpath` build line.
fn release_tags(
    vars: &Vars,
    tag_vars: &[(String, &str)],
    lines: &[(&str, Vec<String>)],
    unresolved: &mut Vec<XDefinition>,
) -> Option<TagsFound> {
    if let Some((v, file)) = tag_vars.first() {
        match vars.expand(v, 0).as_deref().map(tag_list) {
            Some(Some(tags)) => {
                return Some(TagsFound {
                    tags,
                    file: file.to_string(),
                    from: "RELEASE_TAGS".into(),
                });
            }
            _ => unresolved.push(XDefinition {
                definition: format!("RELEASE_TAGS = {}", truncate(v)),
                file: file.to_string(),
            }),
        }
    }
    for (file, ls) in lines {
        for line in ls.iter().filter(|l| l.contains("-trimpath")) {
            for value in tags_values(&words(line)) {
                match vars.expand(&value, 0).as_deref().map(tag_list) {
                    Some(Some(tags)) => {
                        return Some(TagsFound {
                            tags,
                            file: file.to_string(),
                            from: "-tags".into(),
                        });
                    }
                    _ => {
                        if unresolved.len() < 16 {
                            unresolved.push(XDefinition {
                                definition: format!("-tags={}", truncate(&value)),
                                file: file.to_string(),
                            })
                        }
                    }
                }
            }
        }
    }
    None
}

fn truncate(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(200).collect();
    s
}

/// The values of `-tags=V`, `--tags=V` and `-tags V` among `words`.
fn tags_values(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let w = if w.starts_with("--") {
            &w[1..]
        } else {
            w.as_str()
        };
        if let Some(v) = w.strip_prefix("-tags=") {
            out.push(v.to_string());
        } else if w == "-tags" {
            if let Some(v) = it.next() {
                out.push(v.clone());
            }
        }
    }
    out
}

/// Packages named on `-trimpath` build lines: words that expand to an
/// import path (a first element with a dot) or a `./` path, after the
/// flags; at most 64.
fn trimpath_packages(vars: &Vars, lines: &[(&str, Vec<String>)]) -> Vec<XDefinition> {
    let mut out: Vec<XDefinition> = Vec::new();
    for (file, ls) in lines {
        for line in ls.iter().filter(|l| l.contains("-trimpath")) {
            let ws = words(line);
            let Some(build) = ws.iter().position(|w| {
                w == "build" || w == "install" || w.contains("GOBUILD") || w.contains("GOINSTALL")
            }) else {
                continue;
            };
            let mut skip_next = false;
            for w in &ws[build + 1..] {
                if skip_next {
                    skip_next = false;
                    continue;
                }
                if matches!(
                    w.as_str(),
                    "-o" | "-tags"
                        | "-ldflags"
                        | "-gcflags"
                        | "-asmflags"
                        | "-mod"
                        | "-modfile"
                        | "-p"
                        | "-pkgdir"
                        | "-overlay"
                        | "-pgo"
                        | "-buildmode"
                        | "-toolexec"
                ) {
                    skip_next = true;
                    continue;
                }
                if w.starts_with('-') || w == "|" || w == "&&" || w == ";" {
                    continue;
                }
                let Some(p) = vars.expand(w, 0) else { continue };
                let p = p.trim_end_matches('/').to_string();
                let looks = (p.starts_with("./")
                    || p.split('/').next().is_some_and(|f| f.contains('.')))
                    && untrusted::package(&p).is_ok();
                if looks && out.len() < 64 && !out.iter().any(|x| x.definition == p) {
                    out.push(XDefinition {
                        definition: p,
                        file: file.to_string(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, String)> {
        vec![("Makefile".to_string(), s.to_string())]
    }

    #[test]
    fn git_commands_are_whitelisted() {
        for ok in [
            "git describe --tags --dirty",
            "git describe --tags --match 'v*' --dirty --always",
            "git describe --abbrev=12 --match=v* HEAD 2>/dev/null || echo unknown",
            "git rev-parse HEAD",
            "git rev-parse --short=10 HEAD",
        ] {
            assert!(parse_git_command(ok).is_some(), "{ok}");
        }
        for bad in [
            "git describe --tags; rm -rf /",
            "git describe --tags --match $(rm -rf x)",
            "git -c core.pager=sh describe",
            "git describe --contains",
            "git describe --match -x",
            "git describe --abbrev=999",
            "git rev-parse --short",
            "git log -1",
            "rm -rf / # git describe",
            "sh -c 'git describe'",
        ] {
            assert_eq!(parse_git_command(bad), None, "{bad}");
        }
        assert_eq!(
            parse_git_command("git describe --tags --match 'v*' --dirty")
                .unwrap()
                .args,
            ["describe", "--tags", "--match", "v*", "--dirty"]
        );
    }

    #[test]
    fn templates_for_init() {
        let f = scan(
            &texts(
                "PKG := example.com/m\nCOMMIT := $(shell git describe --tags --dirty)\nHASH = $(shell git rev-parse HEAD)\nSHORT = $(shell git rev-parse --short HEAD)\nDATE := $(shell date +%s)\nRM := $(shell rm -rf /tmp/x)\nRELEASE_TAGS = a b # comment\nGO_VERSION = 1.26.6\nLDFLAGS := -X $(PKG)/build.Commit=$(COMMIT) -X \"$(PKG)/build.Hash=$(HASH)\" -X $(PKG)/build.Short=$(SHORT) -X $(PKG)/build.Date=$(DATE) -X $(PKG)/build.Flavor=full\n\tgo build -trimpath -tags=\"$(RELEASE_TAGS)\" -o out $(PKG)/cmd/a ./cmd/b\n",
            ),
            GitValues::Templates,
        );
        let defs: Vec<&str> = f.x.iter().map(|x| x.definition.as_str()).collect();
        assert_eq!(
            defs,
            [
                "example.com/m/build.Commit={{version}}",
                "example.com/m/build.Hash={{commit}}",
                "example.com/m/build.Flavor=full"
            ]
        );
        let un: Vec<&str> = f
            .unresolved_x
            .iter()
            .map(|x| x.definition.as_str())
            .collect();
        assert_eq!(
            un,
            ["$(PKG)/build.Short=$(SHORT)", "$(PKG)/build.Date=$(DATE)"]
        );
        let t = f.tags.unwrap();
        assert_eq!(t.tags, ["a", "b"]);
        assert_eq!(t.from, "RELEASE_TAGS");
        assert_eq!(f.go_version.unwrap().definition, "1.26.6");
        let p: Vec<&str> = f.packages.iter().map(|x| x.definition.as_str()).collect();
        assert_eq!(p, ["example.com/m/cmd/a", "./cmd/b"]);
    }

    #[test]
    fn tags_from_a_trimpath_line_and_continuations() {
        let f = scan(
            &[(
                "scripts/release.sh".to_string(),
                "PKG=\"example.com/m\"\nTAGS='x y'\ngo build -v -trimpath \\\n  -tags \"${TAGS},z\" ${PKG}/cmd/app\ngo build -trimpath -tags=\"${buildtags}\" ${PKG}/cmd/other\n".to_string(),
            )],
            GitValues::Templates,
        );
        assert_eq!(f.tags.unwrap().tags, ["x", "y", "z"]);
        let p: Vec<&str> = f.packages.iter().map(|x| x.definition.as_str()).collect();
        assert_eq!(p, ["example.com/m/cmd/app", "example.com/m/cmd/other"]);
    }

    #[test]
    fn expansion_is_bounded() {
        let mut raw = BTreeMap::new();
        raw.insert("A".to_string(), "$(B)".to_string());
        raw.insert("B".to_string(), "$(A)".to_string());
        raw.insert("D".to_string(), "$(E)$(E)$(E)$(E)".to_string());
        raw.insert("E".to_string(), "$(F)$(F)$(F)$(F)".to_string());
        raw.insert("F".to_string(), "x".repeat(1000));
        raw.insert("C".to_string(), "c".to_string());
        let v = Vars {
            raw,
            memo: Default::default(),
        };
        assert_eq!(v.expand("x$(A)", 0), None);
        assert_eq!(v.expand("$(D)", 0), None);
        assert_eq!(v.expand("${C}-$C", 0).as_deref(), Some("c-c"));
        // Many references to a long variable cost one expansion each.
        let mut raw = BTreeMap::new();
        raw.insert("N".to_string(), String::new());
        raw.insert("L".to_string(), "$(N)".repeat(100_000));
        let v = Vars {
            raw,
            memo: Default::default(),
        };
        assert_eq!(v.expand(&"$(L)".repeat(100_000), 0).as_deref(), Some(""));
    }

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {:?}", out);
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// On a commit after the tag, the values are what `git describe` and
    /// `git rev-parse` say, not the tag.
    #[test]
    fn git_describe_after_a_tag_matches_git() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        git(r, &["init", "-q"]);
        let mk = "PKG := example.com/m\nCOMMIT := $(shell git describe --tags --dirty)\nLONG := $(shell git describe --tags --match 'v*' --abbrev=12 --long)\nOTHER := $(shell git describe --tags --match 'kvdb/*')\nSHORT := `git rev-parse --short HEAD`\nHASH := $(git rev-parse HEAD)\nLDFLAGS := -X $(PKG)/build.Commit=$(COMMIT) -X $(PKG)/build.Long=$(LONG) -X $(PKG)/build.Other=$(OTHER) -X $(PKG)/build.Short=$(SHORT) -X $(PKG)/build.Hash=$(HASH)\n";
        std::fs::write(r.join("Makefile"), mk).unwrap();
        git(r, &["add", "."]);
        git(r, &["commit", "-qm", "one"]);
        git(r, &["tag", "-a", "-m", "v1", "v1.0.0"]);
        git(r, &["tag", "kvdb/v1.6.1"]);
        std::fs::write(r.join("a"), "a").unwrap();
        git(r, &["add", "."]);
        git(r, &["commit", "-qm", "two"]);
        std::fs::write(r.join("b"), "b").unwrap();
        git(r, &["add", "."]);
        git(r, &["commit", "-qm", "three"]);
        let head = git(r, &["rev-parse", "HEAD"]);
        let expect = |args: &[&str]| git(r, args);
        let want = [
            format!(
                "example.com/m/build.Commit={}",
                expect(&["describe", "--tags", "--dirty"])
            ),
            format!(
                "example.com/m/build.Long={}",
                expect(&[
                    "describe",
                    "--tags",
                    "--match",
                    "v*",
                    "--abbrev=12",
                    "--long"
                ])
            ),
            format!(
                "example.com/m/build.Other={}",
                expect(&["describe", "--tags", "--match", "kvdb/*"])
            ),
            format!(
                "example.com/m/build.Short={}",
                expect(&["rev-parse", "--short", "HEAD"])
            ),
            format!("example.com/m/build.Hash={head}"),
        ];
        let found = read_source(
            r,
            GitValues::Checkout {
                dir: Some(r),
                tag: "v1.0.0",
                commit: &head,
                exclude: None,
            },
        );
        let got: Vec<&str> = found.x.iter().map(|x| x.definition.as_str()).collect();
        assert_eq!(got, want);
        // Two commits after the tag: not the tag itself.
        assert!(got[0].contains("v1.0.0-2-g"), "{got:?}");
        assert!(got[2].contains("kvdb/v1.6.1-2-g"), "{got:?}");
        // A modified tree is `-dirty`, as git says.
        std::fs::write(r.join("a"), "changed").unwrap();
        let found = read_source(
            r,
            GitValues::Checkout {
                dir: Some(r),
                tag: "v1.0.0",
                commit: &head,
                exclude: None,
            },
        );
        assert_eq!(
            found.x[0].definition,
            format!(
                "example.com/m/build.Commit={}",
                expect(&["describe", "--tags", "--dirty"])
            )
        );
        assert!(found.x[0].definition.ends_with("-dirty"));
        // A lightweight tag made on the commit to name the build: the value
        // git describe gives now, then the one it gave before the tag.
        git(r, &["checkout", "-q", "a"]);
        let before = expect(&["describe", "--tags", "--dirty"]);
        git(r, &["tag", "20261203-01"]);
        let found = read_checkout(r, "20261203-01", &head);
        let commits: Vec<&str> = found
            .x
            .iter()
            .filter(|x| x.definition.starts_with("example.com/m/build.Commit="))
            .map(|x| x.definition.as_str())
            .collect();
        assert_eq!(
            commits,
            [
                "example.com/m/build.Commit=20261203-01".to_string(),
                format!("example.com/m/build.Commit={before}")
            ]
        );
        assert_eq!(
            before,
            expect(&["describe", "--tags", "--dirty", "--exclude", "20261203-01"])
        );
        // An annotated (release) tag: only what git describe says.
        git(r, &["tag", "-a", "-m", "r", "v1.1.0"]);
        let found = read_checkout(r, "v1.1.0", &head);
        assert_eq!(found.x[0].definition, "example.com/m/build.Commit=v1.1.0");
        assert!(!found.x.iter().any(|x| x.file.contains("lightweight")));
    }

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(
            words(r#"go build -tags="a b" 'c d'e \"x"#),
            ["go", "build", "-tags=a b", "c de", "\"x"]
        );
        assert_eq!(words("\"\" x"), ["", "x"]);
    }
}
