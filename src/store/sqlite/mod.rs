//! The embedded SQLite store (feature `sqlite`, the default).
//!
//! File databases run in WAL mode with a busy timeout; their schema is created by
//! [`SqliteStore::setup`] (or `wfvis schema setup`), and [`SqliteStore::open`] refuses a file
//! without it. In-memory databases get their schema on open. Search attribute values live in
//! typed side tables (see `schema/sqlite/visibility/schema.sql`), so filters on custom
//! attributes are index lookups.

mod driver;
mod errors;
mod options;
mod side_rows;
mod sql;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::error::{Error, Result};
use crate::schema::{UpdateReport, Version};
use crate::store::sql::engine::{SqlEngine, delegate_visibility_manager};
use crate::store::sql::writer::Writer;
use crate::store::sql::{Dialect, render_list};

pub use crate::store::sql::{RenderedSql, SqlValue};
pub use options::{SqliteLocation, SqliteOptions, SqliteSynchronous};

use driver as schema;
use driver::SqliteBackend;
use errors::map_sqlx;

/// A [`VisibilityManager`](crate::VisibilityManager) on SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    engine: SqlEngine<SqliteBackend>,
    options: SqliteOptions,
    /// For in-memory stores: a connection outside the pool that keeps the shared in-memory
    /// database alive, so a pool connection discarded after a cancelled call cannot take the
    /// data with it.
    _memory_anchor: Option<std::sync::Mutex<sqlx::SqliteConnection>>,
}

delegate_visibility_manager!(SqliteStore);

static MEMORY_DB_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

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
        schema::setup(
            store.name(),
            &store.engine.backend().pool,
            None,
            now_micros(),
        )
        .await?;
        store.check_schema().await?;
        Ok(store)
    }

    /// Schema tool: creates the database and its schema at `target` (default: the latest
    /// version) unless a schema is installed; returns the installed version.
    pub async fn setup_schema(options: SqliteOptions, target: Option<&Version>) -> Result<Version> {
        let store = Self::start(options, true).await?;
        let v = schema::setup(
            store.name(),
            &store.engine.backend().pool,
            target,
            now_micros(),
        )
        .await;
        store.engine.backend().writer.close().await;
        store.engine.backend().pool.close().await;
        v
    }

    /// Schema tool: applies pending schema versions up to `target` (default: latest).
    pub async fn update_schema(
        options: SqliteOptions,
        target: Option<&Version>,
    ) -> Result<UpdateReport> {
        let location = options.describe();
        let store = Self::start(options, false).await?;
        let report = schema::update(
            store.name(),
            &store.engine.backend().pool,
            &location,
            target,
            now_micros(),
        )
        .await;
        store.engine.backend().writer.close().await;
        store.engine.backend().pool.close().await;
        report
    }

    /// Schema tool: the installed schema version, if any, without opening a store.
    pub async fn installed_schema_version(options: SqliteOptions) -> Result<Option<Version>> {
        let store = Self::start(options, false).await?;
        let v = schema::installed_version(store.name(), &store.engine.backend().pool).await;
        store.engine.backend().writer.close().await;
        store.engine.backend().pool.close().await;
        v
    }

    async fn check_schema(&self) -> Result<()> {
        let installed = schema::installed_version(self.name(), &self.engine.backend().pool).await?;
        schema::check_supported(installed.as_ref(), &self.options.describe())
    }

    async fn start(options: SqliteOptions, create: bool) -> Result<Self> {
        let connect = SqliteConnectOptions::new()
            .busy_timeout(options.busy_timeout)
            .statement_cache_capacity(256)
            .foreign_keys(false);
        let (connect, pool_options) = match &options.location {
            SqliteLocation::Memory => (
                // A uniquely named shared-cache database: every connection of this store sees
                // the same data, and no other store's.
                connect
                    .filename(format!(
                        "file:wfvis-memory-{}-{}",
                        std::process::id(),
                        MEMORY_DB_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    ))
                    .in_memory(true)
                    .shared_cache(true),
                // One pooled connection: shared-cache databases lock whole tables, so more
                // connections would only wait on each other.
                SqlitePoolOptions::new()
                    .max_connections(1)
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
        let memory_anchor = match options.location {
            SqliteLocation::Memory => Some(std::sync::Mutex::new(
                sqlx::ConnectOptions::connect(&connect)
                    .await
                    .map_err(|e| map_sqlx(&options.name, "opening the database", e))?,
            )),
            SqliteLocation::File(_) => None,
        };
        let pool = pool_options
            .acquire_timeout(options.store.call_timeout)
            .connect_with(connect.clone())
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
            schema::setup(&options.name, &pool, None, now_micros()).await?;
        }
        // SQLite runs one write transaction at a time, so a file store writes through one
        // connection of its own: writes queue for it instead of for the database lock, and its
        // page cache stays warm (a connection whose database another one has written must drop
        // its cache). A memory store's single pooled connection already is that connection.
        let writer = match options.location {
            SqliteLocation::Memory => Writer::Pool(pool.clone()),
            SqliteLocation::File(_) => Writer::dedicated(
                sqlx::ConnectOptions::connect(&connect)
                    .await
                    .map_err(|e| map_sqlx(&options.name, "opening the database", e))?,
                connect,
                options.store.call_timeout,
            ),
        };
        let backend = SqliteBackend {
            name: options.name.clone(),
            pool,
            writer,
        };
        Ok(Self {
            engine: SqlEngine::new(options.name.clone(), options.store.clone(), backend),
            options,
            _memory_anchor: memory_anchor,
        })
    }

    /// The installed schema version.
    pub async fn schema_version(&self) -> Result<Version> {
        schema::installed_version(self.name(), &self.engine.backend().pool)
            .await?
            .ok_or_else(|| Error::Unavailable("the database has no visibility schema".into()))
    }

    /// The store's options.
    pub fn options(&self) -> &SqliteOptions {
        &self.options
    }

    fn name(&self) -> &str {
        &self.options.name
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
