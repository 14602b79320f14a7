use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;
use crate::options::StoreOptions;

/// Where a SQLite store keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteLocation {
    /// A private in-memory database, created with the schema on open and gone on close.
    Memory,
    /// A database file (WAL mode). Its schema is created by [`SqliteStore::setup`](super::SqliteStore::setup).
    File(PathBuf),
}

/// How hard SQLite works to make commits durable (`PRAGMA synchronous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSynchronous {
    /// No syncs: fastest, a power loss can lose recent commits.
    Off,
    /// Sync at checkpoints (the WAL-mode default): a power loss can lose recent commits but
    /// never corrupts the database.
    Normal,
    /// Sync on every commit.
    Full,
}

/// Options of a [`SqliteStore`](super::SqliteStore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Store name, used in errors and page tokens (default `"sqlite"`).
    pub name: String,
    /// Database location.
    pub location: SqliteLocation,
    /// Most open connections for a file database (default 4; in-memory databases use one).
    pub max_connections: u32,
    /// How long a statement waits for a lock held by another connection before the call
    /// fails with a retryable `Unavailable` (default 5 s).
    pub busy_timeout: Duration,
    /// Commit durability for file databases (default [`SqliteSynchronous::Normal`]).
    pub synchronous: SqliteSynchronous,
    /// Behaviour shared by all stores.
    pub store: StoreOptions,
}

impl SqliteOptions {
    /// Options for a private in-memory database.
    pub fn memory() -> Self {
        Self::at(SqliteLocation::Memory)
    }

    /// Options for a database file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::at(SqliteLocation::File(path.into()))
    }

    fn at(location: SqliteLocation) -> Self {
        Self {
            name: "sqlite".to_string(),
            location,
            max_connections: 4,
            busy_timeout: Duration::from_secs(5),
            synchronous: SqliteSynchronous::Normal,
            store: StoreOptions::default(),
        }
    }

    /// Parses `sqlite::memory:`, `sqlite://PATH` or `sqlite:PATH`.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        let rest = url.strip_prefix("sqlite:").ok_or_else(|| {
            Error::invalid_argument(format!(
                "not a SQLite URL: expected sqlite::memory: or sqlite://PATH, got '{url}'"
            ))
        })?;
        if rest == ":memory:" || rest == "//:memory:" {
            return Ok(Self::memory());
        }
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.is_empty() || path.contains('?') {
            return Err(Error::invalid_argument(format!(
                "SQLite URL must name a file (sqlite://PATH, no query parameters), got '{url}'"
            )));
        }
        Ok(Self::file(path))
    }

    /// Sets the store name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the shared store options.
    pub fn store_options(mut self, options: StoreOptions) -> Self {
        self.store = options;
        self
    }

    /// Sets commit durability.
    pub fn synchronous(mut self, synchronous: SqliteSynchronous) -> Self {
        self.synchronous = synchronous;
        self
    }

    /// Sets the busy timeout.
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Sets the connection limit for file databases.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// A printable description of the location.
    pub(crate) fn describe(&self) -> String {
        match &self.location {
            SqliteLocation::Memory => "sqlite::memory:".to_string(),
            SqliteLocation::File(p) => format!("sqlite://{}", p.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        assert_eq!(
            SqliteOptions::from_url("sqlite::memory:").unwrap().location,
            SqliteLocation::Memory
        );
        assert_eq!(
            SqliteOptions::from_url("sqlite:///tmp/v.db")
                .unwrap()
                .location,
            SqliteLocation::File("/tmp/v.db".into())
        );
        assert_eq!(
            SqliteOptions::from_url("sqlite://rel/v.db")
                .unwrap()
                .location,
            SqliteLocation::File("rel/v.db".into())
        );
        assert_eq!(
            SqliteOptions::from_url("sqlite:v.db").unwrap().location,
            SqliteLocation::File("v.db".into())
        );
        assert!(SqliteOptions::from_url("postgres://x").is_err());
        assert!(SqliteOptions::from_url("sqlite://").is_err());
        assert!(SqliteOptions::from_url("sqlite://x.db?mode=ro").is_err());
    }
}
