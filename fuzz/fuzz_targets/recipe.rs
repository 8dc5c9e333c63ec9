//! `quorate recipe`'s readers on untrusted bytes: one archive (tar.gz or
//! zip, chosen by the first byte) within small limits, and release-script
//! text for `-X` definitions. Never panics; the recipe never lists more
//! members than the limit.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorate_reproduce::foreign::x_definitions_in;
use quorate_reproduce::recipe::{Limits, archive_recipe};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_inflated: 4 << 20,
        max_ratio: 100,
        max_members: 64,
    };
    let name = if sel & 1 == 0 { "a.tar.gz" } else { "a.zip" };
    let mut bins = Vec::new();
    if let Ok(r) = archive_recipe(name, rest, &limits, &mut bins) {
        assert!(r.members.len() <= limits.max_members);
    }
    let text = String::from_utf8_lossy(rest).into_owned();
    for x in x_definitions_in(&[("Makefile".into(), text)], "v1.0.0", "0123456789abcdef") {
        assert!(x.definition.len() <= 4096);
    }
});
