//! The MySQL-family store (feature `mysql`): MySQL 8.0.21+ and MariaDB 10.11+.
//!
//! One dialect serves both servers; the store detects which one it talks to from
//! `SELECT VERSION()`, and the few differences (the collation name, the supported versions)
//! live in one module ([`ServerFlavor`], [`ServerInfo`]). Keyword columns use the server's
//! binary NO PAD utf8mb4 collation, declared on every column, so strings compare and sort by
//! code point with trailing spaces significant, whatever the server's defaults.
//!
//! The schema is created by [`MysqlStore::setup_schema`] (or `wfvis schema setup`), which also
//! creates the database when the user may; [`MysqlStore::open`] refuses a database without a
//! supported schema, naming the command that fixes it. Search attribute values live in typed
//! side tables (see `schema/mysql/visibility/schema.sql`), so filters on custom attributes
//! (KeywordList included: MariaDB has no multi-valued indexes) are index lookups.
//!
//! Writes are READ COMMITTED transactions built on locking reads (MySQL has no `RETURNING`);
//! a transaction that loses a deadlock to a concurrent one is retried. No error, `Debug`
//! output or log line contains the URL's password.

mod backend;
mod connect;
mod errors;
mod options;
mod rows;
mod schema;
mod server;
mod sql;
mod url;
mod write;

use sqlx::Connection;

use crate::error::{Error, Result};
use crate::schema::{UpdateReport, Version};
use crate::store::sql::engine::{SqlEngine, delegate_visibility_manager};
use crate::store::sql::{Dialect, render_list};

pub use crate::store::sql::{RenderedSql, SqlValue};
pub use options::MysqlOptions;
pub use server::{ServerFlavor, ServerInfo};

use backend::MysqlBackend;
use errors::{ErrorScope, code, error_number};

/// A [`VisibilityManager`](crate::VisibilityManager) on MySQL 8 or MariaDB.
#[derive(Debug)]
pub struct MysqlStore {
    engine: SqlEngine<MysqlBackend>,
    options: MysqlOptions,
}

delegate_visibility_manager!(MysqlStore);

fn now_micros() -> i64 {
    crate::model::time::to_micros(&chrono::Utc::now())
}

impl MysqlStore {
    /// Opens the store at `url` (`mysql://USER:PASSWORD@HOST:PORT/DATABASE`) with default
    /// options.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::open(MysqlOptions::from_url(url)?).await
    }

    /// Opens a store on a database that carries a supported schema (see
    /// [`MysqlStore::setup_schema`]).
    pub async fn open(options: MysqlOptions) -> Result<Self> {
        let scope = ErrorScope::new(&options);
        let (mut conn, server) =
            connect::connect_direct(&options, &scope, true, "opening the store").await?;
        let installed = schema::installed_version(&mut conn, &scope).await;
        let _ = conn.close().await;
        schema::check_supported(installed?.as_ref(), &scope)?;
        let backend = MysqlBackend {
            pool: connect::pool(&options, &server)?,
            scope,
            server,
        };
        Ok(Self {
            engine: SqlEngine::new(options.name.clone(), options.store.clone(), backend),
            options,
        })
    }

    /// Schema tool: creates the database if it is missing (when the user may) and the schema
    /// at `target` (default: the latest version) unless a schema is installed; returns the
    /// installed version. Running it again changes nothing.
    pub async fn setup_schema(options: MysqlOptions, target: Option<&Version>) -> Result<Version> {
        let scope = ErrorScope::new(&options);
        let op = "setting up the schema";
        ensure_database(&options, &scope).await?;
        let (mut conn, server) = connect::connect_direct(&options, &scope, true, op).await?;
        let result = schema::setup(&mut conn, &scope, &server, target, now_micros()).await;
        let _ = conn.close().await;
        result
    }

    /// Schema tool: applies pending schema versions up to `target` (default: latest). Refuses
    /// to downgrade; re-running it is a no-op.
    pub async fn update_schema(
        options: MysqlOptions,
        target: Option<&Version>,
    ) -> Result<UpdateReport> {
        let scope = ErrorScope::new(&options);
        let (mut conn, server) =
            connect::connect_direct(&options, &scope, true, "updating the schema").await?;
        let result = schema::update(&mut conn, &scope, &server, target, now_micros()).await;
        let _ = conn.close().await;
        result
    }

    /// Schema tool: the installed schema version, if any, without opening a store.
    pub async fn installed_schema_version(options: MysqlOptions) -> Result<Option<Version>> {
        let scope = ErrorScope::new(&options);
        let (mut conn, _) =
            connect::connect_direct(&options, &scope, true, "reading the schema version").await?;
        let result = schema::installed_version(&mut conn, &scope).await;
        let _ = conn.close().await;
        result
    }

    /// The installed schema version.
    pub async fn schema_version(&self) -> Result<Version> {
        let backend = self.engine.backend();
        let mut conn = backend
            .pool
            .acquire()
            .await
            .map_err(|e| backend.scope.map("reading the schema version", e))?;
        schema::installed_version(&mut conn, &backend.scope)
            .await?
            .ok_or_else(|| backend.scope.missing_schema("no schema_version row"))
    }

    /// The server this store talks to.
    pub fn server(&self) -> &ServerInfo {
        &self.engine.backend().server
    }

    /// The store's options.
    pub fn options(&self) -> &MysqlOptions {
        &self.options
    }
}

/// Creates the URL's database, from a connection without a database, unless it exists.
async fn ensure_database(options: &MysqlOptions, scope: &ErrorScope) -> Result<()> {
    let op = "creating the database";
    let (mut conn, server) = connect::connect_direct(options, scope, false, op).await?;
    let database = options.database();
    let result = async {
        let exists: i64 =
            sqlx::query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")
                .bind(&database)
                .fetch_one(&mut conn)
                .await
                .and_then(|row| sqlx::Row::try_get(&row, 0))?;
        if exists == 0 {
            sqlx::raw_sql(sqlx::AssertSqlSafe(server.create_database_sql(&database)))
                .execute(&mut conn)
                .await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await;
    let _ = conn.close().await;
    match result {
        Ok(()) => Ok(()),
        Err(e)
            if error_number(&e)
                .is_some_and(|n| n == code::DATABASE_ACCESS_DENIED || n == code::ACCESS_DENIED) =>
        {
            Err(Error::Unavailable(scope.scrub(format!(
                "{}: database {} does not exist at {} and the user in {} may not create it; \
                 create it (CHARACTER SET utf8mb4) or grant CREATE, then run `wfvis --url {} \
                 schema setup` again",
                scope.name, scope.database, scope.address, scope.location, scope.location
            ))))
        }
        Err(e) => Err(scope.map(op, e)),
    }
}

/// The exact statement a MySQL store runs for the first page of a listing of `namespace_id`
/// with `query` (for EXPLAIN, debugging and benchmarks).
pub fn render_list_sql(
    namespace_id: &str,
    query: &crate::query::ir::Query,
    page_size: usize,
) -> RenderedSql {
    render_list(
        Dialect::MYSQL,
        namespace_id,
        query,
        None,
        page_size as i64 + 1,
    )
    .into()
}

/// The exact statement a MySQL store runs for a count of `namespace_id` with `query`
/// (grouped by status when the query says so), for EXPLAIN and debugging.
pub fn render_count_sql(namespace_id: &str, query: &crate::query::ir::Query) -> RenderedSql {
    crate::store::sql::render_count(Dialect::MYSQL, namespace_id, query).into()
}
