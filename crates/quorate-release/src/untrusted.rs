//! The grammar of every value a build takes from a release (`build.json`)
//! or a source repository (`quorate.toml`): package paths, targets, tags,
//! linker flags, Go versions and versions used in file names.
//!
//! A signature says who wrote a file, not that it is harmless, so these
//! values are checked here before they reach a command line or a path,
//! whether they come from `quorate build` or `quorate reproduce`.
//! [`check_invocation`] checks a whole `go build` command line at the last
//! moment: only the flags quorate itself writes, then `--`, then packages.
//!
//! Everything here is a pure function of its input: no I/O.

/// A value that does not follow its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value:?}: {reason}")]
pub struct Invalid {
    /// What the value is (`package`, `ldflag`, …).
    pub what: &'static str,
    /// The value, as found.
    pub value: String,
    /// Why it is refused.
    pub reason: String,
}

fn invalid(what: &'static str, value: &str, reason: impl Into<String>) -> Invalid {
    Invalid {
        what,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Longest value accepted for any single item.
const MAX_LEN: usize = 512;

/// GOOS values quorate builds for.
pub const GOOS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "illumos",
    "js",
    "linux",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
];

/// GOARCH values quorate builds for.
pub const GOARCH: &[&str] = &[
    "386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64",
    "ppc64le", "riscv64", "s390x", "wasm",
];

/// GOARM values.
pub const GOARM: &[&str] = &["5", "6", "7"];

/// GOAMD64 values (quorate pins `v1`).
pub const GOAMD64: &[&str] = &["v1"];

/// GOFLAGS values quorate sets.
pub const GOFLAGS: &[&str] = &["-mod=vendor", "-mod=mod"];

/// Linker flags that choose outputs, run other programs or change how the
/// binary is linked; named in errors (any flag not allowed is refused).
pub const REFUSED_LDFLAGS: &[&str] = &[
    "-o",
    "-toolexec",
    "-extld",
    "-extldflags",
    "-linkmode",
    "-overlay",
    "-r",
    "-I",
    "-T",
    "-H",
    "-L",
    "-E",
    "-tmpdir",
    "-cpuprofile",
    "-memprofile",
    "-importcfg",
    "-buildmode",
    "-installsuffix",
    "-pluginpath",
    "-buildid",
];

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// A main package: `./cmd/x` (inside the module) or a module import path
/// such as `example.com/m/cmd/x`. Elements are letters, digits and `._~+-`,
/// none empty, none starting with `-` or `.` (so no `..`, no `...`
/// pattern, no flag), no whitespace, control characters or backslashes.
pub fn package(p: &str) -> Result<(), Invalid> {
    let bad = |r: &str| Err(invalid("package", p, r));
    if p.is_empty() || p.len() > MAX_LEN {
        return bad("must be 1 to 512 characters");
    }
    if p.starts_with('-') {
        return bad("starts with `-` (it would be read as a flag)");
    }
    let rest = match p.strip_prefix("./") {
        Some(r) => r,
        None => {
            if !p.split('/').next().is_some_and(|first| first.contains('.')) {
                return bad(
                    "must be a path inside the module such as \"./cmd/app\" or a module path such as \"example.com/m/cmd/app\"",
                );
            }
            p
        }
    };
    for el in rest.split('/') {
        if el.is_empty() {
            return bad("has an empty path element");
        }
        if el.starts_with(['.', '-']) {
            return bad(
                "has a path element starting with `.` or `-` (`..`, `...` and flags are refused)",
            );
        }
        if !el
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._~+-".contains(c))
        {
            return bad("path elements are letters, digits and `._~+-`");
        }
    }
    Ok(())
}

/// A build tag: letters, digits, `_` and `.`, not starting with `.`.
pub fn tag(t: &str) -> Result<(), Invalid> {
    if t.is_empty()
        || t.len() > 128
        || t.starts_with('.')
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return Err(invalid(
            "build tag",
            t,
            "tags are letters, digits, `_` and `.`",
        ));
    }
    Ok(())
}

/// An exact Go release: `1.27.3` or `go1.27.3` (also `1.28rc1`,
/// `1.28beta1`). Returns it without `go`.
pub fn go_version(v: &str) -> Result<String, Invalid> {
    parse_go_version(v).map_err(|r| invalid("Go version", v, r))
}

/// Normalizes and checks an exact Go release: `1.27.3`, `go1.27.3`,
/// `1.28rc1`. `1.27` alone is refused (it names a family, not a release).
pub fn parse_go_version(s: &str) -> Result<String, String> {
    let v = s.strip_prefix("go").unwrap_or(s);
    let (nums, pre) = match v.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&v[..i], Some(&v[i..])),
        None => (v, None),
    };
    let parts: Vec<&str> = nums.split('.').collect();
    let digits = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    let pre_ok = match pre {
        None => parts.len() == 3,
        Some(p) => {
            parts.len() == 2
                && ["rc", "beta"]
                    .iter()
                    .any(|k| p.strip_prefix(k).is_some_and(digits))
        }
    };
    if !parts.iter().all(|p| digits(p)) || !pre_ok {
        return Err(format!(
            "Go version {s:?} is not an exact release; pin one such as \"1.27.3\""
        ));
    }
    Ok(v.to_string())
}

/// A release version as used in file and folder names (`v1.2.3`):
/// letters, digits and `._+-`, not starting with `.` or `-`, at most 128
/// characters (so no `/`, no `..` escape, no whitespace or control
/// characters).
pub fn file_version(v: &str) -> Result<(), Invalid> {
    if v.is_empty()
        || v.len() > 128
        || v.starts_with(['.', '-'])
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
    {
        return Err(invalid(
            "version",
            v,
            "use letters, digits, `.`, `_`, `+` and `-`, not starting with `.` or `-` (a tag such as v1.2.3)",
        ));
    }
    Ok(())
}

/// A `-X` definition: `importpath.name=value`. The import path is letters,
/// digits and `._~+-/`, the name a Go identifier; the value has no
/// whitespace, quotes, backslashes or control characters.
pub fn x_definition(d: &str) -> Result<(), Invalid> {
    let bad = |r: &str| Err(invalid("-X definition", d, r));
    let Some((sym, value)) = d.split_once('=') else {
        return bad("must be importpath.name=value");
    };
    let Some((path, name)) = sym.rsplit_once('.') else {
        return bad("must be importpath.name=value");
    };
    if path.is_empty()
        || path.starts_with(['-', '.', '/'])
        || !path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._~+-/".contains(c))
    {
        return bad("the import path is letters, digits and `._~+-/`");
    }
    if name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return bad("the name must be a Go identifier");
    }
    if value.len() > MAX_LEN
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "'\"\\".contains(c))
    {
        return bad("the value may not hold whitespace, quotes, backslashes or control characters");
    }
    Ok(())
}

fn ldflag_word_name(word: &str) -> &str {
    let w = word.split('=').next().unwrap_or(word);
    // `--o` is `-o` to Go's flag package.
    if w.starts_with("--") { &w[1..] } else { w }
}

fn refused_ldflag(word: &str) -> Invalid {
    let name = ldflag_word_name(word);
    let reason = if REFUSED_LDFLAGS.contains(&name) {
        "chooses an output, runs another program or changes how quorate links; refused"
    } else {
        "is not an allowed linker flag (allowed: -s, -w, -X importpath.name=value)"
    };
    invalid("ldflag", word, reason)
}

/// The words of one `ldflags` entry of `quorate.toml`: `-s`, `-w` or
/// `-X importpath.name=value` (`{{version}}` and `{{commit}}` may appear in
/// the value). `-buildid=` is quorate's own and refused here.
pub fn ldflags_entry(entry: &str) -> Result<(), Invalid> {
    if entry.contains(['"', '\'', '\\']) || has_control(entry) {
        return Err(invalid(
            "ldflag",
            entry,
            "quotes, backslashes and control characters (newlines) are not supported",
        ));
    }
    let rest = entry.replace("{{version}}", "").replace("{{commit}}", "");
    if rest.contains("{{") || rest.contains("}}") {
        return Err(invalid(
            "ldflag",
            entry,
            "the only templates are {{version}} and {{commit}}",
        ));
    }
    // Check with the templates filled by harmless values.
    let filled = entry
        .replace("{{version}}", "v0")
        .replace("{{commit}}", "0");
    ldflags_words(&filled, false)
}

/// A whole `-ldflags` value as passed to `go build`: `-s -w -buildid=`
/// (quorate's) and `-X importpath.name=value` definitions.
pub fn ldflags(value: &str) -> Result<(), Invalid> {
    if value.contains(['"', '\'', '\\']) || has_control(value) {
        return Err(invalid(
            "-ldflags",
            value,
            "quotes, backslashes and control characters are not supported",
        ));
    }
    ldflags_words(value, true)
}

fn ldflags_words(value: &str, allow_buildid: bool) -> Result<(), Invalid> {
    let mut words = value.split_whitespace();
    while let Some(w) = words.next() {
        match w {
            "-s" | "-w" => {}
            "-buildid=" if allow_buildid => {}
            "-X" => {
                let Some(d) = words.next() else {
                    return Err(invalid("ldflag", w, "-X needs importpath.name=value"));
                };
                x_definition(d)?;
            }
            _ => return Err(refused_ldflag(w)),
        }
    }
    Ok(())
}

/// One environment variable of a planned `go build`: the target variables
/// and GOFLAGS must hold one of their fixed values.
pub fn env_var(key: &str, value: &str) -> Result<(), Invalid> {
    let list: &[&str] = match key {
        "GOOS" => GOOS,
        "GOARCH" => GOARCH,
        "GOARM" => GOARM,
        "GOAMD64" => GOAMD64,
        "GOFLAGS" => GOFLAGS,
        _ => return Ok(()),
    };
    if list.contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            "environment variable",
            &format!("{key}={value}"),
            format!("{key} must be one of {}", list.join(" ")),
        ))
    }
}

/// Checks a whole planned `go build` command: `go build`, then only the
/// flags quorate writes (`-trimpath`, `-buildvcs=false`, a valid
/// `-ldflags=`, a valid `-tags=`, `-o <out_dir>`), then `--`, then valid
/// package paths; and the target variables of its environment.
pub fn check_invocation(
    argv: &[String],
    env: &[(String, String)],
    out_dir: &str,
) -> Result<(), Invalid> {
    let cmd = argv.join(" ");
    let bad = |r: String| Err(invalid("go build command", &cmd, r));
    if argv.get(1).map(String::as_str) != Some("build") {
        return bad("is not `go build`".into());
    }
    let mut i = 2;
    let mut saw_out = false;
    while i < argv.len() {
        let a = argv[i].as_str();
        i += 1;
        if a == "--" {
            break;
        }
        match a {
            "-trimpath" | "-buildvcs=false" => {}
            "-o" => {
                if argv.get(i).map(String::as_str) != Some(out_dir) {
                    return bad(format!("-o must be {out_dir}"));
                }
                saw_out = true;
                i += 1;
            }
            _ => {
                if let Some(v) = a.strip_prefix("-ldflags=") {
                    ldflags(v)?;
                } else if let Some(v) = a.strip_prefix("-tags=") {
                    for t in v.split(',') {
                        tag(t)?;
                    }
                } else {
                    return bad(format!("{a:?} is not a flag quorate passes"));
                }
            }
        }
    }
    if !saw_out {
        return bad("has no -o".into());
    }
    if argv.get(i - 1).map(String::as_str) != Some("--") {
        return bad("does not end its flags with `--`".into());
    }
    let packages = &argv[i..];
    if packages.is_empty() {
        return bad("names no package".into());
    }
    for p in packages {
        package(p)?;
    }
    for (k, v) in env {
        env_var(k, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages() {
        for ok in ["./cmd/x", "./x", "example.com/m/cmd/x", "./a.b/c_d/e-f/v2"] {
            package(ok).unwrap();
        }
        for bad in [
            "-toolexec=sh",
            "./-x",
            "./cmd/../..",
            "./...",
            "./cmd/...",
            "../x",
            "./",
            ".",
            "",
            "./a b",
            "./a\nb",
            "./a\\b",
            "./a//b",
            "cmd/x",
            "/abs/x",
            "./a/",
        ] {
            assert!(package(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn linker_flags() {
        ldflags("-s -w -buildid= -X main.version=v1 -X example.com/m/pkg.Commit=abc").unwrap();
        ldflags_entry("-X main.version={{version}}").unwrap();
        ldflags_entry("-s -w").unwrap();
        for bad in [
            "-o /tmp/x",
            "-o=/tmp/x",
            "--o=/tmp/x",
            "-toolexec=sh",
            "-extld=sh",
            "-extldflags=-x",
            "-linkmode=external",
            "-linkmode",
            "-overlay=x.json",
            "-r /tmp",
            "-I /tmp/ld.so",
            "-T 0",
            "-H windows",
            "-buildid=x",
            "-buildid=",
            "-X",
            "-X main.v",
            "-X main.v=a'b",
            "-X -o=/x",
            "-X main.1=x",
            "-X main.v={{nope}}",
            "-X main.v=\"x\"",
            "x",
        ] {
            assert!(ldflags_entry(bad).is_err(), "{bad:?}");
        }
        assert!(ldflags("-s -w -buildid=x").is_err());
        assert!(ldflags("-s -X main.v=v1 -o /x").is_err());
        let e = ldflags_entry("-o /tmp/x").unwrap_err().to_string();
        assert!(e.contains("chooses an output"), "{e}");
    }

    #[test]
    fn versions_tags_env() {
        file_version("v1.2.3-rc.1+meta").unwrap();
        for bad in ["", "-v1", ".v1", "../x", "v1/x", "v 1", "v1\n", ".."] {
            assert!(file_version(bad).is_err(), "{bad:?}");
        }
        assert_eq!(go_version("go1.27.3").unwrap(), "1.27.3");
        for bad in ["1.27", "../1.27.3", "1.27.3/x", "-1.27.3", "1.27.3 "] {
            assert!(go_version(bad).is_err(), "{bad:?}");
        }
        tag("netgo").unwrap();
        for bad in ["", "a,b", "-x", "a b", ".x"] {
            assert!(tag(bad).is_err(), "{bad:?}");
        }
        env_var("GOOS", "linux").unwrap();
        env_var("PATH", "anything").unwrap();
        assert!(env_var("GOARCH", "amd64 -x").is_err());
        assert!(env_var("GOFLAGS", "-toolexec=sh").is_err());
    }

    #[test]
    fn invocations() {
        let env = vec![("GOOS".to_string(), "linux".to_string())];
        let check = |argv: &[&str], out: &str| {
            let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
            check_invocation(&argv, &env, out)
        };
        let good = [
            "/go/bin/go",
            "build",
            "-trimpath",
            "-buildvcs=false",
            "-ldflags=-s -w -buildid=",
            "-tags=netgo",
            "-o",
            "../bin/x/",
            "--",
            "./cmd/x",
        ];
        check(&good, "../bin/x/").unwrap();
        assert!(check(&good, "../bin/y/").is_err());
        let mut no_dashes = good.to_vec();
        no_dashes.remove(8);
        assert!(check(&no_dashes, "../bin/x/").is_err());
        let mut extra = good.to_vec();
        extra.insert(2, "-toolexec=sh");
        assert!(check(&extra, "../bin/x/").is_err());
        let mut pkg = good.to_vec();
        pkg.push("-toolexec=sh");
        assert!(check(&pkg, "../bin/x/").is_err());
        let mut gc = good.to_vec();
        gc.insert(2, "-gcflags=all=-N");
        assert!(check(&gc, "../bin/x/").is_err());
    }
}
