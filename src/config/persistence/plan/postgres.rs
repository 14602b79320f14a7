//! `pluginName: postgres12` / `postgres12_pgx`.

use std::path::PathBuf;
use std::time::Duration;

use super::{
    Dialect, NetworkPlan, TlsLevel, TlsPlan, base_url, is_secret_attribute, network_base,
    skip_sqlite_attribute, tls_conflict, tls_from_block, url, with_pool,
};
use crate::config::persistence::fields::{Findings, invalid};
use crate::config::persistence::secret::Secret;
use crate::config::persistence::sql::SqlConfig;
use crate::error::Result;

/// Connection keys of libpq that the driver used here does not implement.
const LIBPQ_ONLY: &[&str] = &[
    "channel_binding",
    "gssdelegation",
    "gssencmode",
    "gsslib",
    "keepalives",
    "keepalives_count",
    "keepalives_idle",
    "keepalives_interval",
    "krbsrvname",
    "load_balance_hosts",
    "passfile",
    "replication",
    "require_auth",
    "requirepeer",
    "requiressl",
    "service",
    "ssl_max_protocol_version",
    "ssl_min_protocol_version",
    "sslcertmode",
    "sslcompression",
    "sslcrl",
    "sslcrldir",
    "sslnegotiation",
    "sslpassword",
    "sslsni",
    "target_session_attrs",
    "tcp_user_timeout",
];

/// Session parameters the driver sets itself and decodes results by.
const DRIVER_OWNED: &[&str] = &[
    "client_encoding",
    "datestyle",
    "extra_float_digits",
    "intervalstyle",
    "timezone",
];

fn is_parameter_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

pub(super) fn plan(config: &SqlConfig, path: &str, findings: &mut Findings) -> Result<NetworkPlan> {
    let base = network_base(config, path)?;
    let block_tls = tls_from_block(config, &base, path)?;
    let mut attr_tls = TlsPlan::off();
    let mut mode_given = false;
    let mut connect_timeout = None;
    let mut query: Vec<String> = Vec::new();
    for (key, value) in &config.connect_attributes {
        let attr_path = format!("{path}.connectAttributes.{key}");
        if skip_sqlite_attribute(key, config.plugin, &attr_path, findings) {
            continue;
        }
        let shown = if is_secret_attribute(key) {
            "****".to_string()
        } else {
            format!("{value:?}")
        };
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            "sslmode" | "sslrootcert" | "sslcert" | "sslkey" if block_tls.is_some() => {
                return Err(tls_conflict(&attr_path));
            }
            "sslmode" => {
                mode_given = true;
                attr_tls.mode = match value.as_str() {
                    "disable" => TlsLevel::Disable,
                    "prefer" => TlsLevel::Prefer,
                    "require" => TlsLevel::Require,
                    "verify-ca" => TlsLevel::VerifyCa,
                    "verify-full" => TlsLevel::VerifyFull,
                    _ => {
                        return Err(invalid(
                            &attr_path,
                            format!(
                                "expected disable, prefer, require, verify-ca or verify-full, \
                                 got {shown}"
                            ),
                        ));
                    }
                }
            }
            "sslrootcert" => attr_tls.ca_file = Some(PathBuf::from(value)),
            "sslcert" => attr_tls.cert_file = Some(PathBuf::from(value)),
            "sslkey" => attr_tls.key_file = Some(PathBuf::from(value)),
            "connect_timeout" => match value.parse::<u64>() {
                Ok(secs) if secs > 0 => connect_timeout = Some(Duration::from_secs(secs)),
                _ => {
                    return Err(invalid(
                        &attr_path,
                        format!("expected a positive number of seconds, got {shown}"),
                    ));
                }
            },
            "options" => query.push(format!("options={}", url::encode(value))),
            "user" | "password" | "dbname" | "host" | "hostaddr" | "port" => {
                return Err(invalid(
                    &attr_path,
                    "set it with the datastore's user, password, databaseName or connectAddr \
                     keys instead",
                ));
            }
            "application_name" | "fallback_application_name" => {
                return Err(invalid(
                    &attr_path,
                    "not supported: the store names its connections itself",
                ));
            }
            k if DRIVER_OWNED.contains(&k) => {
                return Err(invalid(
                    &attr_path,
                    "not supported: the driver sets this session parameter itself and relies \
                     on its value",
                ));
            }
            k if LIBPQ_ONLY.contains(&k) => {
                return Err(invalid(
                    &attr_path,
                    "a libpq connection option that this crate's PostgreSQL driver does not \
                     implement",
                ));
            }
            _ if is_parameter_name(key) => {
                // Like libpq, any other key is a run-time parameter sent at connection start
                // (search_path, statement_timeout, …).
                query.push(format!(
                    "{}={}",
                    url::encode(&format!("options[{key}]")),
                    url::encode(value)
                ));
            }
            _ => {
                return Err(invalid(
                    &attr_path,
                    "not a PostgreSQL parameter name (letters, digits, '_' and '.')",
                ));
            }
        }
    }
    if block_tls.is_none() && attr_tls.cert_file.is_some() != attr_tls.key_file.is_some() {
        return Err(invalid(
            &format!("{path}.connectAttributes"),
            "sslcert and sslkey must be set together",
        ));
    }
    if !mode_given && (attr_tls.ca_file.is_some() || attr_tls.cert_file.is_some()) {
        // libpq's default when only certificate files are named.
        attr_tls.mode = TlsLevel::Prefer;
    }
    let mut url = base_url("postgres", &base, &config.database_name);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    Ok(with_pool(
        config,
        NetworkPlan {
            dialect: Dialect::Postgres,
            url: Secret::new(url),
            max_connections: None,
            min_idle: None,
            max_lifetime: None,
            connect_timeout,
            tls: block_tls.unwrap_or(attr_tls),
        },
    ))
}
