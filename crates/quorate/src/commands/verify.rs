//! `quorate verify`: signatures against a trust policy, then files against
//! the manifest; or every builder's attestation in an attestation repo.

use std::path::PathBuf;

use anyhow::Context;
use quorate_attest::attest;
use quorate_attest::verify::{VerifyOptions, verify_release, verify_sums};

use crate::cli::VerifyArgs;
use crate::error::hinted;
use crate::exit::ExitStatus;
use crate::output::verify::{print_attestations, print_release, with_trust};
use crate::steps::html::write_html;
use crate::steps::trust::{TrustFlags, resolve_policy};
use crate::ui::Ui;

fn trust_flags(args: &VerifyArgs) -> TrustFlags<'_> {
    TrustFlags {
        policy: args.policy.as_deref(),
        keys_dir: args.keys_dir.as_deref(),
        project: args.project.as_deref(),
        threshold: args.threshold,
        threshold_override: args.threshold_override,
    }
}

/// The project the release must be: `--name`, else the name in the
/// quorate.toml of `--project`. A file with only a `[trust]` table names no
/// project (then no name is required); a `[project]` table without a
/// string `name`, or a file that cannot be read, is an error rather than a
/// silently skipped check.
fn expected_name(args: &VerifyArgs) -> anyhow::Result<Option<String>> {
    if let Some(n) = &args.name {
        return Ok(Some(n.clone()));
    }
    let Some(dir) = &args.project else {
        return Ok(None);
    };
    let path = dir.join("quorate.toml");
    let bytes = quorate_manifest::fsutil::read_regular_capped(&path, 1 << 20)
        .with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| t.parse().ok())
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    match table.get("project") {
        None => Ok(None),
        Some(p) => match p.get("name").and_then(|n| n.as_str()) {
            Some(n) => Ok(Some(n.to_string())),
            None => Err(hinted(
                anyhow::anyhow!(
                    "{}: [project] has no name, so the signed project name cannot be checked",
                    path.display()
                ),
                "add name = \"...\" under [project], or pass --name NAME",
            )),
        },
    }
}

/// Runs `quorate verify`.
pub fn run(args: VerifyArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    if let Some(repo) = &args.attestations {
        let (policy, problems, trust) = resolve_policy(&trust_flags(&args), Some(repo), ui)?;
        let version = args.version.as_deref().unwrap_or_default();
        let rep = attest::compare(repo, version, &policy, &problems, args.reject_expired)?;
        if args.json {
            ui.out(format!("{}\n", with_trust(&rep, &trust)?));
        } else {
            print_attestations(ui, &rep, policy.threshold, &trust);
        }
        if let Some(file) = &args.html {
            let page = quorate_html::attestation_report(&rep, &Default::default());
            write_html(file, &page, ui)?;
        }
        return Ok(ExitStatus::check(rep.ok));
    }
    let target = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let verified = if args.signatures.is_empty() {
        target.clone()
    } else {
        args.files.clone().unwrap_or_else(|| match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        })
    };
    let (policy, _problems, trust) = resolve_policy(&trust_flags(&args), Some(&verified), ui)?;
    let options = VerifyOptions {
        require_all: args.require_all,
        reject_expired: args.reject_expired,
        strict: args.strict,
        expected_version: args.version.clone(),
        expected_name: expected_name(&args)?,
    };
    let rep = if !args.signatures.is_empty() {
        if !target.is_file() {
            return Err(hinted(
                format!("{}: not a file", target.display()),
                "with --signatures, give the checksum file they sign (e.g. SHA256SUMS)",
            ));
        }
        verify_sums(&target, &args.signatures, &verified, &policy, options, ui)
            .with_context(|| format!("verifying {}", target.display()))?
    } else {
        if !target.is_dir() {
            return Err(hinted(
                format!("{}: not a folder", target.display()),
                "give the folder holding the release, its manifest and signatures (or a checksum file with --signatures)",
            ));
        }
        verify_release(&target, &policy, options, ui)
            .with_context(|| format!("verifying {}", target.display()))?
    };
    if args.json {
        ui.out(format!("{}\n", with_trust(&rep, &trust)?));
    } else {
        print_release(ui, &rep, &trust);
    }
    if let Some(file) = &args.html {
        let options = quorate_html::VerifyHtmlOptions {
            trust: Some(trust.line().trim().to_string()),
            ..Default::default()
        };
        let page = quorate_html::verify_report(&rep, &options);
        write_html(file, &page, ui)?;
    }
    Ok(ExitStatus::check(rep.ok))
}
