//! Terminal output: colours, errors with hints, and progress bars.
//!
//! Data that can be piped goes to stdout; messages, progress and errors go
//! to stderr. Colours follow the terminal and `NO_COLOR` (through
//! anstream); progress bars show only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use quorate_manifest::Progress;

/// Styles used across commands.
pub mod style {
    use super::*;
    /// Good outcomes (MATCH, GOOD, REPRODUCED).
    pub const GOOD: Style = AnsiColor::Green.on_default().bold();
    /// Failed checks (MISMATCH, BAD, DIFFERENT).
    pub const BAD: Style = AnsiColor::Red.on_default().bold();
    /// Warnings and partial outcomes.
    pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
    /// Headings and names.
    pub const HEAD: Style = Style::new().bold();
    /// Secondary text.
    pub const DIM: Style = Style::new().dimmed();
}

/// The output context handed to every command.
pub struct Ui {
    progress_enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Ui {
    /// Detects whether stderr is a terminal.
    pub fn new() -> Self {
        Self {
            progress_enabled: std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
        }
    }

    /// Prints `text` styled with `style` (colour only where supported).
    pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
        format!("{style}{text}{style:#}")
    }

    /// A line on stderr (messages, steps).
    pub fn say(&self, line: impl std::fmt::Display) {
        self.with_bar_suspended(|| {
            let _ = writeln!(anstream::stderr(), "{line}");
        });
    }

    /// A step heading on stderr: `==> text`.
    pub fn step(&self, line: impl std::fmt::Display) {
        self.say(format!(
            "{} {}",
            Self::paint(style::HEAD, "==>"),
            Self::paint(style::HEAD, line)
        ));
    }

    /// A warning on stderr.
    pub fn warn(&self, line: impl std::fmt::Display) {
        self.say(format!("{} {line}", Self::paint(style::WARN, "warning:")));
    }

    /// Next steps on stderr, one `hint: …` line each (the hints of a
    /// report that is not an error; errors carry theirs).
    pub fn hint(&self, lines: impl std::fmt::Display) {
        for l in lines.to_string().lines() {
            self.say(format!("hint: {l}"));
        }
    }

    /// Prints an error: the cause first, then its hints
    /// ([`crate::error::render`]).
    pub fn error(&self, err: &anyhow::Error) {
        self.say(crate::error::render(
            &Self::paint(style::BAD, "error:"),
            err,
        ));
    }

    /// Writes data to stdout (never styled when piped). The write is
    /// checked: a closed pipe ends the program quietly (as `head` expects
    /// of any CLI tool); any other failure (a full disk, `/dev/full`) is an
    /// error and exits 2, so a truncated output never passes for a whole
    /// one.
    pub fn out(&self, text: impl std::fmt::Display) {
        let mut out = anstream::stdout();
        let r = write!(out, "{text}").and_then(|()| out.flush());
        if let Err(e) = r {
            stdout_failed(&e);
        }
    }

    /// Flushes stdout, with the same checks as [`Ui::out`].
    pub fn finish(&self) {
        if let Err(e) = std::io::stdout().flush() {
            stdout_failed(&e);
        }
    }

    fn with_bar_suspended(&self, f: impl FnOnce()) {
        let bar = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        match bar.as_ref() {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }
}

/// Ends the program after a failed write to stdout.
fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(141);
    }
    let _ = writeln!(
        anstream::stderr(),
        "{} cannot write to standard output: {e}",
        Ui::paint(style::BAD, "error:")
    );
    std::process::exit(i32::from(crate::exit::ExitStatus::Error.code()));
}

/// The progress bar's template: a count (`3/8 targets`) for items, sizes
/// and a rate for bytes.
fn bar_template(items: bool) -> &'static str {
    if items {
        "{msg:>12} [{bar:30}] {pos}/{len}"
    } else {
        "{msg:>12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
    }
}

impl Ui {
    /// Starts a bar (or a spinner when `total` is 0), on a terminal only.
    fn begin_bar(&self, what: &str, total: u64, items: bool) {
        if !self.progress_enabled {
            return;
        }
        let bar = if total > 0 {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(bar_template(items))
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            b
        } else {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        };
        bar.set_message(what.to_string());
        *self.bar.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar);
    }
}

impl Progress for Ui {
    fn begin(&self, what: &str, total: u64) {
        self.begin_bar(what, total, false);
    }

    fn begin_items(&self, what: &str, total: u64) {
        self.begin_bar(what, total, true);
    }

    fn advance(&self, n: u64) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            b.inc(n);
        }
    }

    fn end(&self) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).take() {
            b.finish_and_clear();
        }
    }

    fn note(&self, message: &str) {
        self.say(format!("    {message}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_counted_not_sized() {
        assert!(bar_template(true).contains("{pos}/{len}"));
        assert!(!bar_template(true).contains("bytes"));
        assert!(bar_template(false).contains("{bytes}/{total_bytes}"));
        for items in [true, false] {
            assert!(ProgressStyle::with_template(bar_template(items)).is_ok());
        }
    }

    #[test]
    fn no_bar_when_not_a_terminal() {
        let ui = Ui {
            progress_enabled: false,
            bar: Mutex::new(None),
        };
        ui.begin_items("building", 8);
        assert!(ui.bar.lock().unwrap().is_none());
    }
}
