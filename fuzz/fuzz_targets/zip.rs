//! zip central directory and bounded inflate.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_diff::archive;

fuzz_target!(|data: &[u8]| {
    let mut budget = (data.len() as u64).saturating_mul(100);
    let start = budget;
    let (members, _) = archive::zip_members(data, 10_000, &mut budget);
    let total: u64 = members
        .iter()
        .filter_map(|m| m.data.bytes())
        .map(|b| b.len() as u64)
        .sum();
    assert!(total <= start);
});
