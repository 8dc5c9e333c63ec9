//! The lnd `verify-install.sh` reader: never panics; what it accepts is
//! consistent (threshold within the list, unique users and fingerprints).
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_attest::lnd_import::parse_script;

fuzz_target!(|data: &[u8]| {
    if let Ok(k) = parse_script(data) {
        assert!(k.threshold >= 1 && k.threshold as usize <= k.keys.len());
        let mut users: Vec<&str> = k.keys.iter().map(|k| k.1.as_str()).collect();
        users.sort();
        users.dedup();
        assert_eq!(users.len(), k.keys.len());
        for (fpr, _, line) in &k.keys {
            assert_eq!(fpr.len(), 40);
            assert!(*line >= 1);
        }
    }
});
