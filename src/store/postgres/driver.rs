//! The PostgreSQL driver: the shared `ON CONFLICT … RETURNING` driver over PostgreSQL's
//! statements.

use crate::store::postgres::errors::map_sqlx;
use crate::store::postgres::sql;
use crate::store::sql::returning_driver::returning_sql_driver;

returning_sql_driver! {
    backend: PostgresBackend,
    db: sqlx::Postgres,
    dialect: Dialect::POSTGRES,
    sql: sql,
    schema: crate::schema::postgresql(),
    map_err: map_sqlx,
}

/// Fails unless the installed version is supported.
pub(crate) fn check_supported(installed: Option<&Version>, location: &str) -> Result<()> {
    schema().check_supported(installed, location)
}
