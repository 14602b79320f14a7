//! Store implementations, one module per backend.

pub(crate) mod common;
pub mod memory;
