//! The differential property test on PostgreSQL (see `tests/property/mod.rs`), on a database of
//! the throwaway server from `tests/support` or of `WFVIS_TEST_POSTGRES_URL`.

#![cfg(feature = "postgres")]

mod property;
mod support;

use std::sync::Arc;

use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};

#[test]
fn postgres_matches_in_memory_reference() {
    let url = support::databases::postgres().shared_database().to_string();
    property::check_against_reference(|| async move {
        let options = PostgresOptions::from_url(&url).expect("a valid PostgreSQL URL");
        Arc::new(
            PostgresStore::setup(options)
                .await
                .expect("set up PostgreSQL"),
        ) as property::Store
    });
}
