//! The embedded SQLite store (feature `sqlite`, the default).
//!
//! File databases run in WAL mode with a busy timeout; their schema is created by
//! [`SqliteStore::setup`] (or `wfvis schema setup`), and [`SqliteStore::open`] refuses a file
//! without it. In-memory databases get their schema on open. Search attribute values live in
//! typed side tables (see `schema/sqlite/visibility/schema.sql`), so filters on custom
//! attributes are index lookups.

mod backend;
mod errors;
mod options;
mod rows;
mod schema;
mod write;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::error::{Error, Result};
use crate::store::sql::engine::{SqlEngine, delegate_visibility_manager};
use crate::store::sql::{Dialect, render_list};

pub use crate::store::sql::RenderedSql;
pub use options::{SqliteLocation, SqliteOptions, SqliteSynchronous};
pub use schema::{MIN_SUPPORTED_VERSION, SCHEMA_VERSION};

use backend::SqliteBackend;
use errors::map_sqlx;

/// A [`VisibilityManager`](crate::VisibilityManager) on SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    engine: SqlEngine<SqliteBackend>,
    options: SqliteOptions,
}

delegate_visibility_manager!(SqliteStore);

fn now_micros() -> i64 {
    crate::model::time::to_micros(&chrono::Utc::now())
}

impl SqliteStore {
    /// Opens the store at `url` (`sqlite::memory:` or `sqlite://PATH`) with default options.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::open(SqliteOptions::from_url(url)?).await
    }

    /// Opens a store. A file database must exist and carry a supported schema (see
    /// [`SqliteStore::setup`]); an in-memory database is created with its schema.
    pub async fn open(options: SqliteOptions) -> Result<Self> {
        let store = Self::start(options, false).await?;
        store.check_schema().await?;
        Ok(store)
    }

    /// Creates the database file if needed, applies the schema if it is missing and records
    /// its version, then opens the store. Running it again on a set-up database changes
    /// nothing.
    pub async fn setup(options: SqliteOptions) -> Result<Self> {
        let store = Self::start(options, true).await?;
        schema::setup(store.name(), &store.engine.backend().pool, now_micros()).await?;
        store.check_schema().await?;
        Ok(store)
    }

    async fn check_schema(&self) -> Result<()> {
        let installed = schema::installed_version(self.name(), &self.engine.backend().pool).await?;
        schema::check_supported(installed.as_deref(), &self.options.describe())
    }

    async fn start(options: SqliteOptions, create: bool) -> Result<Self> {
        let connect = SqliteConnectOptions::new()
            .busy_timeout(options.busy_timeout)
            .statement_cache_capacity(256)
            .foreign_keys(false);
        let (connect, pool_options) = match &options.location {
            SqliteLocation::Memory => (
                connect.in_memory(true),
                // One connection that never closes: each connection to `:memory:` is a
                // separate database, and it vanishes when its connection closes.
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None),
            ),
            SqliteLocation::File(path) => (
                connect
                    .filename(path)
                    .create_if_missing(create)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(match options.synchronous {
                        SqliteSynchronous::Off => sqlx::sqlite::SqliteSynchronous::Off,
                        SqliteSynchronous::Normal => sqlx::sqlite::SqliteSynchronous::Normal,
                        SqliteSynchronous::Full => sqlx::sqlite::SqliteSynchronous::Full,
                    }),
                SqlitePoolOptions::new().max_connections(options.max_connections),
            ),
        };
        let pool = pool_options
            .acquire_timeout(options.store.call_timeout)
            .connect_with(connect)
            .await
            .map_err(|e| match (&options.location, e) {
                (SqliteLocation::File(_), sqlx::Error::Database(db)) if !create => {
                    Error::Unavailable(format!(
                        "cannot open {}: {}; if the database does not exist yet, create it with \
                         `wfvis --url {} schema setup`",
                        options.describe(),
                        db.message(),
                        options.describe()
                    ))
                }
                (_, e) => map_sqlx(&options.name, "opening the database", e),
            })?;
        if options.location == SqliteLocation::Memory {
            schema::setup(&options.name, &pool, now_micros()).await?;
        }
        let backend = SqliteBackend {
            name: options.name.clone(),
            pool,
        };
        Ok(Self {
            engine: SqlEngine::new(options.name.clone(), options.store.clone(), backend),
            options,
        })
    }

    /// The installed schema version.
    pub async fn schema_version(&self) -> Result<String> {
        schema::installed_version(self.name(), &self.engine.backend().pool)
            .await?
            .ok_or_else(|| Error::Unavailable("the database has no visibility schema".into()))
    }

    /// The store's options.
    pub fn options(&self) -> &SqliteOptions {
        &self.options
    }

    fn name(&self) -> &str {
        self.engine.name()
    }
}

/// The exact statement a SQLite store runs for the first page of a listing of
/// `namespace_id` with `query` (for EXPLAIN, debugging and benchmarks).
pub fn render_list_sql(
    namespace_id: &str,
    query: &crate::query::ir::Query,
    page_size: usize,
) -> RenderedSql {
    render_list(
        Dialect::SQLITE,
        namespace_id,
        query,
        None,
        page_size as i64 + 1,
    )
    .into()
}
