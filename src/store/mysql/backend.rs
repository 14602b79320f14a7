//! The MySQL driver calls behind [`SqlEngine`](crate::store::sql::engine::SqlEngine).

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::MySqlPool;
use sqlx::Row;

use crate::SearchAttributeType;
use crate::attributes::{AttributeDef, NamespaceAttributes};
use crate::error::{Error, Result};
use crate::model::ExecutionRecord;
use crate::request::DeleteRequest;
use crate::store::common::{PreparedRecord, WriteKind};
use crate::store::mysql::errors::ErrorScope;
use crate::store::mysql::rows::{decode_record, decode_registrations, parse_type};
use crate::store::mysql::server::ServerInfo;
use crate::store::mysql::sql;
use crate::store::mysql::write::{
    Failure, Query, check_identity_lengths, failure, is_duplicate, retry_conflicts,
};
use crate::store::sql::engine::SqlBackend;
use crate::store::sql::{Dialect, SqlBuilder, SqlValue, ValueTable, value_table};

/// The driver: where errors come from, the pool, and the server it talks to.
pub(crate) struct MysqlBackend {
    pub scope: ErrorScope,
    pub pool: MySqlPool,
    pub server: ServerInfo,
}

/// Written by hand so connection settings never show.
impl std::fmt::Debug for MysqlBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MysqlBackend")
            .field("scope", &self.scope)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

fn bind_all<'q>(mut q: Query<'q>, binds: &'q [SqlValue]) -> Query<'q> {
    for v in binds {
        q = match v {
            SqlValue::Int(i) => q.bind(*i),
            SqlValue::Double(d) => q.bind(*d),
            SqlValue::Text(s) => q.bind(s.as_str()),
        };
    }
    q
}

fn delete_values_of_attribute(ty: SearchAttributeType) -> &'static str {
    sql::DELETE_VALUES_OF_ATTRIBUTE[match value_table(ty) {
        ValueTable::String => 0,
        ValueTable::Int => 1,
        ValueTable::Double => 2,
    }]
}

/// Prepared statements each connection keeps (see [`MysqlBackend::reading_connection`]).
pub(crate) const STATEMENT_CACHE_CAPACITY: usize = 256;
/// Room a read leaves in a connection's statement cache for the few fixed statements of
/// writes and registrations.
const STATEMENT_CACHE_HEADROOM: usize = 16;

impl MysqlBackend {
    /// A pooled connection with room in its statement cache for the read about to run.
    ///
    /// Filters make many distinct statement texts. Once a connection's cache is full, sqlx
    /// evicts one prepared statement per new one, and the eviction's `COM_STMT_CLOSE` (which
    /// the server never answers) followed at once by the next request meets Nagle's algorithm
    /// on our side and delayed ACKs on the server's: about 40 ms lost on every new statement
    /// text. Emptying the cache before it fills pays that once per couple of hundred new
    /// texts instead (the property test on MariaDB ran about six times faster this way).
    async fn reading_connection(
        &self,
        operation: &str,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::MySql>> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| self.scope.map(operation, e))?;
        if sqlx::Connection::cached_statements_size(&*conn)
            >= STATEMENT_CACHE_CAPACITY - STATEMENT_CACHE_HEADROOM
        {
            sqlx::Connection::clear_cached_statements(&mut *conn)
                .await
                .map_err(|e| self.scope.map(operation, e))?;
        }
        Ok(conn)
    }

    /// One attempt of a registration: insert the new names first, then read every live
    /// registration of the namespace with a locking read and check the limits against them.
    /// A concurrent registration's uncommitted rows make that read wait, so two registrations
    /// never both pass the check on stale counts (one of them may be retried as a deadlock
    /// victim instead).
    async fn add_once(
        &self,
        namespace_id: &str,
        attributes: &BTreeMap<String, SearchAttributeType>,
        check: &(dyn for<'a> Fn(&'a [AttributeDef]) -> Result<()> + Send + Sync),
    ) -> Result<(), Failure> {
        let op = "registering search attributes";
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| failure(&self.scope, op, e))?;
        for (name, ty) in attributes {
            let inserted = sqlx::query(sql::INSERT_REGISTRATION)
                .bind(namespace_id)
                .bind(name.as_str())
                .bind(ty.name())
                .execute(&mut *tx)
                .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_duplicate(&e) => {
                    return Err(Failure::Fatal(Error::AlreadyExists(format!(
                        "search attribute {name} is already registered in namespace {namespace_id}"
                    ))));
                }
                Err(e) => return Err(failure(&self.scope, op, e)),
            }
        }
        let rows = sqlx::query(sql::SELECT_REGISTRATIONS_FOR_UPDATE)
            .bind(namespace_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| failure(&self.scope, op, e))?;
        let existing: Vec<AttributeDef> = decode_registrations(&self.scope.name, &rows)?
            .into_iter()
            .filter(|def| !attributes.contains_key(&def.name))
            .collect();
        check(&existing)?;
        tx.commit().await.map_err(|e| failure(&self.scope, op, e))
    }

    /// One attempt of a removal: retire each registration (its id is never handed out again)
    /// and delete its values.
    async fn remove_once(&self, namespace_id: &str, names: &[String]) -> Result<(), Failure> {
        let op = "removing search attributes";
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| failure(&self.scope, op, e))?;
        let mut found = Vec::with_capacity(names.len());
        for name in names {
            let row = sqlx::query(sql::SELECT_REGISTRATION_FOR_UPDATE)
                .bind(namespace_id)
                .bind(name.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| failure(&self.scope, op, e))?
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "search attribute {name} is not registered in namespace {namespace_id}"
                    ))
                })?;
            let id: i64 = row.try_get(0).map_err(|e| failure(&self.scope, op, e))?;
            let ty: String = row.try_get(1).map_err(|e| failure(&self.scope, op, e))?;
            found.push((id, parse_type(&self.scope.name, &ty)?));
        }
        for (id, ty) in found {
            sqlx::query(sql::RETIRE_REGISTRATION)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| failure(&self.scope, op, e))?;
            sqlx::query(delete_values_of_attribute(ty))
                .bind(namespace_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| failure(&self.scope, op, e))?;
        }
        tx.commit().await.map_err(|e| failure(&self.scope, op, e))
    }
}

#[async_trait]
impl SqlBackend for MysqlBackend {
    fn dialect(&self) -> Dialect {
        Dialect::MYSQL
    }

    async fn fetch_records(
        &self,
        statement: SqlBuilder,
        registry: &NamespaceAttributes,
        operation: &str,
    ) -> Result<Vec<ExecutionRecord>> {
        let mut conn = self.reading_connection(operation).await?;
        let rows = bind_all(
            sqlx::query(sqlx::AssertSqlSafe(statement.sql)),
            &statement.binds,
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| self.scope.map(operation, e))?;
        rows.iter()
            .map(|r| decode_record(&self.scope.name, r, registry))
            .collect()
    }

    async fn fetch_counts(&self, statement: SqlBuilder, grouped: bool) -> Result<Vec<(i64, i64)>> {
        let op = "counting workflow executions";
        let mut conn = self.reading_connection(op).await?;
        let rows = bind_all(
            sqlx::query(sqlx::AssertSqlSafe(statement.sql)),
            &statement.binds,
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| self.scope.map(op, e))?;
        rows.iter()
            .map(|r| {
                if grouped {
                    Ok((r.try_get(0)?, r.try_get(1)?))
                } else {
                    Ok((r.try_get(0)?, 0))
                }
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.scope.map(op, e))
    }

    async fn write(&self, record: &PreparedRecord, kind: WriteKind, now: i64) -> Result<()> {
        self.write_record(record, kind, now).await
    }

    /// A write is a transaction of several round trips holding row locks: it runs to its
    /// commit or rollback on a task of its own.
    const WRITES_SURVIVE_CANCELLATION: bool = false;

    async fn delete(&self, request: &DeleteRequest, now: i64, expires_at: i64) -> Result<()> {
        self.delete_record(request, now, expires_at).await
    }

    async fn load_registrations(&self, namespace_id: &str) -> Result<Vec<AttributeDef>> {
        let rows = sqlx::query(sql::SELECT_REGISTRATIONS)
            .bind(namespace_id)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.scope.map("reading search attribute registrations", e))?;
        decode_registrations(&self.scope.name, &rows)
    }

    async fn add_registrations(
        &self,
        namespace_id: &str,
        attributes: &BTreeMap<String, SearchAttributeType>,
        check: &(dyn for<'a> Fn(&'a [AttributeDef]) -> Result<()> + Send + Sync),
    ) -> Result<()> {
        check_identity_lengths(namespace_id, "-", "-")?;
        retry_conflicts(&self.scope, "registering search attributes", || {
            Box::pin(self.add_once(namespace_id, attributes, check))
        })
        .await
    }

    async fn remove_registrations(&self, namespace_id: &str, names: &[String]) -> Result<()> {
        retry_conflicts(&self.scope, "removing search attributes", || {
            Box::pin(self.remove_once(namespace_id, names))
        })
        .await
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
