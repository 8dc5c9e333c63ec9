//! `quorate recipe`'s readers on untrusted bytes: one archive (tar.gz or
//! zip, chosen by the first byte; a tar.gz either as given or the bytes
//! as a tar stream wrapped in a gzip member, so that the tar readers,
//! GNU and Go writer recognition included, see tar-like input) within
//! small limits; release-script and GoReleaser configuration text for
//! `-X` definitions; a file name as a GoReleaser checksums name. Never
//! panics; the recipe never lists more members than the limit.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_deflate::goflate::GoVersion;
use quorate_deflate::gogzip::{self, GoGzipOptions};
use quorate_reproduce::foreign::x_definitions_in;
use quorate_reproduce::goreleaser::{self, TemplateValues};
use quorate_reproduce::published::goreleaser_checksums_name;
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
    let wrapped;
    let input = if sel & 3 == 2 {
        wrapped = gogzip::compress(rest, &GoGzipOptions::new(1, GoVersion::From1_27)).unwrap();
        &wrapped[..]
    } else {
        rest
    };
    let mut bins = Vec::new();
    if let Ok(r) = archive_recipe(name, input, &limits, &mut bins) {
        assert!(r.members.len() <= limits.max_members);
    }
    let text = String::from_utf8_lossy(rest).into_owned();
    for x in x_definitions_in(
        &[("Makefile".into(), text.clone())],
        "v1.0.0",
        "0123456789abcdef",
    ) {
        assert!(x.definition.len() <= 4096);
    }
    let values = TemplateValues {
        tag: "v1.2.3".into(),
        commit: "0123456789abcdef0123456789abcdef01234567".into(),
        commit_time: Some(1_763_632_800),
        project: Some("p".into()),
    };
    for x in goreleaser::x_definitions_in(".goreleaser.yaml", &text, &values) {
        assert!(!x.definition.contains(char::is_whitespace));
    }
    if let Some((project, version)) = goreleaser_checksums_name(&text) {
        assert!(!project.is_empty() && !version.contains('/'));
    }
});
