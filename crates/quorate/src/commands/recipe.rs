//! `quorate recipe`: how a release quorate did not make was made, read
//! from what was published.

use quorate_reproduce::recipe::{self, Limits};

use crate::cli::RecipeArgs;
use crate::exit::ExitStatus;
use crate::output::{json, recipe::render};
use crate::ui::Ui;

/// Runs `quorate recipe`.
pub fn run(args: RecipeArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let r = recipe::read(&args.dir, &Limits::default())?;
    if args.json {
        ui.out(json(&r)?);
    } else {
        ui.out(render(&r));
    }
    for w in &r.warnings {
        ui.warn(w);
    }
    Ok(ExitStatus::Success)
}
