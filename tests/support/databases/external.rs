//! Servers named by `WFVIS_TEST_POSTGRES_URL` / `WFVIS_TEST_MARIADB_URL`: the harness only
//! creates databases on them, and a keeper drops those databases when the test binary ends.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use super::client::{AdminClient, Login};
use super::keeper::Keeper;
use super::server::{Origin, TestServer, process_token};
use super::{Engine, host, url};

/// Checks the server in the environment variable answers and prepares to drop what the tests create on it.
pub(super) fn connect(engine: Engine, raw_url: &str) -> Result<TestServer, String> {
    let began = Instant::now();
    let var = engine.url_var();
    let shown = url::redact(raw_url);
    let parsed = url::parse(raw_url).map_err(|e| format!("{var}: {e}"))?;
    let schemes: &[&str] = match engine {
        Engine::Postgres => &["postgres", "postgresql"],
        Engine::MariaDb => &["mysql", "mariadb"],
    };
    if !schemes.contains(&parsed.scheme.as_str()) {
        return Err(format!(
            "{var} must start with {}:// (got {shown})",
            schemes[0]
        ));
    }
    let program = client_program(engine)?;
    let login = Login {
        host: if parsed.host.is_empty() {
            "127.0.0.1"
        } else {
            &parsed.host
        },
        port: parsed.port.unwrap_or(match engine {
            Engine::Postgres => 5432,
            Engine::MariaDb => 3306,
        }),
        user: parsed.user.as_deref().unwrap_or(match engine {
            Engine::Postgres => "postgres",
            Engine::MariaDb => "root",
        }),
        password: parsed.password.as_deref(),
    };
    let client = match engine {
        Engine::Postgres => AdminClient::postgres(
            program,
            &login,
            parsed.database.as_deref().unwrap_or("postgres"),
            postgres_tls_env(&parsed.params),
        ),
        Engine::MariaDb => AdminClient::mariadb(program, &login, mariadb_tls_args(&parsed.params)),
    };
    let version_sql = match engine {
        Engine::Postgres => "SHOW server_version",
        Engine::MariaDb => "SELECT VERSION()",
    };
    let version = client
        .run(None, version_sql)
        .map_err(|e| format!("{var} ({shown}): the server does not answer: {e}"))?;
    let keeper = Keeper::for_databases(
        &format!("{}-databases", engine.name().to_ascii_lowercase()),
        match engine {
            Engine::Postgres => "postgres",
            Engine::MariaDb => "mariadb",
        },
        &client.argv(None),
        client.env(),
    )?;
    let startup = began.elapsed();
    eprintln!(
        "wfvis test harness: using {} {version} from {var} ({shown}); databases created by these tests are dropped at exit",
        engine.name()
    );
    Ok(TestServer {
        engine,
        url: raw_url.to_owned(),
        port: login.port,
        version,
        client,
        keeper,
        origin: Origin::External,
        startup,
        token: process_token(),
        created: AtomicU64::new(0),
        shared: OnceLock::new(),
    })
}

/// Finds (or, as root, installs) the command-line client the harness drives.
fn client_program(engine: Engine) -> Result<PathBuf, String> {
    let (names, package): (&[&str], &str) = match engine {
        Engine::Postgres => (&["psql"], "postgresql-client"),
        Engine::MariaDb => (&["mariadb", "mysql"], "mariadb-client"),
    };
    if let Some(found) = host::find_program(names) {
        return Ok(found);
    }
    if !host::is_root() {
        return Err(format!(
            "wfvis test databases: {} needs the `{}` command-line client to create test databases; install the Debian package `{package}`",
            engine.url_var(),
            names[0]
        ));
    }
    host::install_debian_package(package)?;
    host::find_program(names)
        .ok_or_else(|| format!("installed `{package}` but found no `{}`", names[0]))
}

/// libpq reads TLS settings from the environment, so URL parameters map one to one.
fn postgres_tls_env(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .filter_map(|(key, value)| {
            let var = match key.as_str() {
                "sslmode" => "PGSSLMODE",
                "sslrootcert" => "PGSSLROOTCERT",
                "sslcert" => "PGSSLCERT",
                "sslkey" => "PGSSLKEY",
                _ => return None,
            };
            Some((var.to_owned(), value.clone()))
        })
        .collect()
}

/// The MariaDB client takes TLS settings as options; `ssl-mode` values follow sqlx's URL form.
fn mariadb_tls_args(params: &[(String, String)]) -> Vec<String> {
    let mut args = Vec::new();
    for (key, value) in params {
        match key.as_str() {
            "ssl-mode" | "sslmode" => match value.to_ascii_uppercase().as_str() {
                "REQUIRED" | "VERIFY_CA" => args.push("--ssl".to_owned()),
                "VERIFY_IDENTITY" => {
                    args.extend(["--ssl".to_owned(), "--ssl-verify-server-cert".to_owned()])
                }
                _ => {}
            },
            "ssl-ca" => args.push(format!("--ssl-ca={value}")),
            "ssl-cert" => args.push(format!("--ssl-cert={value}")),
            "ssl-key" => args.push(format!("--ssl-key={value}")),
            _ => {}
        }
    }
    args
}
