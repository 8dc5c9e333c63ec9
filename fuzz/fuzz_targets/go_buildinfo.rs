//! Go build info: find and parse the `\xff Go buildinf:` blob anywhere.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_diff::gobuild;

fuzz_target!(|data: &[u8]| {
    // Put a magic at offset 0 half of the time so the parser gets past it.
    let _ = gobuild::read(data, None);
    let mut v = gobuild::MAGIC.to_vec();
    v.extend_from_slice(data);
    if let Some(Ok(bi)) = gobuild::read(&v, None) {
        let _ = bi.lines();
    }
});
