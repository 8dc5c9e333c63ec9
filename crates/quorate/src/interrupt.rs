//! Ctrl-C (and SIGTERM/SIGHUP): remove the registered temporary folders and
//! exit with 130 ([`crate::exit::ExitStatus::Interrupted`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::exit::ExitStatus;

/// The temporary folders to remove on Ctrl-C.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set once Ctrl-C (or SIGTERM/SIGHUP) arrived.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs (once) a handler that removes the registered folders, says so
/// as `<who>: interrupted; …` and exits with 130. (The `go` processes of a
/// build get the terminal's SIGINT themselves; the build then fails, and
/// [`wait_if_interrupted`] leaves the exit to the handler.)
pub fn install(who: &'static str) {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = ctrlc::set_handler(move || {
            INTERRUPTED.store(true, Ordering::SeqCst);
            let dirs = CLEANUP
                .lock()
                .map(|d| d.clone())
                .unwrap_or_else(|p| p.into_inner().clone());
            for d in dirs {
                let _ = std::fs::remove_dir_all(&d);
            }
            let _ = writeln!(
                std::io::stderr(),
                "{who}: interrupted; temporary folders removed"
            );
            std::process::exit(i32::from(ExitStatus::Interrupted.code()));
        });
    });
}

/// When interrupted, waits for the handler to finish and exit (130): a
/// build that failed because Ctrl-C killed `go` must not race it with
/// exit code 2.
pub fn wait_if_interrupted() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// Registers a folder for removal on Ctrl-C until dropped.
pub struct Registered(PathBuf);

impl Registered {
    /// Registers `dir`.
    pub fn new(dir: &Path) -> Self {
        if let Ok(mut d) = CLEANUP.lock() {
            d.push(dir.to_path_buf());
        }
        Registered(dir.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut d) = CLEANUP.lock() {
            d.retain(|p| p != &self.0);
        }
    }
}
