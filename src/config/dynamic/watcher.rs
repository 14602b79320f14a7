//! [`DynamicConfigWatcher`]: re-reads a dynamic-config file while the process runs and
//! publishes each new valid version as one settings snapshot.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::DynamicConfig;
use crate::dual::{SettingsHandle, VisibilitySettings, publish};
use crate::error::{Error, Result};

/// Name of the counter incremented for every failed load or reload.
pub const ERROR_COUNTER: &str = "visibility_dynamic_config_errors";
/// Name of the counter incremented for every applied load or reload.
pub const RELOAD_COUNTER: &str = "visibility_dynamic_config_reloads";

/// How a [`DynamicConfigWatcher`] runs.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// How often the file is read and compared with the last version seen (default 10 s).
    pub poll_interval: Duration,
    /// The settings the file does not hold (e.g. the failure policy); every published
    /// snapshot is this with the file's settings applied.
    pub base: VisibilitySettings,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(10),
            base: VisibilitySettings::default(),
        }
    }
}

/// What a reload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReloadOutcome {
    /// The file's content is the one last seen, which is applied; nothing was published.
    Unchanged,
    /// New content was parsed and published as this generation.
    Applied {
        /// The generation of the published snapshot.
        generation: u64,
    },
}

/// Watches a dynamic-config file and publishes its settings into a [`SettingsHandle`].
///
/// Every `poll_interval` the file is read and hashed; a change of content (whatever its
/// modification time) is parsed and, when valid, published with [`publish`] as one new
/// generation. A file that is invalid, missing or unreadable leaves the last good settings in
/// place; the failure is logged with `tracing::error!`, counted in the
/// `visibility_dynamic_config_errors` counter and kept for [`last_error`](Self::last_error).
/// The same bad content is reported once, not on every poll.
///
/// Replace the file atomically (write another file, then rename it over this one) so a poll
/// never reads a half-written version; an empty file is always rejected for that reason.
///
/// The poll task ends on [`stop`](Self::stop) or when the watcher is dropped.
#[derive(Debug)]
pub struct DynamicConfigWatcher {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl DynamicConfigWatcher {
    /// Loads `path`, publishes its settings into `handle`, then polls the file on the current
    /// Tokio runtime.
    ///
    /// Fails, publishing nothing and starting no task, when the file cannot be read or is
    /// invalid, when `poll_interval` is zero, or when called outside a Tokio runtime.
    pub fn start(
        path: impl Into<PathBuf>,
        handle: SettingsHandle,
        options: WatchOptions,
    ) -> Result<DynamicConfigWatcher> {
        if options.poll_interval.is_zero() {
            return Err(Error::invalid_argument(
                "dynamic config poll interval must be greater than zero",
            ));
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::Internal(
                "DynamicConfigWatcher::start must be called inside a Tokio runtime".into(),
            )
        })?;
        let shared = Arc::new(Shared {
            path: path.into(),
            handle,
            base: options.base,
            stopped: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        });
        shared.check()?;
        let task = runtime.spawn(poll(Arc::clone(&shared), options.poll_interval));
        Ok(DynamicConfigWatcher { shared, task })
    }

    /// Reads the file now, as a poll would, and returns what happened. When the content is
    /// the one last seen and it was rejected, returns that error again (without counting
    /// it twice). Works after [`stop`](Self::stop) too.
    pub fn reload_now(&self) -> Result<ReloadOutcome> {
        self.shared.check()
    }

    /// Ends the poll task. After this returns no poll publishes anything. Idempotent.
    pub fn stop(&self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        self.task.abort();
        // A poll already past its stop check holds the state lock until it has published;
        // taking the lock waits for it, so nothing is published after `stop` returns.
        drop(self.shared.lock());
    }

    /// Whether the poll task is still running.
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }

    /// The watched file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// The error of the latest load attempt, or `None` when the latest content was applied.
    pub fn last_error(&self) -> Option<Error> {
        self.shared.lock().last_error.clone()
    }

    /// How many times the file's settings were published, the initial load included.
    pub fn reload_count(&self) -> u64 {
        self.shared.lock().reloads
    }

    /// How many loads failed (bad content or an unreadable file), the initial one included.
    pub fn error_count(&self) -> u64 {
        self.shared.lock().errors
    }

    /// The warnings of the last applied version of the file.
    pub fn warnings(&self) -> Vec<String> {
        self.shared.lock().warnings.clone()
    }
}

impl Drop for DynamicConfigWatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn poll(shared: Arc<Shared>, interval: Duration) {
    let mut ticker = tokio::time::interval_at(Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let s = Arc::clone(&shared);
        // File I/O and parsing run on the blocking pool so a slow file system never stalls
        // the runtime's workers. The outcome is recorded and logged by `check`.
        let done = tokio::task::spawn_blocking(move || s.check_unless_stopped()).await;
        if shared.stopped.load(Ordering::SeqCst) || done.as_ref().is_err_and(|e| e.is_cancelled()) {
            break;
        }
        if let Err(e) = done {
            tracing::error!(path = %shared.path.display(), error = %e, "dynamic config poll failed");
        }
    }
}

/// State shared by the watcher and its poll task.
#[derive(Debug)]
struct Shared {
    path: PathBuf,
    handle: SettingsHandle,
    base: VisibilitySettings,
    stopped: AtomicBool,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// What the latest attempt found; the same observation again is not processed again.
    seen: Option<Observed>,
    last_error: Option<Error>,
    warnings: Vec<String>,
    reloads: u64,
    errors: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Observed {
    Content(u64),
    Unreadable(String),
}

impl Shared {
    /// The state stays consistent even if a holder panicked (nothing here panics), so a
    /// poisoned lock is used as is rather than propagating the panic.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn check_unless_stopped(&self) -> Result<ReloadOutcome> {
        let state = self.lock();
        if self.stopped.load(Ordering::SeqCst) {
            return Ok(ReloadOutcome::Unchanged);
        }
        self.check_locked(state)
    }

    fn check(&self) -> Result<ReloadOutcome> {
        self.check_locked(self.lock())
    }

    /// Holding the lock for the whole read-parse-publish keeps concurrent checks (a poll and
    /// `reload_now`) from publishing out of order.
    fn check_locked(&self, mut state: MutexGuard<'_, State>) -> Result<ReloadOutcome> {
        let (observed, loaded) = match std::fs::read(&self.path) {
            Ok(bytes) => (Observed::Content(content_hash(&bytes)), self.parse(bytes)),
            Err(e) => {
                let e = Error::Unavailable(format!(
                    "cannot read dynamic config file {}: {e}",
                    self.path.display()
                ));
                (Observed::Unreadable(e.to_string()), Err(e))
            }
        };
        if state.seen.as_ref() == Some(&observed) {
            return match &state.last_error {
                Some(e) => Err(e.clone()),
                None => Ok(ReloadOutcome::Unchanged),
            };
        }
        state.seen = Some(observed);
        match loaded {
            Ok(config) => {
                let generation = publish(&self.handle, config.apply_to(&self.base));
                state.reloads += 1;
                state.last_error = None;
                state.warnings = config.warnings;
                metrics::counter!(RELOAD_COUNTER).increment(1);
                tracing::info!(
                    path = %self.path.display(),
                    generation,
                    writing_mode = %config.writing_mode,
                    "dynamic config applied"
                );
                Ok(ReloadOutcome::Applied { generation })
            }
            Err(e) => {
                state.errors += 1;
                state.last_error = Some(e.clone());
                metrics::counter!(ERROR_COUNTER).increment(1);
                tracing::error!(
                    path = %self.path.display(),
                    error = %e,
                    "dynamic config rejected; keeping the last good settings"
                );
                Err(e)
            }
        }
    }

    /// A zero-byte file is rejected rather than read as "all defaults": it is what a poll
    /// sees when a writer has truncated the file but not yet written it, and applying it
    /// would briefly switch every setting back to its default.
    fn parse(&self, bytes: Vec<u8>) -> Result<DynamicConfig> {
        if bytes.is_empty() {
            return Err(Error::invalid_argument(format!(
                "dynamic config file {} is empty (write {{}} for all defaults)",
                self.path.display()
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::invalid_argument(format!(
                "dynamic config file {} is not UTF-8 text (byte {})",
                self.path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        DynamicConfig::from_yaml_str(&text).map_err(|e| {
            Error::invalid_argument(format!("{}: {}", self.path.display(), e.message()))
        })
    }
}

/// 64-bit FNV-1a: stable across runs and platforms, and plenty to tell versions of one
/// small file apart.
fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::content_hash;

    #[test]
    fn content_hash_is_fnv1a() {
        assert_eq!(content_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(content_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(content_hash(b"dual"), content_hash(b"duak"));
    }
}
