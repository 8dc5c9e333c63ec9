//! Pure facts about executables: their sections (named uniquely, loaded or
//! not, code or data), where the Go build info lives, which sections an
//! external strip rewrites, and the ELF section header table.

use object::{Object, ObjectSection, SectionFlags, SectionKind};

/// One section of an executable.
#[derive(Debug)]
pub struct SecInfo<'d> {
    /// Name (`segment,section` for Mach-O).
    pub name: String,
    /// Bytes in the file.
    pub data: &'d [u8],
    /// Address for loaded sections, file offset otherwise: offsets in
    /// evidence are relative to it.
    pub base: u64,
    /// File offset.
    pub file_off: u64,
    /// Loaded at run time.
    pub alloc: bool,
    /// Machine code.
    pub code: bool,
}

/// The sections of an executable, with unique names.
pub fn sections<'d>(f: &object::File<'d>, _data: &'d [u8]) -> Vec<SecInfo<'d>> {
    let mut out: Vec<SecInfo<'d>> = Vec::new();
    for s in f.sections() {
        let base_name = s.name().unwrap_or("?").to_string();
        let name = match s.segment_name() {
            Ok(Some(seg)) if f.format() == object::BinaryFormat::MachO => {
                format!("{seg},{base_name}")
            }
            _ => base_name,
        };
        let mut unique = name.clone();
        let mut n = 2;
        while out.iter().any(|o| o.name == unique) {
            unique = format!("{name}#{n}");
            n += 1;
        }
        let alloc = match s.flags() {
            SectionFlags::Elf { sh_flags, .. } => sh_flags.0 & 2 != 0,
            _ => {
                !matches!(
                    s.kind(),
                    SectionKind::Debug | SectionKind::Metadata | SectionKind::Linker
                ) && !is_strip_section(&unique)
            }
        };
        let data = if s.kind() == SectionKind::UninitializedData {
            &[][..]
        } else {
            s.data().unwrap_or(&[])
        };
        let file_off = s.file_range().map(|r| r.0).unwrap_or(0);
        out.push(SecInfo {
            base: if alloc && s.address() != 0 {
                s.address()
            } else {
                file_off
            },
            name: unique,
            data,
            file_off,
            alloc,
            code: s.kind() == SectionKind::Text,
        });
    }
    out
}

/// The section that holds the Go build info (ELF `.go.buildinfo`, Mach-O
/// `__go_buildinfo`).
pub fn is_buildinfo_section(n: &str) -> bool {
    n == ".go.buildinfo" || n.ends_with("__go_buildinfo")
}

/// The section that holds the Go build info (or PE `.data`), with its offset in the file.
pub fn buildinfo_hint<'d>(s: &[SecInfo<'d>]) -> Option<(&'d [u8], usize)> {
    s.iter()
        .find(|s| is_buildinfo_section(&s.name))
        .or_else(|| s.iter().find(|s| s.name == ".data"))
        .map(|s| (s.data, s.file_off as usize))
}

/// Sections an external strip removes or rewrites.
pub fn is_strip_section(n: &str) -> bool {
    let n = n.rsplit(',').next().unwrap_or(n);
    n == ".symtab"
        || n == ".strtab"
        || n == ".shstrtab"
        || n == ".comment"
        || n == ".gnu_debuglink"
        || n.starts_with(".debug")
        || n.starts_with(".zdebug")
        || n.starts_with("__debug")
        || n.starts_with("__zdebug")
        || n == "__apple_names"
}

/// ELF section header table: (offset, count, shstrndx).
pub fn elf_sh(d: &[u8]) -> Option<(u64, u16, u16)> {
    if d.len() < 0x40 || !d.starts_with(b"\x7fELF") {
        return None;
    }
    let le = d[5] == 1;
    let u16_at = |o: usize| {
        d.get(o..o + 2).map(|b| {
            if le {
                u16::from_le_bytes([b[0], b[1]])
            } else {
                u16::from_be_bytes([b[0], b[1]])
            }
        })
    };
    let u32_at = |o: usize| {
        d.get(o..o + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        })
    };
    let u64_at = |o: usize| {
        d.get(o..o + 8).map(|b| {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            if le {
                u64::from_le_bytes(a)
            } else {
                u64::from_be_bytes(a)
            }
        })
    };
    if d[4] == 2 {
        Some((u64_at(0x28)?, u16_at(0x3c)?, u16_at(0x3e)?))
    } else {
        Some((u64::from(u32_at(0x20)?), u16_at(0x30)?, u16_at(0x32)?))
    }
}
