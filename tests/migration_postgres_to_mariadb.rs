//! The migration walk-through from PostgreSQL to MariaDB (see `tests/migration/mod.rs`).

#![cfg(all(feature = "postgres", feature = "mysql"))]

mod migration;
mod support;

use std::sync::Arc;

use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore};
use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};

#[tokio::test]
async fn postgres_to_mariadb() {
    let pg_url = support::databases::postgres().create_database("migration");
    let primary = PostgresStore::setup(
        PostgresOptions::from_url(&pg_url)
            .unwrap()
            .name("postgres-visibility"),
    )
    .await
    .unwrap();
    let my_url = support::databases::mariadb().create_database("migration");
    let options = MysqlOptions::from_url(&my_url)
        .unwrap()
        .name("mariadb-visibility");
    MysqlStore::setup_schema(options.clone(), None)
        .await
        .unwrap();
    let secondary = MysqlStore::open(options).await.unwrap();
    migration::walk_through(Arc::new(primary), Arc::new(secondary), "p2m").await;
}
