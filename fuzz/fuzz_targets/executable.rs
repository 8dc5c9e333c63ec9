//! ELF / Mach-O / PE walk (sections, build info, hazards) through `inspect`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorate_diff::{DiffOptions, inspect_bytes};

fuzz_target!(|data: &[u8]| {
    let opts = DiffOptions {
        max_decompressed: 1 << 24,
        ..DiffOptions::default()
    };
    let _ = inspect_bytes("fuzz", data, &opts);
});
