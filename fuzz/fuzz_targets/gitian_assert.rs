//! gitian `.assert` files: the `out_manifest` block and its checksum lines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = quorate_attest::gitian::out_manifest(data) {
        assert!(m.len() <= data.len());
        let _ = quorate_manifest::Manifest::parse(m.as_bytes(), "fuzz.assert");
    }
});
