//! The conformance suite on the in-memory reference store.

#[macro_use]
mod conformance;

use std::sync::Arc;

use workflow_visibility::store::memory::InMemoryStore;

conformance_suite!(async || Arc::new(InMemoryStore::new()));
