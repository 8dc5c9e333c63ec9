//! End-to-end tests of the `quorate` binary against the real tools users
//! have (sha256sum, GNU tar, gzip, zip, gpg, ssh-keygen, Go). One test
//! binary; one module per area.

mod util;

mod manifest;
mod package;
mod build;
mod sign;
mod diff;
mod toolchain;
mod sigfixture;
mod verify_adversarial;
mod attest_repo;
mod verify_existing;
