//! zip end record, central directory and local headers: every listed
//! range lies inside the input; local/central comparison and gaps.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_diff::zipfmt;

fuzz_target!(|data: &[u8]| {
    let l = zipfmt::list(data, 10_000);
    for e in &l.entries {
        assert!(e.central.end <= data.len());
        if let Some(lo) = &e.local {
            assert!(lo.header.end <= data.len() && lo.data.end <= data.len());
            assert!(lo.descriptor.end <= data.len());
        }
        let _ = zipfmt::mismatch(data, e);
        let _ = e.mtime();
    }
    for (r, _) in l.gaps(data.len()) {
        assert!(r.start < r.end && r.end <= data.len());
    }
});
