//! Keepers: the processes that guarantee servers and databases disappear with the test process.
//!
//! Rust never runs destructors of statics, so cleanup cannot live in `Drop`. Instead every
//! resource the harness creates is owned by a small shell script, its keeper, started in its own
//! session (so a Ctrl-C aimed at the test's process group does not reach it). A keeper blocks
//! reading its stdin, a pipe whose only writer is the test process. That pipe reaches
//! end-of-file in exactly two ways:
//!
//! * at normal exit an `atexit` handler closes it and then waits until the keeper has finished,
//!   so nothing is left once the test binary has returned;
//! * if the test process dies (panic=abort, SIGKILL, a timeout killer) the kernel closes it.
//!
//! On end-of-file a server keeper stops its server by process id, waits for it to exit and
//! deletes the server's directory; a database keeper drops the databases it was told about.
//! Both endings run the same script, so the path taken after a crash is the one every normal
//! run exercises.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use super::host;

/// Keeper of a throwaway server. Arguments: the directory to delete, the signal that shuts the
/// server down cleanly, then the server's command line. It launches the server only after
/// reading the line `start`, so it owns the directory from before `initdb` runs.
const SERVER_KEEPER: &str = r#"
# A reader that went away must not kill the keeper halfway through its cleanup.
trap '' PIPE
dir=$1
signal=$2
shift 2
if read -r word && [ "$word" = start ]; then
    "$@" </dev/null >>"$dir/server.log" 2>&1 &
    server=$!
    echo "$server"
    exec >/dev/null
    while read -r line; do :; done
    kill -s "$signal" "$server" 2>/dev/null
    # The server is our child: it lingers as a zombie until `wait` below, so poll its state.
    ticks=0
    while [ -e "/proc/$server" ] && [ "$(sed 's/.*) //' "/proc/$server/stat" 2>/dev/null | cut -c1)" != Z ]; do
        ticks=$((ticks + 1))
        if [ "$ticks" -eq 600 ]; then kill -s KILL "$server" 2>/dev/null; fi
        sleep 0.1
    done
    wait "$server"
fi
rm -rf "$dir"
"#;

/// Keeper of databases created on an external server. Arguments: `postgres` or `mariadb`, then
/// the admin client's command line up to the SQL. Each stdin line names a database to drop; the
/// harness only sends names made of `[a-z0-9_]`, so they are safe inside the SQL text.
const DATABASE_KEEPER: &str = r#"
trap '' PIPE
engine=$1
shift
names=
while read -r name; do names="$names $name"; done
for name in $names; do
    case $engine in
    postgres)
        "$@" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$name' AND pid <> pg_backend_pid()" \
             -c "DROP DATABASE IF EXISTS \"$name\"" >/dev/null
        ;;
    mariadb)
        for id in $("$@" -e "SELECT id FROM information_schema.PROCESSLIST WHERE db = '$name'"); do
            "$@" -e "KILL CONNECTION $id" 2>/dev/null
        done
        "$@" -e "DROP DATABASE IF EXISTS \`$name\`"
        ;;
    esac
done
"#;

/// How long the exiting test process waits for one keeper before warning and leaving it to finish alone.
const FINISH_TIMEOUT: Duration = Duration::from_secs(120);

/// A running keeper, owned by the registry below until it is finished.
struct Entry {
    label: String,
    child: Child,
    /// The write end of the keeper's stdin; dropping it is the signal to clean up.
    stdin: Option<ChildStdin>,
}

/// Every keeper this process started, so the exit handler can finish them all.
static KEEPERS: Mutex<Vec<Option<Entry>>> = Mutex::new(Vec::new());
static EXIT_HANDLER: Once = Once::new();

/// Handle to one registered keeper.
#[derive(Debug)]
pub(super) struct Keeper {
    slot: usize,
    label: String,
    /// The keeper's stdout, read once to learn the server's process id.
    stdout: Option<ChildStdout>,
}

impl Keeper {
    /// Starts the keeper of a throwaway server; from now on it owns `dir` and deletes it at the
    /// end. The server itself starts on [`Keeper::launch`].
    pub(super) fn for_server(
        label: &str,
        dir: &Path,
        stop_signal: &str,
        server: &[OsString],
    ) -> Result<Keeper, String> {
        let mut args = vec![dir.as_os_str().to_owned(), stop_signal.into()];
        args.extend(server.iter().cloned());
        spawn(label, SERVER_KEEPER, &args, &[], true)
    }

    /// Starts the keeper that drops databases created on an external server.
    pub(super) fn for_databases(
        label: &str,
        engine: &str,
        client: &[OsString],
        env: &[(String, String)],
    ) -> Result<Keeper, String> {
        let mut args = vec![OsString::from(engine)];
        args.extend(client.iter().cloned());
        spawn(label, DATABASE_KEEPER, &args, env, false)
    }

    /// Tells a server keeper to start its server and returns the server's process id.
    pub(super) fn launch(&mut self) -> Result<u32, String> {
        self.send_line("start")?;
        let stdout = self
            .stdout
            .take()
            .ok_or_else(|| format!("{}: server already launched", self.label))?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("{}: cannot read the server's process id: {e}", self.label))?;
        line.trim().parse().map_err(|_| {
            format!(
                "{}: keeper did not report a process id (got {line:?})",
                self.label
            )
        })
    }

    /// Records a database for the keeper to drop at the end.
    pub(super) fn remember_database(&self, name: &str) -> Result<(), String> {
        self.send_line(name)
    }

    /// Closes the keeper's pipe and waits until it has cleaned up (used when a start attempt fails).
    pub(super) fn finish(&self) -> Result<(), String> {
        let entry = lock().get_mut(self.slot).and_then(Option::take);
        match entry {
            Some(entry) => finish_entry(entry),
            None => Ok(()),
        }
    }

    fn send_line(&self, line: &str) -> Result<(), String> {
        let mut keepers = lock();
        let stdin = keepers
            .get_mut(self.slot)
            .and_then(Option::as_mut)
            .and_then(|entry| entry.stdin.as_mut())
            .ok_or_else(|| format!("{}: keeper already finished", self.label))?;
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("{}: keeper is gone ({e})", self.label))
    }
}

fn spawn(
    label: &str,
    script: &str,
    args: &[OsString],
    env: &[(String, String)],
    report_pid: bool,
) -> Result<Keeper, String> {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .arg(format!("wfvis-keeper-{label}"))
        .args(args)
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(if report_pid {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::inherit());
    host::isolate_client_env(&mut command);
    command.envs(env.iter().map(|(key, value)| (key, value)));
    // SAFETY: the closure runs between fork and exec and only calls setsid, which is
    // async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    EXIT_HANDLER.call_once(|| {
        // SAFETY: registering a plain extern "C" function with atexit has no preconditions.
        if unsafe { libc::atexit(finish_all_at_exit) } != 0 {
            eprintln!("wfvis test harness: atexit registration failed; keepers will still clean up when this process exits, without being waited for");
        }
    });
    let mut child = command
        .spawn()
        .map_err(|e| format!("{label}: cannot start its keeper shell (sh): {e}"))?;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let mut keepers = lock();
    keepers.push(Some(Entry {
        label: label.to_owned(),
        child,
        stdin,
    }));
    Ok(Keeper {
        slot: keepers.len() - 1,
        label: label.to_owned(),
        stdout,
    })
}

fn lock() -> std::sync::MutexGuard<'static, Vec<Option<Entry>>> {
    KEEPERS.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn finish_entry(mut entry: Entry) -> Result<(), String> {
    drop(entry.stdin.take());
    wait_for(&mut entry)
}

fn wait_for(entry: &mut Entry) -> Result<(), String> {
    let deadline = Instant::now() + FINISH_TIMEOUT;
    loop {
        match entry.child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(format!("{}: keeper exited with {status}", entry.label));
            }
            Ok(None) if Instant::now() > deadline => {
                return Err(format!(
                    "{}: keeper still cleaning up after {FINISH_TIMEOUT:?}; leaving it to finish alone",
                    entry.label
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{}: cannot wait for keeper: {e}", entry.label)),
        }
    }
}

/// Runs at normal process exit: closes every keeper's pipe first, so they clean up in
/// parallel, then waits for each.
extern "C" fn finish_all_at_exit() {
    // Unwinding out of an extern "C" function would abort the exiting process.
    let _ = std::panic::catch_unwind(|| {
        let mut entries: Vec<Entry> = lock().iter_mut().filter_map(Option::take).collect();
        for entry in &mut entries {
            drop(entry.stdin.take());
        }
        for entry in &mut entries {
            if let Err(message) = wait_for(entry) {
                eprintln!("wfvis test harness: {message}");
            }
        }
    });
}
