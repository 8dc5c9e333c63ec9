//! The whole engine on two inputs split from one buffer: the first two
//! bytes give the split point.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use quorate_diff::{DiffOptions, diff_bytes, render_text};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let split = usize::from(u16::from_le_bytes([data[0], data[1]]));
    let rest = &data[2..];
    let split = split.min(rest.len());
    let (a, b) = rest.split_at(split);
    let opts = DiffOptions {
        timeout: Duration::from_secs(5),
        max_decompressed: 1 << 24,
        ..DiffOptions::default()
    };
    let r = diff_bytes("fuzz", a, b, &opts);
    assert_eq!(r.identical, a == b);
    let _ = render_text(&r, 10);
});
