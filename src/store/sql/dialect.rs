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
}

#[allow(dead_code)] // each constant is used only when its store's feature is enabled
impl Dialect {
    #[cfg(feature = "sqlite")]
    pub const SQLITE: Dialect = Dialect {
        numbered_placeholders: false,
        nulls_last: true,
        string_value_head: None,
    };

    #[cfg(feature = "postgres")]
    pub const POSTGRES: Dialect = Dialect {
        numbered_placeholders: true,
        nulls_last: true,
        string_value_head: None,
    };

    /// MySQL 8 and MariaDB: `?` placeholders, no `NULLS LAST`.
    #[cfg(feature = "mysql")]
    pub const MYSQL: Dialect = Dialect {
        numbered_placeholders: false,
        nulls_last: false,
        string_value_head: Some(255),
    };

    pub fn push_placeholder(self, sql: &mut String, n: usize) {
        if self.numbered_placeholders {
            let _ = write!(sql, "${n}");
        } else {
            sql.push('?');
        }
    }
}
