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

/// `O_NONBLOCK`: opening a FIFO must not wait for a writer.
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(not(target_os = "linux"))]
const O_NONBLOCK: i32 = 0x0004;

/// Opens `path` for reading only if it is a regular file (after following
/// symbolic links). FIFOs, devices, sockets and folders are refused without
/// blocking: the file is opened non-blocking and checked with `fstat` on
/// the open handle, so nothing can swap it in between. Returns the file and
/// its length.
pub fn open_regular(path: &Path) -> io::Result<(std::fs::File, u64)> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)?;
    let meta = f.metadata()?;
    let ft = meta.file_type();
    if !ft.is_file() {
        let kind = if ft.is_dir() {
            "folder"
        } else {
            special_kind(ft).unwrap_or("special file")
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a {kind}, not a regular file: refused unread"),
        ));
    }
    Ok((f, meta.len()))
}

/// Reads a regular file of at most `max` bytes: the size is checked before
/// anything is allocated, non-regular files (FIFOs, devices) are refused
/// unread, and a file growing while it is read is refused too.
pub fn read_regular_capped(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let (f, len) = open_regular(path)?;
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{len} bytes is larger than the {max}-byte limit for this kind of file"),
        ));
    }
    let mut buf = Vec::with_capacity(len as usize);
    f.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "file grew past the size limit while reading",
        ));
    }
    Ok(buf)
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

/// What a file that is not a regular file, a folder or a symbolic link is,
/// as a noun for messages and reports: `FIFO`, `socket`,
/// `character device`, `block device` or `special file`; `None` for a
/// regular file, folder or link. The one wording every stage uses.
pub fn special_kind(ft: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_file() || ft.is_dir() || ft.is_symlink() {
        None
    } else if ft.is_fifo() {
        Some("FIFO")
    } else if ft.is_socket() {
        Some("socket")
    } else if ft.is_char_device() {
        Some("character device")
    } else if ft.is_block_device() {
        Some("block device")
    } else {
        Some("special file")
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

    #[test]
    fn regular_only_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_regular_capped(&p, 5).unwrap(), b"12345");
        assert!(read_regular_capped(&p, 4).is_err());
        assert!(read_regular_capped(Path::new("/dev/zero"), 1 << 20).is_err());
        assert!(read_regular_capped(dir.path(), 1 << 20).is_err());
        let fifo = dir.path().join("fifo");
        let ok = std::process::Command::new("mkfifo").arg(&fifo).status();
        if ok.is_ok_and(|s| s.success()) {
            let e = read_regular_capped(&fifo, 1 << 20).unwrap_err();
            assert!(e.to_string().contains("FIFO"), "{e}");
        }
    }
}
