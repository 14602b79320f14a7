//! SQLite: a file in a temp directory, opened by the store with its defaults; the loader
//! writes through its own connection (WAL, `synchronous=OFF`, a large page cache) with
//! multi-row INSERTs, row ids taken in order after the largest existing one, as SQLite
//! assigns them.

use std::sync::atomic::{AtomicI64, Ordering};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use tempfile::TempDir;
use workflow_visibility::attributes::NamespaceAttributes;
use workflow_visibility::prelude::*;

use super::explain::{self, Param};
use super::queries::Canonical;
use super::rows::{BulkRow, Registry};
use super::{Backend, registry_from_rows};

/// Rows per INSERT statement (SQLite allows 32,766 parameters per statement).
const ROWS_PER_INSERT: usize = 500;
/// Tables a store writes, in dump order.
const TABLES: [&str; 6] = [
    "executions",
    "search_attributes",
    "sa_string",
    "sa_int",
    "sa_double",
    "tombstones",
];

pub struct SqliteBackend {
    _dir: TempDir,
    path: std::path::PathBuf,
    store: SqliteStore,
    loader: SqlitePool,
    next_id: AtomicI64,
}

/// Binds loader parameters.
fn bind_param<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    p: &'q Param,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    match p {
        Param::Int(i) => q.bind(*i),
        Param::Double(d) => q.bind(*d),
        Param::Text(s) => q.bind(s.as_str()),
    }
}

fn placeholders(rows: usize, columns: usize) -> String {
    let tuple = format!("({})", vec!["?"; columns].join(", "));
    vec![tuple; rows].join(", ")
}

impl SqliteBackend {
    async fn insert_executions(&self, tx: &mut sqlx::SqliteConnection, rows: &[BulkRow]) {
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO executions (id, namespace_id, run_id, workflow_id, workflow_type, \
                 start_time, execution_time, close_time, close_sort, status, status_rank, \
                 history_length, history_size_bytes, state_transition_count, \
                 execution_duration, task_queue, parent_workflow_id, parent_run_id, \
                 root_workflow_id, root_run_id, namespace_division, memo, memo_encoding, \
                 search_attributes, version) VALUES {}",
                placeholders(chunk.len(), 25)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.id)
                    .bind(r.namespace_id.as_str())
                    .bind(r.run_id.as_str())
                    .bind(r.workflow_id.as_str())
                    .bind(r.workflow_type.as_str())
                    .bind(r.start_time)
                    .bind(r.execution_time)
                    .bind(r.close_time)
                    .bind(r.close_sort)
                    .bind(r.status)
                    .bind(r.status_rank)
                    .bind(r.history_length)
                    .bind(r.history_size_bytes)
                    .bind(r.state_transition_count)
                    .bind(r.execution_duration)
                    .bind(r.task_queue.as_str())
                    .bind(r.parent_workflow_id.as_deref())
                    .bind(r.parent_run_id.as_deref())
                    .bind(r.root_workflow_id.as_deref())
                    .bind(r.root_run_id.as_deref())
                    .bind(r.namespace_division.as_deref())
                    .bind(r.memo.as_deref())
                    .bind(r.memo_encoding.as_deref())
                    .bind(r.search_attributes.as_str())
                    .bind(r.version);
            }
            q.execute(&mut *tx).await.expect("bulk insert executions");
        }
    }

    async fn insert_side(
        &self,
        tx: &mut sqlx::SqliteConnection,
        table: &str,
        rows: &[(i64, &str, i64, Param)],
    ) {
        for chunk in rows.chunks(ROWS_PER_INSERT * 4) {
            let sql = format!(
                "INSERT INTO {table} (execution_id, namespace_id, attr_id, value) VALUES {}",
                placeholders(chunk.len(), 4)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, ns, attr, value) in chunk {
                q = bind_param(q.bind(*id).bind(*ns).bind(*attr), value);
            }
            q.execute(&mut *tx).await.expect("bulk insert side rows");
        }
    }
}

impl SqliteBackend {
    /// String rows carry their record's default-order sort key, as the store writes them.
    async fn insert_strings(&self, tx: &mut sqlx::SqliteConnection, rows: &[BulkRow]) {
        let strings: Vec<(&BulkRow, &str, i64)> = rows
            .iter()
            .flat_map(|r| {
                r.strings
                    .iter()
                    .map(move |s| (r, s.value.as_str(), s.attr_id))
            })
            .collect();
        for chunk in strings.chunks(ROWS_PER_INSERT * 4) {
            let sql = format!(
                "INSERT INTO sa_string (execution_id, namespace_id, attr_id, value, close_sort, \
                 start_time, run_id, workflow_id) VALUES {}",
                placeholders(chunk.len(), 8)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (r, value, attr) in chunk {
                q = q
                    .bind(r.id)
                    .bind(r.namespace_id.as_str())
                    .bind(*attr)
                    .bind(*value)
                    .bind(r.close_sort)
                    .bind(r.start_time)
                    .bind(r.run_id.as_str())
                    .bind(r.workflow_id.as_str());
            }
            q.execute(&mut *tx).await.expect("bulk insert string rows");
        }
    }
}

impl Backend for SqliteBackend {
    const NAME: &'static str = "SQLite";
    const KEY: &'static str = "sqlite";
    // One writer at a time: SQLite serialises writes anyway.
    const LOAD_CONCURRENCY: usize = 1;

    async fn create(_label: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temp directory");
        let path = dir.path().join("visibility.db");
        let store = SqliteStore::setup(SqliteOptions::file(&path))
            .await
            .expect("set up the SQLite store");
        let loader = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(&path)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Off)
                    .pragma("cache_size", "-524288"),
            )
            .await
            .expect("open the loader connection");
        let max: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM executions")
            .fetch_one(&loader)
            .await
            .expect("largest row id")
            .get(0);
        SqliteBackend {
            _dir: dir,
            path,
            store,
            loader,
            next_id: AtomicI64::new(max + 1),
        }
    }

    fn store(&self) -> &dyn VisibilityManager {
        &self.store
    }

    fn describe(&self) -> String {
        format!(
            "file {} (store defaults; WAL; loader connection synchronous=OFF)",
            self.path.display()
        )
    }

    async fn registry(&self) -> Registry {
        let rows = sqlx::query("SELECT namespace_id, name, id FROM search_attributes")
            .fetch_all(&self.loader)
            .await
            .expect("read the registry")
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        registry_from_rows(rows)
    }

    async fn bulk_insert(&self, records: Vec<ExecutionRecord>, registry: &Registry) {
        let first = self
            .next_id
            .fetch_add(records.len() as i64, Ordering::Relaxed);
        let rows: Vec<BulkRow> = records
            .iter()
            .zip(first..)
            .map(|(r, id)| BulkRow::new(r, id, registry))
            .collect();
        let ints: Vec<(i64, &str, i64, Param)> = rows
            .iter()
            .flat_map(|r| {
                r.ints.iter().map(|s| {
                    (
                        r.id,
                        r.namespace_id.as_str(),
                        s.attr_id,
                        Param::Int(s.value),
                    )
                })
            })
            .collect();
        let mut tx = self
            .loader
            .begin_with("BEGIN IMMEDIATE")
            .await
            .expect("begin a load transaction");
        self.insert_executions(&mut tx, &rows).await;
        self.insert_strings(&mut tx, &rows).await;
        self.insert_side(&mut tx, "sa_int", &ints).await;
        tx.commit().await.expect("commit a load transaction");
    }

    async fn execute(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.loader)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn after_load(&self) {
        // The store never runs ANALYZE, so neither does the benchmark: the planner works
        // without statistics, as it does on a store-written database. Only the WAL is folded
        // back into the main file, as SQLite's automatic checkpoints do.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.loader)
            .await
            .expect("checkpoint");
    }

    async fn dump(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for table in TABLES {
            let columns: Vec<String> =
                sqlx::query("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                    .bind(table)
                    .fetch_all(&self.loader)
                    .await
                    .expect("table columns")
                    .iter()
                    .map(|r| format!("quote({})", r.get::<String, _>(0)))
                    .collect();
            let sql = format!(
                "SELECT '{table}|' || {} FROM {table}",
                columns.join(" || '|' || ")
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&self.loader)
                .await
                .expect("dump a table");
            lines.extend(rows.iter().map(|r| r.get::<String, _>(0)));
        }
        lines.sort();
        lines
    }

    async fn explain(&self, q: &Canonical, attributes: &NamespaceAttributes) -> String {
        let s = explain::sqlite_statement(q, attributes);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", s.sql)));
        for p in &s.params {
            query = bind_param(query, p);
        }
        let plan: Vec<String> = query
            .fetch_all(&self.loader)
            .await
            .expect("explain")
            .iter()
            .map(|r| format!("  {}", r.get::<String, _>(3)))
            .collect();
        format!(
            "{}\n{}",
            explain::heading(Self::NAME, q, &s),
            plan.join("\n")
        )
    }

    async fn close(self) {
        self.store.close().await.expect("close the store");
        self.loader.close().await;
    }
}
