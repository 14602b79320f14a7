//! Evaluation of a compiled filter against one stored record.
//!
//! The IR is in negation normal form and every leaf except `IS [NOT] NULL` is false on a
//! missing value, so plain two-valued evaluation of the tree gives exactly SQL's
//! three-valued result.

use std::cmp::Ordering;

use crate::attributes::{NamespaceAttributes, text_words};
use crate::model::{ExecutionRecord, SearchAttributeValue};
use crate::query::ir::{CmpOp, Expr, Field, Predicate, Scalar, Test};
use crate::store::common::field_scalar;

use super::scalar::compare;

/// Whether `record` matches `expr`. `registry` must be the one the query was compiled with
/// (it maps attribute ids back to the names records are keyed by).
pub(super) fn matches(
    expr: &Expr,
    record: &ExecutionRecord,
    registry: &NamespaceAttributes,
) -> bool {
    match expr {
        Expr::True => true,
        Expr::False => false,
        Expr::And(parts) => parts.iter().all(|e| matches(e, record, registry)),
        Expr::Or(parts) => parts.iter().any(|e| matches(e, record, registry)),
        Expr::Pred(p) => holds(p, record, registry),
    }
}

/// A field's value in the shape its tests need.
enum Value<'a> {
    Scalar(Scalar),
    Text(&'a str),
    List(&'a [String]),
}

/// The value of `field`, `None` when missing. Text and KeywordList attributes have no scalar
/// form, so they are read from the record directly; an empty list counts as missing.
fn field_value<'a>(
    record: &'a ExecutionRecord,
    field: &Field,
    registry: &NamespaceAttributes,
) -> Option<Value<'a>> {
    if let Field::SearchAttribute { id, .. } = field {
        let (name, _) = registry.by_id(*id)?;
        match record.search_attributes.get(name)? {
            SearchAttributeValue::Text(s) => return Some(Value::Text(s)),
            SearchAttributeValue::KeywordList(items) if items.is_empty() => return None,
            SearchAttributeValue::KeywordList(items) => return Some(Value::List(items)),
            _ => {}
        }
    }
    field_scalar(record, field, registry).map(Value::Scalar)
}

fn holds(p: &Predicate, record: &ExecutionRecord, registry: &NamespaceAttributes) -> bool {
    let value = field_value(record, &p.field, registry);
    match (&p.test, value) {
        (Test::IsNull, v) => v.is_none(),
        (Test::IsNotNull, v) => v.is_some(),
        (_, None) => false,
        (Test::Cmp { op, value }, Some(Value::Scalar(v))) => {
            compare(&v, value).is_some_and(|o| op_holds(*op, o))
        }
        (Test::In { values, negated }, Some(Value::Scalar(v))) => {
            let mut found = false;
            for candidate in values {
                match compare(&v, candidate) {
                    Some(Ordering::Equal) => found = true,
                    Some(_) => {}
                    // A literal of another kind cannot be compared: unknown, so no match.
                    None => return false,
                }
            }
            found != *negated
        }
        (Test::Between { low, high, negated }, Some(Value::Scalar(v))) => {
            match (compare(&v, low), compare(&v, high)) {
                (Some(lo), Some(hi)) => {
                    (lo != Ordering::Less && hi != Ordering::Greater) != *negated
                }
                _ => false,
            }
        }
        (Test::StartsWith { prefix, negated }, Some(Value::Scalar(Scalar::Str(s)))) => {
            s.starts_with(prefix.as_str()) != *negated
        }
        (Test::Contains { values, negated }, Some(Value::List(items))) => {
            values.iter().any(|v| items.contains(v)) != *negated
        }
        (Test::AnyWord { words, negated }, Some(Value::Text(text))) => {
            let stored = text_words(text);
            words.iter().any(|w| stored.contains(w)) != *negated
        }
        // A test that does not fit the field's kind; the compiler never produces one.
        _ => false,
    }
}

fn op_holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}
