//! DEFLATE encoders whose output is byte-identical to the tools real
//! releases are made with, so an archive can be regenerated in-process on
//! any host:
//!
//! - [`gzip`]: GNU gzip (`gzip -1` … `gzip -9`, with or without `-n`).
//! - [`zip`]: Info-ZIP `zip -o -X` (see the module for the options
//!   covered).
//! - [`zlib`]: zlib 1.2.x `compress2`/`deflate` at levels 1-9 (raw
//!   DEFLATE and zlib wrapper).
//! - [`goflate`], [`gogzip`], [`gozip`]: Go's `compress/flate`,
//!   `compress/gzip` and `archive/zip` (Go 1.7-1.26 and Go 1.27+), as
//!   GoReleaser packs releases.
//! - [`identify`]: which of these, at which level, made a given stream.
//! - [`blocks`]: not a reproduction: one block of a stream compressed on
//!   its own with a dictionary, for quorate's own parallel packer.
//!
//! Written from RFC 1951/1952, the zip APPNOTE and the tools' observed
//! output; `docs/deflate.md` says how each is checked against the real
//! tool.

mod bits;
pub mod blocks;
pub mod crc32;
mod go127;
mod go127_block;
mod go127_fast;
mod go127_fast2;
pub mod goflate;
pub mod gogzip;
mod gohuff;
mod golegacy;
mod golegacy_block;
pub mod gozip;
pub mod gzip;
pub mod identify;
mod lz77;
mod tables;
mod trees;
pub mod zip;
mod zipfmt;
pub mod zlib;

/// The implementations whose output this crate reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// GNU gzip 1.x.
    GnuGzip,
    /// Info-ZIP zip 3.0.
    InfoZip,
    /// zlib 1.2.x (`deflateInit` defaults: 32 KiB window, memLevel 8,
    /// default strategy), as Python's `zlib` and many libraries use it.
    Zlib,
    /// Go's `compress/flate` of the given releases (GoReleaser's archives;
    /// `compress/gzip` and `archive/zip` use it).
    Go(goflate::GoVersion),
}

/// Why an encoder refused its options.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The level is outside what the tool accepts.
    #[error("compression level {0} is out of range")]
    Level(u32),
    /// The level is outside Go's −2..=9.
    #[error("Go compression level {0} is out of range (-2..=9)")]
    GoLevel(i32),
    /// A gzip file name or comment cannot contain a NUL byte.
    #[error("a gzip file name or comment cannot contain a NUL byte")]
    NameHasNul,
    /// A gzip header's extra field holds at most 65,535 bytes.
    #[error("a gzip extra field of {0} bytes (at most 65,535 fit)")]
    ExtraTooLong(usize),
    /// A zip member name is empty, too long or not valid for zip.
    #[error("bad zip member name {0:?}")]
    ZipName(String),
    /// An I/O error from the underlying writer.
    #[error("writing the archive: {0}")]
    Io(String),
}
