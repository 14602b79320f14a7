//! MariaDB (the MySQL-family store): the store and the baseline each in their own database on
//! the test harness's server (a throwaway one started with
//! `innodb_flush_log_at_trx_commit=0`, or the server `WFVIS_TEST_MARIADB_URL` names).

use criterion::Criterion;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{Executor, MySqlPool, Row};
use tokio::runtime::Runtime;
use workflow_visibility::prelude::*;
use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore};

use super::{AttributeIds, Baseline, MEMO, MEMO_ENCODING, NS, record, register_attributes};
use crate::support::databases;

const CHECK_RECORD: u64 = 1_000_000_000;

async fn store_at(url: &str) -> MysqlStore {
    let options = MysqlOptions::from_url(url).expect("a MySQL URL");
    MysqlStore::setup_schema(options.clone(), None)
        .await
        .expect("set up the MySQL-family schema");
    let store = MysqlStore::open(options)
        .await
        .expect("open the MySQL-family store");
    register_attributes(&store).await;
    store
}

/// Plain prepared INSERTs on one connection with the store's isolation level and keyword
/// collation, so both sides run the same kind of transaction.
struct MariaDbBaseline {
    pool: MySqlPool,
    ids: AttributeIds,
    document: String,
}

impl MariaDbBaseline {
    async fn new(url: &str, collation: &'static str) -> Self {
        store_at(url).await.close().await.expect("close");
        let options: MySqlConnectOptions = url.parse().expect("a MySQL URL");
        let pool = MySqlPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                        .await
                        .map(|_| ())
                })
            })
            .connect_with(options.charset("utf8mb4").collation(collation))
            .await
            .expect("connect the baseline");
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
        MariaDbBaseline {
            pool,
            ids,
            document: ids.document(),
        }
    }
}

impl Baseline for MariaDbBaseline {
    async fn insert(&self, n: u64) {
        let r = record(n);
        let start = r.start_time.timestamp_micros();
        let mut tx = self.pool.begin().await.unwrap();
        let id = sqlx::query(
            "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, \
             start_time, execution_time, close_time, close_sort, status, status_rank, \
             history_length, history_size_bytes, state_transition_count, execution_duration, \
             task_queue, parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, \
             namespace_division, memo, memo_encoding, search_attributes, version) \
             VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL, NULL, \
             NULL, ?, ?, ?, 0)",
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
        .execute(&mut *tx)
        .await
        .unwrap()
        .last_insert_id();
        // The store numbers a record's side rows in attribute-name order across all tables:
        // CustomIntField is row 0, CustomKeywordField row 1.
        sqlx::query(
            "INSERT INTO sa_string (execution_id, attr_id, seq, namespace_id, value, \
             close_sort, start_time, run_id, workflow_id) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(self.ids.keyword)
        .bind(NS)
        .bind(super::KEYWORD_VALUE)
        .bind(i64::MAX)
        .bind(start)
        .bind(r.run_id.as_str())
        .bind(r.workflow_id.as_str())
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO sa_int (execution_id, attr_id, namespace_id, value) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(self.ids.int)
        .bind(NS)
        .bind(super::INT_VALUE)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Group `mariadb_record_started`.
pub fn bench(c: &mut Criterion, rt: &Runtime) {
    let server = databases::mariadb();
    let store_url = server.create_database("bench_write_store");
    let baseline_url = server.create_database("bench_write_baseline");
    let store = rt.block_on(store_at(&store_url));
    let collation = store.server().keyword_collation();
    let baseline = rt.block_on(async {
        let baseline = MariaDbBaseline::new(&baseline_url, collation).await;
        baseline.insert(CHECK_RECORD).await;
        let reader = MysqlStore::connect(&baseline_url)
            .await
            .expect("open the baseline database as a store");
        super::check_baseline_readable(&reader, CHECK_RECORD).await;
        reader.close().await.expect("close");
        baseline
    });
    super::compare(c, rt, "mariadb", &store, &baseline);
    rt.block_on(async {
        store.close().await.expect("close the store");
        baseline.pool.close().await;
    });
}
