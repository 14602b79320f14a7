//! PostgreSQL: a database on the test harness's server (throwaway, `fsync=off`,
//! `synchronous_commit=off`; or `WFVIS_TEST_POSTGRES_URL`). The loader streams rows with
//! `COPY … FROM STDIN`, taking row ids from the `executions` identity sequence as the store's
//! INSERTs do.

use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Row};
use workflow_visibility::attributes::NamespaceAttributes;
use workflow_visibility::prelude::*;
use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};

use super::explain::{self, Param};
use super::queries::Canonical;
use super::rows::{BulkRow, Registry};
use super::{Backend, registry_from_rows};
use crate::support::databases;

const TABLES: [&str; 6] = [
    "executions",
    "search_attributes",
    "sa_string",
    "sa_int",
    "sa_double",
    "tombstones",
];

pub struct PostgresBackend {
    store: PostgresStore,
    direct: PgPool,
    version: String,
}

/// Appends one COPY text-format field.
fn field(out: &mut String, value: Option<&str>) {
    match value {
        None => out.push_str("\\N"),
        Some(v) => {
            for c in v.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// Appends a row of fields, tab-separated.
fn row(out: &mut String, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        field(out, *f);
    }
    out.push('\n');
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("\\x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn bind_param<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    p: &'q Param,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    match p {
        Param::Int(i) => q.bind(*i),
        Param::Double(d) => q.bind(*d),
        Param::Text(s) => q.bind(s.as_str()),
    }
}

async fn copy(conn: &mut sqlx::PgConnection, statement: &str, data: String) {
    let mut copy = conn.copy_in_raw(statement).await.expect("start COPY");
    copy.send(data.into_bytes()).await.expect("send COPY data");
    copy.finish().await.expect("finish COPY");
}

impl Backend for PostgresBackend {
    const NAME: &'static str = "PostgreSQL";
    const KEY: &'static str = "postgres";
    const LOAD_CONCURRENCY: usize = 2;

    async fn create(label: &str) -> Self {
        let url = databases::postgres().create_database(label);
        let store = PostgresStore::setup(PostgresOptions::from_url(&url).expect("a URL"))
            .await
            .expect("set up the PostgreSQL store");
        let direct = PgPoolOptions::new()
            .max_connections(4)
            .connect(&url)
            .await
            .expect("connect the loader");
        let version: String = sqlx::query("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers')")
            .fetch_one(&direct)
            .await
            .expect("server settings")
            .get(0);
        PostgresBackend {
            store,
            direct,
            version,
        }
    }

    fn store(&self) -> &dyn VisibilityManager {
        &self.store
    }

    fn describe(&self) -> String {
        format!("PostgreSQL {}", self.version)
    }

    async fn registry(&self) -> Registry {
        let rows = sqlx::query("SELECT namespace_id, name, id FROM search_attributes")
            .fetch_all(&self.direct)
            .await
            .expect("read the registry")
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        registry_from_rows(rows)
    }

    async fn bulk_insert(&self, records: Vec<ExecutionRecord>, registry: &Registry) {
        let mut conn = self.direct.acquire().await.expect("a loader connection");
        let ids: Vec<i64> = sqlx::query(
            "SELECT nextval(pg_get_serial_sequence('executions', 'id')) \
             FROM generate_series(1, $1)",
        )
        .bind(records.len() as i64)
        .fetch_all(&mut *conn)
        .await
        .expect("row ids")
        .iter()
        .map(|r| r.get(0))
        .collect();
        let (mut executions, mut strings, mut ints) = (String::new(), String::new(), String::new());
        for (r, id) in records.iter().zip(ids) {
            let b = BulkRow::new(r, id, registry);
            let num = |v: i64| Some(v.to_string());
            let opt = |v: Option<i64>| v.map(|v| v.to_string());
            let memo = b.memo.as_deref().map(hex);
            let fields: [Option<String>; 25] = [
                num(b.id),
                Some(b.namespace_id.clone()),
                Some(b.run_id.clone()),
                Some(b.workflow_id.clone()),
                Some(b.workflow_type.clone()),
                num(b.start_time),
                num(b.execution_time),
                opt(b.close_time),
                num(b.close_sort),
                num(b.status),
                num(b.status_rank),
                num(b.history_length),
                num(b.history_size_bytes),
                num(b.state_transition_count),
                opt(b.execution_duration),
                Some(b.task_queue.clone()),
                b.parent_workflow_id.clone(),
                b.parent_run_id.clone(),
                b.root_workflow_id.clone(),
                b.root_run_id.clone(),
                b.namespace_division.clone(),
                memo,
                b.memo_encoding.clone(),
                Some(b.search_attributes.clone()),
                num(b.version),
            ];
            let refs: Vec<Option<&str>> = fields.iter().map(Option::as_deref).collect();
            row(&mut executions, &refs);
            for s in &b.strings {
                let (id, attr) = (b.id.to_string(), s.attr_id.to_string());
                let (close_sort, start_time) = (b.close_sort.to_string(), b.start_time.to_string());
                row(
                    &mut strings,
                    &[
                        Some(&id),
                        Some(&b.namespace_id),
                        Some(&attr),
                        Some(&s.value),
                        Some(&close_sort),
                        Some(&start_time),
                        Some(&b.run_id),
                        Some(&b.workflow_id),
                    ],
                );
            }
            for s in &b.ints {
                let (id, attr, value) =
                    (b.id.to_string(), s.attr_id.to_string(), s.value.to_string());
                row(
                    &mut ints,
                    &[Some(&id), Some(&b.namespace_id), Some(&attr), Some(&value)],
                );
            }
        }
        sqlx::query("BEGIN")
            .execute(&mut *conn)
            .await
            .expect("begin a load transaction");
        // COPY writes the identity column's values as given (like OVERRIDING SYSTEM VALUE);
        // they came from its sequence above.
        copy(
            &mut conn,
            "COPY executions (id, namespace_id, run_id, workflow_id, workflow_type, \
             start_time, execution_time, close_time, close_sort, status, status_rank, \
             history_length, history_size_bytes, state_transition_count, execution_duration, \
             task_queue, parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, \
             namespace_division, memo, memo_encoding, search_attributes, version) FROM STDIN",
            executions,
        )
        .await;
        copy(
            &mut conn,
            "COPY sa_string (execution_id, namespace_id, attr_id, value, close_sort, start_time, \
             run_id, workflow_id) FROM STDIN",
            strings,
        )
        .await;
        copy(
            &mut conn,
            "COPY sa_int (execution_id, namespace_id, attr_id, value) FROM STDIN",
            ints,
        )
        .await;
        sqlx::query("COMMIT")
            .execute(&mut *conn)
            .await
            .expect("commit a load transaction");
    }

    async fn execute(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.direct)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn after_load(&self) {
        // What autovacuum does to a freshly loaded, insert-only table (PostgreSQL 13+ vacuums
        // after inserts too): statistics and the visibility map.
        for table in ["executions", "sa_string", "sa_int"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM (ANALYZE) {table}")))
                .execute(&self.direct)
                .await
                .expect("vacuum analyze");
        }
    }

    async fn dump(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for table in TABLES {
            let sql = format!("SELECT '{table}|' || t::text FROM {table} t");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&self.direct)
                .await
                .expect("dump a table");
            lines.extend(rows.iter().map(|r| r.get::<String, _>(0)));
        }
        lines.sort();
        lines
    }

    #[cfg(feature = "sqlite")]
    async fn explain(&self, q: &Canonical, attributes: &NamespaceAttributes) -> String {
        let s = explain::sqlite_statement(q, attributes).numbered();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "EXPLAIN (ANALYZE, BUFFERS) {}",
            s.sql
        )));
        for p in &s.params {
            query = bind_param(query, p);
        }
        let plan: Vec<String> = query
            .fetch_all(&self.direct)
            .await
            .expect("explain")
            .iter()
            .map(|r| format!("  {}", r.get::<String, _>(0)))
            .collect();
        format!(
            "{}\n{}",
            explain::heading(Self::NAME, q, &s),
            plan.join("\n")
        )
    }

    #[cfg(not(feature = "sqlite"))]
    async fn explain(&self, q: &Canonical, _attributes: &NamespaceAttributes) -> String {
        format!(
            "--- {} plan: {}: needs the `sqlite` feature (its renderer supplies the SQL)",
            Self::NAME,
            q.label
        )
    }

    async fn close(self) {
        self.store.close().await.expect("close the store");
        self.direct.close().await;
    }
}
