//! Mapping of driver errors onto the crate's error categories.

use crate::error::Error;

/// Converts a sqlx error from `operation` on store `store` into a crate error.
pub(crate) fn map_sqlx(store: &str, operation: &str, e: sqlx::Error) -> Error {
    match e {
        sqlx::Error::Database(db) => {
            let code: i64 = db.code().and_then(|c| c.parse().ok()).unwrap_or(0);
            // Primary result codes: SQLITE_BUSY = 5, SQLITE_LOCKED = 6, SQLITE_FULL = 13.
            match code & 0xff {
                5 | 6 => Error::Unavailable(format!(
                    "{store}: {operation} failed: the database is locked by another connection \
                     (still busy after the busy timeout); retry later"
                )),
                13 => Error::ResourceExhausted(format!(
                    "{store}: {operation} failed: the database or disk is full"
                )),
                _ => Error::Internal(format!(
                    "{store}: {operation} failed: {} (SQLite code {code})",
                    db.message()
                )),
            }
        }
        sqlx::Error::PoolTimedOut => Error::Unavailable(format!(
            "{store}: {operation} failed: no database connection became free in time"
        )),
        sqlx::Error::PoolClosed => {
            Error::Unavailable(format!("{store}: {operation} failed: the store is closed"))
        }
        sqlx::Error::Io(io) => {
            Error::Unavailable(format!("{store}: {operation} failed: I/O error: {io}"))
        }
        other => Error::Internal(format!("{store}: {operation} failed: {other}")),
    }
}
