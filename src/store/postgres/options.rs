use std::fmt;
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgSslMode};

use crate::error::Error;
use crate::options::StoreOptions;
use crate::store::pool::{PoolOptions, TlsMode, redact_url};

/// Options of a [`PostgresStore`](super::PostgresStore).
///
/// `Debug` and every error show the URL with its password replaced by `****`.
#[derive(Clone)]
pub struct PostgresOptions {
    /// Store name, used in errors and page tokens (default `"postgres"`).
    pub name: String,
    url: String,
    /// Pool and TLS settings. TLS settings other than the defaults override the URL's
    /// `sslmode`/`sslrootcert`/`sslcert`/`sslkey`.
    pub pool: PoolOptions,
    /// Behaviour shared by all stores.
    pub store: StoreOptions,
}

impl fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresOptions")
            .field("name", &self.name)
            .field("url", &redact_url(&self.url))
            .field("pool", &self.pool)
            .field("store", &self.store)
            .finish()
    }
}

impl PostgresOptions {
    /// Options for `postgres://user:password@host:port/database?sslmode=…`.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::invalid_argument(format!(
                "not a PostgreSQL URL: expected postgres://…, got '{}'",
                redact_url(url)
            )));
        }
        let me = Self {
            name: "postgres".to_string(),
            url: url.to_string(),
            pool: PoolOptions::default(),
            store: StoreOptions::default(),
        };
        me.connect_options()?;
        Ok(me)
    }

    /// Sets the store name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets pool and TLS settings.
    pub fn pool(mut self, pool: PoolOptions) -> Self {
        self.pool = pool;
        self
    }

    /// Sets the shared store options.
    pub fn store_options(mut self, options: StoreOptions) -> Self {
        self.store = options;
        self
    }

    /// The URL with its password hidden.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }

    pub(crate) fn connect_options(&self) -> Result<PgConnectOptions, Error> {
        let mut o = PgConnectOptions::from_str(&self.url).map_err(|_| {
            Error::invalid_argument(format!("invalid PostgreSQL URL '{}'", self.redacted_url()))
        })?;
        o = o.application_name("workflow-visibility");
        let tls = &self.pool.tls;
        if *tls != Default::default() {
            o = o.ssl_mode(match tls.mode {
                TlsMode::Disable => PgSslMode::Disable,
                TlsMode::Prefer => PgSslMode::Prefer,
                TlsMode::Require => PgSslMode::Require,
                TlsMode::VerifyCa => PgSslMode::VerifyCa,
                TlsMode::VerifyFull => PgSslMode::VerifyFull,
            });
            if let Some(ca) = &tls.ca_file {
                o = o.ssl_root_cert(ca);
            }
            if let Some(cert) = &tls.cert_file {
                o = o.ssl_client_cert(cert);
            }
            if let Some(key) = &tls.key_file {
                o = o.ssl_client_key(key);
            }
        }
        Ok(o)
    }
}
