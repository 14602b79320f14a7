//! The first pass over a dynamic-config file: keep the entry lists of the keys this crate
//! reads, in document order, and skip every other key without interpreting it (a real file
//! holds dozens of settings for other services, whose values may have any shape).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::keys::Key;
use crate::error::{Error, Result};

/// One occurrence of a known key in the file.
#[derive(Debug)]
pub(super) struct RawKey {
    /// The key as spelled in the file, for messages.
    pub spelled: String,
    pub key: Key,
    /// The key's value, not yet checked (it should be a list of entries).
    pub entries: Value,
}

/// The known keys of a file, in document order.
#[derive(Debug, Default)]
pub(super) struct RawFile {
    pub keys: Vec<RawKey>,
}

impl RawFile {
    /// Parses `yaml`. YAML 1.2 core booleans only, so an unquoted `on`/`off` stays a string
    /// (as in Temporal's YAML library) and `yes` is not silently a boolean.
    pub(super) fn parse(yaml: &str) -> Result<RawFile> {
        let mut options = serde_saphyr::Options::default();
        options.strict_booleans = true;
        serde_saphyr::from_str_with_options::<Option<RawFile>>(yaml, options)
            .map(Option::unwrap_or_default)
            .map_err(|e| Error::invalid_argument(format!("dynamic config is not valid: {e}")))
    }
}

impl<'de> Deserialize<'de> for RawFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FileVisitor)
    }
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = RawFile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map from dynamic config keys to lists of {value, constraints} entries")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFile, A::Error> {
        let mut keys = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            match Key::from_name(&name) {
                Some(key) => {
                    let entries = map.next_value::<Value>().map_err(|e| {
                        de::Error::custom(format_args!("dynamic config key {name}: {e}"))
                    })?;
                    keys.push(RawKey {
                        spelled: name,
                        key,
                        entries,
                    });
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(RawFile { keys })
    }
}
