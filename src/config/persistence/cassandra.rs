//! The `cassandra` datastore block.
//!
//! This crate has no Cassandra store; the block is read so that a Cassandra primary can be
//! named in a migration setup (Cassandra → SQL or Elasticsearch) and so that its mistakes are
//! reported with their key paths.

use std::fmt;
use std::time::Duration;

use super::fields::{Fields, Findings, invalid, non_zero};
use super::secret::Secret;
use super::tls::TlsConfig;
use crate::error::Result;

/// A Cassandra consistency level for regular queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are Cassandra's own level names
pub enum Consistency {
    Any,
    One,
    Two,
    Three,
    Quorum,
    All,
    LocalQuorum,
    EachQuorum,
    LocalOne,
}

const CONSISTENCIES: [(Consistency, &str); 9] = [
    (Consistency::Any, "ANY"),
    (Consistency::One, "ONE"),
    (Consistency::Two, "TWO"),
    (Consistency::Three, "THREE"),
    (Consistency::Quorum, "QUORUM"),
    (Consistency::All, "ALL"),
    (Consistency::LocalQuorum, "LOCAL_QUORUM"),
    (Consistency::EachQuorum, "EACH_QUORUM"),
    (Consistency::LocalOne, "LOCAL_ONE"),
];

impl fmt::Display for Consistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = CONSISTENCIES
            .iter()
            .find(|(c, _)| c == self)
            .map_or("", |(_, n)| n);
        f.write_str(name)
    }
}

/// A Cassandra consistency level for the serial phase of lightweight transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SerialConsistency {
    /// `SERIAL`
    Serial,
    /// `LOCAL_SERIAL`
    LocalSerial,
}

/// `consistency.default`: consistency levels for every query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CassandraConsistency {
    /// `consistency` (the reference server defaults to `LOCAL_QUORUM`).
    pub consistency: Option<Consistency>,
    /// `serialConsistency` (the reference server defaults to `LOCAL_SERIAL`).
    pub serial_consistency: Option<SerialConsistency>,
}

/// A `cassandra` datastore (`datastores.<name>.cassandra`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CassandraConfig {
    /// `hosts` (required): a comma-separated list, split and trimmed.
    pub hosts: Vec<String>,
    /// `port` (absent or 0: the driver's default, 9042).
    pub port: Option<u16>,
    /// `user`.
    pub user: Option<String>,
    /// `password`.
    pub password: Secret,
    /// `allowedAuthenticators`: authenticator class names the client accepts.
    pub allowed_authenticators: Vec<String>,
    /// `keyspace` (required).
    pub keyspace: String,
    /// `datacenter`: only hosts of this data center are used.
    pub datacenter: Option<String>,
    /// `maxConns`: connections per host.
    pub max_conns: Option<u32>,
    /// `connectTimeout`: timeout of the initial connection.
    pub connect_timeout: Option<Duration>,
    /// `timeout`: per-query timeout.
    pub timeout: Option<Duration>,
    /// `writeTimeout`: per-write timeout.
    pub write_timeout: Option<Duration>,
    /// `tls`.
    pub tls: TlsConfig,
    /// `consistency.default`.
    pub consistency: CassandraConsistency,
    /// `disableInitialHostLookup`: connect only to the listed hosts.
    pub disable_initial_host_lookup: bool,
}

impl CassandraConfig {
    /// Reads the block at `fields`.
    pub(crate) fn parse(mut fields: Fields, findings: &mut Findings) -> Result<Self> {
        let hosts_path = fields.key_path("hosts");
        let hosts: Vec<String> = fields
            .string("hosts")?
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_string)
            .collect();
        if hosts.is_empty() {
            return Err(invalid(
                &hosts_path,
                "required (a comma-separated host list)",
            ));
        }
        let port = fields
            .unsigned("port", u64::from(u16::MAX))?
            .filter(|p| *p > 0)
            .map(|p| p as u16);
        let user = fields.string("user")?;
        let password = fields.secret("password")?;
        let allowed_authenticators = read_string_list(&mut fields, "allowedAuthenticators")?;
        let keyspace_path = fields.key_path("keyspace");
        let keyspace = fields
            .string("keyspace")?
            .ok_or_else(|| invalid(&keyspace_path, "required"))?;
        let datacenter = fields.string("datacenter")?;
        let max_conns = fields.u32("maxConns")?.filter(|n| *n > 0);
        let connect_timeout = fields.duration("connectTimeout")?;
        let timeout = fields.duration("timeout")?;
        let write_timeout = fields.duration("writeTimeout")?;
        let tls = match fields.sub("tls")? {
            Some(tls) => TlsConfig::parse(tls, findings)?,
            None => TlsConfig::default(),
        };
        let consistency = match fields.sub("consistency")? {
            Some(block) => parse_consistency(block, findings)?,
            None => CassandraConsistency::default(),
        };
        let disable_initial_host_lookup = fields.bool("disableInitialHostLookup")?.unwrap_or(false);
        fields.unsupported(
            "addressTranslator",
            non_zero,
            "address translators are not supported by this crate",
            findings,
        );
        fields.finish(findings);
        Ok(CassandraConfig {
            hosts,
            port,
            user,
            password,
            allowed_authenticators,
            keyspace,
            datacenter,
            max_conns,
            connect_timeout,
            timeout,
            write_timeout,
            tls,
            consistency,
            disable_initial_host_lookup,
        })
    }
}

fn read_string_list(fields: &mut Fields, key: &str) -> Result<Vec<String>> {
    let path = fields.key_path(key);
    match fields.take(key) {
        None => Ok(Vec::new()),
        Some(super::yaml::Node::Seq(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                item.scalar_text().ok_or_else(|| {
                    invalid(
                        &format!("{path}[{i}]"),
                        format!("expected a string, got {}", item.kind()),
                    )
                })
            })
            .collect(),
        Some(other) => Err(invalid(
            &path,
            format!("expected a list of strings, got {}", other.describe()),
        )),
    }
}

fn parse_consistency(mut block: Fields, findings: &mut Findings) -> Result<CassandraConsistency> {
    let mut out = CassandraConsistency::default();
    if let Some(mut default) = block.sub("default")? {
        let path = default.key_path("consistency");
        out.consistency = default
            .string("consistency")?
            .map(|name| {
                let upper = name.to_ascii_uppercase();
                CONSISTENCIES
                    .iter()
                    .find(|(_, n)| *n == upper)
                    .map(|(c, _)| *c)
                    .ok_or_else(|| {
                        invalid(
                            &path,
                            format!(
                                "unknown consistency level {name:?} (expected one of {})",
                                CONSISTENCIES.map(|(_, n)| n).join(", ")
                            ),
                        )
                    })
            })
            .transpose()?;
        let path = default.key_path("serialConsistency");
        out.serial_consistency = default
            .string("serialConsistency")?
            .map(|name| match name.to_ascii_uppercase().as_str() {
                "SERIAL" => Ok(SerialConsistency::Serial),
                "LOCAL_SERIAL" => Ok(SerialConsistency::LocalSerial),
                _ => Err(invalid(
                    &path,
                    format!(
                        "unknown serial consistency {name:?} (expected SERIAL or LOCAL_SERIAL)"
                    ),
                )),
            })
            .transpose()?;
        default.finish(findings);
    }
    block.finish(findings);
    Ok(out)
}
