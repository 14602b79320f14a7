//! Options shared by every store.

use std::time::Duration;

use crate::attributes::SearchAttributeLimits;

/// Bounds on List Filter text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLimits {
    /// Longest accepted query in bytes (default 16 KiB).
    pub max_query_bytes: usize,
    /// Deepest accepted nesting of parentheses and `NOT` (default 100).
    pub max_depth: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_query_bytes: 16 * 1024,
            max_depth: 100,
        }
    }
}

/// Behaviour shared by all stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Each call fails with `Unavailable` when it takes longer (default 30 s).
    pub call_timeout: Duration,
    /// Largest page a listing returns; larger requests are clamped (default 1000).
    pub max_page_size: usize,
    /// How long a delete's tombstone blocks lower-version writes (default 24 h).
    pub tombstone_window: Duration,
    /// How long a store trusts its cached copy of a namespace's custom attributes before
    /// re-reading them (only matters when another process changes registrations; default 10 s).
    pub registry_ttl: Duration,
    /// Search attribute limits.
    pub search_attribute_limits: SearchAttributeLimits,
    /// List Filter limits.
    pub query_limits: QueryLimits,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            call_timeout: Duration::from_secs(30),
            max_page_size: 1000,
            tombstone_window: Duration::from_secs(24 * 3600),
            registry_ttl: Duration::from_secs(10),
            search_attribute_limits: SearchAttributeLimits::default(),
            query_limits: QueryLimits::default(),
        }
    }
}

impl StoreOptions {
    /// Clamps a requested page size into `1..=max_page_size`.
    pub fn clamp_page_size(&self, requested: usize) -> usize {
        requested.clamp(1, self.max_page_size.max(1))
    }
}
