//! The conformance suite on one shared in-memory SQLite store (a namespace per case).

#![cfg(feature = "sqlite")]

#[macro_use]
mod conformance;

use std::sync::Arc;

use workflow_visibility::store::sqlite::SqliteStore;

conformance_suite!(async || {
    Arc::new(
        SqliteStore::connect("sqlite::memory:")
            .await
            .expect("open an in-memory SQLite store"),
    )
});
