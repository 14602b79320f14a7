//! Real PostgreSQL and MariaDB servers for integration tests.
//!
//! [`postgres()`] and [`mariadb()`] return a server shared by every test of the binary, started
//! on first use. Each test then takes its own database with [`TestServer::create_database`].
//!
//! * If `WFVIS_TEST_POSTGRES_URL` / `WFVIS_TEST_MARIADB_URL` is set, that server is used; the
//!   databases the tests create on it are dropped when the binary exits.
//! * Otherwise a throwaway instance starts on a free 127.0.0.1 port with everything (data,
//!   socket, logs) in a temp directory: PostgreSQL as the `postgres` OS user when running as
//!   root (initdb refuses root), with `fsync`, `synchronous_commit` and `full_page_writes` off
//!   and a default collation that is not C; MariaDB with `--no-defaults`, relaxed InnoDB
//!   flushing and its latin1 default character set. Missing binaries are installed from the
//!   Debian packages `postgresql` / `mariadb-server` when running as root.
//!
//! Throwaway servers are stopped by process id and their directories deleted when the binary
//! exits, even if it is killed; see the `keeper` module for how. Admin SQL goes through the
//! `psql` / `mariadb` command-line clients, so no driver is needed here.

mod client;
mod external;
mod host;
mod keeper;
mod launch;
mod mariadb;
mod postgres;
mod server;
mod sockets;
mod url;

use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;

pub use server::TestServer;
#[allow(unused_imports)] // used by some test binaries only
pub use sockets::listening_addresses;

/// The two server families the harness provides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// PostgreSQL (throwaway instances use the newest installed major, 15 on Debian 12).
    Postgres,
    /// MariaDB (10.11 on Debian 12), the MySQL-family server available here.
    MariaDb,
}

impl Engine {
    /// Human-readable name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::MariaDb => "MariaDB",
        }
    }

    /// The environment variable that points the tests at an existing server instead.
    pub fn url_var(self) -> &'static str {
        match self {
            Engine::Postgres => "WFVIS_TEST_POSTGRES_URL",
            Engine::MariaDb => "WFVIS_TEST_MARIADB_URL",
        }
    }
}

/// The PostgreSQL server for this test binary, started on first call. Panics with one line
/// naming `WFVIS_TEST_POSTGRES_URL` when no server can be had.
pub fn postgres() -> &'static TestServer {
    static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();
    shared(&SERVER, Engine::Postgres)
}

/// The MariaDB server for this test binary, started on first call. Panics with one line
/// naming `WFVIS_TEST_MARIADB_URL` when no server can be had.
pub fn mariadb() -> &'static TestServer {
    static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();
    shared(&SERVER, Engine::MariaDb)
}

/// Whether the tests use an external server for `engine` rather than a throwaway one.
pub fn uses_external_server(engine: Engine) -> bool {
    external_url(engine).is_some()
}

fn shared(
    cell: &'static OnceLock<Result<TestServer, String>>,
    engine: Engine,
) -> &'static TestServer {
    // The first caller starts the server while concurrent callers block; a failure is kept so
    // every later test fails at once with the same message instead of retrying the startup.
    let outcome = cell.get_or_init(|| {
        std::panic::catch_unwind(AssertUnwindSafe(|| start(engine))).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
                .unwrap_or_default();
            Err(format!(
                "wfvis test databases: starting {} panicked: {message}",
                engine.name()
            ))
        })
    });
    match outcome {
        Ok(server) => server,
        Err(message) => panic!("{message}"),
    }
}

fn start(engine: Engine) -> Result<TestServer, String> {
    let started = match external_url(engine) {
        Some(url) => external::connect(engine, &url),
        None => match engine {
            Engine::Postgres => postgres::start(),
            Engine::MariaDb => mariadb::start(),
        },
    };
    started.map_err(|message| {
        if message.contains(engine.url_var()) {
            message
        } else {
            format!(
                "wfvis test databases: cannot start a throwaway {} (set {} to use an existing server): {message}",
                engine.name(),
                engine.url_var()
            )
        }
    })
}

fn external_url(engine: Engine) -> Option<String> {
    std::env::var(engine.url_var())
        .ok()
        .map(|url| url.trim().to_owned())
        .filter(|url| !url.is_empty())
}
