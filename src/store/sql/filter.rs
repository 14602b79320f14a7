//! Filter rendering. The IR is in negation normal form and every leaf is false for a missing
//! value, so SQL's own NULL logic gives the right answer: a comparison with a NULL column is
//! NULL, and with no NOT above it a NULL leaf can never turn a row into a match.

use crate::attributes::SystemAttribute;
use crate::model::SearchAttributeType;
use crate::query::ir::{CmpOp, Expr, Field, Predicate, Test};
use crate::store::common::RUNNING_CLOSE_SORT;
use crate::store::sql::layout::{system_column, value_table};
use crate::store::sql::{SqlBuilder, SqlValue};

/// Appends `expr` as a boolean SQL expression.
pub(crate) fn render_expr(b: &mut SqlBuilder, expr: &Expr) {
    match expr {
        Expr::True => {
            b.push("1 = 1");
        }
        Expr::False => {
            b.push("1 = 0");
        }
        Expr::And(items) => render_junction(b, items, " AND "),
        Expr::Or(items) => render_junction(b, items, " OR "),
        Expr::Pred(p) => render_predicate(b, p),
    }
}

/// One operand of an AND/OR after merging: an expression, or several scalar tests on the
/// same single-valued search attribute that share one subquery.
enum Operand<'a> {
    Expr(&'a Expr),
    SameAttribute {
        id: i64,
        ty: SearchAttributeType,
        tests: Vec<&'a Test>,
    },
}

/// Groups the scalar tests on each single-valued search attribute. For a single value,
/// `(present AND p1) OP (present AND p2)` equals `present AND (p1 OP p2)`, so a group needs one
/// subquery instead of one per test (a wide filter would otherwise make the engine plan
/// hundreds of correlated subqueries).
fn operands(items: &[Expr]) -> Vec<Operand<'_>> {
    let mut out: Vec<Operand<'_>> = Vec::with_capacity(items.len());
    for item in items {
        if let Expr::Pred(Predicate {
            field: Field::SearchAttribute { id, ty },
            test,
        }) = item
        {
            let single_valued = !matches!(
                ty,
                SearchAttributeType::Text | SearchAttributeType::KeywordList
            );
            let scalar = !matches!(test, Test::IsNull | Test::IsNotNull);
            if single_valued && scalar {
                let existing = out.iter_mut().find_map(|o| match o {
                    Operand::SameAttribute { id: gid, tests, .. } if gid == id => Some(tests),
                    _ => None,
                });
                match existing {
                    Some(tests) => tests.push(test),
                    None => out.push(Operand::SameAttribute {
                        id: *id,
                        ty: *ty,
                        tests: vec![test],
                    }),
                }
                continue;
            }
        }
        out.push(Operand::Expr(item));
    }
    out
}

fn render_junction(b: &mut SqlBuilder, items: &[Expr], op: &str) {
    let operands = operands(items);
    balanced(b, &operands, op, &mut |b, operand| match operand {
        Operand::Expr(e) => render_expr(b, e),
        Operand::SameAttribute { id, ty, tests } => {
            open_exists(b, *id, *ty, false);
            b.push(" AND ");
            balanced(b, tests, op, &mut |b, t| {
                render_column_test(b, "s.value", t)
            });
            b.push(")");
        }
    });
}

/// Renders `a OP b OP …` as a balanced tree of parenthesised halves. Engines parse a flat
/// chain as a left-deep tree, so a list of a thousand terms would nest a thousand deep and
/// hit their expression-depth limits (SQLite's is 1000); balanced, it nests log2(n) deep.
fn balanced<T>(
    b: &mut SqlBuilder,
    items: &[T],
    op: &str,
    render: &mut dyn FnMut(&mut SqlBuilder, &T),
) {
    b.push("(");
    if items.len() <= 4 {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                b.push(op);
            }
            render(b, item);
        }
    } else {
        let (left, right) = items.split_at(items.len() / 2);
        balanced(b, left, op, render);
        b.push(op);
        balanced(b, right, op, render);
    }
    b.push(")");
}

fn render_predicate(b: &mut SqlBuilder, p: &Predicate) {
    match &p.field {
        Field::System(SystemAttribute::CloseTime) if render_close_time_range(b, &p.test) => {}
        Field::System(attr) => render_column_test(b, system_column(*attr), &p.test),
        Field::NamespaceDivision => render_column_test(b, "e.namespace_division", &p.test),
        Field::SearchAttribute { id, ty } => render_attribute_test(b, *id, *ty, &p.test),
    }
}

/// Renders a positive range or equality test on CloseTime as the same test on `close_sort`,
/// which equals the close time of every closed record and is `RUNNING_CLOSE_SORT` (above any
/// time) for running ones, excluded by the upper bound. The listing indexes order rows by
/// `close_sort`, so the range bounds their scan and the rows come out in the default order
/// without a sort. Returns false, rendering nothing, for any other test.
fn render_close_time_range(b: &mut SqlBuilder, test: &Test) -> bool {
    match test {
        Test::Cmp { op, value } if *op != CmpOp::Ne => {
            b.push("(e.close_sort ").push(op.sql()).push(" ");
            b.bind_scalar(value);
        }
        Test::Between {
            low,
            high,
            negated: false,
        } => {
            b.push("(e.close_sort BETWEEN ");
            b.bind_scalar(low).push(" AND ").bind_scalar(high);
        }
        _ => return false,
    }
    b.push(" AND e.close_sort < ");
    b.bind_int(RUNNING_CLOSE_SORT);
    b.push(")");
    true
}

/// A test on a nullable scalar column (or `s.value` inside a side-table subquery).
fn render_column_test(b: &mut SqlBuilder, column: &str, test: &Test) {
    match test {
        Test::IsNull => {
            b.push(column).push(" IS NULL");
        }
        Test::IsNotNull => {
            b.push(column).push(" IS NOT NULL");
        }
        Test::Cmp { op, value } => {
            b.push(column).push(" ").push(op.sql()).push(" ");
            b.bind_scalar(value);
        }
        Test::In { values, negated } => {
            b.push(column)
                .push(if *negated { " NOT IN " } else { " IN " });
            b.bind_list(values, |v: &crate::query::ir::Scalar| SqlValue::from(v));
        }
        Test::Between { low, high, negated } => {
            b.push(column).push(if *negated {
                " NOT BETWEEN "
            } else {
                " BETWEEN "
            });
            b.bind_scalar(low).push(" AND ").bind_scalar(high);
        }
        Test::StartsWith { prefix, negated } => render_prefix(b, column, prefix, *negated),
        // Text and KeywordList tests never address a scalar column: the resolver only
        // produces them for search attributes, which render_attribute_test handles.
        Test::Contains { .. } | Test::AnyWord { .. } => {
            b.push("1 = 0");
        }
    }
}

/// Prefix tests as a code-point range, so they use indexes and never depend on LIKE's
/// wildcards or case folding.
fn render_prefix(b: &mut SqlBuilder, column: &str, prefix: &str, negated: bool) {
    if prefix.is_empty() {
        // Every present value starts with the empty prefix.
        if negated {
            b.push("1 = 0");
        } else {
            b.push(column).push(" IS NOT NULL");
        }
        return;
    }
    match prefix_upper_bound(prefix) {
        Some(upper) if !negated => {
            b.push("(").push(column).push(" >= ");
            b.bind_text(prefix).push(" AND ").push(column).push(" < ");
            b.bind(SqlValue::Text(upper)).push(")");
        }
        Some(upper) => {
            b.push("(").push(column).push(" < ");
            b.bind_text(prefix).push(" OR ").push(column).push(" >= ");
            b.bind(SqlValue::Text(upper)).push(")");
        }
        None => {
            b.push(column).push(if negated { " < " } else { " >= " });
            b.bind_text(prefix);
        }
    }
}

/// The smallest string greater than every string starting with `prefix` (in code-point
/// order), or `None` when no such string exists (the prefix is all U+10FFFF).
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 {
            0xD7FF => Some('\u{E000}'),
            c => char::from_u32(c + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// `EXISTS (SELECT 1 FROM <table> s WHERE s.execution_id = e.id AND s.attr_id = ?` — the
/// caller appends further conditions and the closing parenthesis.
fn open_exists(b: &mut SqlBuilder, id: i64, ty: SearchAttributeType, negated: bool) {
    b.push(if negated {
        "NOT EXISTS (SELECT 1 FROM "
    } else {
        "EXISTS (SELECT 1 FROM "
    })
    .push(value_table(ty).name())
    .push(" s WHERE s.execution_id = e.id AND s.attr_id = ");
    b.bind_int(id);
}

fn render_attribute_test(b: &mut SqlBuilder, id: i64, ty: SearchAttributeType, test: &Test) {
    match test {
        Test::IsNull => {
            open_exists(b, id, ty, true);
            b.push(")");
        }
        Test::IsNotNull => {
            open_exists(b, id, ty, false);
            b.push(")");
        }
        Test::Contains { values, negated } => {
            if *negated {
                // Present, and none of the values is an element.
                b.push("(");
                open_exists(b, id, ty, false);
                b.push(") AND ");
            }
            open_exists(b, id, ty, *negated);
            b.push(" AND s.value IN ");
            b.bind_list(values, |v: &String| SqlValue::Text(v.clone()));
            b.push(")");
            if *negated {
                b.push(")");
            }
        }
        Test::AnyWord { words, negated } => {
            if *negated {
                // Present (the empty-string marker row), and none of the words occurs.
                b.push("(");
                open_exists(b, id, ty, false);
                b.push(" AND s.value = ");
                b.bind_text("");
                b.push(") AND ");
            }
            open_exists(b, id, ty, *negated);
            b.push(" AND s.value IN ");
            b.bind_list(words, |v: &String| SqlValue::Text(v.clone()));
            b.push(")");
            if *negated {
                b.push(")");
            }
        }
        scalar_test => {
            open_exists(b, id, ty, false);
            b.push(" AND ");
            render_column_test(b, "s.value", scalar_test);
            b.push(")");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_bounds() {
        assert_eq!(prefix_upper_bound("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(prefix_upper_bound("\u{10FFFF}"), None);
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn close_time_ranges_are_rendered_on_close_sort() {
        use crate::query::ir::Scalar;
        use crate::store::sql::Dialect;

        let render = |test: Test| {
            let mut b = SqlBuilder::new(Dialect::SQLITE);
            render_expr(
                &mut b,
                &Expr::Pred(Predicate {
                    field: Field::System(SystemAttribute::CloseTime),
                    test,
                }),
            );
            (b.sql, b.binds)
        };
        let (sql, binds) = render(Test::Cmp {
            op: CmpOp::Ge,
            value: Scalar::Time(5),
        });
        assert_eq!(sql, "(e.close_sort >= ? AND e.close_sort < ?)");
        assert_eq!(binds, [SqlValue::Int(5), SqlValue::Int(RUNNING_CLOSE_SORT)]);
        let (sql, _) = render(Test::Between {
            low: Scalar::Time(1),
            high: Scalar::Time(9),
            negated: false,
        });
        assert_eq!(sql, "(e.close_sort BETWEEN ? AND ? AND e.close_sort < ?)");
        // Tests that running records (no close time) must fail stay on close_time.
        let (sql, _) = render(Test::Cmp {
            op: CmpOp::Ne,
            value: Scalar::Time(5),
        });
        assert_eq!(sql, "e.close_time <> ?");
        let (sql, _) = render(Test::Between {
            low: Scalar::Time(1),
            high: Scalar::Time(9),
            negated: true,
        });
        assert_eq!(sql, "e.close_time NOT BETWEEN ? AND ?");
    }
}
