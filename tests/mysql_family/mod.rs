//! Support shared by the MySQL-family test binaries: the gate for a real MySQL 8 server,
//! databases on either server, admin SQL and the catalog dump.

#![allow(dead_code)]

pub mod cases;
pub mod tracing_capture;

use std::io::Write;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Connection, MySqlConnection, Row};

/// The variable naming a real MySQL 8 server for the MySQL-only branches.
pub const MYSQL_URL_VAR: &str = "WFVIS_TEST_MYSQL_URL";

/// The MySQL 8 URL, or `None` after printing (once per binary) that the MySQL 8 tests are
/// skipped. The line goes straight to stderr, past the test harness's output capture, so it
/// shows in every run.
pub fn mysql8_url() -> Option<String> {
    let url = std::env::var(MYSQL_URL_VAR)
        .ok()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    if url.is_none() {
        static ANNOUNCED: Once = Once::new();
        ANNOUNCED.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "skipped: set {MYSQL_URL_VAR} to run against a real MySQL 8 server"
            );
        });
    }
    url
}

/// `(before the database, database, after it)` of a `mysql://` URL.
fn split_database(url: &str) -> (String, String, String) {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let authority_start = url[scheme_end..]
        .rfind('@')
        .map_or(scheme_end, |i| scheme_end + i + 1);
    let rest = &url[authority_start..];
    let path_start = rest.find(['/', '?']).unwrap_or(rest.len());
    let head = url[..authority_start + path_start].to_owned();
    let tail = &rest[path_start..];
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (tail, String::new()),
    };
    (head, path.trim_start_matches('/').to_owned(), query)
}

/// The URL with its database replaced.
pub fn with_database(url: &str, database: &str) -> String {
    let (head, _, query) = split_database(url);
    format!("{head}/{database}{query}")
}

/// The database a URL names.
pub fn database_of(url: &str) -> String {
    split_database(url).1
}

/// The URL with its password replaced (the user and everything else kept).
pub fn with_password(url: &str, password: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    match url[scheme_end..].rfind('@') {
        Some(at) => {
            let info = &url[scheme_end..scheme_end + at];
            let user = info.split_once(':').map_or(info, |(u, _)| u);
            format!(
                "{}{user}:{password}{}",
                &url[..scheme_end],
                &url[scheme_end + at..]
            )
        }
        None => format!(
            "{}root:{password}@{}",
            &url[..scheme_end],
            &url[scheme_end..]
        ),
    }
}

/// The URL's password (decoding is not needed for the URLs the tests build).
pub fn password_of(url: &str) -> Option<String> {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let at = url[scheme_end..].rfind('@')?;
    let info = &url[scheme_end..scheme_end + at];
    info.split_once(':')
        .map(|(_, p)| p.to_owned())
        .filter(|p| !p.is_empty())
}

/// A server the MySQL-family tests run against.
pub enum Target {
    /// The harness's MariaDB (throwaway, latin1 defaults), or `WFVIS_TEST_MARIADB_URL`.
    MariaDb,
    /// A real MySQL 8 server from `WFVIS_TEST_MYSQL_URL`.
    MySql8(String),
}

/// A database made for one test. On MySQL 8 it is dropped when this value goes; the MariaDB
/// harness drops its databases itself when the binary exits.
pub struct FreshDatabase {
    pub url: String,
    drop_with: Option<String>,
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let Some(admin_url) = self.drop_with.take() else {
            return;
        };
        let name = database_of(&self.url);
        // Drop may run inside an async test: use a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut conn) = MySqlConnection::connect(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS `{}`", name.replace('`', "``"));
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

impl Target {
    /// The MariaDB target (starts the harness's server on first use).
    pub fn mariadb() -> Target {
        Target::MariaDb
    }

    /// The MySQL 8 target, or `None` (with the skip line) when no server is configured.
    pub fn mysql8() -> Option<Target> {
        mysql8_url().map(Target::MySql8)
    }

    /// What it is, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Target::MariaDb => "MariaDB",
            Target::MySql8(_) => "MySQL 8",
        }
    }

    /// A server URL without a database, for admin statements.
    pub fn server_url(&self) -> String {
        match self {
            Target::MariaDb => {
                let shared = crate::support::databases::mariadb().shared_database();
                with_database(shared, "")
            }
            Target::MySql8(url) => with_database(url, ""),
        }
    }

    /// A new, empty (not yet existing on MySQL 8: the schema tool creates it) database.
    pub fn fresh(&self, prefix: &str) -> FreshDatabase {
        match self {
            Target::MariaDb => FreshDatabase {
                url: crate::support::databases::mariadb().create_database(prefix),
                drop_with: None,
            },
            Target::MySql8(url) => {
                static N: AtomicU64 = AtomicU64::new(0);
                let base: String = database_of(url).chars().take(24).collect();
                let name = format!(
                    "{base}_{prefix}_{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                );
                let name: String = name.chars().take(64).collect();
                FreshDatabase {
                    url: with_database(url, &name),
                    drop_with: Some(with_database(url, "")),
                }
            }
        }
    }

    /// Creates the database of a fresh URL (for tests that need it to exist without a schema).
    pub async fn create(&self, db: &FreshDatabase) {
        if let Target::MySql8(_) = self {
            let sql = format!(
                "CREATE DATABASE IF NOT EXISTS `{}`",
                database_of(&db.url).replace('`', "``")
            );
            admin_exec(&self.server_url(), &sql).await;
        }
    }
}

/// Runs admin statements (several, separated by `;`) against the database a URL names.
pub async fn admin_exec(url: &str, sql: &str) {
    let mut conn = MySqlConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("admin connection failed: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("admin SQL failed: {e}\n{sql}"));
    let _ = conn.close().await;
}

/// Runs an admin query whose columns are all text (cast them) and returns the rows.
pub async fn admin_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut conn = MySqlConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("admin connection failed: {e}"));
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("admin query failed: {e}\n{sql}"));
    let _ = conn.close().await;
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .or_else(|_| {
                            row.try_get::<Option<Vec<u8>>, _>(i)
                                .map(|b| b.map(|b| String::from_utf8_lossy(&b).into_owned()))
                        })
                        .or_else(|_| {
                            row.try_get::<Option<i64>, _>(i)
                                .map(|v| v.map(|v| v.to_string()))
                        })
                        .or_else(|_| {
                            row.try_get::<Option<u64>, _>(i)
                                .map(|v| v.map(|v| v.to_string()))
                        })
                        .unwrap_or_else(|e| panic!("column {i} of {sql}: {e}"))
                })
                .collect()
        })
        .collect()
}

/// A normalised dump of a database's catalog: tables, columns (types, nullability, defaults,
/// character sets, collations, generated expressions), indexes (columns, prefixes, order,
/// uniqueness) and triggers, one line per item in a stable order.
pub async fn catalog_dump(url: &str) -> Vec<String> {
    let queries = [
        "SELECT 'table', TABLE_NAME, ENGINE, ROW_FORMAT, TABLE_COLLATION \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
        "SELECT 'column', TABLE_NAME, CAST(ORDINAL_POSITION AS CHAR), COLUMN_NAME, COLUMN_TYPE, \
         IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, \
         GENERATION_EXPRESSION FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
        "SELECT 'index', TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), \
         CAST(SEQ_IN_INDEX AS CHAR), COLUMN_NAME, CAST(SUB_PART AS CHAR), COLLATION, NULLABLE, \
         INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        "SELECT 'trigger', TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING, \
         ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
         ORDER BY TRIGGER_NAME",
    ];
    let mut out = Vec::new();
    for q in queries {
        for row in admin_rows(url, q).await {
            out.push(
                row.into_iter()
                    .map(|v| v.unwrap_or_else(|| "∅".to_owned()))
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_helpers() {
        let u = "mysql://u:p@h:1/db?x=1";
        assert_eq!(with_database(u, "other"), "mysql://u:p@h:1/other?x=1");
        assert_eq!(database_of(u), "db");
        assert_eq!(with_password(u, "S"), "mysql://u:S@h:1/db?x=1");
        assert_eq!(password_of(u).as_deref(), Some("p"));
        assert_eq!(
            with_database("mysql://root@h:1/", "d"),
            "mysql://root@h:1/d"
        );
        assert_eq!(password_of("mysql://root@h:1/"), None);
    }
}
