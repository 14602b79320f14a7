//! Keyword semantics: code-point comparison, case-sensitive, no trailing-space padding, and a
//! literal `STARTS_WITH` prefix (`%`, `_` and other pattern characters are ordinary).

use workflow_visibility::SearchAttributeType;

use super::support::*;

async fn setup(store: &Store, ns: &str, values: &[&str]) {
    let values: Vec<_> = values.iter().map(|v| kw(v)).collect();
    values_fixture(store, ns, KW, SearchAttributeType::Keyword, &values).await;
}

async fn check(store: &Store, ns: &str, cases: &[(String, &[&str])]) {
    for (query, expected) in cases {
        assert_matches(store, ns, query, expected).await;
    }
}

pub async fn trailing_spaces_are_significant(store: Store, ns: String) {
    // v0 'a', v1 'a ', v2 ' a', v3 'a  '
    setup(&store, &ns, &["a", "a ", " a", "a  "]).await;
    check(
        &store,
        &ns,
        &[
            (format!("{KW} = 'a'"), &["v0"]),
            (format!("{KW} = 'a '"), &["v1"]),
            (format!("{KW} = ' a'"), &["v2"]),
            (format!("{KW} = 'a  '"), &["v3"]),
            (format!("{KW} IN ('a ', 'b')"), &["v1"]),
            (format!("{KW} != 'a'"), &["v1", "v2", "v3"]),
            (format!("{KW} > 'a'"), &["v1", "v3"]),
            (format!("{KW} <= 'a '"), &["v0", "v1", "v2"]),
            (format!("{KW} BETWEEN 'a' AND 'a '"), &["v0", "v1"]),
            (format!("{KW} STARTS_WITH 'a '"), &["v1", "v3"]),
            (format!("{KW} STARTS_WITH ' '"), &["v2"]),
        ],
    )
    .await;
    let got = get(&store, &ns, "v1").await.unwrap();
    assert_eq!(
        got.search_attributes.get(KW),
        Some(&kw("a ")),
        "trailing space lost"
    );
    write(&store, rec(&ns, "wf ", at(50))).await;
    assert_matches(&store, &ns, "WorkflowId = 'wf'", &[]).await;
    assert_matches(&store, &ns, "WorkflowId = 'wf '", &["wf "]).await;
}

pub async fn code_point_order_and_case(store: Store, ns: String) {
    // v0 'Z', v1 'a', v2 'b', v3 'é' (U+E9), v4 'ﬀ' (U+FB00), v5 '😀' (U+1F600), v6 'A',
    // v7 'aB', v8 'ab'. UTF-16 order would put U+1F600 before U+FB00; code-point order
    // does not.
    setup(
        &store,
        &ns,
        &["Z", "a", "b", "é", "ﬀ", "😀", "A", "aB", "ab"],
    )
    .await;
    check(
        &store,
        &ns,
        &[
            (format!("{KW} = 'A'"), &["v6"]),
            (format!("{KW} = 'ab'"), &["v8"]),
            (format!("{KW} < 'a'"), &["v0", "v6"]),
            (format!("{KW} > 'z'"), &["v3", "v4", "v5"]),
            (format!("{KW} > 'ﬀ'"), &["v5"]),
            (
                format!("{KW} < '😀'"),
                &["v0", "v1", "v2", "v3", "v4", "v6", "v7", "v8"],
            ),
            (format!("{KW} BETWEEN 'é' AND '😀'"), &["v3", "v4", "v5"]),
            (format!("{KW} BETWEEN 'a' AND 'ab'"), &["v1", "v7", "v8"]),
            (format!("{KW} > 'aB'"), &["v2", "v3", "v4", "v5", "v8"]),
            (format!("{KW} STARTS_WITH 'a'"), &["v1", "v7", "v8"]),
            (format!("{KW} STARTS_WITH 'A'"), &["v6"]),
            (format!("{KW} STARTS_WITH '😀'"), &["v5"]),
            (format!("{KW} IN ('z', 'é')"), &["v3"]),
        ],
    )
    .await;
}

pub async fn starts_with_is_literal(store: Store, ns: String) {
    let values = [
        "a%b", "axb", "a_c", "abc", "100%", "a\\b", "a*x", "a?y", "a[z]", "A%", "a'q",
    ];
    setup(&store, &ns, &values).await;
    let present: Vec<String> = (0..values.len()).map(|i| format!("v{i}")).collect();
    let present: Vec<&str> = present.iter().map(String::as_str).collect();
    let sw = |p: &str| format!("{KW} STARTS_WITH {}", lit(p));
    let nsw = |p: &str| format!("{KW} NOT STARTS_WITH {}", lit(p));
    check(
        &store,
        &ns,
        &[
            (sw("a%"), &["v0"]),
            (sw("a%b"), &["v0"]),
            (sw("a_"), &["v2"]),
            (sw("100%"), &["v4"]),
            (sw("a\\"), &["v5"]),
            (sw("a*"), &["v6"]),
            (sw("a?"), &["v7"]),
            (sw("a["), &["v8"]),
            (sw("a'"), &["v10"]),
            (sw("%"), &[]),
            (sw("_"), &[]),
            (sw("*"), &[]),
            (sw("abcd"), &[]),
            (sw("A"), &["v9"]),
            (
                sw("a"),
                &["v0", "v1", "v2", "v3", "v5", "v6", "v7", "v8", "v10"],
            ),
            (sw(""), &present),
            (nsw("a"), &["v4", "v9"]),
            (
                nsw("a%"),
                &["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"],
            ),
            (nsw(""), &[]),
        ],
    )
    .await;
}
