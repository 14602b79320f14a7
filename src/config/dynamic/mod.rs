//! Temporal's dynamic-config file: the visibility keys it holds ([`DynamicConfig`]) and a
//! watcher that hot-reloads them into the dual manager's settings ([`DynamicConfigWatcher`]).
//!
//! Keys read (matched case-insensitively; every other key is ignored):
//!
//! | key | value | constraints | default |
//! |---|---|---|---|
//! | `system.secondaryVisibilityWritingMode` | `off`, `on` or `dual` | none (global) | `off` |
//! | `system.enableReadFromSecondaryVisibility` | boolean | `namespace`, `namespaceId`, both, or none | `false` |
//! | `system.visibilityPersistenceMaxReadQPS` | integer ≥ 1 | none (global) | 9000 |
//! | `system.visibilityPersistenceMaxWriteQPS` | integer ≥ 1 | none (global) | 9000 |
//!
//! The failure policy of dual writes has no documented key; it comes from the caller
//! ([`WatchOptions::base`]).
//!
//! ```
//! use workflow_visibility::config::dynamic::DynamicConfig;
//! use workflow_visibility::dual::WritingMode;
//!
//! let config = DynamicConfig::from_yaml_str(
//!     r#"
//! system.secondaryVisibilityWritingMode:
//!   - value: "dual"
//!     constraints: {}
//! system.enableReadFromSecondaryVisibility:
//!   - value: true
//!     constraints:
//!       namespace: "orders"
//!   - value: false
//!     constraints: {}
//! "#,
//! )
//! .unwrap();
//! let settings = config.apply_to(&Default::default());
//! assert_eq!(settings.writing_mode, WritingMode::Dual);
//! assert!(settings.reads_from_secondary("id-1", "orders"));
//! assert!(!settings.reads_from_secondary("id-2", "billing"));
//! ```

mod entries;
mod keys;
mod parse;
mod raw;
mod watcher;

pub use keys::{MAX_READ_QPS_KEY, MAX_WRITE_QPS_KEY, READ_FROM_SECONDARY_KEY, WRITING_MODE_KEY};
pub use parse::DynamicConfig;
pub use watcher::{
    DynamicConfigWatcher, ERROR_COUNTER, RELOAD_COUNTER, ReloadOutcome, WatchOptions,
};
