//! `record_workflow_execution_started` vs plain prepared INSERTs, for every store whose
//! feature is enabled: SQLite (`sqlite`), PostgreSQL (`postgres`) and MariaDB (`mysql`).
//!
//! Each store gets one criterion group, `<store>_record_started`, holding
//! `workflow_visibility` (the store) and `baseline_prepared_inserts` (the same rows written
//! into the same tables of a second database with plain prepared INSERTs, one transaction per
//! record); see `write_arms/mod.rs`. Both run in the same process, one after the other, with
//! relaxed durability: SQLite `synchronous=OFF`; the server stores on the `tests/support`
//! harness's throwaway servers (PostgreSQL `fsync=off`, `synchronous_commit=off`; MariaDB
//! `innodb_flush_log_at_trx_commit=0`), or on the servers `WFVIS_TEST_POSTGRES_URL` /
//! `WFVIS_TEST_MARIADB_URL` name. Target: the store costs ≤ 1.10× its baseline.
//!
//! Under `cargo test --all-targets` criterion runs each function once, as a smoke test.

// Without any store feature only the shared parts remain, unused.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code, unused_imports)
)]

mod write_arms;

#[cfg(any(feature = "postgres", feature = "mysql"))]
#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let rt = write_arms::runtime();
    #[cfg(feature = "sqlite")]
    write_arms::sqlite::bench(c, &rt);
    #[cfg(feature = "postgres")]
    write_arms::postgres::bench(c, &rt);
    #[cfg(feature = "mysql")]
    write_arms::mariadb::bench(c, &rt);
    // Nothing else to do when no store feature is enabled.
    let _ = (c, rt);
}

criterion_group!(benches, bench);
criterion_main!(benches);
