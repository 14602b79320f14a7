//! One entry of `persistence.datastores`.

use std::fmt;

use super::cassandra::CassandraConfig;
use super::elasticsearch::ElasticsearchConfig;
use super::fields::{Fields, Findings, invalid, non_zero};
use super::sql::SqlConfig;
use super::yaml::Node;
use crate::error::Result;

/// A datastore: exactly one of the `sql`, `cassandra` and `elasticsearch` blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataStore {
    /// `sql:` (MySQL 8, PostgreSQL 12+, SQLite).
    Sql(SqlConfig),
    /// `cassandra:` (the reference server's standard visibility; primary only).
    Cassandra(CassandraConfig),
    /// `elasticsearch:`.
    Elasticsearch(ElasticsearchConfig),
}

/// The kind of a [`DataStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataStoreKind {
    /// `sql`
    Sql,
    /// `cassandra`
    Cassandra,
    /// `elasticsearch`
    Elasticsearch,
}

impl fmt::Display for DataStoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DataStoreKind::Sql => "SQL",
            DataStoreKind::Cassandra => "Cassandra",
            DataStoreKind::Elasticsearch => "Elasticsearch",
        })
    }
}

impl DataStore {
    /// Which block the datastore has.
    pub fn kind(&self) -> DataStoreKind {
        match self {
            DataStore::Sql(_) => DataStoreKind::Sql,
            DataStore::Cassandra(_) => DataStoreKind::Cassandra,
            DataStore::Elasticsearch(_) => DataStoreKind::Elasticsearch,
        }
    }

    /// The kind, with the plugin for SQL (`SQL (postgres12)`), for messages.
    pub fn describe(&self) -> String {
        match self {
            DataStore::Sql(sql) => format!("SQL ({})", sql.plugin),
            other => other.kind().to_string(),
        }
    }

    /// Reads `datastores.<name>`. `None` when the datastore is none this crate can represent
    /// (recorded in `findings`).
    pub(crate) fn parse(node: Node, path: &str, findings: &mut Findings) -> Result<Option<Self>> {
        let mut fields = Fields::of(node, path)?;
        let sql = fields.sub("sql")?;
        let cassandra = fields.sub("cassandra")?;
        let elasticsearch = fields.sub("elasticsearch")?;
        fields.unsupported(
            "customDatastore",
            non_zero,
            "custom datastores are not supported by this crate",
            findings,
        );
        fields.unsupported(
            "faultInjection",
            non_zero,
            "fault injection is not supported by this crate",
            findings,
        );
        fields.finish(findings);
        let present: Vec<&str> = [
            ("sql", sql.is_some()),
            ("cassandra", cassandra.is_some()),
            ("elasticsearch", elasticsearch.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect();
        if present.len() > 1 {
            return Err(invalid(
                path,
                format!(
                    "configures {}; a datastore has exactly one of sql, cassandra, elasticsearch",
                    present.join(" and ")
                ),
            ));
        }
        if let Some(sql) = sql {
            return Ok(SqlConfig::parse(sql, findings)?.map(DataStore::Sql));
        }
        if let Some(cassandra) = cassandra {
            return Ok(Some(DataStore::Cassandra(CassandraConfig::parse(
                cassandra, findings,
            )?)));
        }
        if let Some(elasticsearch) = elasticsearch {
            return Ok(Some(DataStore::Elasticsearch(ElasticsearchConfig::parse(
                elasticsearch,
                findings,
            )?)));
        }
        findings.unsupported(
            path,
            "configures none of sql, cassandra, elasticsearch (the datastore kinds this crate \
             supports)",
        );
        Ok(None)
    }
}
