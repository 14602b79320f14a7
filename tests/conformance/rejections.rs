//! Queries every store must reject with InvalidArgument and a byte position inside the
//! offending part of the query.

use super::support::*;

/// The prefix every rejected clause follows, so that a position of 0 cannot pass by luck.
const OK: &str = "WorkflowId = 'x' AND ";

/// Asserts that `OK + clause` is rejected by list, scan and count, pointing into `clause`.
async fn rejects_clause(store: &Store, ns: &str, clause: &str) {
    let query = format!("{OK}{clause}");
    rejects(store, ns, &query, clause).await;
}

/// Expands `{KW}`-style placeholders into the standard custom attribute names.
fn expand(s: &str) -> String {
    s.replace("{KW}", KW)
        .replace("{TX}", TX)
        .replace("{INT}", INT)
        .replace("{DBL}", DBL)
        .replace("{BOOL}", BOOL)
        .replace("{DT}", DT)
        .replace("{KWL}", KWL)
}

pub async fn syntax_errors(store: Store, ns: String) {
    write(&store, rec(&ns, "x", at(0))).await;
    for (query, span) in [
        ("WorkflowId =", "="),
        ("WorkflowId = 'a' AND", "AND"),
        ("(WorkflowId = 'a'", "(WorkflowId = 'a'"),
        ("WorkflowId = 'a')", ")"),
        ("WorkflowId = 'unterminated", "'unterminated"),
        ("WorkflowId = \"unterminated", "\"unterminated"),
        ("WorkflowId == 'a'", "== 'a'"),
        ("WorkflowId = 'a' AND AND RunId = 'b'", "AND AND"),
        ("WorkflowId = 'a' RunId = 'b'", "RunId"),
        ("WorkflowId = 'a\\qb'", "'a\\qb'"),
        ("WorkflowId = 'a\\'", "'a\\'"),
        ("WorkflowId = 'a' # comment", "#"),
        ("WorkflowId IN ()", "()"),
        ("WorkflowId IN ('a',)", ",)"),
        ("WorkflowId IN 'a'", "'a'"),
        ("WorkflowId BETWEEN 'a'", "BETWEEN 'a'"),
        ("WorkflowId BETWEEN 'a' OR 'b'", "BETWEEN 'a' OR"),
        ("WorkflowId IS 'a'", "IS 'a'"),
        ("WorkflowId IS NOT", "IS NOT"),
        ("WorkflowId NOT = 'a'", "NOT = 'a'"),
        ("WorkflowId = 'a' AND NOT", "NOT"),
        ("WorkflowId = 'a';", ";"),
        ("WorkflowId = -'a'", "-'a'"),
        ("HistoryLength = 1.2.3", "1.2.3"),
        ("HistoryLength = 1e", "1e"),
        ("WorkflowId = 'a' ORDER StartTime", "ORDER StartTime"),
        ("ORDER BY", "ORDER BY"),
        ("()", "()"),
        ("AND", "AND"),
    ] {
        rejects(&store, &ns, query, span).await;
    }
}

pub async fn unknown_attributes(store: Store, ns: String) {
    for (query, span) in [
        ("Nope = 'a'", "Nope"),
        ("WorkflowId = 'a' AND workflowid = 'b'", "workflowid"),
        ("WorkflowId = 'a' AND WORKFLOWID = 'b'", "WORKFLOWID"),
        ("WorkflowId = 'a' OR `Nope` = 'a'", "`Nope`"),
        (
            "WorkflowId = 'a' AND CustomKeywordField = 'a'",
            "CustomKeywordField",
        ),
        ("NOT Nope IS NULL", "Nope"),
        ("WorkflowId = 'a' AND Nope IS NOT NULL", "Nope"),
    ] {
        rejects(&store, &ns, query, span).await;
    }
}

pub async fn wrong_value_types(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    for clause in [
        "{INT} = 'abc'",
        "{INT} = true",
        "{INT} IN (1, 'a')",
        "{INT} BETWEEN 1 AND 'b'",
        "{DBL} = 'x'",
        "{DBL} = false",
        "{KW} = 1",
        "{KW} = true",
        "{KW} IN ('a', 2)",
        "{KW} STARTS_WITH 1",
        "{BOOL} = 1",
        "{BOOL} = 'yes'",
        "{DT} = 'yesterday'",
        "{DT} = true",
        "{DT} = '2026-01-01'",
        "{DT} = '2026-01-01T00:00:00'",
        "{DT} = 1.5",
        "{DT} BETWEEN '2026-01-01T00:00:00Z' AND 'later'",
        "{KWL} = 1",
        "{KWL} IN ('a', 1)",
        "{TX} = 5",
        "ExecutionStatus = 'running'",
        "ExecutionStatus = 'RUNNING'",
        "ExecutionStatus = 'Unknown'",
        "ExecutionStatus = 0",
        "ExecutionStatus = 8",
        "ExecutionStatus = 1.5",
        "ExecutionStatus = true",
        "ExecutionStatus IN ('Running', 'Nope')",
        "ExecutionDuration = 'forever'",
        "ExecutionDuration = true",
        "StartTime = 'now'",
        "CloseTime = 5.5",
        "HistoryLength = 'x'",
        "WorkflowId = 5",
        "WorkflowType IN ('a', true)",
        "TemporalSchedulePaused = 'x'",
    ] {
        rejects_clause(&store, &ns, &expand(clause)).await;
    }
}

pub async fn unsupported_operators(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    for clause in [
        "{TX} < 'a'",
        "{TX} >= 'a'",
        "{TX} IN ('a')",
        "{TX} NOT IN ('a')",
        "{TX} BETWEEN 'a' AND 'b'",
        "{TX} STARTS_WITH 'a'",
        "{TX} NOT STARTS_WITH 'a'",
        "{KWL} < 'a'",
        "{KWL} >= 'a'",
        "{KWL} BETWEEN 'a' AND 'b'",
        "{KWL} NOT BETWEEN 'a' AND 'b'",
        "{KWL} STARTS_WITH 'a'",
        "{BOOL} < true",
        "{BOOL} >= false",
        "{BOOL} IN (true)",
        "{BOOL} NOT IN (false)",
        "{BOOL} BETWEEN false AND true",
        "{BOOL} STARTS_WITH 't'",
        "{INT} STARTS_WITH '1'",
        "{DBL} NOT STARTS_WITH '1'",
        "{DT} STARTS_WITH '2026'",
        "ExecutionStatus < 'Running'",
        "ExecutionStatus >= 2",
        "ExecutionStatus BETWEEN 1 AND 3",
        "ExecutionStatus STARTS_WITH 'R'",
        "ExecutionDuration STARTS_WITH '1'",
        "StartTime STARTS_WITH '2026'",
        "TemporalSchedulePaused > false",
        "BuildIds STARTS_WITH 'a'",
    ] {
        rejects_clause(&store, &ns, &expand(clause)).await;
    }
}

pub async fn unsupported_constructs(store: Store, ns: String) {
    for clause in [
        "lower(WorkflowId) = 'a'",
        "WorkflowId = RunId",
        "WorkflowId = `RunId`",
        "'a' = WorkflowId",
        "1 = 1",
        "true",
        "WorkflowType",
        "HistoryLength + 1 = 2",
        "WorkflowId LIKE 'a%'",
        "WorkflowId = ?",
        "WorkflowId IN (SELECT 1)",
    ] {
        rejects_clause(&store, &ns, clause).await;
    }
    for (query, span) in [
        ("WorkflowId = 'a' LIMIT 10", "LIMIT 10"),
        ("WorkflowId = 'a' OR HistoryLength", "HistoryLength"),
        ("WorkflowType", "WorkflowType"),
        ("NOT WorkflowType", "WorkflowType"),
        ("SELECT * FROM executions", "SELECT * FROM executions"),
        ("LIMIT 1", "LIMIT 1"),
    ] {
        rejects(&store, &ns, query, span).await;
    }
}

pub async fn group_by_outside_count(store: Store, ns: String) {
    for (query, span) in [
        ("GROUP BY ExecutionStatus", "GROUP BY ExecutionStatus"),
        (
            "WorkflowId = 'x' GROUP BY ExecutionStatus",
            "GROUP BY ExecutionStatus",
        ),
    ] {
        rejects_list(&store, &ns, query, span).await;
        rejects_scan(&store, &ns, query, span).await;
    }
}

pub async fn query_length_bound(store: Store, ns: String) {
    write(&store, rec(&ns, "x", at(0))).await;
    // The default bound is 16 KiB.
    let under = format!("WorkflowId = '{}' OR WorkflowId = 'x'", "a".repeat(16_000));
    assert!(under.len() < 16 * 1024);
    assert_matches(&store, &ns, &under, &["x"]).await;
    let over = format!("WorkflowId = '{}' OR WorkflowId = 'x'", "a".repeat(16_400));
    assert!(over.len() > 16 * 1024);
    rejects(&store, &ns, &over, &over).await;
    let far_over = format!(
        "WorkflowId = 'x' OR {}",
        "WorkflowId = 'y' OR ".repeat(5000)
    );
    rejects(&store, &ns, &far_over, &far_over).await;
}

pub async fn nesting_depth_bound(store: Store, ns: String) {
    write(&store, rec(&ns, "x", at(0))).await;
    // The default bound is 100 levels of parentheses and NOT.
    let parens = |n: usize| format!("{}WorkflowId = 'x'{}", "(".repeat(n), ")".repeat(n));
    assert_matches(&store, &ns, &parens(95), &["x"]).await;
    let deep = parens(110);
    rejects(&store, &ns, &deep, &deep).await;
    let nots = |n: usize| format!("{}WorkflowId = 'x'", "NOT ".repeat(n));
    assert_matches(&store, &ns, &nots(94), &["x"]).await;
    assert_matches(&store, &ns, &nots(95), &[]).await;
    let deep = nots(110);
    rejects(&store, &ns, &deep, &deep).await;
    let mixed = format!("{}WorkflowId = 'x'{}", "NOT (".repeat(60), ")".repeat(60));
    rejects(&store, &ns, &mixed, &mixed).await;
    // Deep but within the length bound: must be refused, not overflow a stack.
    let very_deep = parens(8000);
    assert!(very_deep.len() < 16 * 1024);
    rejects(&store, &ns, &very_deep, &very_deep).await;
}
