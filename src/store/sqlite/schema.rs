//! Creating the schema and checking the installed version.

use sqlx::{Row, SqlitePool};

use crate::error::Error;
use crate::store::sqlite::errors::map_sqlx;

/// The schema version this crate writes and reads.
pub const SCHEMA_VERSION: &str = "1.0";
/// The oldest installed version this crate can still use.
pub const MIN_SUPPORTED_VERSION: &str = "1.0";

const FULL_SCHEMA: &str = include_str!("../../../schema/sqlite/visibility/schema.sql");

/// The installed schema version, or `None` when the database has no visibility schema.
pub(crate) async fn installed_version(
    store: &str,
    pool: &SqlitePool,
) -> Result<Option<String>, Error> {
    let has_table =
        sqlx::query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
            .fetch_optional(pool)
            .await
            .map_err(|e| map_sqlx(store, "reading the schema version", e))?
            .is_some();
    if !has_table {
        return Ok(None);
    }
    let row = sqlx::query("SELECT curr_version FROM schema_version WHERE version_partition = 0")
        .fetch_optional(pool)
        .await
        .map_err(|e| map_sqlx(store, "reading the schema version", e))?;
    Ok(row.map(|r| r.get::<String, _>(0)))
}

/// Applies the full schema in one transaction and records its version. Does nothing when a
/// schema is installed already.
pub(crate) async fn setup(
    store: &str,
    pool: &SqlitePool,
    now_micros: i64,
) -> Result<String, Error> {
    if let Some(v) = installed_version(store, pool).await? {
        return Ok(v);
    }
    let op = "applying the schema";
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| map_sqlx(store, op, e))?;
    sqlx::raw_sql(FULL_SCHEMA)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx(store, op, e))?;
    sqlx::query(
        "INSERT INTO schema_version (version_partition, curr_version, min_compatible_version, \
         creation_time) VALUES (0, ?, ?, ?)",
    )
    .bind(SCHEMA_VERSION)
    .bind(MIN_SUPPORTED_VERSION)
    .bind(now_micros)
    .execute(&mut *tx)
    .await
    .map_err(|e| map_sqlx(store, op, e))?;
    tx.commit().await.map_err(|e| map_sqlx(store, op, e))?;
    Ok(SCHEMA_VERSION.to_string())
}

/// Fails unless `installed` is a version this crate can use; the error names the command
/// that fixes it.
pub(crate) fn check_supported(installed: Option<&str>, location: &str) -> Result<(), Error> {
    match installed {
        None => Err(Error::Unavailable(format!(
            "the database at {location} has no visibility schema; create it with \
             `wfvis --url {location} schema setup`"
        ))),
        Some(v) if version_key(v) < version_key(MIN_SUPPORTED_VERSION) => {
            Err(Error::Unavailable(format!(
                "the database at {location} has visibility schema {v}, older than the oldest \
                 supported version {MIN_SUPPORTED_VERSION}; upgrade it with \
                 `wfvis --url {location} schema update`"
            )))
        }
        Some(v) if version_key(v) > version_key(SCHEMA_VERSION) => {
            Err(Error::Unavailable(format!(
                "the database at {location} has visibility schema {v}, newer than this crate's \
             {SCHEMA_VERSION}; upgrade workflow-visibility"
            )))
        }
        Some(_) => Ok(()),
    }
}

/// Orders dotted versions numerically ("1.10" > "1.9").
pub(crate) fn version_key(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}
