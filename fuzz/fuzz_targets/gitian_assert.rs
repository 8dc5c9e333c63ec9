//! gitian `.assert` files: the `out_manifest` block and its checksum lines.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = quorate_attest::gitian::out_manifest(data) {
        assert!(m.len() <= data.len());
        let _ = quorate_manifest::Manifest::parse(m.as_bytes(), "fuzz.assert");
    }
});
