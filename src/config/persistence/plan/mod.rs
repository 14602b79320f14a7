//! How a `sql` datastore's keys become store options, worked out without any store compiled
//! in, so every mapping error is reported when the config is loaded.
//!
//! [`SqlConfig::store_target`](super::SqlConfig::store_target) turns a plan into the options
//! of a store of this build.

mod mysql;
mod postgres;
mod sqlite;
pub(crate) mod url;

use std::path::PathBuf;
use std::time::Duration;

use super::fields::{Findings, invalid};
use super::secret::Secret;
use super::sql::{ConnectProtocol, SqlConfig, SqlPlugin};
use crate::error::Result;
use url::HostPort;

/// What a `sql` datastore opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SqlPlan {
    Sqlite(SqlitePlan),
    Network(NetworkPlan),
}

/// SQLite's commit durability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncLevel {
    Off,
    Normal,
    Full,
}

/// An embedded SQLite database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqlitePlan {
    /// A private in-memory database (`mode: memory`), else the file at `path`.
    pub memory: bool,
    pub path: PathBuf,
    /// `setup: true`: create the file's schema when missing.
    pub create_schema: bool,
    pub max_connections: Option<u32>,
    pub busy_timeout: Option<Duration>,
    pub synchronous: Option<SyncLevel>,
}

/// Which networked store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Postgres,
    Mysql,
}

/// TLS modes, as in the store's pool options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlsLevel {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// TLS settings of a networked store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TlsPlan {
    pub mode: TlsLevel,
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

impl TlsPlan {
    fn off() -> Self {
        TlsPlan {
            mode: TlsLevel::Disable,
            ca_file: None,
            cert_file: None,
            key_file: None,
        }
    }
}

/// A PostgreSQL or MySQL-family server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NetworkPlan {
    pub dialect: Dialect,
    /// The connection URL; it holds the password.
    pub url: Secret,
    pub max_connections: Option<u32>,
    pub min_idle: Option<u32>,
    /// `Some(None)`: connections live forever (`maxConnLifetime: 0`).
    pub max_lifetime: Option<Option<Duration>>,
    pub connect_timeout: Option<Duration>,
    pub tls: TlsPlan,
}

/// Works out what `config` (at key path `path`, the `sql` block) opens.
/// Attributes that were ignored are reported in `findings`.
pub(crate) fn plan(config: &SqlConfig, path: &str, findings: &mut Findings) -> Result<SqlPlan> {
    match config.plugin {
        SqlPlugin::Sqlite => sqlite::plan(config, path).map(SqlPlan::Sqlite),
        SqlPlugin::Postgres12 | SqlPlugin::Postgres12Pgx => {
            postgres::plan(config, path, findings).map(SqlPlan::Network)
        }
        SqlPlugin::Mysql8 => mysql::plan(config, path, findings).map(SqlPlan::Network),
    }
}

/// The URI parameters of the reference server's SQLite plugin. On a networked plugin they
/// mean nothing (a config copied from a SQLite setup carries them), so they are ignored with
/// a warning rather than sent to the server, which would refuse the connection.
const SQLITE_URI_PARAMETERS: &[&str] = &[
    "cache",
    "immutable",
    "mode",
    "modeof",
    "nolock",
    "psow",
    "setup",
    "vfs",
];

/// Whether `key` is a SQLite attribute on a networked plugin; if so, warns that it is ignored.
fn skip_sqlite_attribute(
    key: &str,
    plugin: SqlPlugin,
    attr_path: &str,
    findings: &mut Findings,
) -> bool {
    let skip = SQLITE_URI_PARAMETERS.contains(&key);
    if skip {
        findings.warn(
            attr_path,
            format!("a SQLite connect attribute, meaningless for the {plugin} plugin; ignored"),
        );
    }
    skip
}

/// Settings that PostgreSQL and MySQL read the same way.
struct NetworkBase {
    addr: HostPort,
    user: String,
    password: String,
}

fn network_base(config: &SqlConfig, path: &str) -> Result<NetworkBase> {
    let plugin = config.plugin;
    if config.connect_protocol == ConnectProtocol::Unix {
        return Err(invalid(
            &format!("{path}.connectProtocol"),
            format!(
                "unix sockets are not supported for the {plugin} plugin by this crate; use tcp"
            ),
        ));
    }
    let addr_path = format!("{path}.connectAddr");
    let addr = config
        .connect_addr
        .as_deref()
        .ok_or_else(|| invalid(&addr_path, format!("required for the {plugin} plugin")))?;
    Ok(NetworkBase {
        addr: HostPort::parse(addr, &addr_path)?,
        user: config.user.clone().unwrap_or_default(),
        password: config.password.expose().to_string(),
    })
}

/// `scheme://user:password@host:port/database`, every part percent-encoded.
fn base_url(scheme: &str, base: &NetworkBase, database: &str) -> String {
    let userinfo = match (base.user.is_empty(), base.password.is_empty()) {
        (true, true) => String::new(),
        (_, true) => format!("{}@", url::encode(&base.user)),
        _ => format!(
            "{}:{}@",
            url::encode(&base.user),
            url::encode(&base.password)
        ),
    };
    format!(
        "{scheme}://{userinfo}{}/{}",
        base.addr,
        url::encode(database)
    )
}

/// The `tls` block of a networked store: `enabled` picks `Require`, or `VerifyFull` with
/// `enableHostVerification`; `serverName` must be the host of `connectAddr`, because the
/// drivers verify the certificate against the host they connect to.
fn tls_from_block(config: &SqlConfig, base: &NetworkBase, path: &str) -> Result<Option<TlsPlan>> {
    let tls = &config.tls;
    if !tls.enabled {
        return Ok(None);
    }
    if let Some(server_name) = &tls.server_name
        && !server_name.eq_ignore_ascii_case(base.addr.bare_host())
    {
        return Err(invalid(
            &format!("{path}.tls.serverName"),
            format!(
                "{server_name:?} differs from the host of connectAddr ({:?}); this crate \
                 verifies the certificate against the host it connects to, so put the name on \
                 the certificate in connectAddr",
                base.addr.bare_host()
            ),
        ));
    }
    Ok(Some(TlsPlan {
        mode: if tls.enable_host_verification {
            TlsLevel::VerifyFull
        } else {
            TlsLevel::Require
        },
        ca_file: tls.ca_file.clone(),
        cert_file: tls.cert_file.clone(),
        key_file: tls.key_file.clone(),
    }))
}

/// Pool keys shared by the networked plugins.
fn with_pool(config: &SqlConfig, mut plan: NetworkPlan) -> NetworkPlan {
    plan.max_connections = config.max_conns;
    plan.min_idle = config.max_idle_conns;
    plan.max_lifetime = config
        .max_conn_lifetime
        .map(|d| if d.is_zero() { None } else { Some(d) });
    plan
}

/// The error for a TLS connect attribute while the `tls` block is enabled.
fn tls_conflict(attr_path: &str) -> crate::error::Error {
    invalid(
        attr_path,
        "conflicts with the enabled tls block; configure TLS in one place",
    )
}

/// Whether a connect attribute's value must not be repeated in messages.
fn is_secret_attribute(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("password") || k.contains("secret") || k.contains("token")
}

#[cfg(test)]
mod tests;
