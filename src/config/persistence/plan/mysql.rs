//! `pluginName: mysql8`.

use std::path::PathBuf;

use super::{
    Dialect, NetworkPlan, TlsLevel, TlsPlan, base_url, is_secret_attribute, network_base,
    skip_sqlite_attribute, tls_conflict, tls_from_block, with_pool,
};
use crate::config::persistence::fields::{Findings, invalid, parse_duration};
use crate::config::persistence::secret::Secret;
use crate::config::persistence::sql::SqlConfig;
use crate::error::Result;

/// The connect attributes the mysql8 plugin maps, for messages.
const MAPPED: &str = "tx_isolation, transaction_isolation, charset, parseTime, \
                      clientFoundRows, timeout, tls, ssl-mode, ssl-ca, ssl-cert, ssl-key";

pub(super) fn plan(config: &SqlConfig, path: &str, findings: &mut Findings) -> Result<NetworkPlan> {
    let base = network_base(config, path)?;
    let block_tls = tls_from_block(config, &base, path)?;
    let mut attr_tls = TlsPlan::off();
    let mut connect_timeout = None;
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
        match key.as_str() {
            "tls" | "ssl-mode" | "ssl-ca" | "ssl-cert" | "ssl-key" if block_tls.is_some() => {
                return Err(tls_conflict(&attr_path));
            }
            "tx_isolation" | "transaction_isolation" => {
                let level = value
                    .trim_matches(|c| c == '\'' || c == '"')
                    .to_ascii_uppercase()
                    .replace(['_', ' '], "-");
                if level != "READ-COMMITTED" {
                    return Err(invalid(
                        &attr_path,
                        format!(
                            "{shown} is not supported: the MySQL store always runs READ \
                             COMMITTED transactions"
                        ),
                    ));
                }
            }
            "charset" => {
                let first = value.split(',').next().unwrap_or_default().trim();
                if !first.eq_ignore_ascii_case("utf8mb4") {
                    return Err(invalid(
                        &attr_path,
                        format!("{shown} is not supported: the MySQL store always uses utf8mb4"),
                    ));
                }
            }
            // Go driver flags the reference server sets anyway; the store already behaves
            // as they ask.
            "parseTime" | "clientFoundRows" => {
                if !value.eq_ignore_ascii_case("true") {
                    return Err(invalid(
                        &attr_path,
                        format!("only true is supported, got {shown}"),
                    ));
                }
            }
            "timeout" => {
                connect_timeout = Some(parse_duration(value).filter(|d| !d.is_zero()).ok_or_else(
                    || {
                        invalid(
                            &attr_path,
                            format!("expected a duration such as 10s, got {shown}"),
                        )
                    },
                )?);
            }
            "tls" => {
                attr_tls.mode = match value.to_ascii_lowercase().as_str() {
                    "true" => TlsLevel::VerifyFull,
                    "skip-verify" => TlsLevel::Require,
                    "preferred" => TlsLevel::Prefer,
                    "false" => TlsLevel::Disable,
                    _ => {
                        return Err(invalid(
                            &attr_path,
                            format!(
                                "expected true, false, skip-verify or preferred, got {shown} \
                                 (named TLS configs are not supported; use the tls block)"
                            ),
                        ));
                    }
                }
            }
            "ssl-mode" => {
                attr_tls.mode = match value.to_ascii_uppercase().replace('-', "_").as_str() {
                    "DISABLED" => TlsLevel::Disable,
                    "PREFERRED" => TlsLevel::Prefer,
                    "REQUIRED" => TlsLevel::Require,
                    "VERIFY_CA" => TlsLevel::VerifyCa,
                    "VERIFY_IDENTITY" => TlsLevel::VerifyFull,
                    _ => {
                        return Err(invalid(
                            &attr_path,
                            format!(
                                "expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or \
                                 VERIFY_IDENTITY, got {shown}"
                            ),
                        ));
                    }
                }
            }
            "ssl-ca" => attr_tls.ca_file = Some(PathBuf::from(value)),
            "ssl-cert" => attr_tls.cert_file = Some(PathBuf::from(value)),
            "ssl-key" => attr_tls.key_file = Some(PathBuf::from(value)),
            _ => {
                return Err(invalid(
                    &attr_path,
                    format!("not supported by the mysql8 plugin of this crate (it maps {MAPPED})"),
                ));
            }
        }
    }
    if block_tls.is_none() && attr_tls.cert_file.is_some() != attr_tls.key_file.is_some() {
        return Err(invalid(
            &format!("{path}.connectAttributes"),
            "ssl-cert and ssl-key must be set together",
        ));
    }
    Ok(with_pool(
        config,
        NetworkPlan {
            dialect: Dialect::Mysql,
            url: Secret::new(base_url("mysql", &base, &config.database_name)),
            max_connections: None,
            min_idle: None,
            max_lifetime: None,
            connect_timeout,
            tls: block_tls.unwrap_or(attr_tls),
        },
    ))
}
