//! Quickstart: an embedded SQLite visibility store in five steps.
//!
//! Run with `cargo run --example quickstart`. It registers a custom search attribute, records a
//! few workflow executions, lists them with a List Filter and counts them grouped by status.

use chrono::{Duration, TimeZone, Utc};
use workflow_visibility::prelude::*;

/// Runs the walk-through, printing what it does; returns the number of records listed.
pub async fn run() -> Result<usize, Error> {
    // 1. An in-memory store (use `SqliteStore::setup(SqliteOptions::file("vis.db"))` for a file).
    let store = SqliteStore::connect("sqlite::memory:").await?;
    let ns = "default";

    // 2. A custom search attribute for this namespace.
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            ns,
            [("CustomerId".to_string(), SearchAttributeType::Keyword)],
        ))
        .await?;

    // 3. Record executions: three billing runs (one closed) and one shipping run.
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    for (i, (workflow_type, customer)) in [
        ("billing", "acme"),
        ("billing", "globex"),
        ("billing", "acme"),
        ("shipping", "acme"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut record = ExecutionRecord::new(
            ns,
            format!("order-{i}"),
            format!("run-{i}"),
            workflow_type,
            t0 + Duration::minutes(i as i64),
        );
        record.task_queue = "orders".to_string();
        record.search_attributes.insert(
            "CustomerId".to_string(),
            SearchAttributeValue::Keyword(customer.to_string()),
        );
        store
            .record_workflow_execution_started(RecordStartedRequest::new(record.clone()))
            .await?;
        if i == 0 {
            record.version = 1;
            let closed = record.closed(ExecutionStatus::Completed, t0 + Duration::hours(1));
            store
                .record_workflow_execution_closed(RecordClosedRequest::new(closed))
                .await?;
        }
    }

    // 4. List with a filter.
    let query = "WorkflowType = 'billing' AND CustomerId = 'acme'";
    let page = store
        .list_workflow_executions(ListRequest::new(ns).query(query))
        .await?;
    println!("{query}:");
    for r in &page.executions {
        println!(
            "  {} {} {} started {}",
            r.workflow_id, r.run_id, r.status, r.start_time
        );
    }

    // 5. Count, grouped by status.
    let count = store
        .count_workflow_executions(CountRequest::new(ns).query("GROUP BY ExecutionStatus"))
        .await?;
    println!("{} executions:", count.count);
    for g in &count.groups {
        let status: Vec<String> = g.values.iter().map(|v| v.to_json().to_string()).collect();
        println!("  {}: {}", status.join(", "), g.count);
    }

    store.close().await?;
    Ok(page.executions.len())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
