//! `quorate policy`: create, extend and show trust policies.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use quorate_attest::policy::{PolicyFile, SignerEntry, validate_name};
use quorate_attest::{Policy, SignerKey, openpgp, ssh};
use quorate_manifest::fsutil;

use crate::EXIT_OK;
use crate::ui::Ui;

/// Flags of `quorate policy`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
A trust policy is a threshold and the pinned signers (name, full OpenPGP
fingerprint and key file, or SSH public key). It lives in a standalone file
(--policy FILE) or in the [trust] table of quorate.toml.

Examples:
  quorate policy init --threshold 2 -o release-policy.toml
  quorate policy add --policy release-policy.toml --name alice --key alice.asc
  quorate policy add --policy release-policy.toml --name dave --ssh-key dave.pub
  quorate policy show --policy release-policy.toml
  quorate policy import-lnd ~/src/lnd -o lnd-policy.toml

Exit codes: 0 done (for show: the policy is valid); 2 invalid policy or key.")]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// Write a new, empty policy file.
    Init {
        /// How many distinct signers must sign.
        #[arg(long, default_value_t = 1)]
        threshold: i64,
        /// The file to write.
        #[arg(short, long, default_value = "quorate-policy.toml")]
        output: PathBuf,
    },
    /// Pin a signer: copies the public key to keys/<NAME>.asc beside the policy.
    Add {
        /// The policy file.
        #[arg(long, value_name = "FILE", default_value = "quorate-policy.toml")]
        policy: PathBuf,
        /// The signer's name.
        #[arg(long)]
        name: String,
        /// The signer's OpenPGP public key file (exactly one key).
        #[arg(long, value_name = "FILE", group = "k")]
        key: Option<PathBuf>,
        /// The signer's SSH public key file (`*.pub`).
        #[arg(long = "ssh-key", value_name = "FILE", group = "k")]
        ssh_key: Option<PathBuf>,
        /// Set the threshold too.
        #[arg(long)]
        threshold: Option<i64>,
    },
    /// Write a policy from an lnd-style checkout: the pinned KEYS+=(...) and
    /// MIN_REQUIRED_SIGNATURES of scripts/verify-install.sh, the public keys
    /// of scripts/keys/ (written to keys/ beside the policy). The script is
    /// read, never run; anything bash could read differently is refused.
    ImportLnd {
        /// The lnd (or taproot-assets, …) source checkout.
        checkout: PathBuf,
        /// The policy file to write; `-` prints it on stdout (the keys then
        /// go to ./keys/).
        #[arg(short, long, default_value = "quorate-policy.toml")]
        output: PathBuf,
    },
    /// Validate a policy and list its signers.
    Show {
        /// The policy (default: [trust] of ./quorate.toml).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

fn read_policy_file(path: &Path) -> anyhow::Result<PolicyFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: not valid TOML", path.display()))?;
    if table.contains_key("trust") {
        bail!(
            "{}: is a quorate.toml with a [trust] table; edit it by hand\nhint: `policy add` edits standalone policy files",
            path.display()
        );
    }
    toml::Value::Table(table)
        .try_into()
        .with_context(|| format!("{}: invalid policy", path.display()))
}

/// `quorate policy import-lnd`: everything is read and checked first; then
/// the keys are written (public parts only, mode 0644) and the policy; on
/// an error whatever was written is removed.
fn import_lnd(checkout: &Path, output: &Path, ui: &Ui) -> anyhow::Result<()> {
    let to_stdout = output == Path::new("-");
    if !to_stdout && std::fs::symlink_metadata(output).is_ok() {
        bail!(
            "{}: already exists; refusing to overwrite it",
            output.display()
        );
    }
    let imported = quorate_attest::policy::import_lnd(checkout)?;
    let base = if to_stdout {
        Path::new(".")
    } else {
        output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let keys = base.join("keys");
    // Check every destination before writing anything.
    let mut to_write = Vec::new();
    for k in &imported.keys {
        let dest = keys.join(format!("{}.asc", k.user));
        match std::fs::symlink_metadata(&dest) {
            Err(_) => to_write.push((dest, &k.armored)),
            Ok(m)
                if m.file_type().is_file()
                    && std::fs::read(&dest).ok().as_ref() == Some(&k.armored) => {}
            Ok(_) => bail!(
                "{}: exists with other content (or is not a regular file); refusing to overwrite it\nhint: import into a new folder",
                dest.display()
            ),
        }
    }
    let header = format!(
        "# Imported from {}/scripts/verify-install.sh by `quorate policy import-lnd`.\n",
        checkout.display()
    );
    let text = format!(
        "{header}{}",
        toml::to_string(&imported.policy).context("encoding the policy")?
    );
    let made_keys_dir = !keys.exists();
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        if made_keys_dir {
            std::fs::create_dir_all(&keys).with_context(|| keys.display().to_string())?;
        }
        for (dest, bytes) in &to_write {
            fsutil::write_atomic(dest, bytes).with_context(|| dest.display().to_string())?;
            written.push(dest.clone());
        }
        if !to_stdout {
            fsutil::write_atomic(output, text.as_bytes())
                .with_context(|| output.display().to_string())?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for w in &written {
            let _ = std::fs::remove_file(w);
        }
        if made_keys_dir {
            let _ = std::fs::remove_dir(&keys);
        }
        return Err(e);
    }
    let threshold = imported.policy.threshold.unwrap_or(1);
    let n = imported.policy.signers.len();
    if to_stdout {
        ui.out(text);
        ui.say(format!(
            "{threshold} of {n} signers required; their keys are in {} (save the policy beside keys/)",
            keys.display()
        ));
    } else {
        ui.say(format!(
            "wrote {}: {threshold} of {n} signers required; keys in {}",
            output.display(),
            keys.display()
        ));
    }
    Ok(())
}

/// Runs `quorate policy`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<u8> {
    match args.command {
        Sub::Init { threshold, output } => {
            if output.exists() {
                bail!(
                    "{}: already exists\nhint: add signers with `quorate policy add`",
                    output.display()
                );
            }
            let text = format!(
                "# quorate trust policy: how many distinct pinned signers must sign a release.\nthreshold = {threshold}\n\n# Add signers with `quorate policy add --policy {} --name NAME --key KEY.asc`.\n",
                output.display()
            );
            fsutil::write_atomic(&output, text.as_bytes())
                .with_context(|| output.display().to_string())?;
            ui.say(format!("wrote {}", output.display()));
        }
        Sub::Add {
            policy,
            name,
            key,
            ssh_key,
            threshold,
        } => {
            validate_name(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let mut file = read_policy_file(&policy)?;
            if file.signers.iter().any(|s| s.name == name) {
                bail!("{}: signer {name:?} is already pinned", policy.display());
            }
            let base = policy
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let entry = if let Some(k) = key {
                let cert = openpgp::load_one_cert(&k)?;
                let rel = format!("keys/{name}.asc");
                let dest = base.join(&rel);
                std::fs::create_dir_all(base.join("keys")).context("creating keys/")?;
                fsutil::write_atomic(&dest, &openpgp::armored_public(&cert))
                    .with_context(|| dest.display().to_string())?;
                SignerEntry {
                    name: name.clone(),
                    openpgp: Some(openpgp::fingerprint(&cert)),
                    ssh: None,
                    key: Some(rel),
                }
            } else if let Some(k) = ssh_key {
                let text = std::fs::read_to_string(&k).with_context(|| k.display().to_string())?;
                let public = ssh::parse_public(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", k.display()))?;
                SignerEntry {
                    name: name.clone(),
                    openpgp: None,
                    ssh: Some(public.to_openssh().context("encoding the SSH key")?),
                    key: None,
                }
            } else {
                bail!("give --key FILE or --ssh-key FILE");
            };
            file.signers.push(entry);
            if let Some(t) = threshold {
                file.threshold = Some(t);
            }
            // Validate before writing.
            Policy::from_file(&file, base, &policy)?;
            let text = toml::to_string(&file).context("encoding the policy")?;
            fsutil::write_atomic(&policy, text.as_bytes())
                .with_context(|| policy.display().to_string())?;
            ui.say(format!("pinned {name} in {}", policy.display()));
        }
        Sub::ImportLnd { checkout, output } => import_lnd(&checkout, &output, ui)?,
        Sub::Show { policy, json } => {
            let p = super::verify::load_policy(policy.as_deref())?;
            if json {
                let signers: Vec<_> = p
                    .signers
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "name": s.name,
                            "scheme": match s.key { SignerKey::OpenPgp { .. } => "openpgp", SignerKey::Ssh { .. } => "ssh" },
                            "fingerprint": s.fingerprint(),
                            "pin": match &s.key { SignerKey::OpenPgp { pin, .. } => Some(pin), SignerKey::Ssh { .. } => None },
                            "aliases": s.aliases,
                            "key": s.key_path,
                        })
                    })
                    .collect();
                ui.out(format!(
                    "{}\n",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"threshold": p.threshold, "signers": signers})
                    )?
                ));
            } else {
                ui.out(format!(
                    "{}: {} of {} distinct signers required\n",
                    p.source.display(),
                    p.threshold,
                    p.signers.len()
                ));
                for s in &p.signers {
                    let pinned = match &s.key {
                        SignerKey::OpenPgp { pin, fingerprint } if pin != fingerprint => {
                            format!("  (pinned as {pin})")
                        }
                        _ => String::new(),
                    };
                    ui.out(format!(
                        "  {:<16} {}{pinned}{}\n",
                        s.name,
                        s.fingerprint(),
                        s.key_path
                            .as_ref()
                            .map(|k| format!("  ({})", k.display()))
                            .unwrap_or_default()
                    ));
                }
            }
        }
    }
    Ok(EXIT_OK)
}
