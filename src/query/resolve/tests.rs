use crate::attributes::{AttributeDef, NamespaceAttributes, PredefinedAttribute, SystemAttribute};
use crate::model::SearchAttributeType as T;
use crate::options::QueryLimits;
use crate::query::ir::{CmpOp, Expr, Field, Predicate, Query, Scalar, SortField, SortKey, Test};
use crate::query::{QueryPurpose, compile};

fn attributes() -> NamespaceAttributes {
    let def = |id, name: &str, ty| AttributeDef {
        id,
        name: name.to_owned(),
        ty,
    };
    NamespaceAttributes::new([
        def(11, "CustomKeywordField", T::Keyword),
        def(12, "CustomIntField", T::Int),
        def(13, "CustomDoubleField", T::Double),
        def(14, "CustomBoolField", T::Bool),
        def(15, "CustomDatetimeField", T::Datetime),
        def(16, "CustomTextField", T::Text),
        def(17, "CustomKeywordListField", T::KeywordList),
        def(18, "Order", T::Keyword),
    ])
}

fn compile_for(text: &str, purpose: QueryPurpose) -> Result<Query, crate::Error> {
    compile(text, &attributes(), purpose, &QueryLimits::default())
}

fn q(text: &str) -> Query {
    compile_for(text, QueryPurpose::List).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn division_is_null() -> Expr {
    Expr::Pred(Predicate {
        field: Field::NamespaceDivision,
        test: Test::IsNull,
    })
}

/// The filter without the implicit division scope (which must be present).
fn f(text: &str) -> Expr {
    match q(text).filter {
        Expr::False => Expr::False,
        e if e == division_is_null() => Expr::True,
        Expr::And(mut terms) => {
            assert_eq!(terms.pop(), Some(division_is_null()), "{text:?}: no scope");
            if terms.len() == 1 {
                terms.pop().unwrap()
            } else {
                Expr::And(terms)
            }
        }
        other => panic!("{text:?}: no division scope in {other:?}"),
    }
}

/// Compiles expecting an error; returns its message and offset.
fn err(text: &str) -> (String, usize) {
    err_for(text, QueryPurpose::List)
}

fn err_for(text: &str, purpose: QueryPurpose) -> (String, usize) {
    match compile_for(text, purpose) {
        Ok(query) => panic!("{text:?} compiled: {query:?}"),
        Err(e) => {
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{e}");
            (e.message().to_owned(), e.position().expect("position"))
        }
    }
}

fn assert_err(text: &str, offset: usize, needles: &[&str]) {
    let (msg, pos) = err(text);
    assert_eq!(pos, offset, "{text:?}: {msg}");
    for needle in needles {
        assert!(msg.contains(needle), "{text:?}: {msg:?} lacks {needle:?}");
    }
}

fn custom(id: i64, ty: T) -> Field {
    Field::SearchAttribute { id, ty }
}
fn kw() -> Field {
    custom(11, T::Keyword)
}
fn int() -> Field {
    custom(12, T::Int)
}
fn dbl() -> Field {
    custom(13, T::Double)
}
fn boolean() -> Field {
    custom(14, T::Bool)
}
fn dt() -> Field {
    custom(15, T::Datetime)
}
fn text() -> Field {
    custom(16, T::Text)
}
fn list() -> Field {
    custom(17, T::KeywordList)
}
fn sys(s: SystemAttribute) -> Field {
    Field::System(s)
}

fn pred(field: Field, test: Test) -> Expr {
    Expr::Pred(Predicate { field, test })
}
fn cmp(field: Field, op: CmpOp, value: Scalar) -> Expr {
    pred(field, Test::Cmp { op, value })
}
fn is_null(field: Field) -> Expr {
    pred(field, Test::IsNull)
}
fn not_null(field: Field) -> Expr {
    pred(field, Test::IsNotNull)
}
fn in_list(field: Field, values: Vec<Scalar>, negated: bool) -> Expr {
    pred(field, Test::In { values, negated })
}
fn between(field: Field, low: Scalar, high: Scalar, negated: bool) -> Expr {
    pred(field, Test::Between { low, high, negated })
}
fn st(v: &str) -> Scalar {
    Scalar::Str(v.to_owned())
}
fn i(v: i64) -> Scalar {
    Scalar::Int(v)
}
fn d(v: f64) -> Scalar {
    Scalar::Double(v)
}

const OPS: [(&str, CmpOp); 7] = [
    ("=", CmpOp::Eq),
    ("!=", CmpOp::Ne),
    ("<>", CmpOp::Ne),
    ("<", CmpOp::Lt),
    ("<=", CmpOp::Le),
    (">", CmpOp::Gt),
    (">=", CmpOp::Ge),
];

const JAN_2026_US: i64 = 1_767_225_600_000_000;

#[test]
fn empty_and_clause_only_queries_match_everything_in_scope() {
    assert_eq!(q(""), Query::match_all());
    assert_eq!(q("  "), Query::match_all());
    let query = q("ORDER BY StartTime");
    assert_eq!(query.filter, division_is_null());
    assert_eq!(query.order_by.len(), 1);
    let count = compile_for("GROUP BY ExecutionStatus", QueryPurpose::Count).unwrap();
    assert_eq!(count.filter, division_is_null());
    assert_eq!(
        count.group_by,
        Some(Field::System(SystemAttribute::ExecutionStatus))
    );
}

#[test]
fn field_mapping() {
    assert_eq!(
        f("WorkflowId = 'w'"),
        cmp(sys(SystemAttribute::WorkflowId), CmpOp::Eq, st("w"))
    );
    assert_eq!(
        f("BatcherUser = 'u'"),
        cmp(
            custom(PredefinedAttribute::BatcherUser.id(), T::Keyword),
            CmpOp::Eq,
            st("u")
        )
    );
    assert_eq!(
        f("TemporalSchedulePaused = true"),
        cmp(
            custom(PredefinedAttribute::TemporalSchedulePaused.id(), T::Bool),
            CmpOp::Eq,
            Scalar::Bool(true)
        )
    );
    assert_eq!(
        q("TemporalNamespaceDivision = 'd'").filter,
        cmp(Field::NamespaceDivision, CmpOp::Eq, st("d"))
    );
    assert_eq!(
        f("`CustomKeywordField` = 'k'"),
        cmp(kw(), CmpOp::Eq, st("k"))
    );
    assert_eq!(
        f("`Order` = 'k'"),
        cmp(custom(18, T::Keyword), CmpOp::Eq, st("k"))
    );
}

#[test]
fn unknown_attributes_are_named_at_their_offset() {
    assert_err("Nope = 'x'", 0, &["unknown search attribute 'Nope'"]);
    assert_err(
        "WorkflowId = 'a' AND workflowid = 'b'",
        21,
        &["'workflowid'"],
    );
    assert_err("WorkflowId = 'a' ORDER BY Missing", 26, &["'Missing'"]);
    assert_err("NOT (A = 1)", 5, &["unknown search attribute 'A'"]);
}

#[test]
fn keyword_operators() {
    for field_name in ["CustomKeywordField", "WorkflowId", "TaskQueue", "RootRunId"] {
        let field = q(&format!("{field_name} = 'x'")).filter.clone();
        let Expr::And(terms) = field else { panic!() };
        let Expr::Pred(Predicate { field, .. }) = &terms[0] else {
            panic!()
        };
        for (symbol, op) in OPS {
            assert_eq!(
                f(&format!("{field_name} {symbol} 'x'")),
                cmp(field.clone(), op, st("x"))
            );
        }
        assert_eq!(
            f(&format!("{field_name} IN ('a', 'b', 'a')")),
            in_list(field.clone(), vec![st("a"), st("b")], false)
        );
        assert_eq!(
            f(&format!("{field_name} NOT IN ('a')")),
            in_list(field.clone(), vec![st("a")], true)
        );
        assert_eq!(
            f(&format!("{field_name} BETWEEN 'a' AND 'c'")),
            between(field.clone(), st("a"), st("c"), false)
        );
        assert_eq!(
            f(&format!("{field_name} NOT BETWEEN 'a' AND 'c'")),
            between(field.clone(), st("a"), st("c"), true)
        );
        assert_eq!(
            f(&format!("{field_name} STARTS_WITH 'a%_'")),
            pred(
                field.clone(),
                Test::StartsWith {
                    prefix: "a%_".into(),
                    negated: false
                }
            )
        );
        assert_eq!(
            f(&format!("{field_name} NOT STARTS_WITH ''")),
            pred(
                field.clone(),
                Test::StartsWith {
                    prefix: String::new(),
                    negated: true
                }
            )
        );
    }
    // An empty range is folded; values compare by code point.
    assert_eq!(f("CustomKeywordField BETWEEN 'b' AND 'a'"), Expr::False);
    assert_eq!(
        f("CustomKeywordField NOT BETWEEN 'b' AND 'a'"),
        not_null(kw())
    );
    assert_eq!(
        f("CustomKeywordField = 'a '"),
        cmp(kw(), CmpOp::Eq, st("a "))
    );
}

#[test]
fn keyword_rejections() {
    assert_err(
        "CustomKeywordField = 5",
        21,
        &[
            "expected a quoted string",
            "'CustomKeywordField' (Keyword)",
            "integer 5",
        ],
    );
    assert_err("WorkflowId = true", 13, &["boolean true"]);
    assert_err("WorkflowId IN ('a', 1.5)", 20, &["number 1.5"]);
    assert_err(
        "WorkflowId STARTS_WITH 1",
        23,
        &["expected a quoted string"],
    );
    assert_err("WorkflowId BETWEEN 'a' AND 2", 27, &["integer 2"]);
}

#[test]
fn int_operators() {
    for (name, field) in [
        ("CustomIntField", int()),
        ("HistoryLength", sys(SystemAttribute::HistoryLength)),
        ("HistorySizeBytes", sys(SystemAttribute::HistorySizeBytes)),
        (
            "StateTransitionCount",
            sys(SystemAttribute::StateTransitionCount),
        ),
    ] {
        for (symbol, op) in OPS {
            assert_eq!(
                f(&format!("{name} {symbol} -7")),
                cmp(field.clone(), op, i(-7))
            );
            assert_eq!(
                f(&format!("{name} {symbol} 3.0")),
                cmp(field.clone(), op, i(3))
            );
        }
        assert_eq!(
            f(&format!("{name} IN (1, 2, 1, 2.0)")),
            in_list(field.clone(), vec![i(1), i(2)], false)
        );
        assert_eq!(
            f(&format!("{name} NOT BETWEEN 1 AND 5")),
            between(field.clone(), i(1), i(5), true)
        );
    }
    assert_err("CustomIntField = '5'", 17, &["expected a number", "(Int)"]);
    assert_err(
        "CustomIntField STARTS_WITH '5'",
        15,
        &[
            "operator STARTS_WITH is not supported",
            "'CustomIntField' (Int)",
        ],
    );
    assert_err("HistoryLength = false", 16, &["boolean false"]);
}

#[test]
fn int_fields_normalise_floats_exactly() {
    let cases: [(&str, Expr); 16] = [
        ("CustomIntField = 1.5", Expr::False),
        ("CustomIntField != 1.5", not_null(int())),
        ("CustomIntField <> 1.5", not_null(int())),
        ("CustomIntField > 1.5", cmp(int(), CmpOp::Ge, i(2))),
        ("CustomIntField >= 1.5", cmp(int(), CmpOp::Ge, i(2))),
        ("CustomIntField < 1.5", cmp(int(), CmpOp::Le, i(1))),
        ("CustomIntField <= 1.5", cmp(int(), CmpOp::Le, i(1))),
        ("CustomIntField > -1.5", cmp(int(), CmpOp::Ge, i(-1))),
        ("CustomIntField < -1.5", cmp(int(), CmpOp::Le, i(-2))),
        ("CustomIntField > 1e30", Expr::False),
        ("CustomIntField < 1e30", cmp(int(), CmpOp::Le, i(i64::MAX))),
        ("CustomIntField > -1e30", cmp(int(), CmpOp::Ge, i(i64::MIN))),
        ("CustomIntField <= -1e30", Expr::False),
        ("CustomIntField >= 1e400", Expr::False),
        ("CustomIntField = 9223372036854775808", Expr::False),
        ("CustomIntField < 2.5e0", cmp(int(), CmpOp::Le, i(2))),
    ];
    for (text, want) in cases {
        assert_eq!(f(text), want, "{text}");
    }
    assert_eq!(
        f("CustomIntField IN (1.5, 2, 2.5, 3.0, 1e20)"),
        in_list(int(), vec![i(2), i(3)], false)
    );
    assert_eq!(f("CustomIntField IN (1.5, 2.5)"), Expr::False);
    assert_eq!(f("CustomIntField NOT IN (1.5, 2.5)"), not_null(int()));
    assert_eq!(
        f("CustomIntField NOT IN (1.5, 7)"),
        in_list(int(), vec![i(7)], true)
    );
    assert_eq!(
        f("CustomIntField BETWEEN 1.5 AND 4.5"),
        between(int(), i(2), i(4), false)
    );
    assert_eq!(
        f("CustomIntField BETWEEN -1e30 AND 1e30"),
        between(int(), i(i64::MIN), i(i64::MAX), false)
    );
    assert_eq!(f("CustomIntField BETWEEN 1.2 AND 1.8"), Expr::False);
    assert_eq!(f("CustomIntField NOT BETWEEN 1.2 AND 1.8"), not_null(int()));
    assert_eq!(f("CustomIntField BETWEEN 1e19 AND 1e20"), Expr::False);
    assert_eq!(f("CustomIntField BETWEEN 5 AND 1"), Expr::False);
    assert_eq!(
        f("CustomIntField NOT BETWEEN 0.5 AND 1e30"),
        between(int(), i(1), i(i64::MAX), true)
    );
}

#[test]
fn double_operators() {
    for (symbol, op) in OPS {
        assert_eq!(
            f(&format!("CustomDoubleField {symbol} 1.25")),
            cmp(dbl(), op, d(1.25))
        );
        assert_eq!(
            f(&format!("CustomDoubleField {symbol} -3")),
            cmp(dbl(), op, d(-3.0))
        );
    }
    assert_eq!(
        f("CustomDoubleField IN (1, 1.0, 2.5e-1)"),
        in_list(dbl(), vec![d(1.0), d(0.25)], false)
    );
    assert_eq!(
        f("CustomDoubleField BETWEEN -1 AND 0.5"),
        between(dbl(), d(-1.0), d(0.5), false)
    );
    assert_eq!(
        f("CustomDoubleField < 1e400"),
        cmp(dbl(), CmpOp::Le, d(f64::MAX))
    );
    assert_eq!(f("CustomDoubleField >= 1e400"), Expr::False);
    assert_eq!(f("CustomDoubleField = -1e400"), Expr::False);
    assert_eq!(f("CustomDoubleField != 1e400"), not_null(dbl()));
    assert_eq!(
        f("CustomDoubleField > -1e400"),
        cmp(dbl(), CmpOp::Ge, d(f64::MIN))
    );
    assert_err(
        "CustomDoubleField = 'x'",
        20,
        &["expected a number", "(Double)"],
    );
    assert_err("CustomDoubleField STARTS_WITH 'x'", 18, &["STARTS_WITH"]);
}

#[test]
fn datetime_operators() {
    for (name, field) in [
        ("StartTime", sys(SystemAttribute::StartTime)),
        ("ExecutionTime", sys(SystemAttribute::ExecutionTime)),
        ("CloseTime", sys(SystemAttribute::CloseTime)),
        (
            "TemporalScheduledStartTime",
            custom(
                PredefinedAttribute::TemporalScheduledStartTime.id(),
                T::Datetime,
            ),
        ),
        ("CustomDatetimeField", dt()),
    ] {
        for (symbol, op) in OPS {
            assert_eq!(
                f(&format!("{name} {symbol} '2026-01-01T00:00:00Z'")),
                cmp(field.clone(), op, Scalar::Time(JAN_2026_US))
            );
        }
        assert_eq!(
            f(&format!(
                "{name} BETWEEN '2026-01-01T01:00:00+01:00' AND 1767225600000001999"
            )),
            between(
                field.clone(),
                Scalar::Time(JAN_2026_US),
                Scalar::Time(JAN_2026_US + 1),
                false
            )
        );
        assert_eq!(
            f(&format!(
                "{name} IN ('2026-01-01T00:00:00.0000009Z', 1767225600000000000, 0)"
            )),
            in_list(
                field.clone(),
                vec![Scalar::Time(JAN_2026_US), Scalar::Time(0)],
                false
            )
        );
    }
    // Literals truncate toward the past, also before the epoch.
    assert_eq!(
        f("StartTime > '1969-12-31T23:59:59.9999999Z'"),
        cmp(sys(SystemAttribute::StartTime), CmpOp::Gt, Scalar::Time(-1))
    );
    assert_eq!(
        f("StartTime > -1"),
        cmp(sys(SystemAttribute::StartTime), CmpOp::Gt, Scalar::Time(-1))
    );
    assert_eq!(
        f("StartTime < 1999"),
        cmp(sys(SystemAttribute::StartTime), CmpOp::Lt, Scalar::Time(1))
    );
    assert_err(
        "StartTime > '2026-02-30T00:00:00Z'",
        12,
        &["invalid datetime '2026-02-30T00:00:00Z'", "'StartTime'"],
    );
    assert_err("CloseTime = 'yesterday'", 12, &["'yesterday'"]);
    assert_err("StartTime > 1.5", 12, &["number 1.5", "RFC 3339"]);
    assert_err("StartTime STARTS_WITH '2026'", 10, &["STARTS_WITH"]);
}

#[test]
fn bool_operators() {
    assert_eq!(
        f("CustomBoolField = true"),
        cmp(boolean(), CmpOp::Eq, Scalar::Bool(true))
    );
    assert_eq!(
        f("CustomBoolField != FALSE"),
        cmp(boolean(), CmpOp::Ne, Scalar::Bool(false))
    );
    assert_eq!(
        f("NOT CustomBoolField = true"),
        cmp(boolean(), CmpOp::Ne, Scalar::Bool(true))
    );
    for op in ["<", "<=", ">", ">="] {
        assert_err(
            &format!("CustomBoolField {op} true"),
            16,
            &["is not supported", "(Bool)", "=, != and IS [NOT] NULL"],
        );
    }
    assert_err("CustomBoolField IN (true)", 16, &["operator IN"]);
    assert_err("CustomBoolField BETWEEN false AND true", 16, &["BETWEEN"]);
    assert_err("CustomBoolField = 'true'", 18, &["true or false"]);
    assert_err("CustomBoolField = 1", 18, &["true or false"]);
}

#[test]
fn status_operators() {
    let status = sys(SystemAttribute::ExecutionStatus);
    assert_eq!(
        f("ExecutionStatus = 'Running'"),
        cmp(status.clone(), CmpOp::Eq, i(1))
    );
    assert_eq!(
        f("ExecutionStatus != 7"),
        cmp(status.clone(), CmpOp::Ne, i(7))
    );
    assert_eq!(
        f("ExecutionStatus = \"ContinuedAsNew\""),
        cmp(status.clone(), CmpOp::Eq, i(6))
    );
    assert_eq!(
        f("ExecutionStatus IN ('Completed', 3, 2, 'Failed')"),
        in_list(status.clone(), vec![i(2), i(3)], false)
    );
    assert_eq!(
        f("ExecutionStatus NOT IN (1)"),
        in_list(status.clone(), vec![i(1)], true)
    );
    assert_eq!(f("ExecutionStatus IS NOT NULL"), not_null(status.clone()));
    assert_err(
        "ExecutionStatus = 'running'",
        18,
        &["unknown execution status 'running'"],
    );
    assert_err("ExecutionStatus = 0", 18, &["code 0"]);
    assert_err("ExecutionStatus IN (1, 8)", 23, &["code 8"]);
    assert_err("ExecutionStatus = 1.0", 18, &["number 1.0"]);
    assert_err("ExecutionStatus > 1", 16, &["operator > is not supported"]);
    assert_err("ExecutionStatus BETWEEN 1 AND 2", 16, &["BETWEEN"]);
    assert_err("ExecutionStatus STARTS_WITH 'R'", 16, &["STARTS_WITH"]);
}

#[test]
fn duration_operators() {
    let dur = sys(SystemAttribute::ExecutionDuration);
    const S: i64 = 1_000_000_000;
    for (symbol, op) in OPS {
        assert_eq!(
            f(&format!("ExecutionDuration {symbol} '1h30m'")),
            cmp(dur.clone(), op, i(5400 * S))
        );
    }
    assert_eq!(
        f("ExecutionDuration > 1000"),
        cmp(dur.clone(), CmpOp::Gt, i(1000))
    );
    assert_eq!(
        f("ExecutionDuration < \"2d\""),
        cmp(dur.clone(), CmpOp::Lt, i(172_800 * S))
    );
    assert_eq!(
        f("ExecutionDuration >= '01:02:03'"),
        cmp(dur.clone(), CmpOp::Ge, i(3723 * S))
    );
    assert_eq!(
        f("ExecutionDuration BETWEEN '90s' AND '1.5h'"),
        between(dur.clone(), i(90 * S), i(5400 * S), false)
    );
    assert_eq!(
        f("ExecutionDuration IN ('60s', '1m', 60000000000)"),
        in_list(dur.clone(), vec![i(60 * S)], false)
    );
    assert_eq!(
        f("ExecutionDuration > 0.5"),
        cmp(dur.clone(), CmpOp::Ge, i(1))
    );
    assert_err(
        "ExecutionDuration > 'soon'",
        20,
        &["invalid duration 'soon'"],
    );
    assert_err("ExecutionDuration > '01:61:00'", 20, &["invalid duration"]);
    assert_err("ExecutionDuration STARTS_WITH '1'", 18, &["STARTS_WITH"]);
}

#[test]
fn text_operators() {
    assert_eq!(
        f("CustomTextField = 'Hello, wörld hello'"),
        pred(
            text(),
            Test::AnyWord {
                words: vec!["hello".into(), "wörld".into()],
                negated: false
            }
        )
    );
    assert_eq!(
        f("CustomTextField != 'a'"),
        pred(
            text(),
            Test::AnyWord {
                words: vec!["a".into()],
                negated: true
            }
        )
    );
    assert_eq!(
        f("NOT CustomTextField != 'a'"),
        pred(
            text(),
            Test::AnyWord {
                words: vec!["a".into()],
                negated: false
            }
        )
    );
    assert_err("CustomTextField = ' ,.! '", 18, &["has no words"]);
    assert_err("CustomTextField = ''", 18, &["has no words"]);
    for op in ["<", "<=", ">", ">="] {
        assert_err(
            &format!("CustomTextField {op} 'a'"),
            16,
            &["is not supported", "(Text)"],
        );
    }
    assert_err("CustomTextField IN ('a')", 16, &["operator IN"]);
    assert_err("CustomTextField STARTS_WITH 'a'", 16, &["STARTS_WITH"]);
    assert_err("CustomTextField BETWEEN 'a' AND 'b'", 16, &["BETWEEN"]);
    assert_err("CustomTextField = 1", 18, &["expected a quoted string"]);
}

#[test]
fn keyword_list_operators() {
    let contains = |values: &[&str], negated| {
        pred(
            list(),
            Test::Contains {
                values: values.iter().map(|v| (*v).to_owned()).collect(),
                negated,
            },
        )
    };
    assert_eq!(f("CustomKeywordListField = 'a'"), contains(&["a"], false));
    assert_eq!(f("CustomKeywordListField != 'a'"), contains(&["a"], true));
    assert_eq!(
        f("CustomKeywordListField IN ('a', 'b', 'a')"),
        contains(&["a", "b"], false)
    );
    assert_eq!(
        f("CustomKeywordListField NOT IN ('a', 'b')"),
        contains(&["a", "b"], true)
    );
    assert_eq!(
        f("NOT CustomKeywordListField IN ('a')"),
        contains(&["a"], true)
    );
    assert_eq!(
        f("BuildIds = 'v1'"),
        pred(
            custom(PredefinedAttribute::BuildIds.id(), T::KeywordList),
            Test::Contains {
                values: vec!["v1".into()],
                negated: false
            }
        )
    );
    for op in ["<", "<=", ">", ">="] {
        assert_err(
            &format!("CustomKeywordListField {op} 'a'"),
            23,
            &["is not supported", "(KeywordList)"],
        );
    }
    assert_err(
        "CustomKeywordListField BETWEEN 'a' AND 'b'",
        23,
        &["BETWEEN"],
    );
    assert_err(
        "CustomKeywordListField STARTS_WITH 'a'",
        23,
        &["STARTS_WITH"],
    );
    assert_err(
        "CustomKeywordListField = 1",
        25,
        &["expected a quoted string"],
    );
    assert_err("CustomKeywordListField IN ('a', 2)", 32, &["integer 2"]);
}

#[test]
fn null_tests_work_on_every_type() {
    for name in [
        "CustomKeywordField",
        "CustomIntField",
        "CustomDoubleField",
        "CustomBoolField",
        "CustomDatetimeField",
        "CustomTextField",
        "CustomKeywordListField",
        "ExecutionStatus",
        "ExecutionDuration",
        "CloseTime",
        "ParentWorkflowId",
    ] {
        let Expr::Pred(Predicate { field, test }) = f(&format!("{name} IS NULL")) else {
            panic!("{name}")
        };
        assert_eq!(test, Test::IsNull, "{name}");
        assert_eq!(f(&format!("{name} IS NOT NULL")), not_null(field.clone()));
        assert_eq!(f(&format!("NOT {name} IS NULL")), not_null(field.clone()));
        assert_eq!(f(&format!("NOT {name} IS NOT NULL")), is_null(field));
    }
}

#[test]
fn not_is_pushed_to_the_leaves() {
    assert_eq!(
        f("NOT (CustomKeywordField = 'x' OR CustomIntField IS NULL)"),
        Expr::And(vec![cmp(kw(), CmpOp::Ne, st("x")), not_null(int()),])
    );
    assert_eq!(
        f("NOT (CustomKeywordField = 'x' AND CustomIntField > 3)"),
        Expr::Or(vec![
            cmp(kw(), CmpOp::Ne, st("x")),
            cmp(int(), CmpOp::Le, i(3)),
        ])
    );
    for (symbol, op) in OPS {
        assert_eq!(
            f(&format!("NOT CustomIntField {symbol} 3")),
            cmp(int(), op.negate(), i(3))
        );
    }
    assert_eq!(f("NOT NOT CustomIntField = 3"), cmp(int(), CmpOp::Eq, i(3)));
    assert_eq!(
        f("NOT CustomIntField IN (1)"),
        in_list(int(), vec![i(1)], true)
    );
    assert_eq!(
        f("NOT CustomIntField NOT IN (1)"),
        in_list(int(), vec![i(1)], false)
    );
    assert_eq!(
        f("NOT CustomIntField BETWEEN 1 AND 2"),
        between(int(), i(1), i(2), true)
    );
    assert_eq!(
        f("NOT CustomIntField NOT BETWEEN 1 AND 2"),
        between(int(), i(1), i(2), false)
    );
    assert_eq!(
        f("NOT CustomKeywordField NOT STARTS_WITH 'p'"),
        pred(
            kw(),
            Test::StartsWith {
                prefix: "p".into(),
                negated: false
            }
        )
    );
    // Nested negations and De Morgan at several levels.
    assert_eq!(
        f("NOT (CustomIntField = 1 AND NOT (CustomKeywordField = 'a' OR CustomBoolField = true))"),
        Expr::Or(vec![
            cmp(int(), CmpOp::Ne, i(1)),
            cmp(kw(), CmpOp::Eq, st("a")),
            cmp(boolean(), CmpOp::Eq, Scalar::Bool(true)),
        ])
    );
}

#[test]
fn negation_is_applied_before_normalising_constants() {
    // `X = 1.5` is false when X is present and unknown when missing: its negation must
    // match exactly the records that have X.
    assert_eq!(f("NOT CustomIntField = 1.5"), not_null(int()));
    assert_eq!(f("NOT CustomIntField != 1.5"), Expr::False);
    assert_eq!(
        f("NOT CustomIntField > 1e30"),
        cmp(int(), CmpOp::Le, i(i64::MAX))
    );
    assert_eq!(f("NOT CustomIntField IN (1.5)"), not_null(int()));
    assert_eq!(f("NOT CustomIntField BETWEEN 1.2 AND 1.8"), not_null(int()));
    assert_eq!(
        f("NOT (CustomIntField = 1.5 OR CustomKeywordField = 'a')"),
        Expr::And(vec![not_null(int()), cmp(kw(), CmpOp::Ne, st("a"))])
    );
}

#[test]
fn constants_fold_and_junctions_flatten() {
    assert_eq!(q("CustomIntField = 1.5").filter, Expr::False);
    assert_eq!(
        q("CustomIntField = 1.5 AND CustomKeywordField = 'a'").filter,
        Expr::False
    );
    assert_eq!(
        f("CustomIntField = 1.5 OR CustomKeywordField = 'a'"),
        cmp(kw(), CmpOp::Eq, st("a"))
    );
    assert_eq!(
        f("(CustomIntField = 1.5 OR CustomIntField = 2.5) OR CustomKeywordField = 'a'"),
        cmp(kw(), CmpOp::Eq, st("a"))
    );
    assert_eq!(
        f(
            "CustomIntField = 1 AND (CustomIntField = 2 AND (CustomIntField = 3 AND CustomIntField = 4))"
        ),
        Expr::And((1..=4).map(|n| cmp(int(), CmpOp::Eq, i(n))).collect())
    );
    assert_eq!(
        f("CustomIntField = 1 OR (CustomIntField = 2 OR CustomIntField = 3)"),
        Expr::Or((1..=3).map(|n| cmp(int(), CmpOp::Eq, i(n))).collect())
    );
    assert_eq!(f("((CustomIntField = 1))"), cmp(int(), CmpOp::Eq, i(1)));
    // An OR stays nested inside the scoped AND.
    assert_eq!(
        q("CustomIntField = 1 OR CustomIntField = 2").filter,
        Expr::And(vec![
            Expr::Or(vec![
                cmp(int(), CmpOp::Eq, i(1)),
                cmp(int(), CmpOp::Eq, i(2)),
            ]),
            division_is_null(),
        ])
    );
    // Terms after a deciding constant are still checked.
    assert_err("CustomIntField = 1.5 AND Nope = 1", 25, &["'Nope'"]);
}

#[test]
fn large_in_lists_are_deduplicated() {
    let values: Vec<String> = (0..500).map(|n| (n % 100).to_string()).collect();
    let query = format!("CustomIntField IN ({})", values.join(", "));
    let Expr::Pred(Predicate {
        test: Test::In { values, negated },
        ..
    }) = f(&query)
    else {
        panic!()
    };
    assert!(!negated);
    let mut got: Vec<i64> = values
        .iter()
        .map(|v| match v {
            Scalar::Int(n) => *n,
            other => panic!("{other:?}"),
        })
        .collect();
    got.sort();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
}

#[test]
fn division_scope() {
    assert_eq!(
        q("CustomKeywordField = 'a'").filter,
        Expr::And(vec![cmp(kw(), CmpOp::Eq, st("a")), division_is_null()])
    );
    assert_eq!(
        q("CustomKeywordField = 'a' AND CustomIntField = 1").filter,
        Expr::And(vec![
            cmp(kw(), CmpOp::Eq, st("a")),
            cmp(int(), CmpOp::Eq, i(1)),
            division_is_null(),
        ])
    );
    // Naming the division anywhere turns the implicit scope off.
    assert_eq!(
        q("TemporalNamespaceDivision IS NOT NULL").filter,
        not_null(Field::NamespaceDivision)
    );
    assert_eq!(
        q("CustomIntField = 1 OR TemporalNamespaceDivision STARTS_WITH 'x'").filter,
        Expr::Or(vec![
            cmp(int(), CmpOp::Eq, i(1)),
            pred(
                Field::NamespaceDivision,
                Test::StartsWith {
                    prefix: "x".into(),
                    negated: false
                }
            ),
        ])
    );
    let query = q("CustomIntField = 1 ORDER BY TemporalNamespaceDivision");
    assert_eq!(query.filter, cmp(int(), CmpOp::Eq, i(1)));
    assert_eq!(
        query.order_by,
        [SortKey {
            key: SortField::Field(Field::NamespaceDivision),
            descending: false
        }]
    );
    assert_eq!(q("ORDER BY TemporalNamespaceDivision").filter, Expr::True);
    assert_eq!(
        q("TemporalNamespaceDivision = 'a' AND CustomIntField = 1.5").filter,
        Expr::False
    );
}

#[test]
fn order_by() {
    let query = q("ORDER BY StartTime DESC, CustomIntField, ExecutionStatus ASC, `Order` desc");
    assert_eq!(
        query.order_by,
        [
            SortKey {
                key: SortField::Field(sys(SystemAttribute::StartTime)),
                descending: true
            },
            SortKey {
                key: SortField::Field(int()),
                descending: false
            },
            SortKey {
                key: SortField::Field(sys(SystemAttribute::ExecutionStatus)),
                descending: false
            },
            SortKey {
                key: SortField::Field(custom(18, T::Keyword)),
                descending: true
            },
        ]
    );
    assert_eq!(query.group_by, None);
    assert_err(
        "ORDER BY CustomTextField",
        9,
        &["cannot ORDER BY 'CustomTextField'", "Text"],
    );
    assert_err(
        "CustomIntField = 1 ORDER BY StartTime, BuildIds DESC",
        39,
        &["'BuildIds'", "KeywordList"],
    );
    // Count accepts ORDER BY without GROUP BY (it does not change a count).
    assert!(compile_for("ORDER BY StartTime", QueryPurpose::Count).is_ok());
    let (msg, pos) = err_for("CustomIntField = 1 ORDER BY StartTime", QueryPurpose::Scan);
    assert_eq!(pos, 19);
    assert!(msg.contains("ORDER BY is not supported in a scan"), "{msg}");
}

#[test]
fn group_by() {
    let query = compile_for(
        "CustomIntField = 1 GROUP BY `ExecutionStatus`",
        QueryPurpose::Count,
    )
    .unwrap();
    assert_eq!(
        query.group_by,
        Some(Field::System(SystemAttribute::ExecutionStatus))
    );
    assert!(query.order_by.is_empty());
    for purpose in [QueryPurpose::List, QueryPurpose::Scan] {
        let (msg, pos) = err_for("CustomIntField = 1 GROUP BY ExecutionStatus", purpose);
        assert_eq!(pos, 19);
        assert!(msg.contains("only supported when counting"), "{msg}");
    }
    let count_err = |text| err_for(text, QueryPurpose::Count);
    let (msg, pos) = count_err("GROUP BY WorkflowType");
    assert_eq!(pos, 9);
    assert!(
        msg.contains("only supported on ExecutionStatus, not 'WorkflowType'"),
        "{msg}"
    );
    let (msg, pos) = count_err("GROUP BY ExecutionStatus, WorkflowType");
    assert_eq!(pos, 26);
    assert!(msg.contains("exactly one attribute"), "{msg}");
    let (msg, pos) = count_err("GROUP BY Nope");
    assert_eq!(pos, 9);
    assert!(msg.contains("unknown search attribute 'Nope'"), "{msg}");
    let (msg, pos) = count_err("GROUP BY ExecutionStatus ORDER BY StartTime");
    assert_eq!(pos, 25);
    assert!(
        msg.contains("ORDER BY cannot be combined with GROUP BY"),
        "{msg}"
    );
    let (_, pos) = count_err("ORDER BY StartTime GROUP BY ExecutionStatus");
    assert_eq!(pos, 0);
}

#[test]
fn operator_errors_point_at_the_operator_and_literal_errors_at_the_literal() {
    let (msg, pos) = err("WorkflowId = 'a' AND CustomTextField > 'b'");
    assert_eq!(pos, 37);
    assert!(
        msg.contains("operator > is not supported for 'CustomTextField' (Text)"),
        "{msg}"
    );
    let (msg, pos) = err("WorkflowId = 'a' AND CustomIntField NOT STARTS_WITH 'b'");
    assert_eq!(pos, 36);
    assert!(msg.contains("operator NOT STARTS_WITH"), "{msg}");
    let (_, pos) = err("CustomIntField IN (1, 2, 'three')");
    assert_eq!(pos, 25);
}

#[test]
fn benchmark_filter_compiles_to_the_expected_ir() {
    let query = q(
        "WorkflowType = 'billing' AND ExecutionStatus = 'Running' AND StartTime > \
                   '2026-01-01T00:00:00Z' AND CustomKeywordField IN ('a', 'b', 'c') AND \
                   CustomIntField >= 10",
    );
    assert_eq!(
        query.filter,
        Expr::And(vec![
            cmp(sys(SystemAttribute::WorkflowType), CmpOp::Eq, st("billing")),
            cmp(sys(SystemAttribute::ExecutionStatus), CmpOp::Eq, i(1)),
            cmp(
                sys(SystemAttribute::StartTime),
                CmpOp::Gt,
                Scalar::Time(JAN_2026_US)
            ),
            in_list(kw(), vec![st("a"), st("b"), st("c")], false),
            cmp(int(), CmpOp::Ge, i(10)),
            division_is_null(),
        ])
    );
}

#[test]
fn deep_nesting_at_the_limit_compiles() {
    let depth = QueryLimits::default().max_depth;
    let text = format!(
        "{}CustomIntField = 1{}",
        "NOT (".repeat(depth / 2),
        ")".repeat(depth / 2)
    );
    assert_eq!(f(&text), cmp(int(), CmpOp::Eq, i(1)));
    let text = format!(
        "{}CustomIntField = 1{}",
        "NOT (".repeat(depth / 2 + 1),
        ")".repeat(depth / 2 + 1)
    );
    assert!(compile_for(&text, QueryPurpose::List).is_err());
}

#[test]
fn name_lookup_agrees_with_namespace_attributes_resolve() {
    use crate::attributes::ResolvedAttribute;
    let attrs = attributes();
    let names = SystemAttribute::ALL
        .iter()
        .map(|s| s.name().to_owned())
        .chain(PredefinedAttribute::ALL.iter().map(|p| p.name().to_owned()))
        .chain(attrs.custom_attributes().map(|d| d.name.clone()));
    for name in names {
        let want = match attrs.resolve(&name).unwrap() {
            ResolvedAttribute::System(s) => Field::System(s),
            ResolvedAttribute::Predefined(PredefinedAttribute::TemporalNamespaceDivision) => {
                Field::NamespaceDivision
            }
            ResolvedAttribute::Predefined(p) => custom(p.id(), p.value_type()),
            ResolvedAttribute::Custom(def) => custom(def.id, def.ty),
        };
        let query = q(&format!("`{name}` IS NULL"));
        let got = match query.filter {
            Expr::And(terms) => terms[0].clone(),
            other => other,
        };
        assert_eq!(got, is_null(want), "{name}");
    }
}
