//! Schema files compiled into the crate.

use std::sync::OnceLock;

use crate::schema::{Manifest, Version};

/// One versioned step: its manifest and the contents of its files, in order.
#[derive(Debug, Clone)]
pub struct SchemaStep {
    /// The parsed manifest.
    pub manifest: Manifest,
    /// `(file name, SQL text)` in manifest order.
    pub files: Vec<(&'static str, &'static str)>,
    /// Hash of the manifest text, recorded in the update history.
    pub manifest_hash: String,
}

impl SchemaStep {
    /// All statements of the step, in order.
    pub fn statements(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|(_, sql)| crate::schema::statements(sql))
            .collect()
    }
}

/// The embedded schema of one database.
#[derive(Debug, Clone)]
pub struct DatabaseSchema {
    /// Database name as used under `schema/` (`sqlite`, `postgresql`, `mysql`).
    pub database: &'static str,
    /// The full current schema (fresh installs).
    pub full: &'static str,
    /// The versioned steps, oldest first.
    pub steps: Vec<SchemaStep>,
}

impl DatabaseSchema {
    /// Statements of the full schema.
    pub fn full_statements(&self) -> Vec<String> {
        crate::schema::statements(self.full)
    }
}

type EmbeddedStep = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

fn build(database: &'static str, full: &'static str, steps: &[EmbeddedStep]) -> DatabaseSchema {
    let mut built: Vec<SchemaStep> = steps
        .iter()
        .map(|(dir, manifest_text, files)| {
            let manifest: Manifest = serde_json::from_str(manifest_text)
                .unwrap_or_else(|e| panic!("schema/{database} {dir}/manifest.json: {e}"));
            let dir_version: Version = dir
                .parse()
                .unwrap_or_else(|e| panic!("schema/{database} {dir}: {e}"));
            assert_eq!(
                manifest.version, dir_version,
                "schema/{database}/{dir}: manifest version differs from the directory"
            );
            let ordered = manifest
                .files
                .iter()
                .map(|name| {
                    *files.iter().find(|(n, _)| n == name).unwrap_or_else(|| {
                        panic!("schema/{database}/{dir}: file {name} not embedded")
                    })
                })
                .collect();
            SchemaStep {
                manifest_hash: crate::page_token::fingerprint(database, manifest_text),
                manifest,
                files: ordered,
            }
        })
        .collect();
    built.sort_by(|a, b| a.manifest.version.cmp(&b.manifest.version));
    DatabaseSchema {
        database,
        full,
        steps: built,
    }
}

macro_rules! embed_step {
    ($db:literal, $dir:literal, [$($file:literal),+ $(,)?]) => {
        (
            $dir,
            include_str!(concat!("../../schema/", $db, "/visibility/versioned/", $dir, "/manifest.json")),
            &[$(($file, include_str!(concat!("../../schema/", $db, "/visibility/versioned/", $dir, "/", $file)))),+],
        )
    };
}

/// The SQLite schema.
pub fn sqlite() -> &'static DatabaseSchema {
    static SCHEMA: OnceLock<DatabaseSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        build(
            "sqlite",
            include_str!("../../schema/sqlite/visibility/schema.sql"),
            &[
                embed_step!("sqlite", "v1.0", ["schema.sql"]),
                embed_step!("sqlite", "v1.1", ["indexes.sql"]),
                embed_step!("sqlite", "v1.2", ["string_sort_keys.sql"]),
            ],
        )
    })
}

/// The PostgreSQL schema.
pub fn postgresql() -> &'static DatabaseSchema {
    static SCHEMA: OnceLock<DatabaseSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        build(
            "postgresql",
            include_str!("../../schema/postgresql/visibility/schema.sql"),
            &[
                embed_step!("postgresql", "v1.0", ["schema.sql"]),
                embed_step!("postgresql", "v1.1", ["indexes.sql"]),
                embed_step!("postgresql", "v1.2", ["indexes.sql"]),
                embed_step!("postgresql", "v1.3", ["string_sort_keys.sql"]),
            ],
        )
    })
}

/// The MySQL-family schema (MySQL 8 and MariaDB). Its files contain `{{KEYWORD_COLLATION}}`
/// placeholders that the MySQL store replaces with the detected server's binary NO PAD
/// collation before running them.
pub fn mysql() -> &'static DatabaseSchema {
    static SCHEMA: OnceLock<DatabaseSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        build(
            "mysql",
            include_str!("../../schema/mysql/visibility/schema.sql"),
            &[
                embed_step!("mysql", "v1.0", ["schema.sql"]),
                embed_step!("mysql", "v1.1", ["indexes.sql"]),
                embed_step!("mysql", "v1.2", ["string_sort_keys.sql"]),
            ],
        )
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Every version directory on disk is embedded, with every file its manifest names.
    fn check_all_embedded(schema: &DatabaseSchema) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schema")
            .join(schema.database)
            .join("visibility/versioned");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = schema
            .steps
            .iter()
            .map(|s| format!("v{}", s.manifest.version))
            .collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "{}: embedded versions differ from disk",
            schema.database
        );
        for step in &schema.steps {
            for (name, text) in &step.files {
                let disk = std::fs::read_to_string(
                    dir.join(format!("v{}", step.manifest.version)).join(name),
                )
                .unwrap();
                assert_eq!(&disk, text);
            }
        }
    }

    #[test]
    fn all_versions_are_embedded() {
        check_all_embedded(sqlite());
        check_all_embedded(postgresql());
    }

    #[test]
    fn mysql_versions_are_all_embedded() {
        check_all_embedded(mysql());
    }
}
