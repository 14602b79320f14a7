//! The `elasticsearch` datastore block.
//!
//! This crate has no Elasticsearch store yet; the block is read so that Elasticsearch can take
//! part in a dual setup's configuration (and be reported as not implemented when opened), with
//! its mistakes reported by key path.

use std::fmt;
use std::time::Duration;

use super::fields::{Fields, Findings, invalid, non_zero};
use super::secret::Secret;
use super::tls::TlsConfig;
use super::yaml::Node;
use crate::error::Result;

/// `version`: the Elasticsearch major version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EsVersion {
    /// `v7`
    V7,
    /// `v8`
    V8,
}

/// One Elasticsearch endpoint (`url: {scheme, host, path}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsUrl {
    /// `http` or `https`.
    pub scheme: String,
    /// `host:port`.
    pub host: String,
    /// Path prefix, if the cluster sits behind one.
    pub path: Option<String>,
}

impl fmt::Display for EsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme,
            self.host,
            self.path.as_deref().unwrap_or("")
        )
    }
}

/// `indices`: the index names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsIndices {
    /// `visibility` (required): the index of this store.
    pub visibility: String,
    /// `secondary_visibility`: a second index in the same cluster. On the primary datastore
    /// this alone makes a dual setup, with the second index as the secondary store.
    pub secondary_visibility: Option<String>,
}

/// An `elasticsearch` datastore (`datastores.<name>.elasticsearch`).
///
/// `aws-request-signing` with `enabled: true`, `enableSniff: true` and
/// `enableHealthcheck: true` are not supported (errors for a visibility datastore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElasticsearchConfig {
    /// `version` (`v7`, `v8`, or absent).
    pub version: Option<EsVersion>,
    /// `url`: the endpoint. At least one of `url` and `urls` is required.
    pub url: Option<EsUrl>,
    /// `urls`: more endpoints.
    pub urls: Vec<EsUrl>,
    /// `username` (basic authentication).
    pub username: Option<String>,
    /// `password` (basic authentication).
    pub password: Secret,
    /// `indices`.
    pub indices: EsIndices,
    /// `logLevel`: client log level (`trace`, `info`, `error`; others: no client logging).
    pub log_level: Option<String>,
    /// `closeIdleConnectionsInterval`, e.g. `"15s"`: how often idle HTTP connections are
    /// closed (0 or absent: never).
    pub close_idle_connections_interval: Option<Duration>,
    /// `tls`.
    pub tls: TlsConfig,
    /// `disableGzip`: send requests uncompressed.
    pub disable_gzip: bool,
}

impl ElasticsearchConfig {
    /// Every configured endpoint: `url` first, then `urls`.
    pub fn endpoints(&self) -> impl Iterator<Item = &EsUrl> {
        self.url.iter().chain(self.urls.iter())
    }

    /// Reads the block at `fields`.
    pub(crate) fn parse(mut fields: Fields, findings: &mut Findings) -> Result<Self> {
        let version_path = fields.key_path("version");
        let version = match fields.string("version")?.as_deref() {
            None => None,
            Some("v7") => Some(EsVersion::V7),
            Some("v8") => Some(EsVersion::V8),
            Some(other) => {
                return Err(invalid(
                    &version_path,
                    format!("unsupported Elasticsearch version {other:?} (expected v7 or v8)"),
                ));
            }
        };
        let url_path = fields.key_path("url");
        let url = fields
            .take("url")
            .map(|node| parse_url(node, &url_path, findings))
            .transpose()?;
        let urls_path = fields.key_path("urls");
        let urls = match fields.take("urls") {
            None => Vec::new(),
            Some(Node::Seq(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| parse_url(item, &format!("{urls_path}[{i}]"), findings))
                .collect::<Result<Vec<_>>>()?,
            Some(other) => {
                return Err(invalid(
                    &urls_path,
                    format!("expected a list of URLs, got {}", other.describe()),
                ));
            }
        };
        if url.is_none() && urls.is_empty() {
            return Err(invalid(&url_path, "required (or urls)"));
        }
        let username = fields.string("username")?;
        let password = fields.secret("password")?;
        let indices_path = fields.key_path("indices");
        let indices = match fields.sub("indices")? {
            Some(block) => parse_indices(block, findings)?,
            None => return Err(invalid(&indices_path, "required (with a visibility key)")),
        };
        let log_level = fields.string("logLevel")?;
        let close_idle_connections_interval = fields
            .duration("closeIdleConnectionsInterval")?
            .filter(|d| !d.is_zero());
        let tls = match fields.sub("tls")? {
            Some(tls) => TlsConfig::parse(tls, findings)?,
            None => TlsConfig::default(),
        };
        let disable_gzip = fields.bool("disableGzip")?.unwrap_or(false);
        fields.unsupported(
            "aws-request-signing",
            |node| {
                matches!(node, Node::Map(entries)
                    if entries.iter().any(|(k, v)| k == "enabled" && *v == Node::Bool(true)))
            },
            "AWS request signing is not supported by this crate",
            findings,
        );
        fields.unsupported(
            "enableSniff",
            non_zero,
            "node sniffing is not supported by this crate; list the endpoints in urls",
            findings,
        );
        fields.unsupported(
            "enableHealthcheck",
            non_zero,
            "client health checks are not supported by this crate",
            findings,
        );
        fields.finish(findings);
        Ok(ElasticsearchConfig {
            version,
            url,
            urls,
            username,
            password,
            indices,
            log_level,
            close_idle_connections_interval,
            tls,
            disable_gzip,
        })
    }
}

fn parse_indices(mut block: Fields, findings: &mut Findings) -> Result<EsIndices> {
    let visibility_path = block.key_path("visibility");
    let visibility = block
        .string("visibility")?
        .ok_or_else(|| invalid(&visibility_path, "required"))?;
    let secondary_path = block.key_path("secondary_visibility");
    let secondary_visibility = block.string("secondary_visibility")?;
    if secondary_visibility.as_deref() == Some(visibility.as_str()) {
        return Err(invalid(
            &secondary_path,
            format!("names the same index as visibility ({visibility:?})"),
        ));
    }
    block.finish(findings);
    Ok(EsIndices {
        visibility,
        secondary_visibility,
    })
}

/// A URL as a mapping (`{scheme, host, path}`, the reference's form) or, for convenience, as
/// a string `scheme://host[/path]`.
fn parse_url(node: Node, path: &str, findings: &mut Findings) -> Result<EsUrl> {
    let (scheme, host, url_path) = match node {
        Node::Str(text) => {
            let (scheme, rest) = text.split_once("://").ok_or_else(|| {
                invalid(path, "expected scheme://host[:port][/path] or a mapping")
            })?;
            if rest.contains('@') {
                return Err(invalid(
                    path,
                    "credentials in the URL are not supported; use username and password",
                ));
            }
            let (host, url_path) = match rest.find('/') {
                Some(i) => (&rest[..i], Some(rest[i..].to_string())),
                None => (rest, None),
            };
            (
                Some(scheme.to_string()),
                Some(host.to_string()),
                url_path.filter(|p| p != "/"),
            )
        }
        node => {
            let mut fields = Fields::of(node, path)?;
            let scheme = fields.string("scheme")?;
            let host = fields.string("host")?;
            let url_path = fields.string("path")?;
            for key in [
                "opaque",
                "user",
                "rawpath",
                "forcequery",
                "rawquery",
                "fragment",
                "rawfragment",
                "omithost",
            ] {
                fields.unsupported(
                    key,
                    non_zero,
                    "only scheme, host and path of an Elasticsearch URL are supported",
                    findings,
                );
            }
            fields.finish(findings);
            (scheme, host, url_path)
        }
    };
    let scheme = match scheme.as_deref() {
        Some(s @ ("http" | "https")) => s.to_string(),
        Some(other) => {
            return Err(invalid(
                &format!("{path}.scheme"),
                format!("expected http or https, got {other:?}"),
            ));
        }
        None => return Err(invalid(&format!("{path}.scheme"), "required")),
    };
    let host = host.ok_or_else(|| invalid(&format!("{path}.host"), "required"))?;
    Ok(EsUrl {
        scheme,
        host,
        path: url_path,
    })
}
