//! `wfvis get`.

use workflow_visibility::VisibilityManager;
use workflow_visibility::request::GetRequest;

use crate::args::{GetArgs, OutputFormat};
use crate::failure::CliResult;
use crate::jsonl::format_record;
use crate::output::{Output, record_fields_table};

/// Prints one record: a JSON line, or a field/value table.
pub async fn run(store: &dyn VisibilityManager, args: GetArgs) -> CliResult<Output> {
    let response = store
        .get_workflow_execution(GetRequest::new(
            args.namespace,
            args.workflow_id,
            args.run_id,
        ))
        .await?;
    let mut stdout = String::new();
    match args.output {
        OutputFormat::Json => {
            stdout.push_str(&format_record(&response.execution));
            stdout.push('\n');
        }
        OutputFormat::Table => record_fields_table(&response.execution).render(&mut stdout),
    }
    Ok(Output {
        stdout,
        ..Output::default()
    })
}
