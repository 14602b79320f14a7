//! Everything that differs between MySQL 8 and MariaDB, in one place.
//!
//! The store speaks one dialect to both servers; the only differences it has to make are the
//! name of the binary NO PAD utf8mb4 collation used for every string column (MySQL 8:
//! `utf8mb4_0900_bin`; MariaDB: `utf8mb4_nopad_bin`; `utf8mb4_bin` exists on both but pads
//! trailing spaces, so `'a' = 'a '`) and the supported version range. Schema files carry a
//! `{{KEYWORD_COLLATION}}` placeholder that [`ServerInfo::render_schema`] fills in.

use crate::error::{Error, Result};

/// The placeholder schema files use for the keyword collation.
const KEYWORD_COLLATION: &str = "{{KEYWORD_COLLATION}}";

/// Which MySQL-family server a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerFlavor {
    /// Oracle MySQL 8.0.21 or later.
    MySql,
    /// MariaDB 10.11 or later.
    MariaDb,
}

/// The detected server: flavor and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// MySQL or MariaDB.
    pub flavor: ServerFlavor,
    /// `(major, minor, patch)`.
    pub version: (u32, u32, u32),
    /// `SELECT VERSION()` as the server reported it.
    pub version_string: String,
}

impl ServerInfo {
    /// Detects the server from its `VERSION()` string and checks it is supported.
    pub(crate) fn detect(version_string: &str) -> Result<ServerInfo> {
        // Some proxies report MariaDB as "5.5.5-10.11.6-MariaDB" (a replication-era prefix).
        let trimmed = version_string
            .trim()
            .strip_prefix("5.5.5-")
            .unwrap_or(version_string.trim());
        let flavor = if trimmed.to_ascii_lowercase().contains("mariadb") {
            ServerFlavor::MariaDb
        } else {
            ServerFlavor::MySql
        };
        let numbers: Vec<u32> = trimmed
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .next()
            .unwrap_or("")
            .split('.')
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        let part = |i: usize| numbers.get(i).copied().unwrap_or(0);
        let info = ServerInfo {
            flavor,
            version: (part(0), part(1), part(2)),
            version_string: version_string.trim().to_string(),
        };
        let minimum = match flavor {
            ServerFlavor::MySql => (8, 0, 21),
            ServerFlavor::MariaDb => (10, 11, 0),
        };
        if info.version < minimum {
            return Err(Error::Unavailable(format!(
                "unsupported server version {}: the MySQL store needs MySQL 8.0.21 or later, or \
                 MariaDB 10.11 or later",
                info.version_string
            )));
        }
        Ok(info)
    }

    /// The binary NO PAD utf8mb4 collation of this server: code-point order, case-sensitive,
    /// trailing spaces significant.
    pub fn keyword_collation(&self) -> &'static str {
        match self.flavor {
            ServerFlavor::MySql => "utf8mb4_0900_bin",
            ServerFlavor::MariaDb => "utf8mb4_nopad_bin",
        }
    }

    /// `SET NAMES` with the keyword collation as the connection collation, so that string
    /// parameters and literals carry the columns' collation.
    pub(crate) fn set_names_sql(&self) -> String {
        format!("SET NAMES utf8mb4 COLLATE {}", self.keyword_collation())
    }

    /// A schema statement with its placeholders filled in for this server. Fails on an unknown
    /// placeholder, so a typo in a schema file cannot reach the server.
    pub(crate) fn render_schema(&self, sql: &str) -> Result<String> {
        let rendered = sql.replace(KEYWORD_COLLATION, self.keyword_collation());
        if rendered.contains("{{") {
            return Err(Error::Internal(format!(
                "unknown placeholder in MySQL schema statement: {}",
                rendered.lines().next().unwrap_or_default()
            )));
        }
        Ok(rendered)
    }

    /// `CREATE DATABASE` for a store's database, with utf8mb4 and the keyword collation as its
    /// defaults (tables declare their own anyway).
    pub(crate) fn create_database_sql(&self, database: &str) -> String {
        format!(
            "CREATE DATABASE IF NOT EXISTS `{}` CHARACTER SET utf8mb4 COLLATE {}",
            database.replace('`', "``"),
            self.keyword_collation()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::mysql;

    #[test]
    fn detects_flavor_and_version() {
        let m = ServerInfo::detect("10.11.19-MariaDB-0+deb12u1").unwrap();
        assert_eq!(m.flavor, ServerFlavor::MariaDb);
        assert_eq!(m.version, (10, 11, 19));
        assert_eq!(m.keyword_collation(), "utf8mb4_nopad_bin");
        let m = ServerInfo::detect("5.5.5-11.4.2-MariaDB-log").unwrap();
        assert_eq!((m.flavor, m.version), (ServerFlavor::MariaDb, (11, 4, 2)));
        let o = ServerInfo::detect("8.0.36-0ubuntu0.22.04.1").unwrap();
        assert_eq!((o.flavor, o.version), (ServerFlavor::MySql, (8, 0, 36)));
        assert_eq!(o.keyword_collation(), "utf8mb4_0900_bin");
        assert_eq!(ServerInfo::detect("8.4.0").unwrap().version, (8, 4, 0));
        assert_eq!(
            ServerInfo::detect("9.1.0-commercial").unwrap().version,
            (9, 1, 0)
        );
    }

    #[test]
    fn rejects_old_servers() {
        for old in [
            "8.0.20",
            "5.7.44-log",
            "10.6.17-MariaDB",
            "10.5.4-MariaDB-log",
        ] {
            let e = ServerInfo::detect(old).unwrap_err();
            assert!(e.to_string().contains(old), "{e}");
        }
    }

    #[test]
    fn every_schema_statement_renders_for_both_servers() {
        let schema = mysql();
        let mut statements = schema.full_statements();
        for step in &schema.steps {
            statements.extend(step.statements());
        }
        for version in ["8.0.21", "10.11.2-MariaDB"] {
            let server = ServerInfo::detect(version).unwrap();
            for statement in &statements {
                let sql = server.render_schema(statement).unwrap();
                assert!(!sql.contains("{{"), "{sql}");
                // Every string column and table names its collation explicitly.
                if sql.contains("VARCHAR") || sql.contains("TEXT") {
                    assert!(sql.contains(server.keyword_collation()), "{sql}");
                }
                assert!(!sql.contains("utf8mb4_bin"), "padding collation in {sql}");
            }
        }
        let bad = ServerInfo::detect("8.0.21")
            .unwrap()
            .render_schema("CREATE TABLE t (x VARCHAR(1) COLLATE {{KEYWORD_COLATION}})");
        assert!(bad.is_err());
    }

    #[test]
    fn every_string_column_declares_charset_and_collation() {
        let schema = mysql();
        let mut files = vec![schema.full];
        for step in &schema.steps {
            files.extend(step.files.iter().map(|(_, sql)| *sql));
        }
        for file in files {
            for line in file.lines().filter(|l| !l.trim_start().starts_with("--")) {
                if line.contains("VARCHAR") || line.contains("TEXT") {
                    assert!(
                        line.contains("CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}}"),
                        "{line}"
                    );
                }
                if line.trim_start().starts_with(") ENGINE") {
                    assert!(
                        line.contains(
                            "DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}}"
                        ),
                        "{line}"
                    );
                }
            }
        }
    }

    #[test]
    fn quotes_database_names() {
        let server = ServerInfo::detect("10.11.2-MariaDB").unwrap();
        assert_eq!(
            server.create_database_sql("a`b"),
            "CREATE DATABASE IF NOT EXISTS `a``b` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
        );
    }
}
