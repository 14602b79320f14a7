//! Facts about the machine and small process helpers shared by the server launchers.

use std::ffi::OsStr;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// Whether the tests run as root: only then may the harness install packages, and PostgreSQL
/// must then be run as the `postgres` OS user because `initdb` refuses root.
pub(super) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A TCP port on 127.0.0.1 that was free a moment ago. Another process may take it before the
/// server binds it, so launchers retry with a new port when the server reports "address in use".
pub(super) fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("cannot bind 127.0.0.1:0 to pick a free port: {e}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|e| format!("cannot read the port picked on 127.0.0.1: {e}"))
}

/// Finds the first of `names` on PATH or in the sbin/libexec directories that Debian keeps off
/// an ordinary user's PATH (`mariadbd` lives in /usr/sbin).
pub(super) fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/libexec"].map(PathBuf::from))
        .collect();
    names.iter().find_map(|name| {
        dirs.iter()
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    })
}

/// Whether `path` is a regular file someone may execute.
pub(super) fn is_executable(path: &Path) -> bool {
    path.metadata()
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Set once `apt-get update` has run in this process. The mutex also serialises installs:
/// PostgreSQL and MariaDB start concurrently and dpkg allows one install at a time.
static APT_UPDATED: Mutex<bool> = Mutex::new(false);

/// Installs a Debian package non-interactively (root only; callers check).
pub(super) fn install_debian_package(package: &str) -> Result<(), String> {
    let mut updated = APT_UPDATED
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    // Another test binary may be installing at the same time: wait for dpkg's lock instead of failing.
    let apt = |args: &[&str]| {
        let mut command = Command::new("apt-get");
        command
            .args(["-q", "-o", "DPkg::Lock::Timeout=600"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    if !*updated {
        run(&mut apt(&["update"]), "apt-get update")?;
        *updated = true;
    }
    run(
        &mut apt(&["install", "-y", package]),
        &format!("apt-get install {package}"),
    )?;
    Ok(())
}

/// Runs a command to completion and returns its stdout; the error names the command and
/// carries its output on one line.
pub(super) fn run(command: &mut Command, what: &str) -> Result<String, String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot run {}: {e}", display(command.get_program())))?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stdout));
    Err(format!(
        "{what} failed ({}): {}",
        output.status,
        one_line(&text)
    ))
}

/// Joins the non-empty lines of `text` with " | " so an error stays on one line.
pub(super) fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn display(program: &OsStr) -> String {
    program.to_string_lossy().into_owned()
}

/// Whether `pid` is a live process. A zombie (exited, not yet reaped) counts as gone.
pub(super) fn process_running(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The command name in parentheses may contain spaces; the state follows the last ") ".
    stat.rsplit_once(") ")
        .is_some_and(|(_, rest)| !rest.starts_with('Z'))
}

/// The last `count` lines of each existing log file, indented, for startup error messages.
pub(super) fn log_tail(paths: &[PathBuf], count: usize) -> String {
    let mut tail = String::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        tail.push_str(&format!("\n  --- {} (last lines) ---", path.display()));
        for line in &lines[lines.len().saturating_sub(count)..] {
            tail.push_str("\n  ");
            tail.push_str(line);
        }
    }
    tail
}

/// Removes client settings inherited from the developer's shell (PGHOST, PGPASSWORD,
/// MYSQL_PWD, ...) so they cannot redirect the harness's own commands to another server.
pub(super) fn isolate_client_env(command: &mut Command) {
    for (key, _) in std::env::vars_os() {
        if let Some(name) = key.to_str()
            && (name.starts_with("PG") || name.starts_with("MYSQL") || name.starts_with("MARIADB"))
        {
            command.env_remove(&key);
        }
    }
}
