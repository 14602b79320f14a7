//! Filter evaluation: three-valued logic through NNF leaves, missing values, every test kind.

use super::*;
use crate::attributes::{NamespaceAttributes, PredefinedAttribute, SystemAttribute};
use crate::model::time::to_micros;
use crate::query::ir::{CmpOp, Scalar};
use crate::store::memory::eval::matches;
use SearchAttributeType as T;
use SearchAttributeValue as V;

/// Sorted run ids of the records of [`NS`] matching `expr`.
fn runs(state: &State, expr: &Expr) -> Vec<String> {
    let registry = state.registry(NS);
    let mut out: Vec<String> = state.namespaces[NS]
        .records
        .values()
        .filter(|r| matches(expr, r, registry))
        .map(|r| r.run_id.clone())
        .collect();
    out.sort();
    out
}

fn s(v: &str) -> Scalar {
    Scalar::Str(v.to_string())
}

fn cmp(field: &Field, op: CmpOp, value: Scalar) -> Expr {
    pred(field.clone(), Test::Cmp { op, value })
}

/// Three records: `r1` with K = "a", `r2` with K = "b", `r3` without K.
fn keyword_state() -> (State, Field) {
    let mut state = state_with(&[("K", T::Keyword), ("Other", T::Keyword)]);
    put(
        &mut state,
        with(running("w1", "r1", 0), "K", V::Keyword("a".into())),
    );
    put(
        &mut state,
        with(running("w2", "r2", 0), "K", V::Keyword("b".into())),
    );
    put(
        &mut state,
        with(running("w3", "r3", 0), "Other", V::Keyword("a".into())),
    );
    let k = custom(&state, "K");
    (state, k)
}

#[test]
fn comparisons_on_missing_values_are_unknown_even_when_negated() {
    let (state, k) = keyword_state();
    assert_eq!(runs(&state, &cmp(&k, CmpOp::Eq, s("a"))), ["r1"]);
    // `K != 'a'` and `NOT K = 'a'` (pushed down to `!=`) skip the record without K.
    assert_eq!(runs(&state, &cmp(&k, CmpOp::Ne, s("a"))), ["r2"]);
    assert_eq!(runs(&state, &pred(k.clone(), Test::IsNull)), ["r3"]);
    assert_eq!(
        runs(&state, &pred(k.clone(), Test::IsNotNull)),
        ["r1", "r2"]
    );
    // NOT (K = 'a' OR K = 'b') in NNF: unknown for r3, so nothing matches.
    let nnf = Expr::And(vec![cmp(&k, CmpOp::Ne, s("a")), cmp(&k, CmpOp::Ne, s("b"))]);
    assert!(runs(&state, &nnf).is_empty());
    // NOT (K = 'a' AND K IS NOT NULL) = K != 'a' OR K IS NULL.
    let nnf = Expr::Or(vec![
        cmp(&k, CmpOp::Ne, s("a")),
        pred(k.clone(), Test::IsNull),
    ]);
    assert_eq!(runs(&state, &nnf), ["r2", "r3"]);
    for negated_test in [
        Test::In {
            values: vec![s("z")],
            negated: true,
        },
        Test::Between {
            low: s("x"),
            high: s("z"),
            negated: true,
        },
        Test::StartsWith {
            prefix: "z".into(),
            negated: true,
        },
    ] {
        assert_eq!(runs(&state, &pred(k.clone(), negated_test)), ["r1", "r2"]);
    }
    assert_eq!(runs(&state, &Expr::True), ["r1", "r2", "r3"]);
    assert!(runs(&state, &Expr::False).is_empty());
}

#[test]
fn keywords_are_exact_case_sensitive_and_unpadded() {
    let mut state = state_with(&[("K", T::Keyword)]);
    for (run, value) in [
        ("r1", "a"),
        ("r2", "a "),
        ("r3", "B"),
        ("r4", "ab%_"),
        ("r5", ""),
    ] {
        put(
            &mut state,
            with(running("w", run, 0), "K", V::Keyword(value.into())),
        );
    }
    put(&mut state, running("w", "r6", 0));
    let k = custom(&state, "K");
    assert_eq!(runs(&state, &cmp(&k, CmpOp::Eq, s("a"))), ["r1"]);
    assert_eq!(runs(&state, &cmp(&k, CmpOp::Eq, s("a "))), ["r2"]);
    // Code-point order: "" < "B" < "a" < "a " < "ab%_".
    assert_eq!(runs(&state, &cmp(&k, CmpOp::Lt, s("a"))), ["r3", "r5"]);
    assert_eq!(runs(&state, &cmp(&k, CmpOp::Gt, s("a"))), ["r2", "r4"]);
    let starts = |prefix: &str, negated| {
        pred(
            k.clone(),
            Test::StartsWith {
                prefix: prefix.into(),
                negated,
            },
        )
    };
    // `%` and `_` are ordinary characters.
    assert_eq!(runs(&state, &starts("ab%", false)), ["r4"]);
    assert!(runs(&state, &starts("a%", false)).is_empty());
    assert_eq!(runs(&state, &starts("a", false)), ["r1", "r2", "r4"]);
    assert_eq!(runs(&state, &starts("a", true)), ["r3", "r5"]);
    // The empty prefix matches every present value, including the empty string.
    assert_eq!(
        runs(&state, &starts("", false)),
        ["r1", "r2", "r3", "r4", "r5"]
    );
    assert!(runs(&state, &starts("", true)).is_empty());
    let between = pred(
        k.clone(),
        Test::Between {
            low: s("B"),
            high: s("a "),
            negated: false,
        },
    );
    assert_eq!(runs(&state, &between), ["r1", "r2", "r3"]);
    let any_of = pred(
        k,
        Test::In {
            values: vec![s("a"), s("B"), s("nope")],
            negated: false,
        },
    );
    assert_eq!(runs(&state, &any_of), ["r1", "r3"]);
}

#[test]
fn numbers_times_and_bools_compare_by_value() {
    let mut state = state_with(&[
        ("I", T::Int),
        ("D", T::Double),
        ("B", T::Bool),
        ("When", T::Datetime),
    ]);
    put(
        &mut state,
        with(
            with(
                with(
                    with(running("w", "r1", 0), "I", V::Int(-5)),
                    "D",
                    V::Double(-0.0),
                ),
                "B",
                V::Bool(true),
            ),
            "When",
            V::Datetime(at(10)),
        ),
    );
    put(
        &mut state,
        with(
            with(
                with(
                    with(running("w", "r2", 0), "I", V::Int(7)),
                    "D",
                    V::Double(2.5),
                ),
                "B",
                V::Bool(false),
            ),
            "When",
            V::Datetime(at(20)),
        ),
    );
    put(&mut state, running("w", "r3", 0));
    let (i, d, b, when) = (
        custom(&state, "I"),
        custom(&state, "D"),
        custom(&state, "B"),
        custom(&state, "When"),
    );
    assert_eq!(runs(&state, &cmp(&i, CmpOp::Lt, Scalar::Int(0))), ["r1"]);
    assert_eq!(
        runs(&state, &cmp(&i, CmpOp::Ge, Scalar::Int(-5))),
        ["r1", "r2"]
    );
    assert_eq!(
        runs(&state, &cmp(&d, CmpOp::Eq, Scalar::Double(0.0))),
        ["r1"]
    );
    assert_eq!(
        runs(&state, &cmp(&d, CmpOp::Gt, Scalar::Double(2.4))),
        ["r2"]
    );
    assert_eq!(
        runs(&state, &cmp(&b, CmpOp::Ne, Scalar::Bool(true))),
        ["r2"]
    );
    let t15 = Scalar::Time(to_micros(&at(15)));
    assert_eq!(runs(&state, &cmp(&when, CmpOp::Le, t15.clone())), ["r1"]);
    let outside = pred(
        when,
        Test::Between {
            low: t15,
            high: Scalar::Time(to_micros(&at(30))),
            negated: true,
        },
    );
    assert_eq!(runs(&state, &outside), ["r1"]);
    let not_in = pred(
        i,
        Test::In {
            values: vec![Scalar::Int(7), Scalar::Int(8)],
            negated: true,
        },
    );
    assert_eq!(runs(&state, &not_in), ["r1"]);
}

#[test]
fn keyword_lists_test_membership_and_empty_lists_are_missing() {
    let mut state = state_with(&[("L", T::KeywordList)]);
    put(
        &mut state,
        with(
            running("w", "r1", 0),
            "L",
            V::KeywordList(vec!["a".into(), "b".into()]),
        ),
    );
    put(
        &mut state,
        with(running("w", "r2", 0), "L", V::KeywordList(vec!["c".into()])),
    );
    put(
        &mut state,
        with(running("w", "r3", 0), "L", V::KeywordList(vec![])),
    );
    put(&mut state, running("w", "r4", 0));
    let l = custom(&state, "L");
    let contains = |values: &[&str], negated| {
        pred(
            l.clone(),
            Test::Contains {
                values: values.iter().map(|v| v.to_string()).collect(),
                negated,
            },
        )
    };
    assert_eq!(runs(&state, &contains(&["b"], false)), ["r1"]);
    assert_eq!(runs(&state, &contains(&["b", "c"], false)), ["r1", "r2"]);
    assert_eq!(runs(&state, &contains(&["a"], true)), ["r2"]);
    assert_eq!(
        runs(&state, &contains(&["a", "c"], true)),
        Vec::<String>::new()
    );
    assert_eq!(runs(&state, &pred(l.clone(), Test::IsNull)), ["r3", "r4"]);

    // An empty list that was never normalised away still counts as missing.
    let registry = NamespaceAttributes::new(state.registry(NS).custom_attributes().cloned());
    let raw = with(running("w", "raw", 0), "L", V::KeywordList(vec![]));
    assert!(matches(&pred(l.clone(), Test::IsNull), &raw, &registry));
    assert!(!matches(&contains(&["a"], true), &raw, &registry));
}

#[test]
fn text_matches_any_normalised_word() {
    let mut state = state_with(&[("Txt", T::Text)]);
    put(
        &mut state,
        with(
            running("w", "r1", 0),
            "Txt",
            V::Text("Hello, Wörld! a-b".into()),
        ),
    );
    put(
        &mut state,
        with(running("w", "r2", 0), "Txt", V::Text("café au lait".into())),
    );
    put(
        &mut state,
        with(running("w", "r3", 0), "Txt", V::Text("...".into())),
    );
    put(&mut state, running("w", "r4", 0));
    let txt = custom(&state, "Txt");
    let any = |words: &[&str], negated| {
        pred(
            txt.clone(),
            Test::AnyWord {
                words: words.iter().map(|w| w.to_string()).collect(),
                negated,
            },
        )
    };
    assert_eq!(runs(&state, &any(&["hello"], false)), ["r1"]);
    assert_eq!(runs(&state, &any(&["a"], false)), ["r1"]);
    assert!(runs(&state, &any(&["world"], false)).is_empty());
    assert!(runs(&state, &any(&["cafe"], false)).is_empty());
    assert_eq!(runs(&state, &any(&["café", "nope"], false)), ["r2"]);
    // Negated: present and no word matches; the missing value never matches.
    assert_eq!(runs(&state, &any(&["hello"], true)), ["r2", "r3"]);
    assert_eq!(
        runs(&state, &pred(txt, Test::IsNotNull)),
        ["r1", "r2", "r3"]
    );
}

#[test]
fn system_fields_status_duration_and_division() {
    let mut state = State::default();
    put(&mut state, running("w", "r1", 0));
    put(
        &mut state,
        closed("w", "r2", 0, 5, ExecutionStatus::Completed),
    );
    put(&mut state, closed("w", "r3", 0, 9, ExecutionStatus::Failed));
    put(
        &mut state,
        with(
            running("w", "r4", 0),
            PredefinedAttribute::TemporalNamespaceDivision.name(),
            V::Keyword("div".into()),
        ),
    );
    let sys = |a| Field::System(a);
    let status = sys(SystemAttribute::ExecutionStatus);
    assert_eq!(
        runs(&state, &cmp(&status, CmpOp::Eq, Scalar::Int(1))),
        ["r1", "r4"]
    );
    let closed_codes = pred(
        status,
        Test::In {
            values: vec![Scalar::Int(2), Scalar::Int(3)],
            negated: false,
        },
    );
    assert_eq!(runs(&state, &closed_codes), ["r2", "r3"]);
    assert_eq!(
        runs(&state, &pred(sys(SystemAttribute::CloseTime), Test::IsNull)),
        ["r1", "r4"]
    );
    let duration = sys(SystemAttribute::ExecutionDuration);
    // Running executions have no duration, so even `!=` skips them.
    assert_eq!(
        runs(&state, &cmp(&duration, CmpOp::Ne, Scalar::Int(0))),
        ["r2", "r3"]
    );
    assert_eq!(
        runs(
            &state,
            &cmp(&duration, CmpOp::Gt, Scalar::Int(6_000_000_000))
        ),
        ["r3"]
    );
    assert_eq!(
        runs(&state, &pred(Field::NamespaceDivision, Test::IsNull)),
        ["r1", "r2", "r3"]
    );
    assert_eq!(
        runs(&state, &cmp(&Field::NamespaceDivision, CmpOp::Eq, s("div"))),
        ["r4"]
    );
    let build_ids = Field::SearchAttribute {
        id: PredefinedAttribute::BuildIds.id(),
        ty: T::KeywordList,
    };
    assert_eq!(runs(&state, &pred(build_ids, Test::IsNull)).len(), 4);
}
