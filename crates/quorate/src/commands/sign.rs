//! `quorate sign`: sign a manifest (OpenPGP or SSH).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::error::hinted;
use quorate_attest::policy::validate_name;
use quorate_attest::{openpgp, ssh};
use quorate_manifest::check::check;
use quorate_manifest::{EntryStatus, Manifest, fsutil};

use crate::cli::SignArgs;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// The version in `manifest-<version>.txt`.
fn version_of(manifest: &Path) -> Option<String> {
    let name = manifest.file_name()?.to_str()?;
    let v = name.strip_prefix("manifest-")?.strip_suffix(".txt")?;
    (!v.is_empty()).then(|| v.to_string())
}

/// Reads a passphrase from the terminal without echo.
fn prompt_passphrase(ui: &Ui, what: &str) -> anyhow::Result<String> {
    ui.say(format!("passphrase for {what}: "));
    let stty = |arg: &str| {
        Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status()
    };
    let _ = stty("-echo");
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    let _ = stty("echo");
    read.context("reading the passphrase")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Signs with `f(passphrase)`: first with QUORATE_PASSPHRASE (or none),
/// then, when the key wants a passphrase and stdin is a terminal, asks.
fn with_passphrase<T, E: std::fmt::Display>(
    ui: &Ui,
    what: &Path,
    f: impl Fn(Option<&str>) -> Result<T, E>,
) -> anyhow::Result<T> {
    let env = std::env::var("QUORATE_PASSPHRASE").ok();
    match f(env.as_deref()) {
        Ok(v) => Ok(v),
        Err(e)
            if env.is_none()
                && e.to_string().contains("passphrase")
                && std::io::stdin().is_terminal() =>
        {
            let pw = prompt_passphrase(ui, &what.display().to_string())?;
            f(Some(&pw)).map_err(|e| anyhow::anyhow!("{e}"))
        }
        Err(e) => bail!("{e}"),
    }
}

/// Runs `quorate sign`.
pub fn run(args: SignArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    validate_name(&args.signer).map_err(|e| anyhow::anyhow!("--signer: {e}"))?;
    let manifest = Manifest::read(&args.manifest)?;
    let dir = match args.manifest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let ext = if args.ssh_key.is_some() {
        "sshsig"
    } else {
        "sig"
    };
    let output = match (&args.output, version_of(&args.manifest)) {
        (Some(o), _) => o.clone(),
        (None, Some(v)) => dir.join(format!("manifest-{}-{v}.{ext}", args.signer)),
        (None, None) => {
            return Err(hinted(
                format!(
                    "{}: the name is not manifest-<VERSION>.txt, so the signature's name is unknown",
                    args.manifest.display()
                ),
                "pass -o FILE",
            ));
        }
    };

    // Refuse to vouch for files that differ from the manifest.
    let report = check(&manifest, &dir, &|_| true, ui)
        .with_context(|| format!("checking the files beside {}", args.manifest.display()))?;
    let bad: Vec<String> = report
        .entries
        .iter()
        .filter_map(|e| match &e.status {
            EntryStatus::Mismatch { actual } => Some(format!(
                "  MISMATCH {} (listed {}, found {actual})",
                e.path, e.expected
            )),
            EntryStatus::Unreadable { error } => Some(format!("  UNREADABLE {} ({error})", e.path)),
            _ => None,
        })
        .collect();
    if !bad.is_empty() {
        return Err(hinted(
            format!(
                "{}: {} beside the manifest {} not match it; refusing to sign\n{}",
                args.manifest.display(),
                quorate_base::text::count(bad.len(), "file"),
                if bad.len() == 1 { "does" } else { "do" },
                bad.join("\n")
            ),
            "rebuild, or regenerate the manifest with `quorate manifest`",
        ));
    }
    let (m, _, missing, _) = report.counts();

    let (bytes, who): (Vec<u8>, String) = if let Some(key) = &args.key {
        let cert = openpgp::load_one_cert(key)?;
        let data =
            std::fs::read(&args.manifest).with_context(|| args.manifest.display().to_string())?;
        let sig = with_passphrase(ui, key, |pw| openpgp::sign_with_cert(&cert, pw, &data))
            .with_context(|| format!("{}: cannot sign", key.display()))?;
        (sig, format!("OpenPGP key {}", openpgp::fingerprint(&cert)))
    } else if let Some(keyid) = &args.gpg {
        (
            gpg_sign(&args.manifest, keyid, &output)?,
            format!("gpg key {keyid}"),
        )
    } else if let Some(key) = &args.ssh_key {
        let sig = with_passphrase(ui, key, |pw| ssh::sign_file(&args.manifest, key, pw))?;
        (sig.into_bytes(), format!("SSH key {}", key.display()))
    } else {
        bail!("give --key, --gpg or --ssh-key");
    };
    fsutil::write_atomic(&output, &bytes)
        .with_context(|| format!("writing {}", output.display()))?;
    ui.say(format!(
        "signed {} as {} with {who} ({m} files checked{}): wrote {}",
        args.manifest.display(),
        args.signer,
        if missing > 0 {
            format!(", {missing} not present")
        } else {
            String::new()
        },
        output.display()
    ));
    Ok(ExitStatus::Success)
}

/// Asks the user's gpg for a binary detached signature.
fn gpg_sign(manifest: &Path, keyid: &str, output: &Path) -> anyhow::Result<Vec<u8>> {
    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".quorate-gpg-")
        .tempdir_in(dir)
        .with_context(|| format!("creating a temporary folder in {}", dir.display()))?;
    let out = tmp.path().join("sig");
    let status = Command::new("gpg")
        .args(["--detach-sign", "--local-user", keyid, "--output"])
        .arg(&out)
        .arg(manifest)
        .status();
    match status {
        Err(e) => {
            return Err(hinted(
                format!("cannot run gpg: {e}"),
                "install GnuPG, or sign with --key FILE",
            ));
        }
        Ok(s) if !s.success() => {
            return Err(hinted(
                format!("gpg --detach-sign --local-user {keyid} failed ({s})"),
                "check the key id with `gpg --list-secret-keys`",
            ));
        }
        Ok(_) => {}
    }
    std::fs::read(&out).with_context(|| format!("reading gpg's signature {}", out.display()))
}
