//! Write rules through the public trait: insert-if-absent, version guards, tombstones, get.

use std::time::{Duration, Instant};

use super::*;
use crate::prelude::*;
use crate::store::memory::InMemoryStore;

async fn get(store: &InMemoryStore, wf: &str, run: &str) -> crate::Result<ExecutionRecord> {
    store
        .get_workflow_execution(GetRequest::new(NS, wf, run))
        .await
        .map(|r| r.execution)
}

fn versioned(mut record: ExecutionRecord, version: i64) -> ExecutionRecord {
    record.version = version;
    record
}

#[tokio::test]
async fn started_inserts_once_and_never_replaces() {
    let store = InMemoryStore::new();
    assert_eq!(store.store_name(), "memory");
    let mut first = versioned(running("w", "r", 0), 1);
    first.workflow_type = "first".into();
    store
        .record_workflow_execution_started(RecordStartedRequest::new(first))
        .await
        .unwrap();
    let mut second = versioned(running("w", "r", 0), 9);
    second.workflow_type = "second".into();
    store
        .record_workflow_execution_started(RecordStartedRequest::new(second))
        .await
        .unwrap();
    assert_eq!(get(&store, "w", "r").await.unwrap().workflow_type, "first");
    // Closing replaces it.
    store
        .record_workflow_execution_closed(RecordClosedRequest::new(versioned(
            closed("w", "r", 0, 5, ExecutionStatus::Completed),
            2,
        )))
        .await
        .unwrap();
    let got = get(&store, "w", "r").await.unwrap();
    assert_eq!(got.status, ExecutionStatus::Completed);
    assert_eq!(got.workflow_type, "wt");
}

#[tokio::test]
async fn replacing_writes_lose_to_higher_versions_and_equal_versions_replace() {
    let store = InMemoryStore::new();
    let upsert = |r: ExecutionRecord| store.upsert_workflow_execution(UpsertRequest::new(r));
    let mut record = versioned(running("w", "r", 0), 5);
    record.task_queue = "v5".into();
    upsert(record).await.unwrap();
    let mut lower = versioned(running("w", "r", 0), 4);
    lower.task_queue = "v4".into();
    upsert(lower).await.unwrap();
    assert_eq!(get(&store, "w", "r").await.unwrap().task_queue, "v5");
    let mut equal = versioned(running("w", "r", 0), 5);
    equal.task_queue = "v5-again".into();
    upsert(equal).await.unwrap();
    assert_eq!(get(&store, "w", "r").await.unwrap().task_queue, "v5-again");
    let lower_close = versioned(closed("w", "r", 0, 3, ExecutionStatus::Failed), 4);
    store
        .record_workflow_execution_closed(RecordClosedRequest::new(lower_close))
        .await
        .unwrap();
    assert_eq!(
        get(&store, "w", "r").await.unwrap().status,
        ExecutionStatus::Running
    );
}

#[tokio::test]
async fn deletes_leave_tombstones_for_lower_versions() {
    let store = InMemoryStore::new();
    store
        .upsert_workflow_execution(UpsertRequest::new(versioned(running("w", "r", 0), 10)))
        .await
        .unwrap();
    // A delete with a lower version than the stored record keeps it.
    store
        .delete_workflow_execution(DeleteRequest::new(NS, "w", "r", 9))
        .await
        .unwrap();
    assert!(get(&store, "w", "r").await.is_ok());
    store
        .delete_workflow_execution(DeleteRequest::new(NS, "w", "r", 10))
        .await
        .unwrap();
    assert_eq!(
        get(&store, "w", "r").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // Late lower-version writes of every kind are ignored.
    store
        .record_workflow_execution_started(RecordStartedRequest::new(versioned(
            running("w", "r", 0),
            9,
        )))
        .await
        .unwrap();
    store
        .record_workflow_execution_closed(RecordClosedRequest::new(versioned(
            closed("w", "r", 0, 1, ExecutionStatus::Completed),
            9,
        )))
        .await
        .unwrap();
    assert!(get(&store, "w", "r").await.is_err());
    // A write at the tombstone's version goes through.
    store
        .upsert_workflow_execution(UpsertRequest::new(versioned(running("w", "r", 0), 10)))
        .await
        .unwrap();
    assert_eq!(get(&store, "w", "r").await.unwrap().version, 10);

    // Deleting a missing record succeeds and still blocks lower versions.
    store
        .delete_workflow_execution(DeleteRequest::new(NS, "w", "gone", 3))
        .await
        .unwrap();
    store
        .upsert_workflow_execution(UpsertRequest::new(versioned(running("w", "gone", 0), 2)))
        .await
        .unwrap();
    assert!(get(&store, "w", "gone").await.is_err());
    store
        .upsert_workflow_execution(UpsertRequest::new(versioned(running("w", "gone", 0), 4)))
        .await
        .unwrap();
    assert!(get(&store, "w", "gone").await.is_ok());
}

#[test]
fn tombstones_expire_after_the_window() {
    let mut state = State::default();
    let limits = SearchAttributeLimits::default();
    let window = Duration::from_secs(60);
    let t0 = Instant::now();
    state.delete(NS, "w", "r", 5, t0, window).unwrap();
    let late = |v| versioned(running("w", "r", 0), v);
    let inside = t0 + Duration::from_secs(59);
    state
        .write(late(1), WriteKind::Upsert, &limits, inside)
        .unwrap();
    assert!(state.get(NS, "w", "r").is_err());
    let after = t0 + window;
    state
        .write(late(1), WriteKind::Started, &limits, after)
        .unwrap();
    assert_eq!(state.get(NS, "w", "r").unwrap().version, 1);
}

#[tokio::test]
async fn tombstones_expire_with_a_tiny_window() {
    let options = StoreOptions {
        tombstone_window: Duration::from_millis(20),
        ..StoreOptions::default()
    };
    let store = InMemoryStore::with_options("tiny", options);
    assert_eq!(store.store_name(), "tiny");
    store
        .delete_workflow_execution(DeleteRequest::new(NS, "w", "r", 5))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(60)).await;
    store
        .upsert_workflow_execution(UpsertRequest::new(versioned(running("w", "r", 0), 1)))
        .await
        .unwrap();
    assert_eq!(get(&store, "w", "r").await.unwrap().version, 1);
}

#[tokio::test]
async fn invalid_writes_change_nothing() {
    let store = InMemoryStore::new();
    store
        .upsert_workflow_execution(UpsertRequest::new(running("w", "r", 0)))
        .await
        .unwrap();
    let mut unknown_attribute = versioned(running("w", "r", 0), 7);
    unknown_attribute.task_queue = "changed".into();
    unknown_attribute
        .search_attributes
        .insert("Nope".into(), SearchAttributeValue::Int(1));
    let err = store
        .upsert_workflow_execution(UpsertRequest::new(unknown_attribute))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.message().contains("Nope"), "{err}");
    assert_eq!(get(&store, "w", "r").await.unwrap().task_queue, "");

    let negative = versioned(running("w", "r", 0), -1);
    assert_eq!(
        store
            .upsert_workflow_execution(UpsertRequest::new(negative))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidArgument
    );
    // A closed record is not a start.
    let closed_start = closed("w", "r2", 0, 1, ExecutionStatus::Completed);
    assert_eq!(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(closed_start))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        store
            .delete_workflow_execution(DeleteRequest::new(NS, "w", "r", -3))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidArgument
    );
    assert!(get(&store, "w", "r").await.is_ok());
    assert!(get(&store, "w", "r2").await.is_err());
}

#[tokio::test]
async fn get_needs_namespace_workflow_and_run_to_match() {
    let store = InMemoryStore::new();
    let mut record = running("w", "r", 0);
    record.namespace_name = Some("pretty-name".into());
    store
        .upsert_workflow_execution(UpsertRequest::new(record))
        .await
        .unwrap();
    let got = get(&store, "w", "r").await.unwrap();
    assert_eq!(got.namespace_name, None);
    for (ns, wf, run) in [
        ("other", "w", "r"),
        (NS, "x", "r"),
        (NS, "w", "x"),
        (NS, "r", "w"),
    ] {
        let err = store
            .get_workflow_execution(GetRequest::new(ns, wf, run))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{ns}/{wf}/{run}");
    }
    let err = store
        .get_workflow_execution(GetRequest::new(NS, "", "r"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[tokio::test]
async fn calls_after_close_are_unavailable() {
    let store = InMemoryStore::new();
    store.close().await.unwrap();
    store.close().await.unwrap();
    let err = store
        .upsert_workflow_execution(UpsertRequest::new(running("w", "r", 0)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.is_retryable());
    let err = store
        .list_search_attributes(ListSearchAttributesRequest::new(NS))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
}

#[test]
fn repeated_deletes_keep_the_highest_version_and_latest_expiry() {
    let mut state = State::default();
    let limits = SearchAttributeLimits::default();
    let window = Duration::from_secs(60);
    let t0 = Instant::now();
    state.delete(NS, "w", "r", 8, t0, window).unwrap();
    // A lower-version delete later on neither lowers the version nor shortens the window.
    let t1 = t0 + Duration::from_secs(30);
    state.delete(NS, "w", "r", 2, t1, window).unwrap();
    let late = |v| versioned(running("w", "r", 0), v);
    let after_first_window = t0 + Duration::from_secs(70);
    state
        .write(late(5), WriteKind::Upsert, &limits, after_first_window)
        .unwrap();
    assert!(state.get(NS, "w", "r").is_err());
    let after_second_window = t1 + window;
    state
        .write(late(5), WriteKind::Upsert, &limits, after_second_window)
        .unwrap();
    assert_eq!(state.get(NS, "w", "r").unwrap().version, 5);
}
