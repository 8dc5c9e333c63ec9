//! Which compressor made a published stream, and at which level: found by
//! recompressing the inflated bytes with each candidate
//! ([`quorate_deflate::identify`]), narrowed first by what the headers
//! already say (gzip's XFL and OS byte, zip's general-purpose bits, the
//! Go release in the binaries' build info).

use quorate_deflate::Flavor;
use quorate_deflate::goflate::GoVersion;
use serde::Serialize;

/// The compressor that made a stream, recognised by recompressing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compressor {
    /// `gnu-gzip`, `zlib`, `info-zip` or `go-flate-1.26`/`go-flate-1.27`;
    /// `unknown` when no candidate
    /// reproduced the stream.
    pub tool: String,
    /// The level 1-9 (levels that give the same bytes cannot be told
    /// apart: the first of 9, 6, 1-8 is named).
    pub level: Option<u32>,
    /// When no candidate reproduced the stream: the one that came closest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<Closest>,
}

/// Of every implementation and level quorate rebuilds, the one whose
/// output agrees longest with a stream none of them reproduces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Closest {
    /// Its `tool` name (as [`Compressor::tool`]).
    pub tool: String,
    /// Its level.
    pub level: u32,
    /// Leading bytes of the published compressed stream it writes
    /// identically.
    pub matched: u64,
    /// The published compressed stream's size.
    pub size: u64,
}

impl Closest {
    /// `closest: gnu-gzip level 9 (its first 1200 of 5000 compressed
    /// bytes are the published ones)`.
    pub fn describe(&self) -> String {
        format!(
            "closest: {} level {} (its first {} of {} compressed bytes are the published ones)",
            self.tool, self.level, self.matched, self.size
        )
    }
}

impl Compressor {
    /// No candidate reproduced the stream, and none was measured.
    pub fn unknown() -> Compressor {
        Compressor {
            tool: "unknown".into(),
            level: None,
            closest: None,
        }
    }

    /// `unknown`, with the candidate of `flavors` that came closest.
    fn unknown_closest_of(stream: &[u8], data: &[u8], flavors: &[Flavor]) -> Compressor {
        let closest =
            quorate_deflate::identify::closest(stream, data, flavors).map(|(f, level, a)| {
                Closest {
                    tool: tool_name(f).into(),
                    level,
                    matched: a.matched as u64,
                    size: stream.len() as u64,
                }
            });
        Compressor {
            closest,
            ..Compressor::unknown()
        }
    }
}

/// Every gzip-style implementation quorate rebuilds, the candidates for
/// the closest one.
const GZIP_FAMILIES: [Flavor; 4] = [
    Flavor::GnuGzip,
    Flavor::Zlib,
    Flavor::Go(GoVersion::UpTo1_26),
    Flavor::Go(GoVersion::From1_27),
];

/// The same for a zip member's deflate data: Info-ZIP first.
const ZIP_FAMILIES: [Flavor; 4] = [
    Flavor::InfoZip,
    Flavor::Zlib,
    Flavor::Go(GoVersion::UpTo1_26),
    Flavor::Go(GoVersion::From1_27),
];

/// The name of `f` at `level`.
fn named(f: Flavor, level: u32) -> Compressor {
    Compressor {
        tool: tool_name(f).into(),
        level: Some(level),
        closest: None,
    }
}

/// The `tool` name of a flavor.
pub fn tool_name(f: Flavor) -> &'static str {
    match f {
        Flavor::GnuGzip => "gnu-gzip",
        Flavor::Zlib => "zlib",
        Flavor::InfoZip => "info-zip",
        Flavor::Go(GoVersion::UpTo1_26) => "go-flate-1.26",
        Flavor::Go(GoVersion::From1_27) => "go-flate-1.27",
    }
}

/// The Go compressor a `tool` name stands for.
pub fn go_version_of_tool(tool: &str) -> Option<GoVersion> {
    match tool {
        "go-flate-1.26" => Some(GoVersion::UpTo1_26),
        "go-flate-1.27" => Some(GoVersion::From1_27),
        _ => None,
    }
}

/// The first of `flavors` that reproduces the stream; else `unknown`, with
/// the closest of `families`.
fn compressor(stream: &[u8], data: &[u8], flavors: &[Flavor], families: &[Flavor]) -> Compressor {
    match quorate_deflate::identify::identify(stream, data, flavors) {
        Some((f, level)) => named(f, level),
        None => Compressor::unknown_closest_of(stream, data, families),
    }
}

/// The two Go compressors, the one of `hint` (the Go release the
/// binaries name) first.
fn go_versions(hint: Option<GoVersion>) -> [GoVersion; 2] {
    match hint {
        Some(GoVersion::UpTo1_26) => [GoVersion::UpTo1_26, GoVersion::From1_27],
        _ => [GoVersion::From1_27, GoVersion::UpTo1_26],
    }
}

/// The compressor of a gzip member. Go's `compress/gzip` writes OS 255
/// and XFL 2 for level 9, 4 for level 1, 0 otherwise: for OS 255 Go's
/// compressors (of `hint` first) are tried at those levels. GNU gzip
/// writes its level's class in XFL the same way, so only those levels are
/// tried for it; then zlib at every level.
pub(crate) fn gzip_compressor(
    stream: &[u8],
    data: &[u8],
    xfl: u8,
    os: u8,
    hint: Option<GoVersion>,
) -> Compressor {
    let candidates: &[u32] = match xfl {
        2 => &[9],
        4 => &[1],
        0 => &[6, 2, 3, 4, 5, 7, 8],
        _ => &[],
    };
    if os == 255 {
        for v in go_versions(hint) {
            if let Some(level) = candidates
                .iter()
                .copied()
                .find(|&l| quorate_deflate::identify::reproduces(stream, data, l, Flavor::Go(v)))
            {
                return named(Flavor::Go(v), level);
            }
        }
    }
    if let Some(level) = candidates
        .iter()
        .copied()
        .find(|&l| quorate_deflate::identify::reproduces(stream, data, l, Flavor::GnuGzip))
    {
        return named(Flavor::GnuGzip, level);
    }
    compressor(stream, data, &[Flavor::Zlib], &GZIP_FAMILIES)
}

/// The Go compressor and level of a member of a zip Go's `archive/zip`
/// wrote (GoReleaser registers level 9; `archive/zip`'s own is 5).
pub(crate) fn go_zip_level(stream: &[u8], data: &[u8], hint: Option<GoVersion>) -> Compressor {
    let [a, b] = go_versions(hint);
    compressor(stream, data, &[Flavor::Go(a), Flavor::Go(b)], &ZIP_FAMILIES)
}

/// The Info-ZIP level of a deflated member: zip writes the level's class in
/// general-purpose bits 1-2 (0x2 for -8/-9, 0x4 for -1/-2, none for -3 to
/// -7), so only the levels of that class are tried.
pub(crate) fn zip_level(stream: &[u8], data: &[u8], flags: u16) -> Compressor {
    let candidates: &[u32] = match flags & 6 {
        2 => &[9, 8],
        4 => &[1, 2],
        0 => &[6, 3, 4, 5, 7],
        _ => &[],
    };
    match candidates
        .iter()
        .copied()
        .find(|&l| quorate_deflate::identify::reproduces(stream, data, l, Flavor::InfoZip))
    {
        Some(level) => named(Flavor::InfoZip, level),
        None => Compressor::unknown_closest_of(stream, data, &ZIP_FAMILIES),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A gzip stream that another implementation wrote (miniz, flate2's
    /// pure-Rust backend, at its best level): no candidate reproduces it,
    /// and the one named closest is the candidate that agrees longest.
    #[test]
    fn an_unknown_compressor_names_the_closest_candidate() {
        let data: Vec<u8> = (0..300_000u32)
            .map(|i| {
                b"release notes, binaries and checksums "[(i * 7 % 38) as usize] ^ (i / 997) as u8
            })
            .collect();
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&data).unwrap();
        let stream = e.finish().unwrap();
        let c = gzip_compressor(&stream, &data, 2, 3, None);
        assert_eq!((c.tool.as_str(), c.level), ("unknown", None));
        let closest = c.closest.expect("a closest candidate");
        assert_eq!(closest.size, stream.len() as u64);
        assert!(closest.matched < closest.size, "{closest:?}");
        let best = GZIP_FAMILIES
            .iter()
            .flat_map(|&f| (1..=9).map(move |l| (f, l)))
            .map(|(f, l)| quorate_deflate::identify::agreement(&stream, &data, l, f).matched as u64)
            .max()
            .unwrap();
        assert_eq!(closest.matched, best, "{closest:?}");
        assert!(
            closest.describe().starts_with("closest: "),
            "{}",
            closest.describe()
        );
        // A stream one candidate does reproduce names it, with no closest.
        let gnu = quorate_deflate::identify::deflate_raw(&data, 9, Flavor::GnuGzip).unwrap();
        let c = gzip_compressor(&gnu, &data, 2, 3, None);
        assert_eq!(
            (c.tool.as_str(), c.level, c.closest),
            ("gnu-gzip", Some(9), None)
        );
    }
}
