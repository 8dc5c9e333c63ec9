//! The build-value grammar: never panics, and nothing it accepts could be
//! read as a flag or leave the module.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_release::untrusted;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if untrusted::package(s).is_ok() {
        assert!(!s.starts_with('-'));
        assert!(!s.split('/').any(|e| e == ".." || e.starts_with('-')));
        assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control()));
    }
    if untrusted::file_version(s).is_ok() {
        assert!(!s.contains('/') && !s.starts_with(['-', '.']));
    }
    if untrusted::ldflags(s).is_ok() || untrusted::ldflags_entry(s).is_ok() {
        for w in s.split_whitespace() {
            assert!(matches!(w, "-s" | "-w" | "-X" | "-buildid=") || !w.starts_with('-'));
        }
    }
    let _ = untrusted::tag(s);
    let _ = untrusted::go_version(s);
    let _ = untrusted::x_definition(s);
});
