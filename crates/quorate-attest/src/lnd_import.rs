//! Importing an lnd-style trust setup (lnd, taproot-assets, …): the pinned
//! `KEYS` and `MIN_REQUIRED_SIGNATURES` of `scripts/verify-install.sh` and
//! the public keys of `scripts/keys/<user>.asc`.
//!
//! The script is read, never run, so it must mean the same to quorate as to
//! bash. [`parse_script`] reads only plain top-level assignments at the top
//! of the script, in order (`KEYS=()` resets the list, the last
//! `MIN_REQUIRED_SIGNATURES=` wins), and refuses, with the line number, any
//! later code that could change those names (assignments, `declare`,
//! `unset`, `read`, `eval`, `source`, computed names, …), so a key list
//! hidden in a here-document, a function or a conditional is refused
//! rather than misread.
//!
//! Key files are read only inside the checkout (links are resolved with the
//! checkout as a wall), must hold the pinned key (primary or subkey) and no
//! secret key material, and are returned re-armored as public keys: nothing
//! is written here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::policy::{PolicyFile, SignerEntry, validate_name};
use crate::{AttestError, openpgp};

/// Largest script read.
const MAX_SCRIPT_BYTES: u64 = 1 << 20;

/// The names the import reads.
const KEYS: &str = "KEYS";
const MIN: &str = "MIN_REQUIRED_SIGNATURES";

/// What [`import_lnd`] read from an lnd-style checkout.
#[derive(Debug, Clone)]
pub struct LndImport {
    /// The policy, with `key = "keys/<user>.asc"` for every signer and the
    /// fingerprint as pinned (a primary key's or a signing subkey's).
    pub policy: PolicyFile,
    /// The keys to write beside the policy, in `KEYS` order.
    pub keys: Vec<ImportedKey>,
}

/// One signer's public key, checked.
#[derive(Debug, Clone)]
pub struct ImportedKey {
    /// The user (`keys/<user>.asc`).
    pub user: String,
    /// Where it was read.
    pub source: PathBuf,
    /// The certificate holding the pinned key, armored, public parts only.
    pub armored: Vec<u8>,
}

/// What [`parse_script`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptKeys {
    /// The last `MIN_REQUIRED_SIGNATURES=`.
    pub threshold: i64,
    /// `(fingerprint, user, line)` in list order, as bash has `KEYS`.
    pub keys: Vec<(String, String, usize)>,
}

/// Why a script is refused: the line (1-based) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ScriptError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

fn serr(line: usize, reason: impl Into<String>) -> ScriptError {
    ScriptError {
        line,
        reason: reason.into(),
    }
}

/// One plain top-level statement.
enum Simple {
    Nothing,
    Other,
    KeysSet(Vec<(String, String)>),
    KeysAdd(Vec<(String, String)>),
    Min(i64),
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Lexes one shell word from the start of `s` as a plain assignment value
/// allows it: literal characters, quotes, `$NAME`; no command or arithmetic
/// substitution, no `${…}`, no operators. Returns (its text without quotes,
/// the rest of the line).
fn plain_word(s: &str) -> Result<(String, &str), String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = String::new();
    let dollar = |j: usize| -> Result<(), String> {
        match b.get(j + 1) {
            Some(b'(' | b'{' | b'[' | b'\'') => {
                Err("`$(`, `${`, `$[` and `$'` are not plain assignments".into())
            }
            _ => Ok(()),
        }
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => break,
            b'\'' => {
                let end = s[i + 1..]
                    .find('\'')
                    .ok_or("a quote is not closed on this line")?;
                out.push_str(&s[i + 1..i + 1 + end]);
                i += end + 2;
            }
            b'"' => {
                i += 1;
                loop {
                    match b.get(i) {
                        None => return Err("a quote is not closed on this line".into()),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let ch = s[i + 1..]
                                .chars()
                                .next()
                                .ok_or("a quote is not closed on this line")?;
                            out.push(ch);
                            i += 1 + ch.len_utf8();
                        }
                        Some(b'`') => return Err("command substitution".into()),
                        Some(b'$') => {
                            dollar(i)?;
                            out.push('$');
                            i += 1;
                        }
                        Some(_) => {
                            let ch = s[i..].chars().next().unwrap_or('?');
                            out.push(ch);
                            i += ch.len_utf8();
                        }
                    }
                }
                i += 1;
            }
            b'\\' => {
                let ch = s[i + 1..]
                    .chars()
                    .next()
                    .ok_or("a line continuation (`\\` at the end)")?;
                out.push(ch);
                i += 1 + ch.len_utf8();
            }
            b'`' => return Err("command substitution".into()),
            b'$' => {
                dollar(i)?;
                out.push('$');
                i += 1;
            }
            c if b";&|<>(){}".contains(&c) => {
                return Err(format!("`{}` is not part of a plain assignment", c as char));
            }
            _ => {
                let ch = s[i..].chars().next().unwrap_or('?');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    Ok((out, &s[i..]))
}

/// True when only blanks and a comment follow.
fn rest_is_comment(rest: &str) -> bool {
    let r = rest.trim_start_matches([' ', '\t']);
    r.is_empty() || r.starts_with('#')
}

/// `("<fpr> <user>" …)`: the elements of a KEYS array literal.
fn key_list(value: &str, line: usize) -> Result<Vec<(String, String)>, ScriptError> {
    let bad = |r: &str| {
        serr(
            line,
            format!("{KEYS}: {r}; write KEYS+=(\"<fingerprint> <user>\")"),
        )
    };
    let inner = value.strip_prefix('(').ok_or_else(|| bad("not an array"))?;
    let close = inner
        .find(')')
        .ok_or_else(|| bad("the array is not closed on this line"))?;
    if !rest_is_comment(&inner[close + 1..]) {
        return Err(bad("something follows the array"));
    }
    let mut items = Vec::new();
    let mut s = inner[..close].trim_matches([' ', '\t']);
    while !s.is_empty() {
        let q = s.as_bytes()[0];
        if q != b'"' && q != b'\'' {
            return Err(bad("each element must be quoted"));
        }
        let end = s[1..]
            .find(q as char)
            .ok_or_else(|| bad("a quote is not closed"))?;
        let elem = &s[1..1 + end];
        if elem.contains(['$', '`', '\\', '"', '\'']) {
            return Err(bad(
                "an element holds `$`, a backquote, a backslash or a quote",
            ));
        }
        let mut parts = elem.split_whitespace();
        let (Some(fpr), Some(user), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad(&format!(
                "element {elem:?} is not \"<fingerprint> <user>\""
            )));
        };
        let fpr = openpgp::normalize_fingerprint(fpr)
            .ok_or_else(|| serr(line, format!("{fpr:?} is not a full fingerprint")))?;
        validate_name(user).map_err(|r| serr(line, r))?;
        items.push((fpr, user.to_string()));
        s = s[2 + end..].trim_start_matches([' ', '\t']);
        if !s.is_empty() && !s.starts_with(['"', '\'']) {
            return Err(bad("elements are separated by blanks"));
        }
    }
    Ok(items)
}

/// Classifies one line as a plain top-level statement, or says why it is
/// not one (`Err`).
fn simple(text: &str, line: usize) -> Result<Result<Simple, String>, ScriptError> {
    let t = text.trim_start_matches([' ', '\t']);
    if t.is_empty() || t.starts_with('#') {
        return Ok(Ok(Simple::Nothing));
    }
    let name_end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    let name = &t[..name_end];
    let after = &t[name_end..];
    let (append, value) = if let Some(v) = after.strip_prefix("+=") {
        (true, v)
    } else if let Some(v) = after.strip_prefix('=') {
        (false, v)
    } else {
        return Ok(Err("not a plain assignment".into()));
    };
    if !is_ident(name) {
        return Ok(Err("not a plain assignment".into()));
    }
    if name == "IFS" {
        return Err(serr(
            line,
            "IFS changes how the script splits each KEYS entry; refused",
        ));
    }
    if name == KEYS {
        let items = key_list(value, line)?;
        return Ok(Ok(if append {
            Simple::KeysAdd(items)
        } else {
            Simple::KeysSet(items)
        }));
    }
    let (word, rest) = match plain_word(value) {
        Ok(w) => w,
        Err(r) => {
            if name == MIN {
                return Err(serr(line, format!("{MIN}: {r}")));
            }
            return Ok(Err(r));
        }
    };
    if !rest_is_comment(rest) {
        if name == MIN {
            return Err(serr(line, format!("{MIN}= must stand alone on its line")));
        }
        return Ok(Err("an assignment followed by a command".into()));
    }
    if name == MIN {
        if append || word.is_empty() || word.len() > 4 || !word.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(serr(
                line,
                format!("{MIN}={value} is not a number (write {MIN}=<n>)"),
            ));
        }
        return Ok(Ok(Simple::Min(word.parse().unwrap_or(0))));
    }
    Ok(Ok(Simple::Other))
}

/// Removes quotes and backslashes (what the shell's quote removal joins).
fn dequote(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '"' | '\'' | '\\'))
        .collect()
}

/// Finds a use of KEYS or MIN_REQUIRED_SIGNATURES in `s` that is not a
/// plain read (`$NAME`, `${NAME}`, `${NAME[@]}`, `${NAME[*]}`, `${#NAME…}`).
fn write_of_names(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    for name in [KEYS, MIN] {
        let mut from = 0;
        while let Some(off) = s[from..].find(name) {
            let at = from + off;
            let end = at + name.len();
            from = end;
            let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
            if (at > 0 && ident(b[at - 1])) || b.get(end).is_some_and(|&c| ident(c)) {
                continue;
            }
            let before = &s[..at];
            let after = &s[end..];
            let read = if before.ends_with('$') {
                true
            } else if before.ends_with("${") || before.ends_with("${#") {
                ["}", "[@]}", "[*]}"].iter().any(|r| after.starts_with(r))
            } else {
                false
            };
            if !read {
                return Some(name);
            }
        }
    }
    None
}

/// Builtins that assign or run text as code; refused as words after the
/// key list (the real scripts use none of them).
const BANNED_WORDS: &[&str] = &[
    ".",
    "source",
    "eval",
    "let",
    "declare",
    "typeset",
    "local",
    "readonly",
    "export",
    "read",
    "readarray",
    "mapfile",
    "unset",
    "printf",
    "alias",
    "builtin",
    "enable",
];

/// Shell state carried from line to line after the plain prefix.
#[derive(Default)]
struct Rest {
    single: bool,
    double: bool,
    /// Here-document delimiters waiting for their bodies, in order.
    heredocs: Vec<(String, bool)>,
    /// In a body: its delimiter and whether leading tabs are stripped.
    body: Option<(String, bool)>,
}

/// Where a line after the plain prefix is, to word its refusal.
struct Place<'a> {
    /// The line being checked.
    line: usize,
    /// The first line that is not a plain top-level assignment.
    first: usize,
    /// Why that first line is not one.
    why: &'a str,
}

impl Place<'_> {
    /// The error refusing `what` on this line.
    fn refuse(&self, what: String) -> ScriptError {
        let Place { line, first, why } = self;
        serr(
            *line,
            format!(
                "{what}, after line {first}, which is not a plain top-level assignment ({why}); quorate reads KEYS and {MIN} only from plain assignments before any other code, where bash and quorate agree"
            ),
        )
    }
}

impl Rest {
    /// Checks one line of code after the plain prefix.
    fn line(
        &mut self,
        text: &str,
        line: usize,
        first: usize,
        why: &str,
    ) -> Result<(), ScriptError> {
        let place = Place { line, first, why };
        if self.body.is_some() {
            return self.body_line(text, &place);
        }
        let code = self.code_of(text, &place)?;
        // A continuation (a line ending in `\` outside single quotes) joins
        // the next line: fine for the checks below, which look at every line.
        check_code(text, &code, &place)?;
        if self.body.is_none() && !self.heredocs.is_empty() && !self.single && !self.double {
            self.body = Some(self.heredocs.remove(0));
        }
        Ok(())
    }

    /// Checks one line of a here-document body (nothing outside a body):
    /// the delimiter ends it (and starts the next pending body); any other
    /// line is refused if it writes a watched name.
    fn body_line(&mut self, text: &str, place: &Place) -> Result<(), ScriptError> {
        let Some((delim, strip)) = &self.body else {
            return Ok(());
        };
        let t = if *strip {
            text.trim_start_matches('\t')
        } else {
            text
        };
        if t == delim {
            self.body = None;
            if !self.heredocs.is_empty() {
                self.body = Some(self.heredocs.remove(0));
            }
        } else if let Some(n) = write_of_names(text).or(write_of_names(&dequote(text))) {
            return Err(place.refuse(format!("{n} appears in a here-document")));
        }
        Ok(())
    }

    /// The line's code: quoted text and escapes blanked, a comment cut off,
    /// here-document starts recorded (as ` << `); quote state carried on.
    /// Refuses backquotes in double quotes, `$'…'` and a here-document
    /// without a delimiter.
    fn code_of(&mut self, text: &str, place: &Place) -> Result<String, ScriptError> {
        let b = text.as_bytes();
        let mut code = String::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if self.single {
                if c == b'\'' {
                    self.single = false;
                }
                code.push(' ');
                i += 1;
                continue;
            }
            if self.double {
                match c {
                    b'\\' => i += 1,
                    b'"' => self.double = false,
                    b'`' => return Err(place.refuse("a command substitution".into())),
                    b'$' if matches!(b.get(i + 1), Some(b'(' | b'[')) => {
                        code.push_str("$(");
                    }
                    _ => {}
                }
                code.push(' ');
                i += 1;
                continue;
            }
            match c {
                b'$' if b.get(i + 1) == Some(&b'\'') => {
                    return Err(place.refuse("`$'…'` quoting".into()));
                }
                b'\'' => self.single = true,
                b'"' => self.double = true,
                b'\\' => {
                    i += 2;
                    code.push(' ');
                    continue;
                }
                b'#' if i == 0 || b" \t;&|(".contains(&b[i - 1]) => break,
                b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) != Some(&b'<') => {
                    i = self.heredoc_start(text, i, place)?;
                    code.push_str(" << ");
                    continue;
                }
                _ => code.push(c as char),
            }
            i += 1;
        }
        Ok(code)
    }

    /// Records the here-document that starts with the `<<` at byte `at`
    /// (its delimiter, dequoted, and whether `<<-` strips tabs); returns
    /// the byte after the delimiter word.
    fn heredoc_start(
        &mut self,
        text: &str,
        at: usize,
        place: &Place,
    ) -> Result<usize, ScriptError> {
        let mut j = at + 2;
        let strip = text.as_bytes().get(j) == Some(&b'-');
        if strip {
            j += 1;
        }
        let rest = text[j..].trim_start_matches([' ', '\t']);
        let word_end = rest
            .find([' ', '\t', ';', '|', '&', ')'])
            .unwrap_or(rest.len());
        let delim = dequote(&rest[..word_end]);
        if delim.is_empty() {
            return Err(place.refuse("a here-document without a delimiter".into()));
        }
        self.heredocs.push((delim, strip));
        Ok(text.len() - rest.len() + word_end)
    }
}

/// Checks a line of code (`code` from [`Rest::code_of`]) in order: a
/// write of a watched name in any reading of it, IFS or shopt, computed
/// names, arithmetic on an expanded value, then the banned words.
fn check_code(text: &str, code: &str, place: &Place) -> Result<(), ScriptError> {
    for raw in [
        text.to_string(),
        dequote(text),
        code.to_string(),
        dequote(code),
    ] {
        let scope = if raw == text {
            strip_comment(text)
        } else {
            raw
        };
        if let Some(n) = write_of_names(&scope) {
            return Err(place.refuse(format!("{n} is written or used in an unknown form")));
        }
    }
    let plain = dequote(code);
    if plain
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '=' || c == '+'))
        .any(|w| w.starts_with("IFS=") || w.starts_with("IFS+="))
        || plain.contains("shopt")
    {
        return Err(
            place.refuse("IFS or shopt (they change how the script splits or expands KEYS)".into())
        );
    }
    if code.contains("$[") || code.contains("${!") {
        return Err(place.refuse("`$[` or `${!` (computed names)".into()));
    }
    if arithmetic_expands(code) {
        return Err(place.refuse("arithmetic on an expanded value (it may assign any name)".into()));
    }
    let words = format!("{} {}", dequote(code), dequote(&strip_comment(text)));
    for w in words.split(|c: char| c.is_whitespace() || ";&|(){}<>".contains(c)) {
        if BANNED_WORDS.contains(&w) {
            return Err(place.refuse(format!("`{w}` (it can assign names or run text as code)")));
        }
    }
    Ok(())
}

/// Whether some `$((…))` or `((…))` in the code expands a value (a `$`
/// inside; an unclosed one runs to the end of the line).
fn arithmetic_expands(code: &str) -> bool {
    for (open, close) in [("$((", "))"), ("((", "))")] {
        let mut from = 0;
        while let Some(o) = code[from..].find(open) {
            let start = from + o + open.len();
            let end = code[start..].find(close).map_or(code.len(), |e| start + e);
            if code[start..end].contains('$') {
                return true;
            }
            from = end.min(code.len());
            if from >= code.len() {
                break;
            }
        }
    }
    false
}

/// The line without a trailing comment (a `#` outside quotes at a word
/// start).
fn strip_comment(text: &str) -> String {
    let (mut single, mut double) = (false, false);
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if !single => i += 1,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && (i == 0 || b" \t;&|(".contains(&b[i - 1])) => {
                return text[..i].to_string();
            }
            _ => {}
        }
        i += 1;
    }
    text.to_string()
}

/// Reads `KEYS` and `MIN_REQUIRED_SIGNATURES` from an lnd-style
/// `verify-install.sh` the way bash assigns them, or refuses the script.
pub fn parse_script(bytes: &[u8]) -> Result<ScriptKeys, ScriptError> {
    if bytes.len() as u64 > MAX_SCRIPT_BYTES {
        return Err(serr(0, "the script is larger than 1 MiB"));
    }
    let mut keys: Vec<(String, String, usize)> = Vec::new();
    let mut threshold: Option<i64> = None;
    let mut plain = true;
    let mut rest = Rest::default();
    let mut first_other = (0, String::new());
    for (n, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = n + 1;
        let text = std::str::from_utf8(raw).map_err(|_| serr(line, "not UTF-8"))?;
        if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\t') {
            return Err(serr(
                line,
                format!("control character {c:?} (bash reads it as part of a word)"),
            ));
        }
        if plain {
            match simple(text, line)? {
                Ok(Simple::Nothing | Simple::Other) => {}
                Ok(Simple::KeysSet(items)) => {
                    keys = items.into_iter().map(|(f, u)| (f, u, line)).collect();
                }
                Ok(Simple::KeysAdd(items)) => {
                    keys.extend(items.into_iter().map(|(f, u)| (f, u, line)));
                }
                Ok(Simple::Min(v)) => threshold = Some(v),
                Err(why) => {
                    plain = false;
                    first_other = (line, why);
                }
            }
            if plain {
                continue;
            }
        }
        rest.line(text, line, first_other.0, &first_other.1)?;
    }
    if rest.body.is_some() || !rest.heredocs.is_empty() {
        return Err(serr(first_other.0, "a here-document is not closed"));
    }
    if keys.is_empty() {
        return Err(serr(
            first_other.0.max(1),
            "no KEYS+=(\"<fingerprint> <user>\") before this line: is this an lnd-style verify-install.sh?",
        ));
    }
    let threshold = threshold.ok_or_else(|| {
        serr(
            first_other.0.max(1),
            format!("no {MIN}=<n> before this line"),
        )
    })?;
    let mut users = BTreeSet::new();
    let mut fprs = BTreeSet::new();
    for (f, u, line) in &keys {
        if !users.insert(u.as_str()) {
            return Err(serr(*line, format!("{u} is listed twice")));
        }
        if !fprs.insert(f.as_str()) {
            return Err(serr(*line, format!("{f} is pinned twice")));
        }
    }
    if threshold < 1 || threshold as usize > keys.len() {
        return Err(serr(
            first_other.0.max(1),
            format!(
                "{MIN}={threshold}: it must be between 1 and the {} pinned signers",
                keys.len()
            ),
        ));
    }
    Ok(ScriptKeys { threshold, keys })
}

/// Reads `root/rel`, which must stay inside `root` (links are followed
/// with `root` as a wall) and be a regular file of at most `max` bytes.
fn read_inside(root: &Path, rel: &str, max: u64) -> Result<(PathBuf, Vec<u8>), AttestError> {
    let shown = root.join(rel);
    let resolved =
        quorate_manifest::tree::resolve_in_tree(root, rel).map_err(|r| AttestError::Key {
            path: shown.clone(),
            reason: format!("{r} (links may not leave the checkout)"),
        })?;
    let path = root.join(&resolved);
    let meta = std::fs::symlink_metadata(&path).map_err(|source| AttestError::Io {
        path: shown.clone(),
        source,
    })?;
    if !meta.file_type().is_file() {
        return Err(AttestError::Key {
            path: shown,
            reason: "is not a regular file".into(),
        });
    }
    Ok((shown, crate::read_capped(&path, max)?))
}

/// Reads lnd's (or taproot-assets') `scripts/verify-install.sh` and the
/// pinned keys in `scripts/keys/<user>.asc`. Writes nothing.
pub fn import_lnd(checkout: &Path) -> Result<LndImport, AttestError> {
    let (script_path, bytes) =
        read_inside(checkout, "scripts/verify-install.sh", MAX_SCRIPT_BYTES)?;
    let parsed = parse_script(&bytes).map_err(|e| AttestError::Policy {
        path: script_path.clone(),
        reason: e.to_string(),
    })?;
    let mut signers = Vec::new();
    let mut keys = Vec::new();
    for (fpr, user, line) in &parsed.keys {
        let rel = format!("scripts/keys/{user}.asc");
        let (path, bytes) =
            read_inside(checkout, &rel, crate::MAX_KEY_BYTES).map_err(|e| AttestError::Policy {
                path: script_path.clone(),
                reason: format!("line {line}: {user}'s key: {e}"),
            })?;
        let key_err = |reason: String| AttestError::Key {
            path: path.clone(),
            reason,
        };
        let certs = openpgp::certs_from_bytes(&bytes).map_err(key_err)?;
        if certs.iter().any(|c| c.is_tsk()) {
            return Err(key_err(
                "holds secret key material; refusing to import it (publish only the public key)"
                    .into(),
            ));
        }
        let holding: Vec<_> = certs
            .iter()
            .filter(|c| c.keys().any(|k| k.key().fingerprint().to_hex() == *fpr))
            .collect();
        let cert = match holding.as_slice() {
            [one] => *one,
            [] => {
                return Err(key_err(format!(
                    "does not hold the key {fpr} that line {line} of {} pins (it holds {})",
                    script_path.display(),
                    certs
                        .iter()
                        .map(openpgp::fingerprint)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            _ => return Err(key_err(format!("holds {fpr} in several certificates"))),
        };
        keys.push(ImportedKey {
            user: user.clone(),
            source: path.clone(),
            armored: openpgp::armored_public(cert),
        });
        signers.push(SignerEntry {
            name: user.clone(),
            openpgp: Some(fpr.clone()),
            ssh: None,
            key: Some(format!("keys/{user}.asc")),
        });
    }
    Ok(LndImport {
        policy: PolicyFile {
            threshold: Some(parsed.threshold),
            signers,
        },
        keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "F4FC70F07310028424EFC20A8E4256593F177720";
    const B: &str = "15E7ECF257098A4EF91655EB4CA7FE54A6213C91";

    fn users(s: &str) -> Result<(i64, Vec<String>), String> {
        parse_script(s.as_bytes())
            .map(|k| (k.threshold, k.keys.into_iter().map(|k| k.1).collect()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn follows_assignment_order() {
        let s = format!(
            "#!/bin/bash\nX=\"a $Y \\\"b\\\"\"\nMIN_REQUIRED_SIGNATURES=1\nKEYS=()\nKEYS+=(\"{A} mallory\")\nKEYS=()\nKEYS+=(\"{A} alice\") # c\nKEYS+=('{B} bob')\nMIN_REQUIRED_SIGNATURES=\"2\"\nf() {{\n  echo \"${{KEYS[@]}}\" $MIN_REQUIRED_SIGNATURES\n  ((N=N+1))\n}}\n"
        );
        assert_eq!(users(&s).unwrap(), (2, vec!["alice".into(), "bob".into()]));
    }

    #[test]
    fn refuses_what_bash_could_read_otherwise() {
        let keys = format!("MIN_REQUIRED_SIGNATURES=1\nKEYS+=(\"{A} alice\")\n");
        for (extra, line) in [
            ("cat <<EOF\nKEYS+=(\"x y\")\nEOF\n", 5),
            ("f() {\n  KEYS=()\n}\n", 5),
            ("if true; then\n  MIN_REQUIRED_SIGNATURES=2\nfi\n", 5),
            ("K\"EYS\"+=(x)\n", 4),
            ("declare \"$n\"=x\n", 4),
            ("eval \"$x\"\n", 4),
            ("e\"val\" x\n", 4),
            (". ./other.sh\n", 4),
            ("x=$(echo)\nKEYS+=(\"{B} bob\")\n", 5),
            (": ${MIN_REQUIRED_SIGNATURES:=1}\n", 4),
            ("(( $n = 1 ))\n", 4),
            ("unset KEYS\n", 4),
            ("printf -v MIN_REQUIRED_SIGNATURES 1\n", 4),
            ("echo $'\\'' eval\n", 4),
            ("IFS=A\n", 4),
            ("x=1 IFS=: y\n", 4),
            ("shopt -s expand_aliases\n", 4),
        ] {
            let e = users(&format!("{keys}set -e\n{extra}")).unwrap_err();
            assert!(e.starts_with(&format!("line {line}:")), "{extra:?}: {e}");
        }
        // Before the key list: the key list comes after other code.
        let e = users(&format!("x=`id`\n{keys}")).unwrap_err();
        assert!(
            e.starts_with("line 2:") && e.contains("after line 1"),
            "{e}"
        );
        let e = users(&format!("MIN_REQUIRED_SIGNATURES=$(echo 1)\n{keys}")).unwrap_err();
        assert!(e.starts_with("line 1:"), "{e}");
        let e = users(&format!("{keys}MIN_REQUIRED_SIGNATURES=3\n")).unwrap_err();
        assert!(e.contains("between 1 and the 1"), "{e}");
        let e = users(&format!("{keys}KEYS+=(\"{A} alice2\")\n")).unwrap_err();
        assert!(e.contains("pinned twice"), "{e}");
        // Escapes before multi-byte characters.
        assert!(users(&format!("X=\\\u{e9}\"\\\u{e9}\"\n{keys}")).is_ok());
        let e = users(&format!("IFS=A\n{keys}")).unwrap_err();
        assert!(e.starts_with("line 1: IFS"), "{e}");
        let e = users(&format!("{keys}\r\n")).unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
    }

    mod no_panics {
        use super::*;
        use proptest::prelude::*;

        const SCRIPT: &str = "#!/bin/bash\nMIN_REQUIRED_SIGNATURES=1\nKEYS=()\nKEYS+=(\"F4FC70F07310028424EFC20A8E4256593F177720 alice\")\nf() {\n  for k in \"${KEYS[@]}\"; do echo $k; done\n}\n";

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn shell_shaped_input_never_panics(
                s in "[A-Z_=+()\\[\\]{}$'\"\\\\`<>;&|#\\- \\t\\nKEYSMIN0-9a-fé]{0,200}"
            ) {
                let _ = parse_script(s.as_bytes());
            }

            #[test]
            fn edits_of_a_good_script_never_panic(at in 0usize..200, with in "[^\\r]{0,12}") {
                let mut t = SCRIPT.to_string();
                let at = at.min(t.len());
                if t.is_char_boundary(at) {
                    t.insert_str(at, &with);
                }
                if let Ok(k) = parse_script(t.as_bytes()) {
                    prop_assert!(k.threshold >= 1 && k.threshold as usize <= k.keys.len());
                }
            }
        }
    }
}
