//! Brainpool ECDSA verification on untrusted keys and signatures: never
//! panics, whatever the point, digest and (r, s) (a random input verifying
//! would be a forgery).
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_attest::brainpool::{Brainpool, verify};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let curve = match sel % 3 {
        0 => Brainpool::P256,
        1 => Brainpool::P384,
        _ => Brainpool::P512,
    };
    // q | digest | r | s, cut by the next four length bytes.
    let Some((lens, rest)) = rest.split_at_checked(4) else {
        return;
    };
    let mut parts = Vec::new();
    let mut rest = rest;
    for &n in lens {
        let n = (n as usize).min(rest.len());
        let (p, r) = rest.split_at(n);
        parts.push(p);
        rest = r;
    }
    assert!(verify(curve, parts[0], parts[1], parts[2], parts[3]).is_err());
});
