//! `quorate reproduce`: rebuild a published release from source, in a
//! fresh clone, exactly as it was built; compare artifact by artifact;
//! explain every difference; optionally sign and attest the rebuild. The
//! flow is `crate::steps::reproduce` (shared with `quorate demo`).

use crate::cli::ReproduceArgs;
use crate::exit::ExitStatus;
use crate::interrupt;
use crate::steps::reproduce::{Report, reproduce};
use crate::ui::Ui;

/// Runs `quorate reproduce`.
pub fn run(args: ReproduceArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let result = reproduce(&args, Report::Print, ui).map(|(status, _)| status);
    interrupt::wait_if_interrupted();
    result
}
