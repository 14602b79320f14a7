//! Connection options shared by the networked SQL stores (PostgreSQL, MySQL family).

use std::path::PathBuf;
use std::time::Duration;

/// How a store uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// Plain TCP.
    Disable,
    /// TLS when the server offers it (PostgreSQL `prefer`, MySQL `PREFERRED`).
    #[default]
    Prefer,
    /// TLS required, certificate not verified.
    Require,
    /// TLS required, certificate verified against the CA.
    VerifyCa,
    /// TLS required, certificate and host name verified.
    VerifyFull,
}

/// TLS settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsOptions {
    /// TLS mode.
    pub mode: TlsMode,
    /// CA certificate file (PEM).
    pub ca_file: Option<PathBuf>,
    /// Client certificate file (PEM), for mutual TLS.
    pub cert_file: Option<PathBuf>,
    /// Client key file (PEM), for mutual TLS.
    pub key_file: Option<PathBuf>,
}

/// Connection pool settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolOptions {
    /// Most open connections (default 10).
    pub max_connections: u32,
    /// Connections kept open while idle (default 0).
    pub min_idle: u32,
    /// Close a connection idle for longer than this (default 10 min).
    pub idle_timeout: Option<Duration>,
    /// Close a connection older than this (default 1 h).
    pub max_lifetime: Option<Duration>,
    /// Give up connecting, or waiting for a free connection, after this long; the call fails
    /// with `Unavailable` (default 10 s).
    pub connect_timeout: Duration,
    /// TLS settings.
    pub tls: TlsOptions,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_idle: 0,
            idle_timeout: Some(Duration::from_secs(600)),
            max_lifetime: Some(Duration::from_secs(3600)),
            connect_timeout: Duration::from_secs(10),
            tls: TlsOptions::default(),
        }
    }
}
