//! Go build info, field by field: Go version, build settings (with
//! `-ldflags` split into its `-X` values, `-buildid` and the rest), VCS
//! stamping, the main module and each dependency.

use std::collections::{BTreeMap, BTreeSet};

use super::Engine;
use crate::gobuild::{self, BuildInfo};
use crate::model::{Cause, Confidence};

impl Engine<'_> {
    /// Compares two build infos; true when a build-level cause was found
    /// (which then explains byte differences elsewhere).
    pub(super) fn compare_buildinfo(
        &mut self,
        path: &[String],
        x: &BuildInfo,
        y: &BuildInfo,
    ) -> bool {
        let mut found = false;
        let mut p = path.to_vec();
        p.push("Go build info".into());
        if x.go_version != y.go_version {
            self.obs(
                Cause::GoVersion,
                Confidence::High,
                Some(format!("{} vs {}", x.go_version, y.go_version)),
                path,
                p.clone(),
                (None, None),
                "go version",
                Some(x.go_version.clone()),
                Some(y.go_version.clone()),
            );
            found = true;
        }
        found |= self.buildinfo_settings(path, &p, x, y);
        found |= self.buildinfo_main(path, &p, x, y);
        found |= self.buildinfo_deps(path, &p, x, y);
        found
    }

    /// The build settings, key by key (`-ldflags` by its parts); whether
    /// one gave a build-level cause.
    fn buildinfo_settings(
        &mut self,
        path: &[String],
        p: &[String],
        x: &BuildInfo,
        y: &BuildInfo,
    ) -> bool {
        let mut found = false;
        let sx: BTreeMap<&str, &str> = x
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let sy: BTreeMap<&str, &str> = y
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let keys: BTreeSet<&str> = sx.keys().chain(sy.keys()).copied().collect();
        for k in keys {
            let (vx, vy) = (sx.get(k).copied(), sy.get(k).copied());
            if vx == vy {
                continue;
            }
            let own = |v: Option<&str>| v.map(str::to_string);
            if k == "DefaultGODEBUG" && x.go_version != y.go_version {
                continue; // each Go version has its own defaults
            }
            if k == "-ldflags" {
                found |= self.buildinfo_ldflags(path, p, vx, vy);
            } else {
                // vcs.* settings are VCS stamping; every other one a build setting.
                let cause = if k.starts_with("vcs.") {
                    Cause::VcsStamping
                } else {
                    Cause::GoBuildSetting
                };
                self.obs(
                    cause,
                    Confidence::High,
                    Some(k.into()),
                    path,
                    p.to_vec(),
                    (None, None),
                    &format!("build setting {k}"),
                    own(vx),
                    own(vy),
                );
                found = true;
            }
        }
        found
    }

    /// `-ldflags` by its parts: each `-X` value, `-buildid`, the rest;
    /// whether the rest differs (a build-level cause).
    fn buildinfo_ldflags(
        &mut self,
        path: &[String],
        p: &[String],
        vx: Option<&str>,
        vy: Option<&str>,
    ) -> bool {
        let own = |v: Option<&str>| v.map(str::to_string);
        let mut found = false;
        let (xa, ra) = split_x(vx.unwrap_or(""));
        let (xb, rb) = split_x(vy.unwrap_or(""));
        if xa != xb {
            let vars: BTreeSet<&str> = xa.keys().chain(xb.keys()).copied().collect();
            for var in vars {
                if xa.get(var) != xb.get(var) {
                    self.obs(
                        Cause::EmbeddedString,
                        Confidence::High,
                        Some(format!("-X {var}")),
                        path,
                        p.to_vec(),
                        (None, None),
                        "-X value",
                        xa.get(var).map(|s| s.to_string()),
                        xb.get(var).map(|s| s.to_string()),
                    );
                }
            }
        }
        let bid = |r: &[&str]| {
            r.iter()
                .filter(|t| t.starts_with("-buildid"))
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
        };
        let rest = |r: &[&str]| {
            r.iter()
                .filter(|t| !t.starts_with("-buildid"))
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
        };
        if bid(&ra) != bid(&rb) {
            self.obs(
                Cause::GoBuildId,
                Confidence::High,
                Some("-buildid in -ldflags".into()),
                path,
                p.to_vec(),
                (None, None),
                "-buildid in -ldflags",
                Some(bid(&ra).join(" ")).filter(|s| !s.is_empty()),
                Some(bid(&rb).join(" ")).filter(|s| !s.is_empty()),
            );
            self.buildinfo_differs = true;
        }
        if rest(&ra) != rest(&rb) {
            self.obs(
                Cause::GoBuildSetting,
                Confidence::High,
                Some("-ldflags".into()),
                path,
                p.to_vec(),
                (None, None),
                "build setting -ldflags",
                own(vx),
                own(vy),
            );
            found = true;
        }
        found
    }

    /// The main package and module: a VCS-stamped version, or another
    /// module; whether that is a build-level cause.
    fn buildinfo_main(
        &mut self,
        path: &[String],
        p: &[String],
        x: &BuildInfo,
        y: &BuildInfo,
    ) -> bool {
        let mut found = false;
        let vcs = x
            .settings
            .iter()
            .chain(&y.settings)
            .any(|(k, _)| k.starts_with("vcs."));
        if x.path == y.path
            && vcs
            && x.main.as_ref().map(|m| &m.path) == y.main.as_ref().map(|m| &m.path)
            && x.main != y.main
        {
            let v = |m: &Option<gobuild::Module>| m.as_ref().map(|m| m.version.clone());
            self.obs(
                Cause::VcsStamping,
                Confidence::High,
                Some("main module version".into()),
                path,
                p.to_vec(),
                (None, None),
                "main module version (from VCS)",
                v(&x.main),
                v(&y.main),
            );
        } else if x.path != y.path || x.main != y.main {
            self.obs(
                Cause::GoBuildSetting,
                Confidence::Medium,
                Some("main module".into()),
                path,
                p.to_vec(),
                (None, None),
                "main package / module",
                Some(format!(
                    "{} {}",
                    x.path,
                    x.main
                        .as_ref()
                        .map(|m| format!("{} {}", m.path, m.version))
                        .unwrap_or_default()
                )),
                Some(format!(
                    "{} {}",
                    y.path,
                    y.main
                        .as_ref()
                        .map(|m| format!("{} {}", m.path, m.version))
                        .unwrap_or_default()
                )),
            );
            found = true;
        }
        found
    }

    /// The dependencies, module by module; whether one differs.
    fn buildinfo_deps(
        &mut self,
        path: &[String],
        p: &[String],
        x: &BuildInfo,
        y: &BuildInfo,
    ) -> bool {
        let mut found = false;
        let dx: BTreeMap<&str, &gobuild::Module> =
            x.deps.iter().map(|d| (d.path.as_str(), d)).collect();
        let dy: BTreeMap<&str, &gobuild::Module> =
            y.deps.iter().map(|d| (d.path.as_str(), d)).collect();
        let dk: BTreeSet<&str> = dx.keys().chain(dy.keys()).copied().collect();
        for d in dk {
            let (mx, my) = (dx.get(d), dy.get(d));
            if mx != my {
                let v =
                    |m: Option<&&gobuild::Module>| m.map(|m| format!("{} {}", m.version, m.sum));
                self.obs(
                    Cause::GoBuildSetting,
                    Confidence::Medium,
                    Some(format!("dependency {d}")),
                    path,
                    p.to_vec(),
                    (None, None),
                    &format!("dependency {d}"),
                    v(mx),
                    v(my),
                );
                found = true;
            }
        }
        found
    }
}

/// `-X name=value` assignments, and the rest of the flags.
fn split_x(ldflags: &str) -> (BTreeMap<&str, &str>, Vec<&str>) {
    let mut x = BTreeMap::new();
    let mut rest = Vec::new();
    let mut it = ldflags.split_whitespace();
    while let Some(t) = it.next() {
        let assign = if t == "-X" || t == "--X" {
            it.next()
        } else {
            t.strip_prefix("-X=").or_else(|| t.strip_prefix("--X="))
        };
        match assign {
            Some(a) => {
                let (k, v) = a.split_once('=').unwrap_or((a, ""));
                x.insert(k, v);
            }
            None => rest.push(t),
        }
    }
    (x, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_flags() {
        let (x, rest) = split_x("-s -w -X main.version=v1 -X=main.commit=abc");
        assert_eq!(x.get("main.version"), Some(&"v1"));
        assert_eq!(x.get("main.commit"), Some(&"abc"));
        assert_eq!(rest, vec!["-s", "-w"]);
    }
}
