//! Which compressor made a published stream, and at which level: found by
//! recompressing the inflated bytes with each candidate
//! ([`quorate_deflate::identify`]), narrowed first by what the headers
//! already say (gzip's XFL, zip's general-purpose bits).

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

fn compressor(stream: &[u8], data: &[u8], flavors: &[Flavor]) -> Compressor {
    match quorate_deflate::identify::identify(stream, data, flavors) {
        Some((f, level)) => Compressor {
            tool: match f {
                Flavor::GnuGzip => "gnu-gzip",
                Flavor::Zlib => "zlib",
                Flavor::InfoZip => "info-zip",
                Flavor::Go(GoVersion::UpTo1_26) => "go-flate-1.26",
                Flavor::Go(GoVersion::From1_27) => "go-flate-1.27",
            }
            .into(),
            level: Some(level),
        },
        None => Compressor {
            tool: "unknown".into(),
            level: None,
        },
    }
}

/// The compressor of a gzip member: GNU gzip writes its level's class in
/// XFL (2 for -9, 4 for -1, 0 otherwise), so only those levels are tried
/// for it; then zlib at every level.
pub(crate) fn gzip_compressor(stream: &[u8], data: &[u8], xfl: u8) -> Compressor {
    let candidates: &[u32] = match xfl {
        2 => &[9],
        4 => &[1],
        0 => &[6, 2, 3, 4, 5, 7, 8],
        _ => &[],
    };
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
