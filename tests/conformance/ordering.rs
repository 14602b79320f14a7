//! Ordering: the default order (CloseTime desc with running first, StartTime desc, RunId
//! asc), explicit `ORDER BY` keys with missing values last in both directions, status by name.

use workflow_visibility::prelude::*;

use super::support::*;

pub async fn default_order(store: Store, ns: String) {
    use ExecutionStatus as S;
    let closed = |wf: &str, run: &str, start: i64, close: i64| {
        let r = rec(&ns, wf, at(start)).run(run);
        let close = at(close);
        r.closed(S::Completed, close)
    };
    write_all(
        &store,
        [
            rec(&ns, "run-old", at(10)),
            rec(&ns, "run-new", at(20)),
            // Same start: RunId ascending decides (not WorkflowId).
            rec(&ns, "tie-a", at(15)).run("z-run"),
            rec(&ns, "tie-z", at(15)).run("a-run"),
            closed("c1", "r-c1", 0, 100),
            closed("c2", "r-c2", 5, 200),
            // Same close time as c1 but a later start.
            closed("c3", "r-2", 6, 100),
            // Same close and start as c3, smaller run id.
            closed("c4", "r-1", 6, 100),
            // Closed long after every running record started, still after them.
            closed("c5", "r-c5", 30, 10_000),
        ],
    )
    .await;
    assert_order(
        &store,
        &ns,
        "",
        &[
            "run-new", "tie-z", "tie-a", "run-old", "c5", "c2", "c4", "c3", "c1",
        ],
    )
    .await;
    // Paging does not change the order.
    assert_eq!(
        wf_ids(&list_all(&store, &ns, "", 2).await),
        ordered(&store, &ns, "").await
    );
}

pub async fn explicit_order_missing_last(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    // All running; default order is f e d c b a (start descending).
    let rows: [(&str, i64, Option<i64>); 6] = [
        ("a", 1, Some(3)),
        ("b", 2, Some(1)),
        ("c", 3, None),
        ("d", 4, Some(2)),
        ("e", 5, Some(1)),
        ("f", 6, None),
    ];
    for (wf, start, v) in rows {
        let mut r = rec(&ns, wf, at(start));
        if let Some(v) = v {
            r = r.sa(INT, int(v));
        }
        write(&store, r).await;
    }
    assert_order(&store, &ns, "", &["f", "e", "d", "c", "b", "a"]).await;
    for (query, expected) in [
        (
            format!("ORDER BY {INT} ASC"),
            ["e", "b", "d", "a", "f", "c"],
        ),
        (format!("ORDER BY {INT}"), ["e", "b", "d", "a", "f", "c"]),
        (
            format!("order by {INT} asc"),
            ["e", "b", "d", "a", "f", "c"],
        ),
        (
            format!("ORDER BY {INT} DESC"),
            ["a", "d", "e", "b", "f", "c"],
        ),
        (
            format!("ORDER BY `{INT}` desc"),
            ["a", "d", "e", "b", "f", "c"],
        ),
    ] {
        assert_order(&store, &ns, &query, &expected).await;
    }
    assert_order(
        &store,
        &ns,
        &format!("{INT} IS NULL OR {INT} > 1 ORDER BY {INT} DESC"),
        &["a", "d", "f", "c"],
    )
    .await;
}

pub async fn close_time_desc_puts_running_last(store: Store, ns: String) {
    use ExecutionStatus as S;
    write_all(
        &store,
        [
            rec(&ns, "run1", at(0)),
            rec(&ns, "run2", at(5)),
            rec(&ns, "c1", at(10)).closed(S::Completed, at(50)),
            rec(&ns, "c2", at(0)).closed(S::Failed, at(60)),
        ],
    )
    .await;
    assert_order(&store, &ns, "", &["run2", "run1", "c2", "c1"]).await;
    assert_order(
        &store,
        &ns,
        "ORDER BY CloseTime DESC",
        &["c2", "c1", "run2", "run1"],
    )
    .await;
    assert_order(
        &store,
        &ns,
        "ORDER BY CloseTime ASC",
        &["c1", "c2", "run2", "run1"],
    )
    .await;
    // Durations: c1 40m, c2 60m; missing for running executions.
    assert_order(
        &store,
        &ns,
        "ORDER BY ExecutionDuration ASC",
        &["c1", "c2", "run2", "run1"],
    )
    .await;
    assert_order(
        &store,
        &ns,
        "ORDER BY ExecutionDuration DESC",
        &["c2", "c1", "run2", "run1"],
    )
    .await;
    // run1 and c2 started together: the default order breaks the tie, running first.
    assert_order(
        &store,
        &ns,
        "ORDER BY StartTime ASC",
        &["run1", "c2", "run2", "c1"],
    )
    .await;
}

pub async fn status_sorts_by_name(store: Store, ns: String) {
    for (i, status) in ExecutionStatus::ALL.into_iter().enumerate() {
        let r = rec(&ns, &format!("s-{}", status.name()), at(i as i64));
        let r = if status.is_closed() {
            r.closed_after(status, 10)
        } else {
            r
        };
        write(&store, r).await;
    }
    write(&store, rec(&ns, "s-Running-2", at(100))).await;
    let asc = [
        "s-Canceled",
        "s-Completed",
        "s-ContinuedAsNew",
        "s-Failed",
        "s-Running-2",
        "s-Running",
        "s-Terminated",
        "s-TimedOut",
    ];
    assert_order(&store, &ns, "ORDER BY ExecutionStatus", &asc).await;
    let desc = [
        "s-TimedOut",
        "s-Terminated",
        "s-Running-2",
        "s-Running",
        "s-Failed",
        "s-ContinuedAsNew",
        "s-Completed",
        "s-Canceled",
    ];
    assert_order(&store, &ns, "ORDER BY ExecutionStatus DESC", &desc).await;
}

/// Writes `values` of one attribute in a fresh namespace and checks both directions: `asc`
/// lists the value indexes in ascending order; `none` (no value) comes last either way.
async fn check_type(
    store: &Store,
    ns: &str,
    name: &str,
    ty: SearchAttributeType,
    values: &[SearchAttributeValue],
    asc: &[usize],
) {
    values_fixture(store, ns, name, ty, values).await;
    let ids = |order: &mut dyn Iterator<Item = &usize>| -> Vec<String> {
        order
            .map(|i| format!("v{i}"))
            .chain(["none".to_string()])
            .collect()
    };
    let want_asc = ids(&mut asc.iter());
    let want_desc = ids(&mut asc.iter().rev());
    let got = ordered(store, ns, &format!("ORDER BY {name} ASC")).await;
    assert_eq!(got, want_asc, "ORDER BY {name} ASC ({ty})");
    let got = ordered(store, ns, &format!("ORDER BY {name} DESC")).await;
    assert_eq!(got, want_desc, "ORDER BY {name} DESC ({ty})");
}

pub async fn order_by_each_type(store: Store, ns: String) {
    use SearchAttributeType as T;
    let sub = |i: usize| format!("{ns}-{i}");
    // Keyword: code points, trailing spaces count.
    check_type(
        &store,
        &sub(0),
        KW,
        T::Keyword,
        &[
            kw("a"),
            kw(" a"),
            kw("é"),
            kw("B"),
            kw("a "),
            kw("😀"),
            kw("ﬀ"),
        ],
        &[1, 3, 0, 4, 2, 6, 5],
    )
    .await;
    // Int: numeric, not lexicographic.
    check_type(
        &store,
        &sub(1),
        INT,
        T::Int,
        &[
            int(9),
            int(-10),
            int(100),
            int(10),
            int(i64::MIN),
            int(i64::MAX),
        ],
        &[4, 1, 0, 3, 2, 5],
    )
    .await;
    check_type(
        &store,
        &sub(2),
        DBL,
        T::Double,
        &[dbl(2.25), dbl(-1.5), dbl(1e10), dbl(0.0), dbl(-1e300)],
        &[4, 1, 3, 0, 2],
    )
    .await;
    check_type(
        &store,
        &sub(3),
        BOOL,
        T::Bool,
        &[boolean(true), boolean(false)],
        &[1, 0],
    )
    .await;
    check_type(
        &store,
        &sub(4),
        DT,
        T::Datetime,
        &[
            dt("2026-01-02T00:00:00Z"),
            dt("1970-01-01T00:00:00Z"),
            dt("2026-01-01T23:59:59.999999Z"),
            dt("2262-04-11T23:47:16.854775Z"),
        ],
        &[1, 2, 0, 3],
    )
    .await;

    // System fields.
    let ns5 = sub(5);
    let mut a = rec(&ns5, "a", at(3)).wf_type("zeta");
    a.task_queue = "q2".into();
    a.history_length = 100;
    a.execution_time = at(50);
    a.parent = Some(ExecutionRef::new("p2", "pr"));
    let mut b = rec(&ns5, "b", at(1)).wf_type("alpha");
    b.task_queue = "q1".into();
    b.history_length = 9;
    b.execution_time = at(60);
    let mut c = rec(&ns5, "c", at(2)).wf_type("Mid");
    c.task_queue = "q3".into();
    c.history_length = 10;
    c.execution_time = at(2);
    c.parent = Some(ExecutionRef::new("p1", "pr"));
    write_all(&store, [a, b, c]).await;
    for (query, expected) in [
        ("ORDER BY WorkflowType", ["c", "b", "a"]),
        ("ORDER BY WorkflowType DESC", ["a", "b", "c"]),
        ("ORDER BY TaskQueue", ["b", "a", "c"]),
        ("ORDER BY HistoryLength", ["b", "c", "a"]),
        ("ORDER BY HistoryLength DESC", ["a", "c", "b"]),
        ("ORDER BY StartTime ASC", ["b", "c", "a"]),
        ("ORDER BY ExecutionTime", ["c", "a", "b"]),
        ("ORDER BY WorkflowId DESC", ["c", "b", "a"]),
        ("ORDER BY RunId", ["a", "b", "c"]),
        ("ORDER BY ParentWorkflowId", ["c", "a", "b"]),
        ("ORDER BY ParentWorkflowId DESC", ["a", "c", "b"]),
        ("ORDER BY RootWorkflowId", ["a", "c", "b"]),
    ] {
        assert_order(&store, &ns5, query, &expected).await;
    }
}

pub async fn multiple_keys_then_default(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    let rows: [(&str, i64, Option<&str>, Option<i64>); 6] = [
        ("p", 1, Some("x"), Some(1)),
        ("q", 2, Some("x"), Some(2)),
        ("r", 3, Some("y"), Some(1)),
        ("s", 4, Some("x"), Some(2)),
        ("u", 5, None, Some(5)),
        ("v", 6, Some("x"), None),
    ];
    for (wf, start, k, i) in rows {
        let mut r = rec(&ns, wf, at(start));
        if let Some(k) = k {
            r = r.sa(KW, kw(k));
        }
        if let Some(i) = i {
            r = r.sa(INT, int(i));
        }
        write(&store, r).await;
    }
    for (query, expected) in [
        (
            format!("ORDER BY {KW} ASC, {INT} DESC"),
            ["s", "q", "p", "v", "r", "u"].as_slice(),
        ),
        (
            format!("order by {KW} asc , {INT} desc"),
            ["s", "q", "p", "v", "r", "u"].as_slice(),
        ),
        (
            format!("ORDER BY {KW} DESC, {INT} ASC"),
            ["r", "p", "s", "q", "v", "u"].as_slice(),
        ),
        (
            format!("{INT} IS NOT NULL ORDER BY {INT} DESC, {KW}"),
            ["u", "s", "q", "p", "r"].as_slice(),
        ),
        (
            format!("ORDER BY {KW}, StartTime"),
            ["p", "q", "s", "v", "r", "u"].as_slice(),
        ),
    ] {
        assert_order(&store, &ns, &query, expected).await;
    }
}

pub async fn order_by_rejections(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    for (query, span) in [
        (format!("ORDER BY {TX}"), TX.to_string()),
        (format!("ORDER BY StartTime, {KWL} DESC"), KWL.to_string()),
        ("ORDER BY BuildIds".to_string(), "BuildIds".to_string()),
        ("ORDER BY Nope".to_string(), "Nope".to_string()),
        ("ORDER BY starttime".to_string(), "starttime".to_string()),
        (
            "ORDER BY StartTime SIDEWAYS".to_string(),
            "SIDEWAYS".to_string(),
        ),
        ("ORDER BY StartTime,".to_string(), ",".to_string()),
        (
            "WorkflowId = 'a' ORDER BY 'StartTime'".to_string(),
            "'StartTime'".to_string(),
        ),
        (
            "ORDER BY StartTime DESC LIMIT 5".to_string(),
            "LIMIT 5".to_string(),
        ),
        (
            "ORDER BY lower(WorkflowId)".to_string(),
            "lower(WorkflowId)".to_string(),
        ),
        (
            "ORDER BY StartTime WorkflowId = 'a'".to_string(),
            "WorkflowId = 'a'".to_string(),
        ),
    ] {
        rejects_list(&store, &ns, &query, &span).await;
    }
}
