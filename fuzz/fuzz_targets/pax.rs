//! tar listing with PAX records (local and global), GNU long names, and
//! the byte accounting: entries are in order, inside the input, and do
//! not overlap.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_diff::tarfmt;

fuzz_target!(|data: &[u8]| {
    let _ = tarfmt::pax_records(data);
    let l = tarfmt::list(data, 10_000);
    let mut at = 0usize;
    for e in &l.entries {
        assert!(e.start() >= at && e.end() <= data.len());
        assert!(e.main.data.end <= e.main.pad.end);
        at = e.end();
        for (k, _) in &e.pax {
            let _ = tarfmt::is_xattr_key(k);
        }
    }
    assert!(l.end <= data.len() && l.end >= at);
});
