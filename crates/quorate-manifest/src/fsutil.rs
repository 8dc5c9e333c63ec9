//! File-system helpers shared by every quorate crate.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically: into a temporary file in the same
/// folder, flushed, then renamed over `path`. A failure leaves no partial
/// file behind. The file ends up with mode 0644 (the temporary file's
/// private 0600 is not kept), so release files read the same for everyone.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Like [`write_atomic`], but the content is produced by `fill` writing into
/// the temporary file. If `fill` fails, the temporary file is removed and
/// `path` is untouched.
pub fn write_atomic_with<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut std::fs::File) -> io::Result<()>,
{
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".quorate-tmp-")
        .tempfile_in(dir)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file_mut().flush()?;
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// True when `inner` is `outer` or lies inside it, comparing canonical
/// paths (the deepest existing ancestor of `inner` is canonicalized, so
/// `inner` need not exist yet).
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    let Ok(outer) = outer.canonicalize() else {
        return false;
    };
    let mut probe = inner.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = probe.canonicalize() {
            let mut full = c;
            for part in rest.iter().rev() {
                full.push(part);
            }
            return full.starts_with(&outer);
        }
        match (probe.file_name(), probe.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                probe = if parent.as_os_str().is_empty() {
                    Path::new(".").to_path_buf()
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o644
        );
        let err = write_atomic_with(&p, |_| Err(io::Error::other("boom")));
        assert!(err.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn within() {
        let dir = tempfile::tempdir().unwrap();
        assert!(is_within(&dir.path().join("a/b/c"), dir.path()));
        assert!(is_within(dir.path(), dir.path()));
        assert!(!is_within(Path::new("/"), dir.path()));
    }
}
