//! A trust policy file (standalone, or quorate.toml's [trust] table): the
//! whole loader, from a file, as `verify --policy` runs it.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn dir() -> &'static tempfile::TempDir {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| {
    let name = if data.first().is_some_and(|b| b & 1 == 1) {
        "quorate.toml"
    } else {
        "policy.toml"
    };
    let p = dir().path().join(name);
    std::fs::write(&p, data).expect("write");
    if let Ok(policy) = quorate_attest::Policy::load(&p) {
        assert!(policy.threshold >= 1 && policy.threshold <= policy.signers.len());
    }
});
