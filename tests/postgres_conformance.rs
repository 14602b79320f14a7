//! The conformance suite on PostgreSQL: one database per test binary (a throwaway server from
//! `tests/support`, or `WFVIS_TEST_POSTGRES_URL`), a namespace per case. The database's
//! default collation is not C, so keyword ordering must come from the schema.

#![cfg(feature = "postgres")]

#[macro_use]
mod conformance;
mod support;

use std::sync::Arc;

use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};

conformance_suite!(async || {
    let url = support::databases::postgres().shared_database().to_string();
    let options = PostgresOptions::from_url(&url).expect("a valid PostgreSQL URL");
    Arc::new(
        PostgresStore::setup(options)
            .await
            .expect("set up the PostgreSQL store"),
    )
});
