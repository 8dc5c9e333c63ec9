//! Deterministic `.tar.gz` and `.zip` archives.
//!
//! The same input gives the same bytes on every machine, whatever the
//! umask, time zone, file times, owners, creation order or thread count
//! (DESIGN.md, "Determinism rules"):
//!
//! - entries sorted by path bytes, folders included (`name/` in tar and zip),
//!   under an optional top-level folder ([`PackOptions::prefix`]);
//! - every entry's mtime is [`PackOptions::mtime`] (SOURCE_DATE_EPOCH);
//! - owner and group 0, no user or group names;
//! - mode 0755 for folders and for files with any execute bit, 0644 for
//!   other files, 0777 for symbolic links (which stay links; links leaving
//!   the tree are refused by [`quorate_manifest::tree::walk`], which reads
//!   them against the archive's root, never above it, so that they point
//!   to the same entry wherever and under whatever prefix they are
//!   extracted);
//! - tar: ustar headers (GNU `././@LongLink` only for names that do not fit
//!   ustar), no PAX headers, no extended attributes, ending with two zero
//!   blocks;
//! - gzip: fixed header `1f 8b 08 00 00000000 00 03` (no name, mtime 0,
//!   XFL 0, OS 3 = Unix as `gzip -n` writes on Linux); the body is raw
//!   deflate compressed in parallel in fixed 1 MiB blocks, so the bytes
//!   never depend on the thread count, by the [`Packer`] the options name:
//!   packer 1 `miniz_oxide` level 5 on independent blocks (pure Rust,
//!   pinned by Cargo.lock), packer 2 `quorate_deflate`'s zlib-compatible
//!   matcher at level 6, each block with the 32 KiB of input before it as
//!   dictionary, packer 3 (new archives) the same with a multiplicative
//!   hash. A release records its packer in
//!   `build.json` and a rebuild packs with it: a packer's bytes never
//!   change (golden hashes per packer), a better compressor is a new one;
//! - zip: no extra fields, the DOS date/time of the mtime in UTC (clamped to
//!   1980–2107, even seconds), Unix permissions and "made by Unix", deflate
//!   with the same compressor; no Zip64 (archives needing it are refused).
//!
//! Hard-linked files are stored as separate files (except in
//! [`pack_dir_gnu`], which follows GNU tar). The output is written to a
//! temporary file beside it (mode 0644) and renamed into place; on any
//! error nothing is left behind.

mod deflate;
pub mod gnu;
pub mod gotar;
mod tar;
mod zip;

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use quorate_manifest::tree::{Kind, TreeError, walk};
use quorate_manifest::{NoProgress, Progress, fsutil};

pub use self::deflate::{Packer, UnknownPacker};
use self::tar::{TarWriter, TypeFlag};
use self::zip::{ZipFail, ZipWriter};

/// An archive format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// gzip-compressed tar (`.tar.gz`).
    TarGz,
    /// zip (`.zip`).
    Zip,
}

impl Format {
    /// The file extension, without the leading dot: `tar.gz` or `zip`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::TarGz => "tar.gz",
            Format::Zip => "zip",
        }
    }
}

impl FromStr for Format {
    type Err = ArchiveError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tar.gz" => Ok(Format::TarGz),
            "zip" => Ok(Format::Zip),
            other => Err(ArchiveError::UnknownFormat(other.to_string())),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// How to pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOptions {
    /// The archive format.
    pub format: Format,
    /// The mtime of every entry, in seconds since the epoch
    /// (SOURCE_DATE_EPOCH).
    pub mtime: u64,
    /// A top-level folder every entry is put under, e.g.
    /// `hello-linux-amd64-v1.0.0`; `None` puts the entries at the top.
    pub prefix: Option<String>,
    /// The compressor scheme ([`Packer::CURRENT`] for new archives; a
    /// rebuild uses the one its release records).
    pub packer: Packer,
}

/// Why an archive could not be written. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// An unknown format name.
    #[error("unknown archive format {0:?}; use tar.gz or zip")]
    UnknownFormat(String),
    /// Walking the input tree failed (bad name, special file, link leaving
    /// the tree, unreadable folder).
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// The input is not a folder.
    #[error("{path}: not a folder; give the folder to pack")]
    NotADir {
        /// The path given.
        path: PathBuf,
    },
    /// A file could not be read.
    #[error("{path}: cannot read it: {source}; make it readable or remove it from the tree")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file changed size while it was being packed.
    #[error(
        "{path}: the file changed while it was being packed (expected {expected} bytes); pack a tree nothing else is writing to"
    )]
    Changed {
        /// The file.
        path: PathBuf,
        /// Its size when the tree was walked.
        expected: u64,
    },
    /// The archive could not be written.
    #[error("{path}: cannot write the archive: {source}")]
    Write {
        /// The output path.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The output path lies inside the tree being packed.
    #[error(
        "{out}: the output is inside the folder being packed ({dir}); write it outside that folder"
    )]
    OutputInside {
        /// The output path.
        out: PathBuf,
        /// The input folder.
        dir: PathBuf,
    },
    /// A listed path (for [`pack_files`]) cannot be packed.
    #[error("{path}: {reason}")]
    BadListed {
        /// The path as listed, joined to the root.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The prefix is not a single usable folder name.
    #[error("prefix {prefix:?}: {reason}; give one folder name such as hello-linux-amd64-v1.0.0")]
    BadPrefix {
        /// The prefix given.
        prefix: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The GNU compatibility style was asked for where it does not apply.
    #[error("{path}: cannot use the GNU tar style: {reason}")]
    GnuStyle {
        /// The output path.
        path: PathBuf,
        /// Why not.
        reason: &'static str,
    },
    /// The zip format cannot hold this input without Zip64.
    #[error("{path}: cannot write a zip with {what} (Zip64 is not supported); use tar.gz")]
    TooLarge {
        /// The output path.
        path: PathBuf,
        /// What is too large.
        what: &'static str,
    },
}

/// What an archive entry comes from.
#[derive(Debug, Clone)]
enum Source {
    Dir,
    File { abs: PathBuf, len: u64, exec: bool },
    Symlink { target: String },
}

/// Packs everything under `dir` (not `dir` itself; use
/// [`PackOptions::prefix`] for a top-level folder) into `out`.
pub fn pack_dir(dir: &Path, out: &Path, opts: &PackOptions) -> Result<(), ArchiveError> {
    pack_dir_with_progress(dir, out, opts, &NoProgress)
}

/// [`pack_dir`], reporting the bytes packed to `progress`.
pub fn pack_dir_with_progress(
    dir: &Path,
    out: &Path,
    opts: &PackOptions,
    progress: &dyn Progress,
) -> Result<(), ArchiveError> {
    if !dir.is_dir() {
        return Err(ArchiveError::NotADir {
            path: dir.to_path_buf(),
        });
    }
    if fsutil::is_within(out, dir) {
        return Err(ArchiveError::OutputInside {
            out: out.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    let prefix = check_prefix(opts)?;
    let mut items: Vec<(String, Source)> = Vec::new();
    for e in walk(dir, &|_| false)? {
        let src = match e.kind {
            Kind::Dir => Source::Dir,
            Kind::File { len, executable } => Source::File {
                abs: e.abs,
                len,
                exec: executable,
            },
            Kind::Symlink { target, .. } => Source::Symlink { target },
        };
        items.push((e.rel, src));
    }
    write_archive(items, prefix, out, opts, progress)
}

/// Packs only the listed files (relative to `root`, `/`-separated; their
/// parent folders are added as entries), e.g. a source tarball from
/// `git ls-files`. Listed symbolic links are stored as links and must stay
/// inside `root`. Duplicates are packed once. The output may lie inside
/// `root` as long as it is not one of the listed files.
pub fn pack_files(
    root: &Path,
    files: &[String],
    out: &Path,
    opts: &PackOptions,
) -> Result<(), ArchiveError> {
    pack_files_with_progress(root, files, out, opts, &NoProgress)
}

/// [`pack_files`], reporting the bytes packed to `progress`.
pub fn pack_files_with_progress(
    root: &Path,
    files: &[String],
    out: &Path,
    opts: &PackOptions,
    progress: &dyn Progress,
) -> Result<(), ArchiveError> {
    if !root.is_dir() {
        return Err(ArchiveError::NotADir {
            path: root.to_path_buf(),
        });
    }
    let prefix = check_prefix(opts)?;
    let canon_out = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .canonicalize()
        .ok()
        .zip(out.file_name())
        .map(|(p, n)| p.join(n));
    let mut map: BTreeMap<String, Source> = BTreeMap::new();
    for rel in files {
        let abs = root.join(rel);
        let bad = |reason: String| ArchiveError::BadListed {
            path: abs.clone(),
            reason,
        };
        quorate_manifest::validate_path(rel)
            .map_err(|r| bad(format!("{r}; list paths relative to {}", root.display())))?;
        let meta = fs::symlink_metadata(&abs).map_err(|source| ArchiveError::Read {
            path: abs.clone(),
            source,
        })?;
        let ft = meta.file_type();
        let src = if ft.is_file() {
            if canon_out.is_some() && abs.canonicalize().ok() == canon_out {
                return Err(bad(
                    "is the output archive itself; write the archive elsewhere".into(),
                ));
            }
            Source::File {
                abs: abs.clone(),
                len: meta.len(),
                exec: meta.permissions().mode() & 0o111 != 0,
            }
        } else if ft.is_symlink() {
            Source::Symlink {
                target: check_link(root, rel, &abs)?,
            }
        } else if ft.is_dir() {
            return Err(bad("is a folder; list the files in it instead".into()));
        } else {
            let kind = quorate_base::fsutil::special_kind(ft).unwrap_or("special file");
            return Err(TreeError::Special { path: abs, kind }.into());
        };
        let mut parent = rel.as_str();
        while let Some((p, _)) = parent.rsplit_once('/') {
            map.insert(p.to_string(), Source::Dir);
            parent = p;
        }
        map.insert(rel.clone(), src);
    }
    write_archive(map.into_iter().collect(), prefix, out, opts, progress)
}

/// Checks a listed symbolic link the way [`walk`] does (lexically against
/// `root`, see [`quorate_manifest::tree::resolve_link_in_tree`]); returns
/// its target.
fn check_link(root: &Path, rel: &str, abs: &Path) -> Result<String, ArchiveError> {
    let target = fs::read_link(abs).map_err(|source| ArchiveError::Read {
        path: abs.to_path_buf(),
        source,
    })?;
    let target_str = target
        .to_str()
        .ok_or(TreeError::BadName {
            path: abs.to_path_buf(),
            reason: "the link target is not valid UTF-8",
        })?
        .to_string();
    quorate_manifest::tree::resolve_link_in_tree(root, rel).map_err(|reason| {
        TreeError::SymlinkOutside {
            path: abs.to_path_buf(),
            target: target_str.clone(),
            reason,
        }
    })?;
    Ok(target_str)
}

fn check_prefix(opts: &PackOptions) -> Result<Option<&str>, ArchiveError> {
    let Some(p) = opts.prefix.as_deref() else {
        return Ok(None);
    };
    let bad = |reason| ArchiveError::BadPrefix {
        prefix: p.to_string(),
        reason,
    };
    if p.is_empty() {
        return Err(bad("it is empty"));
    }
    if p == "." || p == ".." {
        return Err(bad("`.` and `..` are not folder names"));
    }
    if p.contains(['/', '\\', '\n', '\r', '\0']) {
        return Err(bad("it contains a slash, backslash or control character"));
    }
    Ok(Some(p))
}

/// Mode stored for an entry.
fn mode_of(src: &Source) -> u32 {
    match src {
        Source::Dir => 0o755,
        Source::File { exec: true, .. } => 0o755,
        Source::File { exec: false, .. } => 0o644,
        Source::Symlink { .. } => 0o777,
    }
}

/// Copies exactly `len` bytes of the file `abs` into `w`. A read error names
/// the file; a size change is an error (never a truncated or padded entry).
fn copy_file(
    abs: &Path,
    len: u64,
    w: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<(), FillError> {
    let read_err = |source| {
        FillError::Archive(ArchiveError::Read {
            path: abs.to_path_buf(),
            source,
        })
    };
    let mut f = File::open(abs).map_err(read_err)?;
    let mut buf = vec![
        0u8;
        usize::try_from(len)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
            .min(256 * 1024)
    ];
    let mut left = len;
    loop {
        let n = match f.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_err(e)),
        };
        if n == 0 {
            break;
        }
        if n as u64 > left {
            left = u64::MAX;
            break;
        }
        w.write_all(&buf[..n]).map_err(FillError::Write)?;
        left -= n as u64;
        progress.advance(n as u64);
    }
    if left != 0 {
        return Err(FillError::Archive(ArchiveError::Changed {
            path: abs.to_path_buf(),
            expected: len,
        }));
    }
    Ok(())
}

/// An error while producing an archive: about an input, or writing.
enum FillError {
    Archive(ArchiveError),
    Write(io::Error),
}

impl From<io::Error> for FillError {
    fn from(e: io::Error) -> Self {
        FillError::Write(e)
    }
}

fn write_archive(
    mut items: Vec<(String, Source)>,
    prefix: Option<&str>,
    out: &Path,
    opts: &PackOptions,
    progress: &dyn Progress,
) -> Result<(), ArchiveError> {
    if let Some(p) = prefix {
        items = std::iter::once((p.to_string(), Source::Dir))
            .chain(items.into_iter().map(|(rel, s)| (format!("{p}/{rel}"), s)))
            .collect();
    }
    items.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let total: u64 = items
        .iter()
        .map(|(_, s)| match s {
            Source::File { len, .. } => *len,
            _ => 0,
        })
        .sum();
    progress.begin("packing", total);
    let r = write_out(out, |file| match opts.format {
        Format::TarGz => write_tar_gz(&items, file, opts, progress),
        Format::Zip => write_zip(&items, file, opts, progress, out),
    });
    progress.end();
    r
}

/// Writes `out` atomically with `fill`; an input error from `fill` is
/// returned as is, a write error names `out`.
fn write_out(
    out: &Path,
    fill: impl FnOnce(&mut File) -> Result<(), FillError>,
) -> Result<(), ArchiveError> {
    let mut failure: Option<ArchiveError> = None;
    let result = fsutil::write_atomic_with(out, |file| {
        // A release artifact, readable by all (the temporary file is 0600).
        file.set_permissions(fs::Permissions::from_mode(0o644))?;
        match fill(file) {
            Ok(()) => Ok(()),
            Err(FillError::Write(e)) => Err(e),
            Err(FillError::Archive(e)) => {
                failure = Some(e);
                Err(io::Error::other("packing failed"))
            }
        }
    });
    match (result, failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(e),
        (Err(source), None) => Err(ArchiveError::Write {
            path: out.to_path_buf(),
            source,
        }),
    }
}

fn write_tar_gz(
    items: &[(String, Source)],
    file: &mut File,
    opts: &PackOptions,
    progress: &dyn Progress,
) -> Result<(), FillError> {
    let gz = deflate::GzWriter::new(BufWriter::with_capacity(1 << 20, file), opts.packer)?;
    let mut tar = TarWriter::new(gz, opts.mtime);
    for (name, src) in items {
        let mode = mode_of(src);
        match src {
            Source::Dir => tar.header(TypeFlag::Dir, &format!("{name}/"), mode, 0, "")?,
            Source::Symlink { target } => tar.header(TypeFlag::Symlink, name, mode, 0, target)?,
            Source::File { abs, len, .. } => {
                tar.header(TypeFlag::File, name, mode, *len, "")?;
                copy_file(abs, *len, tar.data(), progress)?;
                tar.end_data(*len)?;
            }
        }
    }
    let gz = tar.finish()?;
    let mut buf = gz.finish()?;
    buf.flush()?;
    Ok(())
}

fn write_zip(
    items: &[(String, Source)],
    file: &mut File,
    opts: &PackOptions,
    progress: &dyn Progress,
    out: &Path,
) -> Result<(), FillError> {
    let conv = |e: ZipFail<FillError>| match e {
        ZipFail::Io(e) => FillError::Write(e),
        ZipFail::Fill(e) => e,
        ZipFail::TooLarge(what) => FillError::Archive(ArchiveError::TooLarge {
            path: out.to_path_buf(),
            what,
        }),
    };
    let mut zip = ZipWriter::new(
        BufWriter::with_capacity(1 << 20, file),
        opts.mtime,
        opts.packer,
    );
    for (name, src) in items {
        let mode = mode_of(src);
        match src {
            Source::Dir => zip
                .add_stored(&format!("{name}/"), 0o040000 | mode, &[])
                .map_err(conv)?,
            Source::Symlink { target } => zip
                .add_stored(name, 0o120000 | mode, target.as_bytes())
                .map_err(conv)?,
            Source::File { len: 0, abs, .. } => {
                // Still open it, so an unreadable empty file is reported.
                copy_file(abs, 0, &mut io::sink(), progress)?;
                zip.add_stored(name, 0o100000 | mode, &[]).map_err(conv)?
            }
            Source::File { abs, len, .. } => zip
                .add_deflated(name, 0o100000 | mode, *len, |w| {
                    copy_file(abs, *len, w, progress)
                })
                .map_err(conv)?,
        }
    }
    let mut buf = zip.finish().map_err(conv)?;
    buf.flush()?;
    Ok(())
}

/// An entry of a GNU-style tar.
struct GnuItem {
    name: String,
    mode: u32,
    kind: GnuKind,
}

enum GnuKind {
    Dir,
    File { abs: PathBuf, len: u64 },
    Symlink { target: String },
    HardLink { target: String },
}

/// Packs `dir` as a `.tar.gz` whose tar stream is byte for byte what GNU tar
/// writes (the lnd / taproot-assets recipe) for a folder named `prefix`:
///
/// `tar --sort=name --format=gnu --mtime=@MTIME --owner=0 --group=0
/// --numeric-owner -c PREFIX`
///
/// Unlike quorate's own style, this keeps each entry's real permission bits
/// (as that recipe does), orders entries as `--sort=name` does (each
/// folder's names sorted, depth first), stores later names of a hard-linked
/// file as hard links, and pads to GNU tar's 10240-byte records. The gzip
/// layer is quorate's own (fixed header, parallel `miniz_oxide`), not
/// `gzip -9n`'s bytes. `opts.format` must be [`Format::TarGz`] and
/// `opts.prefix` is required. The same refusals as [`pack_dir`] apply.
pub fn pack_dir_gnu(dir: &Path, out: &Path, opts: &PackOptions) -> Result<(), ArchiveError> {
    if opts.format != Format::TarGz {
        return Err(ArchiveError::GnuStyle {
            path: out.to_path_buf(),
            reason: "it is for tar.gz only",
        });
    }
    let Some(prefix) = check_prefix(opts)? else {
        return Err(ArchiveError::GnuStyle {
            path: out.to_path_buf(),
            reason: "it needs a prefix (the folder name GNU tar would record)",
        });
    };
    if !dir.is_dir() {
        return Err(ArchiveError::NotADir {
            path: dir.to_path_buf(),
        });
    }
    if fsutil::is_within(out, dir) {
        return Err(ArchiveError::OutputInside {
            out: out.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    let items = gnu_items(dir, prefix)?;
    write_out(out, |file| {
        let gz = deflate::GzWriter::new(BufWriter::with_capacity(1 << 20, file), opts.packer)?;
        let mut buf = write_gnu_tar(&items, gz, opts.mtime)?.finish()?;
        buf.flush()?;
        Ok(())
    })
}

/// Writes the uncompressed GNU-style tar stream of `dir` under `prefix`
/// (see [`pack_dir_gnu`]) into `w`.
pub fn write_gnu_tar_stream(
    dir: &Path,
    prefix: &str,
    mtime: u64,
    w: &mut dyn Write,
) -> Result<(), ArchiveError> {
    let opts = PackOptions {
        format: Format::TarGz,
        mtime,
        prefix: Some(prefix.to_string()),
        packer: Packer::CURRENT,
    };
    check_prefix(&opts)?;
    let items = gnu_items(dir, prefix)?;
    match write_gnu_tar(&items, w, mtime) {
        Ok(_) => Ok(()),
        Err(FillError::Archive(e)) => Err(e),
        Err(FillError::Write(source)) => Err(ArchiveError::Write {
            path: PathBuf::from("-"),
            source,
        }),
    }
}

fn gnu_items(dir: &Path, prefix: &str) -> Result<Vec<GnuItem>, ArchiveError> {
    use std::os::unix::fs::MetadataExt;
    let stat = |p: &Path| {
        fs::symlink_metadata(p).map_err(|source| ArchiveError::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let mut entries = walk(dir, &|_| false)?;
    // `--sort=name`: each folder's names in byte order, depth first.
    entries.sort_by(|a, b| a.rel.split('/').cmp(b.rel.split('/')));
    let mut items = vec![GnuItem {
        name: prefix.to_string(),
        mode: stat(dir)?.mode() & 0o7777,
        kind: GnuKind::Dir,
    }];
    let mut first_name: std::collections::HashMap<(u64, u64), String> = Default::default();
    for e in entries {
        let meta = stat(&e.abs)?;
        let name = format!("{prefix}/{}", e.rel);
        let kind = match e.kind {
            Kind::Dir => GnuKind::Dir,
            Kind::Symlink { target, .. } => GnuKind::Symlink { target },
            Kind::File { len, .. } => {
                let key = (meta.dev(), meta.ino());
                match first_name.get(&key) {
                    Some(first) if meta.nlink() > 1 => GnuKind::HardLink {
                        target: first.clone(),
                    },
                    _ => {
                        if meta.nlink() > 1 {
                            first_name.insert(key, name.clone());
                        }
                        GnuKind::File { abs: e.abs, len }
                    }
                }
            }
        };
        items.push(GnuItem {
            name,
            mode: meta.mode() & 0o7777,
            kind,
        });
    }
    Ok(items)
}

fn write_gnu_tar<W: Write>(items: &[GnuItem], w: W, mtime: u64) -> Result<W, FillError> {
    let mut tar = TarWriter::new_gnu(w, mtime);
    for it in items {
        match &it.kind {
            GnuKind::Dir => tar.header(TypeFlag::Dir, &format!("{}/", it.name), it.mode, 0, "")?,
            GnuKind::Symlink { target } => {
                tar.header(TypeFlag::Symlink, &it.name, it.mode, 0, target)?
            }
            GnuKind::HardLink { target } => {
                tar.header(TypeFlag::HardLink, &it.name, it.mode, 0, target)?
            }
            GnuKind::File { abs, len } => {
                tar.header(TypeFlag::File, &it.name, it.mode, *len, "")?;
                copy_file(abs, *len, tar.data(), &NoProgress)?;
                tar.end_data(*len)?;
            }
        }
    }
    Ok(tar.finish()?)
}

impl quorate_manifest::Hint for ArchiveError {
    fn hint(&self) -> Option<String> {
        Some(
            match self {
                ArchiveError::OutputInside { .. } => {
                    "pass -o with a path outside the folder being packed"
                }
                ArchiveError::TooLarge { .. } => "use --format tar.gz",
                ArchiveError::GnuStyle { .. } => {
                    "--style gnu needs --format tar.gz and --prefix NAME"
                }
                ArchiveError::Write { .. } => "check that the output folder exists and is writable",
                _ => return None,
            }
            .into(),
        )
    }
}

#[cfg(test)]
mod tests;
