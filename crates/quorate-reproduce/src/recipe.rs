//! The recipe of a release quorate did not make, read from what was
//! published (`quorate recipe DIR`): how each Go binary was built (its Go
//! build info and executable format), how each archive was packed (member
//! order, times, owners, modes, tar format, compressor and level), and the
//! manifest's format. [`crate::foreign`] rebuilds a release from it.
//!
//! Everything here is read from untrusted bytes: files are read up to
//! [`MAX_FILE_BYTES`], archives inflated up to [`Limits::max_inflated`]
//! (and at most [`Limits::max_ratio`] times their size), at most
//! [`Limits::max_members`] members; nothing is extracted or run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use object::{Object, ObjectSymbol};
use quorate_diff::archive::{gunzip_members, inflate_raw};
use quorate_diff::{executable, gobuild, tarfmt, zipfmt};
use serde::Serialize;

pub use crate::fingerprint::Compressor;
use crate::published::{self, Published};

mod read_archive;
use read_archive::{contains, read_tar_gz, read_zip};

/// Largest published file read.
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// Bounds on reading one archive.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes one archive may inflate to.
    pub max_inflated: u64,
    /// And at most this many times its compressed size.
    pub max_ratio: u64,
    /// Members read per archive.
    pub max_members: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_inflated: 4 << 30,
            max_ratio: 100,
            max_members: 100_000,
        }
    }
}

/// Why a recipe could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecipeError {
    /// The release folder is unusable (no manifest, …).
    #[error(transparent)]
    Release(Box<crate::ReproduceError>),
    /// A published file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl quorate_manifest::Hint for RecipeError {
    fn hint(&self) -> Option<String> {
        match self {
            RecipeError::Release(e) => e.hint(),
            RecipeError::Io { .. } => None,
        }
    }
}

/// The archive formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArchiveKind {
    /// gzip-compressed tar.
    TarGz,
    /// zip.
    Zip,
}

/// What an archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Go programs (one target).
    Binaries,
    /// `go mod vendor`'s folder.
    Vendor,
    /// The source (`git archive`, repacked).
    Source,
    /// Something else.
    Other,
}

/// The order of an archive's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// `find DIR | LC_ALL=C sort -r`: paths (folders without their `/`) in
    /// descending byte order.
    ReverseSorted,
    /// `find DIR | LC_ALL=C sort`: ascending byte order.
    Sorted,
    /// Neither: rebuilt in the published order.
    AsPublished,
}

/// The gzip header of a `.tar.gz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GzipHeader {
    /// FLG (8: FNAME; 0: none).
    pub flags: u8,
    /// MTIME (0 for `gzip -n`).
    pub mtime: u32,
    /// FNAME, when stored.
    pub name: Option<String>,
    /// XFL.
    pub xfl: u8,
    /// OS (3 = Unix).
    pub os: u8,
    /// Members in the stream (GNU gzip writes one).
    pub members: usize,
    /// FCOMMENT, when stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// FEXTRA's data, when stored (in hex in JSON).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "hex_bytes")]
    pub extra: Option<Vec<u8>>,
    /// FHCRC: the 16-bit value that ends the header, when stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_crc: Option<u16>,
}

/// `bytes` as a hex string.
fn hex_bytes<S: serde::Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(b) => s.serialize_str(&quorate_base::text::hex(b)),
        None => s.serialize_none(),
    }
}

/// One member of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Its name (folders end with `/`).
    pub name: String,
    /// `file`, `dir`, `symlink`, `hardlink` or `other`.
    pub kind: &'static str,
    /// Permission bits.
    pub mode: u32,
    /// Size in bytes.
    pub size: u64,
    /// Its modification time, seconds since the epoch (tar: the header's,
    /// or its PAX record's; zip: a Go zip's `UT` time, else the DOS time
    /// read as UTC).
    pub mtime: i64,
    /// tar: its owner `(uid, gid)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<(u64, u64)>,
    /// tar: its owner's names `(uname, gname)` (empty when numeric).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_names: Option<(String, String)>,
}

/// The modes an archive gives each kind of member (when uniform).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Modes {
    /// Folders.
    pub dir: Option<u32>,
    /// Files with an execute bit.
    pub executable: Option<u32>,
    /// Other files.
    pub file: Option<u32>,
    /// The rule these fit: `u+rw,go+r-w,a+X` (GNU tar `--mode`),
    /// `0755` (`chmod -R 0755`), or `as-published`.
    pub rule: String,
}

/// How one archive was packed.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveRecipe {
    /// Its path in the release folder (and manifest).
    pub file: String,
    /// tar.gz or zip.
    pub kind: ArchiveKind,
    /// What it holds.
    pub role: Role,
    /// The folder every member is under, when there is one.
    pub top_dir: Option<String>,
    /// tar: `gnu`, `ustar`, `pax` or `v7`; zip: `info-zip` when the
    /// central directory is Info-ZIP's on Unix with no extra fields,
    /// `go-archive-zip` when it is Go's `archive/zip`'s.
    pub format: String,
    /// The program that wrote the archive, when its bytes show it:
    /// `gnu-tar` (GNU format, 10240-byte records), `go-archive-tar` (every
    /// header and the end exactly as Go's `archive/tar` writes them),
    /// `info-zip`, `go-archive-zip`, `git-archive` (a pax global header
    /// naming a commit, 10240-byte records: `git archive`'s tar); `unknown`
    /// otherwise.
    pub writer: String,
    /// `git archive`: the commit its pax global header names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    /// tar: the stream is padded to GNU tar's 10240-byte records.
    pub record_padding: bool,
    /// The gzip header (tar.gz).
    pub gzip: Option<GzipHeader>,
    /// The compressor.
    pub compressor: Compressor,
    /// The member order.
    pub order: Order,
    /// Every member's time, when they share one (seconds since the epoch;
    /// zip: the DOS time read as UTC).
    pub mtime: Option<i64>,
    /// Owner and group ids (tar), when uniform.
    pub owner: Option<(u64, u64)>,
    /// Owner and group names are empty (`--numeric-owner`).
    pub numeric_owner: bool,
    /// Owner and group names (tar), when uniform.
    pub owner_names: Option<(String, String)>,
    /// Go zip: the offset east of UTC (seconds) of the zone the members'
    /// times were given in (their DOS time is the civil time there; 0
    /// after `FileInfoHeader`), when uniform.
    pub zip_utc_offset: Option<i32>,
    /// Modes by kind.
    pub modes: Modes,
    /// Folders have their own entries.
    pub dir_entries: bool,
    /// The members, in order.
    pub members: Vec<Member>,
}

/// How one Go program was built, from its build info and its executable.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryRecipe {
    /// Its member name in the archive (`<archive folder>/<name>` in lnd's
    /// layout, as the manifest lists it; the bare name in GoReleaser's).
    pub path: String,
    /// The manifest lists it (lnd's layout); GoReleaser's checksums list
    /// only the archives.
    pub listed: bool,
    /// The archive it is in.
    pub archive: String,
    /// `go1.27.3`.
    pub go_version: String,
    /// The main package (`path` line).
    pub main_package: String,
    /// The main module.
    pub module: String,
    /// The main module's version (`(devel)` from a checkout).
    pub module_version: String,
    /// GOOS.
    pub goos: String,
    /// GOARCH.
    pub goarch: String,
    /// GOARM, GOAMD64, GO386, … as recorded.
    pub goarch_level: Vec<(String, String)>,
    /// CGO_ENABLED.
    pub cgo_enabled: Option<String>,
    /// `-trimpath`.
    pub trimpath: bool,
    /// `-tags`, as recorded.
    pub tags: Option<String>,
    /// `-ldflags`, as recorded (Go leaves it out under `-trimpath`).
    pub ldflags: Option<String>,
    /// `-s`: no symbol table.
    pub no_symbols: bool,
    /// `-w`: no DWARF.
    pub no_dwarf: bool,
    /// `-buildid=`: no Go build ID.
    pub no_build_id: bool,
    /// `-buildmode`.
    pub buildmode: Option<String>,
    /// `vcs.revision`.
    pub vcs_revision: Option<String>,
    /// `vcs.modified`.
    pub vcs_modified: Option<bool>,
    /// Every build setting, in order.
    pub settings: Vec<(String, String)>,
    /// Dependencies (`path@version`).
    pub deps: Vec<String>,
}

impl BinaryRecipe {
    /// The `-ldflags` the executable shows: recorded ones, else `-s`, `-w`
    /// and `-buildid=` as observed (without `-X`, which `-trimpath`
    /// hides).
    pub fn observed_ldflags(&self) -> String {
        if let Some(l) = &self.ldflags {
            return l.clone();
        }
        let mut v = Vec::new();
        if self.no_symbols {
            v.push("-s");
        }
        if self.no_dwarf {
            v.push("-w");
        }
        if self.no_build_id {
            v.push("-buildid=");
        }
        v.join(" ")
    }
}

/// The manifest's format.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestRecipe {
    /// Its file name.
    pub file: String,
    /// `manifest` (`manifest-<version>.txt`) or `goreleaser-checksums`
    /// (`<project>_<version>_checksums.txt`).
    pub kind: String,
    /// The project name, from a GoReleaser checksums file's name.
    pub project: Option<String>,
    /// `sha256sum` (`<hex>  <path>` lines) when quorate's writer gives the
    /// same bytes; `other` otherwise.
    pub style: String,
    /// Sorted by path (`LC_ALL=C sort -k2`).
    pub sorted: bool,
    /// Entries.
    pub entries: usize,
    /// Entries that are files inside an archive (`<folder>/<name>`).
    pub inside_archives: usize,
}

/// The whole recipe.
#[derive(Debug, Clone, Serialize)]
pub struct Recipe {
    /// The release folder.
    pub release: PathBuf,
    /// The version (from the manifest's name).
    pub version: String,
    /// The manifest.
    pub manifest: ManifestRecipe,
    /// Every archive of the manifest present in the folder.
    pub archives: Vec<ArchiveRecipe>,
    /// Every Go program inside them.
    pub binaries: Vec<BinaryRecipe>,
    /// What could not be read, or looks unusual.
    pub warnings: Vec<String>,
}

impl Recipe {
    /// The archive named `file`.
    pub fn archive(&self, file: &str) -> Option<&ArchiveRecipe> {
        self.archives.iter().find(|a| a.file == file)
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, RecipeError> {
    quorate_manifest::fsutil::read_regular_capped(path, MAX_FILE_BYTES).map_err(|source| {
        RecipeError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// The real path of the file `rel` of the release folder `dir`: a regular
/// file inside the folder, after following links. A published name that
/// is a link out of the folder (to `~/.ssh/id_ed25519`, `/dev/zero`, …),
/// a folder or a special file is refused: the release is untrusted, and
/// nothing outside it may be read, copied or hard-linked in its name.
pub fn release_file(dir: &Path, rel: &str) -> Result<PathBuf, RecipeError> {
    let path = dir.join(rel);
    let refuse = |why: &str| RecipeError::Io {
        path: path.clone(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, why.to_string()),
    };
    let real = path.canonicalize().map_err(|source| RecipeError::Io {
        path: path.clone(),
        source,
    })?;
    if !quorate_manifest::fsutil::is_within(&real, dir) {
        return Err(refuse("a link out of the release folder: refused unread"));
    }
    let meta = std::fs::metadata(&real).map_err(|source| RecipeError::Io {
        path: path.clone(),
        source,
    })?;
    if !meta.is_file() {
        return Err(refuse("not a regular file: refused unread"));
    }
    Ok(real)
}

/// Reads the recipe of the release in `dir`.
pub fn read(dir: &Path, limits: &Limits) -> Result<Recipe, RecipeError> {
    let p = published::read(dir).map_err(|e| RecipeError::Release(Box::new(e)))?;
    from_published(&p, limits)
}

/// Reads the recipe of an already read release.
pub fn from_published(p: &Published, limits: &Limits) -> Result<Recipe, RecipeError> {
    let mut warnings = Vec::new();
    let text = read_file(&p.manifest_path)?;
    let canonical = p.manifest.to_text();
    let names: Vec<&str> = p
        .manifest
        .entries()
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    let written: Vec<&str> = std::str::from_utf8(&text)
        .unwrap_or("")
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, n)| n))
        .collect();
    let file = p
        .manifest_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let goreleaser = published::goreleaser_checksums_name(&file);
    let manifest = ManifestRecipe {
        kind: if goreleaser.is_some() {
            "goreleaser-checksums"
        } else {
            "manifest"
        }
        .into(),
        project: goreleaser.map(|(project, _)| project.to_string()),
        file: file.clone(),
        style: if canonical.as_bytes() == text.as_slice() {
            "sha256sum".into()
        } else {
            "other".into()
        },
        sorted: written == names,
        entries: names.len(),
        inside_archives: 0,
    };
    let mut r = Recipe {
        release: p.dir.clone(),
        version: p.version.clone(),
        manifest,
        archives: Vec::new(),
        binaries: Vec::new(),
        warnings: Vec::new(),
    };
    for e in p.manifest.entries() {
        let archive = [".tar.gz", ".tgz", ".zip"]
            .iter()
            .any(|x| e.path.ends_with(x));
        if !archive {
            continue;
        }
        let path = p.dir.join(&e.path);
        if std::fs::symlink_metadata(&path).is_err() {
            warnings.push(format!(
                "{}: listed in the manifest but not in the folder",
                e.path
            ));
            continue;
        }
        let data = read_file(&release_file(&p.dir, &e.path)?)?;
        match archive_recipe(&e.path, &data, limits, &mut r.binaries) {
            Ok(a) => r.archives.push(a),
            Err(why) => warnings.push(format!("{}: {why}", e.path)),
        }
    }
    let listed: BTreeSet<&str> = names.iter().copied().collect();
    for b in &mut r.binaries {
        b.listed = listed.contains(b.path.as_str());
    }
    r.manifest.inside_archives = r.binaries.iter().filter(|b| b.listed).count();
    if r.manifest.style != "sha256sum" {
        warnings.push(format!(
            "{}: not in sha256sum's format (`<hex>  <path>` lines sorted by path); the rebuilt manifest is written in that format",
            r.manifest.file
        ));
    }
    for b in &r.binaries {
        if b.vcs_modified == Some(true) {
            warnings.push(format!(
                "{}: built from a modified tree (vcs.modified=true): a clean checkout may not reproduce it",
                b.path
            ));
        }
    }
    r.warnings = warnings;
    Ok(r)
}

/// For tests: the recipe of an archive with no Go programs kept, within
/// the default limits; panics when it cannot be read.
#[cfg(test)]
pub(crate) fn recipe_of(file: &str, data: &[u8]) -> ArchiveRecipe {
    archive_recipe(file, data, &Limits::default(), &mut Vec::new())
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The recipe of one archive's bytes (`file` is its name, which says tar.gz
/// or zip), with the Go programs found in it appended to `binaries`.
/// Within `limits`; never panics, whatever the bytes.
pub fn archive_recipe(
    file: &str,
    data: &[u8],
    limits: &Limits,
    binaries: &mut Vec<BinaryRecipe>,
) -> Result<ArchiveRecipe, String> {
    let limit = limits.max_inflated.min(
        (data.len() as u64)
            .saturating_mul(limits.max_ratio)
            .max(1 << 20),
    );
    if file.ends_with(".zip") {
        read_zip(file, data, limit, limits, binaries)
    } else {
        read_tar_gz(file, data, limit, limits, binaries)
    }
}

/// The member name without a folder's trailing `/`, as `find` prints it.
fn find_name(name: &str) -> &str {
    name.strip_suffix('/').unwrap_or(name)
}

fn order_of(members: &[Member]) -> Order {
    let names: Vec<&[u8]> = members
        .iter()
        .map(|m| find_name(&m.name).as_bytes())
        .collect();
    if names.windows(2).all(|w| w[0] > w[1]) {
        Order::ReverseSorted
    } else if names.windows(2).all(|w| w[0] < w[1]) {
        Order::Sorted
    } else {
        Order::AsPublished
    }
}

fn modes_of(members: &[Member]) -> Modes {
    let uniform = |f: &dyn Fn(&Member) -> bool| {
        let set: BTreeSet<u32> = members.iter().filter(|m| f(m)).map(|m| m.mode).collect();
        (set.len() == 1).then(|| *set.iter().next().unwrap_or(&0))
    };
    let dir = uniform(&|m| m.kind == "dir");
    let executable = uniform(&|m| m.kind == "file" && m.mode & 0o111 != 0);
    let file = uniform(&|m| m.kind == "file" && m.mode & 0o111 == 0);
    let fits = |want: Option<u32>, got: Option<u32>| got.is_none() || got == want;
    let rule = if fits(Some(0o755), dir) && fits(Some(0o755), executable) && file.is_none() {
        "0755"
    } else if fits(Some(0o755), dir) && fits(Some(0o755), executable) && fits(Some(0o644), file) {
        "u+rw,go+r-w,a+X"
    } else {
        "as-published"
    };
    Modes {
        dir,
        executable,
        file,
        rule: rule.into(),
    }
}

fn top_dir_of(members: &[Member]) -> Option<String> {
    let first = members.first()?.name.split('/').next()?.to_string();
    members
        .iter()
        .all(|m| find_name(&m.name) == first || m.name.starts_with(&format!("{first}/")))
        .then_some(first)
}

fn role_of(file: &str, has_binaries: bool, top: Option<&str>) -> Role {
    if has_binaries {
        Role::Binaries
    } else if top == Some("vendor") {
        Role::Vendor
    } else if top.is_some_and(|t| t.ends_with("-source")) || file.contains("-source") {
        Role::Source
    } else {
        Role::Other
    }
}

/// The Go build info and linker facts of `data`, when it is a Go program.
fn binary_of(path: String, archive: &str, data: &[u8]) -> Option<BinaryRecipe> {
    let f = object::File::parse(data).ok()?;
    let secs = executable::sections(&f, data);
    let bi = gobuild::read(data, executable::buildinfo_hint(&secs))?.ok()?;
    let no_dwarf = !secs.iter().any(|s| {
        let n = s.name.rsplit(',').next().unwrap_or(&s.name);
        n.starts_with(".debug")
            || n.starts_with(".zdebug")
            || n.starts_with("__debug")
            || n.starts_with("__zdebug")
    });
    // `-s` leaves no symbol defined (Mach-O keeps the undefined imports).
    let no_symbols = !f.symbols().any(|s| !s.is_undefined());
    let no_build_id = !contains(data, b"\xff Go build ID: \"")
        && !secs.iter().any(|s| s.name == ".note.go.buildid");
    let set = |k: &str| bi.setting(k).map(str::to_string);
    let main = bi.main.clone().unwrap_or(gobuild::Module {
        path: String::new(),
        version: String::new(),
        sum: String::new(),
        replace: None,
    });
    Some(BinaryRecipe {
        path,
        listed: false,
        archive: archive.to_string(),
        go_version: bi.go_version.clone(),
        main_package: bi.path.clone(),
        module: main.path,
        module_version: main.version,
        goos: set("GOOS").unwrap_or_default(),
        goarch: set("GOARCH").unwrap_or_default(),
        goarch_level: bi
            .settings
            .iter()
            .filter(|(k, _)| {
                [
                    "GOARM",
                    "GOAMD64",
                    "GO386",
                    "GOARM64",
                    "GOMIPS",
                    "GOMIPS64",
                    "GOPPC64",
                    "GORISCV64",
                    "GOWASM",
                ]
                .contains(&k.as_str())
            })
            .cloned()
            .collect(),
        cgo_enabled: set("CGO_ENABLED"),
        trimpath: bi.setting("-trimpath") == Some("true"),
        tags: set("-tags"),
        ldflags: set("-ldflags"),
        no_symbols,
        no_dwarf,
        no_build_id,
        buildmode: set("-buildmode"),
        vcs_revision: set("vcs.revision"),
        vcs_modified: bi.setting("vcs.modified").map(|v| v == "true"),
        settings: bi.settings.clone(),
        deps: bi
            .deps
            .iter()
            .map(|d| format!("{}@{}", d.path, d.version))
            .collect(),
    })
}

impl Ord for Compressor {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (&self.tool, self.level, &self.closest).cmp(&(&o.tool, o.level, &o.closest))
    }
}

impl PartialOrd for Compressor {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Recipe {
    /// The bytes of the published program `b`, read again from its archive
    /// in the release folder ([`release_file`]: never through a link out
    /// of it); `None` when it cannot be read or is not there.
    pub fn program_bytes(&self, b: &BinaryRecipe) -> Option<Vec<u8>> {
        member_bytes(&release_file(&self.release, &b.archive).ok()?, &b.path)
    }
}

/// The bytes of member `member` of the archive at `path` (a `.tar.gz` or
/// `.zip`), read within the default [`Limits`]; `None` when it cannot be
/// read or is not there.
pub fn member_bytes(path: &Path, member: &str) -> Option<Vec<u8>> {
    let limits = Limits::default();
    let data = read_file(path).ok()?;
    let limit = limits.max_inflated.min(
        (data.len() as u64)
            .saturating_mul(limits.max_ratio)
            .max(1 << 20),
    );
    let name = path.to_string_lossy();
    if name.ends_with(".zip") {
        let l = zipfmt::list(&data, limits.max_members);
        let e = l.entries.iter().find(|e| e.name == member.as_bytes())?;
        let raw = &data[e.local.as_ref()?.data.clone()];
        match e.method {
            0 => Some(raw.to_vec()),
            8 => inflate_raw(raw, limit.min(e.usize)).ok(),
            _ => None,
        }
    } else {
        let g = gunzip_members(&data, limit).ok()?;
        let l = tarfmt::list(&g.data, limits.max_members);
        let e = l.entries.iter().find(|e| e.name == member.as_bytes())?;
        Some(g.data[e.main.data.clone()].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_time_is_utc() {
        let (t, d) = quorate_deflate::zip::dos_time(1_577_836_800, 0);
        assert_eq!(read_archive::dos_to_unix(t, d), 1_577_836_800);
        let (t, d) = quorate_deflate::zip::dos_time(1_700_000_001, 0);
        assert_eq!(read_archive::dos_to_unix(t, d), 1_700_000_002);
    }

    fn m(name: &str, kind: &'static str, mode: u32) -> Member {
        Member {
            name: name.into(),
            kind,
            mode,
            size: 0,
            mtime: 0,
            owner: None,
            owner_names: None,
        }
    }

    #[test]
    fn order_and_modes() {
        let v = [
            m("d/b", "file", 0o755),
            m("d/a", "file", 0o644),
            m("d/", "dir", 0o755),
        ];
        assert_eq!(order_of(&v), Order::ReverseSorted);
        assert_eq!(modes_of(&v).rule, "u+rw,go+r-w,a+X");
        assert_eq!(top_dir_of(&v).as_deref(), Some("d"));
        let w = [m("d/", "dir", 0o755), m("d/a", "file", 0o600)];
        assert_eq!(order_of(&w), Order::Sorted);
        assert_eq!(modes_of(&w).rule, "as-published");
        let x = [
            m("d/a", "file", 0o644),
            m("d/c", "file", 0o644),
            m("d/b", "file", 0o644),
        ];
        assert_eq!(order_of(&x), Order::AsPublished);
    }

    /// `-s`, `-w` and `-buildid=` read back from real Go programs of every
    /// executable format (ELF, PE, Mach-O), built with and without them.
    #[test]
    fn linker_flags_read_from_executables() {
        let Some(goroot) = std::env::var_os("QUORATE_TEST_GOROOT").map(PathBuf::from) else {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!ci, "QUORATE_TEST_GOROOT must be set under CI=true");
            return;
        };
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("go.mod"), "module example.com/p\n\ngo 1.22\n").unwrap();
        std::fs::write(
            d.path().join("main.go"),
            "package main\n\nfunc main() { println(1) }\n",
        )
        .unwrap();
        let cache = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/test-cache/go-build");
        for (goos, goarch) in [
            ("linux", "amd64"),
            ("windows", "amd64"),
            ("darwin", "arm64"),
        ] {
            for (flags, s, w, id) in [
                ("-s -w -buildid=", true, true, true),
                ("", false, false, false),
            ] {
                let out = d.path().join(format!("p-{goos}-{flags}"));
                let st = std::process::Command::new(goroot.join("bin/go"))
                    .args(["build", "-trimpath", "-buildvcs=false"])
                    .arg(format!("-ldflags={flags}"))
                    .arg("-o")
                    .arg(&out)
                    .arg(".")
                    .current_dir(d.path())
                    .env("GOOS", goos)
                    .env("GOARCH", goarch)
                    .env("CGO_ENABLED", "0")
                    .env("GOCACHE", &cache)
                    .env("GOFLAGS", "")
                    .env("GOTOOLCHAIN", "local")
                    .env("GOENV", "off")
                    .status()
                    .unwrap();
                assert!(st.success());
                let data = std::fs::read(&out).unwrap();
                let b = binary_of("d/p".into(), "a", &data).unwrap();
                assert_eq!(
                    (b.no_symbols, b.no_dwarf, b.no_build_id),
                    (s, w, id),
                    "{goos} {flags:?}"
                );
                assert_eq!(b.goos, goos);
            }
        }
    }
}

#[cfg(test)]
mod untrusted_folder {
    use super::*;
    use quorate_manifest::Digest;
    use std::os::unix::fs::symlink;

    /// A release folder whose manifest lists `app.tar.gz` with the digest
    /// of `target`'s bytes, where `app.tar.gz` is a link to `target`.
    fn folder_with_link(target: &Path) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let bytes = std::fs::read(target).unwrap();
        std::fs::write(
            d.path().join("manifest-v1.0.0.txt"),
            format!("{}  app.tar.gz\n", Digest::of_bytes(&bytes)),
        )
        .unwrap();
        symlink(target, d.path().join("app.tar.gz")).unwrap();
        d
    }

    /// A gzip member (any bytes: the recipe reads it as an archive).
    fn gz() -> Vec<u8> {
        let opts = quorate_deflate::gzip::GzipOptions {
            level: 9,
            name: None,
            mtime: 0,
        };
        quorate_deflate::gzip::compress(b"not a tar stream, but a secret", &opts).unwrap()
    }

    #[test]
    fn a_link_out_of_the_folder_is_never_read() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.tar.gz");
        std::fs::write(&secret, gz()).unwrap();
        let d = folder_with_link(&secret);
        let e = release_file(d.path(), "app.tar.gz").unwrap_err();
        assert!(e.to_string().contains("out of the release folder"), "{e}");
        let e = read(d.path(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("out of the release folder"), "{e}");
        // A FIFO or device behind a link is refused too, unread.
        let d = folder_with_link(Path::new("/dev/null"));
        assert!(release_file(d.path(), "app.tar.gz").is_err());
    }

    #[test]
    fn a_link_inside_the_folder_is_followed() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("files")).unwrap();
        std::fs::write(d.path().join("files/real.tar.gz"), gz()).unwrap();
        symlink("files/real.tar.gz", d.path().join("app.tar.gz")).unwrap();
        let real = release_file(d.path(), "app.tar.gz").unwrap();
        assert_eq!(
            real,
            d.path().join("files/real.tar.gz").canonicalize().unwrap()
        );
        assert!(
            release_file(d.path(), "files").is_err(),
            "a folder is not a file"
        );
        assert!(release_file(d.path(), "missing.tar.gz").is_err());
    }
}
