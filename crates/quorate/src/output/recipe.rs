//! `quorate recipe`'s text: the manifest, each archive, each Go program.

use quorate_reproduce::recipe::{ArchiveKind, ArchiveRecipe, BinaryRecipe, Order, Recipe};

use crate::ui::{Ui, style};

fn order(o: Order) -> &'static str {
    match o {
        Order::ReverseSorted => "find | LC_ALL=C sort -r",
        Order::Sorted => "find | LC_ALL=C sort",
        Order::AsPublished => "other (rebuilt in the published order)",
    }
}

fn compressor(a: &ArchiveRecipe) -> String {
    let c = &a.compressor;
    let level = c.level.map(|l| l.to_string()).unwrap_or_else(|| "?".into());
    match (c.tool.as_str(), &a.gzip) {
        ("gnu-gzip", Some(g)) if g.name.is_none() && g.mtime == 0 => format!("GNU gzip -{level}n"),
        ("gnu-gzip", _) => format!("GNU gzip -{level}"),
        ("zlib", _) => format!("zlib level {level}"),
        ("info-zip", _) => format!("Info-ZIP zip -{level}"),
        (t @ ("go-flate-1.26" | "go-flate-1.27"), _) => format!(
            "Go compress/flate level {level} (Go {})",
            if t == "go-flate-1.26" {
                "1.7-1.26"
            } else {
                "1.27 or later"
            }
        ),
        _ => format!(
            "not recognised (no GNU gzip, zlib, Info-ZIP or Go level gives these bytes){}",
            c.closest
                .as_ref()
                .map(|x| format!("; {}", x.describe()))
                .unwrap_or_default()
        ),
    }
}

fn archive(a: &ArchiveRecipe) -> String {
    let mut s = format!(
        "{}  ({})\n",
        Ui::paint(style::HEAD, &a.file),
        format!("{:?}", a.role).to_lowercase()
    );
    let kind = match a.kind {
        ArchiveKind::TarGz => format!(
            "tar, {} format{}",
            a.format,
            if a.record_padding {
                ", 10240-byte records"
            } else {
                ""
            }
        ),
        ArchiveKind::Zip => format!("zip, {}", a.format),
    };
    s.push_str(&format!("    format      {kind}\n"));
    let writer = match a.writer.as_str() {
        "gnu-tar" => "GNU tar".to_string(),
        "go-archive-tar" => "Go archive/tar (GoReleaser)".into(),
        "info-zip" => "Info-ZIP zip".into(),
        "go-archive-zip" => "Go archive/zip (GoReleaser)".into(),
        "git-archive" => format!(
            "git archive of commit {}",
            a.git_commit.as_deref().unwrap_or("?")
        ),
        _ => "not recognised".into(),
    };
    s.push_str(&format!("    writer      {writer}\n"));
    s.push_str(&format!("    compressor  {}\n", compressor(a)));
    if let Some(g) = &a.gzip {
        s.push_str(&format!(
            "    gzip header mtime {}, {}, XFL {}, OS {}{}{}{}\n",
            g.mtime,
            g.name
                .as_deref()
                .map(|n| format!("name {n:?}"))
                .unwrap_or_else(|| "no name".into()),
            g.xfl,
            g.os,
            g.comment
                .as_deref()
                .map(|c| format!(", comment {c:?}"))
                .unwrap_or_default(),
            g.extra
                .as_ref()
                .map(|x| format!(", extra field of {} bytes", x.len()))
                .unwrap_or_default(),
            g.header_crc
                .map(|c| format!(", header CRC {c:#06x}"))
                .unwrap_or_default()
        ));
    }
    s.push_str(&format!(
        "    members     {} under {}, order {}\n",
        a.members.len(),
        a.top_dir.as_deref().unwrap_or("(no single folder)"),
        order(a.order)
    ));
    s.push_str(&format!(
        "    mtime       {}\n",
        a.mtime
            .map(|t| t.to_string())
            .unwrap_or_else(|| "differs between members".into())
    ));
    if let Some((u, g)) = a.owner {
        s.push_str(&format!(
            "    owner       {u}/{g}{}\n",
            match (&a.owner_names, a.numeric_owner) {
                (_, true) => " (numeric, no names)".to_string(),
                (Some((un, gn)), false) => format!(" ({un}/{gn})"),
                (None, false) => String::new(),
            }
        ));
    }
    if let Some(o) = a.zip_utc_offset {
        s.push_str(&format!("    zip times   in a zone {o} s east of UTC\n"));
    }
    let m = |v: Option<u32>| v.map(|m| format!("{m:04o}")).unwrap_or_else(|| "-".into());
    s.push_str(&format!(
        "    modes       folders {}, executables {}, files {}: {}\n",
        m(a.modes.dir),
        m(a.modes.executable),
        m(a.modes.file),
        a.modes.rule
    ));
    s
}

fn binary(b: &BinaryRecipe) -> String {
    let mut s = format!("{}\n", Ui::paint(style::HEAD, &b.path));
    s.push_str(&format!("    go          {}\n", b.go_version));
    s.push_str(&format!(
        "    package     {} (module {} {})\n",
        b.main_package, b.module, b.module_version
    ));
    let level: Vec<String> = b
        .goarch_level
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    s.push_str(&format!(
        "    target      GOOS={} GOARCH={}{}{} CGO_ENABLED={}\n",
        b.goos,
        b.goarch,
        if level.is_empty() { "" } else { " " },
        level.join(" "),
        b.cgo_enabled.as_deref().unwrap_or("?")
    ));
    s.push_str(&format!(
        "    flags       {}-tags={:?} -ldflags={:?}{}\n",
        if b.trimpath { "-trimpath " } else { "" },
        b.tags.as_deref().unwrap_or(""),
        b.observed_ldflags(),
        if b.ldflags.is_none() {
            " (from the executable: -X definitions are not recorded)"
        } else {
            ""
        }
    ));
    if let Some(r) = &b.vcs_revision {
        s.push_str(&format!(
            "    vcs         {r}{}\n",
            if b.vcs_modified == Some(true) {
                " (modified tree)"
            } else {
                ""
            }
        ));
    }
    s
}

/// The recipe as text.
pub fn render(r: &Recipe) -> String {
    let mut s = format!(
        "{} {} in {}\n",
        Ui::paint(style::HEAD, "recipe"),
        r.version,
        r.release.display()
    );
    s.push_str(&format!(
        "manifest {}{}: {} ({} inside archives), {}{}\n\n",
        r.manifest.file,
        if r.manifest.kind == "goreleaser-checksums" {
            " (GoReleaser's checksums)"
        } else {
            ""
        },
        quorate_base::text::count(r.manifest.entries, "entry"),
        r.manifest.inside_archives,
        if r.manifest.style == "sha256sum" {
            "sha256sum format"
        } else {
            "not sha256sum's format"
        },
        if r.manifest.sorted {
            ", sorted by path (LC_ALL=C sort -k2)"
        } else {
            ""
        }
    ));
    for a in &r.archives {
        s.push_str(&archive(a));
        for b in r.binaries.iter().filter(|b| b.archive == a.file) {
            s.push_str(&binary(b));
        }
        s.push('\n');
    }
    s
}
