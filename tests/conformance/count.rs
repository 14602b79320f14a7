//! Count, and `GROUP BY ExecutionStatus` groups (in any order, summing to the count).

use std::collections::BTreeMap;

use workflow_visibility::prelude::*;

use super::support::*;

fn groups(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

pub async fn count_matches_listing(store: Store, ns: String) {
    assert_eq!(
        count(&store, &ns, "").await,
        0,
        "a fresh namespace is empty"
    );
    fixture(&store, &ns, false).await;
    assert_eq!(count(&store, &ns, "").await, 5);
    for query in [
        "ExecutionStatus = 'Running'",
        "WorkflowType = 'type-b' AND CloseTime IS NOT NULL",
        "HistoryLength > 100",
        "StartTime >= '2026-01-01T02:00:00Z' OR ParentWorkflowId IS NOT NULL",
    ] {
        let listed = list_all(&store, &ns, query, 1000).await.len() as i64;
        assert_eq!(count(&store, &ns, query).await, listed, "count {query:?}");
    }
    // Counts see later writes.
    write(&store, rec(&ns, "w6", at(400))).await;
    assert_eq!(count(&store, &ns, "ExecutionStatus = 'Running'").await, 3);
}

pub async fn group_by_execution_status(store: Store, ns: String) {
    let empty = count_groups(&store, &ns, "GROUP BY ExecutionStatus").await;
    assert!(empty.is_empty(), "groups in an empty namespace: {empty:?}");
    fixture(&store, &ns, false).await;
    write(
        &store,
        rec(&ns, "w6", at(10)).closed_after(ExecutionStatus::Completed, 1),
    )
    .await;
    let want = groups(&[
        ("Running", 2),
        ("Completed", 2),
        ("Failed", 1),
        ("TimedOut", 1),
    ]);
    assert_eq!(
        count_groups(&store, &ns, "GROUP BY ExecutionStatus").await,
        want
    );
    assert_eq!(
        count_groups(&store, &ns, "group by ExecutionStatus").await,
        want
    );
    assert_eq!(
        count_groups(&store, &ns, "GROUP BY `ExecutionStatus`").await,
        want
    );
    // Records of a namespace division are not counted by default.
    write(
        &store,
        rec(&ns, "div", at(0)).sa("TemporalNamespaceDivision", kw("d")),
    )
    .await;
    assert_eq!(
        count_groups(&store, &ns, "GROUP BY ExecutionStatus").await,
        want
    );
}

pub async fn group_by_with_filter(store: Store, ns: String) {
    fixture(&store, &ns, false).await;
    assert_eq!(
        count_groups(
            &store,
            &ns,
            "WorkflowType = 'type-b' GROUP BY ExecutionStatus"
        )
        .await,
        groups(&[("Failed", 1), ("TimedOut", 1), ("Running", 1)])
    );
    assert_eq!(
        count_groups(
            &store,
            &ns,
            "ExecutionStatus != 'Running' AND HistoryLength < 40 GROUP BY ExecutionStatus"
        )
        .await,
        groups(&[("Completed", 1), ("Failed", 1)])
    );
    assert!(
        count_groups(
            &store,
            &ns,
            "ExecutionStatus = 'Canceled' GROUP BY ExecutionStatus"
        )
        .await
        .is_empty()
    );
    let resp = store
        .count_workflow_executions(CountRequest::new(&ns).query("WorkflowType = 'type-a'"))
        .await
        .expect("count");
    assert_eq!(resp.count, 2);
    assert!(resp.groups.is_empty(), "an ungrouped count returned groups");
}

pub async fn group_by_rejections(store: Store, ns: String) {
    for (query, span) in [
        ("GROUP BY WorkflowType", "WorkflowType"),
        ("GROUP BY Nope", "Nope"),
        ("GROUP BY ExecutionStatus, WorkflowType", ", WorkflowType"),
        (
            "GROUP BY ExecutionStatus ORDER BY StartTime",
            "GROUP BY ExecutionStatus ORDER BY StartTime",
        ),
        ("GROUP BY", "GROUP BY"),
        ("GROUP ExecutionStatus", "GROUP ExecutionStatus"),
        ("GROUP BY executionstatus", "executionstatus"),
    ] {
        rejects_count(&store, &ns, query, span).await;
    }
}
