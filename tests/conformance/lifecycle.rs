//! Store lifecycle. These cases get a store of their own (from the suite's constructor), since
//! they end it.

use workflow_visibility::prelude::*;

use super::support::*;

pub async fn close_makes_calls_unavailable(store: Store, ns: String) {
    write(&store, rec(&ns, "wf", at(0))).await;
    store.close().await.expect("close");
    let what = "a call after close";
    expect_err(
        store
            .get_workflow_execution(GetRequest::new(&ns, "wf", "run-wf"))
            .await,
        ErrorKind::Unavailable,
        &format!("get: {what}"),
    );
    expect_err(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(rec(&ns, "wf2", at(0))))
            .await,
        ErrorKind::Unavailable,
        &format!("started: {what}"),
    );
    expect_err(
        store.list_workflow_executions(ListRequest::new(&ns)).await,
        ErrorKind::Unavailable,
        &format!("list: {what}"),
    );
    expect_err(
        store
            .count_workflow_executions(CountRequest::new(&ns))
            .await,
        ErrorKind::Unavailable,
        &format!("count: {what}"),
    );
    expect_err(
        store
            .list_search_attributes(ListSearchAttributesRequest::new(&ns))
            .await,
        ErrorKind::Unavailable,
        &format!("list_search_attributes: {what}"),
    );
    let e = store
        .get_workflow_execution(GetRequest::new(&ns, "wf", "run-wf"))
        .await
        .unwrap_err();
    assert!(e.is_retryable(), "Unavailable must be retryable: {e}");
}
