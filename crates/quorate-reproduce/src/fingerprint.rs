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
}

/// The name of `f` at `level`.
fn named(f: Flavor, level: u32) -> Compressor {
    Compressor {
        tool: tool_name(f).into(),
        level: Some(level),
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

fn compressor(stream: &[u8], data: &[u8], flavors: &[Flavor]) -> Compressor {
    match quorate_deflate::identify::identify(stream, data, flavors) {
        Some((f, level)) => named(f, level),
        None => Compressor {
            tool: "unknown".into(),
            level: None,
        },
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
        return Compressor {
            tool: "gnu-gzip".into(),
            level: Some(level),
        };
    }
    compressor(stream, data, &[Flavor::Zlib])
}

/// The Go compressor and level of a member of a zip Go's `archive/zip`
/// wrote (GoReleaser registers level 9; `archive/zip`'s own is 5).
pub(crate) fn go_zip_level(stream: &[u8], data: &[u8], hint: Option<GoVersion>) -> Compressor {
    let [a, b] = go_versions(hint);
    compressor(stream, data, &[Flavor::Go(a), Flavor::Go(b)])
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
    let level = candidates
        .iter()
        .copied()
        .find(|&l| quorate_deflate::identify::reproduces(stream, data, l, Flavor::InfoZip));
    Compressor {
        tool: if level.is_some() {
            "info-zip"
        } else {
            "unknown"
        }
        .into(),
        level,
    }
}
