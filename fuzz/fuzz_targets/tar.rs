//! tar member listing (headers, long names, PAX, data slices).
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorate_diff::archive;

fuzz_target!(|data: &[u8]| {
    let (members, _) = archive::tar_members(data, 10_000);
    for m in &members {
        let _ = archive::unsafe_name(&m.name);
        let _ = m.data.bytes().map(|b| b.len());
    }
});
