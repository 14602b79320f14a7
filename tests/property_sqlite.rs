//! The differential property test on SQLite (see `tests/property/mod.rs`).

#![cfg(feature = "sqlite")]

mod property;

use std::sync::Arc;

use workflow_visibility::store::sqlite::SqliteStore;

#[test]
fn sqlite_matches_in_memory_reference() {
    property::check_against_reference(|| async {
        Arc::new(
            SqliteStore::connect("sqlite::memory:")
                .await
                .expect("open SQLite"),
        ) as property::Store
    });
}
