//! The SQLite driver calls behind [`SqlEngine`](crate::store::sql::engine::SqlEngine).

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Row, Sqlite, SqlitePool};

use crate::SearchAttributeType;
use crate::attributes::{AttributeDef, NamespaceAttributes};
use crate::error::{Error, Result};
use crate::model::ExecutionRecord;
use crate::request::DeleteRequest;
use crate::store::common::{PreparedRecord, WriteKind};
use crate::store::sql::engine::SqlBackend;
use crate::store::sql::{Dialect, SqlBuilder, SqlValue, value_table};
use crate::store::sqlite::errors::map_sqlx;
use crate::store::sqlite::{rows, write};

#[derive(Debug)]
pub(crate) struct SqliteBackend {
    pub name: String,
    pub pool: SqlitePool,
}

/// Binds rendered parameters in order.
fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Sqlite, SqliteArguments>,
    binds: &'q [SqlValue],
) -> sqlx::query::Query<'q, Sqlite, SqliteArguments> {
    for v in binds {
        q = match v {
            SqlValue::Int(i) => q.bind(*i),
            SqlValue::Double(d) => q.bind(*d),
            SqlValue::Text(s) => q.bind(s.as_str()),
        };
    }
    q
}

impl SqliteBackend {
    async fn begin(&self, operation: &str) -> Result<sqlx::Transaction<'static, Sqlite>> {
        // IMMEDIATE takes the write lock up front, so a write never fails half-way on a lock
        // upgrade; waiting for the lock is bounded by the busy timeout.
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx(&self.name, operation, e))
    }
}

#[async_trait]
impl SqlBackend for SqliteBackend {
    fn dialect(&self) -> Dialect {
        Dialect::SQLITE
    }

    async fn fetch_records(
        &self,
        statement: SqlBuilder,
        registry: &NamespaceAttributes,
        operation: &str,
    ) -> Result<Vec<ExecutionRecord>> {
        let rows = bind_all(
            sqlx::query(sqlx::AssertSqlSafe(statement.sql)),
            &statement.binds,
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx(&self.name, operation, e))?;
        rows.iter()
            .map(|r| rows::decode_row(&self.name, r, registry))
            .collect()
    }

    async fn fetch_counts(&self, statement: SqlBuilder, grouped: bool) -> Result<Vec<(i64, i64)>> {
        let rows = bind_all(
            sqlx::query(sqlx::AssertSqlSafe(statement.sql)),
            &statement.binds,
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx(&self.name, "counting workflow executions", e))?;
        Ok(rows
            .iter()
            .map(|r| {
                if grouped {
                    (r.get(0), r.get(1))
                } else {
                    (r.get(0), 0)
                }
            })
            .collect())
    }

    async fn write(&self, record: &PreparedRecord, kind: WriteKind, now: i64) -> Result<()> {
        let mut tx = self.begin("starting a write").await?;
        match kind {
            WriteKind::Started => write::insert_if_absent(&mut tx, &self.name, record, now).await?,
            WriteKind::Closed | WriteKind::Upsert => {
                write::upsert(&mut tx, &self.name, record, now).await?
            }
        }
        tx.commit()
            .await
            .map_err(|e| map_sqlx(&self.name, "committing a write", e))
    }

    async fn delete(&self, request: &DeleteRequest, now: i64, expires_at: i64) -> Result<()> {
        let mut tx = self.begin("starting a delete").await?;
        write::delete(&mut tx, &self.name, request, now, expires_at).await?;
        tx.commit()
            .await
            .map_err(|e| map_sqlx(&self.name, "committing a delete", e))
    }

    async fn load_registrations(&self, namespace_id: &str) -> Result<Vec<AttributeDef>> {
        let rows =
            sqlx::query("SELECT id, name, type FROM search_attributes WHERE namespace_id = ?")
                .bind(namespace_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx(&self.name, "reading search attribute registrations", e))?;
        decode_registrations(&self.name, &rows)
    }

    async fn add_registrations(
        &self,
        namespace_id: &str,
        attributes: &BTreeMap<String, SearchAttributeType>,
        check: &(dyn for<'a> Fn(&'a [AttributeDef]) -> Result<()> + Send + Sync),
    ) -> Result<()> {
        let op = "registering search attributes";
        let mut tx = self.begin(op).await?;
        let rows =
            sqlx::query("SELECT id, name, type FROM search_attributes WHERE namespace_id = ?")
                .bind(namespace_id)
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| map_sqlx(&self.name, op, e))?;
        let existing = decode_registrations(&self.name, &rows)?;
        check(&existing)?;
        for (name, ty) in attributes {
            sqlx::query(
                "INSERT INTO search_attributes (namespace_id, name, type) VALUES (?, ?, ?)",
            )
            .bind(namespace_id)
            .bind(name.as_str())
            .bind(ty.name())
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx(&self.name, op, e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx(&self.name, op, e))
    }

    async fn remove_registrations(&self, namespace_id: &str, names: &[String]) -> Result<()> {
        let op = "removing search attributes";
        let mut tx = self.begin(op).await?;
        let mut found = Vec::with_capacity(names.len());
        for name in names {
            let row = sqlx::query(
                "SELECT id, type FROM search_attributes WHERE namespace_id = ? AND name = ?",
            )
            .bind(namespace_id)
            .bind(name.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| map_sqlx(&self.name, op, e))?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "search attribute {name} is not registered in namespace {namespace_id}"
                ))
            })?;
            let ty: String = row.get(1);
            found.push((row.get::<i64, _>(0), parse_type(&self.name, &ty)?));
        }
        for (id, ty) in found {
            sqlx::query("DELETE FROM search_attributes WHERE id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx(&self.name, op, e))?;
            // The table name comes from a fixed list, never from input.
            let sql = format!(
                "DELETE FROM {} WHERE namespace_id = ? AND attr_id = ?",
                value_table(ty).name()
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(namespace_id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx(&self.name, op, e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx(&self.name, op, e))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

fn parse_type(store: &str, ty: &str) -> Result<SearchAttributeType> {
    ty.parse().map_err(|_| {
        Error::Internal(format!(
            "{store}: unknown attribute type {ty:?} in registry"
        ))
    })
}

fn decode_registrations(
    store: &str,
    rows: &[sqlx::sqlite::SqliteRow],
) -> Result<Vec<AttributeDef>> {
    rows.iter()
        .map(|row| {
            let ty: String = row.get(2);
            Ok(AttributeDef {
                id: row.get(0),
                name: row.get(1),
                ty: parse_type(store, &ty)?,
            })
        })
        .collect()
}
