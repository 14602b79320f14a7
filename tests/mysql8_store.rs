//! The MySQL-store tests of `tests/mariadb_store.rs` on a real MySQL 8 server named by
//! `WFVIS_TEST_MYSQL_URL` (`mysql://USER:PASSWORD@HOST:PORT/DATABASE`; the user needs to create
//! and drop databases named after DATABASE, each test makes its own). They exercise the
//! MySQL-only branches (`utf8mb4_0900_bin`, MySQL's plans and error codes). Without the
//! variable the binary prints one skip line and the tests pass without running.

#![cfg(feature = "mysql")]

mod mysql_family;
// The harness re-exports helpers only some binaries use.
#[allow(unused_imports)]
mod support;

use mysql_family::{Target, cases, password_of};

#[tokio::test]
async fn keyword_collation() {
    if let Some(target) = Target::mysql8() {
        cases::keyword_collation(&target).await;
    }
}

#[tokio::test]
async fn schema_versions() {
    if let Some(target) = Target::mysql8() {
        cases::schema_versions(&target).await;
    }
}

#[tokio::test]
async fn missing_schema_names_the_fix() {
    if let Some(target) = Target::mysql8() {
        cases::missing_schema_names_the_fix(&target).await;
    }
}

#[tokio::test]
async fn password_never_shows() {
    if let Some(target) = Target::mysql8() {
        // The configured password is the secret, when the URL has one.
        let db = target.fresh("sentinel");
        target.create(&db).await;
        let working = password_of(&db.url).map(|_| db.url.clone());
        cases::password_never_shows(&target, working.as_deref()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canonical_query_plans() {
    if let Some(target) = Target::mysql8() {
        cases::canonical_query_plans(&target).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes() {
    if let Some(target) = Target::mysql8() {
        cases::concurrent_writes(&target).await;
    }
}

#[tokio::test]
async fn registration_ids_are_never_reused() {
    if let Some(target) = Target::mysql8() {
        cases::registration_ids_are_never_reused(&target).await;
    }
}

#[tokio::test]
async fn column_limits() {
    if let Some(target) = Target::mysql8() {
        cases::column_limits(&target).await;
    }
}

#[tokio::test]
async fn oversized_values_with_raised_limits() {
    if let Some(target) = Target::mysql8() {
        cases::oversized_values_with_raised_limits(&target).await;
    }
}

#[tokio::test]
async fn tls_required() {
    if let Some(target) = Target::mysql8() {
        cases::tls_required(&target).await;
    }
}
