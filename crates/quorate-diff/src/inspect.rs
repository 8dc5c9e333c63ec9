//! What a single artifact tells on its own: format, Go build info, and
//! reproducibility hazards, each with its fix.

use std::path::Path;

use object::Object;
use serde::Serialize;

use crate::archive;
use crate::detect::{Kind, describe_bytes};
use crate::executable::{SecInfo, buildinfo_hint, is_strip_section, sections};
use crate::gobuild::{self, BuildInfo};
use crate::nixstore::{StoreKind, store_kind, store_paths};
use crate::{DiffError, DiffOptions, map_file};

/// A reproducibility hazard.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Hazard {
    /// Wire name: `nix-store-path`, `build-path`, `go-build-id`, `vcs-stamp`,
    /// `cgo`, `symbols`, `dwarf`, `gzip-header`, `archive-mtime`,
    /// `archive-owner`, `zip-extra-fields`, `unsafe-name`.
    pub kind: String,
    /// What was seen.
    pub detail: String,
    /// How to avoid it.
    pub fix: String,
}

/// The inspection of one file or archive member.
#[derive(Serialize, Clone, Debug)]
pub struct Inspection {
    /// Name (file or member path).
    pub path: String,
    /// Format (`ELF x86_64`, `gzip`, `tar`, …).
    pub format: String,
    /// Size in bytes.
    pub size: u64,
    /// Go build info, for Go executables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub go: Option<BuildInfo>,
    /// Hazards found.
    pub hazards: Vec<Hazard>,
    /// Members of an archive (only those worth reporting: executables,
    /// nested archives, members with hazards).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Inspection>,
    /// Members in all (archives).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_count: Option<usize>,
    /// What was skipped and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn hz(kind: &str, detail: impl Into<String>, fix: &str) -> Hazard {
    Hazard {
        kind: kind.into(),
        detail: detail.into(),
        fix: fix.into(),
    }
}

/// Inspects a file.
/// Only regular files are opened: a FIFO, socket or device is reported as
/// a `special-file` hazard, never read (a FIFO would block forever).
pub fn inspect_path(path: &Path, opts: &DiffOptions) -> Result<Inspection, DiffError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let c = match map_file(path) {
        Ok(c) => c,
        Err(DiffError::NotRegular { kind, .. }) => {
            return Ok(Inspection {
                path: name,
                format: kind.to_string(),
                size: 0,
                go: None,
                hazards: vec![hz(
                    "special-file",
                    format!("{kind}, not a regular file: not opened"),
                    "inspect a regular file; remove FIFOs, sockets and devices from release folders",
                )],
                members: Vec::new(),
                member_count: None,
                notes: Vec::new(),
            });
        }
        Err(e) => return Err(e),
    };
    Ok(inspect_bytes(&name, &c, opts))
}

/// Inspects bytes named `name`.
pub fn inspect_bytes(name: &str, data: &[u8], opts: &DiffOptions) -> Inspection {
    let budget = (data.len() as u64)
        .saturating_mul(opts.max_ratio)
        .min(opts.max_decompressed);
    Inspector { opts, budget }.inspect(name, data, 0)
}

/// One inspection: the options and what is left of the decompression
/// budget, shared by every container it opens.
struct Inspector<'o> {
    opts: &'o DiffOptions,
    budget: u64,
}

impl Inspector<'_> {
    /// Inspects `data` named `name`, found `depth` containers down.
    fn inspect(&mut self, name: &str, data: &[u8], depth: usize) -> Inspection {
        let kind = Kind::of(data);
        let mut ins = Inspection {
            path: name.to_string(),
            format: kind.name().to_string(),
            size: data.len() as u64,
            go: None,
            hazards: Vec::new(),
            members: Vec::new(),
            member_count: None,
            notes: Vec::new(),
        };
        if kind.is_container() && depth >= self.opts.max_depth {
            ins.notes.push(format!(
                "nested deeper than {} containers: not opened",
                self.opts.max_depth
            ));
            return ins;
        }
        match kind {
            Kind::Elf | Kind::MachO | Kind::Pe => exe(&mut ins, data),
            Kind::Gzip => self.gzip(&mut ins, name, data, depth),
            Kind::Tar | Kind::Zip => self.archive(&mut ins, kind, data, depth),
            Kind::Bytes => {
                ins.format = describe_bytes(data).to_string();
                nix_paths(&mut ins, data, false);
            }
        }
        ins
    }

    /// A gzip: its header, the bytes after its stream, and what it
    /// inflates to (within the budget), inspected in its place.
    fn gzip(&mut self, ins: &mut Inspection, name: &str, data: &[u8], depth: usize) {
        gzip_header_hazard(ins, data);
        let limit = (data.len() as u64)
            .saturating_mul(self.opts.max_ratio)
            .min(self.budget);
        match archive::gunzip_members(data, limit) {
            Ok(g) => {
                appended(ins, &data[g.end..], "the gzip stream");
                let inner = g.data;
                self.budget = self.budget.saturating_sub(inner.len() as u64);
                let sub = self.inspect(name, &inner, depth + 1);
                ins.format = format!("gzip ({})", sub.format);
                ins.hazards.extend(sub.hazards);
                ins.members = sub.members;
                ins.member_count = sub.member_count;
                ins.go = sub.go;
                ins.notes.extend(sub.notes);
            }
            Err(archive::Inflate::TooBig(l)) => ins
                .notes
                .push(format!("inflates past {l} bytes: not decompressed")),
            Err(archive::Inflate::OutOfMemory(n)) => ins.notes.push(format!(
                "out of memory while inflating (after {n} bytes): not decompressed"
            )),
            Err(archive::Inflate::Corrupt(e)) => ins.notes.push(format!("corrupt gzip: {e}")),
        }
    }

    /// A tar or zip: the hazards of its members, and the executables and
    /// containers among them, inspected in turn.
    fn archive(&mut self, ins: &mut Inspection, kind: Kind, data: &[u8], depth: usize) {
        let (members, err) = if kind == Kind::Tar {
            archive::tar_members(data, self.opts.max_members)
        } else {
            archive::zip_members(data, self.opts.max_members, &mut self.budget)
        };
        if let Some(e) = err {
            ins.notes.push(e);
        }
        ins.member_count = Some(members.len());
        container_hazards(ins, kind, data, &members, self.opts);
        member_field_hazards(ins, kind, &members);
        for m in &members {
            if archive::unsafe_name(&m.name) {
                ins.hazards.push(hz(
                    "unsafe-name",
                    format!(
                        "member name {:?} escapes the extraction folder",
                        archive::escape_text(&m.name)
                    ),
                    "never ship such names",
                ));
            }
            let Some(d) = m.data.bytes() else { continue };
            let k = Kind::of(d);
            if k.is_exe() || k.is_container() {
                let sub = self.inspect(&archive::escape_text(&m.name), d, depth + 1);
                ins.members.push(sub);
            }
        }
    }
}

/// A gzip header that records an mtime or a file name: a hazard.
fn gzip_header_hazard(ins: &mut Inspection, data: &[u8]) {
    if let Some(h) = archive::gzip_header(data) {
        if h.mtime != 0 || h.name.is_some() {
            ins.hazards.push(hz(
                "gzip-header",
                format!(
                    "gzip header records mtime {} and name {:?}",
                    h.mtime,
                    h.name
                        .as_ref()
                        .map(|n| String::from_utf8_lossy(n).into_owned())
                ),
                "compress with `gzip -n`",
            ));
        }
    }
}

/// Member fields that vary between builds: distinct tar mtimes, an owner
/// other than root, zip extra fields, members not sorted by name.
fn member_field_hazards(ins: &mut Inspection, kind: Kind, members: &[archive::Member<'_>]) {
    let mtimes: std::collections::BTreeSet<&str> =
        members.iter().filter_map(|m| m.mtime.as_deref()).collect();
    if kind == Kind::Tar && mtimes.len() > 1 {
        ins.hazards.push(hz(
            "archive-mtime",
            format!("{} distinct member mtimes", mtimes.len()),
            "set every mtime to SOURCE_DATE_EPOCH (GNU tar `--mtime=@$SOURCE_DATE_EPOCH`)",
        ));
    }
    if let Some(m) = members.iter().find(|m| {
        m.owner
            .as_deref()
            .is_some_and(|o| !o.starts_with("0:0 (:)"))
    }) {
        ins.hazards.push(hz(
            "archive-owner",
            format!(
                "member {} owned by {}",
                archive::escape_text(&m.name),
                m.owner.as_deref().unwrap_or("")
            ),
            "GNU tar `--owner=0 --group=0 --numeric-owner`",
        ));
    }
    if let Some(m) = members
        .iter()
        .find(|m| m.extra.as_deref().is_some_and(|e| e != "(none)"))
    {
        ins.hazards.push(hz(
            "zip-extra-fields",
            format!(
                "member {} has extra fields {}",
                archive::escape_text(&m.name),
                m.extra.as_deref().unwrap_or("")
            ),
            "`zip -X`",
        ));
    }
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    if names != sorted {
        ins.hazards.push(hz(
            "archive-order",
            "members are not sorted by name",
            "GNU tar `--sort=name`",
        ));
    }
}

/// Bytes after the end of a container: a hazard.
fn appended(ins: &mut Inspection, tail: &[u8], what: &str) {
    if tail.iter().any(|&c| c != 0) {
        ins.hazards.push(hz(
            "appended-data",
            format!(
                "{} bytes after the end of {what}: 0x{}",
                tail.len(),
                archive::hex(&tail[..tail.len().min(32)])
            ),
            "remove the appended bytes and find out who added them",
        ));
    }
}

/// Duplicates, xattrs and capabilities, local/central disagreements,
/// appended data.
fn container_hazards(
    ins: &mut Inspection,
    kind: Kind,
    data: &[u8],
    members: &[archive::Member<'_>],
    opts: &DiffOptions,
) {
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for m in members {
        *seen.entry(m.name.as_str()).or_default() += 1;
    }
    for (n, c) in seen.iter().filter(|(_, c)| **c > 1) {
        ins.hazards.push(hz(
            "archive-duplicate",
            format!(
                "member {:?} appears {c} times (extraction keeps the last)",
                archive::escape_text(n)
            ),
            "pack each path once",
        ));
    }
    for m in members {
        for (k, v) in m.pax.iter().filter(|(k, _)| crate::tarfmt::is_xattr_key(k)) {
            let cap = k.ends_with("security.capability");
            ins.hazards.push(hz(
                "archive-xattr",
                format!(
                    "member {} carries {}{} = 0x{}",
                    archive::escape_text(&m.name),
                    if cap { "a file capability " } else { "" },
                    archive::escape_text(k),
                    archive::hex(v)
                ),
                "pack without extended attributes (GNU tar `--no-xattrs --no-acls --no-selinux`); grant capabilities at install time",
            ));
        }
    }
    if kind == Kind::Tar {
        let l = crate::tarfmt::list(data, opts.max_members);
        if l.error.is_none() {
            appended(ins, &data[l.end..], "the tar archive");
        }
    } else {
        let l = crate::zipfmt::list(data, opts.max_members);
        for e in &l.entries {
            if let Some(m) = crate::zipfmt::mismatch(data, e) {
                ins.hazards.push(hz(
                    "zip-header-mismatch",
                    format!("member {}: {m}", archive::display_name(&e.name)),
                    "rebuild the zip with one tool; never publish a zip whose local and central headers disagree",
                ));
            }
            if let Some(lo) = &e.local
                && lo.name != e.name
                && archive::unsafe_name(&String::from_utf8_lossy(&lo.name))
            {
                ins.hazards.push(hz(
                    "unsafe-name",
                    format!(
                        "local header name {:?} escapes the extraction folder",
                        archive::display_name(&lo.name)
                    ),
                    "never ship such names",
                ));
            }
        }
        if !l.eocd.is_empty() {
            for (r, w) in l.gaps(data.len()) {
                if w != "between" {
                    appended(
                        ins,
                        &data[r],
                        if w == "before" {
                            "nothing (before the first zip record)"
                        } else {
                            "the zip end record"
                        },
                    );
                }
            }
        }
    }
}

/// Nix store paths embedded in `data` (`go`: a Go program, whose store
/// paths a patched Go toolchain may have put there).
fn nix_paths(ins: &mut Inspection, data: &[u8], go: bool) {
    // (store root, kind): one hazard per package folder.
    let mut seen: Vec<(String, StoreKind)> = Vec::new();
    let pat = b"/nix/store/";
    let mut i = 0;
    while let Some(p) = find(&data[i..], pat) {
        let at = i + p;
        let end = (at + 200).min(data.len());
        if let Some((_, _, full)) = store_paths(&data[at..end]).into_iter().next() {
            let root: String = full.splitn(5, '/').take(4).collect::<Vec<_>>().join("/");
            if !seen.iter().any(|(r, _)| *r == root) && seen.len() < 20 {
                seen.push((root, store_kind(&full)));
            }
        }
        i = at + pat.len();
    }
    for (s, kind) in seen {
        let (note, fix) = match (kind, go) {
            (StoreKind::Loader, _) => (
                " (the ELF interpreter: glibc's loader in the store)",
                "build with `CGO_ENABLED=0`, or link against the system loader (`-ldflags=-I/lib64/ld-linux-x86-64.so.2`)",
            ),
            (StoreKind::SystemFile, true) => (
                " (in place of a system path: put there by a patched Go toolchain)",
                "build with an unpatched Go toolchain (`go.overrideAttrs (_: { patches = []; })`, or `quorate toolchain install`)",
            ),
            (_, true) => ("", "build outside the store path, or with `-trimpath`"),
            (_, false) => (
                "",
                "keep store paths out of the artifact: they differ between package sets (the build wrote where it ran or what it linked)",
            ),
        };
        ins.hazards
            .push(hz("nix-store-path", format!("embeds {s}{note}"), fix));
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    let first = n[0];
    let mut i = 0;
    while i + n.len() <= h.len() {
        match h[i..h.len() - n.len() + 1].iter().position(|&c| c == first) {
            None => return None,
            Some(p) => {
                if &h[i + p..i + p + n.len()] == n {
                    return Some(i + p);
                }
                i += p + 1;
            }
        }
    }
    None
}

/// An executable: its architecture, Go build info and the hazards it
/// shows (build paths, VCS stamp, cgo, build ID, DWARF, symbols, store paths).
fn exe(ins: &mut Inspection, data: &[u8]) {
    let f = match object::File::parse(data) {
        Ok(f) => f,
        Err(e) => {
            ins.notes.push(format!("malformed executable: {e}"));
            return;
        }
    };
    ins.format = format!("{} {:?}", ins.format, f.architecture());
    let secs = sections(&f, data);
    let bi = gobuild::read(data, buildinfo_hint(&secs));
    let go = bi.is_some();
    if !go {
        ins.format.push_str(", not a Go program (no Go build info)");
    }
    match bi {
        Some(Ok(bi)) => go_settings_hazards(ins, bi),
        Some(Err(e)) => ins.notes.push(e.to_string()),
        None => {}
    }
    if let Some(id) = go_build_id(&secs, data) {
        ins.hazards.push(hz(
            "go-build-id",
            format!("Go build ID {id:?}"),
            "link with `-ldflags=-buildid=`",
        ));
    }
    strip_hazards(ins, &f, &secs, go);
    nix_paths(ins, data, go);
}

/// The hazards a Go program's build settings show (no `-trimpath`, VCS
/// stamp, cgo); keeps the build info.
fn go_settings_hazards(ins: &mut Inspection, bi: BuildInfo) {
    if bi.setting("-trimpath") != Some("true") {
        ins.hazards.push(hz(
            "build-path",
            "built without -trimpath: absolute paths of the build machine are embedded",
            "build with `-trimpath`",
        ));
    }
    if let Some(v) = bi
        .settings
        .iter()
        .filter(|(k, _)| k.starts_with("vcs."))
        .map(|(k, v)| format!("{k}={v}"))
        .reduce(|a, b| format!("{a}, {b}"))
    {
        ins.hazards.push(hz(
            "vcs-stamp",
            v,
            "build with `-buildvcs=false`, or always from a clean checkout of the tag",
        ));
    }
    if bi.setting("CGO_ENABLED") == Some("1") {
        ins.hazards.push(hz(
            "cgo",
            "CGO_ENABLED=1: the C toolchain and libc of the host enter the binary",
            "build with `CGO_ENABLED=0`",
        ));
    }
    ins.go = Some(bi);
}

/// The Go build ID: from the ELF note, else the string at the start of
/// the text (looked for in the first MiB).
fn go_build_id(secs: &[SecInfo<'_>], data: &[u8]) -> Option<String> {
    let id: String = if let Some(s) = secs.iter().find(|s| s.name == ".note.go.buildid") {
        // namesz(4) descsz(4) type(4) "Go\0\0" then the ID.
        let id = s.data.get(16..).unwrap_or(&[]);
        id.iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as char)
            .collect()
    } else if let Some(p) = find(&data[..data.len().min(1 << 20)], b"\xff Go build ID: \"") {
        let rest = &data[p + 16..data.len().min(p + 16 + 200)];
        rest.iter()
            .take_while(|&&c| c != b'"')
            .map(|&c| c as char)
            .collect()
    } else {
        return None;
    };
    (!id.is_empty()).then_some(id)
}

/// DWARF sections and symbols left in an executable: hazards, with the
/// fix for a Go program (`go`) or for any other.
fn strip_hazards(ins: &mut Inspection, f: &object::File<'_>, secs: &[SecInfo<'_>], go: bool) {
    let dwarf: Vec<&str> = secs
        .iter()
        // `.gnu_debuglink` names a separate debug file: no DWARF in this one.
        .filter(|s| {
            is_strip_section(&s.name) && s.name.contains("debug") && !s.name.ends_with("debuglink")
        })
        .map(|s| s.name.as_str())
        .collect();
    // How to drop symbols and debug information: the Go linker's flags for
    // a Go program, the same strip on every build otherwise.
    let strip_fix = if go {
        "link with `-ldflags=\"-s -w\"` (and no external strip)"
    } else {
        "strip symbols and debug information the same way on every build (link with `-s`, or one `strip` of one version)"
    };
    if !dwarf.is_empty() {
        ins.hazards.push(hz(
            "dwarf",
            format!("DWARF left in: {}", dwarf.join(", ")),
            strip_fix,
        ));
    }
    let nsyms = f.symbols().count();
    if nsyms > 0 {
        ins.hazards
            .push(hz("symbols", format!("{nsyms} symbols left in"), strip_fix));
    }
}
