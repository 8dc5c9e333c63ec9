//! `quorate inspect`: what one artifact tells on its own.

use anyhow::Context;

use crate::error::hinted;
use crate::output::{inspect::render, json};
use quorate_diff::{DiffOptions, Inspection, inspect_path};

use crate::cli::InspectArgs;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// Runs `quorate inspect`.
pub fn run(args: InspectArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    if args.file.is_dir() {
        return Err(hinted(
            format!("{}: is a folder", args.file.display()),
            "inspect one file; to compare two folders use `quorate diff`",
        ));
    }
    let ins = inspect_path(&args.file, &DiffOptions::default())
        .with_context(|| format!("inspecting {}", args.file.display()))?;
    if args.json {
        ui.out(json(&ins)?);
    } else {
        ui.out(render(&ins));
    }
    let hazards = hazard_count(&ins);
    if args.strict && hazards > 0 {
        ui.say(format!(
            "{hazards} reproducibility hazard(s) found (--strict): exit 1"
        ));
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Success)
}

/// Hazards of a file and of every member inside it.
fn hazard_count(ins: &Inspection) -> usize {
    ins.hazards.len() + ins.members.iter().map(hazard_count).sum::<usize>()
}
