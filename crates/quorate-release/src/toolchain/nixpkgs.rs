//! A copy of an official toolchain patched the way Nixpkgs patches Go, for
//! the demo, the tests and investigation: the binaries it builds embed
//! `/nix/store/<hash>-…` paths, like those of a Nixpkgs `buildGoModule`.
//!
//! What Nixpkgs' Go derivation does, and what this copy reproduces:
//! - `iana-etc-1.25.patch` replaces the `"/etc/protocols"` and
//!   `"/etc/services"` literals of the `net` package (`lookup_unix.go`,
//!   `port_unix.go`) with paths in the iana-etc store path;
//! - `mailcap-1.17.patch` puts `<mailcap>/etc/mime.types` first in `mime`'s
//!   `typeFiles`;
//! - `tzdata-1.19.patch` puts `<tzdata>/share/zoneinfo/` first in `time`'s
//!   zoneinfo sources;
//! - `go-env-go_ldso.patch` lets the linker take the ELF interpreter from
//!   `GO_LDSO`. For cgo binaries the interpreter that wins is the one cgo
//!   records from the C compiler's own link (Nix's cc-wrapper passes
//!   `-dynamic-linker <glibc>/lib/ld-linux-….so.2`), so that path is made
//!   with a C compiler wrapper, not by this copy.
//!
//! The store hashes derive from a seed and the versions are the caller's,
//! so two copies differ the way two package sets do.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::ToolchainError;

/// The alphabet of Nix store hashes (base32 without e, o, u, t).
const NIX_BASE32: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// A patched copy made by [`make_nixpkgs_patched_copy`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct PatchedCopy {
    /// The copy's GOROOT.
    pub goroot: PathBuf,
    /// The store paths written into it: tzdata's zoneinfo folder, iana-etc's
    /// services and protocols files, mailcap's mime.types.
    pub store_paths: Vec<String>,
}

/// A fake, deterministic Nix store hash (32 characters of the Nix base32
/// alphabet) for package `name`, derived from `seed` with SHA-256.
pub fn nix_store_hash(seed: &str, name: &str) -> String {
    let d = Sha256::digest(format!("quorate-nix-store-hash\0{seed}\0{name}").as_bytes());
    d.iter()
        .map(|b| NIX_BASE32[usize::from(b & 31)] as char)
        .collect()
}

/// One textual edit of a source file.
struct Edit {
    /// Path relative to GOROOT.
    file: String,
    /// The exact text to find (every occurrence is replaced).
    find: String,
    /// What replaces it.
    replace: String,
}

/// The store packages a patched copy points into, named as Nixpkgs names
/// them (`<package>-<version>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePackages {
    /// tzdata, e.g. `tzdata-2025b`.
    pub tzdata: String,
    /// iana-etc, e.g. `iana-etc-20250505`.
    pub iana_etc: String,
    /// mailcap, e.g. `mailcap-2.1.54`.
    pub mailcap: String,
}

impl Default for StorePackages {
    fn default() -> Self {
        StorePackages {
            tzdata: "tzdata-2025b".into(),
            iana_etc: "iana-etc-20250505".into(),
            mailcap: "mailcap-2.1.54".into(),
        }
    }
}

/// [`make_nixpkgs_patched_copy_with`] with the default package versions.
pub fn make_nixpkgs_patched_copy(
    official: &Path,
    dest: &Path,
    seed: &str,
) -> Result<PatchedCopy, ToolchainError> {
    make_nixpkgs_patched_copy_with(official, dest, seed, &StorePackages::default())
}

/// Copies the official GOROOT `official` to `dest` (which must not exist,
/// or be an empty folder) and patches the copy the way Nixpkgs patches Go
/// (see the module): `src/time/zoneinfo_unix.go` gets
/// `/nix/store/<h1>-<tzdata>/share/zoneinfo/` first in
/// `platformZoneSources`; the net package's `"/etc/services"` and
/// `"/etc/protocols"` become `/nix/store/<h2>-<iana-etc>/etc/…`;
/// `src/mime/type_unix.go` gets `/nix/store/<h3>-<mailcap>/etc/mime.types`
/// first in its list of type files. The hashes derive from `seed`, the
/// package names and versions from `packages`. The tree is hard-linked
/// where possible; the edited files and `bin/go` are real copies (so the
/// official tree is never modified and `go` finds its own GOROOT in the
/// copy).
pub fn make_nixpkgs_patched_copy_with(
    official: &Path,
    dest: &Path,
    seed: &str,
    packages: &StorePackages,
) -> Result<PatchedCopy, ToolchainError> {
    if !official.join("bin/go").is_file() || !official.join("src").is_dir() {
        return Err(ToolchainError::NotAToolchain {
            path: official.to_path_buf(),
            reason: "no bin/go or src/ in it".into(),
            via: None,
        });
    }
    for name in [&packages.tzdata, &packages.iana_etc, &packages.mailcap] {
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-._".contains(&b));
        if !ok {
            return Err(ToolchainError::PatchCopy {
                path: dest.to_path_buf(),
                reason: format!("{name:?} is not a store package name"),
            });
        }
    }
    let store = |name: &str| format!("/nix/store/{}-{name}", nix_store_hash(seed, name));
    let tzdata = format!("{}/share/zoneinfo/", store(&packages.tzdata));
    let iana = store(&packages.iana_etc);
    let mailcap = format!("{}/etc/mime.types", store(&packages.mailcap));
    let services = format!("{iana}/etc/services");
    let protocols = format!("{iana}/etc/protocols");

    let mut edits = vec![
        Edit {
            file: "src/time/zoneinfo_unix.go".into(),
            find: "var platformZoneSources = []string{\n".into(),
            replace: format!("var platformZoneSources = []string{{\n\t\"{tzdata}\",\n"),
        },
        Edit {
            file: "src/mime/type_unix.go".into(),
            find: "var typeFiles = []string{\n".into(),
            replace: format!("var typeFiles = []string{{\n\t\"{mailcap}\",\n"),
        },
    ];
    for (literal, replacement) in [("/etc/services", &services), ("/etc/protocols", &protocols)] {
        let quoted = format!("\"{literal}\"");
        let files = net_files_with(official, &quoted)?;
        if files.is_empty() {
            return Err(ToolchainError::PatchCopy {
                path: official.join("src/net"),
                reason: format!(
                    "no non-test .go file in src/net mentions {quoted} in this Go version"
                ),
            });
        }
        for file in files {
            edits.push(Edit {
                file,
                find: quoted.clone(),
                replace: format!("\"{replacement}\""),
            });
        }
    }

    prepare_dest(dest)?;
    let mut real_copies: Vec<String> = edits.iter().map(|e| e.file.clone()).collect();
    real_copies.push("bin/go".into());
    copy_tree(official, dest, &real_copies)?;

    let mut by_file: std::collections::BTreeMap<&str, Vec<&Edit>> = Default::default();
    for edit in &edits {
        by_file.entry(edit.file.as_str()).or_default().push(edit);
    }
    for (file, file_edits) in by_file {
        let src = official.join(file);
        let mut text = std::fs::read_to_string(&src).map_err(|e| ToolchainError::io(&src, e))?;
        for edit in file_edits {
            if !text.contains(&edit.find) {
                return Err(ToolchainError::PatchCopy {
                    path: src,
                    reason: format!("{:?} not found in this Go version", edit.find.trim()),
                });
            }
            text = text.replace(&edit.find, &edit.replace);
        }
        let out = dest.join(file);
        // A new file (never written through a hard link to the official tree).
        quorate_manifest::fsutil::write_atomic(&out, text.as_bytes())
            .map_err(|e| ToolchainError::io(&out, e))?;
        set_mode(&out, 0o644)?;
    }
    Ok(PatchedCopy {
        goroot: dest.to_path_buf(),
        store_paths: vec![tzdata, services, protocols, mailcap],
    })
}

/// The non-test `.go` files directly in `src/net` that contain `needle`,
/// relative to GOROOT, sorted.
fn net_files_with(goroot: &Path, needle: &str) -> Result<Vec<String>, ToolchainError> {
    let dir = goroot.join("src/net");
    let rd = std::fs::read_dir(&dir).map_err(|e| ToolchainError::io(&dir, e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| ToolchainError::io(&dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".go") || name.ends_with("_test.go") {
            continue;
        }
        let path = entry.path();
        let text = std::fs::read_to_string(&path).map_err(|e| ToolchainError::io(&path, e))?;
        if text.contains(needle) {
            out.push(format!("src/net/{name}"));
        }
    }
    out.sort();
    Ok(out)
}

fn prepare_dest(dest: &Path) -> Result<(), ToolchainError> {
    match std::fs::read_dir(dest) {
        Ok(mut rd) => {
            if rd.next().is_some() {
                return Err(ToolchainError::PatchCopy {
                    path: dest.to_path_buf(),
                    reason: "the destination exists and is not empty".into(),
                });
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dest).map_err(|e| ToolchainError::io(dest, e))
        }
        Err(e) => Err(ToolchainError::io(dest, e)),
    }
}

fn set_mode(path: &Path, mode: u32) -> Result<(), ToolchainError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| ToolchainError::io(path, e))
}

/// Copies `from` into the existing folder `to`: folders created, symlinks
/// recreated, files hard-linked (copied when linking fails, and always for
/// the paths in `real_copies`, relative to `from`).
fn copy_tree(from: &Path, to: &Path, real_copies: &[String]) -> Result<(), ToolchainError> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(from).follow_links(false).min_depth(1) {
        let entry = entry.map_err(|e| {
            let p = e.path().unwrap_or(from).to_path_buf();
            ToolchainError::io(&p, e.into())
        })?;
        let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(rel);
        let ft = entry.file_type();
        if ft.is_dir() {
            std::fs::create_dir(&target).map_err(|e| ToolchainError::io(&target, e))?;
        } else if ft.is_symlink() {
            let link = std::fs::read_link(entry.path())
                .map_err(|e| ToolchainError::io(entry.path(), e))?;
            std::os::unix::fs::symlink(&link, &target)
                .map_err(|e| ToolchainError::io(&target, e))?;
        } else if ft.is_file() {
            let copy = real_copies.iter().any(|c| Path::new(c) == rel);
            files.push((entry.into_path(), target, copy));
        }
    }
    files.par_iter().try_for_each(|(src, dst, copy)| {
        if !*copy && std::fs::hard_link(src, dst).is_ok() {
            return Ok(());
        }
        std::fs::copy(src, dst)
            .map(|_| ())
            .map_err(|e| ToolchainError::io(dst, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_nix_base32_distinct_and_deterministic() {
        let a = nix_store_hash("s1", "tzdata");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| NIX_BASE32.contains(&b)));
        assert_eq!(a, nix_store_hash("s1", "tzdata"));
        assert_ne!(a, nix_store_hash("s2", "tzdata"));
        assert_ne!(a, nix_store_hash("s1", "mailcap"));
    }
}
