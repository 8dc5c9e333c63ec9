//! Key files (any bytes): parsing into key blocks, computing every block's
//! state as gpg would, and verifying a signature made of the same bytes.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_attest::keyring::Keyring;
use quorate_attest::{keystate, openpgp};
use std::path::Path;
use std::time::SystemTime;

fuzz_target!(|data: &[u8]| {
    let mut ring = Keyring::new();
    if ring.add_bytes(data, Path::new("fuzz")).is_err() {
        return;
    }
    let now = SystemTime::now();
    for b in ring.blocks() {
        let _ = keystate::cert_state(b, &ring, now);
    }
    let fprs: Vec<String> = ring.blocks().iter().map(|b| b.fingerprint()).collect();
    let keys = openpgp::TrustedKeys {
        ring: &ring,
        pinned: fprs
            .iter()
            .map(|f| openpgp::PinnedCert {
                name: "f",
                fingerprint: f,
                pin: f,
            })
            .collect(),
    };
    let _ = openpgp::verify_detached(data, b"data", &keys, now);
});
