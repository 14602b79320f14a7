//! Connection failures of the PostgreSQL store: a refused connection, bad credentials, pool
//! exhaustion, a missing database, a missing or outdated schema. Each gives a clear error of
//! the right kind, within the configured timeout, and a sentinel password in the URL never
//! shows in an error (Display or Debug), in `PostgresOptions`' Debug, in the captured tracing
//! output, or (with the `cli` feature) in `wfvis` stderr.
//!
//! The throwaway server trusts every local login, so bad credentials are tested with a role
//! whose `pg_hba.conf` line (added to the throwaway server's own temp directory) asks for a
//! password. On an external server (`WFVIS_TEST_POSTGRES_URL`) that check runs only when the
//! server refuses a wrong password, and the sentinel is put only in URLs that need no
//! password; the test says so when it skips.

#![cfg(feature = "postgres")]

mod secrets;
mod support;

#[cfg(feature = "cli")]
mod cli_support;

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use secrets::{
    SENTINEL, assert_display_hidden, assert_hidden, assert_tracing_clean, capture_tracing,
    with_sentinel_password,
};
use support::databases::{self, TestServer};
use workflow_visibility::prelude::*;
use workflow_visibility::store::pool::PoolOptions;
use workflow_visibility::store::postgres::{PostgresOptions, PostgresStore};

/// Longest any failing call may take before the test calls it a hang.
const HANG: Duration = Duration::from_secs(30);

fn server() -> &'static TestServer {
    databases::postgres()
}

/// Whether the server is the harness's throwaway one, which trusts local logins (so any
/// password, the sentinel included, is accepted for the admin user).
fn trusting_server() -> bool {
    server().data_dir().is_some()
}

/// A 127.0.0.1 port nobody listens on (bound, then released).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

fn options(url: &str, pool: PoolOptions) -> PostgresOptions {
    PostgresOptions::from_url(url)
        .expect("a valid PostgreSQL URL")
        .pool(pool)
}

fn quick_pool() -> PoolOptions {
    PoolOptions {
        connect_timeout: Duration::from_secs(2),
        ..PoolOptions::default()
    }
}

/// Fails unless `result` is an error of `kind` that hides the sentinel; returns it.
#[track_caller]
fn expect_error<T>(what: &str, result: Result<T, Error>, kind: ErrorKind) -> Error {
    let Err(err) = result else {
        panic!("{what}: expected an error")
    };
    eprintln!("{what}: {err}");
    assert_eq!(err.kind(), kind, "{what}: {err}");
    assert_display_hidden(what, &err);
    err
}

/// Runs `fut`, failing the test if it takes longer than [`HANG`].
async fn bounded<T>(what: &str, fut: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = tokio::time::timeout(HANG, fut)
        .await
        .unwrap_or_else(|_| panic!("{what} hung for {HANG:?}"));
    (out, started.elapsed())
}

#[tokio::test]
async fn options_debug_hides_the_password() {
    capture_tracing();
    for url in [
        format!("postgres://wfvis:{SENTINEL}@127.0.0.1:5432/visibility?sslmode=disable"),
        format!("postgres://wfvis@127.0.0.1:5432/visibility?password={SENTINEL}"),
    ] {
        let options = options(&url, quick_pool());
        let shown = format!("{options:?}");
        assert_hidden("PostgresOptions Debug", &shown);
        assert!(shown.contains("****"), "{shown}");
        assert_hidden("redacted_url", &options.redacted_url());
        assert!(options.redacted_url().contains("127.0.0.1:5432/visibility"));
    }
    let bad = PostgresOptions::from_url(&format!("postgres://u:{SENTINEL}@[::1/db"));
    if let Err(err) = bad {
        assert_display_hidden("an unparsable URL's error", &err);
    }
    assert_tracing_clean();
}

#[tokio::test]
async fn refused_connection_is_unavailable_and_names_the_address() {
    capture_tracing();
    let port = free_port();
    let url = format!("postgres://wfvis:{SENTINEL}@127.0.0.1:{port}/visibility");
    let address = format!("127.0.0.1:{port}");

    let (result, took) = bounded("open", PostgresStore::open(options(&url, quick_pool()))).await;
    let err = expect_error("open on a refused port", result, ErrorKind::Unavailable);
    assert!(err.message().contains(&address), "{err}");
    assert!(took < Duration::from_secs(10), "open took {took:?}");

    let (result, _) = bounded(
        "schema setup",
        PostgresStore::setup_schema(options(&url, quick_pool()), None),
    )
    .await;
    let err = expect_error("setup on a refused port", result, ErrorKind::Unavailable);
    assert!(err.message().contains(&address), "{err}");

    let (result, _) = bounded(
        "schema version",
        PostgresStore::installed_schema_version(options(&url, quick_pool())),
    )
    .await;
    expect_error("version on a refused port", result, ErrorKind::Unavailable);
    assert_tracing_clean();
}

/// A URL whose password (the sentinel) is wrong for a user the server asks a password of.
///
/// On the throwaway server: a new role with another password and a `pg_hba.conf` line (in the
/// server's own temp directory) making it log in with a password. On an external server: the
/// admin user with the sentinel instead of its password; whether the server asks for one is
/// up to it (see [`refused_login`]). Created once per binary.
fn wrong_password_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let server = server();
        let Some(dir) = server.data_dir() else {
            return with_sentinel_password(server.url());
        };
        let role = format!("wfvis_pw_{}", std::process::id());
        server.query(
            server.url(),
            &format!("CREATE ROLE {role} LOGIN PASSWORD 'right-Passw0rd'"),
        );
        let database = server.create_database("credentials");
        // First match wins: this line, above the trust lines, makes the role give a password.
        let hba = dir.join("data").join("pg_hba.conf");
        let old = std::fs::read_to_string(&hba).expect("read pg_hba.conf");
        std::fs::write(
            &hba,
            format!("host all {role} 127.0.0.1/32 scram-sha-256\n{old}"),
        )
        .expect("write pg_hba.conf");
        server.query(server.url(), "SELECT pg_reload_conf()");
        with_user(&database, &role, SENTINEL)
    })
}

/// `url` with user `user` and password `password`.
fn with_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let host_part = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}:{password}@{host_part}")
}

/// Tries the wrong password until the server refuses it (a reloaded pg_hba.conf takes effect
/// within moments); `None` when it keeps accepting it.
async fn refused_login(url: &str) -> Option<Error> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match PostgresStore::installed_schema_version(options(url, quick_pool())).await {
            Err(err) => return Some(err),
            Ok(_) if Instant::now() > deadline => return None,
            Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

#[tokio::test]
async fn bad_credentials_give_a_clear_error() {
    capture_tracing();
    let url = wrong_password_url();
    let Some(err) = refused_login(url).await else {
        eprintln!(
            "SKIP bad credentials: the server at {} accepts any password (trust authentication)",
            server().redacted_url()
        );
        return;
    };
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert_display_hidden("bad credentials", &err);
    assert!(
        err.message().contains("rejected the credentials")
            && err.message().contains("password authentication failed"),
        "the error should say the login was refused: {err}"
    );

    let (result, took) = bounded("open", PostgresStore::connect(url)).await;
    let err = expect_error("open with a wrong password", result, ErrorKind::Unavailable);
    assert!(err.message().contains("user name and password"), "{err}");
    assert!(
        took < Duration::from_secs(5),
        "a refused login must not be retried until the timeout: {took:?}"
    );
    assert_tracing_clean();
}

/// A database with the schema, and a URL for it carrying the sentinel where the server
/// ignores passwords.
async fn database_with_schema(prefix: &str) -> (String, String) {
    let url = server().create_database(prefix);
    PostgresStore::setup_schema(options(&url, quick_pool()), None)
        .await
        .expect("set up the schema");
    let secret_url = if trusting_server() {
        with_sentinel_password(&url)
    } else {
        url.clone()
    };
    (url, secret_url)
}

#[tokio::test]
async fn pool_exhaustion_fails_with_unavailable_after_the_timeout() {
    capture_tracing();
    let (url, secret_url) = database_with_schema("pool").await;
    let timeout = Duration::from_secs(1);
    let pool = PoolOptions {
        max_connections: 1,
        connect_timeout: timeout,
        ..PoolOptions::default()
    };
    let store: Arc<dyn VisibilityManager> = Arc::new(
        PostgresStore::open(options(&secret_url, pool))
            .await
            .expect("open the store"),
    );
    let ns = "pool-ns";
    store
        .record_workflow_execution_started(RecordStartedRequest::new(ExecutionRecord::new(
            ns,
            "wf",
            "run",
            "type",
            chrono::Utc::now(),
        )))
        .await
        .expect("write a record");

    // Another session holds a lock the store's only connection will wait on.
    let admin = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("admin connection");
    let mut lock = admin.begin().await.expect("begin");
    sqlx::raw_sql("LOCK TABLE executions IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .expect("lock executions");

    let busy = tokio::spawn({
        let store = store.clone();
        async move { store.list_workflow_executions(ListRequest::new(ns)).await }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let waiting = "SELECT count(*) FROM pg_stat_activity \
        WHERE application_name = 'workflow-visibility' AND wait_event_type = 'Lock'";
    while server().query(&url, waiting) != "1" {
        assert!(
            Instant::now() < deadline,
            "the listing never waited on the lock"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let (result, took) = bounded(
        "a call on an exhausted pool",
        store.count_workflow_executions(CountRequest::new(ns)),
    )
    .await;
    let err = expect_error("count on an exhausted pool", result, ErrorKind::Unavailable);
    assert!(
        err.message().contains("no database connection became free"),
        "{err}"
    );
    assert!(
        took >= timeout.mul_f32(0.9) && took < timeout * 5,
        "expected to give up after about {timeout:?}, took {took:?}"
    );

    lock.rollback().await.expect("release the lock");
    let listed = busy
        .await
        .expect("the listing task")
        .expect("the listing finishes once the lock is gone");
    assert_eq!(listed.executions.len(), 1);
    // The pool works again.
    let count = store
        .count_workflow_executions(CountRequest::new(ns))
        .await
        .expect("count after the lock is gone");
    assert_eq!(count.count, 1);
    store.close().await.unwrap();
    admin.close().await;
    assert_tracing_clean();
}

#[tokio::test]
async fn missing_database_or_schema_names_the_setup_command() {
    capture_tracing();
    let empty = server().create_database("no_schema");
    let empty = if trusting_server() {
        with_sentinel_password(&empty)
    } else {
        empty
    };
    let (result, _) = bounded("open", PostgresStore::connect(&empty)).await;
    let err = expect_error("open without schema", result, ErrorKind::Unavailable);
    assert!(
        err.message().contains("wfvis --url postgres://")
            && err.message().contains(" schema setup"),
        "{err}"
    );

    let missing = format!("{}_missing", empty.split('?').next().unwrap_or(&empty));
    let (result, _) = bounded("open", PostgresStore::connect(&missing)).await;
    let err = expect_error("open of a missing database", result, ErrorKind::Unavailable);
    assert!(err.message().contains("schema setup"), "{err}");
    assert!(err.message().contains("does not exist"), "{err}");
    assert_tracing_clean();
}

#[tokio::test]
async fn outdated_schema_names_the_update_command() {
    capture_tracing();
    let (url, secret_url) = database_with_schema("outdated").await;
    server().query(&url, "UPDATE schema_version SET curr_version = '0.9'");
    let (result, _) = bounded("open", PostgresStore::connect(&secret_url)).await;
    let err = expect_error("open of an outdated schema", result, ErrorKind::Unavailable);
    assert!(
        err.message().contains("wfvis --url postgres://")
            && err.message().contains(" schema update"),
        "{err}"
    );
    assert_tracing_clean();
}

/// Successful calls log their statements; the capture sees them, without the password.
#[tokio::test]
async fn tracing_of_working_calls_hides_the_password() {
    capture_tracing();
    let (_, secret_url) = database_with_schema("traced").await;
    let store = PostgresStore::connect(&secret_url)
        .await
        .expect("open the store");
    store
        .count_workflow_executions(CountRequest::new("traced"))
        .await
        .expect("count");
    store.close().await.unwrap();
    let captured = secrets::captured_tracing();
    assert!(
        captured.contains("sqlx::query"),
        "the capture should hold sqlx's statement logs: {captured:.300}"
    );
    assert_tracing_clean();
}

/// `wfvis` failing against the same servers: one `error:` line without the password, also
/// with every log level turned on.
#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use crate::cli_support::wfvis;

    fn check_failure(what: &str, args: &[&str], expected: &str) {
        let run = wfvis(args, &[]);
        let line = run.failed().to_string();
        assert_hidden(&format!("wfvis stderr ({what})"), &run.stderr);
        assert!(line.contains(expected), "{what}: {line}");
        let logged = wfvis(args, &[("WFVIS_LOG", "trace")]);
        assert_ne!(logged.code, 0, "{what}: {logged:?}");
        assert_hidden(
            &format!("wfvis stderr with WFVIS_LOG=trace ({what})"),
            &logged.stderr,
        );
    }

    #[tokio::test]
    async fn wfvis_stderr_never_shows_the_password() {
        let port = free_port();
        let refused = format!("postgres://wfvis:{SENTINEL}@127.0.0.1:{port}/visibility");
        check_failure(
            "refused connection",
            &["--url", &refused, "schema", "version"],
            &format!("127.0.0.1:{port}"),
        );

        let empty = server().create_database("cli_no_schema");
        let empty = if trusting_server() {
            with_sentinel_password(&empty)
        } else {
            empty
        };
        check_failure(
            "missing schema",
            &["--url", &empty, "count", "--namespace", "ns"],
            "schema setup",
        );
        check_failure(
            "missing schema on update",
            &["--url", &empty, "schema", "update"],
            "schema setup",
        );

        let (url, secret_url) = database_with_schema("cli_outdated").await;
        server().query(&url, "UPDATE schema_version SET curr_version = '0.9'");
        check_failure(
            "outdated schema",
            &["--url", &secret_url, "list", "--namespace", "ns"],
            "schema update",
        );

        let wrong = wrong_password_url();
        if refused_login(wrong).await.is_some() {
            check_failure(
                "bad credentials",
                &["--url", wrong, "schema", "version"],
                "credentials",
            );
        } else {
            eprintln!("SKIP wfvis bad credentials: the server accepts any password");
        }
    }
}
