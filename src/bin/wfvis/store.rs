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
}

/// Picks the store kind from the URL scheme.
fn backend(url: &str) -> CliResult<Backend> {
    let scheme = url.split_once(':').map_or("", |(s, _)| s);
    match scheme {
        #[cfg(feature = "sqlite")]
        "sqlite" => Ok(Backend::Sqlite),
        // Named separately so the user learns the store exists but is not built in, rather
        // than that the URL is nonsense. The URL is not echoed: it may carry a password.
        "postgres" | "postgresql" | "mysql" => Err(Failure::usage(format!(
            "{scheme} stores are not supported by this build of wfvis yet"
        ))),
        _ => Err(Failure::usage(format!(
            "unsupported store URL scheme '{scheme}': expected {}",
            supported_urls()
        ))),
    }
}

/// The URL forms this build accepts, for error messages.
fn supported_urls() -> &'static str {
    if cfg!(feature = "sqlite") {
        "sqlite::memory: or sqlite://PATH"
    } else {
        "nothing: this build of wfvis has no store compiled in"
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
    }
}
