//! `build.json` from a release: what `verify` reads (the signed name and
//! version) and what `reproduce` reads (the whole recipe).
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = quorate_attest::verify::parse_signed_release(data) {
        for v in [&r.name, &r.version].into_iter().flatten() {
            assert!(!v.is_empty() && v.len() <= 200);
        }
    }
    let _ = serde_json::from_slice::<quorate_release::build::BuildInfo>(data);
});
