//! The schema tool on MySQL and MariaDB.
//!
//! Their DDL is not transactional (each statement commits on its own), so a step cannot be
//! atomic. Instead every step is idempotent: a statement failing because its table, column or
//! index exists already (or, for a drop, is gone already) counts as applied, and the version
//! is recorded in a transaction only after all of a step's statements ran. An interrupted
//! setup or update is finished by running it again.

use sqlx::Row;
use sqlx::mysql::MySqlConnection;

use crate::error::{Error, Result};
use crate::schema::{DatabaseSchema, UpdateReport, Version, mysql};
use crate::store::mysql::errors::{ErrorScope, code, error_number};
use crate::store::mysql::server::ServerInfo;
use crate::store::mysql::sql;

fn schema() -> &'static DatabaseSchema {
    mysql()
}

/// Errors that mean "this statement was applied before".
const ALREADY_APPLIED: [u16; 4] = [
    code::TABLE_EXISTS,
    code::DUPLICATE_COLUMN,
    code::DUPLICATE_KEY_NAME,
    code::CANT_DROP,
];

/// The installed schema version, or `None` when the database has no visibility schema.
pub(crate) async fn installed_version(
    conn: &mut MySqlConnection,
    scope: &ErrorScope,
) -> Result<Option<Version>> {
    let op = "reading the schema version";
    let tables: i64 = sqlx::query(sql::HAS_SCHEMA_VERSION_TABLE)
        .fetch_one(&mut *conn)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| scope.map(op, e))?;
    if tables == 0 {
        return Ok(None);
    }
    let row = sqlx::query(sql::SELECT_SCHEMA_VERSION)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| scope.map(op, e))?;
    row.map(|r| {
        r.try_get::<String, _>(0)
            .map_err(|e| scope.map(op, e))?
            .parse()
    })
    .transpose()
}

/// Runs statements (after filling in the server's placeholders), skipping those applied
/// before.
async fn run_statements(
    conn: &mut MySqlConnection,
    scope: &ErrorScope,
    server: &ServerInfo,
    op: &str,
    statements: &[String],
) -> Result<()> {
    for statement in statements {
        let rendered = server.render_schema(statement)?;
        match sqlx::raw_sql(sqlx::AssertSqlSafe(rendered))
            .execute(&mut *conn)
            .await
        {
            Ok(_) => {}
            Err(e) if error_number(&e).is_some_and(|n| ALREADY_APPLIED.contains(&n)) => {
                tracing::debug!(store = %scope.name, "schema statement already applied: {}",
                    statement.lines().next().unwrap_or_default());
            }
            Err(e) => return Err(scope.map(op, e)),
        }
    }
    Ok(())
}

/// One row of schema bookkeeping.
struct VersionChange<'a> {
    old: Option<&'a Version>,
    new: &'a Version,
    manifest_hash: &'a str,
    description: &'a str,
    now: i64,
}

/// Records a version in one transaction unless the recorded version is already at least as
/// new (a concurrent run got there first); returns whether it recorded.
async fn record_version(
    conn: &mut MySqlConnection,
    scope: &ErrorScope,
    op: &str,
    change: VersionChange<'_>,
) -> Result<bool> {
    let mut tx = sqlx::Connection::begin(&mut *conn)
        .await
        .map_err(|e| scope.map(op, e))?;
    let current: Option<String> = sqlx::query(sql::SELECT_SCHEMA_VERSION_FOR_UPDATE)
        .fetch_optional(&mut *tx)
        .await
        .and_then(|row| row.map(|r| r.try_get(0)).transpose())
        .map_err(|e| scope.map(op, e))?;
    let min = schema().min_supported().to_string();
    let written = match &current {
        Some(v) if v.parse::<Version>()? >= *change.new => false,
        Some(_) => sqlx::query(sql::UPDATE_SCHEMA_VERSION)
            .bind(change.new.to_string())
            .bind(&min)
            .execute(&mut *tx)
            .await
            .map(|_| true)
            .map_err(|e| scope.map(op, e))?,
        None => match sqlx::query(sql::INSERT_SCHEMA_VERSION)
            .bind(change.new.to_string())
            .bind(&min)
            .bind(change.now)
            .execute(&mut *tx)
            .await
        {
            Ok(_) => true,
            // A concurrent setup recorded it between our read and our insert.
            Err(e) if error_number(&e) == Some(code::DUPLICATE_ENTRY) => false,
            Err(e) => return Err(scope.map(op, e)),
        },
    };
    if !written {
        tx.rollback().await.map_err(|e| scope.map(op, e))?;
        return Ok(false);
    }
    sqlx::query(sql::INSERT_SCHEMA_HISTORY)
        .bind(change.now)
        .bind(change.old.map(|v| v.to_string()).unwrap_or_default())
        .bind(change.new.to_string())
        .bind(change.manifest_hash)
        .bind(change.description)
        .execute(&mut *tx)
        .await
        .map_err(|e| scope.map(op, e))?;
    tx.commit().await.map_err(|e| scope.map(op, e))?;
    Ok(true)
}

/// Creates the schema at `target` (default: the latest version, from the full schema file)
/// and records it; does nothing when a schema is installed already.
pub(crate) async fn setup(
    conn: &mut MySqlConnection,
    scope: &ErrorScope,
    server: &ServerInfo,
    target: Option<&Version>,
    now: i64,
) -> Result<Version> {
    if let Some(v) = installed_version(conn, scope).await? {
        return Ok(v);
    }
    let op = "setting up the schema";
    let latest = schema().latest().clone();
    let target = target.cloned().unwrap_or_else(|| latest.clone());
    let step = schema().step(&target)?;
    if target == latest {
        run_statements(conn, scope, server, op, &schema().full_statements()).await?;
    } else {
        for step in schema().pending(&"0".parse()?, &target)? {
            run_statements(conn, scope, server, op, &step.statements()).await?;
        }
    }
    let change = VersionChange {
        old: None,
        new: &target,
        manifest_hash: &step.manifest_hash,
        description: "setup",
        now,
    };
    record_version(conn, scope, op, change).await?;
    Ok(installed_version(conn, scope).await?.unwrap_or(target))
}

/// Applies the pending versions up to `target` (default: latest), in order.
pub(crate) async fn update(
    conn: &mut MySqlConnection,
    scope: &ErrorScope,
    server: &ServerInfo,
    target: Option<&Version>,
    now: i64,
) -> Result<UpdateReport> {
    let op = "updating the schema";
    let installed = installed_version(conn, scope)
        .await?
        .ok_or_else(|| scope.missing_schema("no schema_version row"))?;
    let target = target.cloned().unwrap_or_else(|| schema().latest().clone());
    let mut current = installed.clone();
    let mut applied = Vec::new();
    for step in schema().pending(&installed, &target)? {
        run_statements(conn, scope, server, op, &step.statements()).await?;
        let change = VersionChange {
            old: Some(&current),
            new: &step.manifest.version,
            manifest_hash: &step.manifest_hash,
            description: &step.manifest.description,
            now,
        };
        if record_version(conn, scope, op, change).await? {
            applied.push(step.manifest.version.clone());
        }
        current = step.manifest.version.clone();
    }
    Ok(UpdateReport {
        from: installed,
        to: current,
        applied,
    })
}

/// Fails unless the installed version is supported; errors name the `wfvis` command that
/// fixes the database.
pub(crate) fn check_supported(installed: Option<&Version>, scope: &ErrorScope) -> Result<()> {
    schema()
        .check_supported(installed, &scope.location)
        .map_err(|e| match e {
            Error::Unavailable(m) => {
                Error::Unavailable(scope.scrub(format!("{}: {m}", scope.name)))
            }
            other => other,
        })
}
