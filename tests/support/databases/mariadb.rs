//! Throwaway MariaDB: `mariadb-install-db` into a temp directory, then `mariadbd` on a free
//! loopback port with relaxed durability and the server's own latin1 default character set.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use super::client::{AdminClient, Login};
use super::launch::{self, AttemptError};
use super::server::{Origin, TestServer, process_token};
use super::{Engine, host};

/// Server and client binaries.
struct Binaries {
    server: PathBuf,
    install_db: PathBuf,
    client: PathBuf,
}

/// Starts the throwaway MariaDB server, retrying on another port if one is taken.
pub(super) fn start() -> Result<TestServer, String> {
    let began = Instant::now();
    let binaries = find_binaries()?;
    launch::on_free_port("MariaDB", |port| attempt(&binaries, port, began))
}

fn attempt(binaries: &Binaries, port: u16, began: Instant) -> Result<TestServer, AttemptError> {
    // mariadbd refuses to run as root unless told to; as another user it runs as that user.
    let user: Vec<OsString> = if host::is_root() {
        vec!["--user=root".into()]
    } else {
        Vec::new()
    };
    let (dir, mut keeper) = launch::directory_with_keeper("mariadb", "TERM", |dir| {
        let path = |name: &str| {
            let mut arg = OsString::from(format!("--{name}="));
            arg.push(dir.join(match name {
                "datadir" => "data",
                "socket" => "mariadbd.sock",
                "pid-file" => "mariadbd.pid",
                "tmpdir" => "tmp",
                _ => "error.log",
            }));
            arg
        };
        // --no-defaults must come first. No --character-set-server: issue 3 runs the suite
        // on a server left at its latin1 default, so the stores must set their own collations.
        let mut argv = vec![
            binaries.server.clone().into_os_string(),
            "--no-defaults".into(),
        ];
        argv.extend(user.iter().cloned());
        argv.extend([
            path("datadir"),
            path("socket"),
            path("pid-file"),
            path("log-error"),
            path("tmpdir"),
            format!("--port={port}").into(),
            "--bind-address=127.0.0.1".into(),
            "--skip-name-resolve".into(),
            "--innodb-flush-log-at-trx-commit=0".into(),
            "--innodb-doublewrite=0".into(),
            // Each test opens its own pool; 151 (the default) is tight for a whole binary.
            "--max-connections=500".into(),
        ]);
        argv
    })?;
    let data = dir.join("data");
    // A private tmpdir: in the shared /tmp, another server's or cleaner's work has deleted
    // the bootstrap's own temp table under it ("Error on delete of '/tmp/#sql-temptable-…'").
    let tmp = dir.join("tmp");
    let ready = (|| {
        std::fs::create_dir_all(&tmp)
            .map_err(|e| AttemptError::Failed(format!("cannot create {}: {e}", tmp.display())))?;
        let initialised = Instant::now();
        let mut install = Command::new(&binaries.install_db);
        install
            .arg("--no-defaults")
            .args(&user)
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--tmpdir={}", tmp.display()))
            // A password-less root that may log in over TCP (the default only allows the Unix socket).
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .current_dir(&dir);
        host::isolate_client_env(&mut install);
        host::run(&mut install, "mariadb-install-db").map_err(AttemptError::Failed)?;
        let init_time = initialised.elapsed();
        let pid = keeper.launch().map_err(AttemptError::Failed)?;
        let client = AdminClient::mariadb(
            binaries.client.clone(),
            &Login {
                host: "127.0.0.1",
                port,
                user: "root",
                password: None,
            },
            Vec::new(),
        );
        let logs = [dir.join("error.log"), dir.join("server.log")];
        launch::wait_until_ready("MariaDB", pid, &data, &logs, || {
            client.run(None, "SELECT @@datadir")
        })?;
        let version = client
            .run(None, "SELECT VERSION()")
            .map_err(AttemptError::Failed)?;
        Ok((pid, client, version, init_time))
    })();
    let (pid, client, version, init_time) = match ready {
        Ok(parts) => parts,
        Err(error) => return launch::abandon(&keeper, error),
    };
    let startup = began.elapsed();
    eprintln!(
        "wfvis test harness: MariaDB {version} ready on 127.0.0.1:{port} in {:.2}s (install-db {:.2}s), data in {}",
        startup.as_secs_f64(),
        init_time.as_secs_f64(),
        dir.display()
    );
    Ok(TestServer {
        engine: Engine::MariaDb,
        url: format!("mysql://root@127.0.0.1:{port}/"),
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

fn find_binaries() -> Result<Binaries, String> {
    if let Some(found) = locate() {
        return Ok(found);
    }
    if !host::is_root() {
        return Err(format!(
            "wfvis test databases: no MariaDB binaries (mariadbd, mariadb-install-db, mariadb) found, and installing the Debian package `mariadb-server` needs root; install it, or set {} to a MariaDB server the tests may use (and {} for PostgreSQL)",
            Engine::MariaDb.url_var(),
            Engine::Postgres.url_var()
        ));
    }
    host::install_debian_package("mariadb-server")?;
    locate().ok_or_else(|| {
        "installed `mariadb-server` but still found no mariadbd/mariadb-install-db/mariadb"
            .to_owned()
    })
}

fn locate() -> Option<Binaries> {
    Some(Binaries {
        server: host::find_program(&["mariadbd"])?,
        install_db: host::find_program(&["mariadb-install-db"])?,
        client: host::find_program(&["mariadb", "mysql"])?,
    })
}
