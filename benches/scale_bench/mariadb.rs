//! MariaDB (the MySQL-family store): a database on the test harness's server (throwaway,
//! `innodb_flush_log_at_trx_commit=0`; or `WFVIS_TEST_MARIADB_URL`). The loader writes
//! multi-row INSERTs with row ids taken in order after the largest existing one, as
//! AUTO_INCREMENT hands them out to the store's single-row INSERTs.

use std::sync::atomic::{AtomicI64, Ordering};

use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{Executor, MySqlPool, Row};
use workflow_visibility::attributes::NamespaceAttributes;
use workflow_visibility::prelude::*;
use workflow_visibility::store::mysql::{
    MysqlOptions, MysqlStore, render_count_sql, render_list_sql,
};

use super::dataset::MAIN_NS;
use super::explain::{self, Param, Statement, compiled};
use super::queries::{Canonical, Kind};
use super::rows::{BulkRow, Registry};
use super::{Backend, registry_from_rows};
use crate::support::databases;

/// Rows per INSERT statement (a prepared statement takes at most 65,535 parameters).
const ROWS_PER_INSERT: usize = 1_000;
const TABLES: [&str; 6] = [
    "executions",
    "search_attributes",
    "sa_string",
    "sa_int",
    "sa_double",
    "tombstones",
];

pub struct MariaDbBackend {
    store: MysqlStore,
    direct: MySqlPool,
    next_id: AtomicI64,
    version: String,
}

type Query<'q> = sqlx::query::Query<'q, sqlx::MySql, sqlx::mysql::MySqlArguments>;

fn bind_param<'q>(q: Query<'q>, p: &'q Param) -> Query<'q> {
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

impl Backend for MariaDbBackend {
    const NAME: &'static str = "MariaDB";
    const KEY: &'static str = "mariadb";
    const LOAD_CONCURRENCY: usize = 2;

    async fn create(label: &str) -> Self {
        let url = databases::mariadb().create_database(label);
        let options = MysqlOptions::from_url(&url).expect("a URL");
        MysqlStore::setup_schema(options.clone(), None)
            .await
            .expect("set up the MySQL-family schema");
        let store = MysqlStore::open(options).await.expect("open the store");
        let collation = store.server().keyword_collation();
        let connect: MySqlConnectOptions = url.parse().expect("a MySQL URL");
        let direct = MySqlPoolOptions::new()
            .max_connections(4)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                        .await
                        .map(|_| ())
                })
            })
            .connect_with(connect.charset("utf8mb4").collation(collation))
            .await
            .expect("connect the loader");
        let row = sqlx::query(
            "SELECT CONCAT(VERSION(), ', innodb_flush_log_at_trx_commit=', \
             @@innodb_flush_log_at_trx_commit, ', innodb_buffer_pool_size=', \
             @@innodb_buffer_pool_size), (SELECT COALESCE(MAX(id), 0) FROM executions)",
        )
        .fetch_one(&direct)
        .await
        .expect("server settings");
        MariaDbBackend {
            store,
            direct,
            version: row.get(0),
            next_id: AtomicI64::new(row.get::<i64, _>(1) + 1),
        }
    }

    fn store(&self) -> &dyn VisibilityManager {
        &self.store
    }

    fn describe(&self) -> String {
        format!("MariaDB {}", self.version)
    }

    async fn registry(&self) -> Registry {
        let rows = sqlx::query(
            "SELECT namespace_id, name, id FROM search_attributes WHERE name IS NOT NULL",
        )
        .fetch_all(&self.direct)
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
        let mut tx = self.direct.begin().await.expect("begin a load transaction");
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
        let strings: Vec<_> = rows
            .iter()
            .flat_map(|r| r.strings.iter().map(move |s| (r, s)))
            .collect();
        for chunk in strings.chunks(ROWS_PER_INSERT * 4) {
            let sql = format!(
                "INSERT INTO sa_string (execution_id, attr_id, seq, namespace_id, value, \
                 close_sort, start_time, run_id, workflow_id) VALUES {}",
                placeholders(chunk.len(), 9)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (r, s) in chunk {
                q = q
                    .bind(r.id)
                    .bind(s.attr_id)
                    .bind(s.seq)
                    .bind(r.namespace_id.as_str())
                    .bind(s.value.as_str())
                    .bind(r.close_sort)
                    .bind(r.start_time)
                    .bind(r.run_id.as_str())
                    .bind(r.workflow_id.as_str());
            }
            q.execute(&mut *tx).await.expect("bulk insert sa_string");
        }
        let ints: Vec<_> = rows
            .iter()
            .flat_map(|r| r.ints.iter().map(move |s| (r, s)))
            .collect();
        for chunk in ints.chunks(ROWS_PER_INSERT * 4) {
            let sql = format!(
                "INSERT INTO sa_int (execution_id, attr_id, namespace_id, value) VALUES {}",
                placeholders(chunk.len(), 4)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (r, s) in chunk {
                q = q
                    .bind(r.id)
                    .bind(s.attr_id)
                    .bind(r.namespace_id.as_str())
                    .bind(s.value);
            }
            q.execute(&mut *tx).await.expect("bulk insert sa_int");
        }
        tx.commit().await.expect("commit a load transaction");
    }

    async fn execute(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.direct)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn after_load(&self) {
        // InnoDB recalculates persistent statistics by itself after large changes; do it now
        // rather than racing the background thread.
        sqlx::raw_sql("ANALYZE TABLE executions, sa_string, sa_int")
            .execute(&self.direct)
            .await
            .expect("analyze");
    }

    async fn dump(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for table in TABLES {
            let columns: Vec<String> = sqlx::query(
                "SELECT COLUMN_NAME, DATA_TYPE LIKE '%blob' OR DATA_TYPE LIKE '%binary' \
                 FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
            )
            .bind(table)
            .fetch_all(&self.direct)
            .await
            .expect("table columns")
            .iter()
            .map(|r| {
                let name: String = r.get(0);
                // Binary columns as hex: their bytes need not be text.
                if r.get::<bool, _>(1) {
                    format!("QUOTE(HEX(`{name}`))")
                } else {
                    format!("QUOTE(`{name}`)")
                }
            })
            .collect();
            let sql = format!(
                "SELECT CAST(CONCAT_WS('|', '{table}', {}) AS CHAR) FROM {table}",
                columns.join(", ")
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&self.direct)
                .await
                .expect("dump a table");
            lines.extend(rows.iter().map(|r| r.get::<String, _>(0)));
        }
        lines.sort();
        lines
    }

    async fn explain(&self, q: &Canonical, attributes: &NamespaceAttributes) -> String {
        let ir = compiled(q, attributes);
        let r = match q.kind {
            Kind::List => render_list_sql(MAIN_NS, &ir, 100),
            Kind::GroupedCount => render_count_sql(MAIN_NS, &ir),
        };
        let s = Statement::new(r.sql, &r.params);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "ANALYZE FORMAT=JSON {}",
            s.sql
        )));
        for p in &s.params {
            query = bind_param(query, p);
        }
        let plan: String = query.fetch_one(&self.direct).await.expect("explain").get(0);
        format!("{}\n{plan}", explain::heading(Self::NAME, q, &s))
    }

    async fn close(self) {
        self.store.close().await.expect("close the store");
        self.direct.close().await;
    }
}
