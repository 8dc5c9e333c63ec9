//! Format detection: what kind of bytes these are, from their first bytes
//! (gzip, zip, ELF, Mach-O, PE magic numbers; a tar header checksum).

/// What kind of bytes these are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// gzip stream.
    Gzip,
    /// tar archive.
    Tar,
    /// zip archive.
    Zip,
    /// ELF executable or object.
    Elf,
    /// Mach-O executable.
    MachO,
    /// PE (Windows) executable.
    Pe,
    /// Anything else.
    Bytes,
}

impl Kind {
    /// Detects the kind from the first bytes.
    pub fn of(data: &[u8]) -> Kind {
        if data.starts_with(&[0x1f, 0x8b]) {
            Kind::Gzip
        } else if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
            Kind::Zip
        } else if data.starts_with(b"\x7fELF") {
            Kind::Elf
        } else if data.len() >= 4
            && matches!(
                u32::from_le_bytes([data[0], data[1], data[2], data[3]]),
                0xfeed_face | 0xfeed_facf | 0xcefa_edfe | 0xcffa_edfe | 0xcafe_babe | 0xbeba_feca
            )
        {
            Kind::MachO
        } else if data.starts_with(b"MZ") {
            Kind::Pe
        } else if is_tar(data) {
            Kind::Tar
        } else {
            Kind::Bytes
        }
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gzip => "gzip",
            Kind::Tar => "tar",
            Kind::Zip => "zip",
            Kind::Elf => "ELF",
            Kind::MachO => "Mach-O",
            Kind::Pe => "PE",
            Kind::Bytes => "data",
        }
    }

    /// True for archives and compressed streams.
    pub fn is_container(self) -> bool {
        matches!(self, Kind::Gzip | Kind::Tar | Kind::Zip)
    }

    /// True for executables.
    pub fn is_exe(self) -> bool {
        matches!(self, Kind::Elf | Kind::MachO | Kind::Pe)
    }
}

fn is_tar(data: &[u8]) -> bool {
    if data.len() < 512 {
        return false;
    }
    let h = &data[..512];
    if &h[257..262] == b"ustar" {
        return true;
    }
    // Old (v7) tar: check the header checksum.
    let field = &h[148..156];
    let s: String = field
        .iter()
        .take_while(|b| **b != 0 && **b != b' ')
        .map(|&b| b as char)
        .collect();
    let Ok(sum) = u32::from_str_radix(s.trim(), 8) else {
        return false;
    };
    let computed: u32 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == computed && h[0] != 0
}

/// What plain bytes hold, for people: `empty`, `text (ASCII)`,
/// `text (UTF-8)`, or `data` (binary, or not text in any encoding read
/// here). Text allows tabs, newlines, carriage returns and form feeds.
pub fn describe_bytes(data: &[u8]) -> &'static str {
    if data.is_empty() {
        return "empty";
    }
    let control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c');
    if data.is_ascii() {
        if data.iter().any(|&c| control(c as char)) {
            return "data";
        }
        return "text (ASCII)";
    }
    match std::str::from_utf8(data) {
        Ok(t) if !t.chars().any(control) => "text (UTF-8)",
        _ => "data",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_descriptions() {
        // (bytes, kind, description of plain bytes)
        let cases: &[(&[u8], Kind, &str)] = &[
            (b"", Kind::Bytes, "empty"),
            (b"hello\nworld\n", Kind::Bytes, "text (ASCII)"),
            ("h\u{e9}llo\r\n".as_bytes(), Kind::Bytes, "text (UTF-8)"),
            (b"\x00\x01\x02", Kind::Bytes, "data"),
            (b"\xff\xfe", Kind::Bytes, "data"),
            (b"\x1f\x8b\x08\x00", Kind::Gzip, "data"),
            (b"\x7fELF\x02", Kind::Elf, "data"),
            (b"PK\x03\x04", Kind::Zip, "data"),
        ];
        for (d, k, text) in cases {
            assert_eq!(Kind::of(d), *k, "{d:?}");
            if *k == Kind::Bytes {
                assert_eq!(describe_bytes(d), *text, "{d:?}");
            }
        }
    }
}
