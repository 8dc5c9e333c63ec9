//! End-to-end tests of the `quorate` binary against the real tools users
//! have (sha256sum, GNU tar, gzip, zip, gpg, ssh-keygen, Go). One test
//! binary; one module per area.

mod util;

mod attest_repo;
mod build;
mod diff;
mod diff_adversarial;
mod first_hour;
mod gpg_agreement;
mod html;
mod import_lnd;
mod init;
mod manifest;
mod options;
mod package;
mod reproduce;
mod reproduce_foreign;
mod reproduce_foreign_adversarial;
mod reproduce_goreleaser;
mod sigfixture;
mod sign;
mod snapshots;
mod toolchain;
mod verify_adversarial;
mod verify_existing;
mod verify_goreleaser;
