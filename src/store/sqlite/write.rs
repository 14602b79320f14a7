//! Write transactions. Each write is one `BEGIN IMMEDIATE` transaction, so a dropped future
//! or a failure leaves the database unchanged (sqlx rolls back an unfinished transaction).

use sqlx::sqlite::SqliteArguments;
use sqlx::{Row, Sqlite, SqliteConnection};

use crate::error::Error;
use crate::request::DeleteRequest;
use crate::store::common::PreparedRecord;
use crate::store::sql::values::{SideRow, encode_attributes, side_rows};
use crate::store::sql::{SqlValue, ValueTable};
use crate::store::sqlite::errors::map_sqlx;

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments>;

/// The insert shared by both write statements; the row is skipped when a tombstone with a
/// higher version (?24 is the write's version) is still in force (?25 is now).
macro_rules! insert_unless_tombstoned {
    () => {
        "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, \
         start_time, execution_time, close_time, close_sort, status, status_rank, \
         history_length, history_size_bytes, state_transition_count, execution_duration, \
         task_queue, parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, \
         namespace_division, memo, memo_encoding, search_attributes, version) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19, ?20, ?21, ?22, ?23, ?24 \
         WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.namespace_id = ?1 \
         AND t.run_id = ?2 AND t.workflow_id = ?3 AND t.version > ?24 AND t.expires_at > ?25) "
    };
}

const INSERT_IF_ABSENT: &str = concat!(
    insert_unless_tombstoned!(),
    "ON CONFLICT (namespace_id, run_id, workflow_id) DO NOTHING RETURNING id"
);

const UPSERT: &str = concat!(
    insert_unless_tombstoned!(),
    "ON CONFLICT (namespace_id, run_id, workflow_id) DO UPDATE SET \
     workflow_type = excluded.workflow_type, start_time = excluded.start_time, \
     execution_time = excluded.execution_time, close_time = excluded.close_time, \
     close_sort = excluded.close_sort, status = excluded.status, \
     status_rank = excluded.status_rank, history_length = excluded.history_length, \
     history_size_bytes = excluded.history_size_bytes, \
     state_transition_count = excluded.state_transition_count, \
     execution_duration = excluded.execution_duration, task_queue = excluded.task_queue, \
     parent_workflow_id = excluded.parent_workflow_id, parent_run_id = excluded.parent_run_id, \
     root_workflow_id = excluded.root_workflow_id, root_run_id = excluded.root_run_id, \
     namespace_division = excluded.namespace_division, memo = excluded.memo, \
     memo_encoding = excluded.memo_encoding, search_attributes = excluded.search_attributes, \
     version = excluded.version \
     WHERE excluded.version >= executions.version RETURNING id"
);

const INSERT_STRING: &str =
    "INSERT INTO sa_string (execution_id, namespace_id, attr_id, value) VALUES (?, ?, ?, ?)";
const INSERT_INT: &str =
    "INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) VALUES (?, ?, ?, ?)";
const INSERT_DOUBLE: &str =
    "INSERT INTO sa_double (execution_id, namespace_id, attr_id, value) VALUES (?, ?, ?, ?)";
const DELETE_SIDE_ROWS: [&str; 3] = [
    "DELETE FROM sa_string WHERE execution_id = ?",
    "DELETE FROM sa_int WHERE execution_id = ?",
    "DELETE FROM sa_double WHERE execution_id = ?",
];

fn bind_record<'q>(
    q: SqliteQuery<'q>,
    p: &'q PreparedRecord,
    attrs_json: String,
    now: i64,
) -> SqliteQuery<'q> {
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

/// Writes the record row; returns its id when the row was inserted or replaced, `None` when
/// the write lost to an existing row or a tombstone.
async fn write_row(
    conn: &mut SqliteConnection,
    store: &str,
    sql: &'static str,
    p: &PreparedRecord,
    now: i64,
) -> Result<Option<i64>, Error> {
    let row = bind_record(sqlx::query(sql), p, encode_attributes(&p.attrs), now)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| map_sqlx(store, "writing a visibility record", e))?;
    Ok(row.map(|r| r.get::<i64, _>(0)))
}

async fn insert_side_rows(
    conn: &mut SqliteConnection,
    store: &str,
    execution_id: i64,
    namespace_id: &str,
    rows: &[SideRow],
) -> Result<(), Error> {
    for row in rows {
        let sql = match row.table {
            ValueTable::String => INSERT_STRING,
            ValueTable::Int => INSERT_INT,
            ValueTable::Double => INSERT_DOUBLE,
        };
        let q = sqlx::query(sql)
            .bind(execution_id)
            .bind(namespace_id)
            .bind(row.attr_id);
        let q = match &row.value {
            SqlValue::Int(i) => q.bind(*i),
            SqlValue::Double(d) => q.bind(*d),
            SqlValue::Text(s) => q.bind(s.as_str()),
        };
        q.execute(&mut *conn)
            .await
            .map_err(|e| map_sqlx(store, "writing search attribute values", e))?;
    }
    Ok(())
}

async fn delete_side_rows(
    conn: &mut SqliteConnection,
    store: &str,
    execution_id: i64,
) -> Result<(), Error> {
    for sql in DELETE_SIDE_ROWS {
        sqlx::query(sql)
            .bind(execution_id)
            .execute(&mut *conn)
            .await
            .map_err(|e| map_sqlx(store, "replacing search attribute values", e))?;
    }
    Ok(())
}

/// `record_workflow_execution_started`: insert if absent.
pub(crate) async fn insert_if_absent(
    conn: &mut SqliteConnection,
    store: &str,
    p: &PreparedRecord,
    now: i64,
) -> Result<(), Error> {
    if let Some(id) = write_row(conn, store, INSERT_IF_ABSENT, p, now).await? {
        insert_side_rows(
            conn,
            store,
            id,
            &p.record.namespace_id,
            &side_rows(&p.attrs),
        )
        .await?;
    }
    Ok(())
}

/// `record_workflow_execution_closed` / `upsert_workflow_execution`: version-guarded replace.
pub(crate) async fn upsert(
    conn: &mut SqliteConnection,
    store: &str,
    p: &PreparedRecord,
    now: i64,
) -> Result<(), Error> {
    if let Some(id) = write_row(conn, store, UPSERT, p, now).await? {
        delete_side_rows(conn, store, id).await?;
        insert_side_rows(
            conn,
            store,
            id,
            &p.record.namespace_id,
            &side_rows(&p.attrs),
        )
        .await?;
    }
    Ok(())
}

/// Version-guarded delete that leaves (or raises) a tombstone and purges a few expired ones.
pub(crate) async fn delete(
    conn: &mut SqliteConnection,
    store: &str,
    req: &DeleteRequest,
    now: i64,
    expires_at: i64,
) -> Result<(), Error> {
    let op = "deleting a visibility record";
    let existing = sqlx::query(
        "SELECT id, version FROM executions WHERE namespace_id = ? AND run_id = ? AND workflow_id = ?",
    )
    .bind(req.namespace_id.as_str())
    .bind(req.run_id.as_str())
    .bind(req.workflow_id.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| map_sqlx(store, op, e))?;
    if let Some(row) = existing {
        let (id, version): (i64, i64) = (row.get(0), row.get(1));
        if version > req.version {
            return Ok(());
        }
        delete_side_rows(conn, store, id).await?;
        sqlx::query("DELETE FROM executions WHERE id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(|e| map_sqlx(store, op, e))?;
    }
    sqlx::query(
        "INSERT INTO tombstones (namespace_id, run_id, workflow_id, version, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (namespace_id, run_id, workflow_id) DO UPDATE \
         SET version = max(version, excluded.version), \
         expires_at = max(expires_at, excluded.expires_at)",
    )
    .bind(req.namespace_id.as_str())
    .bind(req.run_id.as_str())
    .bind(req.workflow_id.as_str())
    .bind(req.version)
    .bind(expires_at)
    .execute(&mut *conn)
    .await
    .map_err(|e| map_sqlx(store, op, e))?;
    // Bounded purge keeps every delete cheap while the table never grows past live tombstones
    // plus a trickle of expired ones.
    sqlx::query(
        "DELETE FROM tombstones WHERE rowid IN \
         (SELECT rowid FROM tombstones WHERE expires_at <= ? LIMIT 64)",
    )
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| map_sqlx(store, op, e))?;
    Ok(())
}
