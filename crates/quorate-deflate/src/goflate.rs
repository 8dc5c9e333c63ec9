//! DEFLATE byte-identical to Go's `compress/flate` (`flate.NewWriter(w,
//! level)`, then `Write` and `Close`), as used by `compress/gzip` and
//! `archive/zip`, so archives made by Go programs (GoReleaser's tar.gz and
//! zip) can be regenerated.
//!
//! Go rewrote its compressor in Go 1.27; [`GoVersion`] picks which one.
//! Go's output does not depend on how the input is split into `Write`
//! calls (only `Flush` would change it), so one-shot and streamed input
//! give the same bytes here too.

use crate::Error;
use crate::{go127, golegacy};

/// One of the two compressors.
enum Enc {
    Legacy(golegacy::Encoder),
    Go127(go127::Encoder),
}

/// Which Go releases' compressor to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoVersion {
    /// Go 1.7 through Go 1.26 (checked identical in 1.21, 1.23, 1.25 and
    /// 1.26 at every level): Snappy-style level 1, hash-chain levels 2-9,
    /// a final empty stored block.
    UpTo1_26,
    /// Go 1.27 and later (checked: 1.27.3): single-pass matchers for
    /// levels 1-6, lazy matching with gain estimates for 7-9, Huffman
    /// tables kept open across blocks, a final empty fixed block.
    From1_27,
}

impl GoVersion {
    /// The compressor of a Go version string such as `go1.22.5`,
    /// `1.26.0` or `go1.25rc1` (as in a binary's build info); `None` for
    /// versions this crate cannot reproduce.
    pub fn of(version: &str) -> Option<GoVersion> {
        let v = version.trim().strip_prefix("go").unwrap_or(version.trim());
        let mut parts = v.split(|c: char| !c.is_ascii_digit());
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        match (major, minor) {
            (1, 7..=26) => Some(GoVersion::UpTo1_26),
            (1, 27..) => Some(GoVersion::From1_27),
            _ => None,
        }
    }
}

/// Go's named levels.
pub const NO_COMPRESSION: i32 = 0;
/// `flate.BestSpeed`.
pub const BEST_SPEED: i32 = 1;
/// `flate.BestCompression` (GoReleaser's tar.gz).
pub const BEST_COMPRESSION: i32 = 9;
/// `flate.DefaultCompression` (level 6).
pub const DEFAULT_COMPRESSION: i32 = -1;
/// `flate.HuffmanOnly`: no matching, only Huffman coding of the bytes.
pub const HUFFMAN_ONLY: i32 = -2;
/// The level `archive/zip` uses for Deflate members.
pub const ZIP_LEVEL: i32 = 5;

/// A streaming Go-compatible DEFLATE encoder: feed input with
/// [`Deflater::write`], collect output with [`Deflater::take_output`],
/// end with [`Deflater::finish`].
pub struct Deflater {
    enc: Enc,
    bytes_in: u64,
    finished: bool,
}

impl Deflater {
    /// A writer at `level` −2..=9 (−1 is Go's default, 6) for `version`.
    pub fn new(level: i32, version: GoVersion) -> Result<Self, Error> {
        Self::with_capacity(level, version, 1 << 16)
    }

    fn with_capacity(level: i32, version: GoVersion, capacity: usize) -> Result<Self, Error> {
        if !(-2..=9).contains(&level) {
            return Err(Error::GoLevel(level));
        }
        let enc = match version {
            GoVersion::UpTo1_26 => Enc::Legacy(golegacy::Encoder::new(level, capacity)),
            GoVersion::From1_27 => Enc::Go127(go127::Encoder::new(level, capacity)),
        };
        Ok(Deflater {
            enc,
            bytes_in: 0,
            finished: false,
        })
    }

    /// Compresses more input. Ignored after [`Deflater::finish`].
    pub fn write(&mut self, data: &[u8]) {
        if self.finished {
            return;
        }
        self.bytes_in += data.len() as u64;
        match &mut self.enc {
            Enc::Legacy(e) => e.write(data),
            Enc::Go127(e) => e.write(data),
        }
    }

    /// Ends the stream (Go's `Close`); later calls do nothing.
    pub fn finish(&mut self) {
        if !self.finished {
            match &mut self.enc {
                Enc::Legacy(e) => e.finish(),
                Enc::Go127(e) => e.finish(),
            }
            self.finished = true;
        }
    }

    /// The compressed bytes produced since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(self.out_mut())
    }

    fn out_mut(&mut self) -> &mut Vec<u8> {
        match &mut self.enc {
            Enc::Legacy(e) => &mut e.w.bits.out,
            Enc::Go127(e) => &mut e.w.bits.out,
        }
    }

    /// The compressed bytes produced so far and not yet taken.
    pub fn output(&self) -> &[u8] {
        match &self.enc {
            Enc::Legacy(e) => &e.w.bits.out,
            Enc::Go127(e) => &e.w.bits.out,
        }
    }

    /// Whether [`Deflater::finish`] was called.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Input bytes written so far.
    pub fn bytes_in(&self) -> u64 {
        self.bytes_in
    }
}

/// `data` compressed as Go's `flate.NewWriter(w, level)` + `Write(data)` +
/// `Close()` writes it.
pub fn deflate_raw(data: &[u8], level: i32, version: GoVersion) -> Result<Vec<u8>, Error> {
    let mut d = Deflater::with_capacity(level, version, data.len() / 2 + 64)?;
    d.write(data);
    d.finish();
    Ok(d.take_output())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_strings() {
        assert_eq!(GoVersion::of("go1.22.5"), Some(GoVersion::UpTo1_26));
        assert_eq!(GoVersion::of("1.26.0"), Some(GoVersion::UpTo1_26));
        assert_eq!(GoVersion::of("go1.25rc1"), Some(GoVersion::UpTo1_26));
        assert_eq!(GoVersion::of("go1.27.3"), Some(GoVersion::From1_27));
        assert_eq!(GoVersion::of("go1.6"), None);
        assert_eq!(GoVersion::of("devel"), None);
    }

    #[test]
    fn empty_input_ends_with_an_empty_final_block() {
        for level in -2..=9 {
            let out = deflate_raw(b"", level, GoVersion::UpTo1_26).unwrap();
            assert_eq!(out, [1, 0, 0, 0xff, 0xff], "level {level}");
            let out = deflate_raw(b"", level, GoVersion::From1_27).unwrap();
            assert_eq!(out, [3, 0], "level {level}");
        }
        assert_eq!(
            deflate_raw(b"", 10, GoVersion::UpTo1_26),
            Err(Error::GoLevel(10))
        );
    }
}
