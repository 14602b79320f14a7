//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use workflow_visibility::SearchAttributeType;

/// Text appended to `wfvis --help`.
const AFTER_HELP: &str = "\
Exit status: 0 on success, 1 when the command failed, 2 on a usage error, \
3 when `load` rejected some input lines.
Set WFVIS_LOG (e.g. WFVIS_LOG=debug) to write diagnostic logs to stderr.";

/// Inspect and load a workflow visibility store.
#[derive(Debug, Parser)]
#[command(
    name = "wfvis",
    version,
    after_help = AFTER_HELP,
    subcommand_required = true,
    arg_required_else_help = false
)]
pub struct Cli {
    /// Store URL: sqlite::memory:, sqlite://PATH, postgres://USER:PASSWORD@HOST:PORT/DATABASE
    /// or mysql://USER:PASSWORD@HOST:PORT/DATABASE.
    #[arg(
        long,
        global = true,
        env = "WFVIS_URL",
        value_name = "URL",
        conflicts_with = "config"
    )]
    pub url: Option<String>,

    /// A Temporal server config file: its `persistence` block names the visibility store(s).
    /// With a secondary store, data commands go through the dual manager.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A Temporal dynamic-config file for the dual manager's settings (writing mode, read
    /// routing); without it, writes and reads use the primary only.
    #[arg(long, global = true, value_name = "FILE", requires = "config")]
    pub dynamic_config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the store's schema.
    #[command(subcommand_required = true, arg_required_else_help = false)]
    Schema {
        /// Schema action.
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Manage a namespace's custom search attributes.
    #[command(subcommand_required = true, arg_required_else_help = false)]
    SearchAttribute {
        /// Search attribute action.
        #[command(subcommand)]
        command: SearchAttributeCommand,
    },
    /// Load execution records from a JSON-lines file (`-` reads stdin).
    Load(LoadArgs),
    /// List executions matching a List Filter, in order, one page or all pages.
    List(ListArgs),
    /// Count executions matching a List Filter (optionally `GROUP BY ExecutionStatus`).
    Count(CountArgs),
    /// Show one execution.
    Get(GetArgs),
}

/// `schema` subcommands.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Create the database and its schema; does nothing when the schema is installed already.
    Setup {
        /// Set up this schema version instead of the latest (e.g. to test upgrades).
        #[arg(long = "version", value_name = "VERSION")]
        version: Option<String>,
    },
    /// Apply pending schema versions in order; re-running is a no-op, downgrades are refused.
    Update {
        /// Update to this version instead of the latest.
        #[arg(long = "version", value_name = "VERSION")]
        version: Option<String>,
    },
    /// Show the installed schema version and the versions this build supports.
    Version,
}

/// `search-attribute` subcommands.
#[derive(Debug, Subcommand)]
pub enum SearchAttributeCommand {
    /// Register a custom search attribute in a namespace.
    Add(AddAttributeArgs),
    /// List the custom search attributes registered in a namespace.
    List(ListAttributesArgs),
}

/// Output format of the reading commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// An aligned table with a header row.
    #[default]
    Table,
    /// JSON (one JSON document per line).
    Json,
}

/// Arguments of `search-attribute add`.
#[derive(Debug, Args)]
pub struct AddAttributeArgs {
    /// Namespace id.
    #[arg(long, value_name = "NS")]
    pub namespace: String,
    /// Attribute name.
    #[arg(long, value_name = "N")]
    pub name: String,
    /// Attribute type (case-insensitive): Keyword, Text, Int, Double, Bool, Datetime or
    /// KeywordList.
    #[arg(long = "type", value_name = "T", value_parser = parse_type)]
    pub ty: SearchAttributeType,
}

/// Arguments of `search-attribute list`.
#[derive(Debug, Args)]
pub struct ListAttributesArgs {
    /// Namespace id.
    #[arg(long, value_name = "NS")]
    pub namespace: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Arguments of `load`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each line is one JSON record: namespace_id, workflow_id, run_id, workflow_type, start_time and \
status are required; execution_time defaults to start_time, close_time to null, the counters \
to 0, task_queue to \"\", task_id to 0 and search_attributes to {}. Running records are \
recorded as started, the others as closed. Blank lines are skipped.")]
pub struct LoadArgs {
    /// JSON-lines file to load; `-` reads standard input.
    #[arg(value_name = "FILE.jsonl")]
    pub file: PathBuf,
}

/// Arguments of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Namespace id.
    #[arg(long, value_name = "NS")]
    pub namespace: String,
    /// List Filter, e.g. "WorkflowType = 'billing' ORDER BY StartTime".
    #[arg(long, value_name = "Q", default_value = "")]
    pub query: String,
    /// Records per page (the store clamps it to its maximum).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: Option<u32>,
    /// Fetch and print every page.
    #[arg(long, conflicts_with = "next_page_token")]
    pub all: bool,
    /// Continue after a previous page (the token printed on stderr).
    #[arg(long, value_name = "T")]
    pub next_page_token: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Arguments of `count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    /// Namespace id.
    #[arg(long, value_name = "NS")]
    pub namespace: String,
    /// List Filter, optionally ending with GROUP BY ExecutionStatus.
    #[arg(long, value_name = "Q", default_value = "")]
    pub query: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Arguments of `get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// Namespace id.
    #[arg(long, value_name = "NS")]
    pub namespace: String,
    /// Workflow id.
    #[arg(long, value_name = "W")]
    pub workflow_id: String,
    /// Run id.
    #[arg(long, value_name = "R")]
    pub run_id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Parses a search attribute type name with the crate's own (case-insensitive) rules.
fn parse_type(s: &str) -> Result<SearchAttributeType, String> {
    s.parse::<SearchAttributeType>()
        .map_err(|e| e.message().to_string())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn all_conflicts_with_next_page_token() {
        let err = Cli::try_parse_from([
            "wfvis",
            "list",
            "--namespace",
            "ns",
            "--all",
            "--next-page-token",
            "abc",
        ])
        .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn types_parse_case_insensitively() {
        let cli = Cli::try_parse_from([
            "wfvis",
            "search-attribute",
            "add",
            "--namespace",
            "ns",
            "--name",
            "Tags",
            "--type",
            "keywordlist",
        ])
        .unwrap();
        match cli.command {
            Command::SearchAttribute {
                command: SearchAttributeCommand::Add(a),
            } => assert_eq!(a.ty, SearchAttributeType::KeywordList),
            other => panic!("parsed as {other:?}"),
        }
    }
}
