//! The PostgreSQL store (feature `postgres`), for PostgreSQL 12 and later.
//!
//! Keyword columns use `COLLATE "C"`, so comparisons and sorts are by code point whatever the
//! database's default collation. The schema is created with [`PostgresStore::setup_schema`]
//! (or `wfvis schema setup`), which also creates the database when the user may.

mod driver;
mod errors;
mod options;
mod sql;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::error::{Error, Result};
use crate::schema::{UpdateReport, Version};
use crate::store::sql::engine::{SqlEngine, delegate_visibility_manager};
use crate::store::sql::{Dialect, render_count, render_list};

pub use crate::store::sql::{RenderedSql, SqlValue};
pub use options::PostgresOptions;

use driver::PostgresBackend;
use errors::map_sqlx;

/// A [`VisibilityManager`](crate::VisibilityManager) on PostgreSQL.
#[derive(Debug)]
pub struct PostgresStore {
    engine: SqlEngine<PostgresBackend>,
    options: PostgresOptions,
}

delegate_visibility_manager!(PostgresStore);

fn now_micros() -> i64 {
    crate::model::time::to_micros(&chrono::Utc::now())
}

/// Connects a pool, turning connection failures into errors that name the address.
async fn connect_pool(options: &PostgresOptions, connect: PgConnectOptions) -> Result<PgPool> {
    let address = format!("{}:{}", connect.get_host(), connect.get_port());
    let p = &options.pool;
    PgPoolOptions::new()
        .max_connections(p.max_connections.max(1))
        .min_connections(p.min_idle)
        .idle_timeout(p.idle_timeout)
        .max_lifetime(p.max_lifetime)
        .acquire_timeout(p.connect_timeout)
        .connect_with(connect)
        .await
        .map_err(|e| match e {
            sqlx::Error::Io(io) => Error::Unavailable(format!(
                "{}: cannot connect to PostgreSQL at {address}: {io}",
                options.name
            )),
            sqlx::Error::PoolTimedOut => Error::Unavailable(format!(
                "{}: cannot connect to PostgreSQL at {address}: timed out after {}",
                options.name,
                humantime::format_duration(p.connect_timeout)
            )),
            e => map_sqlx(&options.name, &format!("connecting to {address}"), e),
        })
}

impl PostgresStore {
    /// Opens the store at `url` (`postgres://…`) with default options.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::open(PostgresOptions::from_url(url)?).await
    }

    /// Opens a store; the database must carry a supported schema.
    pub async fn open(options: PostgresOptions) -> Result<Self> {
        let pool = connect_pool(&options, options.connect_options()?).await?;
        let installed = driver::installed_version(&options.name, &pool).await?;
        if let Err(e) = driver::check_supported(installed.as_ref(), &options.redacted_url()) {
            pool.close().await;
            return Err(e);
        }
        let backend = PostgresBackend {
            name: options.name.clone(),
            writer: crate::store::sql::writer::Writer::Pool(pool.clone()),
            pool,
        };
        Ok(Self {
            engine: SqlEngine::new(options.name.clone(), options.store.clone(), backend),
            options,
        })
    }

    /// Creates the database (when missing and the user may) and the schema, then opens
    /// the store. Running it again changes nothing.
    pub async fn setup(options: PostgresOptions) -> Result<Self> {
        Self::setup_schema(options.clone(), None).await?;
        Self::open(options).await
    }

    /// Schema tool: creates the database when missing and permitted, then the schema at
    /// `target` (default: latest) unless one is installed; returns the installed version.
    pub async fn setup_schema(
        options: PostgresOptions,
        target: Option<&Version>,
    ) -> Result<Version> {
        create_database_if_missing(&options).await?;
        let pool = connect_pool(&options, options.connect_options()?).await?;
        let v = driver::setup(&options.name, &pool, target, now_micros()).await;
        pool.close().await;
        v
    }

    /// Schema tool: applies pending schema versions up to `target` (default: latest).
    pub async fn update_schema(
        options: PostgresOptions,
        target: Option<&Version>,
    ) -> Result<UpdateReport> {
        let pool = connect_pool(&options, options.connect_options()?).await?;
        let r = driver::update(
            &options.name,
            &pool,
            &options.redacted_url(),
            target,
            now_micros(),
        )
        .await;
        pool.close().await;
        r
    }

    /// Schema tool: the installed schema version, if any.
    pub async fn installed_schema_version(options: PostgresOptions) -> Result<Option<Version>> {
        let pool = connect_pool(&options, options.connect_options()?).await?;
        let v = driver::installed_version(&options.name, &pool).await;
        pool.close().await;
        v
    }

    /// The installed schema version.
    pub async fn schema_version(&self) -> Result<Version> {
        driver::installed_version(&self.options.name, &self.engine.backend().pool)
            .await?
            .ok_or_else(|| Error::Unavailable("the database has no visibility schema".into()))
    }

    /// The store's options.
    pub fn options(&self) -> &PostgresOptions {
        &self.options
    }
}

/// Creates the URL's database through the `postgres` maintenance database when it does not
/// exist. A user without CREATEDB gets an error saying so.
async fn create_database_if_missing(options: &PostgresOptions) -> Result<()> {
    let connect = options.connect_options()?;
    let Some(database) = connect.get_database().map(str::to_string) else {
        return Ok(());
    };
    let admin = connect_pool(options, connect.database("postgres")).await?;
    let op = "creating the database";
    let exists = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&database)
        .fetch_optional(&admin)
        .await
        .map_err(|e| map_sqlx(&options.name, op, e))?
        .is_some();
    if !exists {
        // Identifiers cannot be bound; quote it (doubling embedded quotes).
        let sql = format!("CREATE DATABASE \"{}\"", database.replace('"', "\"\""));
        if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&admin).await {
            let already =
                matches!(&e, sqlx::Error::Database(db) if db.code().as_deref() == Some("42P04"));
            if !already {
                admin.close().await;
                return Err(map_sqlx(
                    &options.name,
                    &format!("creating database {database}"),
                    e,
                ));
            }
        }
    }
    admin.close().await;
    Ok(())
}

/// The exact statement a PostgreSQL store runs for the first page of a listing of
/// `namespace_id` with `query` (for EXPLAIN, debugging and benchmarks).
pub fn render_list_sql(
    namespace_id: &str,
    query: &crate::query::ir::Query,
    page_size: usize,
) -> RenderedSql {
    render_list(
        Dialect::POSTGRES,
        namespace_id,
        query,
        None,
        page_size as i64 + 1,
    )
    .into()
}

/// The exact statement a PostgreSQL store runs to count the records of `namespace_id`
/// matching `query` (grouped by status when the query has `GROUP BY ExecutionStatus`).
pub fn render_count_sql(namespace_id: &str, query: &crate::query::ir::Query) -> RenderedSql {
    render_count(Dialect::POSTGRES, namespace_id, query).into()
}
