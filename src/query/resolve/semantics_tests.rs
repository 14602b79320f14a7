//! Checks lowering against a direct reading of the query: random filters are evaluated on
//! random records once over the syntax tree with SQL three-valued logic and exact numeric
//! comparison, and once over the compiled IR with "unknown is false" leaves. Both must
//! select the same records, which covers NOT push-down, constant folding and the Int
//! normalisation of float literals.

use std::cmp::Ordering;

use crate::attributes::{AttributeDef, NamespaceAttributes};
use crate::model::SearchAttributeType as T;
use crate::options::QueryLimits;
use crate::query::ast::{self, Literal, Op, Value};
use crate::query::ir::{CmpOp, Expr, Field, Scalar, Test};
use crate::query::{QueryPurpose, compile, parser};

/// A test record: an Int, a Keyword and a Double attribute, each possibly missing.
#[derive(Debug, Clone)]
struct Record {
    int: Option<i64>,
    keyword: Option<&'static str>,
    double: Option<f64>,
}

const INT_ID: i64 = 1;
const KEYWORD_ID: i64 = 2;
const DOUBLE_ID: i64 = 3;

fn attributes() -> NamespaceAttributes {
    let def = |id, name: &str, ty| AttributeDef {
        id,
        name: name.to_owned(),
        ty,
    };
    NamespaceAttributes::new([
        def(INT_ID, "I", T::Int),
        def(KEYWORD_ID, "K", T::Keyword),
        def(DOUBLE_ID, "D", T::Double),
    ])
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, X>(&mut self, items: &'a [X]) -> &'a X {
        &items[self.below(items.len())]
    }
}

const NUMBERS: [&str; 16] = [
    "-3",
    "-1",
    "0",
    "1",
    "2",
    "3",
    "-1.5",
    "0.5",
    "1.5",
    "2.0",
    "2.5",
    "1e30",
    "-1e30",
    "9223372036854775807",
    "-9223372036854775808",
    "1e400",
];
const STRINGS: [&str; 5] = ["''", "'a'", "'b'", "'ab'", "'a '"];

fn literal(rng: &mut Rng, attr: &str) -> String {
    if attr == "K" {
        (*rng.pick(&STRINGS)).to_owned()
    } else {
        (*rng.pick(&NUMBERS)).to_owned()
    }
}

fn predicate(rng: &mut Rng) -> String {
    let attr = *rng.pick(&["I", "K", "D"]);
    let choices = if attr == "K" { 11 } else { 9 };
    match rng.below(choices) {
        0 => format!("{attr} IS NULL"),
        1 => format!("{attr} IS NOT NULL"),
        2 | 3 => {
            let op = rng.pick(&["=", "!=", "<", "<=", ">", ">="]);
            format!("{attr} {op} {}", literal(rng, attr))
        }
        4 | 5 => {
            let n = 1 + rng.below(3);
            let values: Vec<String> = (0..n).map(|_| literal(rng, attr)).collect();
            let not = if rng.below(2) == 0 { "NOT " } else { "" };
            format!("{attr} {not}IN ({})", values.join(", "))
        }
        6..=8 => {
            let not = if rng.below(2) == 0 { "NOT " } else { "" };
            format!(
                "{attr} {not}BETWEEN {} AND {}",
                literal(rng, attr),
                literal(rng, attr)
            )
        }
        _ => {
            let not = if rng.below(2) == 0 { "NOT " } else { "" };
            format!("{attr} {not}STARTS_WITH {}", literal(rng, attr))
        }
    }
}

fn expression(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return predicate(rng);
    }
    match rng.below(5) {
        0 => predicate(rng),
        1 => format!("NOT {}", expression(rng, depth - 1)),
        2 => format!("({})", expression(rng, depth - 1)),
        3 => format!(
            "{} AND {}",
            expression(rng, depth - 1),
            expression(rng, depth - 1)
        ),
        _ => format!(
            "({} OR {})",
            expression(rng, depth - 1),
            expression(rng, depth - 1)
        ),
    }
}

fn records() -> Vec<Record> {
    let ints = [
        None,
        Some(-3),
        Some(-2),
        Some(-1),
        Some(0),
        Some(1),
        Some(2),
        Some(3),
        Some(i64::MAX),
        Some(i64::MIN),
    ];
    let keywords = [None, Some(""), Some("a"), Some("a "), Some("ab"), Some("b")];
    let doubles = [
        None,
        Some(-1.5),
        Some(0.0),
        Some(1.5),
        Some(2.0),
        Some(f64::MAX),
    ];
    let mut out = Vec::new();
    for (n, int) in ints.iter().enumerate() {
        for (m, keyword) in keywords.iter().enumerate() {
            out.push(Record {
                int: *int,
                keyword: *keyword,
                double: doubles[(n + m) % doubles.len()],
            });
        }
    }
    out
}

// ---- Reference: three-valued evaluation of the syntax tree with exact numbers. ----

/// An attribute value, for the reference evaluation.
#[derive(Debug, Clone, Copy)]
enum Val {
    Int(i64),
    Double(f64),
    Str(&'static str),
}

fn value_of(record: &Record, attr: &str) -> Option<Val> {
    match attr {
        "I" => record.int.map(Val::Int),
        "K" => record.keyword.map(Val::Str),
        _ => record.double.map(Val::Double),
    }
}

/// 2^63, the first double above `i64::MAX`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Exact order of an integer and a double (no rounding of either).
fn cmp_int_double(n: i64, v: f64) -> Ordering {
    if v >= TWO_POW_63 {
        return Ordering::Less;
    }
    if v < -TWO_POW_63 {
        return Ordering::Greater;
    }
    let floor = v.floor();
    match n.cmp(&(floor as i64)) {
        Ordering::Equal if v != floor => Ordering::Less,
        other => other,
    }
}

/// Order of a stored value and a literal; the literal is typed as the query language
/// types it for a Double (nearest double), exactly for an Int.
fn order(value: Val, lit: &Literal<'_>) -> Ordering {
    match (value, &lit.value) {
        (Val::Int(n), Value::Int(m)) => n.cmp(m),
        (Val::Int(n), Value::Float(f)) => cmp_int_double(n, *f),
        (Val::Double(x), Value::Int(m)) => x.partial_cmp(&(*m as f64)).unwrap(),
        (Val::Double(x), Value::Float(f)) => x.partial_cmp(f).unwrap(),
        (Val::Str(s), Value::Str(t)) => (*s).cmp(t.as_ref()),
        other => panic!("unexpected comparison {other:?}"),
    }
}

fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

/// `None` is SQL's unknown.
fn reference(expr: &ast::Expr<'_>, record: &Record) -> Option<bool> {
    match expr {
        ast::Expr::Not(inner) => reference(inner, record).map(|b| !b),
        ast::Expr::And(terms) => {
            let values: Vec<_> = terms.iter().map(|t| reference(t, record)).collect();
            if values.contains(&Some(false)) {
                Some(false)
            } else if values.contains(&None) {
                None
            } else {
                Some(true)
            }
        }
        ast::Expr::Or(terms) => {
            let values: Vec<_> = terms.iter().map(|t| reference(t, record)).collect();
            if values.contains(&Some(true)) {
                Some(true)
            } else if values.contains(&None) {
                None
            } else {
                Some(false)
            }
        }
        ast::Expr::Pred(pred) => {
            let value = value_of(record, pred.attr.name);
            if let Op::IsNull { negated } = pred.op {
                return Some(value.is_some() == negated);
            }
            let value = value?;
            Some(match &pred.op {
                Op::Cmp(op, lit) => holds(*op, order(value, lit)),
                Op::In { values, negated } => {
                    values.iter().any(|l| order(value, l) == Ordering::Equal) != *negated
                }
                Op::Between { low, high, negated } => {
                    let inside = order(value, low) != Ordering::Less
                        && order(value, high) != Ordering::Greater;
                    inside != *negated
                }
                Op::StartsWith { prefix, negated } => {
                    let (Val::Str(s), Value::Str(p)) = (value, &prefix.value) else {
                        panic!("STARTS_WITH on {value:?}")
                    };
                    s.starts_with(p.as_ref()) != *negated
                }
                Op::IsNull { .. } => unreachable!("handled above"),
            })
        }
    }
}

// ---- The IR, evaluated the way stores must: a leaf on a missing value is false. ----

fn stored(record: &Record, field: &Field) -> Option<Scalar> {
    match field {
        Field::NamespaceDivision => None,
        Field::SearchAttribute { id: INT_ID, .. } => record.int.map(Scalar::Int),
        Field::SearchAttribute { id: KEYWORD_ID, .. } => {
            record.keyword.map(|s| Scalar::Str(s.to_owned()))
        }
        Field::SearchAttribute { id: DOUBLE_ID, .. } => record.double.map(Scalar::Double),
        other => panic!("unexpected field {other:?}"),
    }
}

fn same_kind(a: &Scalar, b: &Scalar) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn ir_matches(expr: &Expr, record: &Record) -> bool {
    match expr {
        Expr::True => true,
        Expr::False => false,
        Expr::And(terms) => terms.iter().all(|t| ir_matches(t, record)),
        Expr::Or(terms) => terms.iter().any(|t| ir_matches(t, record)),
        Expr::Pred(pred) => {
            let value = stored(record, &pred.field);
            let Some(value) = value else {
                return pred.test == Test::IsNull;
            };
            let ord = |other: &Scalar| {
                assert!(same_kind(&value, other), "{value:?} vs {other:?}");
                value.partial_cmp(other).unwrap()
            };
            match &pred.test {
                Test::IsNull => false,
                Test::IsNotNull => true,
                Test::Cmp { op, value: v } => holds(*op, ord(v)),
                Test::In { values, negated } => {
                    assert!(!values.is_empty());
                    values.iter().any(|v| ord(v) == Ordering::Equal) != *negated
                }
                Test::Between { low, high, negated } => {
                    let inside = ord(low) != Ordering::Less && ord(high) != Ordering::Greater;
                    inside != *negated
                }
                Test::StartsWith { prefix, negated } => {
                    let Scalar::Str(s) = &value else { panic!() };
                    s.starts_with(prefix.as_str()) != *negated
                }
                other => panic!("unexpected test {other:?}"),
            }
        }
    }
}

/// Structural promises of the IR: no empty or single-term junctions, no nested junction of
/// the same kind, no constants below the root, finite doubles.
fn assert_normalised(expr: &Expr, root: bool, text: &str) {
    match expr {
        Expr::True | Expr::False => assert!(root, "{text}: constant inside {expr:?}"),
        Expr::And(terms) | Expr::Or(terms) => {
            assert!(terms.len() >= 2, "{text}: short junction");
            for term in terms {
                let nested_same = matches!(
                    (expr, term),
                    (Expr::And(_), Expr::And(_)) | (Expr::Or(_), Expr::Or(_))
                );
                assert!(!nested_same, "{text}: unflattened junction");
                assert_normalised(term, false, text);
            }
        }
        Expr::Pred(pred) => {
            let finite = |s: &Scalar| !matches!(s, Scalar::Double(d) if !d.is_finite());
            match &pred.test {
                Test::Cmp { value, .. } => assert!(finite(value), "{text}"),
                Test::In { values, .. } => assert!(values.iter().all(finite), "{text}"),
                Test::Between { low, high, .. } => {
                    assert!(finite(low) && finite(high), "{text}")
                }
                _ => {}
            }
        }
    }
}

#[test]
fn compiled_filters_select_what_three_valued_logic_selects() {
    let attributes = attributes();
    let limits = QueryLimits::default();
    let records = records();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut selective = 0;
    for _ in 0..3000 {
        let depth = 1 + rng.below(4);
        let text = expression(&mut rng, depth);
        let statement = parser::parse(&text, &limits).unwrap();
        let query = compile(&text, &attributes, QueryPurpose::List, &limits)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_normalised(&query.filter, true, &text);
        let mut hits = 0;
        for record in &records {
            let want = reference(statement.filter.as_ref().unwrap(), record) == Some(true);
            let got = ir_matches(&query.filter, record);
            assert_eq!(got, want, "{text}\n{record:?}\n{:?}", query.filter);
            hits += usize::from(got);
        }
        if hits > 0 && hits < records.len() {
            selective += 1;
        }
    }
    // The generator must produce filters that actually discriminate.
    assert!(selective > 1000, "only {selective} selective filters");
}
