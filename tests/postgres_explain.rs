//! PostgreSQL plans for the canonical queries (see `tests/canonical/mod.rs`).
//!
//! After loading a few thousand records over several namespaces and running ANALYZE, each
//! canonical query is rendered with `workflow_visibility::store::postgres::render_list_sql` /
//! `render_count_sql` (the exact text the store runs) and explained with the same bound values
//! through sqlx, as the store would send them. Every plan must reach `executions` through one
//! of the schema's indexes, never a sequential scan, and listings must come out of the index in
//! the default order: no Sort or Incremental Sort node. No planner settings are changed.
//!
//! The plans are printed (run with `--nocapture` to see them).

#![cfg(feature = "postgres")]

mod canonical;
mod support;

use std::sync::Arc;

use serde_json::Value;
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use workflow_visibility::attributes::{AttributeDef, NamespaceAttributes};
use workflow_visibility::query::{QueryPurpose, compile};
use workflow_visibility::store::postgres::{
    PostgresOptions, PostgresStore, RenderedSql, SqlValue, render_count_sql, render_list_sql,
};
use workflow_visibility::{QueryLimits, VisibilityManager};

use canonical::{CanonicalQuery, Fixture, Kind, PAGE_SIZE};

/// One node of a plan, flattened.
#[derive(Debug)]
struct PlanNode {
    depth: usize,
    node_type: String,
    relation: Option<String>,
    index: Option<String>,
    detail: String,
}

/// Walks EXPLAIN (FORMAT JSON) output depth-first.
fn flatten(plan: &Value, depth: usize, out: &mut Vec<PlanNode>) {
    let text = |key: &str| plan.get(key).and_then(Value::as_str).map(str::to_string);
    let detail = [
        "Index Cond",
        "Recheck Cond",
        "Filter",
        "Sort Key",
        "Group Key",
        "Join Filter",
    ]
    .iter()
    .filter_map(|key| plan.get(*key).map(|v| format!("{key}: {v}")))
    .collect::<Vec<_>>()
    .join("; ");
    out.push(PlanNode {
        depth,
        node_type: text("Node Type").unwrap_or_default(),
        relation: text("Relation Name"),
        index: text("Index Name"),
        detail,
    });
    if let Some(children) = plan.get("Plans").and_then(Value::as_array) {
        for child in children {
            flatten(child, depth + 1, out);
        }
    }
}

fn show(nodes: &[PlanNode]) -> String {
    nodes
        .iter()
        .map(|n| {
            let mut line = format!("{}{}", "  ".repeat(n.depth + 1), n.node_type);
            if let Some(index) = &n.index {
                line.push_str(&format!(" using {index}"));
            }
            if let Some(relation) = &n.relation {
                line.push_str(&format!(" on {relation}"));
            }
            if !n.detail.is_empty() {
                line.push_str(&format!("  [{}]", n.detail));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Binds the rendered parameters as the store binds them.
fn bind_rendered<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    rendered: &'q RenderedSql,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    for param in &rendered.params {
        query = match param {
            SqlValue::Int(i) => query.bind(*i),
            SqlValue::Double(d) => query.bind(*d),
            SqlValue::Text(t) => query.bind(t.as_str()),
        };
    }
    query
}

/// A parameter's SQL type and its value as a SQL literal, for `PREPARE` / `EXECUTE`.
fn typed_literal(param: &SqlValue) -> (&'static str, String) {
    match param {
        SqlValue::Int(i) => ("bigint", i.to_string()),
        SqlValue::Double(d) => ("double precision", format!("'{d:?}'")),
        SqlValue::Text(t) => ("text", format!("'{}'", t.replace('\'', "''"))),
    }
}

/// Explains `rendered` with its values bound. With `generic`, explains the generic plan
/// PostgreSQL may switch to once the store's cached prepared statement has run a few times:
/// the statement is prepared under `plan_cache_mode = force_generic_plan` and explained
/// through `EXECUTE` with the same values.
async fn explain(pool: &PgPool, rendered: &RenderedSql, generic: bool) -> Vec<PlanNode> {
    let mut conn = pool.acquire().await.expect("a connection for EXPLAIN");
    let row = if generic {
        let (types, arguments): (Vec<&str>, Vec<String>) =
            rendered.params.iter().map(typed_literal).unzip();
        let setup = format!(
            "SET plan_cache_mode = force_generic_plan; PREPARE canonical ({}) AS {}",
            types.join(", "),
            rendered.sql
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(setup))
            .execute(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("PREPARE {}: {e}", rendered.sql));
        // EXECUTE takes no bind parameters: its arguments are written as literals.
        let sql = format!(
            "EXPLAIN (FORMAT JSON) EXECUTE canonical ({})",
            arguments.join(", ")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .persistent(false)
            .fetch_one(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("EXPLAIN EXECUTE {}: {e}", rendered.sql));
        sqlx::raw_sql("DEALLOCATE canonical; RESET plan_cache_mode")
            .execute(&mut *conn)
            .await
            .expect("deallocate");
        row
    } else {
        let sql = format!("EXPLAIN (FORMAT JSON) {}", rendered.sql);
        bind_rendered(
            sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false),
            rendered,
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("EXPLAIN {}: {e}", rendered.sql))
    };
    // `json` travels as text; sqlx's String decoder does not claim the json type.
    let text: String = row
        .try_get_unchecked(0)
        .expect("EXPLAIN returns one text column");
    let doc: Value = serde_json::from_str(&text).expect("EXPLAIN returns JSON");
    let mut nodes = Vec::new();
    flatten(&doc[0]["Plan"], 0, &mut nodes);
    nodes
}

/// The namespace's custom attributes with their storage ids, read as the store reads them.
fn registry(server: &support::databases::TestServer, url: &str, ns: &str) -> NamespaceAttributes {
    let rows = server.query(
        url,
        &format!("SELECT id, name, type FROM search_attributes WHERE namespace_id = '{ns}'"),
    );
    NamespaceAttributes::new(rows.lines().filter(|l| !l.is_empty()).map(|line| {
        let cols: Vec<&str> = line.split('\t').collect();
        AttributeDef {
            id: cols[0].parse().expect("an integer id"),
            name: cols[1].to_string(),
            ty: cols[2].parse().expect("a known type"),
        }
    }))
}

fn render(q: &CanonicalQuery, ns: &str, attrs: &NamespaceAttributes) -> RenderedSql {
    let limits = QueryLimits::default();
    match q.kind {
        Kind::OrderedList | Kind::SortedList => {
            let query = compile(&q.filter, attrs, QueryPurpose::List, &limits)
                .unwrap_or_else(|e| panic!("{}: {e}", q.name));
            render_list_sql(ns, &query, PAGE_SIZE)
        }
        Kind::CountByStatus => {
            let query = compile(&q.filter, attrs, QueryPurpose::Count, &limits)
                .unwrap_or_else(|e| panic!("{}: {e}", q.name));
            render_count_sql(ns, &query)
        }
    }
}

/// What is wrong with a plan, if anything: a sequential scan anywhere, `executions` not
/// reached through one of its indexes, or a sort in a listing that must be ordered.
fn problems(q: &CanonicalQuery, nodes: &[PlanNode], our_indexes: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for n in nodes {
        if n.node_type == "Seq Scan" {
            found.push(format!(
                "sequential scan on {}",
                n.relation.as_deref().unwrap_or("?")
            ));
        }
        if q.kind == Kind::OrderedList
            && (n.node_type == "Sort" || n.node_type == "Incremental Sort")
        {
            found.push(format!("separate {} step", n.node_type));
        }
    }
    let executions_by_index = nodes.iter().any(|n| {
        matches!(
            n.node_type.as_str(),
            "Index Scan" | "Index Only Scan" | "Bitmap Index Scan"
        ) && n.index.as_ref().is_some_and(|i| our_indexes.contains(i))
    });
    if !executions_by_index {
        found.push("no index of the executions table is used".to_string());
    }
    found
}

#[tokio::test]
async fn canonical_queries_use_indexes_without_sorting() {
    let server = support::databases::postgres();
    let url = server.create_database("explain");
    let options = PostgresOptions::from_url(&url).expect("a valid URL");
    let store = Arc::new(PostgresStore::setup(options).await.expect("set up"));
    let fixture = Fixture::new("explain", 4, 1500);
    fixture.load(store.clone()).await;
    server.query(&url, "ANALYZE");

    let ns = fixture.queried_namespace();
    let loaded = server.query(
        &url,
        &format!("SELECT count(*) FROM executions WHERE namespace_id = '{ns}'"),
    );
    assert_eq!(loaded, fixture.per_namespace.to_string());
    let our_indexes: Vec<String> = server
        .query(
            &url,
            "SELECT indexname FROM pg_indexes WHERE tablename = 'executions'",
        )
        .lines()
        .map(str::to_string)
        .collect();

    let attrs = registry(server, &url, ns);
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("connect for EXPLAIN");
    let mut failures = Vec::new();
    for q in fixture.queries() {
        let rendered = render(&q, ns, &attrs);
        // The plan for these values, and the generic plan PostgreSQL may switch to once the
        // store's prepared statement has run a few times.
        for generic in [false, true] {
            let nodes = explain(&pool, &rendered, generic).await;
            let wrong = problems(&q, &nodes, &our_indexes);
            let plan = if generic { "generic plan" } else { "plan" };
            eprintln!(
                "{} ({:?}, {:?}) {plan}{}\n{}",
                q.name,
                q.filter,
                q.kind,
                if wrong.is_empty() { "" } else { "  <-- FAILS" },
                show(&nodes)
            );
            if !wrong.is_empty() {
                failures.push(format!(
                    "{} ({plan}): {}\n  {}\n{}",
                    q.name,
                    wrong.join(", "),
                    rendered.sql,
                    show(&nodes)
                ));
            }
        }
    }
    pool.close().await;
    store.close().await.unwrap();
    assert!(
        failures.is_empty(),
        "canonical queries with bad plans:\n{}",
        failures.join("\n")
    );
}
