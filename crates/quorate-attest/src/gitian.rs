//! The older gitian attestation layout, used by Monero and by Bitcoin Core
//! before 22.0: `<version>-<os>/<signer>/<name>-build.assert`, a YAML file
//! whose `out_manifest` block lists `<sha256>  <file>` lines, signed by a
//! detached `<name>-build.assert.sig`.
//!
//! Only the `out_manifest` block is read (a literal block scalar, `|`); the
//! rest of the YAML describes the build and is not needed to compare
//! builders. Nothing else is interpreted, so no YAML parser (and no YAML
//! feature such as anchors or tags) is involved.

/// Largest `.assert` file read (real ones are a few hundred KiB).
pub const MAX_ASSERT_BYTES: u64 = 16 << 20;

/// The text of the `out_manifest: |` block, dedented: `<sha256>  <file>`
/// lines, ready for [`quorate_manifest::Manifest::parse`]. `Err` says why
/// the file is not a gitian assert.
pub fn out_manifest(assert: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(assert).map_err(|_| "is not UTF-8 text".to_string())?;
    let mut lines = text.lines().enumerate();
    let mut found = false;
    for (_, line) in lines.by_ref() {
        let l = line.trim_end();
        if let Some(rest) = l.strip_prefix("out_manifest:") {
            let rest = rest.trim();
            if rest != "|" && rest != "|-" && rest != "|+" {
                return Err(format!(
                    "out_manifest is {rest:?}, not a literal block (`out_manifest: |`)"
                ));
            }
            found = true;
            break;
        }
    }
    if !found {
        return Err("has no `out_manifest: |` block".into());
    }
    let mut out = String::new();
    let mut indent: Option<usize> = None;
    for (_, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let n = line.len() - line.trim_start_matches(' ').len();
        if n == 0 {
            break;
        }
        let ind = *indent.get_or_insert(n);
        if n < ind {
            break;
        }
        out.push_str(&line[ind..]);
        out.push('\n');
    }
    if out.is_empty() {
        return Err("its out_manifest block is empty".into());
    }
    Ok(out)
}

/// True when `name` is a gitian assert file (`…-build.assert` or any
/// `….assert`).
pub fn is_assert(name: &str) -> bool {
    name.ends_with(".assert")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASSERT: &str = "---\nname: bitcoin-linux-0.21\nenable_cache: true\ndistro: ubuntu\nsuites:\n- bionic\nout_manifest: |\n  aa7d0b6ab2a6bb0f2d2d1c2b57e1cd7d6e3c7dd6ad5c3f18d7c7db1e7c5e1a11  bitcoin-0.21.0-aarch64-linux-gnu.tar.gz\n  bb7d0b6ab2a6bb0f2d2d1c2b57e1cd7d6e3c7dd6ad5c3f18d7c7db1e7c5e1a22  src/bitcoin-0.21.0.tar.gz\nin_manifest: |\n  cc  x\n";

    #[test]
    fn reads_the_out_manifest_block_only() {
        let m = out_manifest(ASSERT.as_bytes()).unwrap();
        assert_eq!(m.lines().count(), 2, "{m}");
        assert!(m.starts_with("aa7d"), "{m}");
        assert!(m.contains("  src/bitcoin-0.21.0.tar.gz\n"), "{m}");
        let parsed = quorate_manifest::Manifest::parse(m.as_bytes(), "x.assert").unwrap();
        assert_eq!(parsed.entries().len(), 2);
    }

    #[test]
    fn refuses_what_is_not_an_assert() {
        assert!(out_manifest(b"name: x\n").is_err());
        assert!(out_manifest(b"out_manifest: >\n  a  b\n").is_err());
        assert!(out_manifest(b"out_manifest: |\nname: x\n").is_err());
        assert!(out_manifest(&[0xff, 0xfe]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = out_manifest(&bytes);
        }
    }
}
