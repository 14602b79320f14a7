//! The `sql` datastore block.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::fields::{Fields, Findings, invalid, non_zero};
use super::secret::Secret;
use super::tls::TlsConfig;
use crate::error::Result;

/// `pluginName`: which SQL database a datastore names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SqlPlugin {
    /// `mysql8`: MySQL 8 (and MariaDB), through the MySQL store (feature `mysql`).
    Mysql8,
    /// `postgres12`: PostgreSQL 12 or later (feature `postgres`).
    Postgres12,
    /// `postgres12_pgx`: the same database as `postgres12`; the name only chose a Go
    /// driver in the reference server.
    Postgres12Pgx,
    /// `sqlite`: embedded SQLite (feature `sqlite`).
    Sqlite,
}

impl SqlPlugin {
    /// The name as written in `pluginName`.
    pub fn name(self) -> &'static str {
        match self {
            SqlPlugin::Mysql8 => "mysql8",
            SqlPlugin::Postgres12 => "postgres12",
            SqlPlugin::Postgres12Pgx => "postgres12_pgx",
            SqlPlugin::Sqlite => "sqlite",
        }
    }

    /// Whether this is one of the PostgreSQL plugin names.
    pub fn is_postgres(self) -> bool {
        matches!(self, SqlPlugin::Postgres12 | SqlPlugin::Postgres12Pgx)
    }
}

impl fmt::Display for SqlPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `connectProtocol`: how `connectAddr` is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConnectProtocol {
    /// `tcp` (the default when the key is empty).
    #[default]
    Tcp,
    /// `unix`: `connectAddr` is a socket path.
    Unix,
}

/// A `sql` datastore (`datastores.<name>.sql`).
///
/// How each key reaches the store depends on the plugin; see
/// [`SqlConfig::store_target`](SqlConfig::store_target) and the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlConfig {
    /// `pluginName` (required).
    pub plugin: SqlPlugin,
    /// `databaseName` (required): the database, or for SQLite the file path.
    pub database_name: String,
    /// `connectAddr`: `host:port` (required for MySQL and PostgreSQL).
    pub connect_addr: Option<String>,
    /// `connectProtocol` (default `tcp`).
    pub connect_protocol: ConnectProtocol,
    /// `user`.
    pub user: Option<String>,
    /// `password`.
    pub password: Secret,
    /// `connectAttributes`: driver connection options, mapped per plugin.
    pub connect_attributes: BTreeMap<String, String>,
    /// `maxConns` (0 or absent: the store's default).
    pub max_conns: Option<u32>,
    /// `maxIdleConns` (0 or absent: the store's default).
    pub max_idle_conns: Option<u32>,
    /// `maxConnLifetime`, e.g. `"1h"` (0: no limit; absent: the store's default).
    pub max_conn_lifetime: Option<Duration>,
    /// `tls`.
    pub tls: TlsConfig,
}

impl SqlConfig {
    /// Reads the block at `fields`. `None` when the plugin is one this crate knows but does
    /// not support (recorded in `findings`).
    pub(crate) fn parse(mut fields: Fields, findings: &mut Findings) -> Result<Option<Self>> {
        let plugin_path = fields.key_path("pluginName");
        let plugin = match fields.string("pluginName")?.as_deref() {
            None => return Err(invalid(&plugin_path, "required")),
            Some("mysql8") => Some(SqlPlugin::Mysql8),
            Some("postgres12") => Some(SqlPlugin::Postgres12),
            Some("postgres12_pgx") => Some(SqlPlugin::Postgres12Pgx),
            Some("sqlite") => Some(SqlPlugin::Sqlite),
            Some(legacy @ ("mysql" | "postgres" | "postgresql" | "postgres_pgx")) => {
                findings.unsupported(
                    plugin_path.clone(),
                    format!(
                        "plugin '{legacy}' is the reference server's standard (pre-1.20) \
                         visibility schema, which this crate does not implement; use mysql8 \
                         or postgres12"
                    ),
                );
                None
            }
            Some(other) => {
                return Err(invalid(
                    &plugin_path,
                    format!(
                        "unknown plugin {other:?} (expected mysql8, postgres12, \
                         postgres12_pgx or sqlite)"
                    ),
                ));
            }
        };
        let database_path = fields.key_path("databaseName");
        let database_name = fields.string("databaseName")?;
        let connect_addr = fields.string("connectAddr")?;
        let protocol_path = fields.key_path("connectProtocol");
        let connect_protocol = match fields.string("connectProtocol")?.as_deref() {
            None | Some("tcp") => ConnectProtocol::Tcp,
            Some("unix") => ConnectProtocol::Unix,
            Some(other) => {
                return Err(invalid(
                    &protocol_path,
                    format!("expected tcp or unix, got {other:?}"),
                ));
            }
        };
        let user = fields.string("user")?;
        let password = fields.secret("password")?;
        let connect_attributes = fields.string_map("connectAttributes")?;
        let max_conns = fields.u32("maxConns")?.filter(|n| *n > 0);
        let max_idle_conns = fields.u32("maxIdleConns")?.filter(|n| *n > 0);
        let max_conn_lifetime = fields.duration("maxConnLifetime")?;
        let tls = match fields.sub("tls")? {
            Some(tls) => TlsConfig::parse(tls, findings)?,
            None => TlsConfig::default(),
        };
        let partitions_path = fields.key_path("taskScanPartitions");
        if let Some(n) = fields.u32("taskScanPartitions")?
            && n > 1
        {
            // The reference server only uses it to scan task queues, never for visibility.
            findings.warn(partitions_path, "has no effect on visibility, ignored");
        }
        fields.unsupported(
            "authPlugin",
            non_zero,
            "SQL authentication plugins (such as rds-iam-auth) are not supported by this \
             crate; use user and password",
            findings,
        );
        fields.finish(findings);
        let Some(plugin) = plugin else {
            return Ok(None);
        };
        let Some(database_name) = database_name else {
            return Err(invalid(&database_path, "required"));
        };
        Ok(Some(SqlConfig {
            plugin,
            database_name,
            connect_addr,
            connect_protocol,
            user,
            password,
            connect_attributes,
            max_conns,
            max_idle_conns,
            max_conn_lifetime,
            tls,
        }))
    }
}
