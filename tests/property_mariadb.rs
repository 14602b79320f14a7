//! The differential property test on MariaDB through the MySQL-family store (see
//! `tests/property/mod.rs`), on a database of the throwaway server from `tests/support` or of
//! `WFVIS_TEST_MARIADB_URL`.

#![cfg(feature = "mysql")]

mod property;
mod support;

use std::sync::Arc;

use workflow_visibility::store::mysql::{MysqlOptions, MysqlStore};

#[test]
fn mariadb_matches_in_memory_reference() {
    let url = support::databases::mariadb().shared_database().to_string();
    property::check_against_reference(|| async move {
        let options = MysqlOptions::from_url(&url).expect("a valid MariaDB URL");
        MysqlStore::setup_schema(options.clone(), None)
            .await
            .expect("set up the schema on MariaDB");
        Arc::new(
            MysqlStore::open(options)
                .await
                .expect("open the MySQL store"),
        ) as property::Store
    });
}
