//! Connections: the session every connection gets, the direct connection used to detect the
//! server and run the schema tool, and the pool the store runs on.

use std::sync::Arc;

use sqlx::mysql::{MySqlConnection, MySqlPool, MySqlPoolOptions};
use sqlx::{ConnectOptions, Connection, Row};

use crate::error::{Error, Result};
use crate::options::StoreOptions;
use crate::store::mysql::errors::ErrorScope;
use crate::store::mysql::options::MysqlOptions;
use crate::store::mysql::server::ServerInfo;

/// Session settings every connection runs before its first use.
///
/// * `sql_mode` in full, so the server's defaults cannot make it lenient: a value too long for
///   its column is an error, never silently truncated.
/// * READ COMMITTED: writes rely on locking reads of the rows they touch (see `write.rs`), and
///   without REPEATABLE READ's gap locks unrelated inserts next to each other in an index do
///   not deadlock.
/// * `max_sort_length`: a sort compares only that many bytes of each string (1024 by
///   default), which would misorder keyword values sharing a long prefix.
/// * `innodb_lock_wait_timeout`: a write waiting for a row lock gives up (Unavailable) within
///   the call timeout rather than after the server's 50 s default.
pub(crate) fn session_sql(store: &StoreOptions) -> String {
    let value_bytes = store.search_attribute_limits.max_value_bytes;
    // Up to 4 bytes of sort key per byte of value, with room for the longest system column.
    let sort_length = value_bytes
        .max(4096)
        .saturating_mul(4)
        .clamp(16_384, 8_388_608);
    let lock_wait = store.call_timeout.as_secs().clamp(1, 1_073_741_824);
    format!(
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED; \
         SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', \
         SESSION max_sort_length = {sort_length}, \
         SESSION innodb_lock_wait_timeout = {lock_wait}"
    )
}

/// Runs the session settings on a fresh connection.
async fn init_session(conn: &mut MySqlConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(conn)
        .await
        .map(|_| ())
}

/// One connection outside any pool, with the store's session settings, and the server it
/// reached. `with_database` false connects without selecting a database.
pub(crate) async fn connect_direct(
    options: &MysqlOptions,
    scope: &ErrorScope,
    with_database: bool,
    operation: &str,
) -> Result<(MySqlConnection, ServerInfo)> {
    let connect = options.connect_options(with_database, None)?;
    let timeout = options.pool.connect_timeout;
    let mut conn = match tokio::time::timeout(timeout, connect.connect()).await {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => return Err(scope.map(operation, e)),
        Err(_) => {
            return Err(Error::Unavailable(scope.scrub(format!(
                "{}: {operation} failed: the server at {} did not complete the connection \
                 within {}",
                scope.name,
                scope.address,
                humantime::format_duration(timeout)
            ))));
        }
    };
    let setup = async {
        init_session(&mut conn, &session_sql(&options.store)).await?;
        sqlx::query("SELECT VERSION()")
            .fetch_one(&mut conn)
            .await
            .and_then(|row| row.try_get::<String, _>(0))
    };
    let version = match setup.await {
        Ok(v) => v,
        Err(e) => {
            let _ = conn.close().await;
            return Err(scope.map(operation, e));
        }
    };
    let server = match ServerInfo::detect(&version) {
        Ok(server) => server,
        Err(e) => {
            let _ = conn.close().await;
            return Err(scope.scrub_error(e));
        }
    };
    if let Err(e) = init_session(&mut conn, &server.set_names_sql()).await {
        let _ = conn.close().await;
        return Err(scope.map(operation, e));
    }
    Ok((conn, server))
}

/// The store's pool. Connections are opened on demand; each runs the session settings first
/// and uses the keyword collation as its connection collation: then `column = ?` is an
/// equality in the column's own collation, which both servers need to treat such a column as
/// constant when choosing an index that delivers the ORDER BY.
pub(crate) fn pool(options: &MysqlOptions, server: &ServerInfo) -> Result<MySqlPool> {
    let session: Arc<str> = session_sql(&options.store).into();
    let p = &options.pool;
    Ok(MySqlPoolOptions::new()
        .max_connections(p.max_connections.max(1))
        .min_connections(p.min_idle.min(p.max_connections.max(1)))
        .idle_timeout(p.idle_timeout)
        .max_lifetime(p.max_lifetime)
        .acquire_timeout(p.connect_timeout)
        .after_connect(move |conn, _meta| {
            let session = Arc::clone(&session);
            Box::pin(async move { init_session(conn, &session).await })
        })
        .connect_lazy_with(options.connect_options(true, Some(server.keyword_collation()))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_sorts_long_values_exactly() {
        let sql = session_sql(&StoreOptions::default());
        assert!(sql.contains("max_sort_length = 16384"), "{sql}");
        assert!(sql.contains("READ COMMITTED"), "{sql}");
        assert!(sql.contains("STRICT_ALL_TABLES"), "{sql}");
        assert!(sql.contains("innodb_lock_wait_timeout = 30"), "{sql}");
    }
}
