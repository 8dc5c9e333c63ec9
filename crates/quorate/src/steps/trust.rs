//! Where trust comes from (never from the folder verified): `--policy`,
//! `--keys-dir`, `--project` or the user's own policy. Used by `verify`,
//! `policy show` and `reproduce`.

use std::path::{Path, PathBuf};

use anyhow::bail;
use quorate_attest::Policy;
use quorate_attest::policy::KeyProblem;

use crate::error::hinted;
use crate::ui::Ui;

/// What the user chose to trust (the trust flags of `verify`).
#[derive(Debug, Clone, Copy)]
pub struct TrustFlags<'a> {
    /// `--policy FILE`.
    pub policy: Option<&'a Path>,
    /// `--keys-dir DIR`.
    pub keys_dir: Option<&'a Path>,
    /// `--project DIR`.
    pub project: Option<&'a Path>,
    /// `--threshold N`.
    pub threshold: Option<usize>,
    /// `--threshold-override N`.
    pub threshold_override: Option<usize>,
}

pub use crate::report::Trust;

/// The user's own policy: `$XDG_CONFIG_HOME/quorate/policy.toml`, else
/// `~/.config/quorate/policy.toml`.
pub fn user_policy_path() -> Option<PathBuf> {
    match std::env::var_os("XDG_CONFIG_HOME") {
        Some(x) if !x.is_empty() => Some(PathBuf::from(x).join("quorate/policy.toml")),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config/quorate/policy.toml")),
    }
}

/// Resolves the trust from what the user chose (never from the folder
/// being verified): --policy, --keys-dir, --project, or the user's own
/// policy; applies --threshold (which may only raise a policy's threshold)
/// or --threshold-override.
pub fn resolve_policy(
    args: &TrustFlags<'_>,
    verified: Option<&Path>,
    ui: &Ui,
) -> anyhow::Result<(Policy, Vec<KeyProblem>, Trust)> {
    let Chosen {
        mut policy,
        problems,
        source,
        path,
    } = chosen_policy(args)?;
    if source == "user config"
        && let Some(v) = verified
        && quorate_manifest::fsutil::is_within(&path, v)
    {
        return Err(hinted(
            format!(
                "{}: the user policy lies inside the folder being verified ({}); a release cannot vouch for itself",
                path.display(),
                v.display()
            ),
            "pass --policy FILE explicitly",
        ));
    }
    let signers = quorate_attest::identity::distinct_keys(&policy);
    if source != "--keys-dir"
        && let Some(t) = args.threshold
    {
        raise_threshold(&mut policy, t, signers)?;
    }
    let overridden = match args.threshold_override {
        Some(t) => override_threshold(&mut policy, t, signers, ui)?,
        None => None,
    };
    for p in &problems {
        ui.warn(format!(
            "{}: {} (signer {} left out)",
            p.file.display(),
            p.reason,
            p.signer
        ));
    }
    let trust = Trust {
        source,
        path,
        threshold: policy.threshold,
        overridden_policy_threshold: overridden,
    };
    Ok((policy, problems, trust))
}

/// The policy the trust flags name, before any threshold flag.
struct Chosen {
    policy: Policy,
    /// Key files of --keys-dir that could not be used.
    problems: Vec<KeyProblem>,
    /// `--policy`, `--keys-dir`, `--project` or `user config`.
    source: &'static str,
    /// The file or folder it came from.
    path: PathBuf,
}

/// Loads the policy of --policy, else --keys-dir (which needs
/// --threshold), else --project, else the user's own policy; with none
/// of them, an error (the folder being verified is never asked).
fn chosen_policy(args: &TrustFlags<'_>) -> anyhow::Result<Chosen> {
    let chosen = |policy, source, path| Chosen {
        policy,
        problems: Vec::new(),
        source,
        path,
    };
    if let Some(p) = args.policy {
        Ok(chosen(Policy::load(p)?, "--policy", p.to_path_buf()))
    } else if let Some(kd) = args.keys_dir {
        let Some(t) = args.threshold else {
            return Err(hinted(
                format!(
                    "--keys-dir {} needs --threshold N (how many distinct signers must sign)",
                    kd.display()
                ),
                "or pass --policy FILE",
            ));
        };
        let (policy, problems) = Policy::from_keys_dir(kd, t)?;
        Ok(Chosen {
            policy,
            problems,
            source: "--keys-dir",
            path: kd.to_path_buf(),
        })
    } else if let Some(dir) = args.project {
        let q = dir.join("quorate.toml");
        Ok(chosen(Policy::load(&q)?, "--project", q))
    } else {
        match user_policy_path().filter(|p| p.is_file()) {
            Some(p) => Ok(chosen(Policy::load(&p)?, "user config", p)),
            None => Err(hinted(
                format!(
                    "no trust policy: pass --policy FILE, --keys-dir DIR --threshold N or --project DIR, or put your policy in {}",
                    user_policy_path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "$XDG_CONFIG_HOME/quorate/policy.toml".into())
                ),
                "quorate never takes the policy or keys from the folder being verified (an attacker could ship their own); name the project's policy explicitly",
            )),
        }
    }
}

/// Applies --threshold `t` to a policy: it may only raise the policy's
/// threshold, up to its `signers` distinct pinned keys.
fn raise_threshold(policy: &mut Policy, t: usize, signers: usize) -> anyhow::Result<()> {
    if t < policy.threshold {
        return Err(hinted(
            format!(
                "--threshold {t} is below the {} signatures {} requires; --threshold may only raise it",
                policy.threshold,
                policy.source.display()
            ),
            format!(
                "to accept fewer signatures than the policy asks for, say so with --threshold-override {t} (reported in the verdict)"
            ),
        ));
    }
    if t > signers {
        bail!(
            "--threshold {t}: must be between {} and the {signers} distinct pinned keys of {}",
            policy.threshold,
            policy.source.display()
        );
    }
    policy.threshold = t;
    Ok(())
}

/// Applies --threshold-override `t` (between 1 and the `signers` distinct
/// pinned keys) with a warning; returns the policy's own threshold when
/// it changed.
fn override_threshold(
    policy: &mut Policy,
    t: usize,
    signers: usize,
    ui: &Ui,
) -> anyhow::Result<Option<usize>> {
    if t < 1 || t > signers {
        bail!(
            "--threshold-override {t}: must be between 1 and the {signers} distinct pinned keys of {}",
            policy.source.display()
        );
    }
    if t == policy.threshold {
        return Ok(None);
    }
    ui.warn(format!(
        "THRESHOLD OVERRIDDEN: counting {} where {} requires {}",
        quorate_base::text::count(t, "signature"),
        policy.source.display(),
        policy.threshold
    ));
    let own = policy.threshold;
    policy.threshold = t;
    Ok(Some(own))
}

/// Loads --policy, or the [trust] table of ./quorate.toml (for `policy
/// show`, run in the project; `verify` never reads the current folder).
pub fn load_policy(policy: Option<&Path>) -> anyhow::Result<Policy> {
    match policy {
        Some(p) => Ok(Policy::load(p)?),
        None => {
            let q = Path::new("quorate.toml");
            if !q.is_file() {
                return Err(hinted(
                    "no trust policy: no --policy and no quorate.toml in the current folder",
                    "pass --policy FILE (threshold and pinned signers), or run from the project folder whose quorate.toml has a [trust] table",
                ));
            }
            Ok(Policy::load(q)?)
        }
    }
}
