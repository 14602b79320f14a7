//! SQLite: the store and the baseline each on their own file in one temp directory, WAL mode,
//! `synchronous=OFF`, one connection each.

use std::path::Path;

use criterion::Criterion;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use tokio::runtime::Runtime;
use workflow_visibility::prelude::*;
use workflow_visibility::store::sqlite::SqliteSynchronous as StoreSync;

use super::{AttributeIds, Baseline, MEMO, MEMO_ENCODING, NS, record, register_attributes};

/// Record number the setup writes through the baseline to check it (far beyond any run).
const CHECK_RECORD: u64 = 1_000_000_000;

async fn store_at(path: &Path) -> SqliteStore {
    let store = SqliteStore::setup(
        SqliteOptions::file(path)
            .synchronous(StoreSync::Off)
            .max_connections(1),
    )
    .await
    .expect("set up the SQLite store");
    register_attributes(&store).await;
    store
}

/// Plain prepared INSERTs on a second file with the same schema (created through the store).
struct SqliteBaseline {
    pool: SqlitePool,
    ids: AttributeIds,
    document: String,
}

impl SqliteBaseline {
    async fn new(path: &Path) -> Self {
        store_at(path).await.close().await.expect("close");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(path)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Off),
            )
            .await
            .expect("open the baseline database");
        let rows: Vec<(String, i64)> =
            sqlx::query("SELECT name, id FROM search_attributes WHERE namespace_id = ?")
                .bind(NS)
                .fetch_all(&pool)
                .await
                .expect("read attribute ids")
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        let ids = AttributeIds::from_rows(&rows);
        SqliteBaseline {
            pool,
            ids,
            document: ids.document(),
        }
    }
}

impl Baseline for SqliteBaseline {
    async fn insert(&self, n: u64) {
        let r = record(n);
        let start = r.start_time.timestamp_micros();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let id: i64 = sqlx::query(
            "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, \
             start_time, execution_time, close_time, close_sort, status, status_rank, \
             history_length, history_size_bytes, state_transition_count, execution_duration, \
             task_queue, parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, \
             namespace_division, memo, memo_encoding, search_attributes, version) \
             VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL, NULL, \
             NULL, ?, ?, ?, 0) RETURNING id",
        )
        .bind(NS)
        .bind(r.run_id.as_str())
        .bind(r.workflow_id.as_str())
        .bind(r.workflow_type.as_str())
        .bind(start)
        .bind(start)
        .bind(i64::MAX)
        .bind(r.status.code())
        .bind(r.status.name_rank())
        .bind(r.history_length)
        .bind(r.history_size_bytes)
        .bind(r.state_transition_count)
        .bind(r.task_queue.as_str())
        .bind(MEMO)
        .bind(MEMO_ENCODING)
        .bind(self.document.as_str())
        .fetch_one(&mut *tx)
        .await
        .unwrap()
        .get(0);
        sqlx::query(
            "INSERT INTO sa_string (execution_id, namespace_id, attr_id, value, close_sort, \
             start_time, run_id, workflow_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(NS)
        .bind(self.ids.keyword)
        .bind(super::KEYWORD_VALUE)
        .bind(i64::MAX)
        .bind(start)
        .bind(r.run_id.as_str())
        .bind(r.workflow_id.as_str())
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(NS)
        .bind(self.ids.int)
        .bind(super::INT_VALUE)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Group `sqlite_record_started`.
pub fn bench(c: &mut Criterion, rt: &Runtime) {
    let dir = tempfile::tempdir().expect("a temp directory");
    let store = rt.block_on(store_at(&dir.path().join("store.db")));
    let baseline_path = dir.path().join("baseline.db");
    let baseline = rt.block_on(async {
        let baseline = SqliteBaseline::new(&baseline_path).await;
        baseline.insert(CHECK_RECORD).await;
        let reader = SqliteStore::open(SqliteOptions::file(&baseline_path))
            .await
            .expect("open the baseline database as a store");
        super::check_baseline_readable(&reader, CHECK_RECORD).await;
        reader.close().await.expect("close");
        baseline
    });
    super::compare(c, rt, "sqlite", &store, &baseline);
    rt.block_on(async {
        store.close().await.expect("close the store");
        baseline.pool.close().await;
    });
}
