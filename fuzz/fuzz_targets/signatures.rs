//! Signature files as found in a release: combined OpenPGP files (many
//! armored or binary signatures), cleartext-signed messages, and SSH
//! signature files holding several blocks. Every signature gets a verdict
//! and nothing untrusted is ever GOOD.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::SystemTime;

use libfuzzer_sys::fuzz_target;
use quorate_attest::policy::{Policy, Signer, SignerKey};
use quorate_attest::verify::{Verdict, count_quorum, verify_signature_bytes};

fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let cert = quorate_attest::openpgp::generate_demo_key("fuzz <fuzz@example.org>")
            .expect("demo key");
        let fingerprint = quorate_attest::openpgp::fingerprint(&cert);
        let mut keyring = quorate_attest::keyring::Keyring::new();
        keyring.add_cert(&cert);
        Policy {
            threshold: 1,
            signers: vec![Signer {
                name: "fuzz".into(),
                key: SignerKey::OpenPgp {
                    pin: fingerprint.clone(),
                    fingerprint,
                },
                key_path: None,
                aliases: Vec::new(),
            }],
            source: PathBuf::from("fuzz-policy.toml"),
            keyring,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let name = match sel % 3 {
        0 => "manifest-fuzz-v1.sig",
        1 => "manifest-fuzz-v1.asc",
        _ => "manifest-fuzz-v1.sshsig",
    };
    let manifest = b"0000000000000000000000000000000000000000000000000000000000000000  a\n";
    let mut reports = verify_signature_bytes(name, rest, manifest, policy(), SystemTime::now());
    assert!(!reports.is_empty(), "every file gets at least one verdict");
    let q = count_quorum(&mut reports, policy());
    // Random bytes never carry a signature by the (secret, unshared) key.
    assert!(reports.iter().all(|r| r.verdict != Verdict::Good));
    assert!(!q.met);
});
