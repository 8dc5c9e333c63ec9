//! Flags of `quorate sign`.

use std::path::PathBuf;

/// Flags of `quorate sign`.
#[derive(clap::Args, Debug)]
#[command(
    group(clap::ArgGroup::new("how").required(true).args(["key", "gpg", "ssh_key"])),
    after_help = "\
Writes manifest-<SIGNER>-<VERSION>.sig (a binary OpenPGP detached signature,
as `gpg --detach-sig` makes it) or manifest-<SIGNER>-<VERSION>.sshsig (an SSH
signature, namespace \"file\", as `ssh-keygen -Y sign -n file` makes it) beside
the manifest. Before signing, the files present beside the manifest are
checked against it: quorate refuses to sign a manifest whose files differ
(missing files are fine).

Keys:
  --key FILE       an armored or binary OpenPGP secret key (Ed25519, or RSA of
                   2048 bits and up; a signing subkey is used when there is one)
  --gpg KEYID      runs your own `gpg --detach-sign --local-user KEYID`
                   (keys in gpg-agent or on a smartcard)
  --ssh-key FILE   an OpenSSH private key (Ed25519 or ECDSA)

Environment:
  QUORATE_PASSPHRASE  unlocks an encrypted --key or --ssh-key; without it
                      quorate asks on the terminal

Examples:
  quorate sign dist/v1.0.0/manifest-v1.0.0.txt --signer alice --key alice-secret.asc
  quorate sign dist/v1.0.0/manifest-v1.0.0.txt --signer alice --gpg 0x7363F82F43B1324E
  quorate sign manifest-v1.0.0.txt --signer dave --ssh-key ~/.ssh/id_ed25519

Exit codes: 0 signed; 2 could not sign (files differ from the manifest, bad
key, wrong passphrase, gpg failed)."
)]
pub struct SignArgs {
    /// The manifest to sign (manifest-<VERSION>.txt).
    pub manifest: PathBuf,
    /// Your name as pinned in the trust policy (goes into the file name).
    #[arg(long)]
    pub signer: String,
    /// OpenPGP secret key file.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Sign with your own gpg and this key id or fingerprint.
    #[arg(long, value_name = "KEYID")]
    pub gpg: Option<String>,
    /// OpenSSH private key file.
    #[arg(long = "ssh-key", value_name = "FILE")]
    pub ssh_key: Option<PathBuf>,
    /// Where to write the signature (default: beside the manifest).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}
