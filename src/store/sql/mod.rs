//! SQL rendering of the query IR, shared by every SQL store.
//!
//! One renderer, parameterised by a [`Dialect`]: stores add a driver, never a second copy of
//! the filter semantics. Every value is a bound parameter; attribute names never reach SQL
//! text (search attributes are addressed by numeric storage id, also bound).

mod builder;
mod dialect;
pub(crate) mod engine;
mod filter;
mod layout;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod returning_driver;
mod statements;
pub(crate) mod values;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))] // dedicated writers serve SQLite only
pub(crate) mod writer;

pub(crate) use builder::SqlBuilder;
pub use builder::SqlValue;
pub(crate) use dialect::Dialect;
pub(crate) use layout::{SELECT_COLUMNS, ValueTable, value_table};
pub(crate) use statements::{render_count, render_list, render_scan};

/// A rendered statement: SQL text and the values bound to its parameters, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedSql {
    /// The SQL text, with placeholders.
    pub sql: String,
    /// The bound values.
    pub params: Vec<SqlValue>,
}

impl From<SqlBuilder> for RenderedSql {
    fn from(b: SqlBuilder) -> Self {
        RenderedSql {
            sql: b.sql,
            params: b.binds,
        }
    }
}
