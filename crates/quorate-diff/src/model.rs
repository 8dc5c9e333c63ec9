//! The report model: causes, findings, evidence, notes, and the sink the
//! engine pushes observations into.

use std::collections::BTreeMap;

use serde::Serialize;

/// Why two artifacts differ: the cause catalogue (DESIGN.md). Wire names
/// are kebab-case (`post-link-strip`, `patched-toolchain`, …).
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// Bytes after the end of a gzip stream, a zip end record or a tar
    /// end-of-archive marker: data no extractor shows (security relevant).
    AppendedData,
    /// A zip local header disagrees with its central directory entry (name,
    /// method, sizes, CRC, flags): extractors that read one or the other
    /// write different files (security relevant).
    ZipHeaderMismatch,
    /// An archive holds the same member name more than once, differently on
    /// each side (extraction keeps the last copy).
    ArchiveDuplicate,
    /// Extended attributes, file capabilities or ACLs of a member differ
    /// (PAX `SCHILY.xattr.*`, `LIBARCHIVE.xattr.*`, `SCHILY.acl.*`).
    ArchiveXattr,
    /// A store path stands where an official Go toolchain has a system
    /// path (`/usr/share/zoneinfo/`, `/etc/services`, `/etc/mime.types`):
    /// the toolchain was patched the Nixpkgs way.
    PatchedToolchain,
    /// The ELF program interpreter is glibc's loader in the Nix store
    /// (`/nix/store/<hash>-glibc-…/lib/ld-linux-….so.2`) instead of the
    /// system's (`/lib64/ld-linux-x86-64.so.2`): a cgo binary linked by
    /// Nix's C toolchain (or by a Go patched to read `GO_LDSO`).
    NixLoader,
    /// An external strip step rewrote the section header table / `.shstrtab`,
    /// or removed symbols/debug sections on one side only.
    PostLinkStrip,
    /// The Go versions in the build info differ.
    GoVersion,
    /// A Go build setting differs (GOAMD64, GOARM, CGO_ENABLED, -tags, -trimpath, …).
    GoBuildSetting,
    /// `vcs.*` build settings differ (VCS stamping).
    VcsStamping,
    /// Absolute build paths differ (no `-trimpath`).
    BuildPath,
    /// One embedded string differs (e.g. `-X main.version=v1` vs `v1-dirty`).
    EmbeddedString,
    /// The Go build ID differs.
    GoBuildId,
    /// Archive member modification times differ, contents equal.
    ArchiveMtime,
    /// Archive member owners (uid/gid/names) differ, contents equal.
    ArchiveOwner,
    /// Archive member modes differ, contents equal.
    ArchiveMode,
    /// Archive members are stored in a different order.
    ArchiveOrder,
    /// The gzip header differs (file name, mtime, OS byte).
    GzipHeader,
    /// Zip extra fields differ (extended timestamps, uid/gid).
    ZipExtraFields,
    /// Decompressed bytes are equal, compressed bytes differ.
    Recompression,
    /// A file is present on one side only.
    FileSet,
    /// The formats of the two sides differ.
    FormatDiffers,
    /// A symlink points to different targets on each side.
    LinkTarget,
    /// A FIFO, socket or device: never opened, never compared.
    SpecialFile,
    /// A difference no rule explains; located as precisely as possible.
    Unexplained,
}

impl Cause {
    /// Every cause, in ranking order.
    pub const ALL: [Cause; 25] = [
        Cause::AppendedData,
        Cause::ZipHeaderMismatch,
        Cause::ArchiveDuplicate,
        Cause::PatchedToolchain,
        Cause::NixLoader,
        Cause::PostLinkStrip,
        Cause::GoVersion,
        Cause::GoBuildSetting,
        Cause::VcsStamping,
        Cause::BuildPath,
        Cause::EmbeddedString,
        Cause::GoBuildId,
        Cause::FileSet,
        Cause::FormatDiffers,
        Cause::LinkTarget,
        Cause::SpecialFile,
        Cause::ArchiveXattr,
        Cause::Recompression,
        Cause::GzipHeader,
        Cause::ZipExtraFields,
        Cause::ArchiveMtime,
        Cause::ArchiveOwner,
        Cause::ArchiveMode,
        Cause::ArchiveOrder,
        Cause::Unexplained,
    ];

    /// The wire name (as in `--json`).
    pub fn wire(self) -> &'static str {
        match self {
            Cause::AppendedData => "appended-data",
            Cause::ZipHeaderMismatch => "zip-header-mismatch",
            Cause::ArchiveDuplicate => "archive-duplicate",
            Cause::ArchiveXattr => "archive-xattr",
            Cause::LinkTarget => "link-target",
            Cause::SpecialFile => "special-file",
            Cause::PatchedToolchain => "patched-toolchain",
            Cause::NixLoader => "nix-loader",
            Cause::PostLinkStrip => "post-link-strip",
            Cause::GoVersion => "go-version",
            Cause::GoBuildSetting => "go-build-setting",
            Cause::VcsStamping => "vcs-stamping",
            Cause::BuildPath => "build-path",
            Cause::EmbeddedString => "embedded-string",
            Cause::GoBuildId => "go-build-id",
            Cause::ArchiveMtime => "archive-mtime",
            Cause::ArchiveOwner => "archive-owner",
            Cause::ArchiveMode => "archive-mode",
            Cause::ArchiveOrder => "archive-order",
            Cause::GzipHeader => "gzip-header",
            Cause::ZipExtraFields => "zip-extra-fields",
            Cause::Recompression => "recompression",
            Cause::FileSet => "file-set",
            Cause::FormatDiffers => "format-differs",
            Cause::Unexplained => "unexplained",
        }
    }

    /// A short human title.
    pub fn title(self) -> &'static str {
        match self {
            Cause::AppendedData => "data appended after the end of the container",
            Cause::ZipHeaderMismatch => "zip local header and central directory disagree",
            Cause::ArchiveDuplicate => "an archive member name appears more than once",
            Cause::ArchiveXattr => "member extended attributes (xattrs, capabilities, ACLs) differ",
            Cause::LinkTarget => "a symlink points elsewhere",
            Cause::SpecialFile => "not a regular file (FIFO, socket, device): not opened",
            Cause::PatchedToolchain => "patched Go toolchain (Nix store paths embedded)",
            Cause::NixLoader => "ELF interpreter is a Nix store path (cgo binary linked by Nix)",
            Cause::PostLinkStrip => "post-link strip rewrote the section headers",
            Cause::GoVersion => "Go version differs",
            Cause::GoBuildSetting => "Go build setting differs",
            Cause::VcsStamping => "VCS stamping differs",
            Cause::BuildPath => "absolute build paths differ",
            Cause::EmbeddedString => "an embedded string differs",
            Cause::GoBuildId => "Go build ID differs",
            Cause::ArchiveMtime => "archive member mtimes differ",
            Cause::ArchiveOwner => "archive member owners differ",
            Cause::ArchiveMode => "archive member modes differ",
            Cause::ArchiveOrder => "archive member order differs",
            Cause::GzipHeader => "gzip header differs",
            Cause::ZipExtraFields => "zip extra fields differ",
            Cause::Recompression => "same content, compressed differently",
            Cause::FileSet => "a file exists on one side only",
            Cause::FormatDiffers => "the formats differ",
            Cause::Unexplained => "unexplained difference",
        }
    }

    /// The fix to apply, if there is one.
    pub fn fix(self) -> Option<&'static str> {
        Some(match self {
            Cause::AppendedData => {
                "remove the appended bytes and find out who added them: a release archive ends at its end record"
            }
            Cause::ZipHeaderMismatch => {
                "rebuild the zip with one tool (`zip -X`); never publish a zip whose local and central headers disagree"
            }
            Cause::ArchiveDuplicate => {
                "pack each path once (GNU tar: do not append with `-r`; `--sort=name` from one folder)"
            }
            Cause::ArchiveXattr => {
                "pack without extended attributes (GNU tar `--no-xattrs --no-acls --no-selinux`, \
                 `--pax-option=delete=SCHILY.*,delete=LIBARCHIVE.*`); grant capabilities at install time"
            }
            Cause::LinkTarget => {
                "make the symlink point to the same (relative) target on both sides"
            }
            Cause::SpecialFile => "remove FIFOs, sockets and devices from release folders",
            Cause::PatchedToolchain => {
                "build with an unpatched Go toolchain: in Nix, `go.overrideAttrs (_: { patches = []; })` \
                 and `buildGoModule.override { go = go-unpatched; }`; or `quorate toolchain install` (official Go)"
            }
            Cause::NixLoader => {
                "build with `CGO_ENABLED=0` (a static binary has no interpreter); or link both sides \
                 against the same loader path, e.g. `-ldflags=-I/lib64/ld-linux-x86-64.so.2` in Nix too"
            }
            Cause::PostLinkStrip => {
                "disable the external strip (Nix: `dontStrip = true;`); let the Go linker strip with `-ldflags=\"-s -w\"`"
            }
            Cause::GoVersion => {
                "pin the toolchain: build both sides with the same Go version (`quorate toolchain install`)"
            }
            Cause::GoBuildSetting => {
                "pin the setting on both sides (GOAMD64=v1, GOARM, CGO_ENABLED=0, the same -tags, -trimpath, -ldflags)"
            }
            Cause::VcsStamping => "build with `-buildvcs=false`, or from the same clean commit",
            Cause::BuildPath => "build with `-trimpath`",
            Cause::EmbeddedString => "build from the same tag and a clean tree (same `-X` values)",
            Cause::GoBuildId => "link with `-ldflags=-buildid=`",
            Cause::ArchiveMtime => {
                "set every mtime to SOURCE_DATE_EPOCH (GNU tar `--mtime=@$SOURCE_DATE_EPOCH`)"
            }
            Cause::ArchiveOwner => "GNU tar `--owner=0 --group=0 --numeric-owner`",
            Cause::ArchiveMode => {
                "normalize modes (GNU tar `--mode=go+u,go-w`; 0755 executables/dirs, 0644 files)"
            }
            Cause::ArchiveOrder => "sort the members (GNU tar `--sort=name`)",
            Cause::GzipHeader => "`gzip -n` (no name, mtime 0)",
            Cause::ZipExtraFields => "`zip -X` (no extra fields)",
            Cause::Recompression => "use the same compressor and level (e.g. `gzip -9n`)",
            Cause::FileSet | Cause::FormatDiffers | Cause::Unexplained => return None,
        })
    }

    /// Rank: lower comes first.
    pub fn rank(self) -> usize {
        Cause::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or(usize::MAX)
    }
}

/// How sure the engine is of a cause.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// The rule matched exactly.
    High,
    /// The rule matched, with other differences around.
    Medium,
    /// A guess.
    Low,
}

/// One piece of evidence: where, and both values.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// Container path: the top file or folder entry, then archive members,
    /// then a section (`x.tar.gz`, `dir/tapd`, `.rodata`).
    pub path: Vec<String>,
    /// Offset (or address, for loaded sections) on side A.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_a: Option<u64>,
    /// Offset (or address) on side B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_b: Option<u64>,
    /// What the values are ("string", "section header table offset", "mtime", …).
    pub what: String,
    /// The value on side A (absent: not present on that side).
    pub a: Option<String>,
    /// The value on side B.
    pub b: Option<String>,
}

impl Evidence {
    /// The location as text: `x.tar.gz › dir/tapd › .rodata @ 0x4cac10`.
    pub fn location(&self) -> String {
        let mut s = self.path.join(" › ");
        match (self.offset_a, self.offset_b) {
            (Some(a), Some(b)) if a == b => s.push_str(&format!(" @ {a:#x}")),
            (Some(a), Some(b)) => s.push_str(&format!(" @ {a:#x} (B: {b:#x})")),
            (Some(a), None) => s.push_str(&format!(" @ {a:#x} (A)")),
            (None, Some(b)) => s.push_str(&format!(" @ {b:#x} (B)")),
            (None, None) => {}
        }
        s
    }
}

/// One classified difference, as the engine sees it, before grouping.
#[derive(Clone, Debug)]
pub struct Observation {
    /// The cause.
    pub cause: Cause,
    /// How sure.
    pub confidence: Confidence,
    /// What it is about (a package name, a setting key, a section), used
    /// to name the finding's subjects.
    pub subject: Option<String>,
    /// The file concerned (container path of the artifact, without section).
    pub file: String,
    /// Where and what.
    pub evidence: Evidence,
}

/// A note: something skipped, a limit reached, a hazard seen on the way.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// `skipped`, `limit`, `unsafe-name`, `knock-on`, `error`.
    pub kind: String,
    /// The container path concerned.
    pub path: String,
    /// What happened.
    pub message: String,
}

/// Where the engine pushes what it sees. Renderers consume the [`Report`]
/// built by [`Collector`]; other sinks can stream.
pub trait Sink {
    /// A classified difference.
    fn observe(&mut self, obs: Observation);
    /// A note (skipped, limit, unsafe name…).
    fn note(&mut self, note: Note);
    /// `regions` differing regions follow from `cause` (knock-on effects,
    /// not observations of their own).
    fn knock_on(&mut self, cause: Cause, regions: usize) {
        let _ = (cause, regions);
    }
}

/// One finding: a cause with its evidence, grouped over all files.
#[derive(Serialize, Clone, Debug)]
pub struct Finding {
    /// The cause (wire name in JSON).
    pub cause: Cause,
    /// Human title of the cause.
    pub title: String,
    /// How sure (the highest of its observations).
    pub confidence: Confidence,
    /// What it is about: package names, setting keys, strings…
    pub subjects: Vec<String>,
    /// The files concerned.
    pub files: Vec<String>,
    /// The fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The evidence kept (bounded).
    pub evidence: Vec<Evidence>,
    /// How many pieces of evidence there were in all.
    pub evidence_total: usize,
    /// Differing regions that follow from this cause (displaced pointers,
    /// offsets and lengths, code, in the same executable): counted, not
    /// listed as evidence.
    #[serde(skip_serializing_if = "is_zero")]
    pub knock_on: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The whole answer to "why do A and B differ".
#[derive(Serialize, Clone, Debug)]
pub struct Report {
    /// Side A as given.
    pub a: String,
    /// Side B as given.
    pub b: String,
    /// True when every byte is equal.
    pub identical: bool,
    /// Findings, ranked: most explaining first.
    pub findings: Vec<Finding>,
    /// Notes: what was skipped, limits reached, unsafe names.
    pub notes: Vec<Note>,
    /// True when the time limit stopped the walk (findings are partial).
    pub timed_out: bool,
    /// Counters.
    pub stats: Stats,
}

/// Counters of a run.
#[derive(Serialize, Clone, Debug, Default)]
pub struct Stats {
    /// Bytes read on side A (including decompressed members).
    pub bytes_a: u64,
    /// Bytes read on side B.
    pub bytes_b: u64,
    /// Files and members compared.
    pub entries: u64,
    /// Entries that differ.
    pub differing: u64,
    /// Wall time in milliseconds.
    pub millis: u64,
}

/// Maximum evidence kept per finding.
pub const MAX_EVIDENCE: usize = 50;

/// A [`Sink`] that groups observations into ranked findings.
#[derive(Default)]
pub struct Collector {
    groups: BTreeMap<Cause, Finding>,
    knock_on: BTreeMap<Cause, usize>,
    /// Notes seen so far.
    pub notes: Vec<Note>,
}

impl Collector {
    /// A fresh collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of observations received so far (all causes).
    pub fn count(&self) -> usize {
        self.groups.values().map(|f| f.evidence_total).sum()
    }

    /// Findings, ranked.
    pub fn findings(mut self) -> (Vec<Finding>, Vec<Note>) {
        for (c, n) in &self.knock_on {
            if let Some(f) = self.groups.get_mut(c) {
                f.knock_on += n;
            }
        }
        let mut v: Vec<Finding> = self.groups.into_values().collect();
        v.sort_by_key(|f| (f.cause.rank(), f.confidence));
        (v, self.notes)
    }
}

impl Sink for Collector {
    fn observe(&mut self, obs: Observation) {
        let f = self.groups.entry(obs.cause).or_insert_with(|| Finding {
            cause: obs.cause,
            title: obs.cause.title().to_string(),
            confidence: obs.confidence,
            subjects: Vec::new(),
            files: Vec::new(),
            fix: obs.cause.fix().map(str::to_string),
            evidence: Vec::new(),
            evidence_total: 0,
            knock_on: 0,
        });
        f.confidence = f.confidence.min(obs.confidence);
        if let Some(s) = obs.subject
            && !f.subjects.contains(&s)
            && f.subjects.len() < MAX_EVIDENCE
        {
            f.subjects.push(s);
        }
        if !f.files.contains(&obs.file) && f.files.len() < MAX_EVIDENCE {
            f.files.push(obs.file);
        }
        f.evidence_total += 1;
        if f.evidence.len() < MAX_EVIDENCE && !f.evidence.contains(&obs.evidence) {
            f.evidence.push(obs.evidence);
        }
    }

    fn knock_on(&mut self, cause: Cause, regions: usize) {
        *self.knock_on.entry(cause).or_default() += regions;
    }

    fn note(&mut self, note: Note) {
        if self.notes.len() < 1000 && !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}
