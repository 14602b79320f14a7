//! `wfvis search-attribute add|list`.

use std::fmt::Write as _;

use workflow_visibility::VisibilityManager;
use workflow_visibility::request::{AddSearchAttributesRequest, ListSearchAttributesRequest};

use crate::args::{AddAttributeArgs, ListAttributesArgs, OutputFormat};
use crate::failure::CliResult;
use crate::output::{Output, Table};

/// Registers one custom attribute.
pub async fn add(store: &dyn VisibilityManager, args: AddAttributeArgs) -> CliResult<Output> {
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            args.namespace.clone(),
            [(args.name.clone(), args.ty)],
        ))
        .await?;
    Ok(Output {
        stdout: format!(
            "registered search attribute {} of type {} in namespace {}\n",
            args.name, args.ty, args.namespace
        ),
        ..Output::default()
    })
}

/// Lists a namespace's custom attributes, by name.
pub async fn list(store: &dyn VisibilityManager, args: ListAttributesArgs) -> CliResult<Output> {
    let response = store
        .list_search_attributes(ListSearchAttributesRequest::new(args.namespace))
        .await?;
    let mut stdout = String::new();
    match args.output {
        OutputFormat::Json => {
            for (name, ty) in &response.custom {
                let line = serde_json::json!({ "name": name, "type": ty.name() });
                let _ = writeln!(stdout, "{line}");
            }
        }
        OutputFormat::Table => {
            let mut table = Table::new(&["name", "type"]);
            for (name, ty) in &response.custom {
                table.push(vec![name.clone(), ty.name().to_string()]);
            }
            table.render(&mut stdout);
        }
    }
    Ok(Output {
        stdout,
        ..Output::default()
    })
}
