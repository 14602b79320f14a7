//! PostgreSQL: the store and the baseline each in their own database on the test harness's
//! server (a throwaway one started with `fsync=off`, `synchronous_commit=off`, or the server
//! `WFVIS_TEST_POSTGRES_URL` names).

use criterion::Criterion;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Row};
use tokio::runtime::Runtime;
use workflow_visibility::prelude::*;
use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};

use super::{AttributeIds, Baseline, MEMO, MEMO_ENCODING, NS, record, register_attributes};
use crate::support::databases;

const CHECK_RECORD: u64 = 1_000_000_000;

async fn store_at(url: &str) -> PostgresStore {
    let store = PostgresStore::setup(PostgresOptions::from_url(url).expect("a PostgreSQL URL"))
        .await
        .expect("set up the PostgreSQL store");
    register_attributes(&store).await;
    store
}

/// Plain prepared INSERTs on one connection (sqlx prepares each statement once per
/// connection and reuses it).
struct PostgresBaseline {
    pool: PgPool,
    ids: AttributeIds,
    document: String,
}

impl PostgresBaseline {
    async fn new(url: &str) -> Self {
        store_at(url).await.close().await.expect("close");
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .expect("connect the baseline");
        let rows: Vec<(String, i64)> =
            sqlx::query("SELECT name, id FROM search_attributes WHERE namespace_id = $1")
                .bind(NS)
                .fetch_all(&pool)
                .await
                .expect("read attribute ids")
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        let ids = AttributeIds::from_rows(&rows);
        PostgresBaseline {
            pool,
            ids,
            document: ids.document(),
        }
    }
}

impl Baseline for PostgresBaseline {
    async fn insert(&self, n: u64) {
        let r = record(n);
        let start = r.start_time.timestamp_micros();
        let mut tx = self.pool.begin().await.unwrap();
        let id: i64 = sqlx::query(
            "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, \
             start_time, execution_time, close_time, close_sort, status, status_rank, \
             history_length, history_size_bytes, state_transition_count, execution_duration, \
             task_queue, parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, \
             namespace_division, memo, memo_encoding, search_attributes, version) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10, $11, $12, NULL, $13, NULL, \
             NULL, NULL, NULL, NULL, $14, $15, $16, 0) RETURNING id",
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
             start_time, run_id, workflow_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
            "INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) \
             VALUES ($1, $2, $3, $4)",
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

/// Group `postgres_record_started`.
pub fn bench(c: &mut Criterion, rt: &Runtime) {
    let server = databases::postgres();
    let store_url = server.create_database("bench_write_store");
    let baseline_url = server.create_database("bench_write_baseline");
    let store = rt.block_on(store_at(&store_url));
    let baseline = rt.block_on(async {
        let baseline = PostgresBaseline::new(&baseline_url).await;
        baseline.insert(CHECK_RECORD).await;
        let reader = PostgresStore::connect(&baseline_url)
            .await
            .expect("open the baseline database as a store");
        super::check_baseline_readable(&reader, CHECK_RECORD).await;
        reader.close().await.expect("close");
        baseline
    });
    super::compare(c, rt, "postgres", &store, &baseline);
    rt.block_on(async {
        store.close().await.expect("close the store");
        baseline.pool.close().await;
    });
}
