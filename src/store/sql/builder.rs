use crate::query::ir::Scalar;
use crate::store::sql::Dialect;

/// A value bound to a statement parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// An integer (also times in µs, booleans as 0/1, status codes).
    Int(i64),
    /// A double.
    Double(f64),
    /// A string.
    Text(String),
}

impl From<&Scalar> for SqlValue {
    fn from(s: &Scalar) -> Self {
        match s {
            Scalar::Str(s) => SqlValue::Text(s.clone()),
            Scalar::Int(i) | Scalar::Time(i) => SqlValue::Int(*i),
            Scalar::Double(d) => SqlValue::Double(*d),
            Scalar::Bool(b) => SqlValue::Int(i64::from(*b)),
        }
    }
}

/// SQL text plus the values of its parameters, in order.
#[derive(Debug)]
pub(crate) struct SqlBuilder {
    pub sql: String,
    pub binds: Vec<SqlValue>,
    dialect: Dialect,
}

impl SqlBuilder {
    pub fn new(dialect: Dialect) -> Self {
        Self {
            sql: String::with_capacity(1024),
            binds: Vec::with_capacity(16),
            dialect,
        }
    }

    /// Appends SQL text.
    /// The dialect the statement is rendered for.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: SqlValue) -> &mut Self {
        self.binds.push(value);
        self.dialect
            .push_placeholder(&mut self.sql, self.binds.len());
        self
    }

    pub fn bind_int(&mut self, value: i64) -> &mut Self {
        self.bind(SqlValue::Int(value))
    }

    pub fn bind_text(&mut self, value: &str) -> &mut Self {
        self.bind(SqlValue::Text(value.to_string()))
    }

    pub fn bind_scalar(&mut self, value: &Scalar) -> &mut Self {
        self.bind(SqlValue::from(value))
    }

    /// Appends `(?, ?, …)` bound to `values`.
    pub fn bind_list<'a, T: 'a>(
        &mut self,
        values: impl IntoIterator<Item = &'a T>,
        to_value: impl Fn(&T) -> SqlValue,
    ) -> &mut Self {
        self.push("(");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(to_value(v));
        }
        self.push(")")
    }
}
