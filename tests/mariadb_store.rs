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

#[tokio::test]
async fn oversized_values_with_raised_limits() {
    cases::oversized_values_with_raised_limits(&Target::mariadb()).await;
}

#[tokio::test]
async fn tls_required() {
    cases::tls_required(&Target::mariadb()).await;
}

/// `wfvis` on a MySQL URL: the schema commands and queries work, and failures print one line
/// on stderr that never contains the URL's password.
#[cfg(feature = "cli")]
#[tokio::test]
async fn wfvis_on_mysql_urls() {
    use std::process::Command;

    const SENTINEL: &str = "Cli-Sentinel-4b1d";
    let run = |url: &str, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_wfvis"))
            .arg("--url")
            .arg(url)
            .args(args)
            .env_remove("WFVIS_URL")
            .output()
            .expect("run wfvis");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let target = Target::mariadb();
    let db = target.fresh("cli");

    let (ok, stdout, stderr) = run(&db.url, &["count", "--namespace", "ns"]);
    assert!(!ok && stdout.is_empty(), "{stdout}{stderr}");
    assert!(stderr.contains("schema setup"), "{stderr}");

    let (ok, stdout, stderr) = run(&db.url, &["schema", "setup"]);
    assert!(ok, "{stderr}");
    let latest = workflow_visibility::schema::mysql().latest().to_string();
    assert!(stdout.contains(&latest), "{stdout}");
    let (ok, _, stderr) = run(
        &db.url,
        &[
            "search-attribute",
            "add",
            "--namespace",
            "ns",
            "--name",
            "CustomerId",
            "--type",
            "Keyword",
        ],
    );
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = run(
        &db.url,
        &[
            "count",
            "--namespace",
            "ns",
            "--query",
            "CustomerId = 'acme'",
            "--output",
            "json",
        ],
    );
    assert!(ok, "{stderr}");
    let counted: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON count");
    assert_eq!(counted["count"], 0, "{stdout}");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for url in [
        format!("mysql://app:{SENTINEL}@127.0.0.1:{port}/db"),
        with_password(&db.url, SENTINEL),
    ] {
        let (ok, stdout, stderr) = run(&url, &["count", "--namespace", "ns"]);
        assert!(!ok && stdout.is_empty(), "{stdout}{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(!stderr.contains(SENTINEL), "{stderr}");
    }
}
