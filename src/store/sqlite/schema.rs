//! Schema setup, update and version checks on SQLite (DDL is transactional here, so every
//! step is atomic).

use sqlx::{Row, SqlitePool};

use crate::error::Error;
use crate::schema::{DatabaseSchema, UpdateReport, Version, sqlite};
use crate::store::sqlite::errors::map_sqlx;

fn schema() -> &'static DatabaseSchema {
    sqlite()
}

/// The installed schema version, or `None` when the database has no visibility schema.
pub(crate) async fn installed_version(
    store: &str,
    pool: &SqlitePool,
) -> Result<Option<Version>, Error> {
    let op = "reading the schema version";
    let has_table =
        sqlx::query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
            .fetch_optional(pool)
            .await
            .map_err(|e| map_sqlx(store, op, e))?
            .is_some();
    if !has_table {
        return Ok(None);
    }
    let row = sqlx::query("SELECT curr_version FROM schema_version WHERE version_partition = 0")
        .fetch_optional(pool)
        .await
        .map_err(|e| map_sqlx(store, op, e))?;
    row.map(|r| r.get::<String, _>(0).parse()).transpose()
}

async fn run_statements(
    tx: &mut sqlx::SqliteConnection,
    store: &str,
    op: &str,
    statements: &[String],
) -> Result<(), Error> {
    for stmt in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(stmt.clone()))
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx(store, op, e))?;
    }
    Ok(())
}

async fn record_version(
    tx: &mut sqlx::SqliteConnection,
    store: &str,
    op: &str,
    old: Option<&Version>,
    new: &Version,
    manifest_hash: &str,
    description: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO schema_version (version_partition, curr_version, min_compatible_version, \
         creation_time) VALUES (0, ?1, ?2, ?3) ON CONFLICT (version_partition) DO UPDATE SET \
         curr_version = excluded.curr_version, \
         min_compatible_version = excluded.min_compatible_version",
    )
    .bind(new.to_string())
    .bind(schema().min_supported().to_string())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| map_sqlx(store, op, e))?;
    sqlx::query(
        "INSERT INTO schema_update_history (update_time, old_version, new_version, \
         manifest_hash, description) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(now)
    .bind(old.map(|v| v.to_string()).unwrap_or_default())
    .bind(new.to_string())
    .bind(manifest_hash)
    .bind(description)
    .execute(&mut *tx)
    .await
    .map_err(|e| map_sqlx(store, op, e))?;
    Ok(())
}

/// Creates the schema at `target` (default: the latest version, from the full schema file)
/// in one transaction and records it. Does nothing when a schema is installed already.
pub(crate) async fn setup(
    store: &str,
    pool: &SqlitePool,
    target: Option<&Version>,
    now: i64,
) -> Result<Version, Error> {
    if let Some(v) = installed_version(store, pool).await? {
        return Ok(v);
    }
    let op = "setting up the schema";
    let latest = schema().latest().clone();
    let target = target.cloned().unwrap_or_else(|| latest.clone());
    schema().step(&target)?;
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| map_sqlx(store, op, e))?;
    if target == latest {
        run_statements(&mut tx, store, op, &schema().full_statements()).await?;
    } else {
        for step in schema().pending(&"0".parse()?, &target)? {
            run_statements(&mut tx, store, op, &step.statements()).await?;
        }
    }
    let step = schema().step(&target)?;
    record_version(
        &mut tx,
        store,
        op,
        None,
        &target,
        &step.manifest_hash,
        "setup",
        now,
    )
    .await?;
    tx.commit().await.map_err(|e| map_sqlx(store, op, e))?;
    Ok(target)
}

/// Applies pending versions up to `target` (default: latest), one transaction per version.
pub(crate) async fn update(
    store: &str,
    pool: &SqlitePool,
    location: &str,
    target: Option<&Version>,
    now: i64,
) -> Result<UpdateReport, Error> {
    let op = "updating the schema";
    let installed = installed_version(store, pool).await?.ok_or_else(|| {
        Error::Unavailable(format!(
            "the database at {location} has no visibility schema; create it with \
             `wfvis --url {location} schema setup`"
        ))
    })?;
    let target = target.cloned().unwrap_or_else(|| schema().latest().clone());
    let mut current = installed.clone();
    let mut applied = Vec::new();
    for step in schema().pending(&installed, &target)? {
        let mut tx = pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx(store, op, e))?;
        // Re-check inside the transaction: a concurrent update may have applied this step.
        let now_installed: Option<String> =
            sqlx::query("SELECT curr_version FROM schema_version WHERE version_partition = 0")
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| map_sqlx(store, op, e))?
                .map(|r| r.get(0));
        if let Some(v) = now_installed {
            if v.parse::<Version>()? >= step.manifest.version {
                continue;
            }
        }
        run_statements(&mut tx, store, op, &step.statements()).await?;
        record_version(
            &mut tx,
            store,
            op,
            Some(&current),
            &step.manifest.version,
            &step.manifest_hash,
            &step.manifest.description,
            now,
        )
        .await?;
        tx.commit().await.map_err(|e| map_sqlx(store, op, e))?;
        current = step.manifest.version.clone();
        applied.push(current.clone());
    }
    Ok(UpdateReport {
        from: installed,
        to: current,
        applied,
    })
}

/// Fails unless the installed version is supported.
pub(crate) fn check_supported(installed: Option<&Version>, location: &str) -> Result<(), Error> {
    schema().check_supported(installed, location)
}
