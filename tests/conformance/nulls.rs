//! SQL three-valued logic: a comparison with a missing value is unknown, so neither
//! `X != v` nor `NOT X = v` matches a record without X; only `IS [NOT] NULL` tests presence.

use workflow_visibility::prelude::*;

use super::support::*;

fn expand(s: &str) -> String {
    s.replace("{KW}", KW)
        .replace("{TX}", TX)
        .replace("{INT}", INT)
        .replace("{DBL}", DBL)
        .replace("{BOOL}", BOOL)
        .replace("{DT}", DT)
        .replace("{KWL}", KWL)
}

async fn check(store: &Store, ns: &str, cases: &[(&str, &[&str])]) {
    for (query, expected) in cases {
        assert_matches(store, ns, &expand(query), expected).await;
    }
}

pub async fn negations_never_match_missing_values(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    let w1_4: &[&str] = &["w1", "w2", "w3", "w4"];
    let w1_3: &[&str] = &["w1", "w2", "w3"];
    let closed: &[&str] = &["w2", "w3", "w4"];
    check(
        &store,
        &ns,
        &[
            ("{KW} != 'zzz'", w1_4),
            ("NOT {KW} = 'zzz'", w1_4),
            ("{KW} NOT IN ('zzz')", w1_4),
            ("NOT {KW} IN ('zzz')", w1_4),
            ("{KW} NOT STARTS_WITH 'z'", w1_4),
            ("NOT {KW} STARTS_WITH 'z'", w1_4),
            ("{KW} NOT BETWEEN 'x' AND 'z'", w1_4),
            ("NOT {KW} BETWEEN 'x' AND 'z'", w1_4),
            ("NOT {KW} < 'a'", w1_3),
            ("NOT {KW} > 'zzz'", w1_4),
            ("{TX} != 'zzz'", &["w1", "w2"]),
            ("NOT {TX} = 'zzz'", &["w1", "w2"]),
            ("{INT} != 100", w1_4),
            ("NOT {INT} = 100", w1_4),
            ("NOT {INT} > 100", w1_4),
            ("NOT {INT} IN (100)", w1_4),
            ("NOT {INT} BETWEEN 50 AND 60", w1_4),
            ("{DBL} != 100", w1_3),
            ("NOT {DBL} = 100", w1_3),
            ("NOT {DBL} >= 100", w1_3),
            ("{BOOL} != true", &["w2"]),
            ("NOT {BOOL} = true", &["w2"]),
            ("{DT} != '2000-01-01T00:00:00Z'", w1_3),
            ("NOT {DT} = '2000-01-01T00:00:00Z'", w1_3),
            ("NOT {DT} < '2000-01-01T00:00:00Z'", w1_3),
            ("{KWL} != 'zzz'", w1_3),
            ("NOT {KWL} = 'zzz'", w1_3),
            ("NOT {KWL} IN ('zzz')", w1_3),
            ("{KWL} NOT IN ('zzz')", w1_3),
            ("ParentWorkflowId != 'zzz'", &["w1"]),
            ("NOT ParentWorkflowId = 'zzz'", &["w1"]),
            ("NOT ParentWorkflowId STARTS_WITH 'z'", &["w1"]),
            ("CloseTime != '2000-01-01T00:00:00Z'", closed),
            ("NOT CloseTime < '2000-01-01T00:00:00Z'", closed),
            ("NOT CloseTime > '2262-01-01T00:00:00Z'", closed),
            ("ExecutionDuration != 0", closed),
            ("NOT ExecutionDuration = 0", closed),
            ("NOT ExecutionDuration < 0", closed),
        ],
    )
    .await;
}

pub async fn kleene_logic_in_compound_expressions(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        &[
            // unknown AND false = false, so NOT(...) is true for w4 (TX missing, INT -5).
            ("NOT ({TX} = 'hello' AND {INT} = 3)", &["w1", "w2", "w4"]),
            // unknown OR false = unknown: w4 does not match.
            ("NOT ({TX} = 'hello' OR {INT} = 3)", &["w2"]),
            ("NOT ({KW} = 'apple' AND {DBL} > 0)", &["w2", "w3", "w4"]),
            ("NOT ({DBL} > 0 AND {BOOL} = true)", &["w2"]),
            // unknown OR true = true, so NOT(...) is false for w4.
            ("NOT ({DBL} > 0 OR {KW} = 'Apple')", &["w2"]),
            ("{TX} = 'hello' OR NOT ({INT} > 0)", &["w1", "w4"]),
            ("NOT (NOT {TX} = 'hello' AND NOT {INT} = 3)", &["w1", "w3"]),
            ("NOT ({TX} IS NULL AND {INT} > 0)", &["w1", "w2", "w4"]),
            ("NOT ({TX} IS NULL OR {DBL} < 0)", &["w1"]),
            ("NOT (NOT ({DBL} != 1.5))", &["w2", "w3"]),
        ],
    )
    .await;
}

pub async fn only_is_null_tests_presence(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    let all: &[&str] = &["w1", "w2", "w3", "w4", "w5"];
    check(
        &store,
        &ns,
        &[
            ("{KW} IS NULL", &["w5"]),
            ("NOT {KW} IS NOT NULL", &["w5"]),
            ("NOT ({KW} IS NULL)", &["w1", "w2", "w3", "w4"]),
            ("{KW} IS NULL OR {KW} != 'apple'", &["w2", "w3", "w4", "w5"]),
            ("{KW} IS NULL OR {KW} IS NOT NULL", all),
            ("{TX} IS NULL", &["w3", "w4", "w5"]),
            ("{TX} IS NULL OR {TX} = 'hello'", &["w1", "w3", "w4", "w5"]),
            ("{INT} IS NOT NULL", &["w1", "w2", "w3", "w4"]),
            ("{DBL} IS NULL", &["w4", "w5"]),
            ("{BOOL} IS NULL OR {BOOL} = false", &["w2", "w4", "w5"]),
            ("{DT} IS NOT NULL", &["w1", "w2", "w3"]),
            ("{KWL} IS NULL", &["w4", "w5"]),
            ("ParentWorkflowId IS NOT NULL", &["w1"]),
            ("NOT ParentWorkflowId IS NULL", &["w1"]),
        ],
    )
    .await;
}

pub async fn empty_keyword_list_is_missing(store: Store, ns: String) {
    fixture(&store, &ns, true).await;
    check(
        &store,
        &ns,
        &[
            ("{KWL} IS NULL", &["w4", "w5"]),
            ("{KWL} != 'a'", &["w2", "w3"]),
            ("{KWL} NOT IN ('a')", &["w2", "w3"]),
            ("NOT {KWL} = 'a'", &["w2", "w3"]),
        ],
    )
    .await;
    let w4 = get(&store, &ns, "w4").await.unwrap();
    assert!(
        matches!(
            w4.search_attributes.get(KWL),
            None | Some(SearchAttributeValue::KeywordList(_))
        ),
        "{:?}",
        w4.search_attributes
    );
    if let Some(SearchAttributeValue::KeywordList(v)) = w4.search_attributes.get(KWL) {
        assert!(v.is_empty(), "an empty list came back as {v:?}");
    }
    // Replacing a list by an empty one makes it missing.
    let w1 = get(&store, &ns, "w1").await.unwrap();
    let mut w1 = w1.sa(KWL, kwl(&[]));
    w1.version += 1;
    upsert(&store, w1).await;
    check(
        &store,
        &ns,
        &[
            ("{KWL} IS NULL", &["w1", "w4", "w5"]),
            ("{KWL} = 'a'", &[]),
            ("{KWL} != 'zzz'", &["w2", "w3"]),
        ],
    )
    .await;
}

pub async fn running_has_no_close_time_or_duration(store: Store, ns: String) {
    fixture(&store, &ns, false).await;
    let closed: &[&str] = &["w2", "w3", "w4"];
    assert_all(
        &store,
        &ns,
        &[
            ("CloseTime IS NULL", &["w1", "w5"]),
            ("CloseTime IS NOT NULL", closed),
            ("ExecutionStatus = 'Running'", &["w1", "w5"]),
            ("ExecutionDuration IS NULL", &["w1", "w5"]),
            ("ExecutionDuration >= 0", closed),
            ("CloseTime > '1970-01-01T00:00:00Z'", closed),
            ("CloseTime < '2262-01-01T00:00:00Z'", closed),
            ("NOT CloseTime IS NULL", closed),
        ],
    )
    .await;
    let w1 = get(&store, &ns, "w1").await.unwrap();
    assert_eq!(w1.close_time, None);
    assert_eq!(w1.execution_duration_nanos(), None);
    let closed_w1 = w1.version(1).closed_after(ExecutionStatus::Canceled, 30);
    write(&store, closed_w1).await;
    assert_all(
        &store,
        &ns,
        &[
            ("CloseTime IS NULL", &["w5"]),
            ("ExecutionDuration = '30m'", &["w1"]),
            ("ExecutionStatus = 'Canceled'", &["w1"]),
        ],
    )
    .await;
}
