//! Plans of the statements the stores run for the canonical queries (`WFVIS_SCALE_EXPLAIN=1`).
//!
//! The statements come from the crate's own renderers, so the plan shown is the plan of the
//! exact SQL the store runs.

use workflow_visibility::attributes::{AttributeDef, NamespaceAttributes};
use workflow_visibility::query::{QueryPurpose, compile};
use workflow_visibility::{QueryLimits, SearchAttributeType};

use super::dataset::{INT_ATTR, KEYWORD_ATTR, MAIN_NS};
use super::queries::{Canonical, Kind};
use super::rows::Registry;

/// A value bound to a statement parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Double(f64),
    Text(String),
}

impl Param {
    /// Reads a rendered parameter from its `Debug` text (`Int(5)`, `Text("x")`,
    /// `Double(1.5)`): the crate's value type is public but not reachable by path.
    pub fn from_debug(value: &impl std::fmt::Debug) -> Param {
        let text = format!("{value:?}");
        let inner = |prefix: &str| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(')'))
                .map(str::to_string)
        };
        if let Some(i) = inner("Int(") {
            Param::Int(i.parse().expect("an integer parameter"))
        } else if let Some(d) = inner("Double(") {
            Param::Double(d.parse().expect("a double parameter"))
        } else if let Some(s) = inner("Text(") {
            Param::Text(serde_json::from_str(&s).expect("a plain string parameter"))
        } else {
            panic!("unknown parameter {text}")
        }
    }
}

/// A statement with its parameters.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Param>,
}

impl Statement {
    /// From a rendered statement's SQL and parameters.
    pub fn new<P: std::fmt::Debug>(sql: String, params: &[P]) -> Statement {
        Statement {
            sql,
            params: params.iter().map(Param::from_debug).collect(),
        }
    }

    /// The count a list statement's filter gives: the renderer's count statement is
    /// `SELECT e.status, COUNT(*)` over the same FROM/WHERE with `GROUP BY e.status` (used
    /// where a store exposes only its list renderer).
    pub fn grouped_count_of_list(&self) -> Statement {
        let from = self
            .sql
            .find(" FROM executions e WHERE ")
            .expect("a list statement");
        let order = self.sql.rfind(" ORDER BY ").expect("a list statement");
        let mut params = self.params.clone();
        params.pop(); // the LIMIT
        Statement {
            sql: format!(
                "SELECT e.status, COUNT(*){} GROUP BY e.status",
                &self.sql[from..order]
            ),
            params,
        }
    }

    /// `?` placeholders renumbered as `$1, $2, …` (the renderer's only dialect difference
    /// between SQLite and PostgreSQL for these queries; values never appear in the text).
    pub fn numbered(&self) -> Statement {
        let mut sql = String::with_capacity(self.sql.len() + 16);
        let mut n = 0;
        for c in self.sql.chars() {
            if c == '?' {
                n += 1;
                sql.push_str(&format!("${n}"));
            } else {
                sql.push(c);
            }
        }
        Statement {
            sql,
            params: self.params.clone(),
        }
    }
}

/// The main namespace's custom attributes, as the store's registry holds them.
pub fn main_attributes(registry: &Registry) -> NamespaceAttributes {
    let ids = &registry[MAIN_NS];
    NamespaceAttributes::new([
        AttributeDef {
            id: ids[KEYWORD_ATTR],
            name: KEYWORD_ATTR.into(),
            ty: SearchAttributeType::Keyword,
        },
        AttributeDef {
            id: ids[INT_ATTR],
            name: INT_ATTR.into(),
            ty: SearchAttributeType::Int,
        },
    ])
}

/// The compiled query of a canonical query.
pub fn compiled(
    q: &Canonical,
    attributes: &NamespaceAttributes,
) -> workflow_visibility::query::ir::Query {
    let purpose = match q.kind {
        Kind::List => QueryPurpose::List,
        Kind::GroupedCount => QueryPurpose::Count,
    };
    compile(&q.query, attributes, purpose, &QueryLimits::default())
        .expect("a canonical query compiles")
}

/// The SQLite renderer's statement for a canonical query (shared by the SQLite and
/// PostgreSQL explains).
#[cfg(feature = "sqlite")]
pub fn sqlite_statement(q: &Canonical, attributes: &NamespaceAttributes) -> Statement {
    use workflow_visibility::store::sqlite::render_list_sql;
    match q.kind {
        Kind::List => {
            let r = render_list_sql(MAIN_NS, &compiled(q, attributes), 100);
            Statement::new(r.sql, &r.params)
        }
        Kind::GroupedCount => {
            let list = Canonical {
                kind: Kind::List,
                query: String::new(),
                ..q.clone()
            };
            let r = render_list_sql(MAIN_NS, &compiled(&list, attributes), 100);
            Statement::new(r.sql, &r.params).grouped_count_of_list()
        }
    }
}

/// A heading for a plan.
pub fn heading(store: &str, q: &Canonical, s: &Statement) -> String {
    format!("--- {store} plan: {}\n{}\n{:?}", q.label, s.sql, s.params)
}
