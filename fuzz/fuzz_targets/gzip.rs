//! gzip header and bounded inflate.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_diff::archive;

fuzz_target!(|data: &[u8]| {
    let _ = archive::gzip_header(data);
    let limit = (data.len() as u64).saturating_mul(100).max(1024);
    if let Ok(g) = archive::gunzip_members(data, limit) {
        assert!(g.data.len() as u64 <= limit);
        assert!(g.end <= data.len());
        let mut at = 0;
        for m in &g.members {
            assert!(m.start >= at && m.trailer.end <= data.len());
            at = m.trailer.end;
        }
    }
});
