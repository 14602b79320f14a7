//! The second script of a SQLite record write: the record's side rows, then `COMMIT`.
//!
//! A script is several statements sent to SQLite's worker thread at once; their positional
//! parameters take the bound values in order. (Numbered `?N` parameters would let rows share
//! values, but sqlx binds the numbers a statement skips as positional ones, shifting every
//! later statement's values.) Each row binds its own execution id, namespace id and values:
//! strings also the record's sort key (close sort key, start time, run id, workflow id).

use crate::store::sql::ValueTable;
use crate::store::sql::values::SideRow;

/// Rows per multi-row INSERT: at most 4000 parameters, under SQLite's 32766 per statement.
const ROWS_PER_INSERT: usize = 500;
/// Scripts with up to this many rows keep their prepared statements cached; larger, rarer
/// shapes would only push common ones out of the cache.
const CACHED_UP_TO_ROWS: usize = 16;

const TABLES: [(ValueTable, &str, &str); 3] = [
    (
        ValueTable::String,
        "INSERT INTO sa_string (execution_id, namespace_id, attr_id, value, close_sort, \
         start_time, run_id, workflow_id) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    (
        ValueTable::Int,
        "INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) VALUES ",
        "(?, ?, ?, ?)",
    ),
    (
        ValueTable::Double,
        "INSERT INTO sa_double (execution_id, namespace_id, attr_id, value) VALUES ",
        "(?, ?, ?, ?)",
    ),
];

/// A record's current rows leave no others: a replacing write clears the old ones first. Each
/// statement binds the execution id.
const DELETE_OLD_ROWS: &str = "DELETE FROM sa_string WHERE execution_id = ?; \
    DELETE FROM sa_int WHERE execution_id = ?; DELETE FROM sa_double WHERE execution_id = ?; ";

/// The execution-id parameters of [`DELETE_OLD_ROWS`], one per statement.
pub(crate) const DELETE_PARAMETERS: usize = 3;

/// The script that writes a record's side rows: its text, and the rows in the order it binds
/// them (after [`DELETE_PARAMETERS`] execution ids when it replaces old rows).
#[derive(Debug)]
pub(crate) struct Script<'a> {
    pub sql: String,
    pub rows: Vec<&'a SideRow>,
    /// Whether sqlx should keep the script's statements prepared.
    pub cached: bool,
    /// How many statements the script holds, `COMMIT` included.
    pub statements: usize,
}

/// The script that writes `rows` for a record whose row the transaction has just written,
/// deleting its old rows first when `replacing`, and commits.
pub(crate) fn side_row_script(replacing: bool, rows: &[SideRow]) -> Script<'_> {
    let mut sql = String::new();
    let mut statements = 1; // COMMIT
    if replacing {
        sql.push_str(DELETE_OLD_ROWS);
        statements += DELETE_PARAMETERS;
    }
    let mut ordered = Vec::with_capacity(rows.len());
    for (table, head, tuple) in TABLES {
        let of_table: Vec<&SideRow> = rows.iter().filter(|r| r.table == table).collect();
        for chunk in of_table.chunks(ROWS_PER_INSERT) {
            sql.push_str(head);
            for k in 0..chunk.len() {
                if k > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(tuple);
            }
            sql.push_str("; ");
            statements += 1;
        }
        ordered.extend(of_table);
    }
    sql.push_str("COMMIT");
    Script {
        sql,
        cached: rows.len() <= CACHED_UP_TO_ROWS,
        rows: ordered,
        statements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::SqlValue;

    fn row(table: ValueTable, attr_id: i64) -> SideRow {
        let value = match table {
            ValueTable::String => SqlValue::Text(format!("v{attr_id}")),
            ValueTable::Int => SqlValue::Int(attr_id),
            ValueTable::Double => SqlValue::Double(attr_id as f64),
        };
        SideRow {
            table,
            attr_id,
            value,
        }
    }

    #[test]
    fn a_record_without_values_only_commits_or_clears_and_commits() {
        let commit = side_row_script(false, &[]);
        assert_eq!((commit.sql.as_str(), commit.statements), ("COMMIT", 1));
        let clear = side_row_script(true, &[]);
        assert_eq!(clear.sql, format!("{DELETE_OLD_ROWS}COMMIT"));
        assert_eq!(clear.statements, 4);
        assert_eq!(DELETE_OLD_ROWS.matches('?').count(), DELETE_PARAMETERS);
    }

    #[test]
    fn rows_are_grouped_by_table_in_bind_order() {
        let rows = [
            row(ValueTable::Int, 1),
            row(ValueTable::String, 2),
            row(ValueTable::Double, 3),
            row(ValueTable::String, 4),
        ];
        let s = side_row_script(false, &rows);
        assert_eq!(
            s.rows.iter().map(|r| r.attr_id).collect::<Vec<_>>(),
            [2, 4, 1, 3]
        );
        assert_eq!(
            s.sql,
            "INSERT INTO sa_string (execution_id, namespace_id, attr_id, value, close_sort, \
             start_time, run_id, workflow_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?), \
             (?, ?, ?, ?, ?, ?, ?, ?); \
             INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) VALUES (?, ?, ?, ?); \
             INSERT INTO sa_double (execution_id, namespace_id, attr_id, value) VALUES \
             (?, ?, ?, ?); COMMIT"
        );
        assert_eq!(s.statements, 4);
        assert_eq!(s.statements, s.sql.split(';').count());
        assert!(s.cached);
    }

    #[test]
    fn many_rows_split_into_inserts_of_bounded_size() {
        let n = ROWS_PER_INSERT * 2 + 3;
        let rows: Vec<SideRow> = (0..n as i64).map(|i| row(ValueTable::String, i)).collect();
        let s = side_row_script(true, &rows);
        assert!(s.sql.starts_with(DELETE_OLD_ROWS));
        assert_eq!(s.sql.matches("INSERT INTO sa_string").count(), 3);
        assert_eq!(s.sql.matches('?').count(), DELETE_PARAMETERS + 8 * n);
        assert_eq!(s.rows.len(), n);
        assert!(s.sql.ends_with("; COMMIT"));
        assert_eq!(s.statements, DELETE_PARAMETERS + 3 + 1);
        assert_eq!(s.statements, s.sql.split(';').count());
        assert!(!s.cached);
    }
}
