//! MySQL-store tests on MariaDB (the harness's throwaway server, left at its latin1 defaults,
//! or `WFVIS_TEST_MARIADB_URL`): collation, schema versions, redaction, query plans,
//! concurrency, registration ids and column limits. `tests/mysql8_store.rs` runs the same
//! bodies on a real MySQL 8 server.

#![cfg(feature = "mysql")]

mod mysql_family;
// The harness re-exports helpers only some binaries use.
#[allow(unused_imports)]
mod support;

use mysql_family::{Target, admin_exec, cases, database_of, with_password};

#[tokio::test]
async fn keyword_collation() {
    cases::keyword_collation(&Target::mariadb()).await;
}

#[tokio::test]
async fn schema_versions() {
    cases::schema_versions(&Target::mariadb()).await;
}

#[tokio::test]
async fn missing_schema_names_the_fix() {
    cases::missing_schema_names_the_fix(&Target::mariadb()).await;
}

#[tokio::test]
async fn password_never_shows() {
    let target = Target::mariadb();
    // A user whose password is the sentinel the checks look for.
    let db = target.fresh("sentinel");
    let name = database_of(&db.url);
    let user = format!("wfvis_{}", &name[name.len().saturating_sub(12)..]);
    let password = "Working-Sentinel-9f3c2e";
    admin_exec(
        &db.url,
        &format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; \
             GRANT ALL ON `{name}`.* TO '{user}'@'%'"
        ),
    )
    .await;
    let url = with_password(&db.url, password).replacen("root:", &format!("{user}:"), 1);
    cases::password_never_shows(&target, Some(&url)).await;
    admin_exec(&db.url, &format!("DROP USER '{user}'@'%'")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canonical_query_plans() {
    cases::canonical_query_plans(&Target::mariadb()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes() {
    cases::concurrent_writes(&Target::mariadb()).await;
}

#[tokio::test]
async fn registration_ids_are_never_reused() {
    cases::registration_ids_are_never_reused(&Target::mariadb()).await;
}

#[tokio::test]
async fn column_limits() {
    cases::column_limits(&Target::mariadb()).await;
}
