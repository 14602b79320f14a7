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
    // Writes keep a task of their own: a statement abandoned mid-flight would leave its
    // connection waiting for the server's answer, and the write's outcome unobserved.
    writes_survive_cancellation: false,
}

/// Fails unless the installed version is supported.
pub(crate) fn check_supported(installed: Option<&Version>, location: &str) -> Result<()> {
    schema().check_supported(installed, location)
}

impl PostgresBackend {
    /// Writes a record and all its side rows in one autocommitted statement
    /// ([`sql::INSERT_STARTED_WITH_VALUES`], [`sql::UPSERT_WITH_VALUES`]): one round trip
    /// instead of one per row plus `BEGIN` and `COMMIT`. The values travel as arrays, so the
    /// statement text (and its prepared plan) is the same whatever the record carries.
    async fn write_record(&self, p: &PreparedRecord, kind: WriteKind, now: i64) -> Result<()> {
        const OP: &str = "writing a visibility record";
        let statement = match kind {
            WriteKind::Started => sql::INSERT_STARTED_WITH_VALUES,
            WriteKind::Closed | WriteKind::Upsert => sql::UPSERT_WITH_VALUES,
        };
        let (mut string_attrs, mut strings) = (Vec::new(), Vec::new());
        let (mut int_attrs, mut ints) = (Vec::new(), Vec::new());
        let (mut double_attrs, mut doubles) = (Vec::new(), Vec::new());
        for row in side_rows(&p.attrs) {
            match row.value {
                SqlValue::Text(v) => {
                    string_attrs.push(row.attr_id);
                    strings.push(v);
                }
                SqlValue::Int(v) => {
                    int_attrs.push(row.attr_id);
                    ints.push(v);
                }
                SqlValue::Double(v) => {
                    double_attrs.push(row.attr_id);
                    doubles.push(v);
                }
            }
        }
        bind_record(sqlx::query(statement), p, encode_attributes(&p.attrs), now)
            .bind(string_attrs)
            .bind(strings)
            .bind(int_attrs)
            .bind(ints)
            .bind(double_attrs)
            .bind(doubles)
            .execute(&mut *self.writer_connection(OP).await?)
            .await
            .map_err(|e| map_sqlx(&self.name, OP, e))?;
        Ok(())
    }
}
