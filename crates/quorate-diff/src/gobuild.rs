//! Go build info, read natively from the `\xff Go buildinf:` blob (Go 1.18+
//! inline format): the Go version, then the module info (path, main module,
//! dependencies, build settings), as `go version -m` prints them.

use serde::Serialize;

/// The magic that starts the build info blob.
pub const MAGIC: &[u8; 14] = b"\xff Go buildinf:";

/// One module line (`mod` or `dep`), with its replacement.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// Module path.
    pub path: String,
    /// Version (`(devel)` for the main module built from a checkout).
    pub version: String,
    /// `h1:` checksum, when recorded.
    pub sum: String,
    /// The `=>` replacement, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<Box<Module>>,
}

/// The build info of one Go executable.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct BuildInfo {
    /// `go1.x.y`.
    pub go_version: String,
    /// The main package path (`path` line).
    pub path: String,
    /// The main module (`mod` line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main: Option<Module>,
    /// Dependencies (`dep` lines).
    pub deps: Vec<Module>,
    /// Build settings (`build key=value`), in order.
    pub settings: Vec<(String, String)>,
    /// Offset of the blob in the data it was read from.
    #[serde(skip)]
    pub offset: usize,
}

impl BuildInfo {
    /// The value of a build setting.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The lines `go version -m` prints after the first one (without the
    /// leading tab), from the parsed fields.
    pub fn lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        if !self.path.is_empty() {
            v.push(format!("path\t{}", self.path));
        }
        let module = |tag: &str, m: &Module, v: &mut Vec<String>| {
            v.push(format!("{tag}\t{}\t{}\t{}", m.path, m.version, m.sum));
            if let Some(r) = &m.replace {
                v.push(format!("=>\t{}\t{}\t{}", r.path, r.version, r.sum));
            }
        };
        if let Some(m) = &self.main {
            module("mod", m, &mut v);
        }
        for d in &self.deps {
            module("dep", d, &mut v);
        }
        for (k, val) in &self.settings {
            let k = if needs_quote(k, true) {
                quote(k)
            } else {
                k.clone()
            };
            let val = if needs_quote(val, false) {
                quote(val)
            } else {
                val.clone()
            };
            v.push(format!("build\t{k}={val}"));
        }
        v
    }
}

fn needs_quote(s: &str, key: bool) -> bool {
    (key && (s.is_empty() || s.contains('='))) || s.contains([' ', '\t', '\r', '\n', '"', '`'])
}

fn quote(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Undoes Go's strconv.Quote for the escapes it produces in build lines.
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut o = String::new();
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            o.push(c);
            continue;
        }
        match it.next() {
            Some('n') => o.push('\n'),
            Some('t') => o.push('\t'),
            Some('r') => o.push('\r'),
            Some('x') => {
                let h: String = it.by_ref().take(2).collect();
                if let Ok(b) = u8::from_str_radix(&h, 16) {
                    o.push(b as char);
                }
            }
            Some(c) => o.push(c),
            None => {}
        }
    }
    o
}

fn uvarint(data: &[u8]) -> Option<(u64, usize)> {
    let mut x: u64 = 0;
    for (i, &b) in data.iter().enumerate().take(10) {
        x |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b < 0x80 {
            return Some((x, i + 1));
        }
    }
    None
}

fn read_string(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (n, used) = uvarint(data)?;
    let n = usize::try_from(n).ok()?;
    let rest = data.get(used..)?;
    if n > rest.len() {
        return None;
    }
    Some((&rest[..n], &rest[n..]))
}

/// Finds the blob at a 16-byte aligned offset of `data` (where the Go
/// linker puts it); returns its offset.
pub fn find(data: &[u8]) -> Option<usize> {
    let mut off = 0;
    while off + 32 <= data.len() {
        if data[off] == 0xff && &data[off..off + 14] == MAGIC {
            return Some(off);
        }
        off += 16;
    }
    None
}

/// Errors reading a blob that was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildInfoError {
    /// The pre-1.18 pointer format.
    #[error("Go build info in the pre-Go 1.18 pointer format is not supported")]
    OldFormat,
    /// Lengths run past the data.
    #[error("Go build info is truncated or malformed")]
    Malformed,
}

/// Parses the blob at `off` (as returned by [`find`]).
pub fn parse_at(data: &[u8], off: usize) -> Result<BuildInfo, BuildInfoError> {
    let blob = data.get(off..).ok_or(BuildInfoError::Malformed)?;
    if blob.len() < 32 || &blob[..14] != MAGIC {
        return Err(BuildInfoError::Malformed);
    }
    let flags = blob[15];
    if flags & 2 == 0 {
        return Err(BuildInfoError::OldFormat);
    }
    let (version, rest) = read_string(&blob[32..]).ok_or(BuildInfoError::Malformed)?;
    let (modinfo, _) = read_string(rest).ok_or(BuildInfoError::Malformed)?;
    let modinfo = if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        &modinfo[16..modinfo.len() - 16]
    } else {
        &[][..]
    };
    let mut bi = BuildInfo {
        go_version: String::from_utf8_lossy(version).into_owned(),
        offset: off,
        ..Default::default()
    };
    let text = String::from_utf8_lossy(modinfo);
    let mut last_is_main = false;
    for line in text.lines() {
        let mut f = line.split('\t');
        let tag = f.next().unwrap_or("");
        let mut module = || {
            let path = f.next().unwrap_or("").to_string();
            let version = f.next().unwrap_or("").to_string();
            let sum = f.next().unwrap_or("").to_string();
            Module {
                path,
                version,
                sum,
                replace: None,
            }
        };
        match tag {
            // A bare "path" or "build" line (no tab) is malformed: empty value.
            "path" => bi.path = line.get("path\t".len()..).unwrap_or("").to_string(),
            "mod" => {
                bi.main = Some(module());
                last_is_main = true;
            }
            "dep" => {
                bi.deps.push(module());
                last_is_main = false;
            }
            "=>" => {
                let r = Some(Box::new(module()));
                if last_is_main {
                    if let Some(m) = bi.main.as_mut() {
                        m.replace = r;
                    }
                } else if let Some(d) = bi.deps.last_mut() {
                    d.replace = r;
                }
            }
            "build" => {
                let kv = line.get("build\t".len()..).unwrap_or("");
                let (k, v) = split_setting(kv);
                bi.settings.push((unquote(k), unquote(v)));
            }
            _ => {}
        }
    }
    Ok(bi)
}

/// Splits `key=value` where the key may be quoted.
fn split_setting(kv: &str) -> (&str, &str) {
    if kv.starts_with('"') {
        let mut esc = false;
        for (i, c) in kv.char_indices().skip(1) {
            match c {
                '\\' if !esc => esc = true,
                '"' if !esc => {
                    let key = &kv[..=i];
                    let val = kv[i + 1..].strip_prefix('=').unwrap_or("");
                    return (key, val);
                }
                _ => esc = false,
            }
        }
        (kv, "")
    } else {
        kv.split_once('=').unwrap_or((kv, ""))
    }
}

/// Finds and parses the build info of a Go executable. `hint` is the data
/// of the section that holds it (`.go.buildinfo`, `__go_buildinfo`, PE
/// `.data`), searched first; then the whole file.
pub fn read(
    data: &[u8],
    hint: Option<(&[u8], usize)>,
) -> Option<Result<BuildInfo, BuildInfoError>> {
    if let Some((sec, base)) = hint
        && let Some(off) = find(&sec[..sec.len().min(64 * 1024)])
    {
        return Some(parse_at(sec, off).map(|mut b| {
            b.offset = base + off;
            b
        }));
    }
    let off = find(data)?;
    Some(parse_at(data, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.push(8);
        v.push(2);
        v.resize(32, 0);
        v.push(version.len() as u8);
        v.extend_from_slice(version.as_bytes());
        let mut m = vec![b'0'; 16];
        m.extend_from_slice(modinfo.as_bytes());
        m.extend_from_slice(&[b'1'; 16]);
        let mut n = m.len();
        while n >= 0x80 {
            v.push((n as u8) | 0x80);
            n >>= 7;
        }
        v.push(n as u8);
        v.extend_from_slice(&m);
        v
    }

    #[test]
    fn parses_inline_format() {
        let mi = "path\texample.com/x\nmod\texample.com/x\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n=>\t../sys\t\t\nbuild\t-ldflags=\"-s -w -X main.v=1\"\nbuild\tGOAMD64=v1\n";
        let mut data = vec![0u8; 48];
        data.extend(blob("go1.27.3", mi));
        data.resize(data.len() + 64, 0);
        let bi = read(&data, None).unwrap().unwrap();
        assert_eq!(bi.go_version, "go1.27.3");
        assert_eq!(bi.path, "example.com/x");
        assert_eq!(bi.deps[0].replace.as_ref().unwrap().path, "../sys");
        assert_eq!(bi.setting("-ldflags"), Some("-s -w -X main.v=1"));
        assert_eq!(bi.setting("GOAMD64"), Some("v1"));
        assert!(
            bi.lines()
                .contains(&"build\t-ldflags=\"-s -w -X main.v=1\"".to_string())
        );
    }

    #[test]
    fn bare_keywords_without_a_tab_never_panic() {
        // Found by the go_buildinfo fuzz target: a "path" line with no tab.
        for mi in [
            "path\n",
            "path",
            "build\n",
            "build",
            "path\nbuild\nmod\n=>\n",
        ] {
            let mut data = vec![0u8; 48];
            data.extend(blob("go1.27.3", mi));
            data.resize(data.len() + 64, 0);
            let bi = read(&data, None).unwrap().unwrap();
            assert_eq!(bi.path, "", "{mi:?}");
            let _ = bi.lines();
        }
    }

    #[test]
    fn truncated_never_panics() {
        let b = blob("go1.27.3", "path\tx\n");
        for n in 0..b.len() {
            let mut d = vec![0u8; 16];
            d.extend_from_slice(&b[..n]);
            let _ = read(&d, None);
        }
    }
}
