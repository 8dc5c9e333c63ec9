//! zip central directory and bounded inflate.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorate_diff::archive;

fuzz_target!(|data: &[u8]| {
    let mut budget = (data.len() as u64).saturating_mul(100);
    let start = budget;
    let (members, _) = archive::zip_members(data, 10_000, &mut budget);
    let total: u64 = members
        .iter()
        .filter_map(|m| m.data.bytes())
        .map(|b| b.len() as u64)
        .sum();
    assert!(total <= start);
});
