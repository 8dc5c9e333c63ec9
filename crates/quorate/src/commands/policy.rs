//! `quorate policy`: create, extend and show trust policies.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use quorate_attest::lnd_import::LndImport;
use quorate_attest::policy::{PolicyFile, SignerEntry, validate_name};
use quorate_attest::{Policy, openpgp, ssh};
use quorate_manifest::fsutil;

use crate::cli::{PolicyArgs, PolicyCommand};
use crate::error::hinted;
use crate::exit::ExitStatus;
use crate::output;
use crate::steps::trust::load_policy;
use crate::ui::Ui;

fn read_policy_file(path: &Path) -> anyhow::Result<PolicyFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{}: not valid TOML", path.display()))?;
    if table.contains_key("trust") {
        return Err(hinted(
            format!(
                "{}: is a quorate.toml with a [trust] table; edit it by hand",
                path.display()
            ),
            "`policy add` edits standalone policy files",
        ));
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
    let imported = quorate_attest::lnd_import::import_lnd(checkout)?;
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
    let to_write = keys_to_write(&keys, &imported)?;
    let header = format!(
        "# Imported from {}/scripts/verify-install.sh by `quorate policy import-lnd`.\n",
        checkout.display()
    );
    let text = format!(
        "{header}{}",
        toml::to_string(&imported.policy).context("encoding the policy")?
    );
    let policy_file = (!to_stdout).then_some((output, text.as_str()));
    write_all_or_none(&keys, &to_write, policy_file)?;
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

/// The key files to write into `keys` (`<user>.asc`): a destination that
/// already holds the same bytes is skipped; any other existing one is
/// refused, before anything is written.
fn keys_to_write<'a>(
    keys: &Path,
    imported: &'a LndImport,
) -> anyhow::Result<Vec<(PathBuf, &'a Vec<u8>)>> {
    let mut to_write = Vec::new();
    for k in &imported.keys {
        let dest = keys.join(format!("{}.asc", k.user));
        match std::fs::symlink_metadata(&dest) {
            Err(_) => to_write.push((dest, &k.armored)),
            Ok(m)
                if m.file_type().is_file()
                    && std::fs::read(&dest).ok().as_ref() == Some(&k.armored) => {}
            Ok(_) => {
                return Err(hinted(
                    format!(
                        "{}: exists with other content (or is not a regular file); refusing to overwrite it",
                        dest.display()
                    ),
                    "import into a new folder",
                ));
            }
        }
    }
    Ok(to_write)
}

/// Writes the key files (creating `keys` if needed) and then the policy
/// file, if any; on an error removes whatever it wrote (and `keys` if it
/// made it).
fn write_all_or_none(
    keys: &Path,
    to_write: &[(PathBuf, &Vec<u8>)],
    policy_file: Option<(&Path, &str)>,
) -> anyhow::Result<()> {
    let made_keys_dir = !keys.exists();
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        if made_keys_dir {
            std::fs::create_dir_all(keys).with_context(|| keys.display().to_string())?;
        }
        for (dest, bytes) in to_write {
            fsutil::write_atomic(dest, bytes).with_context(|| dest.display().to_string())?;
            written.push(dest.clone());
        }
        if let Some((output, text)) = policy_file {
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
            let _ = std::fs::remove_dir(keys);
        }
        return Err(e);
    }
    Ok(())
}

/// Runs `quorate policy`.
pub fn run(args: PolicyArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    match args.command {
        PolicyCommand::Init { threshold, output } => init(threshold, &output, ui)?,
        PolicyCommand::Add {
            policy,
            name,
            key,
            ssh_key,
            threshold,
        } => add(&policy, NewSigner { name, key, ssh_key }, threshold, ui)?,
        PolicyCommand::ImportLnd { checkout, output } => import_lnd(&checkout, &output, ui)?,
        PolicyCommand::Show { policy, json } => {
            let p = load_policy(policy.as_deref())?;
            if json {
                ui.out(output::policy::json(&p)?);
            } else {
                ui.out(output::policy::render(&p));
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// `quorate policy init`: a new policy file with only a threshold
/// (refused if the file exists).
fn init(threshold: i64, output: &Path, ui: &Ui) -> anyhow::Result<()> {
    if output.exists() {
        return Err(hinted(
            format!("{}: already exists", output.display()),
            "add signers with `quorate policy add`",
        ));
    }
    let text = format!(
        "# quorate trust policy: how many distinct pinned signers must sign a release.\nthreshold = {threshold}\n\n# Add signers with `quorate policy add --policy {} --name NAME --key KEY.asc`.\n",
        output.display()
    );
    fsutil::write_atomic(output, text.as_bytes()).with_context(|| output.display().to_string())?;
    ui.say(format!("wrote {}", output.display()));
    Ok(())
}

/// The signer `quorate policy add` pins: a name and one key file.
struct NewSigner {
    /// The signer's name.
    name: String,
    /// An OpenPGP public key file.
    key: Option<PathBuf>,
    /// An SSH public key file.
    ssh_key: Option<PathBuf>,
}

/// `quorate policy add`: pins a new signer in a standalone policy file
/// (and sets the threshold if given); the result is validated before it
/// is written.
fn add(policy: &Path, signer: NewSigner, threshold: Option<i64>, ui: &Ui) -> anyhow::Result<()> {
    let name = &signer.name;
    validate_name(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let mut file = read_policy_file(policy)?;
    if file.signers.iter().any(|s| s.name == *name) {
        bail!("{}: signer {name:?} is already pinned", policy.display());
    }
    let base = policy
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let entry = signer_entry(&signer, base)?;
    file.signers.push(entry);
    if let Some(t) = threshold {
        file.threshold = Some(t);
    }
    // Validate before writing.
    Policy::from_file(&file, base, policy)?;
    let text = toml::to_string(&file).context("encoding the policy")?;
    fsutil::write_atomic(policy, text.as_bytes()).with_context(|| policy.display().to_string())?;
    ui.say(format!("pinned {name} in {}", policy.display()));
    Ok(())
}

/// The policy entry for a new signer: an OpenPGP key is copied (public
/// part, armored) to `keys/<name>.asc` beside the policy; an SSH key is
/// pinned inline.
fn signer_entry(signer: &NewSigner, base: &Path) -> anyhow::Result<SignerEntry> {
    let name = &signer.name;
    if let Some(k) = &signer.key {
        let cert = openpgp::load_one_cert(k)?;
        let rel = format!("keys/{name}.asc");
        let dest = base.join(&rel);
        std::fs::create_dir_all(base.join("keys")).context("creating keys/")?;
        fsutil::write_atomic(&dest, &openpgp::armored_public(&cert))
            .with_context(|| dest.display().to_string())?;
        Ok(SignerEntry {
            name: name.clone(),
            openpgp: Some(openpgp::fingerprint(&cert)),
            ssh: None,
            key: Some(rel),
        })
    } else if let Some(k) = &signer.ssh_key {
        let text = std::fs::read_to_string(k).with_context(|| k.display().to_string())?;
        let public =
            ssh::parse_public(&text).map_err(|e| anyhow::anyhow!("{}: {e}", k.display()))?;
        Ok(SignerEntry {
            name: name.clone(),
            openpgp: None,
            ssh: Some(public.to_openssh().context("encoding the SSH key")?),
            key: None,
        })
    } else {
        bail!("give --key FILE or --ssh-key FILE");
    }
}
