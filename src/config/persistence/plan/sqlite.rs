//! `pluginName: sqlite`.

use std::path::PathBuf;
use std::time::Duration;

use super::{SqlitePlan, SyncLevel};
use crate::config::persistence::fields::invalid;
use crate::config::persistence::sql::SqlConfig;
use crate::error::Result;

/// The connect attributes the sqlite plugin maps, for messages.
const MAPPED: &str = "mode, cache, setup, busy_timeout, synchronous, journal_mode";

pub(super) fn plan(config: &SqlConfig, path: &str) -> Result<SqlitePlan> {
    if config.tls.enabled {
        return Err(invalid(
            &format!("{path}.tls.enabled"),
            "TLS does not apply to the sqlite plugin (an embedded database)",
        ));
    }
    let mut plan = SqlitePlan {
        memory: false,
        path: PathBuf::from(&config.database_name),
        create_schema: false,
        max_connections: config.max_conns,
        busy_timeout: None,
        synchronous: None,
    };
    for (key, value) in &config.connect_attributes {
        let attr_path = format!("{path}.connectAttributes.{key}");
        let expected = |what: &str| invalid(&attr_path, format!("expected {what}, got {value:?}"));
        let lower = value.to_ascii_lowercase();
        match key.as_str() {
            "mode" => match lower.as_str() {
                "memory" => plan.memory = true,
                "rwc" | "rw" => plan.memory = false,
                "ro" => {
                    return Err(invalid(
                        &attr_path,
                        "read-only databases are not supported: a visibility store writes",
                    ));
                }
                _ => return Err(expected("memory, rwc or rw")),
            },
            "cache" => match lower.as_str() {
                "private" => {}
                "shared" => {
                    return Err(invalid(
                        &attr_path,
                        "shared cache is not supported by this crate: each store opens its \
                         database with a private cache (use private)",
                    ));
                }
                _ => return Err(expected("private or shared")),
            },
            "setup" => {
                plan.create_schema = match lower.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(expected("true or false")),
                }
            }
            "busy_timeout" => {
                let ms: u64 = value
                    .parse()
                    .map_err(|_| expected("a number of milliseconds"))?;
                plan.busy_timeout = Some(Duration::from_millis(ms));
            }
            "synchronous" => {
                plan.synchronous = Some(match lower.as_str() {
                    "off" | "0" => SyncLevel::Off,
                    "normal" | "1" => SyncLevel::Normal,
                    "full" | "2" => SyncLevel::Full,
                    _ => return Err(expected("off, normal or full")),
                })
            }
            "journal_mode" => {
                if lower != "wal" {
                    return Err(invalid(
                        &attr_path,
                        format!(
                            "{value:?} is not supported: this crate runs SQLite files in WAL \
                             mode (use wal or leave it out)"
                        ),
                    ));
                }
            }
            "immutable" | "modeof" | "nolock" | "psow" | "vfs" => {
                return Err(invalid(
                    &attr_path,
                    format!("not supported by the sqlite plugin of this crate (it maps {MAPPED})"),
                ));
            }
            _ => {
                return Err(invalid(
                    &attr_path,
                    format!(
                        "unknown SQLite connect attribute; this crate maps {MAPPED} and passes \
                         no other pragmas"
                    ),
                ));
            }
        }
    }
    Ok(plan)
}
