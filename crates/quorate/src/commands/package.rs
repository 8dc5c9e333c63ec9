//! `quorate package`: pack a folder into a deterministic .tar.gz or .zip.

use quorate_manifest::Hint;
use quorate_release::archive::{PackOptions, pack_dir_gnu, pack_dir_with_progress};

use crate::error::hinted;

use crate::cli::PackageArgs;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// Runs `quorate package`.
pub fn run(args: PackageArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let mtime = match args.mtime {
        Some(m) => m,
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) => v.trim().parse::<u64>().map_err(|_| {
                hinted(
                    format!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds"),
                    "e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
                )
            })?,
            Err(_) => {
                return Err(hinted(
                    "no mtime for the archive entries",
                    "pass --mtime EPOCH or set SOURCE_DATE_EPOCH, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
                ));
            }
        },
    };
    let opts = PackOptions {
        format: args.format,
        mtime,
        prefix: args.prefix.clone(),
        packer: args.packer,
    };
    let result = if args.style == "gnu" {
        pack_dir_gnu(&args.dir, &args.output, &opts)
    } else {
        pack_dir_with_progress(&args.dir, &args.output, &opts, ui)
    };
    if let Err(e) = result {
        let message = format!("cannot package {}: {e}", args.dir.display());
        return Err(match e.hint() {
            Some(h) => hinted(message, h),
            None => anyhow::anyhow!(message),
        });
    }
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    ui.say(format!(
        "wrote {} ({} bytes, {}, mtime {mtime})",
        args.output.display(),
        size,
        args.format
    ));
    Ok(ExitStatus::Success)
}
