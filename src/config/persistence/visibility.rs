//! Resolving `visibilityStore` / `secondaryVisibilityStore` into the stores of a (dual) setup.
//!
//! Allowed primary → secondary pairs:
//!
//! | primary | secondary |
//! |---|---|
//! | Cassandra | SQL, Elasticsearch |
//! | SQL | SQL, Elasticsearch |
//! | Elasticsearch | Elasticsearch (another datastore, or the primary's `indices.secondary_visibility`), SQL |
//!
//! SQL ↔ Elasticsearch goes beyond the reference server, which only pairs stores of the same
//! family (or migrates away from Cassandra). A Cassandra secondary is never allowed: the
//! reference's standard visibility cannot answer the queries a migration needs to check.

use super::PersistenceConfig;
use super::datastore::{DataStore, DataStoreKind};
use super::elasticsearch::ElasticsearchConfig;
use super::sql::{SqlConfig, SqlPlugin};
use crate::error::{Error, Result};

/// A store of the visibility setup: its name and configuration.
///
/// The name is the datastore's key under `datastores`, except for the secondary made from an
/// Elasticsearch datastore's `indices.secondary_visibility`, which is named
/// `<datastore>/secondary_visibility`. Names are unique within one setup and are what errors,
/// introspection and metric labels use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedStore {
    /// Store name.
    pub name: String,
    /// Its configuration.
    pub config: DataStore,
}

/// The primary visibility store and, for a dual setup, the secondary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibilityStores {
    /// Named by `visibilityStore`.
    pub primary: NamedStore,
    /// Named by `secondaryVisibilityStore`, or made from the primary's
    /// `indices.secondary_visibility`.
    pub secondary: Option<NamedStore>,
}

/// Suffix of the store made from an Elasticsearch datastore's secondary index.
pub const SECONDARY_INDEX_SUFFIX: &str = "/secondary_visibility";

fn allowed(primary: DataStoreKind, secondary: DataStoreKind) -> bool {
    use DataStoreKind::*;
    match (primary, secondary) {
        (_, Cassandra) => false,
        (Cassandra | Sql | Elasticsearch, Sql | Elasticsearch) => true,
    }
}

fn err(message: String) -> Error {
    Error::invalid_argument(message)
}

impl PersistenceConfig {
    /// The visibility stores this config names, after checking the pair is one this crate
    /// supports (see the module documentation).
    pub fn visibility_stores(&self) -> Result<VisibilityStores> {
        let primary_name = self.visibility_store.as_deref().ok_or_else(|| {
            err(
                "persistence.visibilityStore: required (the name of the datastore that holds \
                 visibility records)"
                    .to_string(),
            )
        })?;
        let secondary_name = self.secondary_visibility_store.as_deref();
        let also = secondary_name
            .map(|s| format!(" (secondaryVisibilityStore: '{s}')"))
            .unwrap_or_default();
        let primary = self.datastores.get(primary_name).ok_or_else(|| {
            err(format!(
                "persistence.visibilityStore: datastore '{primary_name}' is not defined under \
                 persistence.datastores{also}"
            ))
        })?;
        let primary_store = NamedStore {
            name: primary_name.to_string(),
            config: primary.clone(),
        };
        let Some(secondary_name) = secondary_name else {
            let secondary = match primary {
                DataStore::Elasticsearch(es) => secondary_index_store(primary_name, es),
                _ => None,
            };
            return Ok(VisibilityStores {
                primary: primary_store,
                secondary,
            });
        };
        if secondary_name == primary_name {
            return Err(err(format!(
                "persistence: visibilityStore and secondaryVisibilityStore both name datastore \
                 '{primary_name}'; the secondary must be another datastore"
            )));
        }
        let secondary = self.datastores.get(secondary_name).ok_or_else(|| {
            err(format!(
                "persistence.secondaryVisibilityStore: datastore '{secondary_name}' is not \
                 defined under persistence.datastores (visibilityStore: '{primary_name}')"
            ))
        })?;
        if !allowed(primary.kind(), secondary.kind()) {
            return Err(err(format!(
                "persistence: secondaryVisibilityStore '{secondary_name}' ({}) cannot follow \
                 visibilityStore '{primary_name}' ({}): a {} datastore can only be a primary \
                 visibility store",
                secondary.describe(),
                primary.describe(),
                secondary.kind()
            )));
        }
        if let DataStore::Elasticsearch(es) = secondary
            && es.indices.secondary_visibility.is_some()
        {
            return Err(err(format!(
                "persistence.datastores.{secondary_name}.elasticsearch.indices.\
                 secondary_visibility: not allowed on the secondary visibility datastore \
                 '{secondary_name}' (visibilityStore: '{primary_name}')"
            )));
        }
        if let DataStore::Elasticsearch(es) = primary
            && es.indices.secondary_visibility.is_some()
        {
            return Err(err(format!(
                "persistence: visibilityStore '{primary_name}' sets \
                 indices.secondary_visibility and secondaryVisibilityStore names \
                 '{secondary_name}'; a setup has one secondary, so keep only one of them"
            )));
        }
        if let Some(what) = same_target(primary, secondary) {
            return Err(err(format!(
                "persistence: visibilityStore '{primary_name}' and secondaryVisibilityStore \
                 '{secondary_name}' both point at {what}; the secondary must be a different \
                 store"
            )));
        }
        Ok(VisibilityStores {
            primary: primary_store,
            secondary: Some(NamedStore {
                name: secondary_name.to_string(),
                config: secondary.clone(),
            }),
        })
    }
}

/// The store on an Elasticsearch datastore's secondary index: a copy of its configuration
/// whose visibility index is the secondary one.
fn secondary_index_store(name: &str, es: &ElasticsearchConfig) -> Option<NamedStore> {
    let index = es.indices.secondary_visibility.clone()?;
    let mut copy = es.clone();
    copy.indices.visibility = index;
    copy.indices.secondary_visibility = None;
    Some(NamedStore {
        name: format!("{name}{SECONDARY_INDEX_SUFFIX}"),
        config: DataStore::Elasticsearch(copy),
    })
}

/// Describes the database both configs reach, when they reach the same one.
fn same_target(a: &DataStore, b: &DataStore) -> Option<String> {
    match (a, b) {
        (DataStore::Sql(a), DataStore::Sql(b)) => same_sql_database(a, b),
        (DataStore::Elasticsearch(a), DataStore::Elasticsearch(b)) => {
            let shared_host = a.endpoints().any(|x| {
                b.endpoints()
                    .any(|y| x.host.eq_ignore_ascii_case(&y.host) && x.path == y.path)
            });
            (shared_host && a.indices.visibility == b.indices.visibility).then(|| {
                format!(
                    "index '{}' of the same Elasticsearch cluster",
                    a.indices.visibility
                )
            })
        }
        _ => None,
    }
}

fn sql_family(plugin: SqlPlugin) -> u8 {
    match plugin {
        SqlPlugin::Mysql8 => 0,
        SqlPlugin::Postgres12 | SqlPlugin::Postgres12Pgx => 1,
        SqlPlugin::Sqlite => 2,
    }
}

fn same_sql_database(a: &SqlConfig, b: &SqlConfig) -> Option<String> {
    if sql_family(a.plugin) != sql_family(b.plugin) || a.database_name != b.database_name {
        return None;
    }
    if a.plugin == SqlPlugin::Sqlite {
        // In-memory databases are private to their store, whatever their name.
        let in_memory = |c: &SqlConfig| {
            c.connect_attributes
                .get("mode")
                .is_some_and(|m| m.eq_ignore_ascii_case("memory"))
        };
        return (!in_memory(a) && !in_memory(b))
            .then(|| format!("the SQLite file '{}'", a.database_name));
    }
    let same_addr = match (&a.connect_addr, &b.connect_addr) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    };
    same_addr.then(|| {
        format!(
            "database '{}' at {}",
            a.database_name,
            a.connect_addr.as_deref().unwrap_or_default()
        )
    })
}
