//! quorate-deflate's encoders never panic, and flate2's decoder gives the
//! input back: gzip (one-shot and streamed in fuzzer-chosen chunks), zip
//! members, and blocks with a dictionary cut at a fuzzer-chosen place
//! (packers 2 and 3: each matcher), at a fuzzer-chosen level.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_deflate::blocks::{self, Matcher};
use quorate_deflate::gzip::{self, GzEncoder, GzipOptions};
use quorate_deflate::zip::{ZipOptions, ZipWriter};
use std::io::{Read, Write};

fuzz_target!(|input: &[u8]| {
    let Some((&ctl, data)) = input.split_first() else {
        return;
    };
    let level = 1 + (ctl % 9) as u32;
    let opts = GzipOptions::no_name(level);
    let gz = gzip::compress(data, &opts).expect("valid options");
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut back)
        .expect("decodes");
    assert_eq!(back, data);

    let chunk = 1 + (ctl as usize >> 4) * 997;
    let mut enc = GzEncoder::new(Vec::new(), &opts).expect("valid options");
    for c in data.chunks(chunk) {
        enc.write_all(c).expect("in-memory write");
    }
    assert_eq!(enc.finish().expect("in-memory write"), gz);

    let mut z = ZipWriter::new(
        Vec::new(),
        ZipOptions {
            level,
            utc_offset: 0,
        },
    )
    .expect("valid");
    z.add_file("f", data, 0o644, 1_700_000_000)
        .expect("valid name");
    let archive = z.finish().expect("in-memory write");
    let method = u16::from_le_bytes([archive[8], archive[9]]);
    let csize = u32::from_le_bytes(archive[18..22].try_into().unwrap()) as usize;
    let body = &archive[31..31 + csize];
    let mut back = Vec::new();
    if method == 8 {
        flate2::read::DeflateDecoder::new(body)
            .read_to_end(&mut back)
            .expect("decodes");
    } else {
        back.extend_from_slice(body);
    }
    assert_eq!(back, data);

    // Two blocks, the first the second's dictionary, as the packer cuts a
    // stream; they concatenate into one stream that inflates to the input.
    let cut = if data.is_empty() {
        0
    } else {
        (ctl as usize * 131) % (data.len() + 1)
    };
    for m in [Matcher::Zlib, Matcher::Multiplicative] {
        let mut z = blocks::deflate_block(&[], &data[..cut], level, false, m).expect("valid level");
        z.extend(
            blocks::deflate_block(&data[..cut], &data[cut..], level, true, m).expect("valid level"),
        );
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(&z[..])
            .read_to_end(&mut back)
            .expect("decodes");
        assert_eq!(back, data, "{m:?}");
    }
});
