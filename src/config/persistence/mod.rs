//! Temporal's static persistence config: the `persistence` block of a server config file.
//!
//! ```yaml
//! persistence:
//!   visibilityStore: cass-visibility
//!   secondaryVisibilityStore: mysql-visibility
//!   datastores:
//!     cass-visibility:
//!       cassandra: { hosts: "127.0.0.1", keyspace: "temporal_primary_visibility" }
//!     mysql-visibility:
//!       sql:
//!         pluginName: "mysql8"
//!         databaseName: "temporal_secondary_visibility"
//!         connectAddr: "127.0.0.1:3306"
//!         user: "temporal"
//!         password: "temporal"
//! ```
//!
//! # Loading
//!
//! [`PersistenceConfig::from_yaml_str`] and [`PersistenceConfig::from_file`] take a whole
//! server config; everything outside `persistence` is ignored, and so are `defaultStore` and
//! `numHistoryShards`. Inside the block:
//!
//! * a malformed value is an error naming its full key path
//!   (`persistence.datastores.mysql-visibility.sql.maxConns: expected an integer, got "ten"`);
//! * a key this crate knows but does not support, set to anything but its zero value, is an
//!   error naming it when it belongs to a datastore that holds visibility (or to the
//!   `persistence` block itself), and a warning on other datastores, which this crate never
//!   opens: `tls.caData`/`certData`/`keyData`, sql `authPlugin`, cassandra
//!   `addressTranslator`, elasticsearch `aws-request-signing` (when `enabled: true`),
//!   `enableSniff`, `enableHealthcheck`, URL parts other than scheme/host/path,
//!   `customDatastore`, `faultInjection`, the standard-visibility plugins `mysql`/`postgres`
//!   and `advancedVisibilityStore`;
//! * other unknown keys are ignored with a warning naming their path (logged with
//!   `tracing::warn!` and returned by [`PersistenceConfig::load_yaml_str`]).
//! * `sql.taskScanPartitions` is accepted; above 1 it draws a warning, because it never
//!   affects visibility.
//!
//! Loading also checks the visibility pair ([`PersistenceConfig::visibility_stores`]) and the
//! mapping of each SQL visibility datastore to store options, so a config that loads can be
//! opened (provided its stores are compiled in). Errors are
//! [`InvalidArgument`](crate::Error::InvalidArgument) and never contain a password.
//!
//! # How a `sql` datastore maps onto a store
//!
//! [`SqlConfig::store_target`] gives the store options; the store name is the datastore name.
//!
//! **`sqlite`** → `store::sqlite::SqliteOptions` (feature `sqlite`).
//! `databaseName` is the file path. `connectAttributes`: `mode: memory` → a private in-memory
//! database (created with its schema on open; `databaseName` is then only a label), `rwc` or
//! `rw` → the file (default), `ro` → error; `cache: private` (the only kind this crate opens;
//! `shared` → error); `setup: true` → create the file's schema when missing; `busy_timeout`
//! (milliseconds) → busy timeout; `synchronous: off|normal|full` → commit durability;
//! `journal_mode: wal` (the only mode used). Any other attribute (including the URI
//! parameters `immutable`, `modeof`, `nolock`, `psow`, `vfs` and arbitrary pragmas) is an
//! error naming it. `maxConns` → connection limit of a file database. `user`, `password`,
//! `connectAddr`, `connectProtocol`, `maxIdleConns` and `maxConnLifetime` have no meaning
//! for an embedded database and are accepted without effect; `tls.enabled: true` is an error.
//!
//! **`postgres12`, `postgres12_pgx`** →
//! `store::postgres::PostgresOptions` (feature `postgres`) for
//! `postgres://user:password@connectAddr/databaseName`, each part percent-encoded.
//! `connectAddr` is `host:port` (`[v6]:port` for IPv6); `connectProtocol: unix` is an error.
//! Pool: `maxConns` → `max_connections`, `maxIdleConns` → `min_idle` (at most
//! `max_connections`), `maxConnLifetime` → `max_lifetime` (`0`: no limit). TLS: without
//! `tls.enabled` the connection is plain (`sslmode=disable`, as the reference server does);
//! with it, `Require`, or `VerifyFull` with `enableHostVerification`, plus
//! `caFile`/`certFile`/`keyFile`; `serverName` must equal the host of `connectAddr`.
//! `connectAttributes`: `sslmode`, `sslrootcert`, `sslcert`, `sslkey` set TLS when the `tls`
//! block is off (an error when it is on); `connect_timeout` (seconds) → connect timeout;
//! `options` → server options; `user`, `password`, `dbname`, `host`, `hostaddr`, `port`,
//! `application_name`, the session parameters the driver owns (`client_encoding`,
//! `DateStyle`, `TimeZone`, `extra_float_digits`, `IntervalStyle`) and libpq-only options
//! (`target_session_attrs`, `sslcompression`, `keepalives`, …) are errors; any other key is
//! sent as a run-time parameter at connection start (`search_path`, `statement_timeout`, …).
//!
//! **`mysql8`** → the MySQL-family store (feature `mysql`) for
//! `mysql://user:password@connectAddr/databaseName`, with pool and `tls` mapped as for
//! PostgreSQL (`VerifyFull` is MySQL's `VERIFY_IDENTITY`). `connectAttributes`:
//! `tx_isolation`/`transaction_isolation` must be READ-COMMITTED (what the store uses);
//! `charset` must be `utf8mb4`; `parseTime` and `clientFoundRows` must be `true` (the store
//! already behaves so); `timeout` (a duration) → connect timeout; `tls`
//! (`true`/`skip-verify`/`preferred`/`false`) or `ssl-mode`/`ssl-ca`/`ssl-cert`/`ssl-key` set
//! TLS when the `tls` block is off. Any other attribute is an error naming it.

mod cassandra;
mod datastore;
mod elasticsearch;
mod fields;
mod plan;
mod secret;
mod sql;
mod target;
mod tls;
mod visibility;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

pub use cassandra::{CassandraConfig, CassandraConsistency, Consistency, SerialConsistency};
pub use datastore::{DataStore, DataStoreKind};
pub use elasticsearch::{ElasticsearchConfig, EsIndices, EsUrl, EsVersion};
pub use secret::Secret;
pub use sql::{ConnectProtocol, SqlConfig, SqlPlugin};
#[cfg(feature = "mysql")]
pub use target::MysqlTarget;
pub use target::SqlTarget;
pub use tls::TlsConfig;
pub use visibility::{NamedStore, SECONDARY_INDEX_SUFFIX, VisibilityStores};

use crate::error::{Error, Result};
use fields::{Fields, Findings, invalid, join, non_zero};
use yaml::Node;

/// The `persistence` block, reduced to what visibility needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersistenceConfig {
    /// `visibilityStore`: the datastore holding visibility records (the primary).
    pub visibility_store: Option<String>,
    /// `secondaryVisibilityStore`: the second store of a dual setup.
    pub secondary_visibility_store: Option<String>,
    /// `datastores`: every datastore this crate can represent, by name. Datastores that are
    /// not visibility stores and use something this crate cannot represent (a custom
    /// datastore, a standard-visibility plugin) are left out with a warning.
    pub datastores: BTreeMap<String, DataStore>,
}

/// Something in the config that was ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// Full key path, e.g. `persistence.datastores.es-visibility.elasticsearch.extra`.
    pub path: String,
    /// What was ignored and why.
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A loaded config and the warnings loading it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The config.
    pub config: PersistenceConfig,
    /// Ignored keys, in document order (also logged).
    pub warnings: Vec<ConfigWarning>,
}

const DATASTORES: &str = "persistence.datastores";

impl PersistenceConfig {
    /// Loads the `persistence` block of a server config (YAML text); warnings are logged.
    pub fn from_yaml_str(text: &str) -> Result<Self> {
        Self::load_yaml_str(text).map(|loaded| loaded.config)
    }

    /// Loads the `persistence` block of the server config file at `path`; warnings are logged.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        Self::load_file(path).map(|loaded| loaded.config)
    }

    /// Like [`PersistenceConfig::from_file`], also returning the warnings.
    pub fn load_file(path: impl AsRef<Path>) -> Result<Loaded> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::invalid_argument(format!(
                "cannot read persistence config file {}: {e}",
                path.display()
            ))
        })?;
        Self::load_yaml_str(&text)
    }

    /// Like [`PersistenceConfig::from_yaml_str`], also returning the warnings.
    pub fn load_yaml_str(text: &str) -> Result<Loaded> {
        let root = yaml::parse_document(text)?;
        let persistence = match root {
            Node::Map(entries) => entries
                .into_iter()
                .find(|(k, _)| k == "persistence")
                .map(|(_, v)| v),
            Node::Null => None,
            other => {
                return Err(Error::invalid_argument(format!(
                    "server config: expected a mapping at the top level, got {}",
                    other.kind()
                )));
            }
        };
        let persistence = persistence.ok_or_else(|| {
            Error::invalid_argument("persistence: missing (the config has no persistence block)")
        })?;
        let mut fields = Fields::of(persistence, "persistence")?;
        let mut findings = Findings::default();
        let visibility_store = fields.string("visibilityStore")?;
        let secondary_visibility_store = fields.string("secondaryVisibilityStore")?;
        fields.unsupported(
            "advancedVisibilityStore",
            non_zero,
            "the deprecated advanced visibility key is not supported by this crate; name the \
             datastore in visibilityStore or secondaryVisibilityStore",
            &mut findings,
        );
        // Server settings that have nothing to do with visibility.
        fields.ignore("defaultStore");
        fields.ignore("numHistoryShards");
        let datastores = fields.take("datastores");
        fields.finish(&mut findings);
        if let Some(u) = findings.unsupported.first() {
            return Err(invalid(&u.path, &u.reason));
        }
        let mut warnings = findings.warnings;

        let referenced: BTreeSet<&str> = [&visibility_store, &secondary_visibility_store]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut stores = BTreeMap::new();
        match datastores {
            None => {}
            Some(Node::Map(entries)) => {
                for (name, node) in entries {
                    let path = join(DATASTORES, &name);
                    let mut found = Findings::default();
                    let store = DataStore::parse(node, &path, &mut found)?;
                    let is_visibility = referenced.contains(name.as_str());
                    if is_visibility && let Some(u) = found.unsupported.first() {
                        return Err(invalid(&u.path, &u.reason));
                    }
                    warnings.extend(found.warnings);
                    warnings.extend(found.unsupported.into_iter().map(|u| ConfigWarning {
                        path: u.path,
                        message: format!(
                            "{}; ignored because datastore '{name}' is not a visibility store",
                            u.reason
                        ),
                    }));
                    if let Some(store) = store {
                        stores.insert(name, store);
                    }
                }
            }
            Some(other) => {
                return Err(invalid(
                    DATASTORES,
                    format!(
                        "expected a mapping of datastore names, got {}",
                        other.kind()
                    ),
                ));
            }
        }

        let config = PersistenceConfig {
            visibility_store,
            secondary_visibility_store,
            datastores: stores,
        };
        let pair = config.visibility_stores()?;
        for store in std::iter::once(&pair.primary).chain(pair.secondary.as_ref()) {
            if let DataStore::Sql(sql) = &store.config {
                let mut found = Findings::default();
                plan::plan(
                    sql,
                    &format!("{}.sql", join(DATASTORES, &store.name)),
                    &mut found,
                )?;
                warnings.extend(found.warnings);
            }
        }
        for w in &warnings {
            tracing::warn!(path = %w.path, "persistence config: {}", w.message);
        }
        Ok(Loaded { config, warnings })
    }

    /// The datastore named `name`.
    pub fn datastore(&self, name: &str) -> Option<&DataStore> {
        self.datastores.get(name)
    }
}
