//! `quorate init`: write a commented `quorate.toml` for the Go module in
//! the current folder.

use anyhow::Context;
use quorate_manifest::fsutil;
use quorate_release::config::{self, Config, FILE_NAME};
use quorate_release::init;

use crate::error::hinted;

use crate::cli::InitArgs;
use crate::exit::ExitStatus;
use crate::ui::Ui;

/// The Go release `init` pins when go.mod names none exactly.
const FALLBACK_GO: &str = "1.27.3";

/// Runs `quorate init`.
pub fn run(args: InitArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let module = init::detect_module(&args.dir)?;
    let go = match &args.go_version {
        Some(v) => config::parse_go_version(v).map_err(|e| anyhow::anyhow!("--go-version: {e}"))?,
        None => match module.pinned_go() {
            Some(v) => v,
            None => {
                ui.warn(format!(
                    "go.mod names no exact Go release (go {}); pinning Go {FALLBACK_GO}: check [go] version",
                    module.go_directive.as_deref().unwrap_or("?")
                ));
                FALLBACK_GO.to_string()
            }
        },
    };
    let text = init::render_init(&module, &go);
    let path = args.dir.join(FILE_NAME);
    // What we write must be what `build` accepts.
    Config::parse(&text, &path).context("internal error: the generated config does not parse")?;
    if args.stdout {
        ui.out(&text);
        return Ok(ExitStatus::Success);
    }
    if path.exists() && !args.force {
        return Err(hinted(
            format!("{}: already exists", path.display()),
            "pass --force to overwrite it, or --stdout to see what init would write",
        ));
    }
    fsutil::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    {
        use std::os::unix::fs::PermissionsExt;
        // write_atomic's temporary file is private; a config is not.
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
    }
    ui.say(format!(
        "wrote {} for {} ({} main packages: {}; Go {go})",
        path.display(),
        module.path,
        module.main_packages.len(),
        module.main_packages.join(" ")
    ));
    if !module.source.files.is_empty() {
        let s = &module.source;
        ui.say(format!(
            "read (never ran) {} build files ({}{}): {} build tags, {} -X definitions proposed, {} left as comments",
            s.files.len(),
            s.files.iter().take(4).cloned().collect::<Vec<_>>().join(" "),
            if s.files.len() > 4 { " …" } else { "" },
            s.tags.as_ref().map_or(0, |t| t.tags.len()),
            s.x.len(),
            s.unresolved_x.len() + s.unresolved_tags.len(),
        ));
    }
    if !module.nested_modules.is_empty() {
        ui.say(format!(
            "skipped {} nested modules (their own go.mod): {}",
            module.nested_modules.len(),
            module.nested_modules.join(" ")
        ));
    }
    ui.say("next: review it, then `quorate build --dry-run`");
    Ok(ExitStatus::Success)
}
