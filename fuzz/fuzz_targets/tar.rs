//! tar member listing (headers, long names, PAX, data slices).
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_diff::archive;

fuzz_target!(|data: &[u8]| {
    let (members, _) = archive::tar_members(data, 10_000);
    for m in &members {
        let _ = archive::unsafe_name(&m.name);
        let _ = m.data.bytes().map(|b| b.len());
    }
});
