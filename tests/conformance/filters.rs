//! Every operator on every type returns the right records (see `support::fixture` for the
//! data). Each expectation is checked through list, scan and count.

use super::support::*;

/// Runs `(query, expected)` pairs where `{}` in the query stands for `attr`.
async fn check(store: &Store, ns: &str, attr: &str, cases: &[(&str, &[&str])]) {
    for (template, expected) in cases {
        let query = template.replace("{}", attr);
        assert_matches(store, ns, &query, expected).await;
    }
}

pub async fn keyword_operators(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        KW,
        &[
            ("{} = 'apple'", &["w1"]),
            ("{} = 'Apple'", &["w4"]),
            ("{} = \"apple\"", &["w1"]),
            ("`{}` = 'banana'", &["w2"]),
            ("{} = 'appl'", &[]),
            ("{} != 'apple'", &["w2", "w3", "w4"]),
            ("{} <> 'apple'", &["w2", "w3", "w4"]),
            ("{} < 'banana'", &["w1", "w4"]),
            ("{} <= 'banana'", &["w1", "w2", "w4"]),
            ("{} > 'apple'", &["w2", "w3"]),
            ("{} >= 'apple'", &["w1", "w2", "w3"]),
            ("{} BETWEEN 'apple' AND 'banana'", &["w1", "w2"]),
            ("{} NOT BETWEEN 'apple' AND 'banana'", &["w3", "w4"]),
            ("{} BETWEEN 'banana' AND 'apple'", &[]),
            ("{} IN ('apple', 'cherry', 'zzz')", &["w1", "w3"]),
            ("{} IN ('zzz')", &[]),
            ("{} NOT IN ('apple', 'cherry')", &["w2", "w4"]),
            ("{} STARTS_WITH 'a'", &["w1"]),
            ("{} STARTS_WITH 'ch'", &["w3"]),
            ("{} STARTS_WITH 'apple'", &["w1"]),
            ("{} STARTS_WITH 'apples'", &[]),
            ("{} NOT STARTS_WITH 'a'", &["w2", "w3", "w4"]),
            ("{} STARTS_WITH ''", &["w1", "w2", "w3", "w4"]),
            ("{} NOT STARTS_WITH ''", &[]),
            ("{} IS NULL", &["w5"]),
            ("{} IS NOT NULL", &["w1", "w2", "w3", "w4"]),
        ],
    )
    .await;
}

pub async fn text_operators(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        TX,
        &[
            ("{} = 'hello'", &["w1"]),
            ("{} = 'BYE'", &["w2"]),
            ("{} = 'bye hello'", &["w1", "w2"]),
            ("{} = 'nothing'", &[]),
            ("{} != 'hello'", &["w2"]),
            ("{} <> 'hello'", &["w2"]),
            ("{} != 'nothing'", &["w1", "w2"]),
            ("{} != 'hello good'", &[]),
            ("{} IS NULL", &["w3", "w4", "w5"]),
            ("{} IS NOT NULL", &["w1", "w2"]),
        ],
    )
    .await;
}

pub async fn int_operators(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        INT,
        &[
            ("{} = 1", &["w1"]),
            ("{} = -5", &["w4"]),
            ("{} != 1", &["w2", "w3", "w4"]),
            ("{} <> 1", &["w2", "w3", "w4"]),
            ("{} > 1", &["w2", "w3"]),
            ("{} >= 2", &["w2", "w3"]),
            ("{} < 2", &["w1", "w4"]),
            ("{} <= -5", &["w4"]),
            ("{} BETWEEN 1 AND 2", &["w1", "w2"]),
            ("{} NOT BETWEEN 1 AND 2", &["w3", "w4"]),
            ("{} BETWEEN -5 AND -5", &["w4"]),
            ("{} IN (1, 3, 99)", &["w1", "w3"]),
            ("{} NOT IN (1, 3)", &["w2", "w4"]),
            ("{} IS NULL", &["w5"]),
            ("{} IS NOT NULL", &["w1", "w2", "w3", "w4"]),
            // Float literals against an Int attribute compare exactly.
            ("{} = 2.0", &["w2"]),
            ("{} = 2e0", &["w2"]),
            ("{} = 1.5", &[]),
            ("{} != 1.5", &["w1", "w2", "w3", "w4"]),
            ("{} < 1.5", &["w1", "w4"]),
            ("{} > 1.5", &["w2", "w3"]),
            ("{} >= 2.5", &["w3"]),
            ("{} <= 2.5", &["w1", "w2", "w4"]),
            ("{} > -1e1", &["w1", "w2", "w3", "w4"]),
            ("{} IN (1.0, 2.5)", &["w1"]),
            ("{} BETWEEN 0.5 AND 2.5", &["w1", "w2"]),
        ],
    )
    .await;
}

pub async fn double_operators(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        DBL,
        &[
            ("{} = 1.5", &["w1"]),
            ("{} = -2.25", &["w2"]),
            ("{} = 3", &["w3"]),
            ("{} = 15e-1", &["w1"]),
            ("{} = 0.15E1", &["w1"]),
            ("{} = -225e-2", &["w2"]),
            ("{} != 1.5", &["w2", "w3"]),
            ("{} > 1", &["w1", "w3"]),
            ("{} >= 3.0", &["w3"]),
            ("{} < 0", &["w2"]),
            ("{} <= 1.5", &["w1", "w2"]),
            ("{} BETWEEN -3 AND 2", &["w1", "w2"]),
            ("{} NOT BETWEEN -3 AND 2", &["w3"]),
            ("{} IN (1.5, 3)", &["w1", "w3"]),
            ("{} NOT IN (1.5, 3)", &["w2"]),
            ("{} IS NULL", &["w4", "w5"]),
            ("{} IS NOT NULL", &["w1", "w2", "w3"]),
        ],
    )
    .await;
}

pub async fn bool_operators(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        BOOL,
        &[
            ("{} = true", &["w1", "w3"]),
            ("{} = false", &["w2"]),
            ("{} != true", &["w2"]),
            ("{} != false", &["w1", "w3"]),
            ("{} <> false", &["w1", "w3"]),
            ("{} IS NULL", &["w4", "w5"]),
            ("{} IS NOT NULL", &["w1", "w2", "w3"]),
        ],
    )
    .await;
}

pub async fn datetime_operators(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        DT,
        &[
            ("{} = '2026-01-01T00:00:00Z'", &["w1"]),
            ("{} = '2026-01-01T02:00:00+02:00'", &["w1"]),
            ("{} = '2025-12-31T19:00:00-05:00'", &["w1"]),
            ("{} = '2026-01-01T00:00:00.000000Z'", &["w1"]),
            ("{} = \"2026-01-02T00:00:00Z\"", &["w2"]),
            ("{} = 1767225600000000000", &["w1"]),
            ("{} != '2026-01-01T00:00:00Z'", &["w2", "w3"]),
            ("{} > '2026-01-01T00:00:00Z'", &["w2", "w3"]),
            ("{} > '2026-01-01T23:59:59.999999Z'", &["w2", "w3"]),
            ("{} >= '2026-01-02T00:00:00Z'", &["w2", "w3"]),
            ("{} < '2026-01-02T00:00:00Z'", &["w1"]),
            ("{} <= '2026-01-02T00:00:00Z'", &["w1", "w2"]),
            ("{} <= 1767312000000000000", &["w1", "w2"]),
            (
                "{} BETWEEN '2026-01-01T12:00:00Z' AND '2026-01-03T00:00:00Z'",
                &["w2", "w3"],
            ),
            (
                "{} NOT BETWEEN '2026-01-01T12:00:00Z' AND '2026-01-03T00:00:00Z'",
                &["w1"],
            ),
            (
                "{} IN ('2026-01-01T00:00:00Z', 1767398400000000000)",
                &["w1", "w3"],
            ),
            ("{} NOT IN ('2026-01-01T00:00:00Z')", &["w2", "w3"]),
            ("{} IS NULL", &["w4", "w5"]),
            ("{} IS NOT NULL", &["w1", "w2", "w3"]),
        ],
    )
    .await;
}

pub async fn keyword_list_operators(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        KWL,
        &[
            ("{} = 'b'", &["w1", "w2"]),
            ("{} = 'a'", &["w1"]),
            ("{} = 'z'", &[]),
            ("{} != 'b'", &["w3"]),
            ("{} <> 'a'", &["w2", "w3"]),
            ("{} != 'z'", &["w1", "w2", "w3"]),
            ("{} IN ('a', 'c')", &["w1", "w2", "w3"]),
            ("{} IN ('z')", &[]),
            ("{} NOT IN ('a')", &["w2", "w3"]),
            ("{} NOT IN ('a', 'c')", &[]),
            ("{} NOT IN ('z', 'y')", &["w1", "w2", "w3"]),
            ("{} IS NULL", &["w4", "w5"]),
            ("{} IS NOT NULL", &["w1", "w2", "w3"]),
        ],
    )
    .await;
}

pub async fn execution_status_operators(store: Store, ns: String) {
    fixture(&store, &ns, false).await;
    check(
        &store,
        &ns,
        "ExecutionStatus",
        &[
            ("{} = 'Running'", &["w1", "w5"]),
            ("{} = \"Running\"", &["w1", "w5"]),
            ("{} = 1", &["w1", "w5"]),
            ("{} = 'Completed'", &["w2"]),
            ("{} = 2", &["w2"]),
            ("{} = 'Failed'", &["w3"]),
            ("{} = 3", &["w3"]),
            ("{} = 'Canceled'", &[]),
            ("{} = 4", &[]),
            ("{} = 'Terminated'", &[]),
            ("{} = 5", &[]),
            ("{} = 'ContinuedAsNew'", &[]),
            ("{} = 6", &[]),
            ("{} = 'TimedOut'", &["w4"]),
            ("{} = 7", &["w4"]),
            ("{} != 'Running'", &["w2", "w3", "w4"]),
            ("{} <> 1", &["w2", "w3", "w4"]),
            ("{} IN ('Failed', 7)", &["w3", "w4"]),
            ("{} IN (2, 'Running')", &["w1", "w2", "w5"]),
            ("{} NOT IN (1, 'Completed')", &["w3", "w4"]),
            ("{} NOT IN ('Canceled')", &["w1", "w2", "w3", "w4", "w5"]),
            ("{} IS NOT NULL", &["w1", "w2", "w3", "w4", "w5"]),
            ("{} IS NULL", &[]),
        ],
    )
    .await;
}

pub async fn execution_duration_operators(store: Store, ns: String) {
    // Durations: w2 1h30m, w3 2d, w4 1h2m3s; w1 and w5 are running.
    fixture(&store, &ns, false).await;
    check(
        &store,
        &ns,
        "ExecutionDuration",
        &[
            ("{} = '1h30m'", &["w2"]),
            ("{} = 5400000000000", &["w2"]),
            ("{} = '2d'", &["w3"]),
            ("{} = '48h'", &["w3"]),
            ("{} = '01:02:03'", &["w4"]),
            ("{} = '1h2m3s'", &["w4"]),
            ("{} = \"01:02:03\"", &["w4"]),
            ("{} > '1h'", &["w2", "w3", "w4"]),
            ("{} >= '1h30m'", &["w2", "w3"]),
            ("{} < '2d'", &["w2", "w4"]),
            ("{} <= 3723000000000", &["w4"]),
            ("{} != '2d'", &["w2", "w4"]),
            ("{} BETWEEN '1h' AND '1h31m'", &["w2", "w4"]),
            ("{} NOT BETWEEN '1h' AND '1h31m'", &["w3"]),
            ("{} IN ('2d', '01:02:03')", &["w3", "w4"]),
            ("{} NOT IN ('2d')", &["w2", "w4"]),
            ("{} >= 0", &["w2", "w3", "w4"]),
            ("{} IS NULL", &["w1", "w5"]),
            ("{} IS NOT NULL", &["w2", "w3", "w4"]),
        ],
    )
    .await;
}

pub async fn system_keyword_fields(store: Store, ns: String) {
    fixture(&store, &ns, false).await;
    let all: &[&str] = &["w1", "w2", "w3", "w4", "w5"];
    assert_all(
        &store,
        &ns,
        &[
            ("WorkflowType = 'type-a'", &["w1", "w2"]),
            ("WorkflowType != 'type-a'", &["w3", "w4", "w5"]),
            ("WorkflowType STARTS_WITH 'type'", all),
            ("WorkflowType IN ('type-b')", &["w3", "w4", "w5"]),
            ("WorkflowId = 'w3'", &["w3"]),
            ("WorkflowId < 'w3'", &["w1", "w2"]),
            ("WorkflowId BETWEEN 'w2' AND 'w4'", &["w2", "w3", "w4"]),
            ("WorkflowId NOT IN ('w1', 'w2')", &["w3", "w4", "w5"]),
            ("WorkflowId IS NOT NULL", all),
            ("WorkflowId IS NULL", &[]),
            ("RunId = 'run-w2'", &["w2"]),
            ("RunId STARTS_WITH 'run-'", all),
            ("RunId >= 'run-w4'", &["w4", "w5"]),
            ("TaskQueue = 'tq-1'", &["w1", "w3", "w5"]),
            ("TaskQueue > 'tq-1'", &["w2", "w4"]),
            ("ParentWorkflowId = 'parent-wf'", &["w1"]),
            ("ParentWorkflowId IS NULL", &["w2", "w3", "w4", "w5"]),
            ("ParentWorkflowId != 'x'", &["w1"]),
            ("ParentRunId = 'parent-run'", &["w1"]),
            ("ParentRunId IS NOT NULL", &["w1"]),
            ("RootWorkflowId IS NULL", all),
            ("RootRunId IS NOT NULL", &[]),
        ],
    )
    .await;
}

pub async fn system_time_and_count_fields(store: Store, ns: String) {
    // Starts at 01:00 … 05:00 on 2026-01-01; closes: w2 03:30, w3 2026-01-03T03:00,
    // w4 05:02:03.
    fixture(&store, &ns, false).await;
    let all: &[&str] = &["w1", "w2", "w3", "w4", "w5"];
    assert_all(
        &store,
        &ns,
        &[
            ("StartTime = '2026-01-01T01:00:00Z'", &["w1"]),
            ("StartTime > '2026-01-01T02:00:00Z'", &["w3", "w4", "w5"]),
            (
                "StartTime BETWEEN '2026-01-01T02:00:00Z' AND '2026-01-01T04:00:00Z'",
                &["w2", "w3", "w4"],
            ),
            ("StartTime < 1767229200000000000", &[]),
            ("StartTime <= 1767229200000000000", &["w1"]),
            ("ExecutionTime >= '2026-01-01T04:00:00Z'", &["w4", "w5"]),
            (
                "ExecutionTime IN ('2026-01-01T01:00:00Z', '2026-01-01T05:00:00Z')",
                &["w1", "w5"],
            ),
            ("CloseTime > '2026-01-01T04:00:00Z'", &["w3", "w4"]),
            ("CloseTime < '2026-01-02T00:00:00Z'", &["w2", "w4"]),
            ("CloseTime = '2026-01-01T03:30:00Z'", &["w2"]),
            ("CloseTime != '2026-01-01T03:30:00Z'", &["w3", "w4"]),
            ("CloseTime IS NULL", &["w1", "w5"]),
            ("HistoryLength = 10", &["w1"]),
            ("HistoryLength >= 20", &["w2", "w3", "w4"]),
            ("HistoryLength BETWEEN 0 AND 10", &["w1", "w5"]),
            ("HistoryLength NOT IN (0, 40)", &["w1", "w2", "w3"]),
            ("HistorySizeBytes = 0", all),
            ("StateTransitionCount > 0", &[]),
        ],
    )
    .await;
}

pub async fn predefined_attributes(store: Store, ns: String) {
    write(
        &store,
        rec(&ns, "p1", at(1))
            .sa("BinaryChecksums", kwl(&["x", "y"]))
            .sa("BuildIds", kwl(&["b1"]))
            .sa("TemporalChangeVersion", kwl(&["cv-1"]))
            .sa("BatcherNamespace", kw("ns1"))
            .sa("BatcherUser", kw("alice"))
            .sa("TemporalScheduledById", kw("sched"))
            .sa("TemporalScheduledStartTime", dt("2026-01-01T00:00:00Z"))
            .sa("TemporalSchedulePaused", boolean(true)),
    )
    .await;
    write(
        &store,
        rec(&ns, "p2", at(2))
            .sa("BinaryChecksums", kwl(&["y"]))
            .sa("BatcherUser", kw("bob"))
            .sa("TemporalSchedulePaused", boolean(false)),
    )
    .await;
    write(&store, rec(&ns, "p3", at(3))).await;
    assert_all(
        &store,
        &ns,
        &[
            ("BinaryChecksums = 'x'", &["p1"]),
            ("BinaryChecksums IN ('y')", &["p1", "p2"]),
            ("BinaryChecksums != 'x'", &["p2"]),
            ("BinaryChecksums IS NULL", &["p3"]),
            ("BuildIds = 'b1'", &["p1"]),
            ("TemporalChangeVersion NOT IN ('cv-2')", &["p1"]),
            ("BatcherNamespace = 'ns1'", &["p1"]),
            ("BatcherUser = 'alice'", &["p1"]),
            ("BatcherUser STARTS_WITH 'b'", &["p2"]),
            ("BatcherUser > 'alice'", &["p2"]),
            ("BatcherUser IS NULL", &["p3"]),
            ("TemporalScheduledById IS NOT NULL", &["p1"]),
            (
                "TemporalScheduledStartTime > '2025-01-01T00:00:00Z'",
                &["p1"],
            ),
            ("TemporalSchedulePaused = true", &["p1"]),
            ("TemporalSchedulePaused != true", &["p2"]),
            ("TemporalSchedulePaused IS NULL", &["p3"]),
        ],
    )
    .await;
}

pub async fn boolean_connectives(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    let q = |s: &str| {
        s.replace("KW", KW)
            .replace("INT", INT)
            .replace("BOOL", BOOL)
            .replace("DBL", DBL)
    };
    for (query, expected) in [
        ("KW = 'apple' OR KW = 'banana'", &["w1", "w2"][..]),
        ("KW = 'apple' AND INT = 1", &["w1"]),
        ("KW = 'apple' AND INT = 2", &[]),
        // AND binds tighter than OR.
        ("KW = 'cherry' OR KW = 'apple' AND INT = 2", &["w3"]),
        ("(KW = 'cherry' OR KW = 'apple') AND INT = 1", &["w1"]),
        // NOT binds tighter than AND.
        ("NOT KW = 'apple' AND INT > 0", &["w2", "w3"]),
        ("NOT (KW = 'apple' AND INT > 0)", &["w2", "w3", "w4"]),
        ("NOT NOT KW = 'apple'", &["w1"]),
        ("((KW = 'apple'))", &["w1"]),
        ("KW = 'apple' or KW = 'banana'", &["w1", "w2"]),
        ("KW = 'apple' Or INT In (3) anD BOOL = true", &["w1", "w3"]),
        (
            "ExecutionStatus = 'Running' AND (KW IS NULL OR KW = 'apple')",
            &["w1", "w5"],
        ),
        (
            "NOT (ExecutionStatus = 'Running' OR INT < 0)",
            &["w2", "w3"],
        ),
        (
            "(KW >= 'b' AND (DBL < 0 OR (BOOL = true AND INT = 3))) OR WorkflowId = 'w5'",
            &["w2", "w3", "w5"],
        ),
    ] {
        assert_matches(&store, &ns, &q(query), expected).await;
    }
}

pub async fn literal_syntax(store: Store, ns: String) {
    let mut plain = rec(&ns, "plain", at(0));
    plain.history_length = 5;
    write_all(
        &store,
        [
            plain,
            rec(&ns, "it's", at(1)),
            rec(&ns, "back\\slash", at(2)),
            rec(&ns, "say \"hi\"", at(3)),
        ],
    )
    .await;
    let all: &[&str] = &["plain", "it's", "back\\slash", "say \"hi\""];
    assert_all(
        &store,
        &ns,
        &[
            ("", all),
            ("   ", all),
            ("WorkflowId = 'it''s'", &["it's"]),
            ("WorkflowId = 'it\\'s'", &["it's"]),
            ("WorkflowId = \"it's\"", &["it's"]),
            ("WorkflowId = \"say \"\"hi\"\"\"", &["say \"hi\""]),
            ("WorkflowId = \"say \\\"hi\\\"\"", &["say \"hi\""]),
            ("WorkflowId = 'say \"hi\"'", &["say \"hi\""]),
            ("WorkflowId = 'back\\\\slash'", &["back\\slash"]),
            ("WorkflowId IN ('plain', 'it''s')", &["plain", "it's"]),
            ("`WorkflowId` = 'plain'", &["plain"]),
            ("WorkflowId\n=\t'plain'", &["plain"]),
            (
                "WorkflowId = 'plain' oR WorkflowId = 'it''s'",
                &["plain", "it's"],
            ),
            ("WorkflowId iN ('plain')", &["plain"]),
            (
                "WorkflowId Not In ('plain')",
                &["it's", "back\\slash", "say \"hi\""],
            ),
            ("WorkflowId between 'a' and 'c'", &["back\\slash"]),
            ("WorkflowId starts_with 'pl'", &["plain"]),
            (
                "WorkflowId not starts_with 'pl'",
                &["it's", "back\\slash", "say \"hi\""],
            ),
            ("WorkflowId is not null", all),
            ("not WorkflowId is null", all),
            ("HistoryLength = 5", &["plain"]),
            ("HistoryLength = 5.0", &["plain"]),
            ("HistoryLength = 0.5e1", &["plain"]),
            ("HistoryLength = 50E-1", &["plain"]),
            ("HistoryLength > -1", all),
            ("HistoryLength >= -0", all),
        ],
    )
    .await;
}
