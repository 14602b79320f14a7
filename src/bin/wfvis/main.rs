//! `wfvis`: set up, load and query a workflow visibility store from the command line.
//!
//! Output contract: results go to stdout only when a command succeeds; a command that fails
//! as a whole prints exactly one `error: …` line on stderr and exits non-zero. See
//! `wfvis --help` for the exit statuses.

mod args;
mod commands;
mod failure;
mod jsonl;
mod output;
mod store;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use clap::error::ErrorKind as ClapErrorKind;
use workflow_visibility::VisibilityManager;

use crate::args::{Cli, Command, SchemaCommand, SearchAttributeCommand};
use crate::failure::{CliResult, EXIT_USAGE, Failure};
use crate::output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    init_logging();
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the async runtime: {e}")))
        .and_then(|rt| rt.block_on(run(cli)));
    match result {
        Ok(output) => emit(output),
        Err(failure) => {
            eprintln!("{failure}");
            failure.exit_code()
        }
    }
}

/// Where the command's store comes from.
enum Source {
    Url(String),
    Config {
        config: workflow_visibility::config::persistence::PersistenceConfig,
        dynamic: Option<std::path::PathBuf>,
    },
}

impl Source {
    fn from_cli(cli: &Cli) -> CliResult<Self> {
        match (&cli.url, &cli.config) {
            (Some(_), Some(_)) => Err(Failure::usage("give either --url or --config, not both")),
            (_, Some(path)) => Ok(Source::Config {
                config: workflow_visibility::config::persistence::PersistenceConfig::from_file(
                    path,
                )?,
                dynamic: cli.dynamic_config.clone(),
            }),
            (url, None) => Ok(Source::Url(store::require_url(url.as_deref())?.to_string())),
        }
    }

    /// Opens the store (or the dual manager) the command works on.
    async fn open(&self) -> CliResult<Arc<dyn VisibilityManager>> {
        match self {
            Source::Url(url) => store::connect(url).await,
            Source::Config { config, dynamic } => {
                use workflow_visibility::dual::{VisibilitySettings, settings_handle};
                let settings = match dynamic {
                    Some(path) => {
                        let text = std::fs::read_to_string(path).map_err(|e| {
                            Failure::new(format!("cannot read {}: {e}", path.display()))
                        })?;
                        workflow_visibility::config::dynamic::DynamicConfig::from_yaml_str(&text)?
                            .apply_to(&VisibilitySettings::default())
                    }
                    None => VisibilitySettings::default(),
                };
                Ok(workflow_visibility::config::factory::build_manager(
                    config,
                    settings_handle(settings),
                )
                .await?)
            }
        }
    }
}

/// Runs the parsed command against the store named by `--url` or `--config`.
async fn run(cli: Cli) -> CliResult<Output> {
    let source = Source::from_cli(&cli)?;
    match cli.command {
        Command::Schema { command } => match (&source, command) {
            (Source::Url(url), SchemaCommand::Setup { version }) => {
                commands::schema::setup(url, version.as_deref()).await
            }
            (Source::Url(url), SchemaCommand::Update { version }) => {
                commands::schema::update(url, version.as_deref()).await
            }
            (Source::Url(url), SchemaCommand::Version) => commands::schema::version(url).await,
            (Source::Config { config, .. }, SchemaCommand::Setup { version: None }) => {
                commands::schema::setup_config(config).await
            }
            (Source::Config { .. }, _) => Err(Failure::usage(
                "with --config only `schema setup` (latest version) is available; use --url \
                 for `schema update`, `schema version` and `--version`",
            )),
        },
        Command::SearchAttribute {
            command: SearchAttributeCommand::Add(a),
        } => {
            let s = source.open().await?;
            finish(&*s, commands::search_attribute::add(&*s, a).await).await
        }
        Command::SearchAttribute {
            command: SearchAttributeCommand::List(a),
        } => {
            let s = source.open().await?;
            finish(&*s, commands::search_attribute::list(&*s, a).await).await
        }
        Command::Load(a) => {
            let s = source.open().await?;
            finish(&*s, commands::load::run(&*s, a).await).await
        }
        Command::List(a) => {
            let s = source.open().await?;
            finish(&*s, commands::list::run(&*s, a).await).await
        }
        Command::Count(a) => {
            let s = source.open().await?;
            finish(&*s, commands::count::run(&*s, a).await).await
        }
        Command::Get(a) => {
            let s = source.open().await?;
            finish(&*s, commands::get::run(&*s, a).await).await
        }
    }
}

/// Closes the store after a command. It is closed even after a failure so a file database
/// is checkpointed; the command's own error is then the one worth reporting.
async fn finish(store: &dyn VisibilityManager, result: CliResult<Output>) -> CliResult<Output> {
    let closed = store.close().await;
    let output = result?;
    closed?;
    Ok(output)
}

/// Writes a successful command's output and returns its exit status.
fn emit(output: Output) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(output.stdout.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A reader that went away (`wfvis list | head`) is not an error worth reporting.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("{}", Failure::new(format!("writing to stdout failed: {e}")));
            return ExitCode::FAILURE;
        }
    }
    for line in &output.stderr {
        eprintln!("{line}");
    }
    ExitCode::from(output.exit)
}

/// Reports a command-line parsing problem. Help and version go to stdout with status 0;
/// real usage errors become one `error: …` line (clap's usage block is condensed so that
/// every failure is a single stderr line).
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion => {
            // Printing help can only fail on a closed stdout; nothing useful to add then.
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "{}",
                Failure::usage(condense_clap_error(&e.render().to_string()))
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Turns clap's multi-paragraph error text into one line: the error paragraph (with the
/// arguments it lists), any tips, and a pointer to the help of the command concerned.
fn condense_clap_error(rendered: &str) -> String {
    let mut paragraphs = rendered.split("\n\n").map(str::trim);
    let first = paragraphs.next().unwrap_or_default();
    let mut lines = first.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut message = lines
        .next()
        .unwrap_or("invalid command line")
        .trim_start_matches("error:")
        .trim()
        .to_string();
    let details: Vec<&str> = lines.filter(|l| !l.starts_with("tip:")).collect();
    if !details.is_empty() {
        message.push(' ');
        message.push_str(&details.join(", "));
    }
    let mut command = "wfvis".to_string();
    for paragraph in rendered.split("\n\n").map(str::trim) {
        for line in paragraph.lines().map(str::trim) {
            if let Some(tip) = line.strip_prefix("tip:") {
                message.push_str("; ");
                message.push_str(tip.trim());
            }
            if let Some(usage) = line.strip_prefix("Usage:") {
                command = usage
                    .split_whitespace()
                    .take_while(|w| !w.starts_with(['-', '<', '[']))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
    }
    format!("{message}; see '{command} --help'")
}

/// Diagnostic logs go to stderr only when asked for with `WFVIS_LOG`, so that by default
/// stderr carries nothing but the contract's lines.
fn init_logging() {
    if let Ok(filter) = std::env::var("WFVIS_LOG") {
        // A second initialisation cannot happen here; ignoring keeps main free of panics.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .try_init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage_line(argv: &[&str]) -> String {
        condense_clap_error(&Cli::try_parse_from(argv).unwrap_err().render().to_string())
    }

    #[test]
    fn clap_errors_condense_to_one_line_naming_the_command() {
        let line = usage_line(&["wfvis", "get", "--namespace", "ns"]);
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains("--workflow-id"), "{line}");
        assert!(line.contains("--run-id"), "{line}");
        assert!(line.ends_with("see 'wfvis get --help'"), "{line}");
        let line = usage_line(&["wfvis", "lst"]);
        assert!(line.contains("'list'"), "{line}");
        assert!(line.ends_with("see 'wfvis --help'"), "{line}");
    }
}
