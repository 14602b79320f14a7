//! The SQLite driver: the shared `ON CONFLICT … RETURNING` driver over SQLite's statements.

use crate::store::sql::returning_driver::returning_sql_driver;
use crate::store::sql::values::SideRow;
use crate::store::sqlite::errors::map_sqlx;
use crate::store::sqlite::side_rows::{DELETE_PARAMETERS, side_row_script};
use crate::store::sqlite::sql;

returning_sql_driver! {
    backend: SqliteBackend,
    db: sqlx::Sqlite,
    dialect: Dialect::SQLITE,
    sql: sql,
    schema: crate::schema::sqlite(),
    map_err: map_sqlx,
    // A write abandoned part-way is all or nothing without a task of its own: a single
    // statement commits as a whole, and a two-script transaction cut off between or during its
    // scripts takes its connection with it (see `write_record`), so it rolls back.
    writes_survive_cancellation: true,
}

/// Fails unless the installed version is supported.
pub(crate) fn check_supported(installed: Option<&Version>, location: &str) -> Result<()> {
    schema().check_supported(installed, location)
}

impl SqliteBackend {
    /// SQLite runs in-process: a round trip is a hand-off to the connection's worker thread and
    /// back, and on a busy machine those hand-offs, not SQLite's own work, are most of what a
    /// write costs. So a write takes as few as it can:
    /// - a started record with no search attribute values is one autocommitted statement;
    /// - any other write is two scripts in one transaction: `BEGIN IMMEDIATE` with the record
    ///   statement (which returns the row id, or nothing when a stored record or a tombstone
    ///   wins), then the side rows, replacing the old ones, and `COMMIT` (see [`side_rows`]).
    ///
    /// sqlx does not track a transaction opened by a script, so this one ends it: a failed
    /// write is rolled back, and a connection that could still be inside the transaction (the
    /// rollback failed, or the write was cut off) is closed instead of serving another write.
    ///
    /// [`side_rows`]: crate::store::sqlite::side_rows
    async fn write_record(&self, p: &PreparedRecord, kind: WriteKind, now: i64) -> Result<()> {
        const OP: &str = "writing a visibility record";
        let rows = side_rows(&p.attrs);
        let mut conn = self.writer_connection(OP).await?;
        if kind == WriteKind::Started && rows.is_empty() {
            let q = bind_record(
                sqlx::query(sql::INSERT_IF_ABSENT),
                p,
                encode_attributes(&p.attrs),
                now,
            );
            run_script(&mut conn, q, 1)
                .await
                .map_err(|e| map_sqlx(&self.name, OP, e))?;
            return Ok(());
        }
        conn.discard_on_drop(true);
        let written = self
            .write_in_transaction(&mut conn, p, kind, &rows, now)
            .await;
        if written.is_err()
            && sqlx::query(sql::ROLLBACK)
                .execute(&mut *conn)
                .await
                .is_err()
        {
            // No transaction to roll back (it failed to begin) or a broken connection: either
            // way the connection is closed and the next write opens a fresh one.
            return written;
        }
        conn.discard_on_drop(false);
        written
    }

    async fn write_in_transaction(
        &self,
        conn: &mut sqlx::SqliteConnection,
        p: &PreparedRecord,
        kind: WriteKind,
        rows: &[SideRow],
        now: i64,
    ) -> Result<()> {
        let first = match kind {
            WriteKind::Started => sql::BEGIN_INSERT_IF_ABSENT,
            WriteKind::Closed | WriteKind::Upsert => sql::BEGIN_UPSERT,
        };
        let q = bind_record(sqlx::query(first), p, encode_attributes(&p.attrs), now);
        let written = run_script(conn, q, sql::BEGIN_RECORD_STATEMENTS)
            .await
            .map_err(|e| map_sqlx(&self.name, "writing a visibility record", e))?;
        let Some(id) = written.first().map(|row| row.get::<i64, _>(0)) else {
            // A stored record or a tombstone won: nothing was written.
            return run_script(conn, sqlx::query(sql::COMMIT), 1)
                .await
                .map(drop)
                .map_err(|e| map_sqlx(&self.name, "committing a write", e));
        };
        let r = &p.record;
        let script = side_row_script(kind != WriteKind::Started, rows);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(script.sql)).persistent(script.cached);
        if kind != WriteKind::Started {
            for _ in 0..DELETE_PARAMETERS {
                q = q.bind(id);
            }
        }
        for row in script.rows {
            q = bind_value(
                q.bind(id).bind(r.namespace_id.as_str()).bind(row.attr_id),
                &row.value,
            );
            if row.table == ValueTable::String {
                q = q
                    .bind(p.close_sort)
                    .bind(p.start_us)
                    .bind(r.run_id.as_str())
                    .bind(r.workflow_id.as_str());
            }
        }
        run_script(conn, q, script.statements)
            .await
            .map_err(|e| map_sqlx(&self.name, "writing search attribute values", e))?;
        Ok(())
    }
}

/// Runs `query`, a script of `statements` statements, and returns the rows it returned.
///
/// It returns as soon as the last statement reports that it is done, not when the connection's
/// thread closes the result channel a moment later: by then the caller has usually gone to
/// sleep, and waking it once more costs about as much as SQLite's own work on a small write.
/// A later command on the connection queues behind whatever that thread still has to tidy up.
/// `statements` must not undercount: statements after the last one waited for would not run.
async fn run_script<'q>(
    conn: &mut sqlx::SqliteConnection,
    query: impl sqlx::Execute<'q, sqlx::Sqlite> + 'q,
    statements: usize,
) -> std::result::Result<Vec<sqlx::sqlite::SqliteRow>, sqlx::Error> {
    use futures::TryStreamExt;
    use sqlx::Executor;
    let mut results = conn.fetch_many(query);
    let (mut rows, mut done) = (Vec::new(), 0);
    while let Some(result) = results.try_next().await? {
        match result {
            sqlx::Either::Left(_) => {
                done += 1;
                if done == statements {
                    break;
                }
            }
            sqlx::Either::Right(row) => rows.push(row),
        }
    }
    Ok(rows)
}
