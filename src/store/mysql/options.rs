use std::path::PathBuf;
use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};

use crate::error::{Error, Result};
use crate::options::StoreOptions;
use crate::store::mysql::url::{UrlParts, percent_decode};
use crate::store::pool::{PoolOptions, TlsMode, TlsOptions};

/// Options of a [`MysqlStore`](super::MysqlStore).
///
/// Built from a URL, `mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?ssl-mode=…&ssl-ca=…&
/// ssl-cert=…&ssl-key=…]` (`mariadb://` is accepted as well). The TLS parameters of the URL are
/// copied into [`PoolOptions::tls`], where they can be changed. `Debug` output and every error
/// show the URL with its password replaced by `****`.
#[derive(Clone, PartialEq, Eq)]
pub struct MysqlOptions {
    /// Store name, used in errors and page tokens (default `"mysql"`).
    pub name: String,
    url: String,
    /// Connection pool and TLS settings.
    pub pool: PoolOptions,
    /// Behaviour shared by all stores.
    pub store: StoreOptions,
}

impl std::fmt::Debug for MysqlOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MysqlOptions")
            .field("name", &self.name)
            .field("url", &self.redacted_url())
            .field("pool", &self.pool)
            .field("store", &self.store)
            .finish()
    }
}

fn parse_ssl_mode(value: &str, redacted: &str) -> Result<TlsMode> {
    Ok(
        match value.to_ascii_uppercase().replace('-', "_").as_str() {
            "DISABLED" | "DISABLE" => TlsMode::Disable,
            "PREFERRED" | "PREFER" => TlsMode::Prefer,
            "REQUIRED" | "REQUIRE" => TlsMode::Require,
            "VERIFY_CA" => TlsMode::VerifyCa,
            "VERIFY_IDENTITY" | "VERIFY_FULL" => TlsMode::VerifyFull,
            _ => {
                return Err(Error::invalid_argument(format!(
                    "unknown ssl-mode '{value}' in {redacted} (expected DISABLED, PREFERRED, \
                 REQUIRED, VERIFY_CA or VERIFY_IDENTITY)"
                )));
            }
        },
    )
}

impl MysqlOptions {
    /// Parses a `mysql://` (or `mariadb://`) URL naming a database; other settings default.
    pub fn from_url(url: &str) -> Result<Self> {
        let parts = UrlParts::parse(url).ok_or_else(|| {
            Error::invalid_argument(
                "not a MySQL URL: expected mysql://USER:PASSWORD@HOST:PORT/DATABASE",
            )
        })?;
        let redacted = parts.redacted();
        if parts.scheme != "mysql" && parts.scheme != "mariadb" {
            return Err(Error::invalid_argument(format!(
                "not a MySQL URL: expected mysql://USER:PASSWORD@HOST:PORT/DATABASE, got {redacted}"
            )));
        }
        if parts.raw_database.is_empty() {
            return Err(Error::invalid_argument(format!(
                "the MySQL URL {redacted} names no database (expected \
                 mysql://USER:PASSWORD@HOST:PORT/DATABASE)"
            )));
        }
        // The driver's own parser is the authority on what it accepts; its messages never
        // quote the URL.
        MySqlConnectOptions::from_str(&parts.with_raw_database(&parts.raw_database))
            .map_err(|e| Error::invalid_argument(format!("invalid MySQL URL {redacted}: {e}")))?;
        let mut tls = TlsOptions::default();
        for (key, value) in parts.query_pairs() {
            match key.as_str() {
                "ssl-mode" | "sslmode" => tls.mode = parse_ssl_mode(&value, &redacted)?,
                "ssl-ca" | "sslca" => tls.ca_file = Some(PathBuf::from(value)),
                "ssl-cert" | "sslcert" => tls.cert_file = Some(PathBuf::from(value)),
                "ssl-key" | "sslkey" => tls.key_file = Some(PathBuf::from(value)),
                _ => {}
            }
        }
        Ok(Self {
            name: "mysql".to_string(),
            url: url.to_string(),
            pool: PoolOptions {
                tls,
                ..PoolOptions::default()
            },
            store: StoreOptions::default(),
        })
    }

    /// Sets the store name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the pool and TLS settings.
    pub fn pool_options(mut self, pool: PoolOptions) -> Self {
        self.pool = pool;
        self
    }

    /// Sets the shared store options.
    pub fn store_options(mut self, options: StoreOptions) -> Self {
        self.store = options;
        self
    }

    /// The URL with its password replaced by `****`, for messages.
    pub fn redacted_url(&self) -> String {
        self.parts().redacted()
    }

    /// The database the URL names (decoded).
    pub fn database(&self) -> String {
        percent_decode(&self.parts().raw_database)
    }

    pub(crate) fn parts(&self) -> UrlParts {
        // `from_url` checked that the URL parses.
        UrlParts::parse(&self.url).expect("MysqlOptions holds a parsed URL")
    }

    /// The password (raw and decoded), for scrubbing messages.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let parts = self.parts();
        let mut secrets = Vec::new();
        if let Some(raw) = parts.raw_password() {
            let decoded = percent_decode(raw);
            if decoded != raw {
                secrets.push(decoded);
            }
            secrets.push(raw.to_string());
        }
        secrets
    }

    /// Driver options for the URL's database, or for no database (`with_database` false: the
    /// connection that creates it). `collation` is the connection collation once the server is
    /// known (the server's default for utf8mb4 otherwise).
    pub(crate) fn connect_options(
        &self,
        with_database: bool,
        collation: Option<&str>,
    ) -> Result<MySqlConnectOptions> {
        let parts = self.parts();
        let url = if with_database {
            parts.with_raw_database(&parts.raw_database)
        } else {
            parts.with_raw_database("")
        };
        let tls = &self.pool.tls;
        let mut options = MySqlConnectOptions::from_str(&url)
            .map_err(|e| {
                Error::invalid_argument(format!("invalid MySQL URL {}: {e}", parts.redacted()))
            })?
            .ssl_mode(match tls.mode {
                TlsMode::Disable => MySqlSslMode::Disabled,
                TlsMode::Prefer => MySqlSslMode::Preferred,
                TlsMode::Require => MySqlSslMode::Required,
                TlsMode::VerifyCa => MySqlSslMode::VerifyCa,
                TlsMode::VerifyFull => MySqlSslMode::VerifyIdentity,
            })
            .charset("utf8mb4")
            // The session's sql_mode is set in full after connecting (see `connect.rs`).
            .pipes_as_concat(false)
            .no_engine_substitution(false)
            .statement_cache_capacity(crate::store::mysql::backend::STATEMENT_CACHE_CAPACITY);
        if let Some(collation) = collation {
            options = options.collation(collation);
        }
        if let Some(ca) = &tls.ca_file {
            options = options.ssl_ca(ca);
        }
        if let Some(cert) = &tls.cert_file {
            options = options.ssl_client_cert(cert);
        }
        if let Some(key) = &tls.key_file {
            options = options.ssl_client_key(key);
        }
        Ok(options)
    }

    /// `host:port` for messages.
    pub(crate) fn address(&self) -> String {
        let host_port = self.parts().host_port;
        if host_port.is_empty() {
            "localhost:3306".to_string()
        } else if host_port
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.contains(']'))
        {
            host_port
        } else {
            format!("{host_port}:3306")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls_and_tls_parameters() {
        let o = MysqlOptions::from_url(
            "mysql://app:hunter2@db:3307/vis?ssl-mode=verify_identity&ssl-ca=%2Fetc%2Fca.pem",
        )
        .unwrap();
        assert_eq!(o.name, "mysql");
        assert_eq!(o.database(), "vis");
        assert_eq!(o.address(), "db:3307");
        assert_eq!(o.pool.tls.mode, TlsMode::VerifyFull);
        assert_eq!(o.pool.tls.ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(o.secrets(), vec!["hunter2".to_string()]);
        assert_eq!(
            MysqlOptions::from_url("mariadb://u@h/d").unwrap().address(),
            "h:3306"
        );
    }

    #[test]
    fn rejects_other_urls_without_showing_the_password() {
        for url in [
            "postgres://u:hunter2@h/d",
            "mysql://u:hunter2@h/",
            "mysql://u:hunter2@h/d?ssl-mode=sometimes",
            "hunter2",
        ] {
            let e = MysqlOptions::from_url(url).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{url}");
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let o = MysqlOptions::from_url("mysql://app:hunter2@db/vis").unwrap();
        let shown = format!("{o:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("mysql://app:****@db/vis"), "{shown}");
    }
}
