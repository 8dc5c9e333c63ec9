//! `quorate policy show`: a policy's threshold and pinned signers.

use quorate_attest::{Policy, SignerKey};

/// The policy as JSON: the threshold and each signer's name, scheme,
/// fingerprint, pin, aliases and key file.
pub fn json(p: &Policy) -> anyhow::Result<String> {
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
    super::json(&serde_json::json!({"threshold": p.threshold, "signers": signers}))
}

/// The policy as text: `SOURCE: N of M distinct signers required`, then
/// one line per signer (name, fingerprint, the pin when it is not the
/// fingerprint, the key file).
pub fn render(p: &Policy) -> String {
    let mut s = format!(
        "{}: {} of {} distinct signers required\n",
        p.source.display(),
        p.threshold,
        p.signers.len()
    );
    for signer in &p.signers {
        let pinned = match &signer.key {
            SignerKey::OpenPgp { pin, fingerprint } if pin != fingerprint => {
                format!("  (pinned as {pin})")
            }
            _ => String::new(),
        };
        s.push_str(&format!(
            "  {:<16} {}{pinned}{}\n",
            signer.name,
            signer.fingerprint(),
            signer
                .key_path
                .as_ref()
                .map(|k| format!("  ({})", k.display()))
                .unwrap_or_default()
        ));
    }
    s
}
