//! Write transactions without `RETURNING`: locking reads decide, then plain INSERT / UPDATE.
//!
//! Each attempt is one READ COMMITTED transaction, so a dropped future or a failure leaves the
//! database unchanged (an unfinished transaction is rolled back). Correctness rests on row
//! locks only, never on gap locks:
//!
//! * a record write first holds the record's row lock (a locking read of an existing row, or
//!   the insert of a new one; `started`, which never replaces, goes straight to the insert),
//!   then reads the tombstone with a locking read;
//! * a delete first holds the tombstone's row lock (by writing it), then reads the record with
//!   a locking read, and rolls everything back when the stored record has a higher version.
//!
//! So whichever of a concurrent write and delete of one execution takes its first lock first,
//! the other one waits for it and then sees its outcome; if both hold their first lock, one is
//! chosen as the deadlock victim and retried. A unique key taken by a concurrent insert after
//! our read saw nothing (duplicate entry) is retried the same way: the fresh attempt sees the
//! row.

use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::Row;
use sqlx::mysql::{MySql, MySqlArguments, MySqlConnection};

use crate::error::{Error, Result};
use crate::model::SearchAttributeValue;
use crate::request::DeleteRequest;
use crate::store::common::{PreparedRecord, WriteKind};
use crate::store::mysql::backend::MysqlBackend;
use crate::store::mysql::errors::{ErrorScope, code, error_number};
use crate::store::mysql::sql;
use crate::store::sql::values::{SideRow, encode_attributes, side_rows};
use crate::store::sql::{SqlValue, ValueTable};

pub(crate) type Query<'q> = sqlx::query::Query<'q, MySql, MySqlArguments>;

/// Attempts before a write that keeps losing to concurrent transactions gives up.
const MAX_ATTEMPTS: u32 = 8;
/// Side-table rows per INSERT statement (a statement takes at most 65535 parameters).
const ROWS_PER_INSERT: usize = 500;

/// Why one attempt of a transaction failed.
pub(crate) enum Failure {
    /// Lost to a concurrent transaction; a fresh attempt resolves it.
    Conflict(&'static str),
    /// Anything else, reported as is.
    Fatal(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Fatal(e)
    }
}

/// Classifies a driver error: deadlock victims are retried, everything else is mapped.
pub(crate) fn failure(scope: &ErrorScope, operation: &str, e: sqlx::Error) -> Failure {
    if error_number(&e) == Some(code::DEADLOCK) {
        Failure::Conflict("chosen as a deadlock victim")
    } else {
        Failure::Fatal(scope.map(operation, e))
    }
}

/// Runs `attempt` until it succeeds, fails for good, or has lost `MAX_ATTEMPTS` times.
pub(crate) async fn retry_conflicts<'a, T>(
    scope: &ErrorScope,
    operation: &str,
    mut attempt: impl FnMut() -> BoxFuture<'a, Result<T, Failure>>,
) -> Result<T> {
    let mut last = "";
    for n in 0..MAX_ATTEMPTS {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(Failure::Fatal(e)) => return Err(e),
            Err(Failure::Conflict(why)) => last = why,
        }
        // Short, growing and jittered, so transactions that collided do not collide again.
        let jitter = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() % 4_000_000)
            .unwrap_or(0);
        tokio::time::sleep(
            Duration::from_millis(1 << n.min(6)) + Duration::from_nanos(jitter.into()),
        )
        .await;
    }
    Err(Error::Unavailable(format!(
        "{}: {operation} failed: lost to concurrent transactions {MAX_ATTEMPTS} times (last: \
         {last}); retry",
        scope.name
    )))
}

/// The longest value, in characters, each string column holds (see the schema's notes on
/// index key lengths).
const COLUMN_LIMITS: &[(&str, usize)] = &[
    ("namespace id", 128),
    ("run id", 128),
    ("workflow id", 255),
    ("workflow type", 250),
    ("task queue", 1000),
    ("memo encoding", 255),
];
/// Longest Keyword value, KeywordList element or namespace division, in characters.
const VALUE_LIMIT: usize = 4096;

fn check_length(what: &str, value: &str, limit: usize) -> Result<()> {
    // A string has at most as many characters as bytes: most need no counting.
    if value.len() <= limit {
        return Ok(());
    }
    let chars = value.chars().count();
    if chars > limit {
        return Err(Error::invalid_argument(format!(
            "{what} is {chars} characters long; the MySQL store keeps at most {limit}"
        )));
    }
    Ok(())
}

fn limit_of(what: &str) -> usize {
    COLUMN_LIMITS
        .iter()
        .find(|(name, _)| *name == what)
        .map_or(usize::MAX, |(_, limit)| *limit)
}

/// Checks an identity against the column sizes.
pub(crate) fn check_identity_lengths(
    namespace_id: &str,
    workflow_id: &str,
    run_id: &str,
) -> Result<()> {
    check_length("namespace id", namespace_id, limit_of("namespace id"))?;
    check_length("workflow id", workflow_id, limit_of("workflow id"))?;
    check_length("run id", run_id, limit_of("run id"))
}

/// Checks every string of a record against the column sizes, so an oversized value is an
/// InvalidArgument naming the field rather than a server error.
pub(crate) fn check_record_lengths(p: &PreparedRecord) -> Result<()> {
    let r = &p.record;
    check_identity_lengths(&r.namespace_id, &r.workflow_id, &r.run_id)?;
    check_length("workflow type", &r.workflow_type, limit_of("workflow type"))?;
    check_length("task queue", &r.task_queue, limit_of("task queue"))?;
    for (what, reference) in [("parent", &r.parent), ("root", &r.root)] {
        if let Some(x) = reference {
            check_length(
                &format!("{what} workflow id"),
                &x.workflow_id,
                limit_of("workflow id"),
            )?;
            check_length(&format!("{what} run id"), &x.run_id, limit_of("run id"))?;
        }
    }
    if let Some(memo) = &r.memo {
        check_length("memo encoding", &memo.encoding, limit_of("memo encoding"))?;
    }
    // Text words are never longer than their text, so checking whole values suffices.
    for a in &p.attrs {
        let strings: Vec<&String> = match &a.value {
            SearchAttributeValue::Keyword(s) | SearchAttributeValue::Text(s) => vec![s],
            SearchAttributeValue::KeywordList(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        for s in strings {
            check_length(
                &format!("a value of search attribute {}", a.name),
                s,
                VALUE_LIMIT,
            )?;
        }
    }
    Ok(())
}

fn bind_value<'q>(q: Query<'q>, v: &'q SqlValue) -> Query<'q> {
    match v {
        SqlValue::Int(i) => q.bind(*i),
        SqlValue::Double(d) => q.bind(*d),
        SqlValue::Text(s) => q.bind(s.as_str()),
    }
}

/// Binds the record's columns after its identity, in `INSERT_EXECUTION` / `UPDATE_EXECUTION`
/// order.
fn bind_columns<'q>(q: Query<'q>, p: &'q PreparedRecord, attrs_json: String) -> Query<'q> {
    let r = &p.record;
    q.bind(r.workflow_type.as_str())
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
}

fn table_index(table: ValueTable) -> usize {
    match table {
        ValueTable::String => 0,
        ValueTable::Int => 1,
        ValueTable::Double => 2,
    }
}

/// A locking read of `(a, b)` from a statement selecting two integers by identity.
async fn lock_pair(
    conn: &mut MySqlConnection,
    scope: &ErrorScope,
    operation: &str,
    statement: &'static str,
    identity: (&str, &str, &str),
) -> Result<Option<(i64, i64)>, Failure> {
    let row = sqlx::query(statement)
        .bind(identity.0)
        .bind(identity.1)
        .bind(identity.2)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| failure(scope, operation, e))?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .transpose()
        .map_err(|e: sqlx::Error| failure(scope, operation, e))
}

impl MysqlBackend {
    async fn delete_side_rows(&self, conn: &mut MySqlConnection, id: i64) -> Result<(), Failure> {
        for statement in sql::DELETE_VALUES_OF_EXECUTION {
            sqlx::query(statement)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(|e| failure(&self.scope, "replacing search attribute values", e))?;
        }
        Ok(())
    }

    /// Inserts side-table rows with one multi-row INSERT per table (and per chunk); string
    /// rows also carry the record's default-order sort key.
    async fn insert_side_rows(
        &self,
        conn: &mut MySqlConnection,
        id: i64,
        p: &PreparedRecord,
        rows: &[SideRow],
    ) -> Result<(), Failure> {
        let r = &p.record;
        // A row's position in the record's list numbers it: unique per record.
        let numbered: Vec<(i32, &SideRow)> = rows
            .iter()
            .enumerate()
            .map(|(seq, row)| (i32::try_from(seq).unwrap_or(i32::MAX), row))
            .collect();
        for table in [ValueTable::String, ValueTable::Int, ValueTable::Double] {
            let of_table: Vec<&(i32, &SideRow)> = numbered
                .iter()
                .filter(|(_, row)| row.table == table)
                .collect();
            for chunk in of_table.chunks(ROWS_PER_INSERT) {
                let tuple = if table == ValueTable::String {
                    sql::STRING_TUPLE
                } else {
                    sql::KEYED_TUPLE
                };
                let mut statement = String::from(sql::INSERT_VALUES_HEAD[table_index(table)]);
                for i in 0..chunk.len() {
                    if i > 0 {
                        statement.push_str(", ");
                    }
                    statement.push_str(tuple);
                }
                let mut q = sqlx::query(sqlx::AssertSqlSafe(statement));
                for (seq, row) in chunk {
                    q = q.bind(id).bind(row.attr_id);
                    if table == ValueTable::String {
                        q = q.bind(*seq);
                    }
                    q = bind_value(q.bind(r.namespace_id.as_str()), &row.value);
                    if table == ValueTable::String {
                        q = q
                            .bind(p.close_sort)
                            .bind(p.start_us)
                            .bind(r.run_id.as_str())
                            .bind(r.workflow_id.as_str());
                    }
                }
                q.execute(&mut *conn)
                    .await
                    .map_err(|e| failure(&self.scope, "writing search attribute values", e))?;
            }
        }
        Ok(())
    }

    /// Whether a live tombstone with a higher version than `version` blocks the write (a
    /// locking read, taken while the record's row lock is held).
    async fn tombstoned(
        &self,
        conn: &mut MySqlConnection,
        identity: (&str, &str, &str),
        version: i64,
        now: i64,
    ) -> Result<bool, Failure> {
        let tombstone = lock_pair(
            conn,
            &self.scope,
            "checking tombstones",
            sql::SELECT_TOMBSTONE_FOR_UPDATE,
            identity,
        )
        .await?;
        Ok(
            tombstone
                .is_some_and(|(t_version, expires_at)| t_version > version && expires_at > now),
        )
    }

    /// One attempt of a record write.
    async fn write_once(
        &self,
        p: &PreparedRecord,
        kind: WriteKind,
        now: i64,
    ) -> Result<(), Failure> {
        let op = "writing a visibility record";
        let scope = &self.scope;
        let r = &p.record;
        let identity = (
            r.namespace_id.as_str(),
            r.run_id.as_str(),
            r.workflow_id.as_str(),
        );
        let mut tx = self.pool.begin().await.map_err(|e| failure(scope, op, e))?;
        // Started never replaces, so it skips the read: its insert either takes the new row's
        // lock or finds the record (after waiting for an uncommitted one to commit or roll
        // back).
        let existing = if kind == WriteKind::Started {
            None
        } else {
            lock_pair(
                &mut tx,
                scope,
                op,
                sql::SELECT_EXECUTION_FOR_UPDATE,
                identity,
            )
            .await?
        };
        let id = match existing {
            Some((id, stored_version)) => {
                // Started never replaces; closed and upsert lose to a higher stored version.
                if kind == WriteKind::Started
                    || stored_version > r.version
                    || self.tombstoned(&mut tx, identity, r.version, now).await?
                {
                    return tx.rollback().await.map_err(|e| failure(scope, op, e));
                }
                bind_columns(
                    sqlx::query(sql::UPDATE_EXECUTION),
                    p,
                    encode_attributes(&p.attrs),
                )
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| failure(scope, op, e))?;
                self.delete_side_rows(&mut tx, id).await?;
                id
            }
            None => {
                let q = sqlx::query(sql::INSERT_EXECUTION)
                    .bind(identity.0)
                    .bind(identity.1)
                    .bind(identity.2);
                let inserted = bind_columns(q, p, encode_attributes(&p.attrs))
                    .execute(&mut *tx)
                    .await;
                let id = match inserted {
                    Ok(done) => i64::try_from(done.last_insert_id()).map_err(|_| {
                        Failure::Fatal(Error::Internal(format!(
                            "{}: {op} failed: the server returned an out-of-range row id",
                            scope.name
                        )))
                    })?,
                    Err(e) if error_number(&e) == Some(code::DUPLICATE_ENTRY) => {
                        if kind == WriteKind::Started {
                            return tx.rollback().await.map_err(|e| failure(scope, op, e));
                        }
                        return Err(Failure::Conflict("a concurrent write inserted the record"));
                    }
                    Err(e) => return Err(failure(scope, op, e)),
                };
                if self.tombstoned(&mut tx, identity, r.version, now).await? {
                    return tx.rollback().await.map_err(|e| failure(scope, op, e));
                }
                id
            }
        };
        self.insert_side_rows(&mut tx, id, p, &side_rows(&p.attrs))
            .await?;
        tx.commit().await.map_err(|e| failure(scope, op, e))
    }

    /// Inserts (started) or replaces (closed, upsert) a record; see the module docs.
    pub(crate) async fn write_record(
        &self,
        p: &PreparedRecord,
        kind: WriteKind,
        now: i64,
    ) -> Result<()> {
        check_record_lengths(p)?;
        retry_conflicts(&self.scope, "writing a visibility record", || {
            Box::pin(self.write_once(p, kind, now))
        })
        .await
    }

    /// One attempt of a delete.
    async fn delete_once(
        &self,
        req: &DeleteRequest,
        now: i64,
        expires_at: i64,
    ) -> Result<(), Failure> {
        let op = "deleting a visibility record";
        let scope = &self.scope;
        let identity = (
            req.namespace_id.as_str(),
            req.run_id.as_str(),
            req.workflow_id.as_str(),
        );
        let mut tx = self.pool.begin().await.map_err(|e| failure(scope, op, e))?;
        let tombstone = lock_pair(
            &mut tx,
            scope,
            op,
            sql::SELECT_TOMBSTONE_FOR_UPDATE,
            identity,
        )
        .await?;
        match tombstone {
            None => {
                let inserted = sqlx::query(sql::INSERT_TOMBSTONE)
                    .bind(identity.0)
                    .bind(identity.1)
                    .bind(identity.2)
                    .bind(req.version)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await;
                match inserted {
                    Ok(_) => {}
                    Err(e) if error_number(&e) == Some(code::DUPLICATE_ENTRY) => {
                        return Err(Failure::Conflict("a concurrent delete wrote the tombstone"));
                    }
                    Err(e) => return Err(failure(scope, op, e)),
                }
            }
            Some((version, old_expiry)) => {
                // An expired tombstone is replaced; a live one keeps the higher version and the
                // later expiry.
                let (version, expiry) = if old_expiry <= now {
                    (req.version, expires_at)
                } else {
                    (version.max(req.version), old_expiry.max(expires_at))
                };
                sqlx::query(sql::UPDATE_TOMBSTONE)
                    .bind(version)
                    .bind(expiry)
                    .bind(identity.0)
                    .bind(identity.1)
                    .bind(identity.2)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| failure(scope, op, e))?;
            }
        }
        let existing = lock_pair(
            &mut tx,
            scope,
            op,
            sql::SELECT_EXECUTION_FOR_UPDATE,
            identity,
        )
        .await?;
        if let Some((id, stored_version)) = existing {
            if stored_version > req.version {
                // The record is newer than the delete: keep it and leave no tombstone change.
                return tx.rollback().await.map_err(|e| failure(scope, op, e));
            }
            self.delete_side_rows(&mut tx, id).await?;
            sqlx::query(sql::DELETE_EXECUTION)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| failure(scope, op, e))?;
        }
        tx.commit().await.map_err(|e| failure(scope, op, e))
    }

    /// Version-guarded delete leaving a tombstone; then a bounded purge of expired tombstones
    /// in its own statement (best effort: a failed purge is retried by a later delete).
    pub(crate) async fn delete_record(
        &self,
        req: &DeleteRequest,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        check_identity_lengths(&req.namespace_id, &req.workflow_id, &req.run_id)?;
        retry_conflicts(&self.scope, "deleting a visibility record", || {
            Box::pin(self.delete_once(req, now, expires_at))
        })
        .await?;
        if let Err(e) = sqlx::query(sql::PURGE_TOMBSTONES)
            .bind(now)
            .execute(&self.pool)
            .await
        {
            tracing::debug!(store = %self.scope.name, error = %self.scope.map("purging tombstones", e), "tombstone purge skipped");
        }
        Ok(())
    }
}

/// Whether an error is the "duplicate entry" of a unique key.
pub(crate) fn is_duplicate(e: &sqlx::Error) -> bool {
    error_number(e) == Some(code::DUPLICATE_ENTRY)
}
