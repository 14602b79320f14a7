use crate::error::Error;
use crate::options::QueryLimits;
use crate::query::ast::Statement;
pub(crate) fn parse(_text: &str, _limits: &QueryLimits) -> Result<Statement, Error> {
    Err(Error::Internal("parser not built yet".into()))
}
