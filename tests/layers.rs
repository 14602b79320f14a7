//! The rate-limit and metrics layers around an in-memory store.

use std::sync::Arc;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use workflow_visibility::dual::{VisibilitySettings, publish, settings_handle};
use workflow_visibility::layers::{Layered, MetricsLayer, RateLimitLayer, standard_stack};
use workflow_visibility::prelude::*;

fn record(i: usize) -> ExecutionRecord {
    ExecutionRecord::new(
        "ns",
        format!("wf-{i}"),
        format!("run-{i}"),
        "t",
        chrono::Utc::now(),
    )
}

#[tokio::test]
async fn over_the_limit_fails_at_once_with_resource_exhausted() {
    let settings = settings_handle(VisibilitySettings {
        max_read_qps: 1,
        max_write_qps: 2,
        ..Default::default()
    });
    let store: Arc<dyn VisibilityManager> = Arc::new(Layered::new(
        Arc::new(InMemoryStore::new()),
        RateLimitLayer::new(Arc::clone(&settings)),
    ));
    store
        .count_workflow_executions(CountRequest::new("ns"))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let e = store
        .count_workflow_executions(CountRequest::new("ns"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResourceExhausted);
    assert!(e.is_retryable());
    assert!(
        started.elapsed() < std::time::Duration::from_millis(100),
        "must not block"
    );
    // Writes have their own bucket (burst 2).
    for i in 0..2 {
        store
            .record_workflow_execution_started(RecordStartedRequest::new(record(i)))
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(record(9)))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::ResourceExhausted
    );
    // Search attribute management is never limited.
    for _ in 0..3 {
        store
            .list_search_attributes(ListSearchAttributesRequest::new("ns"))
            .await
            .unwrap();
    }
    // New limits from the settings apply to the next call.
    publish(
        &settings,
        VisibilitySettings {
            max_read_qps: 100,
            ..Default::default()
        },
    );
    for _ in 0..50 {
        store
            .count_workflow_executions(CountRequest::new("ns"))
            .await
            .unwrap();
    }
}

#[test]
fn metrics_count_requests_and_errors_by_store_and_operation() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let store: Arc<dyn VisibilityManager> =
                Arc::new(Layered::new(Arc::new(InMemoryStore::new()), MetricsLayer));
            store
                .record_workflow_execution_started(RecordStartedRequest::new(record(1)))
                .await
                .unwrap();
            store
                .list_workflow_executions(ListRequest::new("ns").query("Nope = 1"))
                .await
                .unwrap_err();
        });
    });
    let snapshot = snapshotter.snapshot().into_vec();
    let find = |name: &str, labels: &[(&str, &str)]| {
        snapshot.iter().find_map(|(key, _, _, value)| {
            let k = key.key();
            let matches = k.name() == name
                && labels
                    .iter()
                    .all(|(ln, lv)| k.labels().any(|l| l.key() == *ln && l.value() == *lv));
            matches.then_some(value)
        })
    };
    let requests = find(
        "visibility_persistence_requests",
        &[
            ("store", "memory"),
            ("operation", "RecordWorkflowExecutionStarted"),
        ],
    );
    assert_eq!(requests, Some(&DebugValue::Counter(1)));
    let errors = find(
        "visibility_persistence_errors",
        &[
            ("store", "memory"),
            ("operation", "ListWorkflowExecutions"),
            ("category", "invalid_argument"),
        ],
    );
    assert_eq!(errors, Some(&DebugValue::Counter(1)));
    assert!(matches!(
        find("visibility_persistence_latency", &[("operation", "ListWorkflowExecutions")]),
        Some(DebugValue::Histogram(v)) if v.len() == 1
    ));
}

#[tokio::test]
async fn the_standard_stack_keeps_the_store_name() {
    let settings = settings_handle(VisibilitySettings::default());
    let store = standard_stack(Arc::new(InMemoryStore::new()), settings);
    assert_eq!(store.store_name(), "memory");
    store
        .count_workflow_executions(CountRequest::new("ns"))
        .await
        .unwrap();
}
