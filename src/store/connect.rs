//! Opening stores and running the schema tool from a URL, whatever the store kind.
//!
//! `sqlite::memory:` / `sqlite://PATH` (feature `sqlite`), `postgres://…` (feature `postgres`),
//! `mysql://…` (feature `mysql`). A URL for a store this build does not include fails with an
//! error naming the cargo feature. Errors never repeat a URL's password.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::manager::VisibilityManager;
use crate::schema::{UpdateReport, Version};

/// The store kind a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// `sqlite:`
    Sqlite,
    /// `postgres:` or `postgresql:`
    Postgres,
    /// `mysql:` (MySQL 8 and MariaDB)
    Mysql,
}

impl StoreKind {
    /// The store kind of `url`, from its scheme.
    pub fn of_url(url: &str) -> Result<Self> {
        let scheme = url.split_once(':').map_or("", |(s, _)| s);
        match scheme {
            "sqlite" => Ok(StoreKind::Sqlite),
            "postgres" | "postgresql" => Ok(StoreKind::Postgres),
            "mysql" | "mariadb" => Ok(StoreKind::Mysql),
            _ => Err(Error::invalid_argument(format!(
                "unsupported store URL scheme '{scheme}': expected sqlite::memory:, \
                 sqlite://PATH, postgres://… or mysql://…"
            ))),
        }
    }

    /// The cargo feature that compiles this store in.
    pub fn feature(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "sqlite",
            StoreKind::Postgres => "postgres",
            StoreKind::Mysql => "mysql",
        }
    }

    #[allow(dead_code)] // unused when every store feature is enabled
    fn not_built(self) -> Error {
        Error::invalid_argument(format!(
            "this build of workflow-visibility has no {} store: enable the cargo feature `{}`",
            self.feature(),
            self.feature()
        ))
    }
}

/// Opens the store at `url`; its schema must exist already.
pub async fn connect(url: &str) -> Result<Arc<dyn VisibilityManager>> {
    match StoreKind::of_url(url)? {
        #[cfg(feature = "sqlite")]
        StoreKind::Sqlite => Ok(Arc::new(
            crate::store::sqlite::SqliteStore::connect(url).await?,
        )),
        #[cfg(feature = "postgres")]
        StoreKind::Postgres => Ok(Arc::new(
            crate::store::postgres::PostgresStore::connect(url).await?,
        )),
        #[cfg(feature = "mysql")]
        StoreKind::Mysql => Ok(Arc::new(
            crate::store::mysql::MysqlStore::connect(url).await?,
        )),
        #[allow(unreachable_patterns)]
        kind => Err(kind.not_built()),
    }
}

/// Schema tool: creates the database (where permitted) and the schema at `target` (default:
/// latest) unless one is installed; returns the installed version.
pub async fn setup_schema(url: &str, target: Option<&Version>) -> Result<Version> {
    match StoreKind::of_url(url)? {
        #[cfg(feature = "sqlite")]
        StoreKind::Sqlite => {
            use crate::store::sqlite::{SqliteOptions, SqliteStore};
            SqliteStore::setup_schema(SqliteOptions::from_url(url)?, target).await
        }
        #[cfg(feature = "postgres")]
        StoreKind::Postgres => {
            use crate::store::postgres::{PostgresOptions, PostgresStore};
            PostgresStore::setup_schema(PostgresOptions::from_url(url)?, target).await
        }
        #[cfg(feature = "mysql")]
        StoreKind::Mysql => {
            use crate::store::mysql::{MysqlOptions, MysqlStore};
            MysqlStore::setup_schema(MysqlOptions::from_url(url)?, target).await
        }
        #[allow(unreachable_patterns)]
        kind => {
            let _ = target; // used by every store feature, none of which is built
            Err(kind.not_built())
        }
    }
}

/// Schema tool: applies pending versions up to `target` (default: latest).
pub async fn update_schema(url: &str, target: Option<&Version>) -> Result<UpdateReport> {
    match StoreKind::of_url(url)? {
        #[cfg(feature = "sqlite")]
        StoreKind::Sqlite => {
            use crate::store::sqlite::{SqliteOptions, SqliteStore};
            SqliteStore::update_schema(SqliteOptions::from_url(url)?, target).await
        }
        #[cfg(feature = "postgres")]
        StoreKind::Postgres => {
            use crate::store::postgres::{PostgresOptions, PostgresStore};
            PostgresStore::update_schema(PostgresOptions::from_url(url)?, target).await
        }
        #[cfg(feature = "mysql")]
        StoreKind::Mysql => {
            use crate::store::mysql::{MysqlOptions, MysqlStore};
            MysqlStore::update_schema(MysqlOptions::from_url(url)?, target).await
        }
        #[allow(unreachable_patterns)]
        kind => {
            let _ = target; // used by every store feature, none of which is built
            Err(kind.not_built())
        }
    }
}

/// Schema tool: the installed schema version (`None` when there is no schema).
pub async fn schema_version(url: &str) -> Result<Option<Version>> {
    match StoreKind::of_url(url)? {
        #[cfg(feature = "sqlite")]
        StoreKind::Sqlite => {
            use crate::store::sqlite::{SqliteOptions, SqliteStore};
            SqliteStore::installed_schema_version(SqliteOptions::from_url(url)?).await
        }
        #[cfg(feature = "postgres")]
        StoreKind::Postgres => {
            use crate::store::postgres::{PostgresOptions, PostgresStore};
            PostgresStore::installed_schema_version(PostgresOptions::from_url(url)?).await
        }
        #[cfg(feature = "mysql")]
        StoreKind::Mysql => {
            use crate::store::mysql::{MysqlOptions, MysqlStore};
            MysqlStore::installed_schema_version(MysqlOptions::from_url(url)?).await
        }
        #[allow(unreachable_patterns)]
        kind => Err(kind.not_built()),
    }
}

/// The schema versions this build knows for the store at `url`: (oldest supported, latest).
pub fn supported_schema_range(url: &str) -> Result<(Version, Version)> {
    let schema = match StoreKind::of_url(url)? {
        StoreKind::Sqlite => crate::schema::sqlite(),
        StoreKind::Postgres => crate::schema::postgresql(),
        StoreKind::Mysql => crate::schema::mysql(),
    };
    Ok((schema.min_supported().clone(), schema.latest().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_urls() {
        assert_eq!(
            StoreKind::of_url("sqlite::memory:").unwrap(),
            StoreKind::Sqlite
        );
        assert_eq!(
            StoreKind::of_url("postgresql://h/d").unwrap(),
            StoreKind::Postgres
        );
        assert_eq!(StoreKind::of_url("mysql://h/d").unwrap(), StoreKind::Mysql);
        let e = StoreKind::of_url("ftp://u:secret@h").unwrap_err();
        assert!(!e.to_string().contains("secret"));
    }
}
