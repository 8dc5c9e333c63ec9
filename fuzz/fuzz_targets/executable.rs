//! ELF / Mach-O / PE walk (sections, build info, hazards) through `inspect`.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_diff::{DiffOptions, inspect_bytes};

fuzz_target!(|data: &[u8]| {
    let opts = DiffOptions {
        max_decompressed: 1 << 24,
        ..DiffOptions::default()
    };
    let _ = inspect_bytes("fuzz", data, &opts);
});
