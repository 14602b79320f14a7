//! Versioned schemas and the schema tool on real databases: a temporary SQLite file and fresh
//! PostgreSQL databases (one per scenario, on the binary's throwaway server or
//! `WFVIS_TEST_POSTGRES_URL`).
//!
//! For every shipped version: set up at that version, update to the latest, and compare a
//! normalised catalog dump with a fresh latest setup; re-running update is a no-op, downgrades
//! are refused, unsupported recorded versions and missing schemas are refused with errors that
//! name the `wfvis` command fixing them. With the `cli` feature the same path runs through
//! `wfvis schema setup --version`, `schema update` and `schema version` on PostgreSQL.

mod schema_checks;
mod support;

#[cfg(feature = "cli")]
mod cli_support;

use schema_checks::{
    every_version_upgrades_to_the_fresh_schema, existing_string_rows_get_their_sort_keys,
    missing_schema_names_the_setup_command, open_refuses_unsupported_versions,
    update_refuses_to_downgrade,
};

#[cfg(feature = "sqlite")]
mod sqlite {
    use std::sync::atomic::{AtomicU64, Ordering};

    use workflow_visibility::schema::DatabaseSchema;
    use workflow_visibility::store::connect;

    use super::*;
    use crate::schema_checks::{SchemaTarget, assert_names_setup, sqlite_catalog};

    /// SQLite files in a temporary directory removed with the target.
    struct Sqlite {
        dir: tempfile::TempDir,
        next: AtomicU64,
    }

    impl Sqlite {
        fn new() -> Self {
            Self {
                dir: tempfile::tempdir().expect("a temp dir"),
                next: AtomicU64::new(0),
            }
        }
    }

    impl SchemaTarget for Sqlite {
        fn name(&self) -> &str {
            "SQLite"
        }

        fn schema(&self) -> &'static DatabaseSchema {
            workflow_visibility::schema::sqlite()
        }

        fn fresh_url(&self, label: &str) -> String {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let path = self.dir.path().join(format!("{label}-{n}.db"));
            format!("sqlite://{}", path.display())
        }

        async fn query(&self, url: &str, sql: &str) -> Vec<String> {
            sqlite_catalog::rows(url, sql).await
        }

        async fn dump(&self, url: &str) -> Vec<String> {
            sqlite_catalog::dump(url).await
        }
    }

    #[tokio::test]
    async fn every_version_upgrades_to_the_fresh_schema_sqlite() {
        every_version_upgrades_to_the_fresh_schema(&Sqlite::new()).await;
    }

    #[tokio::test]
    async fn existing_string_rows_get_their_sort_keys_sqlite() {
        existing_string_rows_get_their_sort_keys(&Sqlite::new()).await;
    }

    #[tokio::test]
    async fn update_refuses_to_downgrade_sqlite() {
        update_refuses_to_downgrade(&Sqlite::new()).await;
    }

    #[tokio::test]
    async fn open_refuses_unsupported_versions_sqlite() {
        open_refuses_unsupported_versions(&Sqlite::new()).await;
    }

    #[tokio::test]
    async fn missing_schema_names_the_setup_command_sqlite() {
        let target = Sqlite::new();
        // A file that does not exist yet: opening must not create it.
        missing_schema_names_the_setup_command(&target).await;
        let url = target.fresh_url("never-created");
        assert!(connect::connect(&url).await.is_err());
        assert!(!std::path::Path::new(sqlite_catalog::path_of(&url)).exists());

        // A file created by something else, without the schema.
        let url = target.fresh_url("empty-file");
        std::fs::write(sqlite_catalog::path_of(&url), b"").unwrap();
        let err = connect::connect(&url)
            .await
            .map(|_| ())
            .expect_err("an empty file has no schema");
        assert_names_setup(&err);
        assert_eq!(connect::schema_version(&url).await.unwrap(), None);
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use workflow_visibility::schema::DatabaseSchema;
    use workflow_visibility::store::connect;

    use super::*;
    use crate::schema_checks::{SchemaTarget, postgres_catalog};
    use crate::support::databases::{self, TestServer};

    /// Fresh databases on the binary's PostgreSQL server.
    pub(crate) struct Postgres {
        pub server: &'static TestServer,
    }

    impl Postgres {
        pub fn new() -> Self {
            Self {
                server: databases::postgres(),
            }
        }
    }

    impl SchemaTarget for Postgres {
        fn name(&self) -> &str {
            "PostgreSQL"
        }

        fn schema(&self) -> &'static DatabaseSchema {
            workflow_visibility::schema::postgresql()
        }

        fn fresh_url(&self, label: &str) -> String {
            self.server.create_database(&format!("schema_{label}"))
        }

        async fn query(&self, url: &str, sql: &str) -> Vec<String> {
            self.server.query_rows(url, sql)
        }

        async fn dump(&self, url: &str) -> Vec<String> {
            postgres_catalog::dump(self.server, url)
        }
    }

    #[tokio::test]
    async fn every_version_upgrades_to_the_fresh_schema_postgres() {
        every_version_upgrades_to_the_fresh_schema(&Postgres::new()).await;
    }

    #[tokio::test]
    async fn existing_string_rows_get_their_sort_keys_postgres() {
        existing_string_rows_get_their_sort_keys(&Postgres::new()).await;
    }

    #[tokio::test]
    async fn update_refuses_to_downgrade_postgres() {
        update_refuses_to_downgrade(&Postgres::new()).await;
    }

    #[tokio::test]
    async fn open_refuses_unsupported_versions_postgres() {
        open_refuses_unsupported_versions(&Postgres::new()).await;
    }

    #[tokio::test]
    async fn missing_schema_names_the_setup_command_postgres() {
        let target = Postgres::new();
        missing_schema_names_the_setup_command(&target).await;
        assert_eq!(
            connect::schema_version(&target.fresh_url("no_schema"))
                .await
                .unwrap(),
            None
        );
    }

    /// The catalog comparison notices a real difference: one index more on one side.
    #[tokio::test]
    async fn catalog_dump_sees_index_and_collation_changes() {
        let target = Postgres::new();
        let a = target.fresh_url("dump_a");
        connect::setup_schema(&a, None).await.unwrap();
        let before = target.dump(&a).await;
        target.server.query(
            &a,
            "CREATE INDEX extra_probe ON executions (namespace_id, task_queue)",
        );
        let with_index = target.dump(&a).await;
        assert_ne!(before, with_index);
        target.server.query(&a, "DROP INDEX extra_probe");
        assert_eq!(target.dump(&a).await, before);
        target.server.query(
            &a,
            "ALTER TABLE executions ALTER COLUMN task_queue TYPE TEXT COLLATE \"POSIX\"",
        );
        assert_ne!(
            target.dump(&a).await,
            before,
            "a collation change must show"
        );
    }
}

/// `wfvis schema setup --version`, `schema update` and `schema version` on PostgreSQL.
#[cfg(all(feature = "cli", feature = "postgres"))]
mod cli_postgres {
    use crate::cli_support::wfvis;
    use crate::postgres::Postgres;
    use crate::schema_checks::{SchemaTarget, assert_same_catalog};

    #[tokio::test]
    async fn wfvis_schema_commands_on_postgres() {
        let target = Postgres::new();
        let schema = target.schema();
        let (oldest, latest) = (schema.oldest().to_string(), schema.latest().to_string());
        let url = target.fresh_url("cli");

        let out = wfvis(&["--url", &url, "schema", "version"], &[]);
        assert_eq!(
            out.ok(),
            format!(
                "installed: none\nsupported: {} to {latest}\n",
                schema.min_supported()
            )
        );

        let out = wfvis(
            &["--url", &url, "schema", "setup", "--version", &oldest],
            &[],
        );
        assert_eq!(
            out.ok(),
            format!("visibility schema version {oldest} is set up\n")
        );
        assert_eq!(out.stderr, "");
        let out = wfvis(&["--url", &url, "schema", "version"], &[]);
        assert!(
            out.ok().starts_with(&format!("installed: {oldest}\n")),
            "{out:?}"
        );

        let out = wfvis(&["--url", &url, "schema", "update"], &[]);
        let applied: Vec<String> = schema
            .steps
            .iter()
            .map(|s| s.manifest.version.to_string())
            .filter(|v| *v != oldest)
            .collect();
        assert_eq!(
            out.ok(),
            format!(
                "visibility schema updated from {oldest} to {latest} (applied {})\n",
                applied.join(", ")
            )
        );
        let out = wfvis(&["--url", &url, "schema", "update"], &[]);
        assert_eq!(
            out.ok(),
            format!("visibility schema is at version {latest}: nothing to do\n")
        );
        let out = wfvis(&["--url", &url, "schema", "version"], &[]);
        assert!(
            out.ok().starts_with(&format!("installed: {latest}\n")),
            "{out:?}"
        );

        let line = wfvis(
            &["--url", &url, "schema", "update", "--version", &oldest],
            &[],
        )
        .failed()
        .to_string();
        assert!(line.contains("downgrade"), "{line}");

        let fresh = target.fresh_url("cli_fresh");
        wfvis(&["--url", &fresh, "schema", "setup"], &[]).ok();
        assert_same_catalog(
            "wfvis: oldest + update vs fresh setup",
            "updated",
            &target.dump(&url).await,
            "fresh",
            &target.dump(&fresh).await,
        );

        let out = wfvis(
            &[
                "--url",
                &url,
                "count",
                "--namespace",
                "ns-cli",
                "--output",
                "json",
            ],
            &[],
        );
        assert_eq!(out.ok(), "{\"count\":0}\n");
    }

    /// `wfvis schema setup` creates a database that does not exist yet.
    #[tokio::test]
    async fn wfvis_schema_setup_creates_the_database() {
        let target = Postgres::new();
        let url = target.fresh_url("cli_created");
        let name = database_name(&url);
        target
            .server
            .query(target.server.url(), &format!("DROP DATABASE \"{name}\""));
        let out = wfvis(&["--url", &url, "schema", "setup"], &[]);
        assert!(out.ok().contains("is set up"), "{out:?}");
        let exists = target.server.query(
            target.server.url(),
            &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'"),
        );
        assert_eq!(exists, "1");
        let out = wfvis(&["--url", &url, "schema", "version"], &[]);
        assert!(
            out.ok()
                .starts_with(&format!("installed: {}\n", target.schema().latest())),
            "{out:?}"
        );
    }

    /// The database name of a `postgres://…/NAME[?…]` URL from the harness (plain ASCII names).
    fn database_name(url: &str) -> String {
        let path = url.split('?').next().unwrap_or(url);
        path.rsplit('/').next().unwrap_or_default().to_string()
    }

    #[tokio::test]
    async fn wfvis_commands_on_a_database_without_schema_name_setup() {
        let target = Postgres::new();
        let url = target.fresh_url("cli_empty");
        for args in [
            vec!["schema", "update"],
            vec!["count", "--namespace", "ns"],
            vec!["list", "--namespace", "ns"],
        ] {
            let mut all = vec!["--url", url.as_str()];
            all.extend(args);
            let line = wfvis(&all, &[]).failed().to_string();
            assert!(
                line.contains("wfvis --url ") && line.contains(" schema setup"),
                "{all:?}: {line}"
            );
        }
    }
}

/// The MySQL family's catalog comparisons live in `tests/mysql_family`; here MariaDB runs the
/// checks that carry data through an update.
#[cfg(feature = "mysql")]
mod mariadb {
    use workflow_visibility::schema::DatabaseSchema;

    use super::*;
    use crate::schema_checks::SchemaTarget;
    use crate::support::databases::{self, TestServer};

    /// Fresh databases on the binary's MariaDB server.
    struct Mariadb {
        server: &'static TestServer,
    }

    impl SchemaTarget for Mariadb {
        fn name(&self) -> &str {
            "MariaDB"
        }

        fn schema(&self) -> &'static DatabaseSchema {
            workflow_visibility::schema::mysql()
        }

        fn fresh_url(&self, label: &str) -> String {
            self.server.create_database(&format!("schema_{label}"))
        }

        async fn query(&self, url: &str, sql: &str) -> Vec<String> {
            self.server.query_rows(url, sql)
        }

        async fn dump(&self, url: &str) -> Vec<String> {
            self.query(
                url,
                "SELECT CONCAT_WS(' ', TABLE_NAME, COLUMN_NAME, COLUMN_TYPE) \
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
                 ORDER BY TABLE_NAME, ORDINAL_POSITION",
            )
            .await
        }
    }

    #[tokio::test]
    async fn existing_string_rows_get_their_sort_keys_mariadb() {
        let target = Mariadb {
            server: databases::mariadb(),
        };
        existing_string_rows_get_their_sort_keys(&target).await;
    }
}
