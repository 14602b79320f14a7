//! Whole statements: list (ordered, keyset-paged), scan (unordered, keyset on identity) and
//! count (optionally grouped by status).

use crate::attributes::SystemAttribute;
use crate::model::SearchAttributeType;
use crate::query::ir::{CmpOp, Expr, Field, Predicate, Query, Scalar, SortField, SortKey, Test};
use crate::store::sql::filter::render_expr;
use crate::store::sql::layout::{system_column, value_table};
use crate::store::sql::{Dialect, SELECT_COLUMNS, SqlBuilder};

fn push_scope(b: &mut SqlBuilder, namespace_id: &str, filter: &Expr) {
    b.push(" FROM executions e WHERE e.namespace_id = ");
    b.bind_text(namespace_id);
    if *filter != Expr::True {
        b.push(" AND ");
        render_expr(b, filter);
    }
}

/// A test a listing can be driven from: the record has the `sa_string` row
/// `(attr_id, value)`, and holds at most one such row (string rows are distinct per record),
/// so joining on it neither drops nor repeats matches.
#[derive(Debug)]
struct DrivingValue<'a> {
    attr_id: i64,
    value: &'a str,
    /// The rest of the filter, which the joined records must also match.
    rest: Expr,
}

/// The string-row equality implied by `predicate`: a Keyword equal to one value, a
/// KeywordList containing one value, or a Text holding one word.
fn string_row_equality(predicate: &Predicate) -> Option<(i64, &str)> {
    let Field::SearchAttribute { id, ty } = predicate.field else {
        return None;
    };
    let value = match (ty, &predicate.test) {
        (
            SearchAttributeType::Keyword,
            Test::Cmp {
                op: CmpOp::Eq,
                value: Scalar::Str(v),
            },
        ) => v,
        (
            SearchAttributeType::Keyword,
            Test::In {
                values,
                negated: false,
            },
        ) => match &values[..] {
            [Scalar::Str(v)] => v,
            _ => return None,
        },
        (
            SearchAttributeType::KeywordList,
            Test::Contains {
                values,
                negated: false,
            },
        ) if values.len() == 1 => &values[0],
        (
            SearchAttributeType::Text,
            Test::AnyWord {
                words,
                negated: false,
            },
        ) if words.len() == 1 => &words[0],
        _ => return None,
    };
    Some((id, value.as_str()))
}

/// Finds a string-row equality that every match satisfies: the whole filter, or one term of
/// a top-level AND.
fn driving_string_value(filter: &Expr) -> Option<DrivingValue<'_>> {
    match filter {
        Expr::Pred(p) => string_row_equality(p).map(|(attr_id, value)| DrivingValue {
            attr_id,
            value,
            rest: Expr::True,
        }),
        Expr::And(items) => items.iter().enumerate().find_map(|(i, item)| {
            let Expr::Pred(p) = item else { return None };
            let (attr_id, value) = string_row_equality(p)?;
            let mut rest: Vec<Expr> = items[..i].iter().chain(&items[i + 1..]).cloned().collect();
            let rest = match rest.len() {
                0 => Expr::True,
                1 => rest.pop().expect("one item"),
                _ => Expr::And(rest),
            };
            Some(DrivingValue {
                attr_id,
                value,
                rest,
            })
        }),
        _ => None,
    }
}

/// `FROM sa_string d JOIN executions e …`: the matches are read from `sa_string`'s value
/// index, where rows of one `(attr_id, value)` are kept in the default order, so the engine
/// can stop after one page without sorting, whether the value is rare or common.
fn push_driven_scope(b: &mut SqlBuilder, namespace_id: &str, driving: &DrivingValue<'_>) {
    b.push(" FROM sa_string d JOIN executions e ON e.id = d.execution_id WHERE d.attr_id = ");
    b.bind_int(driving.attr_id);
    if let Some(head) = b.dialect().string_value_head {
        // The ordering index holds a leading part of the value (see the MySQL schema).
        let head_value: String = driving.value.chars().take(head).collect();
        b.push(" AND d.value_head = ");
        b.bind_text(&head_value);
    }
    b.push(" AND d.value = ");
    b.bind_text(driving.value);
    // A custom attribute's id belongs to one namespace, so its rows are all of that
    // namespace: no namespace test, because an engine that multiplied in its selectivity
    // would expect too few matches and prefer sorting them all over reading one ordered page.
    // Predefined attributes have fixed (negative) ids shared by every namespace.
    if driving.attr_id < 0 {
        b.push(" AND d.namespace_id = ");
        b.bind_text(namespace_id);
    }
    if driving.rest != Expr::True {
        b.push(" AND ");
        render_expr(b, &driving.rest);
    }
}

/// Renders one page of an ordered listing: records after `after` (the sort values of the
/// previous page's last record), at most `limit` rows.
pub(crate) fn render_list(
    dialect: Dialect,
    namespace_id: &str,
    query: &Query,
    after: Option<&[Option<Scalar>]>,
    limit: i64,
) -> SqlBuilder {
    let keys = query.sort_keys();
    let mut b = SqlBuilder::new(dialect);
    b.push("SELECT ").push(SELECT_COLUMNS);
    let driving = if query.order_by.is_empty() {
        driving_string_value(&query.filter)
    } else {
        None
    };
    // A window bounded above on StartTime cannot come out of an index in the default order
    // (it starts with the close time): its matches are sorted. Sorting only their keys, read
    // from the start-time index, and then fetching one page of records costs a fraction of
    // sorting whole records.
    let deferred = dialect.defer_sorted_windows.filter(|_| {
        driving.is_none() && query.order_by.is_empty() && bounds_start_time_above(&query.filter)
    });
    if let Some((open, _)) = deferred {
        b.push(" FROM executions e WHERE ")
            .push(open)
            .push("SELECT e.id");
    }
    let order = match &driving {
        Some(driving) => {
            push_driven_scope(&mut b, namespace_id, driving);
            SortSource::StringRow
        }
        None => {
            push_scope(&mut b, namespace_id, &query.filter);
            SortSource::Executions
        }
    };
    if let Some(after) = after {
        if query.order_by.is_empty() {
            // Redundant with the keyset test below, but a plain range on the first key of the
            // default order lets the engine seek in the index instead of scanning from the top.
            if let Some(Some(first)) = after.first() {
                b.push(" AND ");
                sort_expr(&mut b, &SortField::CloseTimeRunningFirst, order);
                b.push(" <= ");
                b.bind_scalar(first);
            }
        }
        b.push(" AND ");
        render_keyset(&mut b, &keys, after, order);
    }
    b.push(" ORDER BY ");
    push_order_by(&mut b, &keys, order);
    b.push(" LIMIT ");
    b.bind_int(limit);
    if let Some((_, close)) = deferred {
        b.push(close).push(" ORDER BY ");
        push_order_by(&mut b, &keys, order);
    }
    b
}

/// The sort keys of an ORDER BY clause, missing values last.
fn push_order_by(b: &mut SqlBuilder, keys: &[SortKey], order: SortSource) {
    let nulls_last = b.dialect().nulls_last;
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        let nullable = is_nullable(&key.key);
        if nullable && !nulls_last {
            sort_expr(b, &key.key, order);
            b.push(" IS NULL, ");
        }
        sort_expr(b, &key.key, order);
        b.push(if key.descending { " DESC" } else { " ASC" });
        if nullable && nulls_last {
            b.push(" NULLS LAST");
        }
    }
}

/// Whether the filter (or a term of its top-level AND) puts an upper bound on StartTime.
fn bounds_start_time_above(filter: &Expr) -> bool {
    let bounds = |e: &Expr| {
        matches!(
            e,
            Expr::Pred(Predicate {
                field: Field::System(SystemAttribute::StartTime),
                test: Test::Cmp {
                    op: CmpOp::Lt | CmpOp::Le | CmpOp::Eq,
                    ..
                } | Test::Between { negated: false, .. },
            })
        )
    };
    match filter {
        Expr::And(items) => items.iter().any(bounds),
        other => bounds(other),
    }
}

/// Renders one page of a scan: records ordered by identity after `(run_id, workflow_id)`.
pub(crate) fn render_scan(
    dialect: Dialect,
    namespace_id: &str,
    filter: &Expr,
    after: Option<(&str, &str)>,
    limit: i64,
) -> SqlBuilder {
    let mut b = SqlBuilder::new(dialect);
    b.push("SELECT ").push(SELECT_COLUMNS);
    push_scope(&mut b, namespace_id, filter);
    if let Some((run_id, workflow_id)) = after {
        b.push(" AND (e.run_id > ");
        b.bind_text(run_id);
        b.push(" OR (e.run_id = ");
        b.bind_text(run_id);
        b.push(" AND e.workflow_id > ");
        b.bind_text(workflow_id);
        b.push("))");
    }
    b.push(" ORDER BY e.run_id ASC, e.workflow_id ASC LIMIT ");
    b.bind_int(limit);
    b
}

/// Renders a count; with a `GROUP BY ExecutionStatus` query the rows are `(status, count)`.
pub(crate) fn render_count(dialect: Dialect, namespace_id: &str, query: &Query) -> SqlBuilder {
    let mut b = SqlBuilder::new(dialect);
    let grouped = query.group_by.is_some();
    b.push(if grouped {
        "SELECT e.status, COUNT(*)"
    } else {
        "SELECT COUNT(*)"
    });
    push_scope(&mut b, namespace_id, &query.filter);
    if grouped {
        b.push(" GROUP BY e.status");
    }
    b
}

fn is_nullable(key: &SortField) -> bool {
    use SystemAttribute as S;
    match key {
        SortField::CloseTimeRunningFirst => false,
        SortField::Field(Field::System(s)) => matches!(
            s,
            S::ParentWorkflowId
                | S::ParentRunId
                | S::RootWorkflowId
                | S::RootRunId
                | S::CloseTime
                | S::ExecutionDuration
        ),
        SortField::Field(Field::NamespaceDivision | Field::SearchAttribute { .. }) => true,
    }
}

/// Where the default-order sort columns are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortSource {
    /// The record row `e`.
    Executions,
    /// The driving `sa_string` row `d`, which holds copies of the record's default-order
    /// columns (a listing ordered by them comes out of `sa_string`'s value index in order).
    StringRow,
}

fn sort_expr(b: &mut SqlBuilder, key: &SortField, source: SortSource) {
    if source == SortSource::StringRow {
        let column = match key {
            SortField::CloseTimeRunningFirst => Some("d.close_sort"),
            SortField::Field(Field::System(SystemAttribute::StartTime)) => Some("d.start_time"),
            SortField::Field(Field::System(SystemAttribute::RunId)) => Some("d.run_id"),
            SortField::Field(Field::System(SystemAttribute::WorkflowId)) => Some("d.workflow_id"),
            _ => None,
        };
        if let Some(column) = column {
            b.push(column);
            return;
        }
    }
    match key {
        SortField::CloseTimeRunningFirst => {
            b.push("e.close_sort");
        }
        SortField::Field(Field::System(SystemAttribute::ExecutionStatus)) => {
            b.push("e.status_rank");
        }
        SortField::Field(Field::System(s)) => {
            b.push(system_column(*s));
        }
        SortField::Field(Field::NamespaceDivision) => {
            b.push("e.namespace_division");
        }
        SortField::Field(Field::SearchAttribute { id, ty }) => {
            b.push("(SELECT s.value FROM ")
                .push(value_table(*ty).name())
                .push(" s WHERE s.execution_id = e.id AND s.attr_id = ");
            b.bind_int(*id);
            b.push(")");
        }
    }
}

/// Rows strictly after `after` in the order `keys`, with missing values last in both
/// directions: `(k1 after v1) OR (k1 = v1 AND k2 after v2) OR …`.
fn render_keyset(
    b: &mut SqlBuilder,
    keys: &[SortKey],
    after: &[Option<Scalar>],
    source: SortSource,
) {
    b.push("(");
    let mut first_disjunct = true;
    for (i, (key, value)) in keys.iter().zip(after).enumerate() {
        // Nothing sorts after a missing value: no disjunct for this key.
        let Some(value) = value else { continue };
        if !first_disjunct {
            b.push(" OR ");
        }
        first_disjunct = false;
        b.push("(");
        for (prev_key, prev_value) in keys[..i].iter().zip(after) {
            sort_expr(b, &prev_key.key, source);
            match prev_value {
                Some(v) => {
                    b.push(" = ");
                    b.bind_scalar(v);
                }
                None => {
                    b.push(" IS NULL");
                }
            }
            b.push(" AND ");
        }
        let nullable = is_nullable(&key.key);
        if nullable {
            b.push("(");
        }
        sort_expr(b, &key.key, source);
        b.push(if key.descending { " < " } else { " > " });
        b.bind_scalar(value);
        if nullable {
            b.push(" OR ");
            sort_expr(b, &key.key, source);
            b.push(" IS NULL)");
        }
        b.push(")");
    }
    if first_disjunct {
        b.push("1 = 0");
    }
    b.push(")");
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;
    use crate::QueryLimits;
    use crate::attributes::{AttributeDef, NamespaceAttributes};
    use crate::query::{QueryPurpose, compile};

    fn listing(filter: &str) -> String {
        let attrs = NamespaceAttributes::new([
            AttributeDef {
                id: 7,
                name: "Kw".into(),
                ty: SearchAttributeType::Keyword,
            },
            AttributeDef {
                id: 8,
                name: "Tags".into(),
                ty: SearchAttributeType::KeywordList,
            },
        ]);
        let query = compile(filter, &attrs, QueryPurpose::List, &QueryLimits::default())
            .unwrap_or_else(|e| panic!("{filter}: {e}"));
        render_list(Dialect::SQLITE, "ns", &query, None, 10).sql
    }

    const DRIVEN: &str = "FROM sa_string d JOIN executions e ON e.id = d.execution_id";

    #[test]
    fn one_string_value_drives_the_listing_in_order() {
        for filter in [
            "Kw = 'a'",
            "Kw IN ('a')",
            "Tags = 'a'",
            "Kw = 'a' AND WorkflowType = 't'",
            "WorkflowType = 't' AND Tags = 'b'",
        ] {
            let sql = listing(filter);
            assert!(sql.contains(DRIVEN), "{filter}: {sql}");
            assert!(
                sql.contains("ORDER BY d.close_sort DESC, d.start_time DESC, d.run_id ASC"),
                "{filter}: {sql}"
            );
            // Custom attribute ids are namespace-specific: no namespace test on the join.
            assert!(!sql.contains("namespace_id ="), "{filter}: {sql}");
        }
    }

    #[test]
    fn other_filters_read_the_records_table() {
        for filter in [
            "",
            "Kw != 'a'",
            "Kw IN ('a', 'b')",
            "Kw = 'a' OR WorkflowType = 't'",
            "Kw > 'a'",
            "Kw = 'a' ORDER BY StartTime",
        ] {
            let sql = listing(filter);
            assert!(!sql.contains(DRIVEN), "{filter}: {sql}");
            assert!(
                sql.contains("FROM executions e WHERE e.namespace_id = "),
                "{filter}: {sql}"
            );
        }
    }

    #[test]
    fn start_time_windows_sort_keys_before_fetching_records() {
        for filter in [
            "StartTime BETWEEN '2026-01-01T00:00:00Z' AND '2026-01-02T00:00:00Z'",
            "StartTime >= '2026-01-01T00:00:00Z' AND StartTime < '2026-01-02T00:00:00Z'",
            "WorkflowType = 't' AND StartTime <= '2026-01-02T00:00:00Z'",
        ] {
            let sql = listing(filter);
            assert!(
                sql.starts_with("SELECT e.namespace_id")
                    && sql.contains(" FROM executions e WHERE e.id IN (SELECT e.id FROM executions e WHERE ")
                    && sql.ends_with(
                        ") ORDER BY e.close_sort DESC, e.start_time DESC, e.run_id ASC, e.workflow_id ASC"
                    ),
                "{filter}: {sql}"
            );
        }
        // A lower bound alone is read in order from the default-order index.
        for filter in [
            "StartTime >= '2026-01-01T00:00:00Z'",
            "Kw = 'a' AND StartTime < '2026-01-02T00:00:00Z'",
        ] {
            let sql = listing(filter);
            assert!(!sql.contains("e.id IN ("), "{filter}: {sql}");
        }
    }

    #[test]
    fn predefined_attributes_keep_the_namespace_test() {
        let sql = listing("BuildIds = 'x'");
        assert!(sql.contains(DRIVEN), "{sql}");
        assert!(sql.contains("d.namespace_id = "), "{sql}");
    }
}
