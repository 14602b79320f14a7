//! The SQLite driver: the shared `ON CONFLICT … RETURNING` driver over SQLite's statements.

use crate::store::sql::returning_driver::returning_sql_driver;
use crate::store::sqlite::errors::map_sqlx;
use crate::store::sqlite::sql;

returning_sql_driver! {
    backend: SqliteBackend,
    db: sqlx::Sqlite,
    dialect: Dialect::SQLITE,
    sql: sql,
    schema: crate::schema::sqlite(),
    map_err: map_sqlx,
}

/// Fails unless the installed version is supported.
pub(crate) fn check_supported(installed: Option<&Version>, location: &str) -> Result<()> {
    schema().check_supported(installed, location)
}

impl SqliteBackend {
    /// SQLite has no data-modifying CTEs: records are written statement by statement
    /// (in-process, so the extra statements cost no network round trips).
    async fn write_in_one_statement(
        &self,
        _p: &PreparedRecord,
        _kind: WriteKind,
        _now: i64,
    ) -> Result<bool> {
        Ok(false)
    }
}
