//! The List Filter language: one parser, one typed IR, consumed by every store.
//!
//! [`compile`] runs the whole front end: the lexer and parser build a syntax tree with byte
//! offsets, and the resolver checks attribute names, types and operators against a
//! namespace's attributes and lowers the tree into an [`ir::Query`].

mod ast;
pub mod ir;
mod lexer;
mod literal;
mod parser;
mod resolve;

use crate::attributes::NamespaceAttributes;
use crate::error::Error;
use crate::options::QueryLimits;

/// What a query is compiled for; decides which clauses are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryPurpose {
    /// An ordered listing: `ORDER BY` allowed, `GROUP BY` rejected.
    List,
    /// An unordered scan: `ORDER BY` and `GROUP BY` rejected.
    Scan,
    /// A count: `GROUP BY ExecutionStatus` allowed (not together with `ORDER BY`).
    Count,
}

/// Parses, checks and lowers a List Filter for one namespace.
///
/// Errors are [`Error::InvalidArgument`] with the byte offset of the problem.
pub fn compile(
    text: &str,
    attributes: &NamespaceAttributes,
    purpose: QueryPurpose,
    limits: &QueryLimits,
) -> Result<ir::Query, Error> {
    let statement = parser::parse(text, limits)?;
    resolve::resolve(&statement, attributes, purpose)
}
