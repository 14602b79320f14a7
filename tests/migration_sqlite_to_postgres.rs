//! The migration walk-through from an embedded SQLite file to PostgreSQL (see
//! `tests/migration/mod.rs`).

#![cfg(all(feature = "sqlite", feature = "postgres"))]

mod migration;
mod support;

use std::sync::Arc;

use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};
use workflow_visibility::store::sqlite::{SqliteOptions, SqliteStore};

#[tokio::test]
async fn sqlite_to_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let primary =
        SqliteStore::setup(SqliteOptions::file(dir.path().join("v.db")).name("sqlite-visibility"))
            .await
            .unwrap();
    let url = support::databases::postgres().create_database("migration");
    let secondary = PostgresStore::setup(
        PostgresOptions::from_url(&url)
            .unwrap()
            .name("postgres-visibility"),
    )
    .await
    .unwrap();
    migration::walk_through(Arc::new(primary), Arc::new(secondary), "s2p").await;
}
