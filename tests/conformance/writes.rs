//! Write rules: started never replaces, closed/upsert are version-guarded (equal versions: the
//! later call wins), deletes are version-guarded and leave tombstones, get needs the full
//! identity, and records round-trip.

use std::time::Duration as StdDuration;

use chrono::Duration;
use workflow_visibility::prelude::*;

use super::support::*;

pub async fn started_inserts_and_never_replaces(store: Store, ns: String) {
    let first = rec(&ns, "wf", at(0)).wf_type("first").version(1);
    write(&store, first.clone()).await;
    let again = rec(&ns, "wf", at(5)).wf_type("second").version(9);
    write(&store, again).await;
    let got = get(&store, &ns, "wf").await.expect("record after started");
    assert_eq!(
        got.workflow_type, "first",
        "a second started write replaced the record"
    );
    assert_eq!(got.start_time, at(0));
    assert_eq!(got.version, 1);
    assert_eq!(ordered(&store, &ns, "").await, ["wf"]);
}

pub async fn started_never_replaces_a_closed_record(store: Store, ns: String) {
    let closed = rec(&ns, "wf", at(0))
        .version(5)
        .closed_after(ExecutionStatus::Completed, 10);
    write(&store, closed).await;
    write(&store, rec(&ns, "wf", at(0)).version(9)).await;
    let got = get(&store, &ns, "wf").await.expect("record");
    assert_eq!(
        got.status,
        ExecutionStatus::Completed,
        "a started write (even with a higher version) replaced a closed record"
    );
    assert_eq!(got.close_time, Some(at(10)));
}

pub async fn closed_and_upsert_are_version_guarded(store: Store, ns: String) {
    use ExecutionStatus as S;
    write(&store, rec(&ns, "wf", at(0)).version(5)).await;

    // Lower version: ignored.
    write(
        &store,
        rec(&ns, "wf", at(0)).version(3).closed_after(S::Failed, 1),
    )
    .await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(
        got.status,
        S::Running,
        "closed v3 replaced a record stored at v5"
    );

    // Equal version: the later call wins.
    write(
        &store,
        rec(&ns, "wf", at(0)).version(5).closed_after(S::Failed, 2),
    )
    .await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(
        got.status,
        S::Failed,
        "closed v5 did not replace a record stored at v5"
    );
    assert_eq!(got.close_time, Some(at(2)));

    // Higher version replaces.
    write(
        &store,
        rec(&ns, "wf", at(0))
            .version(7)
            .closed_after(S::Completed, 3),
    )
    .await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(got.status, S::Completed);
    assert_eq!(got.version, 7);

    // Upsert below the stored version: ignored.
    upsert(&store, rec(&ns, "wf", at(0)).version(6).wf_type("upsert-6")).await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(
        got.workflow_type, "conformance",
        "upsert v6 replaced a record stored at v7"
    );
    assert_eq!(got.status, S::Completed);

    // Upsert at the stored version: the later call wins, and replaces the whole record.
    upsert(&store, rec(&ns, "wf", at(0)).version(7).wf_type("upsert-7")).await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(
        got.workflow_type, "upsert-7",
        "upsert v7 did not replace a record at v7"
    );
    assert_eq!(
        got.status,
        S::Running,
        "upsert must replace the whole record"
    );
    assert_eq!(got.close_time, None);

    // And a closed write with a lower version still cannot go back.
    write(
        &store,
        rec(&ns, "wf", at(0))
            .version(1)
            .closed_after(S::Canceled, 4),
    )
    .await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(got.workflow_type, "upsert-7");
    assert_eq!(ordered(&store, &ns, "").await, ["wf"]);
}

pub async fn closed_and_upsert_insert_when_absent(store: Store, ns: String) {
    write(
        &store,
        rec(&ns, "closed", at(0)).closed_after(ExecutionStatus::Terminated, 5),
    )
    .await;
    upsert(&store, rec(&ns, "upserted", at(1)).version(3)).await;
    let closed = get(&store, &ns, "closed")
        .await
        .expect("closed write inserts");
    assert_eq!(closed.status, ExecutionStatus::Terminated);
    let up = get(&store, &ns, "upserted").await.expect("upsert inserts");
    assert_eq!(up.version, 3);
    assert_eq!(ordered(&store, &ns, "").await, ["upserted", "closed"]);
}

pub async fn upsert_replaces_search_attributes(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    let first = rec(&ns, "wf", at(0))
        .sa(KW, kw("old"))
        .sa(TX, text("alpha beta"))
        .sa(INT, int(1))
        .sa(KWL, kwl(&["x", "y"]))
        .sa(BOOL, boolean(true));
    write(&store, first).await;
    assert_matches(&store, &ns, &format!("{KW} = 'old'"), &["wf"]).await;

    let second = rec(&ns, "wf", at(0))
        .version(1)
        .sa(KW, kw("new"))
        .sa(TX, text("gamma"))
        .sa(KWL, kwl(&["z"]))
        .sa(DBL, dbl(2.5));
    upsert(&store, second).await;
    assert_all(
        &store,
        &ns,
        &[
            (&format!("{KW} = 'old'"), &[]),
            (&format!("{KW} = 'new'"), &["wf"]),
            (&format!("{TX} = 'alpha'"), &[]),
            (&format!("{TX} = 'beta'"), &[]),
            (&format!("{TX} = 'gamma'"), &["wf"]),
            (&format!("{KWL} = 'x'"), &[]),
            (&format!("{KWL} IN ('x', 'y')"), &[]),
            (&format!("{KWL} = 'z'"), &["wf"]),
            (&format!("{INT} IS NULL"), &["wf"]),
            (&format!("{INT} = 1"), &[]),
            (&format!("{BOOL} IS NULL"), &["wf"]),
            (&format!("{DBL} = 2.5"), &["wf"]),
        ],
    )
    .await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(
        got.search_attributes.len(),
        4,
        "{:?}",
        got.search_attributes
    );
    assert_eq!(got.search_attributes.get(INT), None);
}

pub async fn negative_versions_rejected(store: Store, ns: String) {
    let r = rec(&ns, "wf", at(0)).version(-1);
    expect_err(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(r.clone()))
            .await,
        ErrorKind::InvalidArgument,
        "started with version -1",
    );
    expect_err(
        store
            .record_workflow_execution_closed(RecordClosedRequest::new(
                r.clone().closed_after(ExecutionStatus::Completed, 1),
            ))
            .await,
        ErrorKind::InvalidArgument,
        "closed with version -1",
    );
    expect_err(
        store
            .upsert_workflow_execution(UpsertRequest::new(r.version(i64::MIN)))
            .await,
        ErrorKind::InvalidArgument,
        "upsert with version i64::MIN",
    );
    assert!(
        get(&store, &ns, "wf").await.is_none(),
        "a rejected write stored a record"
    );
    expect_err(
        store
            .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "run-wf", -1))
            .await,
        ErrorKind::InvalidArgument,
        "delete with version -1",
    );
    // Version 0 and i64::MAX are valid.
    write(&store, rec(&ns, "zero", at(0)).version(0)).await;
    write(&store, rec(&ns, "max", at(0)).version(i64::MAX)).await;
    assert_eq!(get(&store, &ns, "max").await.unwrap().version, i64::MAX);
}

pub async fn started_and_closed_check_status(store: Store, ns: String) {
    let closed = rec(&ns, "wf", at(0)).closed_after(ExecutionStatus::Completed, 1);
    expect_err(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(closed))
            .await,
        ErrorKind::InvalidArgument,
        "record_workflow_execution_started with a closed record",
    );
    expect_err(
        store
            .record_workflow_execution_closed(RecordClosedRequest::new(rec(&ns, "wf", at(0))))
            .await,
        ErrorKind::InvalidArgument,
        "record_workflow_execution_closed with a running record",
    );
    let mut inconsistent = rec(&ns, "wf", at(0));
    inconsistent.close_time = Some(at(1));
    expect_err(
        store
            .upsert_workflow_execution(UpsertRequest::new(inconsistent))
            .await,
        ErrorKind::InvalidArgument,
        "upsert of a Running record with a close time",
    );
    assert!(get(&store, &ns, "wf").await.is_none());
}

pub async fn identity_fields_validated(store: Store, ns: String) {
    for (what, r) in [
        ("empty workflow id", rec(&ns, "", at(0))),
        ("empty run id", rec(&ns, "wf", at(0)).run("")),
        ("U+0000 in workflow id", rec(&ns, "w\0f", at(0))),
        ("empty namespace id", rec("", "wf", at(0))),
        (
            "start time before 1970",
            rec(&ns, "wf", t("1969-12-31T23:59:59Z")),
        ),
    ] {
        expect_err(
            store
                .record_workflow_execution_started(RecordStartedRequest::new(r))
                .await,
            ErrorKind::InvalidArgument,
            what,
        );
    }
    expect_err(
        store
            .get_workflow_execution(GetRequest::new(&ns, "", "run"))
            .await,
        ErrorKind::InvalidArgument,
        "get with an empty workflow id",
    );
    assert_eq!(count(&store, &ns, "").await, 0);
}

pub async fn delete_is_version_guarded(store: Store, ns: String) {
    write(&store, rec(&ns, "wf", at(0)).version(5)).await;
    write(&store, rec(&ns, "other", at(1)).version(5)).await;
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "run-wf", 3))
        .await
        .expect("delete v3");
    assert!(
        get(&store, &ns, "wf").await.is_some(),
        "a delete with version 3 removed a record stored at version 5"
    );
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "run-wf", 5))
        .await
        .expect("delete v5");
    assert!(
        get(&store, &ns, "wf").await.is_none(),
        "a delete with the stored version did not remove the record"
    );
    assert_matches(&store, &ns, "", &["other"]).await;
    // Time hints are accepted and, when right, do not change the outcome.
    store
        .delete_workflow_execution(
            DeleteRequest::new(&ns, "other", "run-other", 6).start_time(at(1)),
        )
        .await
        .expect("delete with a start-time hint");
    assert!(get(&store, &ns, "other").await.is_none());
    assert_eq!(count(&store, &ns, "").await, 0);
}

pub async fn tombstone_blocks_lower_versions(store: Store, ns: String) {
    use ExecutionStatus as S;
    write(&store, rec(&ns, "wf", at(0)).version(10)).await;
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "run-wf", 10))
        .await
        .expect("delete");
    write(&store, rec(&ns, "wf", at(0)).version(9)).await;
    assert!(
        get(&store, &ns, "wf").await.is_none(),
        "a started write with a lower version resurrected a deleted record"
    );
    write(
        &store,
        rec(&ns, "wf", at(0))
            .version(8)
            .closed_after(S::Completed, 1),
    )
    .await;
    assert!(
        get(&store, &ns, "wf").await.is_none(),
        "a closed write with a lower version resurrected a deleted record"
    );
    upsert(&store, rec(&ns, "wf", at(0)).version(0)).await;
    assert!(
        get(&store, &ns, "wf").await.is_none(),
        "an upsert with a lower version resurrected a deleted record"
    );
    assert_eq!(count(&store, &ns, "").await, 0);
    assert!(list_all(&store, &ns, "", 10).await.is_empty());

    // A higher version is a genuinely newer write and is stored.
    write(
        &store,
        rec(&ns, "wf", at(0)).version(11).closed_after(S::Failed, 2),
    )
    .await;
    let got = get(&store, &ns, "wf")
        .await
        .expect("a higher-version write after a delete");
    assert_eq!(got.status, S::Failed);
    assert_eq!(got.version, 11);

    // Tombstones are per record: another run of the same workflow is unaffected.
    write(&store, rec(&ns, "wf", at(0)).run("run-2").version(1)).await;
    assert!(get_run(&store, &ns, "wf", "run-2").await.is_some());
}

pub async fn delete_of_missing_record_succeeds(store: Store, ns: String) {
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "nothing", "here", 1))
        .await
        .expect("deleting a missing record is not an error");
    write(&store, rec(&ns, "wf", at(0))).await;
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "other-run", 1))
        .await
        .expect("deleting another run is not an error");
    assert!(
        get(&store, &ns, "wf").await.is_some(),
        "deleted the wrong run"
    );
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "run-wf", 0))
        .await
        .expect("delete");
    store
        .delete_workflow_execution(DeleteRequest::new(&ns, "wf", "run-wf", 0))
        .await
        .expect("deleting twice is not an error");
    assert!(get(&store, &ns, "wf").await.is_none());
}

pub async fn get_needs_namespace_workflow_and_run(store: Store, ns: String) {
    let other_ns = format!("{ns}-other");
    write(&store, rec(&ns, "wf", at(0))).await;
    write(&store, rec(&ns, "wf", at(1)).run("run-2")).await;
    assert_eq!(get(&store, &ns, "wf").await.unwrap().start_time, at(0));
    assert_eq!(
        get_run(&store, &ns, "wf", "run-2")
            .await
            .unwrap()
            .start_time,
        at(1)
    );
    for (n, w, r) in [
        (other_ns.as_str(), "wf", "run-wf"),
        (ns.as_str(), "WF", "run-wf"),
        (ns.as_str(), "wf", "run-3"),
        (ns.as_str(), "run-wf", "wf"),
        (ns.as_str(), "wf ", "run-wf"),
    ] {
        expect_err(
            store.get_workflow_execution(GetRequest::new(n, w, r)).await,
            ErrorKind::NotFound,
            &format!("get {n}/{w}/{r}"),
        );
    }
    // Correct time hints are accepted.
    let hinted = store
        .get_workflow_execution(GetRequest::new(&ns, "wf", "run-wf").start_time(at(0)))
        .await
        .expect("get with a start-time hint");
    assert_eq!(hinted.execution.run_id, "run-wf");
}

pub async fn get_round_trips_every_field(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    let mut r = rec(&ns, "wf", t("2026-03-04T05:06:07.123456Z"))
        .wf_type("billing")
        .version(42)
        .sa(KW, kw("k"))
        .sa(TX, text("Some text, here"))
        .sa(INT, int(-7))
        .sa(DBL, dbl(0.1))
        .sa(BOOL, boolean(false))
        .sa(DT, dt("2030-01-01T00:00:00.000001Z"))
        .sa(KWL, kwl(&["b", "a"]))
        .sa("BinaryChecksums", kwl(&["sum"]))
        .sa("BatcherUser", kw("user"));
    r.namespace_name = Some(format!("{ns}-name"));
    r.execution_time = t("2026-03-04T05:07:00Z");
    r.history_length = 11;
    r.history_size_bytes = 2048;
    r.state_transition_count = 5;
    r.task_queue = "queue".into();
    r.parent = Some(ExecutionRef::new("parent", "parent-run"));
    r.root = Some(ExecutionRef::new("root", "root-run"));
    r.memo = Some(Memo {
        encoding: "json/plain".into(),
        data: vec![0, 159, 146, 150, 255],
    });
    let r = r.closed(ExecutionStatus::ContinuedAsNew, t("2026-03-05T00:00:00Z"));
    write(&store, r.clone()).await;

    let mut expected = r;
    expected.namespace_name = None;
    let got = get(&store, &ns, "wf").await.expect("record");
    assert_eq!(got, expected, "get did not return the record as written");
    assert_eq!(
        got.execution_duration_nanos(),
        Some(
            Duration::seconds(18 * 3600 + 53 * 60)
                .num_nanoseconds()
                .unwrap()
        )
    );
    let listed = list_all(&store, &ns, "", 10).await;
    assert_eq!(
        listed,
        vec![expected],
        "list did not return the record as written"
    );
}

pub async fn times_truncated_to_microseconds(store: Store, ns: String) {
    let start = t("2026-01-01T00:00:00.123456789Z");
    let mut r = rec(&ns, "wf", start);
    r.execution_time = t("2026-01-01T00:00:01.999999999Z");
    let r = r.closed(
        ExecutionStatus::Completed,
        t("2026-01-01T00:00:02.000000999Z"),
    );
    write(&store, r).await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(got.start_time, t("2026-01-01T00:00:00.123456Z"));
    assert_eq!(got.execution_time, t("2026-01-01T00:00:01.999999Z"));
    assert_eq!(got.close_time, Some(t("2026-01-01T00:00:02Z")));
    assert_eq!(got.execution_duration_nanos(), Some(1_000));
}

pub async fn cancelled_writes_are_all_or_nothing(store: Store, ns: String) {
    register(&store, &ns, &[("Tag", SearchAttributeType::KeywordList)]).await;
    let record = |i: usize| {
        rec(&ns, &format!("wf{i}"), at(i as i64))
            .sa("Tag", kwl(&["a", "b", "c", "d"]))
            .sa("BinaryChecksums", kwl(&["x", "y"]))
    };
    // Drop writes at many different points of their progress.
    for i in 0..40 {
        let fut = store.record_workflow_execution_started(RecordStartedRequest::new(record(i)));
        let _ = tokio::time::timeout(StdDuration::from_micros(20 * i as u64), fut).await;
    }
    // Let anything a store finishes in the background settle, then every record must be
    // either absent or complete.
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    for i in 0..40 {
        let mut want = record(i);
        want.namespace_name = None;
        if let Some(got) = get(&store, &ns, &format!("wf{i}")).await {
            assert_eq!(got, want, "a cancelled write left a partial record");
        }
    }
    let listed = list_all(&store, &ns, "", 7).await;
    for got in &listed {
        let i: usize = got.workflow_id[2..].parse().unwrap();
        let mut want = record(i);
        want.namespace_name = None;
        assert_eq!(got, &want, "a cancelled write left a partial record");
    }
    assert_eq!(count(&store, &ns, "").await, listed.len() as i64);
}
