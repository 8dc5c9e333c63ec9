//! quorate-deflate's Go-compatible encoders never panic, and flate2's
//! decoder gives the input back: raw DEFLATE of both Go compressors at a
//! fuzzer-chosen level (−2..=9), the same fed in fuzzer-chosen chunks
//! (identical bytes), a gzip member and a zip member.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_deflate::goflate::{Deflater, GoVersion, deflate_raw};
use quorate_deflate::gogzip::{self, GoGzipOptions};
use quorate_deflate::gozip::{GoTime, GoZipOptions, GoZipWriter};
use std::io::Read;

fuzz_target!(|input: &[u8]| {
    let Some((&ctl, data)) = input.split_first() else {
        return;
    };
    let level = (ctl % 12) as i32 - 2;
    let version = if ctl & 0x80 == 0 {
        GoVersion::UpTo1_26
    } else {
        GoVersion::From1_27
    };
    let raw = deflate_raw(data, level, version).expect("valid level");
    let mut back = Vec::new();
    flate2::read::DeflateDecoder::new(&raw[..])
        .read_to_end(&mut back)
        .expect("decodes");
    assert_eq!(back, data);

    let chunk = 1 + ((ctl as usize >> 4) & 7) * 4099;
    let mut d = Deflater::new(level, version).expect("valid level");
    let mut streamed = Vec::new();
    for c in data.chunks(chunk) {
        d.write(c);
        streamed.extend(d.take_output());
    }
    d.finish();
    streamed.extend(d.take_output());
    assert_eq!(streamed, raw);

    let gz = gogzip::compress(data, &GoGzipOptions::new(level, version)).expect("valid");
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut back)
        .expect("decodes");
    assert_eq!(back, data);

    let mut z = GoZipWriter::new(Vec::new(), GoZipOptions { level, version }).expect("valid");
    z.add_file("f", data, 0o644, GoTime::utc(1_700_000_000))
        .expect("valid name");
    let archive = z.finish().expect("in-memory write");
    // Local header (30 bytes) + name (1) + extended timestamp (9).
    let body = &archive[40..40 + raw.len()];
    assert_eq!(body, &raw[..]);
});
