//! `wfvis count`.

use serde::Serialize;
use workflow_visibility::attributes::{AttributeDef, NamespaceAttributes};
use workflow_visibility::query::{QueryPurpose, compile};
use workflow_visibility::request::{CountGroup, CountRequest, ListSearchAttributesRequest};
use workflow_visibility::{ExecutionStatus, QueryLimits, SearchAttributeValue, VisibilityManager};

use crate::args::{CountArgs, OutputFormat};
use crate::failure::CliResult;
use crate::output::{Output, Table};

/// Prints the count, and the groups when the query groups by status.
pub async fn run(store: &dyn VisibilityManager, args: CountArgs) -> CliResult<Output> {
    let response = store
        .count_workflow_executions(
            CountRequest::new(args.namespace.clone()).query(args.query.clone()),
        )
        .await?;
    let grouped = is_grouped(store, &args.namespace, &args.query, &response.groups).await;
    let mut groups = response.groups;
    // Stores return groups in any order; a stable order makes output diffable.
    groups.sort_by_key(group_order);
    let mut stdout = String::new();
    match args.output {
        OutputFormat::Json => {
            let doc = CountDoc {
                count: response.count,
                groups: grouped.then(|| {
                    groups
                        .iter()
                        .map(|g| GroupDoc {
                            values: g.values.iter().map(SearchAttributeValue::to_json).collect(),
                            count: g.count,
                        })
                        .collect()
                }),
            };
            // Serialising integers and JSON values cannot fail.
            stdout.push_str(&serde_json::to_string(&doc).unwrap_or_default());
            stdout.push('\n');
        }
        OutputFormat::Table => {
            let mut total = Table::new(&["count"]);
            total.push(vec![response.count.to_string()]);
            total.render(&mut stdout);
            if grouped {
                let mut table = Table::new(&["status", "count"]);
                for g in &groups {
                    table.push(vec![group_label(g), g.count.to_string()]);
                }
                stdout.push('\n');
                table.render(&mut stdout);
            }
        }
    }
    Ok(Output {
        stdout,
        ..Output::default()
    })
}

/// `count --output json`: `{"count": N}`, plus `groups` when grouped. Structs (not a
/// `json!` map) keep the documented key order.
#[derive(Serialize)]
struct CountDoc {
    count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Vec<GroupDoc>>,
}

/// One group of [`CountDoc`].
#[derive(Serialize)]
struct GroupDoc {
    values: Vec<serde_json::Value>,
    count: i64,
}

/// Whether the count was grouped. A grouped count over no records has no groups, so an
/// empty answer is settled by compiling the query with the crate's own front end: the
/// output shape must not depend on whether anything matched.
async fn is_grouped(
    store: &dyn VisibilityManager,
    namespace: &str,
    query: &str,
    groups: &[CountGroup],
) -> bool {
    if !groups.is_empty() {
        return true;
    }
    if query.trim().is_empty() {
        return false;
    }
    // The store accepted the query, so it compiles against the namespace's attributes; the
    // ids only need to be distinct.
    let custom = match store
        .list_search_attributes(ListSearchAttributesRequest::new(namespace))
        .await
    {
        Ok(response) => response.custom,
        Err(_) => return false,
    };
    let defs = custom
        .into_iter()
        .zip(1..)
        .map(|((name, ty), id)| AttributeDef { id, name, ty });
    compile(
        query,
        &NamespaceAttributes::new(defs),
        QueryPurpose::Count,
        &QueryLimits::default(),
    )
    .is_ok_and(|q| q.group_by.is_some())
}

/// Sort key: status code order (Running first), unknown values last by text.
fn group_order(g: &CountGroup) -> (i64, String) {
    let label = group_label(g);
    let code = ExecutionStatus::from_name(&label).map_or(i64::MAX, ExecutionStatus::code);
    (code, label)
}

/// The group's values as display text, e.g. `Running`.
fn group_label(g: &CountGroup) -> String {
    g.values
        .iter()
        .map(|v| match v.to_json() {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_groups_by_status_code() {
        let g = CountGroup::new(vec![SearchAttributeValue::Keyword("Failed".into())], 2);
        assert_eq!(group_order(&g), (3, "Failed".to_string()));
        assert_eq!(group_label(&g), "Failed");
        let odd = CountGroup::new(vec![SearchAttributeValue::Int(9)], 1);
        assert_eq!(group_order(&odd), (i64::MAX, "9".to_string()));
    }
}
