use std::borrow::Cow;

use super::*;

fn p(text: &str) -> Statement<'_> {
    parse(text, &QueryLimits::default()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn filter(text: &str) -> Expr<'_> {
    p(text).filter.expect("filter")
}

/// Parses expecting an error; returns its message and byte offset.
fn err(text: &str) -> (String, usize) {
    err_with(text, &QueryLimits::default())
}

fn err_with(text: &str, limits: &QueryLimits) -> (String, usize) {
    match parse(text, limits) {
        Ok(s) => panic!("{text:?} parsed: {s:?}"),
        Err(e) => {
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
            (e.message().to_owned(), e.position().expect("position"))
        }
    }
}

fn assert_err(text: &str, offset: usize, needle: &str) {
    let (msg, pos) = err(text);
    assert_eq!(pos, offset, "{text:?}: {msg}");
    assert!(msg.contains(needle), "{text:?}: {msg:?} lacks {needle:?}");
}

fn ident(name: &str, offset: usize) -> Ident<'_> {
    Ident { name, offset }
}

fn pred(e: &Expr<'_>) -> Predicate<'static> {
    match e {
        Expr::Pred(p) => owned_pred(p),
        other => panic!("not a predicate: {other:?}"),
    }
}

/// Leaks the text so predicates can outlive the statement in assertions.
fn owned_pred(p: &Predicate<'_>) -> Predicate<'static> {
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let lit = |l: &Literal<'_>| Literal {
        value: match &l.value {
            Value::Str(s) => Value::Str(Cow::Borrowed(leak(s))),
            Value::Int(n) => Value::Int(*n),
            Value::Float(f) => Value::Float(*f),
            Value::Bool(b) => Value::Bool(*b),
        },
        raw: leak(l.raw),
        offset: l.offset,
    };
    Predicate {
        attr: Ident {
            name: leak(p.attr.name),
            offset: p.attr.offset,
        },
        op_offset: p.op_offset,
        op: match &p.op {
            Op::Cmp(op, l) => Op::Cmp(*op, lit(l)),
            Op::In { values, negated } => Op::In {
                values: values.iter().map(lit).collect(),
                negated: *negated,
            },
            Op::Between { low, high, negated } => Op::Between {
                low: lit(low),
                high: lit(high),
                negated: *negated,
            },
            Op::StartsWith { prefix, negated } => Op::StartsWith {
                prefix: lit(prefix),
                negated: *negated,
            },
            Op::IsNull { negated } => Op::IsNull { negated: *negated },
        },
    }
}

fn lit_value<'a>(l: &Literal<'a>) -> Value<'a> {
    l.value.clone()
}

fn s(v: &str) -> Value<'_> {
    Value::Str(Cow::Borrowed(v))
}

#[test]
fn empty_and_whitespace_queries() {
    for text in ["", "   ", "\n\t "] {
        assert_eq!(
            p(text),
            Statement {
                filter: None,
                order_by: None,
                group_by: None
            }
        );
    }
}

#[test]
fn comparison_operators() {
    let cases = [
        ("=", CmpOp::Eq),
        ("!=", CmpOp::Ne),
        ("<>", CmpOp::Ne),
        ("<", CmpOp::Lt),
        ("<=", CmpOp::Le),
        (">", CmpOp::Gt),
        (">=", CmpOp::Ge),
    ];
    for (symbol, op) in cases {
        let text = format!("WorkflowId {symbol} 'x'");
        let pr = pred(&filter(&text));
        assert_eq!(pr.attr, ident("WorkflowId", 0));
        assert_eq!(pr.op_offset, 11);
        match pr.op {
            Op::Cmp(got, l) => {
                assert_eq!(got, op, "{text}");
                assert_eq!(l.value, s("x"));
                assert_eq!(l.offset, 12 + symbol.len());
                assert_eq!(l.raw, "'x'");
            }
            other => panic!("{other:?}"),
        }
    }
    // No whitespace needed around operators.
    let pr = pred(&filter("HistoryLength>=-5"));
    assert_eq!(
        pr.op,
        Op::Cmp(
            CmpOp::Ge,
            Literal {
                value: Value::Int(-5),
                raw: "-5",
                offset: 15
            }
        )
    );
}

#[test]
fn literal_values() {
    let value = |text: &str| match pred(&filter(text)).op {
        Op::Cmp(_, l) => l.value,
        other => panic!("{other:?}"),
    };
    assert_eq!(value("A = 42"), Value::Int(42));
    assert_eq!(value("A = -42"), Value::Int(-42));
    assert_eq!(value("A = 1.5"), Value::Float(1.5));
    assert_eq!(value("A = 2.0"), Value::Float(2.0));
    assert_eq!(value("A = -2.5e3"), Value::Float(-2500.0));
    assert_eq!(value("A = 1E2"), Value::Float(100.0));
    assert_eq!(value("A = 9223372036854775807"), Value::Int(i64::MAX));
    assert_eq!(value("A = -9223372036854775808"), Value::Int(i64::MIN));
    assert_eq!(
        value("A = 9223372036854775808"),
        Value::Float(9_223_372_036_854_775_808.0)
    );
    assert_eq!(value("A = 1e400"), Value::Float(f64::INFINITY));
    assert_eq!(value("A = -1e400"), Value::Float(f64::NEG_INFINITY));
    assert_eq!(value("A = true"), Value::Bool(true));
    assert_eq!(value("A = FALSE"), Value::Bool(false));
    assert_eq!(value("A = TrUe"), Value::Bool(true));
    assert_eq!(value("A = \"dq\""), s("dq"));
    assert_eq!(
        value(r"A = 'it''s \'x\' \\'"),
        Value::Str(Cow::Owned(r"it's 'x' \".to_owned()))
    );
}

#[test]
fn in_between_starts_with_is_null() {
    let pr = pred(&filter("A IN ('a', 'b',1)"));
    assert_eq!(pr.op_offset, 2);
    match pr.op {
        Op::In { values, negated } => {
            assert!(!negated);
            let got: Vec<_> = values.iter().map(lit_value).collect();
            assert_eq!(got, [s("a"), s("b"), Value::Int(1)]);
            assert_eq!(values[2].offset, 15);
        }
        other => panic!("{other:?}"),
    }
    let pr = pred(&filter("A not in (1)"));
    assert_eq!(pr.op_offset, 2);
    assert!(matches!(pr.op, Op::In { negated: true, ref values } if values.len() == 1));

    match pred(&filter("A BETWEEN 1 AND 2.5")).op {
        Op::Between { low, high, negated } => {
            assert_eq!(
                (low.value, high.value, negated),
                (Value::Int(1), Value::Float(2.5), false)
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        pred(&filter("A NOT BETWEEN 'a' AND 'b'")).op,
        Op::Between { negated: true, .. }
    ));
    match pred(&filter("A starts_with 'p%_'")).op {
        Op::StartsWith { prefix, negated } => {
            assert_eq!((prefix.value, negated), (s("p%_"), false));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        pred(&filter("A NOT STARTS_WITH ''")).op,
        Op::StartsWith { negated: true, .. }
    ));
    assert_eq!(pred(&filter("A IS NULL")).op, Op::IsNull { negated: false });
    assert_eq!(
        pred(&filter("A is not null")).op,
        Op::IsNull { negated: true }
    );
}

#[test]
fn back_quoted_names() {
    let pr = pred(&filter("`Order` = 'x'"));
    assert_eq!(pr.attr, ident("Order", 0));
    let st = p("ORDER BY `Desc` DESC, `AND`");
    let order = st.order_by.unwrap();
    assert_eq!(order.keys[0].attr, ident("Desc", 9));
    assert!(order.keys[0].descending);
    assert_eq!(order.keys[1].attr, ident("AND", 22));
}

#[test]
fn and_binds_tighter_than_or() {
    match filter("A = 1 OR B = 2 AND C = 3 OR D = 4") {
        Expr::Or(terms) => {
            assert_eq!(terms.len(), 3);
            assert_eq!(pred(&terms[0]).attr.name, "A");
            match &terms[1] {
                Expr::And(inner) => {
                    assert_eq!(pred(&inner[0]).attr.name, "B");
                    assert_eq!(pred(&inner[1]).attr.name, "C");
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(pred(&terms[2]).attr.name, "D");
        }
        other => panic!("{other:?}"),
    }
    match filter("(A = 1 OR B = 2) AND C = 3") {
        Expr::And(terms) => {
            assert!(matches!(&terms[0], Expr::Or(inner) if inner.len() == 2));
            assert_eq!(pred(&terms[1]).attr.name, "C");
        }
        other => panic!("{other:?}"),
    }
    // BETWEEN's AND is not a conjunction.
    match filter("A BETWEEN 1 AND 2 AND B = 3") {
        Expr::And(terms) => {
            assert_eq!(terms.len(), 2);
            assert!(matches!(pred(&terms[0]).op, Op::Between { .. }));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn not_and_parentheses() {
    match filter("NOT A = 1 AND B = 2") {
        Expr::And(terms) => assert!(matches!(&terms[0], Expr::Not(_))),
        other => panic!("{other:?}"),
    }
    match filter("NOT (A = 1 OR B = 2)") {
        Expr::Not(inner) => assert!(matches!(*inner, Expr::Or(_))),
        other => panic!("{other:?}"),
    }
    // Double negations cancel, also across parentheses.
    assert_eq!(pred(&filter("not not ((A = 1))")).attr.name, "A");
    assert_eq!(pred(&filter("NOT (NOT A = 1)")).attr.name, "A");
    match filter("NOT NOT NOT (A = 1 OR B = 1)") {
        Expr::Not(inner) => assert!(matches!(*inner, Expr::Or(_))),
        other => panic!("{other:?}"),
    }
    match filter("(A = 1 OR (B = 1 AND NOT (C = 1 OR D = 1))) AND E = 1") {
        Expr::And(terms) => {
            assert_eq!(terms.len(), 2);
            let Expr::Or(inner) = &terms[0] else {
                panic!("{terms:?}")
            };
            let Expr::And(deeper) = &inner[1] else {
                panic!("{inner:?}")
            };
            assert!(matches!(&deeper[1], Expr::Not(x) if matches!(**x, Expr::Or(_))));
            assert_eq!(pred(&terms[1]).attr.name, "E");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn long_chains_do_not_recurse() {
    let limits = QueryLimits {
        max_query_bytes: 1 << 20,
        max_depth: 100,
    };
    let text = vec!["A = 1"; 20_000].join(" AND ");
    match parse(&text, &limits).unwrap().filter.unwrap() {
        Expr::And(terms) => assert_eq!(terms.len(), 20_000),
        other => panic!("{other:?}"),
    }
    let text = vec!["A = 1 AND B = 2"; 10_000].join(" OR ");
    match parse(&text, &limits).unwrap().filter.unwrap() {
        Expr::Or(terms) => assert_eq!(terms.len(), 10_000),
        other => panic!("{other:?}"),
    }
}

#[test]
fn clauses() {
    let st = p("ORDER BY StartTime");
    assert!(st.filter.is_none());
    let order = st.order_by.unwrap();
    assert_eq!(order.offset, 0);
    assert_eq!(
        order.keys,
        [OrderKey {
            attr: ident("StartTime", 9),
            descending: false
        }]
    );
    let st = p("A = 1 order by B desc, C asc, D");
    assert!(st.filter.is_some());
    let order = st.order_by.unwrap();
    assert_eq!(order.offset, 6);
    let keys: Vec<_> = order
        .keys
        .iter()
        .map(|k| (k.attr.name, k.descending))
        .collect();
    assert_eq!(keys, [("B", true), ("C", false), ("D", false)]);

    let st = p("GROUP BY ExecutionStatus");
    let group = st.group_by.unwrap();
    assert_eq!(
        (group.offset, group.attrs.clone()),
        (0, vec![ident("ExecutionStatus", 9)])
    );
    let st = p("A = 1 GROUP BY X, Y");
    assert_eq!(st.group_by.unwrap().attrs.len(), 2);
    // Both clauses parse (the resolver rejects the combination) in either order.
    let st = p("GROUP BY ExecutionStatus ORDER BY StartTime");
    assert!(st.group_by.is_some() && st.order_by.is_some());
    let st = p("ORDER BY StartTime GROUP BY ExecutionStatus");
    assert!(st.group_by.is_some() && st.order_by.is_some());
}

#[test]
fn syntax_errors_have_offsets() {
    assert_err("A = 'x' B = 'y'", 8, "unexpected 'B'");
    assert_err("A = 'x' AND", 11, "unexpected end of query");
    assert_err("A = ", 4, "expected a value");
    assert_err("A = )", 4, "unexpected ')'");
    assert_err("(A = 1", 6, "to close the '(' at byte 0");
    assert_err("A = 1)", 5, "without a matching '('");
    assert_err("()", 1, "unexpected ')'");
    assert_err("A = 1 AND OR B = 2", 10, "unexpected 'OR'");
    assert_err("A == 1", 3, "unexpected '='");
    assert_err("A IN 1", 5, "'(' starting the IN list");
    assert_err("A IN ()", 6, "at least one value");
    assert_err("A IN (1,)", 8, "expected a value");
    assert_err("A IN (1 2)", 8, "',' or ')'");
    assert_err("A BETWEEN 1 OR 2", 12, "AND between the BETWEEN bounds");
    assert_err("A NOT = 1", 6, "IN, BETWEEN or STARTS_WITH after NOT");
    assert_err("A IS 1", 5, "NULL or NOT NULL");
    assert_err("A IS NOT 1", 9, "expected NULL");
    assert_err("A LIKE 'x%'", 2, "an operator after 'A'");
    assert_err("A = 'x' ORDER StartTime", 14, "BY after ORDER");
    assert_err("GROUP ExecutionStatus", 6, "BY after GROUP");
    assert_err("ORDER BY", 8, "an attribute name in ORDER BY");
    assert_err("ORDER BY A,", 11, "an attribute name in ORDER BY");
    assert_err("ORDER BY A B", 11, "unexpected 'B'");
    assert_err("ORDER BY 'A'", 9, "an attribute name");
    assert_err("ORDER BY A ORDER BY B", 11, "ORDER BY may appear only once");
    assert_err("GROUP BY A GROUP BY B", 11, "GROUP BY may appear only once");
    assert_err("A = 'x", 4, "unterminated string");
    assert_err(r"A = 'a\tb'", 6, "invalid escape sequence");
    assert_err("A = 1 AND ORDER BY B", 10, "unexpected 'ORDER'");
    assert_err("AND = 1", 0, "back-quote");
    assert_err("A = 'x' AND Order = 'y'", 12, "back-quote");
}

#[test]
fn rejected_constructs() {
    assert_err("A = 1 LIMIT 10", 6, "LIMIT is not supported");
    assert_err("LIMIT 10", 0, "LIMIT is not supported");
    assert_err("ORDER BY A LIMIT 10", 11, "LIMIT is not supported");
    assert_err("A = 1 AND limit", 10, "LIMIT is not supported");
    assert_err("lower(A) = 'x'", 0, "functions are not supported");
    assert_err("A = lower('x')", 4, "functions are not supported");
    assert_err("A IN (f(1))", 6, "functions are not supported");
    assert_err("ORDER BY f(A)", 9, "functions are not supported");
    assert_err("WorkflowId = RunId", 13, "did you forget to quote 'RunId'?");
    assert_err(
        "WorkflowId = `RunId`",
        13,
        "did you forget to quote 'RunId'?",
    );
    assert_err("A IN ('x', y)", 11, "did you forget to quote 'y'?");
    assert_err("A BETWEEN 1 AND b", 16, "did you forget to quote 'b'?");
    assert_err(
        "1 = WorkflowId",
        0,
        "literal cannot be on the left-hand side",
    );
    assert_err(
        "'x' = WorkflowId",
        0,
        "literal cannot be on the left-hand side",
    );
    assert_err("true = B", 0, "literal cannot be on the left-hand side");
    assert_err("NULL IS NULL", 0, "literal cannot be on the left-hand side");
    assert_err("WorkflowId", 0, "'WorkflowId' alone is not a condition");
    assert_err(
        "WorkflowId AND A = 1",
        0,
        "'WorkflowId' alone is not a condition",
    );
    assert_err("A = 1 OR (B)", 10, "'B' alone is not a condition");
    assert_err("B ORDER BY C", 0, "'B' alone is not a condition");
    assert_err("A = NULL", 4, "use IS NULL or IS NOT NULL");
    assert_err("A != null", 5, "use IS NULL or IS NOT NULL");
}

#[test]
fn length_limit() {
    let limits = QueryLimits {
        max_query_bytes: 10,
        max_depth: 100,
    };
    assert!(parse("A = '1234'", &limits).is_ok());
    let (msg, pos) = err_with("A = '12345'", &limits);
    assert_eq!(pos, 10);
    assert!(
        msg.contains("11 bytes") && msg.contains("limit is 10 bytes"),
        "{msg}"
    );
}

#[test]
fn depth_limit() {
    let limits = QueryLimits {
        max_query_bytes: 1 << 20,
        max_depth: 3,
    };
    assert!(parse("(((A = 1)))", &limits).is_ok());
    assert!(parse("NOT (NOT A = 1)", &limits).is_ok());
    assert!(parse("(A = 1) AND (B = 1) AND NOT (C = 1 OR (D = 1))", &limits).is_ok());
    let (msg, pos) = err_with("((((A = 1))))", &limits);
    assert_eq!(pos, 3);
    assert!(msg.contains("limit of 3 levels"), "{msg}");
    let (_, pos) = err_with("NOT NOT (NOT A = 1)", &limits);
    assert_eq!(pos, 9);
    let zero = QueryLimits {
        max_query_bytes: 100,
        max_depth: 0,
    };
    assert!(parse("A = 1 AND B NOT IN (1)", &zero).is_ok());
    assert_eq!(err_with("(A = 1)", &zero).1, 0);
    assert_eq!(err_with("NOT A = 1", &zero).1, 0);
}

#[test]
fn hostile_inputs_fail_cleanly() {
    let limits = QueryLimits::default();
    let max = limits.max_query_bytes;
    let inputs = [
        "(".repeat(max),
        "NOT ".repeat(max / 4),
        format!(
            "{}A = 1{}",
            "(".repeat(max / 2 - 3),
            ")".repeat(max / 2 - 3)
        ),
        ")".repeat(max),
        "'".repeat(max),
        "\\".repeat(max),
        "A IN (".to_owned() + &"1,".repeat(max / 2 - 4),
        "A = 1 AND ".repeat(max / 10),
    ];
    for text in &inputs {
        assert!(text.len() <= max);
        let e = parse(text, &limits).expect_err("hostile input");
        assert!(e.position().is_some_and(|p| p <= text.len()), "{e}");
    }
}

#[test]
fn error_excerpts_are_truncated() {
    let long = format!("A = 1 '{}'", "x".repeat(100));
    let (msg, pos) = err(&long);
    assert_eq!(pos, 6);
    assert!(msg.len() < 140 && msg.contains('…'), "{msg}");
}

#[test]
fn deep_nesting_does_not_use_the_call_stack() {
    // With the depth check effectively off, the parser alone must survive any nesting the
    // length limit allows, on a small stack.
    let limits = QueryLimits {
        max_query_bytes: 1 << 20,
        max_depth: usize::MAX,
    };
    let parens = format!("{}A = 1{}", "(".repeat(100_000), ")".repeat(100_000));
    let nots = format!("{}A = 1", "NOT ".repeat(100_001));
    let alternating = format!(
        "{}A = 1{}",
        "A = 1 OR (B = 1 AND (".repeat(20_000),
        "))".repeat(20_000)
    );
    std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            assert_eq!(
                pred(&parse(&parens, &limits).unwrap().filter.unwrap())
                    .attr
                    .name,
                "A"
            );
            assert!(matches!(
                parse(&nots, &limits).unwrap().filter.unwrap(),
                Expr::Not(_)
            ));
            let statement = parse(&alternating, &limits).unwrap();
            // The tree itself is deep; dropping it is the caller's business (the depth
            // limit bounds it in real use), so keep it alive past this thread's stack.
            std::mem::forget(statement);
        })
        .unwrap()
        .join()
        .unwrap();
}
