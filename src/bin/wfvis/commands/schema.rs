//! `wfvis schema setup | update | version`.

use workflow_visibility::schema::Version;
use workflow_visibility::store::connect as dispatch;

use crate::failure::CliResult;
use crate::output::Output;

fn parse_version(v: Option<&str>) -> CliResult<Option<Version>> {
    Ok(v.map(str::parse).transpose()?)
}

fn stdout(text: String) -> Output {
    Output {
        stdout: format!("{text}\n"),
        ..Output::default()
    }
}

/// Creates the database (where permitted) and the schema at `version` (default: latest);
/// does nothing when a schema is installed.
pub async fn setup(url: &str, version: Option<&str>) -> CliResult<Output> {
    let target = parse_version(version)?;
    let installed = dispatch::setup_schema(url, target.as_ref()).await?;
    Ok(stdout(format!(
        "visibility schema version {installed} is set up"
    )))
}

/// Applies the pending schema versions up to `version` (default: latest).
pub async fn update(url: &str, version: Option<&str>) -> CliResult<Output> {
    let target = parse_version(version)?;
    let report = dispatch::update_schema(url, target.as_ref()).await?;
    Ok(stdout(if report.applied.is_empty() {
        format!(
            "visibility schema is at version {}: nothing to do",
            report.to
        )
    } else {
        let applied: Vec<String> = report.applied.iter().map(|v| v.to_string()).collect();
        format!(
            "visibility schema updated from {} to {} (applied {})",
            report.from,
            report.to,
            applied.join(", ")
        )
    }))
}

/// Prints the installed schema version and the range this build supports.
pub async fn version(url: &str) -> CliResult<Output> {
    let installed = dispatch::schema_version(url).await?;
    let (oldest, latest) = dispatch::supported_schema_range(url)?;
    Ok(stdout(match installed {
        Some(v) => format!("installed: {v}\nsupported: {oldest} to {latest}"),
        None => format!("installed: none\nsupported: {oldest} to {latest}"),
    }))
}

/// Creates the schema of every visibility store a persistence config names.
pub async fn setup_config(
    config: &workflow_visibility::config::persistence::PersistenceConfig,
) -> CliResult<Output> {
    let created = workflow_visibility::config::factory::setup_schemas(config).await?;
    let lines: Vec<String> = created
        .iter()
        .map(|(store, v)| format!("{store}: visibility schema version {v} is set up"))
        .collect();
    Ok(stdout(lines.join("\n")))
}
