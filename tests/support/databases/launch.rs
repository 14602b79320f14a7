//! Steps shared by the throwaway PostgreSQL and MariaDB launchers: a temp directory owned by a
//! keeper, port retries, and waiting until the server answers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::host;
use super::keeper::Keeper;

/// How many free ports to try before giving up; a clash needs another process binding the port
/// in the instant between picking it and the server binding it.
const PORT_ATTEMPTS: usize = 5;
/// Generous: a 2-core CI machine may be compiling while the server starts.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// Why one start attempt failed.
pub(super) enum AttemptError {
    /// Another process holds the port: try again with a new one.
    PortTaken(String),
    /// Anything else: report it.
    Failed(String),
}

/// Runs `attempt` with fresh free ports until it succeeds, fails for another reason, or every
/// port tried was taken.
pub(super) fn on_free_port<T>(
    what: &str,
    mut attempt: impl FnMut(u16) -> Result<T, AttemptError>,
) -> Result<T, String> {
    let mut last = String::new();
    for _ in 0..PORT_ATTEMPTS {
        match attempt(host::free_port()?) {
            Ok(value) => return Ok(value),
            Err(AttemptError::PortTaken(message)) => last = message,
            Err(AttemptError::Failed(message)) => return Err(message),
        }
    }
    Err(format!(
        "{what}: {PORT_ATTEMPTS} free ports were each taken by another process before the server bound them; last: {last}"
    ))
}

/// A fresh temp directory `wfvis-<label>-XXXXXX`, handed straight to a keeper so it is deleted
/// however the test process ends. Its canonical path is returned, for comparing with what the
/// server reports as its data directory.
pub(super) fn directory_with_keeper(
    label: &str,
    stop_signal: &str,
    server: impl FnOnce(&Path) -> Vec<std::ffi::OsString>,
) -> Result<(PathBuf, Keeper), AttemptError> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("wfvis-{label}-"))
        .tempdir()
        .map_err(|e| AttemptError::Failed(format!("{label}: cannot create a temp directory: {e}")))?
        .keep();
    let dir = dir.canonicalize().unwrap_or(dir);
    let keeper =
        Keeper::for_server(label, &dir, stop_signal, &server(&dir)).map_err(|message| {
            let _ = std::fs::remove_dir_all(&dir);
            AttemptError::Failed(message)
        })?;
    Ok((dir, keeper))
}

/// Polls `probe` until it returns the server's data directory. Fails early when the server
/// process exits (as `PortTaken` if its logs say the address was in use), after the timeout,
/// or when the answer comes from another server that holds the port.
pub(super) fn wait_until_ready(
    what: &str,
    pid: u32,
    data_dir: &Path,
    logs: &[PathBuf],
    mut probe: impl FnMut() -> Result<String, String>,
) -> Result<(), AttemptError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        let error = match probe() {
            Ok(answer) => {
                let reported = Path::new(answer.trim().trim_end_matches('/'));
                if reported == data_dir {
                    return Ok(());
                }
                return Err(AttemptError::PortTaken(format!(
                    "{what}: the port answered for another server (data directory {})",
                    reported.display()
                )));
            }
            Err(error) => error,
        };
        if !host::process_running(pid) {
            let tail = host::log_tail(logs, 12);
            if tail.contains("already in use") {
                return Err(AttemptError::PortTaken(format!(
                    "{what}: {}",
                    host::one_line(&tail)
                )));
            }
            return Err(AttemptError::Failed(format!(
                "{what} exited while starting:{tail}"
            )));
        }
        if Instant::now() > deadline {
            return Err(AttemptError::Failed(format!(
                "{what} did not answer within {READY_TIMEOUT:?}; last client error: {error}{}",
                host::log_tail(logs, 12)
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Finishes a failed attempt's keeper (stopping the server and deleting its directory) and
/// passes the error on.
pub(super) fn abandon<T>(keeper: &Keeper, error: AttemptError) -> Result<T, AttemptError> {
    if let Err(message) = keeper.finish() {
        eprintln!("wfvis test harness: {message}");
    }
    Err(error)
}
