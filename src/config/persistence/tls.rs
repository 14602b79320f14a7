//! The `tls` block shared by the `sql`, `cassandra` and `elasticsearch` datastores.

use std::path::PathBuf;

use super::fields::{Fields, Findings, non_zero};
use crate::error::Result;

/// Client TLS settings of a datastore (`tls:`).
///
/// The inline-certificate keys of the reference server (`caData`, `certData`, `keyData`) are
/// not supported: set to anything but an empty string they are an error for a visibility
/// datastore. Files named here are read by the driver when the store connects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsConfig {
    /// `enabled`: use TLS. When false the other keys have no effect.
    pub enabled: bool,
    /// `caFile`: CA certificate (PEM) that signs the server's certificate.
    pub ca_file: Option<PathBuf>,
    /// `certFile`: client certificate (PEM), for mutual TLS.
    pub cert_file: Option<PathBuf>,
    /// `keyFile`: client private key (PEM), for mutual TLS.
    pub key_file: Option<PathBuf>,
    /// `enableHostVerification`: check that the server's certificate names the host.
    pub enable_host_verification: bool,
    /// `serverName`: the host name expected in the server's certificate.
    pub server_name: Option<String>,
}

impl TlsConfig {
    /// Reads the block at `fields`.
    pub(crate) fn parse(mut fields: Fields, findings: &mut Findings) -> Result<Self> {
        let tls = TlsConfig {
            enabled: fields.bool("enabled")?.unwrap_or(false),
            ca_file: fields.string("caFile")?.map(PathBuf::from),
            cert_file: fields.string("certFile")?.map(PathBuf::from),
            key_file: fields.string("keyFile")?.map(PathBuf::from),
            enable_host_verification: fields.bool("enableHostVerification")?.unwrap_or(false),
            server_name: fields.string("serverName")?,
        };
        for (key, file_key) in [
            ("caData", "caFile"),
            ("certData", "certFile"),
            ("keyData", "keyFile"),
        ] {
            fields.unsupported(
                key,
                non_zero,
                &format!("inline certificates are not supported by this crate; use {file_key}"),
                findings,
            );
        }
        if tls.enabled && tls.cert_file.is_some() != tls.key_file.is_some() {
            let (set, missing) = if tls.cert_file.is_some() {
                ("certFile", "keyFile")
            } else {
                ("keyFile", "certFile")
            };
            return Err(super::fields::invalid(
                fields.path(),
                format!("{set} is set but {missing} is not; mutual TLS needs both"),
            ));
        }
        if !tls.enabled {
            let ignored: Vec<&str> = [
                ("caFile", tls.ca_file.is_some()),
                ("certFile", tls.cert_file.is_some()),
                ("keyFile", tls.key_file.is_some()),
                ("enableHostVerification", tls.enable_host_verification),
                ("serverName", tls.server_name.is_some()),
            ]
            .into_iter()
            .filter_map(|(k, set)| set.then_some(k))
            .collect();
            if !ignored.is_empty() {
                findings.warn(
                    fields.path(),
                    format!(
                        "{} set while enabled is false; TLS stays off",
                        ignored.join(", ")
                    ),
                );
            }
        }
        fields.finish(findings);
        Ok(tls)
    }
}
