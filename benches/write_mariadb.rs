//! `record_workflow_execution_started` on MariaDB (through the MySQL store) vs plain prepared
//! INSERTs.
//!
//! Both sides write the same rows into the same tables (the store's own schema, set up in two
//! fresh databases of one throwaway MariaDB with `innodb_flush_log_at_trx_commit=0`, or the
//! server `WFVIS_TEST_MARIADB_URL` names), one transaction per record, over one connection
//! each. The baseline skips everything the store adds: validation, the tombstone check,
//! building the attribute JSON and the side-table rows. Target: the store costs ≤ 1.10× the
//! baseline.

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{MySqlPool, Row};
use workflow_visibility::prelude::*;
use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore};
use workflow_visibility::store::pool::PoolOptions;

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

/// A store on a fresh database with the two custom attributes registered, one connection.
async fn store_at(url: &str) -> MysqlStore {
    let options = MysqlOptions::from_url(url)
        .unwrap()
        .pool_options(PoolOptions {
            max_connections: 1,
            ..PoolOptions::default()
        });
    MysqlStore::setup_schema(options.clone(), None)
        .await
        .unwrap();
    let store = MysqlStore::open(options).await.unwrap();
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

/// A raw one-connection pool on a second database with the same schema (made by the store).
async fn baseline_at(url: &str) -> (MySqlPool, i64, i64) {
    store_at(url).await.close().await.unwrap();
    let options: MySqlConnectOptions = url.parse().unwrap();
    let pool = MySqlPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
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

async fn baseline_insert(pool: &MySqlPool, kw_id: i64, int_id: i64, n: u64) {
    let r = record(n);
    let start = r.start_time.timestamp_micros();
    let mut tx = pool.begin().await.unwrap();
    let id = sqlx::query(
        "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, start_time, \
         execution_time, close_time, close_sort, status, status_rank, history_length, \
         history_size_bytes, state_transition_count, execution_duration, task_queue, \
         parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, namespace_division, \
         memo, memo_encoding, search_attributes, version) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 1, \
         4, ?, ?, ?, NULL, ?, NULL, NULL, NULL, NULL, NULL, ?, ?, ?, 0)",
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
    .execute(&mut *tx)
    .await
    .unwrap()
    .last_insert_id() as i64;
    sqlx::query(
        "INSERT INTO sa_string (execution_id, attr_id, seq, namespace_id, value) \
         VALUES (?, ?, 0, ?, ?)",
    )
    .bind(id)
    .bind(kw_id)
    .bind(NS)
    .bind("abc")
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sa_int (execution_id, attr_id, namespace_id, value) VALUES (?, ?, ?, ?)",
    )
    .bind(id)
    .bind(int_id)
    .bind(NS)
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
    let server = support::databases::mariadb();
    let store = rt.block_on(store_at(&server.create_database("bench_store")));
    let (pool, kw_id, int_id) = rt.block_on(baseline_at(&server.create_database("bench_base")));
    let counter = AtomicU64::new(0);

    let mut group = c.benchmark_group("mariadb_record_started");
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
