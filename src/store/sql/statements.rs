//! Whole statements: list (ordered, keyset-paged), scan (unordered, keyset on identity) and
//! count (optionally grouped by status).

use crate::attributes::SystemAttribute;
use crate::query::ir::{Expr, Field, Query, Scalar, SortField, SortKey};
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
    push_scope(&mut b, namespace_id, &query.filter);
    if let Some(after) = after {
        if query.order_by.is_empty() {
            // Redundant with the keyset test below, but a plain range on the first key of the
            // default order lets the engine seek in the index instead of scanning from the top.
            if let Some(Some(first)) = after.first() {
                b.push(" AND e.close_sort <= ");
                b.bind_scalar(first);
            }
        }
        b.push(" AND ");
        render_keyset(&mut b, &keys, after);
    }
    b.push(" ORDER BY ");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        let nullable = is_nullable(&key.key);
        if nullable && !dialect.nulls_last {
            sort_expr(&mut b, &key.key);
            b.push(" IS NULL, ");
        }
        sort_expr(&mut b, &key.key);
        b.push(if key.descending { " DESC" } else { " ASC" });
        if nullable && dialect.nulls_last {
            b.push(" NULLS LAST");
        }
    }
    b.push(" LIMIT ");
    b.bind_int(limit);
    b
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

fn sort_expr(b: &mut SqlBuilder, key: &SortField) {
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
fn render_keyset(b: &mut SqlBuilder, keys: &[SortKey], after: &[Option<Scalar>]) {
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
            sort_expr(b, &prev_key.key);
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
        sort_expr(b, &key.key);
        b.push(if key.descending { " < " } else { " > " });
        b.bind_scalar(value);
        if nullable {
            b.push(" OR ");
            sort_expr(b, &key.key);
            b.push(" IS NULL)");
        }
        b.push(")");
    }
    if first_disjunct {
        b.push("1 = 0");
    }
    b.push(")");
}
