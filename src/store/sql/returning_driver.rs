//! The driver code of SQL stores whose engine supports `INSERT … ON CONFLICT … RETURNING`
//! (SQLite and PostgreSQL), written once.
//!
//! Their drivers differ only in SQL text and sqlx types, and sqlx's generic database traits
//! make a generic function unreadable, so [`returning_sql_driver!`] expands the same code for
//! each database; a backend supplies a module of SQL constants (see `sqlite/sql.rs`).

/// Expands a backend struct `$backend { name, pool }` implementing `SqlBackend`, plus the
/// schema functions `installed_version`, `setup` and `update`, for database `$db`.
macro_rules! returning_sql_driver {
    (
        backend: $backend:ident,
        db: $db:ty,
        dialect: $dialect:expr,
        sql: $sql:ident,
        schema: $schema:expr,
        map_err: $map_err:path,
        writes_survive_cancellation: $cancel_safe:expr $(,)?
    ) => {
        use std::collections::BTreeMap;

        use async_trait::async_trait;
        use sqlx::Row;

        use crate::SearchAttributeType;
        use crate::attributes::{AttributeDef, NamespaceAttributes};
        use crate::error::{Error, Result};
        use crate::model::{ExecutionRecord, ExecutionRef, ExecutionStatus, Memo, time};
        use crate::request::DeleteRequest;
        use crate::schema::{DatabaseSchema, UpdateReport, Version};
        use crate::store::common::{PreparedRecord, WriteKind};
        use crate::store::sql::engine::SqlBackend;
        use crate::store::sql::values::{decode_attributes, encode_attributes, side_rows};
        use crate::store::sql::{Dialect, SqlBuilder, SqlValue, ValueTable};

        type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments>;
        type Conn = <$db as sqlx::Database>::Connection;
        type DbRow = <$db as sqlx::Database>::Row;

        /// The driver: a store name (for errors), a connection pool for reads and a source of
        /// write connections (the same pool, or one dedicated connection where the engine
        /// serialises writers anyway; see the store's constructor).
        #[derive(Debug)]
        pub(crate) struct $backend {
            pub name: String,
            pub pool: sqlx::Pool<$db>,
            pub writer: crate::store::sql::writer::Writer<$db>,
        }

        type WriterConnection<'a> = crate::store::sql::writer::WriterConnection<'a, $db>;

        fn schema() -> &'static DatabaseSchema {
            $schema
        }

        fn table_index(table: ValueTable) -> usize {
            match table {
                ValueTable::String => 0,
                ValueTable::Int => 1,
                ValueTable::Double => 2,
            }
        }

        fn bind_value<'q>(q: Query<'q>, v: &'q SqlValue) -> Query<'q> {
            match v {
                SqlValue::Int(i) => q.bind(*i),
                SqlValue::Double(d) => q.bind(*d),
                SqlValue::Text(s) => q.bind(s.as_str()),
            }
        }

        fn bind_all<'q>(mut q: Query<'q>, binds: &'q [SqlValue]) -> Query<'q> {
            for v in binds {
                q = bind_value(q, v);
            }
            q
        }

        fn corrupt(store: &str, what: impl std::fmt::Display) -> Error {
            Error::Internal(format!("{store}: corrupted visibility row: {what}"))
        }

        /// Decodes a row selected with `SELECT_COLUMNS`.
        fn decode_row(store: &str, row: &DbRow, registry: &NamespaceAttributes) -> Result<ExecutionRecord> {
            let e = |e: sqlx::Error| corrupt(store, e);
            let pair = |w: Option<String>, r: Option<String>| match (w, r) {
                (Some(workflow_id), Some(run_id)) => Some(ExecutionRef { workflow_id, run_id }),
                _ => None,
            };
            let code: i64 = row.try_get(7).map_err(e)?;
            let status = ExecutionStatus::from_code(code)
                .ok_or_else(|| corrupt(store, format!("unknown status code {code}")))?;
            let memo = match (
                row.try_get::<Option<Vec<u8>>, _>(16).map_err(e)?,
                row.try_get::<Option<String>, _>(17).map_err(e)?,
            ) {
                (Some(data), Some(encoding)) => Some(Memo { encoding, data }),
                _ => None,
            };
            let attrs: String = row.try_get(18).map_err(e)?;
            Ok(ExecutionRecord {
                namespace_id: row.try_get(0).map_err(e)?,
                namespace_name: None,
                workflow_id: row.try_get(1).map_err(e)?,
                run_id: row.try_get(2).map_err(e)?,
                workflow_type: row.try_get(3).map_err(e)?,
                start_time: time::from_micros(row.try_get(4).map_err(e)?),
                execution_time: time::from_micros(row.try_get(5).map_err(e)?),
                close_time: row.try_get::<Option<i64>, _>(6).map_err(e)?.map(time::from_micros),
                status,
                history_length: row.try_get(8).map_err(e)?,
                history_size_bytes: row.try_get(9).map_err(e)?,
                state_transition_count: row.try_get(10).map_err(e)?,
                task_queue: row.try_get(11).map_err(e)?,
                parent: pair(row.try_get(12).map_err(e)?, row.try_get(13).map_err(e)?),
                root: pair(row.try_get(14).map_err(e)?, row.try_get(15).map_err(e)?),
                memo,
                search_attributes: decode_attributes(&attrs, registry).map_err(|m| corrupt(store, m))?,
                version: row.try_get(19).map_err(e)?,
            })
        }

        fn bind_record<'q>(q: Query<'q>, p: &'q PreparedRecord, attrs_json: String, now: i64) -> Query<'q> {
            let r = &p.record;
            q.bind(r.namespace_id.as_str())
                .bind(r.run_id.as_str())
                .bind(r.workflow_id.as_str())
                .bind(r.workflow_type.as_str())
                .bind(p.start_us)
                .bind(p.execution_us)
                .bind(p.close_us)
                .bind(p.close_sort)
                .bind(r.status.code())
                .bind(r.status.name_rank())
                .bind(r.history_length)
                .bind(r.history_size_bytes)
                .bind(r.state_transition_count)
                .bind(p.duration_ns)
                .bind(r.task_queue.as_str())
                .bind(r.parent.as_ref().map(|x| x.workflow_id.as_str()))
                .bind(r.parent.as_ref().map(|x| x.run_id.as_str()))
                .bind(r.root.as_ref().map(|x| x.workflow_id.as_str()))
                .bind(r.root.as_ref().map(|x| x.run_id.as_str()))
                .bind(p.division.as_deref())
                .bind(r.memo.as_ref().map(|m| m.data.as_slice()))
                .bind(r.memo.as_ref().map(|m| m.encoding.as_str()))
                .bind(attrs_json)
                .bind(r.version)
                .bind(now)
        }

        fn parse_type(store: &str, ty: &str) -> Result<SearchAttributeType> {
            ty.parse().map_err(|_| {
                Error::Internal(format!("{store}: unknown attribute type {ty:?} in registry"))
            })
        }

        fn decode_registrations(store: &str, rows: &[DbRow]) -> Result<Vec<AttributeDef>> {
            rows.iter()
                .map(|row| {
                    let ty: String = row.get(2);
                    Ok(AttributeDef { id: row.get(0), name: row.get(1), ty: parse_type(store, &ty)? })
                })
                .collect()
        }

        impl $backend {
            async fn writer_connection(&self, operation: &str) -> Result<WriterConnection<'_>> {
                self.writer.acquire().await.map_err(|e| $map_err(&self.name, operation, e))
            }

            async fn begin<'c>(
                &self,
                conn: &'c mut WriterConnection<'_>,
                operation: &str,
            ) -> Result<sqlx::Transaction<'c, $db>> {
                sqlx::Connection::begin_with(&mut **conn, $sql::BEGIN)
                    .await
                    .map_err(|e| $map_err(&self.name, operation, e))
            }

            async fn delete_side_rows(&self, conn: &mut Conn, id: i64) -> Result<()> {
                for sql in $sql::DELETE_VALUES_OF_EXECUTION {
                    sqlx::query(sql)
                        .bind(id)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| $map_err(&self.name, "replacing search attribute values", e))?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl SqlBackend for $backend {
            const WRITES_SURVIVE_CANCELLATION: bool = $cancel_safe;

            fn dialect(&self) -> Dialect {
                $dialect
            }

            async fn fetch_records(&self, statement: SqlBuilder, registry: &NamespaceAttributes, operation: &str) -> Result<Vec<ExecutionRecord>> {
                let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(statement.sql)), &statement.binds)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| $map_err(&self.name, operation, e))?;
                rows.iter().map(|r| decode_row(&self.name, r, registry)).collect()
            }

            async fn fetch_counts(&self, statement: SqlBuilder, grouped: bool) -> Result<Vec<(i64, i64)>> {
                let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(statement.sql)), &statement.binds)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| $map_err(&self.name, "counting workflow executions", e))?;
                Ok(rows
                    .iter()
                    .map(|r| if grouped { (r.get(0), r.get(1)) } else { (r.get(0), 0) })
                    .collect())
            }

            async fn write(&self, p: &PreparedRecord, kind: WriteKind, now: i64) -> Result<()> {
                // Each engine has its own fastest shape for a record and its values (see the
                // backend's driver module).
                self.write_record(p, kind, now).await
            }

            async fn delete(&self, req: &DeleteRequest, now: i64, expires_at: i64) -> Result<()> {
                let op = "deleting a visibility record";
                let mut conn = self.writer_connection(op).await?;
                let mut tx = self.begin(&mut conn, op).await?;
                let existing = sqlx::query($sql::SELECT_FOR_DELETE)
                    .bind(req.namespace_id.as_str())
                    .bind(req.run_id.as_str())
                    .bind(req.workflow_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| $map_err(&self.name, op, e))?;
                if let Some(row) = existing {
                    let (id, version): (i64, i64) = (row.get(0), row.get(1));
                    if version > req.version {
                        return tx.commit().await.map_err(|e| $map_err(&self.name, op, e));
                    }
                    self.delete_side_rows(&mut tx, id).await?;
                    sqlx::query($sql::DELETE_EXECUTION)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $map_err(&self.name, op, e))?;
                }
                sqlx::query($sql::UPSERT_TOMBSTONE)
                    .bind(req.namespace_id.as_str())
                    .bind(req.run_id.as_str())
                    .bind(req.workflow_id.as_str())
                    .bind(req.version)
                    .bind(expires_at)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $map_err(&self.name, op, e))?;
                // A bounded purge keeps every delete cheap while expired tombstones never
                // pile up.
                sqlx::query($sql::PURGE_TOMBSTONES)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $map_err(&self.name, op, e))?;
                tx.commit().await.map_err(|e| $map_err(&self.name, op, e))
            }

            async fn load_registrations(&self, namespace_id: &str) -> Result<Vec<AttributeDef>> {
                let rows = sqlx::query($sql::SELECT_REGISTRATIONS)
                    .bind(namespace_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| $map_err(&self.name, "reading search attribute registrations", e))?;
                decode_registrations(&self.name, &rows)
            }

            async fn add_registrations(
                &self,
                namespace_id: &str,
                attributes: &BTreeMap<String, SearchAttributeType>,
                check: &(dyn for<'a> Fn(&'a [AttributeDef]) -> Result<()> + Send + Sync),
            ) -> Result<()> {
                let op = "registering search attributes";
                let mut conn = self.writer_connection(op).await?;
                let mut tx = self.begin(&mut conn, op).await?;
                if let Some(lock) = $sql::LOCK_REGISTRATIONS {
                    sqlx::query(lock)
                        .bind(namespace_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $map_err(&self.name, op, e))?;
                }
                let rows = sqlx::query($sql::SELECT_REGISTRATIONS_FOR_UPDATE)
                    .bind(namespace_id)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(|e| $map_err(&self.name, op, e))?;
                let existing = decode_registrations(&self.name, &rows)?;
                check(&existing)?;
                for (name, ty) in attributes {
                    sqlx::query($sql::INSERT_REGISTRATION)
                        .bind(namespace_id)
                        .bind(name.as_str())
                        .bind(ty.name())
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| match $map_err(&self.name, op, e) {
                            // A concurrent registration of the same name won the race.
                            Error::Internal(_) => Error::AlreadyExists(format!(
                                "search attribute {name} is already registered in namespace {namespace_id}"
                            )),
                            other => other,
                        })?;
                }
                tx.commit().await.map_err(|e| $map_err(&self.name, op, e))
            }

            async fn remove_registrations(&self, namespace_id: &str, names: &[String]) -> Result<()> {
                let op = "removing search attributes";
                let mut conn = self.writer_connection(op).await?;
                let mut tx = self.begin(&mut conn, op).await?;
                let mut found = Vec::with_capacity(names.len());
                for name in names {
                    let row = sqlx::query($sql::SELECT_REGISTRATION)
                        .bind(namespace_id)
                        .bind(name.as_str())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| $map_err(&self.name, op, e))?
                        .ok_or_else(|| Error::NotFound(format!(
                            "search attribute {name} is not registered in namespace {namespace_id}"
                        )))?;
                    let ty: String = row.get(1);
                    found.push((row.get::<i64, _>(0), parse_type(&self.name, &ty)?));
                }
                for (id, ty) in found {
                    sqlx::query($sql::DELETE_REGISTRATION)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $map_err(&self.name, op, e))?;
                    sqlx::query($sql::DELETE_VALUES_OF_ATTRIBUTE[table_index(crate::store::sql::value_table(ty))])
                        .bind(namespace_id)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $map_err(&self.name, op, e))?;
                }
                tx.commit().await.map_err(|e| $map_err(&self.name, op, e))
            }

            async fn close(&self) {
                self.writer.close().await;
                self.pool.close().await;
            }
        }

        /// The installed schema version, or `None` when the database has no visibility schema.
        pub(crate) async fn installed_version(store: &str, pool: &sqlx::Pool<$db>) -> Result<Option<Version>> {
            let op = "reading the schema version";
            let has_table = sqlx::query($sql::HAS_SCHEMA_VERSION_TABLE)
                .fetch_optional(pool)
                .await
                .map_err(|e| $map_err(store, op, e))?
                .is_some();
            if !has_table {
                return Ok(None);
            }
            let row = sqlx::query("SELECT curr_version FROM schema_version WHERE version_partition = 0")
                .fetch_optional(pool)
                .await
                .map_err(|e| $map_err(store, op, e))?;
            row.map(|r| r.get::<String, _>(0).parse()).transpose()
        }

        async fn run_statements(conn: &mut Conn, store: &str, op: &str, statements: &[String]) -> Result<()> {
            for stmt in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(stmt.clone()))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| $map_err(store, op, e))?;
            }
            Ok(())
        }

        /// One row of schema bookkeeping.
        struct VersionChange<'a> {
            old: Option<&'a Version>,
            new: &'a Version,
            manifest_hash: &'a str,
            description: &'a str,
            now: i64,
        }

        async fn record_version(conn: &mut Conn, store: &str, op: &str, c: VersionChange<'_>) -> Result<()> {
            sqlx::query($sql::UPSERT_SCHEMA_VERSION)
                .bind(c.new.to_string())
                .bind(schema().min_supported().to_string())
                .bind(c.now)
                .execute(&mut *conn)
                .await
                .map_err(|e| $map_err(store, op, e))?;
            sqlx::query($sql::INSERT_SCHEMA_HISTORY)
                .bind(c.now)
                .bind(c.old.map(|v| v.to_string()).unwrap_or_default())
                .bind(c.new.to_string())
                .bind(c.manifest_hash)
                .bind(c.description)
                .execute(&mut *conn)
                .await
                .map_err(|e| $map_err(store, op, e))?;
            Ok(())
        }

        /// Creates the schema at `target` (default: the latest version, from the full schema
        /// file) in one transaction and records it; does nothing when a schema is installed.
        pub(crate) async fn setup(store: &str, pool: &sqlx::Pool<$db>, target: Option<&Version>, now: i64) -> Result<Version> {
            if let Some(v) = installed_version(store, pool).await? {
                return Ok(v);
            }
            let op = "setting up the schema";
            let latest = schema().latest().clone();
            let target = target.cloned().unwrap_or_else(|| latest.clone());
            let step = schema().step(&target)?;
            let mut tx = pool.begin_with($sql::BEGIN).await.map_err(|e| $map_err(store, op, e))?;
            if target == latest {
                run_statements(&mut tx, store, op, &schema().full_statements()).await?;
            } else {
                for step in schema().pending(&"0".parse()?, &target)? {
                    run_statements(&mut tx, store, op, &step.statements()).await?;
                }
            }
            let change = VersionChange { old: None, new: &target, manifest_hash: &step.manifest_hash, description: "setup", now };
            record_version(&mut tx, store, op, change).await?;
            tx.commit().await.map_err(|e| $map_err(store, op, e))?;
            Ok(target)
        }

        /// Applies the pending versions up to `target` (default: latest), one transaction each.
        pub(crate) async fn update(store: &str, pool: &sqlx::Pool<$db>, location: &str, target: Option<&Version>, now: i64) -> Result<UpdateReport> {
            let op = "updating the schema";
            let installed = installed_version(store, pool).await?.ok_or_else(|| {
                Error::Unavailable(format!(
                    "the database at {location} has no visibility schema; create it with \
                     `wfvis --url {location} schema setup`"
                ))
            })?;
            let target = target.cloned().unwrap_or_else(|| schema().latest().clone());
            let mut current = installed.clone();
            let mut applied = Vec::new();
            for step in schema().pending(&installed, &target)? {
                let mut tx = pool.begin_with($sql::BEGIN).await.map_err(|e| $map_err(store, op, e))?;
                // Re-read inside the transaction: a concurrent update may have applied it.
                let locked: Option<String> = sqlx::query($sql::SELECT_SCHEMA_VERSION_FOR_UPDATE)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| $map_err(store, op, e))?
                    .map(|r| r.get(0));
                let already = match locked {
                    Some(v) => v.parse::<Version>()? >= step.manifest.version,
                    None => false,
                };
                if already {
                    continue;
                }
                run_statements(&mut tx, store, op, &step.statements()).await?;
                let change = VersionChange {
                    old: Some(&current),
                    new: &step.manifest.version,
                    manifest_hash: &step.manifest_hash,
                    description: &step.manifest.description,
                    now,
                };
                record_version(&mut tx, store, op, change).await?;
                tx.commit().await.map_err(|e| $map_err(store, op, e))?;
                current = step.manifest.version.clone();
                applied.push(current.clone());
            }
            Ok(UpdateReport { from: installed, to: current, applied })
        }
    };
}
pub(crate) use returning_sql_driver;
