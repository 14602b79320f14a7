//! SQL rendering of the query IR, shared by every SQL store.
//!
//! One renderer, parameterised by a [`Dialect`]: stores add a driver, never a second copy of
//! the filter semantics. Every value is a bound parameter; attribute names never reach SQL
//! text (search attributes are addressed by numeric storage id, also bound).

mod builder;
mod dialect;
mod filter;
mod layout;
mod statements;
pub(crate) mod values;

pub(crate) use builder::{SqlBuilder, SqlValue};
pub(crate) use dialect::Dialect;
pub(crate) use layout::{SELECT_COLUMNS, ValueTable, value_table};
pub(crate) use statements::{render_count, render_list, render_scan};
