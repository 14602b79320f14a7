//! `record_workflow_execution_started` on SQLite vs plain prepared INSERTs.
//!
//! Both sides write the same rows into the same tables (the store's own schema, applied to
//! two fresh files), one transaction per record, with `synchronous=OFF`. The baseline skips
//! everything the store adds: validation, the tombstone guard, building the attribute JSON
//! and word rows. Target: the store costs ≤ 1.10× the baseline.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use workflow_visibility::prelude::*;
use workflow_visibility::store::sqlite::SqliteSynchronous as StoreSync;

const NS: &str = "bench-ns";

fn record(n: u64) -> ExecutionRecord {
    let start =
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(n as i64);
    let mut r = ExecutionRecord::new(
        NS,
        format!("wf-{n}"),
        format!("run-{n:012}"),
        "BenchWorkflow",
        start,
    );
    r.task_queue = "bench-tq".into();
    r.history_length = 10;
    r.history_size_bytes = 1024;
    r.state_transition_count = 5;
    r.memo = Some(Memo {
        encoding: "Proto3".into(),
        data: vec![10, 11, 12],
    });
    r.search_attributes.insert(
        "CustomKeywordField".into(),
        SearchAttributeValue::Keyword("abc".into()),
    );
    r.search_attributes
        .insert("CustomIntField".into(), SearchAttributeValue::Int(7));
    r
}

async fn store_at(path: &std::path::Path) -> SqliteStore {
    let store = SqliteStore::setup(
        SqliteOptions::file(path)
            .synchronous(StoreSync::Off)
            .max_connections(1),
    )
    .await
    .unwrap();
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            [
                (
                    "CustomKeywordField".to_string(),
                    SearchAttributeType::Keyword,
                ),
                ("CustomIntField".to_string(), SearchAttributeType::Int),
            ],
        ))
        .await
        .unwrap();
    store
}

/// A raw pool on a second file with the same schema (created through the store).
async fn baseline_at(path: &std::path::Path) -> (SqlitePool, i64, i64) {
    let store = store_at(path).await;
    store.close().await.unwrap();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Off),
        )
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query("SELECT id FROM search_attributes ORDER BY name")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    (pool, ids[1], ids[0])
}

async fn baseline_insert(pool: &SqlitePool, kw_id: i64, int_id: i64, n: u64) {
    let r = record(n);
    let start = r.start_time.timestamp_micros();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let id: i64 = sqlx::query(
        "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, start_time, \
         execution_time, close_time, close_sort, status, status_rank, history_length, \
         history_size_bytes, state_transition_count, execution_duration, task_queue, \
         parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, namespace_division, \
         memo, memo_encoding, search_attributes, version) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 1, \
         4, ?, ?, ?, NULL, ?, NULL, NULL, NULL, NULL, NULL, ?, ?, ?, 0) RETURNING id",
    )
    .bind(NS)
    .bind(r.run_id.as_str())
    .bind(r.workflow_id.as_str())
    .bind(r.workflow_type.as_str())
    .bind(start)
    .bind(start)
    .bind(i64::MAX)
    .bind(r.history_length)
    .bind(r.history_size_bytes)
    .bind(r.state_transition_count)
    .bind(r.task_queue.as_str())
    .bind(&[10u8, 11, 12][..])
    .bind("Proto3")
    .bind(r#"{"1":"abc","2":7}"#)
    .fetch_one(&mut *tx)
    .await
    .unwrap()
    .get(0);
    sqlx::query(
        "INSERT INTO sa_string (execution_id, namespace_id, attr_id, value) VALUES (?, ?, ?, ?)",
    )
    .bind(id)
    .bind(NS)
    .bind(kw_id)
    .bind("abc")
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) VALUES (?, ?, ?, ?)",
    )
    .bind(id)
    .bind(NS)
    .bind(int_id)
    .bind(7i64)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(store_at(&dir.path().join("store.db")));
    let (pool, kw_id, int_id) = rt.block_on(baseline_at(&dir.path().join("baseline.db")));
    let counter = AtomicU64::new(0);

    let mut group = c.benchmark_group("sqlite_record_started");
    group.bench_function("workflow_visibility", |b| {
        b.to_async(&rt).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let store = &store;
            async move {
                store
                    .record_workflow_execution_started(RecordStartedRequest::new(record(n)))
                    .await
                    .unwrap()
            }
        })
    });
    group.bench_function("baseline_prepared_inserts", |b| {
        b.to_async(&rt).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let pool = &pool;
            async move { baseline_insert(pool, kw_id, int_id, n).await }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
