//! Opening a store from a `--url`. Each store kind is one arm of [`Backend`]; later stores
//! (PostgreSQL, MySQL) add an arm here and nothing else in the CLI changes.

use std::sync::Arc;

use workflow_visibility::VisibilityManager;

use crate::failure::{CliResult, Failure};

/// The store kinds the CLI can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// `sqlite::memory:`, `sqlite://PATH`.
    #[cfg(feature = "sqlite")]
    Sqlite,
    /// `mysql://USER:PASSWORD@HOST:PORT/DATABASE` (MySQL 8 or MariaDB; `mariadb://` too).
    #[cfg(feature = "mysql")]
    Mysql,
}

/// Picks the store kind from the URL scheme.
fn backend(url: &str) -> CliResult<Backend> {
    let scheme = url.split_once(':').map_or("", |(s, _)| s);
    match scheme {
        #[cfg(feature = "sqlite")]
        "sqlite" => Ok(Backend::Sqlite),
        #[cfg(feature = "mysql")]
        "mysql" | "mariadb" => Ok(Backend::Mysql),
        // Named separately so the user learns the store exists but is not built in, rather
        // than that the URL is nonsense. The URL is not echoed: it may carry a password.
        "postgres" | "postgresql" => Err(not_built(scheme)),
        #[cfg(not(feature = "mysql"))]
        "mysql" | "mariadb" => Err(not_built(scheme)),
        _ => Err(Failure::usage(format!(
            "unsupported store URL scheme '{scheme}': expected {}",
            supported_urls()
        ))),
    }
}

/// The error for a store kind this build of wfvis does not include.
fn not_built(scheme: &str) -> Failure {
    Failure::usage(format!(
        "{scheme} stores are not supported by this build of wfvis yet"
    ))
}

/// The URL forms this build accepts, for error messages.
fn supported_urls() -> &'static str {
    match (cfg!(feature = "sqlite"), cfg!(feature = "mysql")) {
        (true, true) => {
            "sqlite::memory:, sqlite://PATH or mysql://USER:PASSWORD@HOST:PORT/DATABASE"
        }
        (true, false) => "sqlite::memory: or sqlite://PATH",
        (false, true) => "mysql://USER:PASSWORD@HOST:PORT/DATABASE",
        (false, false) => "nothing: this build of wfvis has no store compiled in",
    }
}

/// Returns the `--url` value or a usage error explaining how to give one.
pub fn require_url(url: Option<&str>) -> CliResult<&str> {
    url.ok_or_else(|| {
        Failure::usage(format!(
            "no store URL given: pass --url URL ({}) or set WFVIS_URL",
            supported_urls()
        ))
    })
}

/// Opens the store at `url`; its schema must exist already.
pub async fn connect(url: &str) -> CliResult<Arc<dyn VisibilityManager>> {
    match backend(url)? {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite => Ok(Arc::new(
            workflow_visibility::store::sqlite::SqliteStore::connect(url).await?,
        )),
        #[cfg(feature = "mysql")]
        Backend::Mysql => Ok(Arc::new(
            workflow_visibility::store::mysql::MysqlStore::connect(url).await?,
        )),
    }
}

/// Creates the schema of the store at `url` if it is missing and describes the result.
pub async fn setup(url: &str) -> CliResult<String> {
    match backend(url)? {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite => {
            use workflow_visibility::store::sqlite::{SqliteOptions, SqliteStore};
            let store = SqliteStore::setup(SqliteOptions::from_url(url)?).await?;
            let version = store.schema_version().await;
            store.close().await?;
            Ok(format!("visibility schema version {} is set up", version?))
        }
        #[cfg(feature = "mysql")]
        Backend::Mysql => {
            use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore};
            let version = MysqlStore::setup_schema(MysqlOptions::from_url(url)?, None).await?;
            Ok(format!("visibility schema version {version} is set up"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_and_unbuilt_schemes_without_echoing_secrets() {
        let e = backend("postgres://user:secret@host/db").unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(e.to_string().contains("postgres"), "{e}");
        assert!(backend("ftp://x").is_err());
        assert!(backend("no-scheme").is_err());
        #[cfg(feature = "sqlite")]
        assert_eq!(backend("sqlite::memory:").unwrap(), Backend::Sqlite);
        #[cfg(feature = "mysql")]
        assert_eq!(backend("mysql://u:secret@h/db").unwrap(), Backend::Mysql);
        #[cfg(not(feature = "mysql"))]
        assert!(
            !backend("mysql://u:secret@h/db")
                .unwrap_err()
                .to_string()
                .contains("secret")
        );
    }
}
