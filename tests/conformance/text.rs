//! Text words: maximal runs of Unicode letters and digits after NFC, compared
//! case-insensitively, no stemming, no accent folding, no minimum length; `=` matches when any
//! word of the literal is a word of the value.

use super::support::*;

use workflow_visibility::SearchAttributeType;

/// Writes one record per text value: `t1` … `t11`, and `t0` without the attribute.
async fn texts(store: &Store, ns: &str) {
    register(store, ns, &[(TX, SearchAttributeType::Text)]).await;
    let values = [
        ("t1", "a b"),
        ("t2", "Hello, World!"),
        ("t3", "café au lait"),
        ("t4", "cafe"),
        ("t5", "CAFÉ"),
        ("t6", "cafe\u{301} decomposed"),
        ("t7", "x-ray_vision 42"),
        ("t8", "ÄÖÜ"),
        ("t9", "abc123def"),
        ("t10", "東京 タワー"),
        ("t11", "...hello..."),
    ];
    for (i, (wf, value)) in values.iter().enumerate() {
        write(store, rec(ns, wf, at(i as i64)).sa(TX, text(value))).await;
    }
    write(store, rec(ns, "t0", at(100))).await;
}

/// Every text record except `except`.
fn all_but(except: &[&str]) -> Vec<&'static str> {
    [
        "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10", "t11",
    ]
    .into_iter()
    .filter(|t| !except.contains(t))
    .collect()
}

async fn check(store: &Store, ns: &str, cases: &[(&str, &[&str])]) {
    for (literal, expected) in cases {
        let query = format!("{TX} = {}", lit(literal));
        assert_matches(store, ns, &query, expected).await;
    }
}

pub async fn words_match_case_insensitively(store: Store, ns: String) {
    texts(&store, &ns).await;
    check(
        &store,
        &ns,
        &[
            ("hello", &["t2", "t11"]),
            ("HELLO", &["t2", "t11"]),
            ("HeLLo", &["t2", "t11"]),
            ("world", &["t2"]),
            ("hello world", &["t2", "t11"]),
            ("nothing world", &["t2"]),
            ("hell", &[]),
            ("hello-world", &["t2", "t11"]),
            ("äöü", &["t8"]),
            ("ÄöÜ", &["t8"]),
            ("DECOMPOSED", &["t6"]),
        ],
    )
    .await;
    let query = format!("{TX} != 'hello'");
    assert_matches(&store, &ns, &query, &all_but(&["t2", "t11"])).await;
    let query = format!("{TX} != 'WORLD'");
    assert_matches(&store, &ns, &query, &all_but(&["t2"])).await;
}

pub async fn one_letter_words_and_punctuation(store: Store, ns: String) {
    texts(&store, &ns).await;
    check(
        &store,
        &ns,
        &[
            ("a", &["t1"]),
            ("b", &["t1"]),
            ("A", &["t1"]),
            ("x", &["t7"]),
            ("ray", &["t7"]),
            ("vision", &["t7"]),
            ("x-ray", &["t7"]),
            ("42", &["t7"]),
            ("4", &[]),
            ("world!", &["t2"]),
            ("(world)", &["t2"]),
            ("abc123def", &["t9"]),
            ("abc", &[]),
            ("123", &[]),
            ("東京", &["t10"]),
            ("タワー", &["t10"]),
            ("au", &["t3"]),
            ("u", &[]),
        ],
    )
    .await;
}

pub async fn accents_are_not_folded(store: Store, ns: String) {
    texts(&store, &ns).await;
    check(
        &store,
        &ns,
        &[
            ("cafe", &["t4"]),
            ("café", &["t3", "t5", "t6"]),
            ("CAFÉ", &["t3", "t5", "t6"]),
            ("cafe\u{301}", &["t3", "t5", "t6"]),
            ("CAFE\u{301}", &["t3", "t5", "t6"]),
            ("aou", &[]),
            ("aöu", &[]),
            ("lait", &["t3"]),
        ],
    )
    .await;
    let query = format!("{TX} != 'cafe'");
    assert_matches(&store, &ns, &query, &all_but(&["t4"])).await;
    let query = format!("{TX} != 'café'");
    assert_matches(&store, &ns, &query, &all_but(&["t3", "t5", "t6"])).await;
}

pub async fn literal_without_words_rejected(store: Store, ns: String) {
    texts(&store, &ns).await;
    for literal in ["", "   ", "!?,.", "--", "_", "\u{301}"] {
        for op in ["=", "!="] {
            let clause = format!("{TX} {op} {}", lit(literal));
            let query = format!("WorkflowId = 'x' OR {clause}");
            rejects(&store, &ns, &query, &clause).await;
        }
    }
}
