//! Rebuilding a release quorate did not make, from its [`Recipe`]: each Go
//! program with the Go version and flags its build info names (invoked as
//! lnd's `scripts/release.sh` invokes `go build`), each archive packed
//! in-process as the recipe says (GNU tar stream + GNU gzip, or Info-ZIP
//! zip, through `quorate-release` and `quorate-deflate`: no host `tar`,
//! `gzip` or `zip`), `go mod vendor` and `git archive` repacked (or, for
//! an archive `git archive` wrote itself, run again: [`crate::gitarchive`]),
//! and the manifest in sha256sum's format.
//!
//! `-X` definitions are not in the build info of a `-trimpath` build;
//! [`source_x_definitions`] reads them from the source's `Makefile` and
//! release scripts (read, never run) and keeps those whose value is in the
//! published program.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use quorate_deflate::zip::{ZipOptions, ZipWriter};
use quorate_manifest::{Digest, Manifest, Progress};
use quorate_release::archive::gnu::{
    self, GnuEntry, entry_is_dir, entry_mode, entry_name, mode_u_rw_go_r_a_x, set_mode,
};
use quorate_release::recipe_source::{self, GitValues};
use quorate_release::toolchain::Toolchain;
use quorate_release::untrusted;
use serde::Serialize;

use crate::recipe::{ArchiveKind, ArchiveRecipe, BinaryRecipe, Order, Recipe, Role};
use crate::source::Checkout;
use crate::{ReproduceError, io};

/// The untracked file that makes the clone's tree "modified" for Go's VCS
/// stamp when the release's programs were built from a modified tree.
const DIRTY_MARKER: &str = ".quorate-modified-tree";

pub use quorate_release::recipe_source::XDefinition;

/// What the foreign rebuild made.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// The folder with the rebuilt archives and manifest.
    pub out_dir: PathBuf,
    /// The rebuilt manifest.
    pub manifest: Manifest,
    /// The `go build` commands run (for the report).
    pub commands: Vec<String>,
    /// Where the rebuild departs from the recipe.
    pub warnings: Vec<String>,
}

fn refuse(what: &str, e: impl std::fmt::Display) -> ReproduceError {
    ReproduceError::BuildInfo {
        path: PathBuf::from(what),
        reason: format!("refusing to rebuild: {e}"),
        hint: Some("the published programs' build info is not signed: it is checked like every untrusted value".into()),
    }
}

/// The Go version every program of the recipe was built with (they must
/// agree), checked against the untrusted-value grammar.
pub fn go_version(r: &Recipe) -> Result<String, ReproduceError> {
    let mut versions: Vec<&str> = r.binaries.iter().map(|b| b.go_version.as_str()).collect();
    versions.sort();
    versions.dedup();
    match versions.as_slice() {
        [v] => untrusted::go_version(v).map_err(|e| refuse("build info", e)),
        [] => Err(ReproduceError::Release {
            path: r.release.clone(),
            reason: "no Go program with build info in the archives of the manifest".into(),
            hint: Some("`quorate recipe DIR` shows what was read".into()),
        }),
        many => Err(ReproduceError::Release {
            path: r.release.clone(),
            reason: format!(
                "programs built with several Go versions: {}",
                many.join(", ")
            ),
            hint: None,
        }),
    }
}

/// `-X` definitions written in the source's `Makefile`, `*.mk` files and
/// `scripts/*.sh` (read as text, never run; see
/// [`quorate_release::recipe_source`]): simple variable assignments are
/// expanded, and `git describe …` / `git rev-parse …` are run, parsed and
/// whitelisted, in the checked-out `src` (standing for `tag` and `commit`
/// when `src` is not a work tree; when `tag` is a lightweight tag on the
/// commit, `git describe` is also given as it was before that tag, see
/// [`recipe_source::read_checkout`]). Only definitions that pass
/// [`untrusted::x_definition`] are returned.
pub fn source_x_definitions(src: &Path, tag: &str, commit: &str) -> Vec<XDefinition> {
    recipe_source::read_checkout(src, tag, commit).x
}

/// The `-X` definitions of script texts `(file, text)` (see
/// [`source_x_definitions`]), with `git describe` standing for `tag` and
/// `git rev-parse` for `commit` (no git is run); never panics, whatever
/// the text.
pub fn x_definitions_in(texts: &[(String, String)], tag: &str, commit: &str) -> Vec<XDefinition> {
    recipe_source::scan(
        texts,
        GitValues::Checkout {
            dir: None,
            tag,
            commit,
            exclude: None,
        },
    )
    .x
}

/// Whether the bytes of `value` are in the program `b` of the release
/// (read again from its archive).
pub fn value_in_binary(r: &Recipe, b: &BinaryRecipe, value: &[u8]) -> bool {
    r.program_bytes(b)
        .is_some_and(|d| !value.is_empty() && d.windows(value.len()).any(|w| w == value))
}

/// The `-ldflags` the rebuild of `b` uses: the recorded ones, else what
/// the executable shows (`-s`, `-w`, `-buildid=`) followed by `xdefs`.
pub fn ldflags_for(b: &BinaryRecipe, xdefs: &[String]) -> String {
    if let Some(l) = &b.ldflags {
        return l.clone();
    }
    let mut v = vec![b.observed_ldflags()];
    for d in xdefs {
        v.push(format!("-X {d}"));
    }
    v.retain(|s| !s.is_empty());
    v.join(" ")
}

/// The environment of every `go` command of the rebuild: the toolchain's
/// clean environment, with the Go module proxy (`$GOPROXY` when set) so
/// that dependencies can be downloaded and checked against `go.sum`.
fn go_env(t: &Toolchain, gocache: &Path) -> Vec<(String, String)> {
    let mut env = t.base_env(gocache);
    env.retain(|(k, _)| k != "GOPROXY" && k != "GOSUMDB");
    let proxy = std::env::var("GOPROXY")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "https://proxy.golang.org".into());
    env.push(("GOPROXY".into(), proxy));
    if let Ok(v) = std::env::var("GOSUMDB") {
        env.push(("GOSUMDB".into(), v));
    }
    if let Ok(v) = std::env::var("GOMODCACHE") {
        env.push(("GOMODCACHE".into(), v));
    }
    env
}

fn run_go(
    t: &Toolchain,
    env: &[(String, String)],
    cwd: &Path,
    args: &[String],
) -> Result<(), ReproduceError> {
    let out = Command::new(&t.go)
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(cwd)
        .output()
        .map_err(io(&t.go))?;
    if !out.status.success() {
        return Err(ReproduceError::Build(Box::new(
            quorate_release::build::BuildError::GoFailed {
                targets: args.join(" "),
                output: String::from_utf8_lossy(&[out.stdout, out.stderr].concat())
                    .trim_end()
                    .to_string(),
                command: format!("go {}", args.join(" ")),
                cwd: cwd.to_path_buf(),
            },
        )));
    }
    Ok(())
}

/// Checks every value of `b` that reaches the `go build` command line.
fn check_binary(b: &BinaryRecipe, ldflags: &str) -> Result<(), ReproduceError> {
    let what = &b.path;
    untrusted::package(&b.main_package).map_err(|e| refuse(what, e))?;
    let in_module = b.main_package == b.module
        || b.main_package
            .strip_prefix(&b.module)
            .is_some_and(|rest| rest.starts_with('/'));
    if !in_module || b.module.is_empty() {
        return Err(refuse(
            what,
            format!(
                "the main package {} is not in the main module {}",
                b.main_package, b.module
            ),
        ));
    }
    for t in b
        .tags
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|t| !t.is_empty())
    {
        untrusted::tag(t).map_err(|e| refuse(what, e))?;
    }
    untrusted::env_var("GOOS", &b.goos).map_err(|e| refuse(what, e))?;
    untrusted::env_var("GOARCH", &b.goarch).map_err(|e| refuse(what, e))?;
    for (k, v) in &b.goarch_level {
        target_level(k, v).map_err(|e| refuse(what, e))?;
    }
    if b.cgo_enabled.as_deref() != Some("0") {
        return Err(refuse(
            what,
            "built with cgo (CGO_ENABLED is not 0): a C toolchain would take part",
        ));
    }
    if b.buildmode.as_deref().is_some_and(|m| m != "exe") {
        return Err(refuse(what, "a build mode other than exe"));
    }
    untrusted::ldflags(ldflags).map_err(|e| refuse(what, e))?;
    Ok(())
}

/// One architecture-level variable the build info records (Go records the
/// default too, e.g. `GOARM64=v8.0` for arm64, `GO386=sse2` for 386):
/// only the values Go documents.
fn target_level(k: &str, v: &str) -> Result<(), String> {
    let ok = match k {
        "GOARM" | "GOAMD64" => return untrusted::env_var(k, v).map_err(|e| e.to_string()),
        "GO386" => ["sse2", "softfloat"].contains(&v),
        "GOMIPS" | "GOMIPS64" => ["hardfloat", "softfloat"].contains(&v),
        "GOPPC64" => ["power8", "power9", "power10"].contains(&v),
        "GORISCV64" => ["rva20u64", "rva22u64", "rva23u64"].contains(&v),
        "GOARM64" => {
            let mut parts = v.split(',');
            let base = parts.next().unwrap_or("");
            let minor = |m: &str, max: u8| {
                m.len() == 1 && m.as_bytes()[0].is_ascii_digit() && m.as_bytes()[0] - b'0' <= max
            };
            let version = match (base.strip_prefix("v8."), base.strip_prefix("v9.")) {
                (Some(m), _) => minor(m, 9),
                (_, Some(m)) => minor(m, 5),
                _ => false,
            };
            version && parts.all(|p| p == "lse" || p == "crypto")
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{k}={v} is not a target setting quorate rebuilds with"
        ))
    }
}

/// The base name of a program built from `b` (`name.exe` for Windows).
fn program_name(b: &BinaryRecipe) -> String {
    let base = b.main_package.rsplit('/').next().unwrap_or("");
    if b.goos == "windows" {
        format!("{base}.exe")
    } else {
        base.to_string()
    }
}

/// Rebuilds the release of `r` from `checkout` with toolchain `t` into
/// `work` (created; `out/` holds the result), `xdefs` being the `-X`
/// definitions to link with (see [`source_x_definitions`]).
pub fn rebuild(
    r: &Recipe,
    checkout: &Checkout,
    t: &Toolchain,
    gocache: &Path,
    xdefs: &[String],
    work: &Path,
    progress: &dyn Progress,
) -> Result<Rebuilt, ReproduceError> {
    // The programs are built into their folders in `out/` (kept there, as
    // in quorate's own releases, so that each can be compared), and the
    // archives are packed from those folders.
    let out_dir = work.join("out");
    std::fs::create_dir_all(&out_dir).map_err(io(&out_dir))?;
    let cx = Context {
        r,
        checkout,
        t,
        env: go_env(t, gocache),
        xdefs,
        work,
        out_dir: out_dir.clone(),
    };
    let mut out = Rebuilt {
        out_dir,
        manifest: Manifest::new(),
        commands: Vec::new(),
        warnings: Vec::new(),
    };
    progress.begin_items("building", r.binaries.len() as u64);
    for b in &r.binaries {
        build_program(&cx, b, &mut out)?;
        progress.advance(1);
    }
    progress.end();
    let marker = checkout.dir.join(DIRTY_MARKER);
    if marker.exists() {
        std::fs::remove_file(&marker).map_err(io(&marker))?;
        out.warnings.push("the release's programs were built from a modified tree (vcs.modified=true): the rebuild added an untracked file to the clone to match; what was modified is unknown".into());
    }
    for a in &r.archives {
        pack_archive(&cx, a, &mut out)?;
    }
    let mpath = out.out_dir.join(&r.manifest.file);
    out.manifest.write(&mpath)?;
    Ok(out)
}

/// What every step of a foreign rebuild works with.
struct Context<'a> {
    r: &'a Recipe,
    checkout: &'a Checkout,
    t: &'a Toolchain,
    /// The Go environment of every `go` run.
    env: Vec<(String, String)>,
    xdefs: &'a [String],
    work: &'a Path,
    /// `work/out`: the programs' folders and the archives.
    out_dir: PathBuf,
}

/// Builds program `b` as its build info says, into its folder in `out/`
/// (or its Go archive's staging folder), and lists it when the manifest
/// does.
fn build_program(cx: &Context, b: &BinaryRecipe, out: &mut Rebuilt) -> Result<(), ReproduceError> {
    let ldflags = ldflags_for(b, cx.xdefs);
    check_binary(b, &ldflags)?;
    let (folder, name) = b.path.rsplit_once('/').unwrap_or(("", &b.path));
    // In an archive a Go program wrote (GoReleaser), the program is
    // at its member name, built into that archive's staging folder.
    let go_archive = cx.r.archive(&b.archive).is_some_and(crate::gopack::is_go);
    if go_archive {
        crate::gopack::check_member_name(&b.path).map_err(|e| refuse(&b.path, e))?;
    } else if name != program_name(b) || folder.is_empty() || folder.contains('/') {
        return Err(refuse(
            &b.path,
            format!(
                "{} is not where `go build {}` puts its program ({}/{})",
                b.path,
                b.main_package,
                folder,
                program_name(b)
            ),
        ));
    }
    let dest = if go_archive {
        crate::gopack::stage_dir(cx.work, cx.r, &b.archive).join(folder)
    } else {
        untrusted::file_version(folder).map_err(|e| refuse(&b.path, e))?;
        cx.out_dir.join(folder)
    };
    std::fs::create_dir_all(&dest).map_err(io(&dest))?;
    let mut args: Vec<String> = vec!["build".into()];
    if b.trimpath {
        args.push("-trimpath".into());
    }
    if b.vcs_revision.is_none() {
        args.push("-buildvcs=false".into());
    }
    args.push(format!("-ldflags={ldflags}"));
    args.push(format!("-tags={}", b.tags.as_deref().unwrap_or("")));
    args.push("-o".into());
    args.push(dest.join(name).to_string_lossy().into_owned());
    args.push("--".into());
    args.push(b.main_package.clone());
    let mut env = cx.env.clone();
    env.retain(|(k, _)| k != "CGO_ENABLED");
    env.push(("CGO_ENABLED".into(), "0".into()));
    env.push(("GOOS".into(), b.goos.clone()));
    env.push(("GOARCH".into(), b.goarch.clone()));
    for (k, v) in &b.goarch_level {
        env.push((k.clone(), v.clone()));
    }
    out.commands.push(format!(
        "env CGO_ENABLED=0 GOOS={} GOARCH={}{} go {}",
        b.goos,
        b.goarch,
        b.goarch_level
            .iter()
            .map(|(k, v)| format!(" {k}={v}"))
            .collect::<String>(),
        args.iter()
            .map(|a| quorate_release::plan::shell_quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    // The build info records whether the tree had changes (tracked or
    // not): give the clone the same state.
    let marker = cx.checkout.dir.join(DIRTY_MARKER);
    if b.vcs_modified == Some(true) {
        std::fs::write(&marker, b"").map_err(io(&marker))?;
    } else if marker.exists() {
        std::fs::remove_file(&marker).map_err(io(&marker))?;
    }
    run_go(cx.t, &env, &cx.checkout.dir, &args)?;
    if b.listed || !go_archive {
        let bytes = std::fs::read(dest.join(name)).map_err(io(&dest.join(name)))?;
        out.manifest
            .insert(b.path.clone(), Digest::of_bytes(&bytes))?;
    }
    Ok(())
}

/// Packs archive `a` from what was rebuilt; an archive that cannot be is
/// a warning, not an error.
fn pack_archive(cx: &Context, a: &ArchiveRecipe, out: &mut Rebuilt) -> Result<(), ReproduceError> {
    if a.writer == "git-archive" {
        match crate::gitarchive::pack(a, cx.checkout, &cx.out_dir.join(&a.file)) {
            Ok(digest) => out.manifest.insert(a.file.clone(), digest)?,
            Err(why) => out.warnings.push(format!("{}: not rebuilt: {why}", a.file)),
        }
        return Ok(());
    }
    if crate::gopack::is_go(a) {
        let stage = crate::gopack::stage_dir(cx.work, cx.r, &a.file);
        std::fs::create_dir_all(&stage).map_err(io(&stage))?;
        let programs: std::collections::BTreeSet<&str> =
            cx.r.binaries
                .iter()
                .filter(|b| b.archive == a.file)
                .map(|b| b.path.as_str())
                .collect();
        let packed = crate::gopack::stage_files(a, &programs, &cx.checkout.dir, &stage)
            .and_then(|()| crate::gopack::pack(a, &stage, &cx.out_dir.join(&a.file)));
        match packed {
            Ok(digest) => out.manifest.insert(a.file.clone(), digest)?,
            Err(why) => out.warnings.push(format!("{}: not rebuilt: {why}", a.file)),
        }
        return Ok(());
    }
    let top = match &a.top_dir {
        Some(t) => t.clone(),
        None => {
            out.warnings.push(format!(
                "{}: its members are not under one folder; not rebuilt",
                a.file
            ));
            return Ok(());
        }
    };
    untrusted::file_version(&top).map_err(|e| refuse(&a.file, e))?;
    let parent = match a.role {
        Role::Binaries => cx.out_dir.clone(),
        Role::Vendor => {
            vendor(cx.t, &cx.env, cx.checkout)?;
            cx.checkout.dir.clone()
        }
        Role::Source => {
            let p = cx.work.join("source");
            source_tree(cx.checkout, &p, &top)?;
            p
        }
        Role::Other => {
            out.warnings.push(format!(
                "{}: quorate does not know how it was made; not rebuilt",
                a.file
            ));
            return Ok(());
        }
    };
    let entries = gnu::find_entries(&parent, &top)
        .map_err(|e| ReproduceError::Build(Box::new(quorate_release::build::BuildError::from(e))));
    let entries = match entries {
        Ok(e) => e,
        Err(e) => {
            if a.role == Role::Vendor {
                let _ = std::fs::remove_dir_all(cx.checkout.dir.join("vendor"));
            }
            return Err(e);
        }
    };
    if a.role == Role::Vendor {
        let v = cx.checkout.dir.join("vendor");
        std::fs::remove_dir_all(&v).map_err(io(&v))?;
    }
    match pack(a, entries, &cx.out_dir.join(&a.file)) {
        Ok(digest) => out.manifest.insert(a.file.clone(), digest)?,
        Err(why) => out.warnings.push(format!("{}: not rebuilt: {why}", a.file)),
    }
    Ok(())
}

/// `go mod vendor` in the clone (the vendor folder is removed once packed).
fn vendor(
    t: &Toolchain,
    env: &[(String, String)],
    checkout: &Checkout,
) -> Result<(), ReproduceError> {
    let v = checkout.dir.join("vendor");
    if v.exists() {
        std::fs::remove_dir_all(&v).map_err(io(&v))?;
    }
    run_go(t, env, &checkout.dir, &["mod".into(), "vendor".into()])
}

/// `git archive HEAD` of the clone, laid out in `parent/top` as `tar -x`
/// would (folders, files with git's modes, links).
fn source_tree(checkout: &Checkout, parent: &Path, top: &str) -> Result<(), ReproduceError> {
    use std::os::unix::fs::PermissionsExt;
    let out = quorate_base::git::command(Some(&checkout.dir))
        .args(["archive", "--format=tar", "HEAD"])
        .output()
        .map_err(io(&checkout.dir))?;
    if !out.status.success() {
        return Err(ReproduceError::Git {
            repo: checkout.repo.clone(),
            args: "archive --format=tar HEAD".into(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            hint: "check the clone".into(),
        });
    }
    let tar = out.stdout;
    let l = quorate_diff::tarfmt::list(&tar, 1_000_000);
    if let Some(e) = l.error {
        return Err(ReproduceError::Release {
            path: checkout.dir.clone(),
            reason: format!("git archive wrote an unreadable tar: {e}"),
            hint: None,
        });
    }
    let root = parent.join(top);
    std::fs::create_dir_all(&root).map_err(io(&root))?;
    for e in &l.entries {
        let name = String::from_utf8_lossy(&e.name).into_owned();
        let clean = name.trim_end_matches('/');
        if clean.is_empty()
            || clean.starts_with('/')
            || clean
                .split('/')
                .any(|c| c == ".." || c == "." || c.is_empty())
        {
            continue;
        }
        let h = &tar[e.main.header..e.main.header + 512];
        let mode = quorate_diff::tarfmt::number(&h[100..108]).unwrap_or(0o644) as u32 & 0o777;
        let p = root.join(clean);
        match e.main.typeflag {
            b'5' => {
                std::fs::create_dir_all(&p).map_err(io(&p))?;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
                    .map_err(io(&p))?;
            }
            b'0' | 0 => {
                if let Some(d) = p.parent() {
                    std::fs::create_dir_all(d).map_err(io(d))?;
                }
                std::fs::write(&p, &tar[e.main.data.clone()]).map_err(io(&p))?;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
                    .map_err(io(&p))?;
            }
            b'2' => {
                if let Some(d) = p.parent() {
                    std::fs::create_dir_all(d).map_err(io(d))?;
                }
                let target = String::from_utf8_lossy(&e.link).into_owned();
                std::os::unix::fs::symlink(target, &p).map_err(io(&p))?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Orders and re-modes `entries` (ascending, as [`gnu::find_entries`]
/// returns them) as `a` says, and writes the archive to `dest`.
fn pack(a: &ArchiveRecipe, mut entries: Vec<GnuEntry>, dest: &Path) -> Result<Digest, String> {
    match a.order {
        Order::Sorted => {}
        Order::ReverseSorted => entries.reverse(),
        Order::AsPublished => {
            let pos: BTreeMap<&str, usize> = a
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name.trim_end_matches('/'), i))
                .collect();
            entries.sort_by_key(|e| pos.get(entry_name(e)).copied().unwrap_or(usize::MAX));
        }
    }
    let published_mode: BTreeMap<&str, u32> = a
        .members
        .iter()
        .map(|m| (m.name.trim_end_matches('/'), m.mode))
        .collect();
    for e in &mut entries {
        let m = match a.modes.rule.as_str() {
            "0755" => 0o755,
            "u+rw,go+r-w,a+X" => mode_u_rw_go_r_a_x(entry_mode(e), entry_is_dir(e)),
            _ => published_mode
                .get(entry_name(e))
                .copied()
                .unwrap_or_else(|| mode_u_rw_go_r_a_x(entry_mode(e), entry_is_dir(e))),
        };
        set_mode(e, m);
    }
    let mtime = a.mtime.ok_or("its members have different times")?;
    let bytes = match a.kind {
        ArchiveKind::TarGz => {
            if a.format != "gnu" || !a.record_padding {
                return Err(format!(
                    "a {} tar stream (only GNU tar's format is rebuilt)",
                    a.format
                ));
            }
            let g = a.gzip.as_ref().ok_or("no gzip header")?;
            let tar = gnu::gnu_tar(&entries, mtime.max(0) as u64).map_err(|e| e.to_string())?;
            crate::regzip::compress(&tar, g, &a.compressor)?
        }
        ArchiveKind::Zip => {
            if a.format != "info-zip" {
                return Err("not Info-ZIP's layout (only Info-ZIP zip is rebuilt)".into());
            }
            let level = a.compressor.level.unwrap_or(6);
            let mut z = ZipWriter::new(
                Vec::new(),
                ZipOptions {
                    level,
                    utc_offset: 0,
                },
            )
            .map_err(|e| e.to_string())?;
            for e in &entries {
                match e {
                    GnuEntry::Dir { name, mode } => z.add_directory(name, *mode, mtime),
                    GnuEntry::File { name, mode, data } => z.add_file(name, data, *mode, mtime),
                    GnuEntry::Symlink { name, .. } => {
                        return Err(format!("{name}: a symbolic link (not rebuilt in zip)"));
                    }
                }
                .map_err(|e| e.to_string())?;
            }
            z.finish().map_err(|e| e.to_string())?
        }
    };
    std::fs::write(dest, &bytes).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(Digest::of_bytes(&bytes))
}

/// The whole result of reproducing a release quorate did not make
/// (`reproduce.json`).
#[derive(Debug, Clone, Serialize)]
pub struct ForeignOutcome {
    /// The published release folder.
    pub release: PathBuf,
    /// Its manifest.
    pub manifest: PathBuf,
    /// The version (from the manifest's name).
    pub version: String,
    /// The source repository (path or URL).
    pub source: String,
    /// The ref checked out.
    pub git_ref: String,
    /// The commit checked out.
    pub commit: String,
    /// The verification of the published release (absent with `--no-verify`).
    pub verification: Option<quorate_attest::verify::ReleaseReport>,
    /// The toolchain of the rebuild.
    pub toolchain: crate::compare::ToolchainUsed,
    /// The recipe read from the release.
    pub recipe: Recipe,
    /// The `-X` definitions read from the source and linked with.
    pub x_definitions: Vec<XDefinition>,
    /// The `go build` commands run.
    pub commands: Vec<String>,
    /// Every artifact of both manifests, sorted by path.
    pub artifacts: Vec<crate::compare::Artifact>,
    /// The counts.
    pub counts: crate::compare::Counts,
    /// The causes over all DIFFERENT artifacts, most explaining first.
    pub causes: Vec<crate::compare::CauseSummary>,
    /// Where the rebuild departs from the release, or guesses.
    pub warnings: Vec<String>,
    /// Where the rebuilt release is (absent once removed).
    pub rebuild_dir: Option<PathBuf>,
    /// Every artifact REPRODUCED.
    pub reproduced: bool,
}

/// A view of the published release for the diff engine: its files whose
/// digest differs from the rebuild's (hard links, else copies), and the
/// programs among them that are only inside its archives, extracted, so
/// that those are explained too. Returns the [`Published`] to compare with.
pub fn published_view(
    r: &Recipe,
    published: &crate::Published,
    rebuilt: &Manifest,
    dir: &Path,
) -> Result<crate::Published, ReproduceError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for e in published.manifest.entries() {
        let from = published.dir.join(&e.path);
        let to = dir.join(&e.path);
        // Only what the diff engine will read: the DIFFERENT artifacts.
        let differs = rebuilt.get(&e.path).is_some_and(|d| *d != e.digest);
        if !differs {
            continue;
        }
        if !e.path.contains('/') && std::fs::symlink_metadata(&from).is_ok() {
            // Only a regular file inside the folder, never what a link
            // out of it points to; the hard link or copy is of the file
            // itself, not of a link.
            let Ok(real) = crate::recipe::release_file(&published.dir, &e.path) else {
                continue;
            };
            if std::fs::hard_link(&real, &to).is_err() {
                let (mut f, _) =
                    quorate_manifest::fsutil::open_regular(&real).map_err(io(&real))?;
                let mut w = std::fs::File::create(&to).map_err(io(&to))?;
                std::io::copy(&mut f, &mut w).map_err(io(&to))?;
            }
            continue;
        }
        let Some(b) = r.binaries.iter().find(|b| b.path == e.path) else {
            continue;
        };
        if let Some(bytes) = r.program_bytes(b)
            && Digest::of_bytes(&bytes) == e.digest
        {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&to, &bytes).map_err(io(&to))?;
        }
    }
    let mut view = published.clone();
    view.dir = dir.to_path_buf();
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorate_deflate::gzip::{self, GzipOptions};

    #[test]
    fn reads_x_definitions_from_a_makefile() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("Makefile"),
            "PKG := example.com/m\nCOMMIT := $(shell git describe --tags --dirty)\nHASH = $(shell git rev-parse HEAD)\nLDFLAGS := -s -w -X $(PKG)/build.Commit=$(COMMIT) -X \"$(PKG)/build.Hash=$(HASH)\" -X $(PKG)/x.Y=$(UNKNOWN) -X bad\n",
        )
        .unwrap();
        let v = source_x_definitions(d.path(), "v1.2.3", "0123456789abcdef");
        let defs: Vec<&str> = v.iter().map(|x| x.definition.as_str()).collect();
        assert_eq!(
            defs,
            [
                "example.com/m/build.Commit=v1.2.3",
                "example.com/m/build.Hash=0123456789abcdef"
            ]
        );
        assert_eq!(v[0].file, "Makefile");
    }

    /// Writes a small folder `top` in `parent`: a program, a text file, a
    /// sub-folder.
    fn tree(parent: &Path, top: &str) {
        use std::os::unix::fs::PermissionsExt;
        let root = parent.join(top);
        std::fs::create_dir_all(root.join("doc")).unwrap();
        // Text-like and random bytes mixed, large enough for levels and
        // implementations to give different bytes.
        let prog = quorate_base::testing::mixed_bytes(400_000);
        std::fs::write(root.join("prog"), prog).unwrap();
        std::fs::set_permissions(root.join("prog"), std::fs::Permissions::from_mode(0o775))
            .unwrap();
        std::fs::write(root.join("doc/README"), b"hello hello hello\n".repeat(50)).unwrap();
        std::fs::set_permissions(
            root.join("doc/README"),
            std::fs::Permissions::from_mode(0o664),
        )
        .unwrap();
    }

    /// Packs `top` as the lnd recipe does (reverse order, the mode rule,
    /// one mtime), with GNU gzip at `level` or Info-ZIP at `level`.
    fn lnd_style(parent: &Path, top: &str, zip: bool, level: u32) -> Vec<u8> {
        let mut entries = gnu::find_entries(parent, top).unwrap();
        entries.reverse();
        for e in &mut entries {
            let m = if zip {
                0o755
            } else {
                mode_u_rw_go_r_a_x(entry_mode(e), entry_is_dir(e))
            };
            set_mode(e, m);
        }
        if zip {
            let mut z = ZipWriter::new(
                Vec::new(),
                ZipOptions {
                    level,
                    utc_offset: 0,
                },
            )
            .unwrap();
            for e in &entries {
                match e {
                    GnuEntry::Dir { name, mode } => {
                        z.add_directory(name, *mode, 1_577_836_800).unwrap()
                    }
                    GnuEntry::File { name, mode, data } => {
                        z.add_file(name, data, *mode, 1_577_836_800).unwrap()
                    }
                    GnuEntry::Symlink { .. } => unreachable!(),
                }
            }
            z.finish().unwrap()
        } else {
            let tar = gnu::gnu_tar(&entries, 1_577_836_800).unwrap();
            gzip::compress(&tar, &GzipOptions::no_name(level)).unwrap()
        }
    }

    /// Recipe read from an archive, then the archive rebuilt from the
    /// recipe and the same files: the same bytes (tar.gz at gzip -9 and
    /// -6, zip at -6 and -9).
    #[test]
    fn recipe_then_pack_gives_the_same_bytes() {
        let d = tempfile::tempdir().unwrap();
        for (file, zip, level) in [
            ("p-linux-amd64-v1.tar.gz", false, 9),
            ("p-linux-arm64-v1.tar.gz", false, 6),
            ("p-windows-amd64-v1.zip", true, 6),
            ("p-windows-arm64-v1.zip", true, 9),
        ] {
            let top = file.trim_end_matches(".tar.gz").trim_end_matches(".zip");
            tree(d.path(), top);
            let bytes = lnd_style(d.path(), top, zip, level);
            let mut bins = Vec::new();
            let a = crate::recipe::archive_recipe(file, &bytes, &Default::default(), &mut bins)
                .unwrap();
            assert!(bins.is_empty());
            assert_eq!(a.order, Order::ReverseSorted, "{file}");
            assert_eq!(a.mtime, Some(1_577_836_800), "{file}");
            assert_eq!(a.top_dir.as_deref(), Some(top), "{file}");
            assert_eq!(a.compressor.level, Some(level), "{file}");
            if zip {
                assert_eq!(a.compressor.tool, "info-zip");
                assert_eq!(a.modes.rule, "0755");
            } else {
                assert_eq!(a.compressor.tool, "gnu-gzip");
                assert_eq!(a.format, "gnu");
                assert!(a.record_padding);
                assert_eq!(a.owner, Some((0, 0)));
                assert_eq!(a.modes.rule, "u+rw,go+r-w,a+X");
            }
            let out = d.path().join(format!("rebuilt-{file}"));
            let entries = gnu::find_entries(d.path(), top).unwrap();
            let digest = pack(&a, entries, &out).unwrap();
            assert_eq!(std::fs::read(&out).unwrap(), bytes, "{file}");
            assert_eq!(digest, Digest::of_bytes(&bytes));
        }
    }

    /// A gzip stream whose deflate data zlib made (here as Python's
    /// `tarfile`/`gzip` frame it: FNAME, a time, OS 255) around a tar
    /// layout quorate writes is recognised as zlib and rebuilt byte for
    /// byte with the header fields read from it (also FEXTRA, FCOMMENT and
    /// FHCRC); a header flag that is not rebuilt (FTEXT) is named.
    #[test]
    fn zlib_gzip_is_named_and_rebuilt() {
        let d = tempfile::tempdir().unwrap();
        tree(d.path(), "z");
        // The tar stream lnd's recipe makes, recompressed by zlib.
        let gnu_gz = lnd_style(d.path(), "z", false, 9);
        let tar = quorate_diff::archive::gunzip_members(&gnu_gz, 1 << 30)
            .unwrap()
            .data;
        let entries = gnu::find_entries(d.path(), "z").unwrap();
        let raw =
            quorate_deflate::identify::deflate_raw(&tar, 6, quorate_deflate::Flavor::Zlib).unwrap();
        let frame = |flags: u8, field: &[u8]| {
            let mut gz = vec![0x1f, 0x8b, 8, flags, 1, 2, 3, 4, 0, 255];
            gz.extend_from_slice(field);
            gz.extend_from_slice(&raw);
            gz.extend_from_slice(&quorate_deflate::crc32::crc32(&tar).to_le_bytes());
            gz.extend_from_slice(&(tar.len() as u32).to_le_bytes());
            gz
        };
        let gz = frame(8, b"z.tar\0");
        let a = crate::recipe::recipe_of("z.tar.gz", &gz);
        assert_eq!(a.compressor.tool, "zlib");
        assert_eq!(a.compressor.level, Some(6));
        let g = a.gzip.clone().unwrap();
        assert_eq!((g.flags, g.mtime, g.xfl, g.os), (8, 0x0403_0201, 0, 255));
        assert_eq!(g.name.as_deref(), Some("z.tar"));
        let out = d.path().join("out.tar.gz");
        pack(&a, entries.clone(), &out).unwrap();
        assert!(std::fs::read(&out).unwrap() == gz);
        // Another time in the header: other bytes.
        let mut b = a.clone();
        b.gzip.as_mut().unwrap().mtime = 0;
        pack(&b, entries.clone(), &out).unwrap();
        assert!(std::fs::read(&out).unwrap() != gz);
        // An extra field, a name, a comment and a header CRC (Perl's
        // IO::Compress::Gzip writes all four, its CRC cut to the low
        // byte): read from the header and rebuilt byte for byte.
        let fields = b"\x07\x00AB\x03\x00xyzz.tar\0made by hand\0\x5c\x00";
        let gz = frame(0x1e, fields);
        let a = crate::recipe::recipe_of("z.tar.gz", &gz);
        assert_eq!(a.compressor.tool, "zlib");
        let g = a.gzip.clone().unwrap();
        assert_eq!(g.comment.as_deref(), Some("made by hand"));
        assert_eq!(g.extra.as_deref(), Some(&b"AB\x03\x00xyz"[..]));
        assert_eq!(g.header_crc, Some(0x005c));
        pack(&a, entries.clone(), &out).unwrap();
        assert!(std::fs::read(&out).unwrap() == gz);
        // FTEXT is not rebuilt, and says so.
        let gz = frame(0x01, b"");
        let a = crate::recipe::recipe_of("z.tar.gz", &gz);
        let why = pack(&a, entries, &out).unwrap_err();
        assert!(why.contains("FTEXT"), "{why}");
    }

    #[test]
    fn build_info_values_are_checked() {
        let mut b = crate::recipe::BinaryRecipe {
            path: "p-linux-amd64-v1/p".into(),
            listed: true,
            archive: "p-linux-amd64-v1.tar.gz".into(),
            go_version: "go1.27.3".into(),
            main_package: "example.com/m/cmd/p".into(),
            module: "example.com/m".into(),
            module_version: "(devel)".into(),
            goos: "linux".into(),
            goarch: "amd64".into(),
            goarch_level: vec![("GOAMD64".into(), "v1".into())],
            cgo_enabled: Some("0".into()),
            trimpath: true,
            tags: Some("a,b_c".into()),
            ldflags: None,
            no_symbols: true,
            no_dwarf: true,
            no_build_id: true,
            buildmode: Some("exe".into()),
            vcs_revision: None,
            vcs_modified: None,
            settings: Vec::new(),
            deps: Vec::new(),
        };
        let l = ldflags_for(&b, &["example.com/m/build.Commit=v1".into()]);
        assert_eq!(l, "-s -w -buildid= -X example.com/m/build.Commit=v1");
        check_binary(&b, &l).unwrap();
        assert_eq!(program_name(&b), "p");
        let bad = |f: &dyn Fn(&mut crate::recipe::BinaryRecipe)| {
            let mut c = b.clone();
            f(&mut c);
            check_binary(&c, &ldflags_for(&c, &[]))
                .unwrap_err()
                .to_string()
        };
        assert!(
            bad(&|c| c.main_package = "example.com/mx/cmd/p".into())
                .contains("not in the main module")
        );
        assert!(bad(&|c| c.main_package = "example.com/m/../x".into()).contains("refusing"));
        assert!(bad(&|c| c.tags = Some("a,-toolexec=x".into())).contains("refusing"));
        assert!(bad(&|c| c.goos = "linux;rm".into()).contains("refusing"));
        assert!(bad(&|c| c.cgo_enabled = Some("1".into())).contains("cgo"));
        assert!(bad(&|c| c.ldflags = Some("-s -extldflags=-static".into())).contains("refusing"));
        assert!(
            bad(&|c| c.goarch_level = vec![("GOFLAGS".into(), "-x".into())]).contains("refusing")
        );
        b.goos = "windows".into();
        assert_eq!(program_name(&b), "p.exe");
        for (k, v) in [
            ("GOARM64", "v8.0"),
            ("GOARM64", "v9.5,lse,crypto"),
            ("GO386", "sse2"),
            ("GOARM", "7"),
            ("GORISCV64", "rva20u64"),
        ] {
            target_level(k, v).unwrap();
        }
        for (k, v) in [
            ("GOARM64", "v8.10"),
            ("GOARM64", "v8.0,x"),
            ("GOARM64", "v8"),
            ("GO386", "387"),
            ("GOWASM", "satconv"),
            ("GOARM", "8"),
        ] {
            assert!(target_level(k, v).is_err(), "{k}={v}");
        }
    }

    fn have(tool: &str) -> bool {
        let ok = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .is_ok_and(|o| o.status.success());
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(ok || !ci, "{tool} is required under CI=true");
        ok
    }

    /// lnd's zip recipe (`chmod -R 0755`, `touch`, `find | sort -r | zip
    /// -o -X -r -@`) and GNU tar recipe on a nested tree, with the real
    /// tools, then read and rebuilt here: the same bytes.
    #[test]
    fn nested_trees_match_the_real_tools() {
        if !have("zip") || !have("tar") || !have("gzip") {
            return;
        }
        let d = tempfile::tempdir().unwrap();
        for top in ["n-windows-amd64-v1", "n-linux-amd64-v1"] {
            tree(d.path(), top);
            let root = d.path().join(top);
            std::fs::create_dir_all(root.join("doc/deep/er")).unwrap();
            std::fs::write(root.join("doc/deep/er/z"), b"z").unwrap();
            std::fs::write(root.join("doc/deep/a"), b"").unwrap();
            std::fs::create_dir_all(root.join("empty")).unwrap();
        }
        let script = "export TZ=UTC
            d=n-windows-amd64-v1
            chmod -R 0755 $d
            touch -t 202001010000.00 $d
            find $d -print0 | LC_ALL=C sort -r -z | xargs -0r touch -t 202001010000.00
            find $d | LC_ALL=C sort -r | zip -q -o -X -r -@ $d.zip
            d=n-linux-amd64-v1
            find $d -print0 | LC_ALL=C sort -r -z | tar --mtime='2020-01-01 00:00:00' --no-recursion --null --mode=u+rw,go+r-w,a+X --owner=0 --group=0 --numeric-owner -c -T - | gzip -9n > $d.tar.gz";
        quorate_base::testing::sh(d.path(), script);
        for file in ["n-windows-amd64-v1.zip", "n-linux-amd64-v1.tar.gz"] {
            let published = std::fs::read(d.path().join(file)).unwrap();
            let a = crate::recipe::recipe_of(file, &published);
            assert_eq!(a.order, Order::ReverseSorted, "{file}");
            let top = a.top_dir.clone().unwrap();
            let entries = gnu::find_entries(d.path(), &top).unwrap();
            let out = d.path().join(format!("re-{file}"));
            pack(&a, entries, &out).unwrap();
            assert!(std::fs::read(&out).unwrap() == published, "{file} differs");
        }
    }
}

#[cfg(test)]
mod untrusted_folder {
    use super::*;

    /// A DIFFERENT published file that is a link out of the release folder
    /// is neither hard-linked nor copied into the diff engine's view: the
    /// engine (and the HTML report) must never read what it points to.
    #[test]
    fn the_view_never_takes_a_file_through_a_link_out_of_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("id_ed25519");
        std::fs::write(&secret, b"-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap();
        let d = tempfile::tempdir().unwrap();
        let listed = |name: &str, bytes: &[u8]| format!("{}  {name}\n", Digest::of_bytes(bytes));
        std::fs::write(d.path().join("honest.txt"), b"published\n").unwrap();
        std::os::unix::fs::symlink(&secret, d.path().join("notes.txt")).unwrap();
        std::fs::write(
            d.path().join("manifest-v1.0.0.txt"),
            listed("honest.txt", b"published\n")
                + &listed("notes.txt", &std::fs::read(&secret).unwrap()),
        )
        .unwrap();
        let published = crate::published::read(d.path()).unwrap();
        let r =
            crate::recipe::from_published(&published, &crate::recipe::Limits::default()).unwrap();
        let rebuilt = Manifest::parse(
            (listed("honest.txt", b"rebuilt\n") + &listed("notes.txt", b"rebuilt\n")).as_bytes(),
            "rebuilt",
        )
        .unwrap();
        let view = tempfile::tempdir().unwrap();
        published_view(&r, &published, &rebuilt, view.path()).unwrap();
        assert_eq!(
            std::fs::read(view.path().join("honest.txt")).unwrap(),
            b"published\n"
        );
        assert!(
            std::fs::symlink_metadata(view.path().join("notes.txt")).is_err(),
            "the linked secret must not be in the view"
        );
    }
}
