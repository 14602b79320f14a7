//! Support code shared by the integration test binaries.
//!
//! Include it from `tests/<name>.rs` with `mod support;` (or with
//! `#[path = "support/mod.rs"] mod support;` from a nested file). Every binary compiles its own
//! copy and uses a different subset of it, hence the dead-code allowance.

#![allow(dead_code)]

pub mod databases;
