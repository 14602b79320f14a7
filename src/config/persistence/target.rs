//! Turning a `sql` datastore into the options of a store compiled into this build.

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
use std::sync::Arc;

use super::datastore::DataStore;
use super::plan::{self, SqlPlan};
use super::sql::{SqlConfig, SqlPlugin};
use super::visibility::NamedStore;
use crate::error::{Error, Result};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
use crate::manager::VisibilityManager;

/// What a `sql` datastore opens, with the datastore name as the store name.
///
/// Only the stores compiled into this build have a variant; for the others
/// [`SqlConfig::store_target`] fails with an error naming the cargo feature.
#[derive(Debug, Clone)]
pub enum SqlTarget {
    /// `sqlite`.
    #[cfg(feature = "sqlite")]
    Sqlite {
        /// Store options.
        options: crate::store::sqlite::SqliteOptions,
        /// `connectAttributes.setup: true`: create the file's schema when it is missing
        /// (open with [`SqliteStore::setup`](crate::store::sqlite::SqliteStore::setup)).
        create_schema: bool,
    },
    /// `postgres12` / `postgres12_pgx`.
    #[cfg(feature = "postgres")]
    Postgres(crate::store::postgres::PostgresOptions),
    /// `mysql8`.
    #[cfg(feature = "mysql")]
    Mysql(MysqlTarget),
}

/// Connection settings for the MySQL-family store.
#[cfg(feature = "mysql")]
#[derive(Debug, Clone)]
pub struct MysqlTarget {
    /// Store name (the datastore name).
    pub name: String,
    /// `mysql://user:password@host:port/database`, every part percent-encoded.
    pub url: super::secret::Secret,
    /// Pool and TLS settings.
    pub pool: crate::store::pool::PoolOptions,
}

impl SqlTarget {
    /// The store name: the datastore's name.
    pub fn name(&self) -> &str {
        match *self {
            #[cfg(feature = "sqlite")]
            SqlTarget::Sqlite { ref options, .. } => &options.name,
            #[cfg(feature = "postgres")]
            SqlTarget::Postgres(ref options) => &options.name,
            #[cfg(feature = "mysql")]
            SqlTarget::Mysql(ref target) => &target.name,
        }
    }

    /// Opens the store. A SQLite file gets its schema first when `setup: true` asked for it;
    /// every other database must carry a supported schema already.
    #[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
    pub async fn open(self) -> Result<Arc<dyn VisibilityManager>> {
        match self {
            #[cfg(feature = "sqlite")]
            SqlTarget::Sqlite {
                options,
                create_schema,
            } => {
                use crate::store::sqlite::SqliteStore;
                let store = if create_schema {
                    SqliteStore::setup(options).await?
                } else {
                    SqliteStore::open(options).await?
                };
                Ok(Arc::new(store))
            }
            #[cfg(feature = "postgres")]
            SqlTarget::Postgres(options) => Ok(Arc::new(
                crate::store::postgres::PostgresStore::open(options).await?,
            )),
            #[cfg(feature = "mysql")]
            SqlTarget::Mysql(target) => Ok(Arc::new(
                crate::store::mysql::MysqlStore::open(target.options()?).await?,
            )),
        }
    }

    /// Schema tool: creates the database (where permitted) and the schema unless one is
    /// installed; returns the installed version.
    #[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
    pub async fn setup_schema(&self) -> Result<crate::schema::Version> {
        match self {
            #[cfg(feature = "sqlite")]
            SqlTarget::Sqlite { options, .. } => {
                crate::store::sqlite::SqliteStore::setup_schema(options.clone(), None).await
            }
            #[cfg(feature = "postgres")]
            SqlTarget::Postgres(options) => {
                crate::store::postgres::PostgresStore::setup_schema(options.clone(), None).await
            }
            #[cfg(feature = "mysql")]
            SqlTarget::Mysql(target) => {
                crate::store::mysql::MysqlStore::setup_schema(target.options()?, None).await
            }
        }
    }
}

#[cfg(feature = "mysql")]
impl MysqlTarget {
    /// The MySQL store options for this target.
    pub fn options(&self) -> Result<crate::store::mysql::MysqlOptions> {
        Ok(
            crate::store::mysql::MysqlOptions::from_url(self.url.expose())?
                .name(self.name.clone())
                .pool_options(self.pool.clone()),
        )
    }
}

impl SqlConfig {
    /// What this datastore (named `name`) opens in this build.
    ///
    /// Fails when a key cannot be mapped (the message names its path), or when the plugin's
    /// store is not compiled in (the message names the cargo feature).
    pub fn store_target(&self, name: &str) -> Result<SqlTarget> {
        let path = format!("persistence.datastores.{name}.sql");
        // Warnings were reported when the config was loaded.
        let mut ignored = super::fields::Findings::default();
        match plan::plan(self, &path, &mut ignored)? {
            SqlPlan::Sqlite(plan) => sqlite_target(plan, name),
            SqlPlan::Network(plan) => match plan.dialect {
                plan::Dialect::Postgres => postgres_target(plan, name, self.plugin),
                plan::Dialect::Mysql => mysql_target(plan, name),
            },
        }
    }
}

impl NamedStore {
    /// What this store opens, for a SQL datastore; Cassandra and Elasticsearch datastores
    /// fail with an error saying this crate has no such store.
    pub fn sql_target(&self) -> Result<SqlTarget> {
        match &self.config {
            DataStore::Sql(sql) => sql.store_target(&self.name),
            other => Err(Error::invalid_argument(format!(
                "datastore '{}': this crate has no {} visibility store (yet); only SQL \
                 datastores can be opened",
                self.name,
                other.kind()
            ))),
        }
    }
}

#[allow(dead_code)] // unused when every store feature is enabled
fn not_built(name: &str, plugin: SqlPlugin, feature: &str) -> Error {
    Error::invalid_argument(format!(
        "datastore '{name}': the {plugin} plugin needs the cargo feature `{feature}`, which this \
         build of workflow-visibility does not include"
    ))
}

#[cfg(feature = "sqlite")]
fn sqlite_target(plan: plan::SqlitePlan, name: &str) -> Result<SqlTarget> {
    use crate::store::sqlite::{SqliteOptions, SqliteSynchronous};
    let mut options = if plan.memory {
        SqliteOptions::memory()
    } else {
        SqliteOptions::file(plan.path)
    }
    .name(name);
    if let Some(n) = plan.max_connections {
        options = options.max_connections(n);
    }
    if let Some(timeout) = plan.busy_timeout {
        options = options.busy_timeout(timeout);
    }
    if let Some(level) = plan.synchronous {
        options = options.synchronous(match level {
            plan::SyncLevel::Off => SqliteSynchronous::Off,
            plan::SyncLevel::Normal => SqliteSynchronous::Normal,
            plan::SyncLevel::Full => SqliteSynchronous::Full,
        });
    }
    Ok(SqlTarget::Sqlite {
        options,
        create_schema: plan.create_schema,
    })
}

#[cfg(not(feature = "sqlite"))]
fn sqlite_target(_: plan::SqlitePlan, name: &str) -> Result<SqlTarget> {
    Err(not_built(name, SqlPlugin::Sqlite, "sqlite"))
}

/// The store's pool options from a plan: unset keys keep the store defaults, and the idle
/// floor never exceeds the connection limit.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn pool_options(plan: &plan::NetworkPlan) -> crate::store::pool::PoolOptions {
    use crate::store::pool::{PoolOptions, TlsMode, TlsOptions};
    let mut pool = PoolOptions::default();
    if let Some(n) = plan.max_connections {
        pool.max_connections = n;
    }
    if let Some(n) = plan.min_idle {
        pool.min_idle = n.min(pool.max_connections);
    }
    if let Some(lifetime) = plan.max_lifetime {
        pool.max_lifetime = lifetime;
    }
    if let Some(timeout) = plan.connect_timeout {
        pool.connect_timeout = timeout;
    }
    pool.tls = TlsOptions {
        mode: match plan.tls.mode {
            plan::TlsLevel::Disable => TlsMode::Disable,
            plan::TlsLevel::Prefer => TlsMode::Prefer,
            plan::TlsLevel::Require => TlsMode::Require,
            plan::TlsLevel::VerifyCa => TlsMode::VerifyCa,
            plan::TlsLevel::VerifyFull => TlsMode::VerifyFull,
        },
        ca_file: plan.tls.ca_file.clone(),
        cert_file: plan.tls.cert_file.clone(),
        key_file: plan.tls.key_file.clone(),
    };
    pool
}

#[cfg(feature = "postgres")]
fn postgres_target(plan: plan::NetworkPlan, name: &str, _: SqlPlugin) -> Result<SqlTarget> {
    use crate::store::postgres::PostgresOptions;
    let options = PostgresOptions::from_url(plan.url.expose())?
        .name(name)
        .pool(pool_options(&plan));
    Ok(SqlTarget::Postgres(options))
}

#[cfg(not(feature = "postgres"))]
fn postgres_target(_: plan::NetworkPlan, name: &str, plugin: SqlPlugin) -> Result<SqlTarget> {
    Err(not_built(name, plugin, "postgres"))
}

#[cfg(feature = "mysql")]
fn mysql_target(plan: plan::NetworkPlan, name: &str) -> Result<SqlTarget> {
    Ok(SqlTarget::Mysql(MysqlTarget {
        name: name.to_string(),
        pool: pool_options(&plan),
        url: plan.url,
    }))
}

#[cfg(not(feature = "mysql"))]
fn mysql_target(_: plan::NetworkPlan, name: &str) -> Result<SqlTarget> {
    Err(not_built(name, SqlPlugin::Mysql8, "mysql"))
}
