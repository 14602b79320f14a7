use std::fmt::Write;

/// What differs between SQL engines in the statements this crate renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dialect {
    /// `$1, $2, …` (PostgreSQL) instead of `?`.
    pub numbered_placeholders: bool,
    /// The engine understands `NULLS LAST`; otherwise `expr IS NULL` is sorted first.
    pub nulls_last: bool,
    /// `sa_string` orders rows of one value by a `value_head` column holding this many leading
    /// characters of the value, instead of by the value itself (MySQL indexes long values
    /// only through a prefix, which ends an index's ordering).
    pub string_value_head: Option<usize>,
    /// Listings that must sort a StartTime window sort the matches' keys in a subquery (read
    /// from a start-time index that holds them) and then fetch one page of records by id:
    /// the text around that subquery, e.g. `e.id IN (` and `)`.
    pub defer_sorted_windows: Option<(&'static str, &'static str)>,
}

#[allow(dead_code)] // each constant is used only when its store's feature is enabled
impl Dialect {
    #[cfg(feature = "sqlite")]
    pub const SQLITE: Dialect = Dialect {
        numbered_placeholders: false,
        nulls_last: true,
        string_value_head: None,
        defer_sorted_windows: Some(("e.id IN (", ")")),
    };

    #[cfg(feature = "postgres")]
    pub const POSTGRES: Dialect = Dialect {
        numbered_placeholders: true,
        nulls_last: true,
        string_value_head: None,
        // An array built by an InitPlan: the page's ids are then fetched through the
        // primary key, where a join could pick a hash join over the whole table.
        defer_sorted_windows: Some(("e.id = ANY(ARRAY(", "))")),
    };

    /// MySQL 8 and MariaDB: `?` placeholders, no `NULLS LAST`.
    #[cfg(feature = "mysql")]
    pub const MYSQL: Dialect = Dialect {
        numbered_placeholders: false,
        nulls_last: false,
        string_value_head: Some(255),
        // MySQL-family indexes cannot hold the division (too long), so the keys could not be
        // sorted from the index alone.
        defer_sorted_windows: None,
    };

    pub fn push_placeholder(self, sql: &mut String, n: usize) {
        if self.numbered_placeholders {
            let _ = write!(sql, "${n}");
        } else {
            sql.push('?');
        }
    }
}
