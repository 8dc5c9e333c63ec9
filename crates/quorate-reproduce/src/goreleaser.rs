//! `-X` definitions written in a GoReleaser configuration
//! (`.goreleaser.yaml` and its other names; read as text, never run):
//! `-X importpath.name=value` words of its `ldflags`, with GoReleaser's
//! template fields that the tag and commit determine expanded
//! (`{{ .Version }}`, `{{ .Tag }}`, `{{ .Commit }}`, `{{ .FullCommit }}`,
//! `{{ .ShortCommit }}`, `{{ .CommitDate }}`, `{{ .CommitTimestamp }}`,
//! `{{ .ProjectName }}`, `{{ .Major }}`, `{{ .Minor }}`, `{{ .Patch }}`).
//! A definition with any other field (`{{ .Date }}`, the build time;
//! `{{ .Env.X }}`) is kept unexpanded, so that it is reported as not
//! found in the published program rather than guessed.

use std::path::Path;

use quorate_release::untrusted;

use crate::foreign::XDefinition;

/// The configuration file names GoReleaser reads, in its order.
pub const CONFIG_FILES: [&str; 4] = [
    ".goreleaser.yml",
    ".goreleaser.yaml",
    "goreleaser.yml",
    "goreleaser.yaml",
];

/// Largest configuration read.
const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// Largest text after expansion.
const MAX_EXPANDED: usize = 4 << 20;

/// What the templates may name.
#[derive(Debug, Clone, Default)]
pub struct TemplateValues {
    /// The tag (`v1.2.3`).
    pub tag: String,
    /// The full commit hash.
    pub commit: String,
    /// The commit's committer time, seconds since the epoch.
    pub commit_time: Option<i64>,
    /// The project name.
    pub project: Option<String>,
}

impl TemplateValues {
    /// The value of template field `field` (`.Version`, …).
    fn field(&self, field: &str) -> Option<String> {
        let version = self.tag.strip_prefix('v').unwrap_or(&self.tag);
        let semver = |i: usize| {
            let core = version.split(['-', '+']).next().unwrap_or("");
            core.split('.').nth(i).map(str::to_string)
        };
        Some(match field {
            ".Version" => version.to_string(),
            ".RawVersion" => version.split(['-', '+']).next()?.to_string(),
            ".Tag" => self.tag.clone(),
            ".Commit" | ".FullCommit" => self.commit.clone(),
            ".ShortCommit" => self.commit.get(..7)?.to_string(),
            ".CommitDate" => quorate_base::time::rfc3339(quorate_base::time::from_unix(
                u64::try_from(self.commit_time?).ok()?,
            )),
            ".CommitTimestamp" => self.commit_time?.to_string(),
            ".ProjectName" => self.project.clone()?,
            ".Major" => semver(0)?,
            ".Minor" => semver(1)?,
            ".Patch" => semver(2)?,
            _ => return None,
        })
    }
}

/// `text` with every `{{ .Field }}` the values know replaced; unknown ones
/// are kept, without their spaces (`{{.Date}}`), so that they stay one
/// word. `None` when the result grows past a bound.
fn expand(text: &str, v: &TemplateValues) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let inner = after[..j]
            .trim()
            .trim_start_matches('-')
            .trim_end_matches('-');
        let inner = inner.trim();
        match v.field(inner) {
            Some(val) => out.push_str(&val),
            None => {
                out.push_str("{{");
                out.extend(inner.chars().filter(|c| !c.is_whitespace()));
                out.push_str("}}");
            }
        }
        if out.len() > MAX_EXPANDED {
            return None;
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// The `-X` definitions of a configuration's text `(file, text)`: every
/// `-X` word followed by a definition, expanded, that passes
/// [`untrusted::x_definition`]; never panics, whatever the text.
pub fn x_definitions_in(file: &str, text: &str, v: &TemplateValues) -> Vec<XDefinition> {
    let Some(expanded) = expand(text, v) else {
        return Vec::new();
    };
    let cleaned = expanded.replace(['"', '\'', ','], " ");
    let mut out: Vec<XDefinition> = Vec::new();
    let mut words = cleaned.split_whitespace();
    while let Some(w) = words.next() {
        let d = if w == "-X" {
            match words.next() {
                Some(d) => d,
                None => break,
            }
        } else if let Some(d) = w.strip_prefix("-X=") {
            d
        } else {
            continue;
        };
        if untrusted::x_definition(d).is_ok() && !out.iter().any(|x| x.definition == d) {
            out.push(XDefinition {
                definition: d.to_string(),
                file: file.to_string(),
            });
        }
    }
    out
}

/// The `-X` definitions of the GoReleaser configuration of the source at
/// `src` (the first of [`CONFIG_FILES`] there), expanded with `v`.
pub fn x_definitions(src: &Path, v: &TemplateValues) -> Vec<XDefinition> {
    for name in CONFIG_FILES {
        let p = src.join(name);
        if !std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let Ok(bytes) = quorate_manifest::fsutil::read_regular_capped(&p, MAX_CONFIG_BYTES) else {
            continue;
        };
        return x_definitions_in(name, &String::from_utf8_lossy(&bytes), v);
    }
    Vec::new()
}

/// The committer time of `HEAD` in the repository at `dir`.
pub fn commit_time(dir: &Path) -> Option<i64> {
    let out = quorate_base::git::command(Some(dir))
        .args(["show", "-s", "--format=%ct", "HEAD"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> TemplateValues {
        TemplateValues {
            tag: "v1.2.3".into(),
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
            commit_time: Some(1_763_632_800),
            project: Some("tool".into()),
        }
    }

    #[test]
    fn expands_what_the_tag_and_commit_say() {
        let text = r#"
builds:
  - ldflags:
      - -s -w -X main.version={{.Version}} -X main.commit={{ .Commit }}
      - -X "main.date={{ .CommitDate }}" -X main.builtBy=goreleaser
      - -X main.built={{ .Date }} -X=main.short={{.ShortCommit}}
      - -X main.ts={{.CommitTimestamp}} -X main.bad=a\b -X main.p={{ .ProjectName }}-{{.Major}}.{{.Minor}}
"#;
        let v = x_definitions_in(".goreleaser.yaml", text, &values());
        let defs: Vec<&str> = v.iter().map(|x| x.definition.as_str()).collect();
        assert_eq!(
            defs,
            [
                "main.version=1.2.3",
                "main.commit=0123456789abcdef0123456789abcdef01234567",
                "main.date=2025-11-20T10:00:00Z",
                "main.builtBy=goreleaser",
                "main.built={{.Date}}",
                "main.short=0123456",
                "main.ts=1763632800",
                "main.p=tool-1.2",
            ]
        );
        assert_eq!(v[0].file, ".goreleaser.yaml");
    }

    #[test]
    fn odd_text_never_panics() {
        for t in [
            "{{",
            "}}{{",
            "-X",
            "-X {{.Version",
            "{{ - }}",
            "\u{e9}{{\u{e9}}}",
        ] {
            x_definitions_in("f", t, &values());
        }
        let big = "{{.Commit}}".repeat(200_000);
        assert!(x_definitions_in("f", &big, &values()).is_empty());
    }
}
