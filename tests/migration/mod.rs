//! The seed's migration walk-through on two real stores, written once and run for each pair
//! of stores (`tests/migration_*.rs`).
//!
//! Steps: primary only → `dual` with reads on the primary → reads from the secondary for one
//! namespace → for all namespaces → the secondary promoted to primary with the dual settings
//! removed. At every step the test writes a record and reads it back through the manager,
//! then reads each store directly to assert where the write landed and which store served
//! the read (each store holds a record only the other lacks, so a read shows its source).

#![allow(dead_code)]

use std::sync::Arc;

use workflow_visibility::dual::{
    DualVisibilityManager, ReadRule, VisibilitySettings, WritingMode, publish, settings_handle,
};
use workflow_visibility::prelude::*;

/// A store under test.
pub type Store = Arc<dyn VisibilityManager>;

fn record(ns: &str, id: &str) -> ExecutionRecord {
    ExecutionRecord::new(
        ns,
        format!("wf-{id}"),
        format!("run-{id}"),
        "order",
        chrono::Utc::now(),
    )
}

async fn has(store: &Store, ns: &str, id: &str) -> bool {
    match store
        .get_workflow_execution(GetRequest::new(ns, format!("wf-{id}"), format!("run-{id}")))
        .await
    {
        Ok(_) => true,
        Err(e) if e.kind() == ErrorKind::NotFound => false,
        Err(e) => panic!("get from {} failed: {e}", store.store_name()),
    }
}

/// Which store a listing of `ns` came from: each store has one marker record the other
/// lacks.
async fn served_by(manager: &dyn VisibilityManager, ns: &str) -> &'static str {
    let page = manager
        .list_workflow_executions(ListRequest::new(ns).page_size(1000))
        .await
        .expect("list through the manager");
    let ids: Vec<&str> = page
        .executions
        .iter()
        .map(|r| r.workflow_id.as_str())
        .collect();
    match (
        ids.contains(&"wf-only-primary"),
        ids.contains(&"wf-only-secondary"),
    ) {
        (true, false) => "primary",
        (false, true) => "secondary",
        other => panic!("listing of {ns} matches neither store alone: {other:?} in {ids:?}"),
    }
}

/// Runs the walk-through on fresh `primary` and `secondary` stores (distinct names), using
/// namespaces with the given prefix.
pub async fn walk_through(primary: Store, secondary: Store, prefix: &str) {
    let ns_a = format!("{prefix}-orders");
    let ns_b = format!("{prefix}-billing");
    for ns in [&ns_a, &ns_b] {
        primary
            .record_workflow_execution_started(RecordStartedRequest::new(record(
                ns,
                "only-primary",
            )))
            .await
            .unwrap();
        secondary
            .record_workflow_execution_started(RecordStartedRequest::new(record(
                ns,
                "only-secondary",
            )))
            .await
            .unwrap();
    }
    let settings = settings_handle(VisibilitySettings::default());
    let dual = DualVisibilityManager::new(
        Arc::clone(&primary),
        Arc::clone(&secondary),
        Arc::clone(&settings),
    )
    .unwrap();

    struct Step {
        name: &'static str,
        settings: VisibilitySettings,
        in_primary: bool,
        in_secondary: bool,
        reads_a: &'static str,
        reads_b: &'static str,
    }
    let read_rule = |ns: &str| ReadRule {
        namespace: Some(ns.to_string()),
        namespace_id: None,
        value: true,
    };
    let dual_mode = |rules: Vec<ReadRule>, all: bool| VisibilitySettings {
        writing_mode: WritingMode::Dual,
        read_rules: rules,
        read_from_secondary: all,
        ..Default::default()
    };
    let steps = [
        Step {
            name: "primary only",
            settings: VisibilitySettings::default(),
            in_primary: true,
            in_secondary: false,
            reads_a: "primary",
            reads_b: "primary",
        },
        Step {
            name: "dual writes, reads on the primary",
            settings: dual_mode(vec![], false),
            in_primary: true,
            in_secondary: true,
            reads_a: "primary",
            reads_b: "primary",
        },
        Step {
            name: "reads from the secondary for one namespace",
            settings: dual_mode(vec![read_rule(&ns_a)], false),
            in_primary: true,
            in_secondary: true,
            reads_a: "secondary",
            reads_b: "primary",
        },
        Step {
            name: "reads from the secondary everywhere",
            settings: dual_mode(vec![], true),
            in_primary: true,
            in_secondary: true,
            reads_a: "secondary",
            reads_b: "secondary",
        },
    ];
    for (i, step) in steps.iter().enumerate() {
        publish(&settings, step.settings.clone());
        let id = format!("step-{i}");
        for ns in [&ns_a, &ns_b] {
            dual.record_workflow_execution_started(RecordStartedRequest::new(record(ns, &id)))
                .await
                .unwrap_or_else(|e| panic!("{}: write failed: {e}", step.name));
            assert_eq!(
                has(&primary, ns, &id).await,
                step.in_primary,
                "{}: primary",
                step.name
            );
            assert_eq!(
                has(&secondary, ns, &id).await,
                step.in_secondary,
                "{}: secondary",
                step.name
            );
        }
        assert_eq!(
            served_by(&dual, &ns_a).await,
            step.reads_a,
            "{}: reads of {ns_a}",
            step.name
        );
        assert_eq!(
            served_by(&dual, &ns_b).await,
            step.reads_b,
            "{}: reads of {ns_b}",
            step.name
        );
        assert_eq!(
            dual.read_store_name(&ns_a, None),
            if step.reads_a == "primary" {
                primary.store_name()
            } else {
                secondary.store_name()
            }
        );
    }

    // Promotion: the secondary alone serves reads and writes; the old primary gets nothing.
    let promoted: Store = Arc::clone(&secondary);
    promoted
        .record_workflow_execution_started(RecordStartedRequest::new(record(&ns_a, "promoted")))
        .await
        .unwrap();
    assert!(has(&secondary, &ns_a, "promoted").await);
    assert!(!has(&primary, &ns_a, "promoted").await);
    assert_eq!(served_by(&*promoted, &ns_a).await, "secondary");
    // Every write since dual mode began is in the promoted store.
    for i in 1..steps.len() {
        assert!(has(&promoted, &ns_b, &format!("step-{i}")).await);
    }
}
