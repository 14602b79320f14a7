//! Legacy listings: open executions by start-time range, closed executions by close-time range
//! (both bounds inclusive), by workflow type, by workflow id, closed by status; with paging and
//! namespace divisions.

use std::future::Future;

use workflow_visibility::prelude::*;

use super::support::*;

/// Follows next-page tokens of a legacy listing, returning `workflow_id/run_id` in order.
async fn drain<F, Fut>(what: &str, mut call: F) -> Vec<String>
where
    F: FnMut(Option<Vec<u8>>) -> Fut,
    Fut: Future<Output = Result<ListResponse, Error>>,
{
    let mut out = Vec::new();
    let mut token = None;
    for _ in 0..10_000 {
        let page = call(token.clone())
            .await
            .unwrap_or_else(|e| panic!("{what} failed: {e}"));
        if token.is_some() {
            assert!(
                !page.executions.is_empty(),
                "{what}: a token led to an empty page"
            );
        }
        out.extend(page.executions.iter().map(|r| r.workflow_id.clone()));
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
    panic!("{what} did not end");
}

fn req(ns: &str) -> LegacyListRequest {
    LegacyListRequest::new(ns)
}

async fn open(store: &Store, r: LegacyListRequest) -> Vec<String> {
    drain("open listing", |t| {
        store.list_open_workflow_executions(r.clone().next_page_token(t))
    })
    .await
}

async fn closed(store: &Store, r: LegacyListRequest) -> Vec<String> {
    drain("closed listing", |t| {
        store.list_closed_workflow_executions(r.clone().next_page_token(t))
    })
    .await
}

pub async fn open_and_closed_by_time_range(store: Store, ns: String) {
    use ExecutionStatus as S;
    write_all(
        &store,
        [
            rec(&ns, "o1", at(10)),
            rec(&ns, "o2", at(20)),
            rec(&ns, "o3", at(30)),
            rec(&ns, "c1", at(0)).closed(S::Completed, at(15)),
            rec(&ns, "c2", at(5)).closed(S::Failed, at(25)),
            rec(&ns, "c3", at(12)).closed(S::Canceled, at(35)),
        ],
    )
    .await;
    assert_eq!(open(&store, req(&ns)).await, ["o3", "o2", "o1"]);
    assert_eq!(
        open(&store, req(&ns).time_range(at(10), at(20))).await,
        ["o2", "o1"]
    );
    assert!(
        open(&store, req(&ns).time_range(at(11), at(19)))
            .await
            .is_empty()
    );
    assert_eq!(
        open(&store, req(&ns).time_range(at(0), at(100))).await,
        ["o3", "o2", "o1"]
    );
    assert_eq!(closed(&store, req(&ns)).await, ["c3", "c2", "c1"]);
    assert_eq!(
        closed(&store, req(&ns).time_range(at(15), at(25))).await,
        ["c2", "c1"]
    );
    assert!(
        closed(&store, req(&ns).time_range(at(16), at(24)))
            .await
            .is_empty()
    );
    // The closed range applies to the close time, not the start time.
    assert_eq!(
        closed(&store, req(&ns).time_range(at(10), at(20))).await,
        ["c1"]
    );
    // Sub-microsecond bounds are truncated like every datetime.
    let just_after = at(15) + chrono::Duration::nanoseconds(999);
    assert_eq!(
        closed(&store, req(&ns).time_range(just_after, at(15))).await,
        ["c1"]
    );
}

pub async fn by_workflow_type(store: Store, ns: String) {
    use ExecutionStatus as S;
    write_all(
        &store,
        [
            rec(&ns, "o1", at(10)).wf_type("A"),
            rec(&ns, "o2", at(20)).wf_type("B"),
            rec(&ns, "o3", at(30)).wf_type("it's \\ odd"),
            rec(&ns, "c1", at(0))
                .wf_type("A")
                .closed(S::Completed, at(15)),
            rec(&ns, "c2", at(5)).wf_type("B").closed(S::Failed, at(25)),
            rec(&ns, "c3", at(6)).wf_type("B").closed(S::Failed, at(26)),
        ],
    )
    .await;
    let by_type = |ty: &str, r: LegacyListRequest| ListByTypeRequest::new(r, ty);
    let open_by = |ty: &'static str, r: LegacyListRequest| {
        let store = store.clone();
        async move {
            drain("open by type", |t| {
                store.list_open_workflow_executions_by_type(by_type(
                    ty,
                    r.clone().next_page_token(t),
                ))
            })
            .await
        }
    };
    let closed_by = |ty: &'static str, r: LegacyListRequest| {
        let store = store.clone();
        async move {
            drain("closed by type", |t| {
                store.list_closed_workflow_executions_by_type(by_type(
                    ty,
                    r.clone().next_page_token(t),
                ))
            })
            .await
        }
    };
    assert_eq!(open_by("A", req(&ns)).await, ["o1"]);
    assert_eq!(open_by("B", req(&ns)).await, ["o2"]);
    assert_eq!(open_by("it's \\ odd", req(&ns)).await, ["o3"]);
    assert!(open_by("a", req(&ns)).await.is_empty());
    assert!(
        open_by("A", req(&ns).time_range(at(11), at(100)))
            .await
            .is_empty()
    );
    assert_eq!(closed_by("B", req(&ns)).await, ["c3", "c2"]);
    assert_eq!(
        closed_by("B", req(&ns).time_range(at(20), at(25))).await,
        ["c2"]
    );
    assert_eq!(closed_by("A", req(&ns)).await, ["c1"]);
}

pub async fn by_workflow_id(store: Store, ns: String) {
    use ExecutionStatus as S;
    write_all(
        &store,
        [
            rec(&ns, "same", at(10)).run("r1"),
            rec(&ns, "same", at(0))
                .run("r2")
                .closed(S::Completed, at(5)),
            rec(&ns, "same", at(1)).run("r3").closed(S::Failed, at(7)),
            rec(&ns, "other", at(20)),
            rec(&ns, "a\\b'c", at(30)),
        ],
    )
    .await;
    let runs = |store: Store, wf: &'static str, open: bool, r: LegacyListRequest| async move {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let request = ListByWorkflowIdRequest::new(r.clone().next_page_token(token), wf);
            let result = if open {
                store
                    .list_open_workflow_executions_by_workflow_id(request)
                    .await
            } else {
                store
                    .list_closed_workflow_executions_by_workflow_id(request)
                    .await
            };
            let page =
                result.unwrap_or_else(|e| panic!("listing by workflow id {wf:?} failed: {e}"));
            out.extend(
                page.executions
                    .iter()
                    .map(|e| format!("{}/{}", e.workflow_id, e.run_id)),
            );
            match page.next_page_token {
                Some(t) => token = Some(t),
                None => return out,
            }
        }
    };
    assert_eq!(
        runs(store.clone(), "same", true, req(&ns)).await,
        ["same/r1"]
    );
    assert_eq!(
        runs(store.clone(), "same", false, req(&ns)).await,
        ["same/r3", "same/r2"]
    );
    assert_eq!(
        runs(
            store.clone(),
            "same",
            false,
            req(&ns).time_range(at(0), at(6))
        )
        .await,
        ["same/r2"]
    );
    assert_eq!(
        runs(store.clone(), "a\\b'c", true, req(&ns)).await,
        ["a\\b'c/run-a\\b'c"]
    );
    assert!(runs(store.clone(), "Same", true, req(&ns)).await.is_empty());
    assert!(
        runs(store.clone(), "other", false, req(&ns))
            .await
            .is_empty()
    );
}

pub async fn closed_by_status(store: Store, ns: String) {
    use ExecutionStatus as S;
    write_all(
        &store,
        [
            rec(&ns, "done1", at(0)).closed(S::Completed, at(10)),
            rec(&ns, "done2", at(1)).closed(S::Completed, at(20)),
            rec(&ns, "failed", at(2)).closed(S::Failed, at(15)),
            rec(&ns, "timeout", at(3)).closed(S::TimedOut, at(16)),
            rec(&ns, "running", at(4)),
        ],
    )
    .await;
    let by = |status: S, r: LegacyListRequest| {
        let store = store.clone();
        async move {
            drain("closed by status", |t| {
                store.list_closed_workflow_executions_by_status(ListClosedByStatusRequest::new(
                    r.clone().next_page_token(t),
                    status,
                ))
            })
            .await
        }
    };
    assert_eq!(by(S::Completed, req(&ns)).await, ["done2", "done1"]);
    assert_eq!(by(S::Failed, req(&ns)).await, ["failed"]);
    assert_eq!(by(S::TimedOut, req(&ns)).await, ["timeout"]);
    assert!(by(S::Canceled, req(&ns)).await.is_empty());
    assert_eq!(
        by(S::Completed, req(&ns).time_range(at(0), at(15))).await,
        ["done1"]
    );
    assert_eq!(
        by(S::Completed, req(&ns).page_size(1)).await,
        ["done2", "done1"]
    );
}

pub async fn legacy_paging(store: Store, ns: String) {
    use ExecutionStatus as S;
    for i in 0..7 {
        write(&store, rec(&ns, &format!("o{i}"), at(i))).await;
    }
    for i in 0..3 {
        write(
            &store,
            rec(&ns, &format!("c{i}"), at(i)).closed(S::Completed, at(50 + i)),
        )
        .await;
    }
    for size in [1, 2, 3, 7, 8] {
        assert_eq!(
            open(&store, req(&ns).page_size(size)).await,
            ["o6", "o5", "o4", "o3", "o2", "o1", "o0"],
            "open listing at page size {size}"
        );
        assert_eq!(
            closed(&store, req(&ns).page_size(size)).await,
            ["c2", "c1", "c0"],
            "closed listing at page size {size}"
        );
    }
    let first = store
        .list_open_workflow_executions(req(&ns).page_size(2))
        .await
        .expect("open listing");
    assert_eq!(first.executions.len(), 2);
    let token = first.next_page_token.expect("a token");
    expect_err(
        store
            .list_closed_workflow_executions(req(&ns).page_size(2).next_page_token(Some(token)))
            .await,
        ErrorKind::InvalidArgument,
        "a closed listing continuing an open listing's token",
    );
}

pub async fn legacy_namespace_division(store: Store, ns: String) {
    use ExecutionStatus as S;
    let div = |r: ExecutionRecord| r.sa("TemporalNamespaceDivision", kw("TemporalScheduler"));
    write_all(
        &store,
        [
            rec(&ns, "plain-open", at(0)),
            rec(&ns, "plain-closed", at(1)).closed(S::Completed, at(10)),
            div(rec(&ns, "div-open", at(2))),
            div(rec(&ns, "div-closed", at(3)).closed(S::Completed, at(11))),
        ],
    )
    .await;
    assert_eq!(open(&store, req(&ns)).await, ["plain-open"]);
    assert_eq!(closed(&store, req(&ns)).await, ["plain-closed"]);
    let d = || req(&ns).namespace_division("TemporalScheduler");
    assert_eq!(open(&store, d()).await, ["div-open"]);
    assert_eq!(closed(&store, d()).await, ["div-closed"]);
    assert!(
        open(&store, req(&ns).namespace_division("other"))
            .await
            .is_empty()
    );
    let by_type = store
        .list_open_workflow_executions_by_type(ListByTypeRequest::new(d(), "conformance"))
        .await
        .expect("open by type in a division");
    assert_eq!(wf_ids(&by_type.executions), ["div-open"]);
}
