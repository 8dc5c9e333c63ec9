//! gzip header and bounded inflate.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorate_diff::archive;

fuzz_target!(|data: &[u8]| {
    let _ = archive::gzip_header(data);
    let limit = (data.len() as u64).saturating_mul(100).max(1024);
    if let Ok(v) = archive::gunzip(data, limit) {
        assert!(v.len() as u64 <= limit);
    }
});
