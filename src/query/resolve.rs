use crate::attributes::NamespaceAttributes;
use crate::error::Error;
use crate::query::ast::Statement;
use crate::query::{QueryPurpose, ir::Query};
pub(crate) fn resolve(
    _s: &Statement,
    _a: &NamespaceAttributes,
    _p: QueryPurpose,
) -> Result<Query, Error> {
    Err(Error::Internal("resolver not built yet".into()))
}
