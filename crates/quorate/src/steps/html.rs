//! Writing the `--html` reports of `diff`, `verify` and `reproduce`.

use std::path::Path;

use crate::error::ResultExt;
use crate::ui::Ui;

/// Writes the `--html` page and says where.
pub fn write_html(file: &Path, page: &str, ui: &Ui) -> anyhow::Result<()> {
    quorate_html::write_report(file, page)
        .hint("give --html a file in a folder that exists and is writable")?;
    ui.say(format!("wrote {}", file.display()));
    Ok(())
}
