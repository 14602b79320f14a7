//! Mapping of PostgreSQL driver errors onto the crate's categories. Messages never carry
//! connection strings, so no password can leak through them.

use crate::error::Error;

/// Converts a sqlx error from `operation` on store `store` into a crate error.
pub(crate) fn map_sqlx(store: &str, operation: &str, e: sqlx::Error) -> Error {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let msg = db.message().to_string();
            match code.as_str() {
                // serialization failure, deadlock, lock timeout, query canceled, shutdown
                "40001" | "40P01" | "55P03" | "57014" | "57P01" | "57P02" | "57P03" => {
                    Error::Unavailable(format!("{store}: {operation} failed: {msg}; retry later"))
                }
                // too many connections, out of memory, disk full, insufficient resources
                "53300" | "53200" | "53100" | "53000" => {
                    Error::ResourceExhausted(format!("{store}: {operation} failed: {msg}"))
                }
                "28P01" | "28000" => Error::Unavailable(format!(
                    "{store}: {operation} failed: the server rejected the credentials ({msg}); \
                     check the user name and password"
                )),
                "3D000" => Error::Unavailable(format!(
                    "{store}: {operation} failed: {msg}; create it with `wfvis --url <url> schema setup`"
                )),
                "42P01" => Error::Unavailable(format!(
                    "{store}: {operation} failed: the visibility schema is missing ({msg}); \
                     create it with `wfvis --url <url> schema setup`"
                )),
                _ => Error::Internal(format!(
                    "{store}: {operation} failed: {msg} (SQLSTATE {code})"
                )),
            }
        }
        sqlx::Error::PoolTimedOut => Error::Unavailable(format!(
            "{store}: {operation} failed: no database connection became free in time \
             (pool exhausted or server unreachable)"
        )),
        sqlx::Error::PoolClosed => {
            Error::Unavailable(format!("{store}: {operation} failed: the store is closed"))
        }
        sqlx::Error::Io(io) => Error::Unavailable(format!(
            "{store}: {operation} failed: cannot reach the server: {io}"
        )),
        sqlx::Error::Tls(_) => Error::Unavailable(format!(
            "{store}: {operation} failed: TLS negotiation with the server failed"
        )),
        sqlx::Error::Configuration(_) => Error::invalid_argument(format!(
            "{store}: {operation} failed: invalid connection settings"
        )),
        other => Error::Internal(format!("{store}: {operation} failed: {other}")),
    }
}
