//! Namespace scoping: records, attributes and deletes never cross namespaces, and every query
//! gets an implicit `TemporalNamespaceDivision IS NULL` unless it names that attribute.

use workflow_visibility::prelude::*;

use super::support::*;

pub async fn namespaces_are_isolated(store: Store, ns: String) {
    let other = format!("{ns}-b");
    write(&store, rec(&ns, "wf", at(0)).wf_type("in-a")).await;
    write(&store, rec(&other, "wf", at(0)).wf_type("in-b")).await;
    write(&store, rec(&other, "only-b", at(1))).await;
    assert_eq!(ordered(&store, &ns, "").await, ["wf"]);
    assert_eq!(ordered(&store, &other, "").await, ["only-b", "wf"]);
    assert_eq!(count(&store, &ns, "").await, 1);
    assert_eq!(wf_ids(&scan_all(&store, &ns, "", 10).await), ["wf"]);
    assert_eq!(get(&store, &ns, "wf").await.unwrap().workflow_type, "in-a");
    assert_eq!(
        get(&store, &other, "wf").await.unwrap().workflow_type,
        "in-b"
    );
    assert!(get(&store, &ns, "only-b").await.is_none());
    let open = store
        .list_open_workflow_executions(LegacyListRequest::new(&ns))
        .await
        .expect("open listing");
    assert_eq!(wf_ids(&open.executions), ["wf"]);

    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "run-wf", 0))
        .await
        .expect("delete");
    assert!(get(&store, &ns, "wf").await.is_none());
    assert_eq!(
        get(&store, &other, "wf").await.map(|r| r.workflow_type),
        Some("in-b".to_string()),
        "a delete in one namespace removed a record of another"
    );
    // Tombstones are per namespace too.
    write(&store, rec(&ns, "t", at(2)).version(5)).await;
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "t", "run-t", 5))
        .await
        .expect("delete");
    write(&store, rec(&other, "t", at(2)).version(1)).await;
    assert!(
        get(&store, &other, "t").await.is_some(),
        "a tombstone in one namespace blocked a write in another"
    );
    assert!(get(&store, &ns, "t").await.is_none());
}

pub async fn custom_attributes_are_per_namespace(store: Store, ns: String) {
    use SearchAttributeType as T;
    let other = format!("{ns}-b");
    register(&store, &ns, &[("Shared", T::Keyword), ("OnlyA", T::Int)]).await;
    register(&store, &other, &[("Shared", T::Int)]).await;
    let listed = |n: String| {
        let store = store.clone();
        async move {
            store
                .list_search_attributes(ListSearchAttributesRequest::new(n))
                .await
                .expect("list attributes")
                .custom
        }
    };
    assert_eq!(listed(ns.clone()).await.len(), 2);
    assert_eq!(listed(other.clone()).await.get("Shared"), Some(&T::Int));
    write(
        &store,
        rec(&ns, "a", at(0))
            .sa("Shared", kw("x"))
            .sa("OnlyA", int(1)),
    )
    .await;
    write(&store, rec(&other, "b", at(0)).sa("Shared", int(7))).await;
    let e = expect_err(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(
                rec(&other, "c", at(0)).sa("OnlyA", int(1)),
            ))
            .await,
        ErrorKind::InvalidArgument,
        "write an attribute registered only in another namespace",
    );
    assert!(e.message().contains("OnlyA"), "{e}");
    assert_matches(&store, &ns, "Shared = 'x'", &["a"]).await;
    assert_matches(&store, &other, "Shared = 7", &["b"]).await;
    rejects(&store, &other, "OnlyA = 1", "OnlyA").await;
    rejects(
        &store,
        &other,
        "WorkflowId = 'b' AND Shared = 'x'",
        "Shared = 'x'",
    )
    .await;
    // Removing in one namespace leaves the other alone.
    store
        .remove_search_attributes(RemoveSearchAttributesRequest::new(&ns, ["Shared"]))
        .await
        .expect("remove");
    assert_matches(&store, &other, "Shared = 7", &["b"]).await;
    assert_eq!(
        get(&store, &other, "b")
            .await
            .unwrap()
            .search_attributes
            .get("Shared"),
        Some(&int(7))
    );
}

pub async fn implicit_namespace_division_filter(store: Store, ns: String) {
    write_all(
        &store,
        [
            rec(&ns, "plain", at(0)),
            rec(&ns, "div", at(1)).sa("TemporalNamespaceDivision", kw("TemporalScheduler")),
            rec(&ns, "div2", at(2)).sa("TemporalNamespaceDivision", kw("other")),
        ],
    )
    .await;
    assert_all(
        &store,
        &ns,
        &[
            ("", &["plain"]),
            ("WorkflowId = 'div'", &[]),
            ("WorkflowId STARTS_WITH 'div'", &[]),
            ("ExecutionStatus = 'Running'", &["plain"]),
            ("TemporalNamespaceDivision = 'TemporalScheduler'", &["div"]),
            ("TemporalNamespaceDivision IS NOT NULL", &["div", "div2"]),
            ("TemporalNamespaceDivision IS NULL", &["plain"]),
            (
                "WorkflowId = 'div' OR TemporalNamespaceDivision = 'zzz'",
                &["div"],
            ),
            ("TemporalNamespaceDivision STARTS_WITH ''", &["div", "div2"]),
            ("NOT TemporalNamespaceDivision = 'other'", &["div"]),
            (
                "TemporalNamespaceDivision != 'x' OR TemporalNamespaceDivision IS NULL",
                &["plain", "div", "div2"],
            ),
            (
                "`TemporalNamespaceDivision` IN ('other') OR WorkflowId = 'plain'",
                &["plain", "div2"],
            ),
        ],
    )
    .await;
    // Get is by identity and ignores divisions.
    assert!(get(&store, &ns, "div").await.is_some());
}

pub async fn namespace_name_is_not_persisted(store: Store, ns: String) {
    let mut r = rec(&ns, "wf", at(0));
    r.namespace_name = Some(format!("{ns}-pretty-name"));
    write(&store, r).await;
    let got = get(&store, &ns, "wf")
        .await
        .expect("record by namespace id");
    assert_eq!(got.namespace_name, None);
    assert_eq!(got.namespace_id, ns);
    let page = store
        .list_workflow_executions(ListRequest::new(&ns).namespace_name("any-name"))
        .await
        .expect("list with a namespace name");
    assert_eq!(wf_ids(&page.executions), ["wf"]);
    let by_name = store
        .list_workflow_executions(ListRequest::new(format!("{ns}-pretty-name")))
        .await
        .expect("list by the name as an id");
    assert!(
        by_name.executions.is_empty(),
        "records are keyed by namespace id, not name"
    );
    let c = store
        .count_workflow_executions(CountRequest::new(&ns).namespace_name("any-name"))
        .await
        .expect("count with a namespace name");
    assert_eq!(c.count, 1);
}
