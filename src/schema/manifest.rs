use serde::Deserialize;

use crate::schema::Version;

/// The `manifest.json` of one schema version directory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The version this step produces; must equal the directory name without `v`.
    pub version: Version,
    /// The oldest installed version a crate that knows this version still accepts.
    pub min_compatible_version: Version,
    /// What the step changes.
    pub description: String,
    /// SQL files applied in order.
    pub files: Vec<String>,
}
