//! Store implementations, one module per backend.

pub(crate) mod common;
pub mod memory;
pub(crate) mod registry_cache;
#[cfg(feature = "sqlite")]
pub(crate) mod sql;
#[cfg(feature = "sqlite")]
pub mod sqlite;
