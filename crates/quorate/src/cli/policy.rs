//! Flags of `quorate policy`.

use std::path::PathBuf;

/// Flags of `quorate policy`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
A trust policy is a threshold and the pinned signers (name, full OpenPGP
fingerprint and key file, or SSH public key). It lives in a standalone file
(--policy FILE) or in the [trust] table of quorate.toml.

Examples:
  quorate policy init --threshold 2 -o release-policy.toml
  quorate policy add --policy release-policy.toml --name alice --key alice.asc
  quorate policy add --policy release-policy.toml --name dave --ssh-key dave.pub
  quorate policy show --policy release-policy.toml
  quorate policy import-lnd ~/src/lnd -o lnd-policy.toml

Exit codes: 0 done (for show: the policy is valid); 2 invalid policy or key.")]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum PolicyCommand {
    /// Write a new, empty policy file.
    Init {
        /// How many distinct signers must sign.
        #[arg(long, default_value_t = 1)]
        threshold: i64,
        /// The file to write.
        #[arg(short, long, default_value = "quorate-policy.toml")]
        output: PathBuf,
    },
    /// Pin a signer: copies the public key to keys/<NAME>.asc beside the policy.
    Add {
        /// The policy file.
        #[arg(long, value_name = "FILE", default_value = "quorate-policy.toml")]
        policy: PathBuf,
        /// The signer's name.
        #[arg(long)]
        name: String,
        /// The signer's OpenPGP public key file (exactly one key).
        #[arg(long, value_name = "FILE", group = "k")]
        key: Option<PathBuf>,
        /// The signer's SSH public key file (`*.pub`).
        #[arg(long = "ssh-key", value_name = "FILE", group = "k")]
        ssh_key: Option<PathBuf>,
        /// Set the threshold too.
        #[arg(long)]
        threshold: Option<i64>,
    },
    /// Write a policy from an lnd-style checkout: the pinned KEYS+=(...) and
    /// MIN_REQUIRED_SIGNATURES of scripts/verify-install.sh, the public keys
    /// of scripts/keys/ (written to keys/ beside the policy). The script is
    /// read, never run; anything bash could read differently is refused.
    ImportLnd {
        /// The lnd (or taproot-assets, …) source checkout.
        checkout: PathBuf,
        /// The policy file to write; `-` prints it on stdout (the keys then
        /// go to ./keys/).
        #[arg(short, long, default_value = "quorate-policy.toml")]
        output: PathBuf,
    },
    /// Validate a policy and list its signers.
    Show {
        /// The policy (default: [trust] of ./quorate.toml).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}
