//! Versioned schemas and the schema tool.
//!
//! Each SQL database has `schema/<database>/visibility/schema.sql` (the full current schema for
//! fresh installs) and `versioned/vX.Y/` directories, each with a `manifest.json` (version,
//! minimum compatible version, description, ordered files). The files are compiled into the
//! crate. A database records its version in a `schema_version` table and every applied step
//! in `schema_update_history`.
//!
//! * **setup** creates the schema (the full schema, or the versioned steps up to a chosen
//!   version) and records the version; on a set-up database it changes nothing.
//! * **update** applies the pending versions in order, each step atomic where the database
//!   allows; re-running it is a no-op, and it refuses to downgrade.
//! * Opening a store checks the recorded version against the range this crate supports.

mod embedded;
mod manifest;
mod version;

pub use embedded::{DatabaseSchema, SchemaStep, mysql, postgresql, sqlite};
pub use manifest::Manifest;
pub use version::Version;

use crate::error::Error;

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateReport {
    /// Version before the update.
    pub from: Version,
    /// Version after the update.
    pub to: Version,
    /// Versions applied, in order (empty when already up to date).
    pub applied: Vec<Version>,
}

impl DatabaseSchema {
    /// The steps that take a database from `installed` to `target`, in order. Fails when the
    /// target is older than the installed version or is not a known version.
    pub fn pending(
        &self,
        installed: &Version,
        target: &Version,
    ) -> Result<Vec<&SchemaStep>, Error> {
        if target < installed {
            return Err(Error::invalid_argument(format!(
                "refusing to downgrade the {} visibility schema from {installed} to {target}",
                self.database
            )));
        }
        self.step(target)?;
        Ok(self
            .steps
            .iter()
            .filter(|s| &s.manifest.version > installed && &s.manifest.version <= target)
            .collect())
    }

    /// The step for exactly `version`.
    pub fn step(&self, version: &Version) -> Result<&SchemaStep, Error> {
        self.steps
            .iter()
            .find(|s| &s.manifest.version == version)
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "unknown {} visibility schema version {version} (known: {})",
                    self.database,
                    self.steps
                        .iter()
                        .map(|s| s.manifest.version.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// The newest version.
    pub fn latest(&self) -> &Version {
        &self.steps[self.steps.len() - 1].manifest.version
    }

    /// The oldest version.
    pub fn oldest(&self) -> &Version {
        &self.steps[0].manifest.version
    }

    /// The oldest installed version this crate can read and write: the newest step's
    /// minimum compatible version.
    pub fn min_supported(&self) -> &Version {
        &self.steps[self.steps.len() - 1]
            .manifest
            .min_compatible_version
    }

    /// Fails unless `installed` lies in the supported range; the error names the `wfvis`
    /// command that fixes it.
    pub fn check_supported(
        &self,
        installed: Option<&Version>,
        location: &str,
    ) -> Result<(), Error> {
        match installed {
            None => Err(Error::Unavailable(format!(
                "the database at {location} has no visibility schema; create it with \
                 `wfvis --url {location} schema setup`"
            ))),
            Some(v) if v < self.min_supported() => Err(Error::Unavailable(format!(
                "the database at {location} has visibility schema {v}, older than the oldest \
                 supported version {}; upgrade it with `wfvis --url {location} schema update`",
                self.min_supported()
            ))),
            Some(v) if v > self.latest() => Err(Error::Unavailable(format!(
                "the database at {location} has visibility schema {v}, newer than this crate's \
                 {}; upgrade workflow-visibility",
                self.latest()
            ))),
            Some(_) => Ok(()),
        }
    }
}

/// Splits a SQL file into statements at semicolons that end a line, skipping `--` comment
/// lines. Schema files keep one statement per semicolon-terminated block for this reason.
pub(crate) fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            let stmt = current.trim().trim_end_matches(';').trim().to_string();
            if !stmt.is_empty() {
                out.push(stmt);
            }
            current.clear();
        }
    }
    let rest = current.trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements() {
        let s = statements("-- c\nCREATE TABLE a (x INT);\n\nCREATE INDEX i\n  ON a (x);\n");
        assert_eq!(s, ["CREATE TABLE a (x INT)", "CREATE INDEX i\n  ON a (x)"]);
    }

    #[test]
    fn pending_versions_and_downgrade() {
        let schema = sqlite();
        let oldest = schema.oldest().clone();
        let latest = schema.latest().clone();
        assert!(oldest < latest, "ship at least two versions");
        let pending = schema.pending(&oldest, &latest).unwrap();
        assert!(!pending.is_empty());
        assert!(pending.iter().all(|s| s.manifest.version > oldest));
        assert!(schema.pending(&latest, &latest).unwrap().is_empty());
        assert!(schema.pending(&latest, &oldest).is_err());
        assert!(schema.pending(&oldest, &"9.9".parse().unwrap()).is_err());
        assert!(schema.check_supported(None, "x").is_err());
        assert!(schema.check_supported(Some(&latest), "x").is_ok());
        assert!(
            schema
                .check_supported(Some(&"99.0".parse().unwrap()), "x")
                .is_err()
        );
    }
}
