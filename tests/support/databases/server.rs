//! The handle tests get: one running server and how to make fresh databases on it.

use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::client::AdminClient;
use super::keeper::Keeper;
use super::{Engine, url};

/// A PostgreSQL or MariaDB server shared by every test of one test binary.
///
/// Either a throwaway instance the harness started (and removes when the binary exits) or an
/// external server named by `WFVIS_TEST_POSTGRES_URL` / `WFVIS_TEST_MARIADB_URL`. Methods block
/// while the command-line client runs (tens of milliseconds), which is fine inside async tests.
pub struct TestServer {
    pub(super) engine: Engine,
    pub(super) url: String,
    pub(super) port: u16,
    pub(super) version: String,
    pub(super) client: AdminClient,
    pub(super) keeper: Keeper,
    pub(super) origin: Origin,
    pub(super) startup: Duration,
    /// Random per process, so names stay unique on an external server shared by several runs.
    pub(super) token: String,
    pub(super) created: AtomicU64,
    /// The database [`TestServer::shared_database`] hands out, created on first use.
    pub(super) shared: OnceLock<String>,
}

/// Written by hand so that passwords (in the URL and the client's environment) never show.
impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("engine", &self.engine)
            .field("url", &self.redacted_url())
            .field("version", &self.version)
            .field("origin", &self.origin)
            .field("startup", &self.startup)
            .finish_non_exhaustive()
    }
}

/// Where the server came from.
#[derive(Debug)]
pub(super) enum Origin {
    /// Started by the harness: its process id and the temp directory holding everything.
    Throwaway { pid: u32, dir: PathBuf },
    /// Named by the environment variable; the harness only creates and drops databases on it.
    External,
}

/// Longest prefix kept in a database name, leaving room for the unique suffix.
const PREFIX_LIMIT: usize = 32;

impl TestServer {
    /// The admin URL: `postgres://postgres@127.0.0.1:PORT/postgres` or
    /// `mysql://root@127.0.0.1:PORT/` for a throwaway server, the variable's value otherwise.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// [`TestServer::url`] with any password replaced by `***`, for messages.
    pub fn redacted_url(&self) -> String {
        url::redact(&self.url)
    }

    /// Which database engine this is.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The server's version string as it reports it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The server's TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Time from the first request to a server answering queries (for an external server:
    /// the time to check it answers).
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// Process id of a throwaway server; `None` for an external one.
    pub fn server_pid(&self) -> Option<u32> {
        match &self.origin {
            Origin::Throwaway { pid, .. } => Some(*pid),
            Origin::External => None,
        }
    }

    /// The temp directory holding a throwaway server's data, socket and logs.
    pub fn data_dir(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Throwaway { dir, .. } => Some(dir),
            Origin::External => None,
        }
    }

    /// Creates a fresh, empty database named `<prefix>_<random>_<n>` and returns its URL (same
    /// user and options as [`TestServer::url`]). Throwaway servers lose their databases with
    /// their directory; databases on an external server are dropped when the test binary exits.
    ///
    /// Panics with the client's error if the database cannot be created.
    pub fn create_database(&self, prefix: &str) -> String {
        let base = sanitize_prefix(prefix);
        let mut last_error = String::new();
        // A leftover database from another run may already hold a name: take the next one.
        for _ in 0..20 {
            let n = self.created.fetch_add(1, Ordering::Relaxed) + 1;
            let name = format!("{base}_{}_{n}", self.token);
            let sql = match self.engine {
                Engine::Postgres => format!("CREATE DATABASE {}", quote_postgres(&name)),
                Engine::MariaDb => format!("CREATE DATABASE {}", quote_mariadb(&name)),
            };
            match self.client.run(None, &sql) {
                Ok(_) => {
                    if matches!(self.origin, Origin::External) {
                        self.keeper
                            .remember_database(&name)
                            .unwrap_or_else(|e| panic!("cannot schedule dropping {name}: {e}"));
                    }
                    return url::with_database(&self.url, &name);
                }
                Err(error)
                    if error.contains("already exists") || error.contains("database exists") =>
                {
                    last_error = error;
                }
                Err(error) => panic!(
                    "cannot create a test database on {}: {error}",
                    self.describe()
                ),
            }
        }
        panic!(
            "cannot find a free database name on {}: {last_error}",
            self.describe()
        )
    }

    /// URL of one database shared by every test of this binary, created on first call and named
    /// after the binary. Tests sharing it should each work in their own namespace; schema tests
    /// that need a pristine database use [`TestServer::create_database`] instead.
    pub fn shared_database(&self) -> &str {
        self.shared.get_or_init(|| {
            // `cargo test` names binaries `<target>-<hash>`; the target name is what identifies them.
            let binary = std::env::current_exe()
                .ok()
                .and_then(|path| {
                    path.file_stem()
                        .map(|stem| stem.to_string_lossy().into_owned())
                })
                .unwrap_or_default();
            let target = binary
                .rsplit_once('-')
                .map_or(binary.as_str(), |(target, _)| target);
            self.create_database(target)
        })
    }

    /// Runs admin SQL in the database a URL from this server names (the server's own URL works
    /// too) and returns the rows, one per line, columns separated by tabs. Panics on SQL errors.
    pub fn query(&self, database_url: &str, sql: &str) -> String {
        let database = url::database_of(database_url).filter(|name| !name.is_empty());
        self.client
            .run(database.as_deref(), sql)
            .unwrap_or_else(|error| panic!("{error} (on {})", self.describe()))
    }

    /// [`TestServer::query`] as a list of non-empty rows.
    pub fn query_rows(&self, database_url: &str, sql: &str) -> Vec<String> {
        self.query(database_url, sql)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn describe(&self) -> String {
        format!("{} at {}", self.engine.name(), url::redact(&self.url))
    }
}

/// Lowercase ASCII letters, digits and `_`, starting with a letter: valid unquoted in both
/// engines and safe to hand to the database keeper's shell script.
fn sanitize_prefix(prefix: &str) -> String {
    let mut base: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(PREFIX_LIMIT)
        .collect();
    if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base.insert_str(0, "db_");
    }
    base
}

/// A short random token, different in every process.
pub(super) fn process_token() -> String {
    let mut value = std::hash::RandomState::new().hash_one(std::process::id());
    let alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..6)
        .map(|_| {
            let digit = alphabet[(value % 36) as usize] as char;
            value /= 36;
            digit
        })
        .collect()
}

/// PostgreSQL identifier quoting: double quotes, embedded quotes doubled.
pub(super) fn quote_postgres(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// MariaDB identifier quoting: backticks, embedded backticks doubled.
pub(super) fn quote_mariadb(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}
