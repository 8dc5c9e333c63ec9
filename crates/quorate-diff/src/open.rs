//! Opening what a report's evidence names: the bytes at a container path
//! (the top file or folder entry, then through gzip, tar and zip members),
//! bounded, for views that show bytes (the HTML report).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::archive;
use crate::detect::Kind;
use crate::walk::{Contents, map_file};

/// Containers nested deeper than this are not opened.
const MAX_NEST: usize = 8;

/// Opens archive members by container path, inflating at most a budget
/// of bytes in all; a gzip stream many paths run through is inflated once.
pub struct Opener {
    budget: u64,
    /// Inflated gzip streams by (side, container path, nesting step).
    cache: BTreeMap<(PathBuf, Vec<String>, usize), Vec<u8>>,
}

impl Opener {
    /// An opener that inflates at most `max_decompressed` bytes in all.
    pub fn new(max_decompressed: u64) -> Self {
        Opener {
            budget: max_decompressed,
            cache: BTreeMap::new(),
        }
    }

    /// The bytes at `comps` under `root` (a file, or a folder whose entry
    /// `comps[0]` is), through gzip, tar and zip members; and how many
    /// components named them (the rest name parts inside those bytes:
    /// a section, a header). None when the top entry cannot be read.
    pub fn open(&mut self, root: &Path, comps: &[String]) -> Option<(Contents, usize)> {
        resolve(root, comps, &mut self.budget, &mut self.cache)
    }
}

/// Reaches the bytes at `comps` under `root`: the top entry, then through
/// gzip, tar and zip members (bounded). Returns the bytes and how many
/// components named them.
fn resolve(
    root: &Path,
    comps: &[String],
    budget: &mut u64,
    cache: &mut BTreeMap<(PathBuf, Vec<String>, usize), Vec<u8>>,
) -> Option<(Contents, usize)> {
    let first = comps.first()?;
    let meta = std::fs::metadata(root).ok()?;
    let mut data = if meta.is_dir() {
        if archive::unsafe_name(first) {
            return None;
        }
        // Only a regular file inside the folder: a symlink (or a path
        // through one) could point anywhere, and the engine never reads
        // through links either.
        let path = root.join(first);
        let own = std::fs::symlink_metadata(&path).ok()?;
        if !own.is_file() || !quorate_manifest::fsutil::is_within(&path, root) {
            return None;
        }
        map_file(&path).ok()?
    } else {
        map_file(root).ok()?
    };
    let mut i = 1;
    for step in 0..MAX_NEST {
        let next = match Kind::of(&data) {
            Kind::Gzip => {
                // Many evidence paths run through one compressed archive:
                // inflate it once.
                let key = (root.to_path_buf(), comps[..i].to_vec(), step);
                if let Some(v) = cache.get(&key) {
                    data = Contents::Vec(v.clone());
                    continue;
                }
                // The budget is a hard cap: a tiny stream may inflate to
                // 1 KiB, but never past what is left.
                let limit = (data.len() as u64)
                    .saturating_mul(100)
                    .max(1024)
                    .min(*budget);
                if limit == 0 {
                    break;
                }
                match archive::gunzip(&data, limit) {
                    Ok(v) => {
                        *budget = budget.saturating_sub(v.len() as u64);
                        cache.insert(key, v.clone());
                        v
                    }
                    Err(_) => break,
                }
            }
            kind @ (Kind::Tar | Kind::Zip) if i < comps.len() => {
                let (members, _) = if kind == Kind::Tar {
                    archive::tar_members(&data, 100_000)
                } else {
                    archive::zip_members(&data, 100_000, budget)
                };
                match members
                    .iter()
                    .find(|m| m.name == comps[i])
                    .and_then(|m| m.data.bytes())
                {
                    Some(x) => x.to_vec(),
                    None => break,
                }
            }
            _ => break,
        };
        if !matches!(Kind::of(&data), Kind::Gzip) {
            i += 1;
        }
        data = Contents::Vec(next);
    }
    Some((data, i))
}
