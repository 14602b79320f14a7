//! Builds the [`VisibilityManager`] a persistence config describes.

use std::sync::Arc;

use crate::config::persistence::{DataStore, NamedStore, PersistenceConfig};
use crate::dual::{DualVisibilityManager, SettingsHandle};
use crate::error::{Error, Result};
use crate::layers::standard_stack;
use crate::manager::VisibilityManager;

/// Opens the visibility stores of `config` and returns the manager server code calls: the
/// primary alone when there is no secondary, a [`DualVisibilityManager`] routed by `settings`
/// otherwise. Each store is wrapped as metrics(rate-limit(store)) and named after its
/// datastore. Every database must already carry a supported schema.
pub async fn build_manager(
    config: &PersistenceConfig,
    settings: SettingsHandle,
) -> Result<Arc<dyn VisibilityManager>> {
    let stores = config.visibility_stores()?;
    let primary = open_store(&stores.primary, &settings).await?;
    let Some(secondary) = &stores.secondary else {
        return Ok(primary);
    };
    let secondary = match open_store(secondary, &settings).await {
        Ok(s) => s,
        Err(e) => {
            let _ = primary.close().await;
            return Err(e);
        }
    };
    Ok(Arc::new(DualVisibilityManager::new(
        primary, secondary, settings,
    )?))
}

/// Opens one datastore, wrapped in the standard layers.
pub async fn open_store(
    store: &NamedStore,
    settings: &SettingsHandle,
) -> Result<Arc<dyn VisibilityManager>> {
    let opened = match &store.config {
        DataStore::Sql(sql) => open_sql(sql, &store.name).await?,
        DataStore::Cassandra(_) => return Err(not_implemented(&store.name, "Cassandra")),
        DataStore::Elasticsearch(_) => return Err(not_implemented(&store.name, "Elasticsearch")),
    };
    Ok(standard_stack(opened, Arc::clone(settings)))
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
async fn open_sql(
    sql: &crate::config::persistence::SqlConfig,
    name: &str,
) -> Result<Arc<dyn VisibilityManager>> {
    sql.store_target(name)?.open().await
}

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
async fn open_sql(
    _sql: &crate::config::persistence::SqlConfig,
    name: &str,
) -> Result<Arc<dyn VisibilityManager>> {
    Err(Error::invalid_argument(format!(
        "datastore '{name}': this build has no SQL store; enable the cargo feature `sqlite`, \
         `postgres` or `mysql`"
    )))
}

fn not_implemented(name: &str, kind: &str) -> Error {
    Error::invalid_argument(format!(
        "datastore '{name}': the {kind} visibility store is not implemented in this version of \
         workflow-visibility"
    ))
}

/// Creates the schema of every visibility store of `config` that is missing one; returns
/// `(store name, installed version)` per store, primary first.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub async fn setup_schemas(
    config: &PersistenceConfig,
) -> Result<Vec<(String, crate::schema::Version)>> {
    let stores = config.visibility_stores()?;
    let mut out = Vec::new();
    for store in std::iter::once(&stores.primary).chain(stores.secondary.iter()) {
        match &store.config {
            DataStore::Sql(sql) => {
                let version = sql.store_target(&store.name)?.setup_schema().await?;
                out.push((store.name.clone(), version));
            }
            DataStore::Cassandra(_) => return Err(not_implemented(&store.name, "Cassandra")),
            DataStore::Elasticsearch(_) => {
                return Err(not_implemented(&store.name, "Elasticsearch"));
            }
        }
    }
    Ok(out)
}
