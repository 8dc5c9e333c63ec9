//! Flags of `quorate verify`.

use std::path::PathBuf;

/// Flags of `quorate verify`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Verifies a downloaded release folder: finds manifest-<VERSION>.txt and every
manifest-<SIGNER>-<VERSION>.sig / .asc / .sshsig (or GoReleaser's
<PROJECT>_<VERSION>_checksums.txt or checksums.txt and its .sig / .asc,
whose names claim no signer: the key decides), gives each signature a
verdict, counts the quorum, then checks the files present against the
manifest. A folder holding both kinds, or two of either, is refused.

Verdicts:
  GOOD       verifies, made by a pinned key that was valid when it signed
  BAD        does not verify, malformed, or refused (SHA-1, RSA < 2048, DSA,
             dated before its key was created, …); the reason is printed
  UNKNOWN    made by a key that no signer of the policy pins
  EXPIRED    made after the key expired
  REVOKED    made by a key revoked as compromised (or with no reason: never
             counts), or made after the key was retired or superseded
  DUPLICATE  a second good signature by a key that already counted
Only GOOD signatures count, one per distinct pinned key. A signature made
while its key was valid stays GOOD after the key expires (a note says when
it expired), and after a retirement made later.

Files: MATCH, MISMATCH, MISSING (fine unless --require-all).

Trust never comes from the folder being verified. It comes from what you
chose, in this order: --policy FILE; --keys-dir DIR (one key file per signer,
named <signer>.gpg or .asc; needs --threshold); --project DIR (the [trust]
table of DIR/quorate.toml); else your own policy at
$XDG_CONFIG_HOME/quorate/policy.toml (~/.config/quorate/policy.toml). The
output says which one was used.

--threshold N may only raise the policy's threshold. Lowering it needs
--threshold-override N, which is reported in the verdict and the JSON.

Version: the signed version is the one in the build.json the manifest lists
(so the signatures cover it); it is always printed. A manifest whose file
name says another version fails (a renamed, older release), and so does
--version V when the signed version is not V. Likewise the project: with
--name N (or --project DIR, whose quorate.toml names it) the signed project
name must be N, so another project's release signed by the same people is
refused.

Files: only regular files are read. Links leaving the folder, FIFOs and
devices are errors; every file present but not listed is UNLISTED (and
fails with --strict).

Key lifetimes: a signature made while its key was valid stays GOOD after the
key expires (note: key expired on DATE) and counts unless --reject-expired; one
made after the expiry is EXPIRED. A key revoked as compromised (or with no
reason) never counts; one retired or superseded counts only for signatures
made before the revocation. The key's state at the signature's creation
time decides, because releases outlive keys but a stolen key can back-date.

With --signatures FILE...: verifies a checksum file (e.g. Bitcoin Core's
SHA256SUMS) against combined signature files holding many signatures
(SHA256SUMS.asc); every signature gets its own verdict. Any other signed
file (a YAML or text document) gets its signatures checked alone.

With --attestations REPO --version V: verifies every <V>/<SIGNER>/ folder of
an attestation repository (quorate's manifest-<V>.txt and signature, or
guix.sigs' all.SHA256SUMS / noncodesigned.SHA256SUMS with .asc; keys from
--policy or --keys-dir, e.g. --keys-dir REPO/builder-keys, never implicitly
from the repository) and prints, artifact by artifact, which signers attest
which digest, naming each signer who disagrees with the majority. A signer
whose documents give two digests for one file vouches for neither.

Examples:
  quorate verify ~/Downloads/tapd-v0.7.0 --policy tapd-policy.toml
  quorate verify SHA256SUMS --signatures SHA256SUMS.asc --keys-dir guix.sigs/builder-keys --threshold 5
  quorate verify --attestations guix.sigs --version 27.0 --keys-dir guix.sigs/builder-keys --threshold 5
  quorate verify dist/v1.0.0 --project . --version v1.0.0 --json
  quorate verify --attestations ../release-sigs --version v1.0.0 --policy release-policy.toml

Exit codes:
  0  the quorum is met and every file present matches (every listed file,
     with --require-all); for attestations: the quorum is met and every
     counting signer agrees on every artifact
  1  quorum not met, a file differs or is missing (--require-all), a file
     is unlisted (--strict), the signed version is not the one named, or a
     signer disagrees
  2  could not verify: no manifest or two manifests, malformed manifest,
     invalid policy or key file, unreadable folder")]
pub struct VerifyArgs {
    /// The release folder (default: the current folder), or with
    /// --signatures, the checksum file they sign (SHA256SUMS).
    pub dir: Option<PathBuf>,
    /// The trust policy (default: --project's, else
    /// $XDG_CONFIG_HOME/quorate/policy.toml; never the verified folder's).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Trust the keys in this folder instead of a policy: one file per
    /// signer (<signer>.gpg or .asc), named as the signer; needs --threshold.
    #[arg(long, value_name = "DIR", conflicts_with = "policy")]
    pub keys_dir: Option<PathBuf>,
    /// Trust the [trust] table of this project's quorate.toml.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["policy", "keys_dir"])]
    pub project: Option<PathBuf>,
    /// How many distinct signers must sign (with --keys-dir; otherwise it
    /// may only raise the policy's threshold).
    #[arg(long, value_name = "N")]
    pub threshold: Option<usize>,
    /// Use N as the threshold even though the policy asks for more (or
    /// fewer); reported in the verdict and the JSON.
    #[arg(long, value_name = "N", conflicts_with_all = ["threshold", "keys_dir"])]
    pub threshold_override: Option<usize>,
    /// Files present but not in the manifest (UNLISTED) fail the check.
    #[arg(long)]
    pub strict: bool,
    /// Signature files over the checksum file given as the first argument
    /// (each may hold many armored signatures, like Bitcoin Core's SHA256SUMS.asc).
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "attestations")]
    pub signatures: Vec<PathBuf>,
    /// With --signatures: the folder holding the files to check (default:
    /// the checksum file's folder). Files not present are skipped.
    #[arg(long, value_name = "DIR", requires = "signatures")]
    pub files: Option<PathBuf>,
    /// Print a machine-readable JSON report on stdout.
    #[arg(long)]
    pub json: bool,
    /// Every file the manifest lists must be present.
    #[arg(long)]
    pub require_all: bool,
    /// Do not count signatures whose key has expired since, even when they
    /// were made while it was valid.
    #[arg(long)]
    pub reject_expired: bool,
    /// Verify the attestations in this repository instead of a release folder.
    #[arg(
        long,
        value_name = "REPO",
        requires = "version",
        conflicts_with = "dir"
    )]
    pub attestations: Option<PathBuf>,
    /// The version expected: the signed version must be this one (with
    /// --attestations: the version folder to compare).
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
    /// The project expected: the signed build.json's name must be this one
    /// (default with --project: the name in its quorate.toml).
    #[arg(long, value_name = "NAME", conflicts_with = "attestations")]
    pub name: Option<String>,
    /// Also write a self-contained HTML report to FILE (docs/html-report.md).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}
