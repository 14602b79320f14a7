//! Throwaway PostgreSQL: `initdb` into a temp directory, then a server on a free loopback port
//! with relaxed durability and a default collation that is not C.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use super::client::{AdminClient, Login};
use super::launch::{self, AttemptError};
use super::server::{Origin, TestServer, process_token};
use super::{Engine, host};

/// The OS user that owns the cluster when the tests run as root.
const OS_USER: &str = "postgres";

/// Server binaries from one installation.
struct Binaries {
    initdb: PathBuf,
    postgres: PathBuf,
    psql: PathBuf,
}

/// How the cluster gets a default collation that is not C (issue 3 runs the suite on one).
#[derive(Debug)]
enum DefaultCollation {
    /// A glibc locale the machine already has, preferably en_US.UTF-8.
    Libc(String),
    /// No such locale: ICU's en-US as the database default (PostgreSQL 15+), which needs no
    /// change to the machine's locales.
    Icu,
}

/// Starts the throwaway PostgreSQL server, retrying on another port if one is taken.
pub(super) fn start() -> Result<TestServer, String> {
    let began = Instant::now();
    let binaries = find_binaries()?;
    let collation = DefaultCollation::choose();
    launch::on_free_port("PostgreSQL", |port| {
        attempt(&binaries, &collation, port, began)
    })
}

fn attempt(
    binaries: &Binaries,
    collation: &DefaultCollation,
    port: u16,
    began: Instant,
) -> Result<TestServer, AttemptError> {
    let as_root = host::is_root();
    let (dir, mut keeper) = launch::directory_with_keeper("postgres", "INT", |dir| {
        let mut argv = run_as_owner(as_root);
        argv.push(binaries.postgres.clone().into());
        for arg in [
            "-D".into(),
            dir.join("data").into_os_string(),
            "-p".into(),
            port.to_string().into(),
            // The socket goes to the temp dir: the default /var/run/postgresql belongs to the distro cluster.
            "-k".into(),
            dir.as_os_str().to_owned(),
            "-c".into(),
            "listen_addresses=127.0.0.1".into(),
            "-c".into(),
            "fsync=off".into(),
            "-c".into(),
            "synchronous_commit=off".into(),
            "-c".into(),
            "full_page_writes=off".into(),
            // Each test opens its own pool; 100 (the default) is tight for a whole binary.
            "-c".into(),
            "max_connections=200".into(),
        ] {
            argv.push(arg);
        }
        argv
    })?;
    let data = dir.join("data");
    let initialised = Instant::now();
    let ready = (|| {
        if as_root {
            // mktemp directories are root-only; the postgres user must own the cluster.
            host::run(
                Command::new("chown")
                    .arg(format!("{OS_USER}:{OS_USER}"))
                    .arg(&dir),
                "chown of the PostgreSQL temp directory",
            )
            .map_err(AttemptError::Failed)?;
        }
        initdb(binaries, collation, &dir, as_root).map_err(AttemptError::Failed)?;
        let init_time = initialised.elapsed();
        let pid = keeper.launch().map_err(AttemptError::Failed)?;
        let client = AdminClient::postgres(
            binaries.psql.clone(),
            &Login {
                host: "127.0.0.1",
                port,
                user: "postgres",
                password: None,
            },
            "postgres",
            Vec::new(),
        );
        launch::wait_until_ready("PostgreSQL", pid, &data, &[dir.join("server.log")], || {
            client.run(None, "SHOW data_directory")
        })?;
        check_collation_is_not_c(&client).map_err(AttemptError::Failed)?;
        let version = client
            .run(None, "SHOW server_version")
            .map_err(AttemptError::Failed)?;
        Ok((pid, client, version, init_time))
    })();
    let (pid, client, version, init_time) = match ready {
        Ok(parts) => parts,
        Err(error) => return launch::abandon(&keeper, error),
    };
    let startup = began.elapsed();
    eprintln!(
        "wfvis test harness: PostgreSQL {version} ready on 127.0.0.1:{port} in {:.2}s (initdb {:.2}s, {collation:?} default collation), data in {}",
        startup.as_secs_f64(),
        init_time.as_secs_f64(),
        dir.display()
    );
    Ok(TestServer {
        engine: Engine::Postgres,
        url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        port,
        version,
        client,
        keeper,
        origin: Origin::Throwaway { pid, dir },
        startup,
        token: process_token(),
        created: AtomicU64::new(0),
        shared: OnceLock::new(),
    })
}

/// Prefix that runs a command as the cluster's owner when the tests run as root. `setpriv`
/// execs in place (unlike `runuser`), so the process id the keeper reports is the server's.
fn run_as_owner(as_root: bool) -> Vec<OsString> {
    if !as_root {
        return Vec::new();
    }
    [
        "setpriv",
        "--reuid",
        OS_USER,
        "--regid",
        OS_USER,
        "--init-groups",
        "--",
    ]
    .map(OsString::from)
    .to_vec()
}

fn initdb(
    binaries: &Binaries,
    collation: &DefaultCollation,
    dir: &Path,
    as_root: bool,
) -> Result<(), String> {
    let argv = run_as_owner(as_root);
    let mut command = match argv.split_first() {
        Some((program, rest)) => {
            let mut command = Command::new(program);
            command.args(rest).arg(&binaries.initdb);
            command
        }
        None => Command::new(&binaries.initdb),
    };
    command
        .arg("-D")
        .arg(dir.join("data"))
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ])
        .current_dir(dir);
    match collation {
        DefaultCollation::Libc(locale) => {
            command.arg(format!("--locale={locale}"));
        }
        DefaultCollation::Icu => {
            command.args([
                "--locale=C.UTF-8",
                "--locale-provider=icu",
                "--icu-locale=en-US",
            ]);
        }
    }
    host::isolate_client_env(&mut command);
    host::run(&mut command, "initdb").map(|_| ())
}

impl DefaultCollation {
    fn choose() -> DefaultCollation {
        let listed = Command::new("locale")
            .arg("-a")
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
            .unwrap_or_default();
        let utf8: Vec<&str> = listed
            .lines()
            .map(str::trim)
            .filter(|name| {
                let normal = name.to_ascii_lowercase().replace("utf-8", "utf8");
                normal.ends_with(".utf8")
                    && !normal.starts_with("c.")
                    && !normal.starts_with("posix")
            })
            .collect();
        let preferred = utf8
            .iter()
            .find(|name| name.to_ascii_lowercase().replace("utf-8", "utf8") == "en_us.utf8")
            .or(utf8.first());
        match preferred {
            Some(name) => DefaultCollation::Libc((*name).to_owned()),
            None => DefaultCollation::Icu,
        }
    }
}

/// Checks behaviour rather than names: under C, 'B' (0x42) sorts before 'a' (0x61).
fn check_collation_is_not_c(client: &AdminClient) -> Result<(), String> {
    match client.run(None, "SELECT 'a' < 'B'")?.as_str() {
        "t" => Ok(()),
        other => Err(format!(
            "PostgreSQL's default collation still orders like C ('a' < 'B' is {other:?}); issue 3 needs a non-C default"
        )),
    }
}

fn find_binaries() -> Result<Binaries, String> {
    if let Some(found) = locate() {
        return Ok(found);
    }
    if !host::is_root() {
        return Err(format!(
            "wfvis test databases: no PostgreSQL server binaries (initdb, postgres, psql) found, and installing the Debian package `postgresql` needs root; install it, or set {} to a PostgreSQL server the tests may use (and {} for MariaDB)",
            Engine::Postgres.url_var(),
            Engine::MariaDb.url_var()
        ));
    }
    host::install_debian_package("postgresql")?;
    locate().ok_or_else(|| {
        "installed `postgresql` but still found no initdb/postgres/psql under /usr/lib/postgresql/*/bin or on PATH".to_owned()
    })
}

/// Debian keeps server binaries in /usr/lib/postgresql/<major>/bin, off PATH: take the newest
/// major there, else the directory an `initdb` on PATH really lives in.
fn locate() -> Option<Binaries> {
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    majors.sort();
    majors
        .into_iter()
        .rev()
        .find_map(|(_, dir)| in_dir(&dir))
        .or_else(|| {
            let initdb = host::find_program(&["initdb"])?.canonicalize().ok()?;
            in_dir(initdb.parent()?)
        })
}

fn in_dir(dir: &Path) -> Option<Binaries> {
    let initdb = dir.join("initdb");
    let postgres = dir.join("postgres");
    if !host::is_executable(&initdb) || !host::is_executable(&postgres) {
        return None;
    }
    let beside = dir.join("psql");
    let psql = if host::is_executable(&beside) {
        beside
    } else {
        host::find_program(&["psql"])?
    };
    Some(Binaries {
        initdb,
        postgres,
        psql,
    })
}
