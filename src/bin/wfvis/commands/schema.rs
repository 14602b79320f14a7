//! `wfvis schema setup`.

use crate::failure::CliResult;
use crate::output::Output;
use crate::store;

/// Creates the schema at `url` (idempotent) and reports the installed version.
pub async fn setup(url: &str) -> CliResult<Output> {
    let message = store::setup(url).await?;
    Ok(Output {
        stdout: format!("{message}\n"),
        ..Output::default()
    })
}
