//! Syntax tree (placeholder until the parser lands).
/// A parsed statement.
#[derive(Debug)]
pub(crate) struct Statement;
