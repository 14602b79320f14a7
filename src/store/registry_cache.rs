//! A per-store cache of each namespace's custom attribute registrations.
//!
//! Registrations change rarely and every write and query needs them, so stores keep them in
//! memory. Changes made through the same store take effect at once (the store invalidates the
//! entry); changes made by another process are picked up after `ttl`, or immediately when a
//! write or query names an attribute the cached copy does not know (stores reload and retry
//! once before reporting an unknown attribute).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::attributes::NamespaceAttributes;

#[derive(Debug)]
pub(crate) struct RegistryCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Arc<NamespaceAttributes>, Instant)>>,
}

impl RegistryCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached registry of `namespace_id`, if present and younger than the TTL.
    pub fn get(&self, namespace_id: &str) -> Option<Arc<NamespaceAttributes>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(namespace_id)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(r, _)| Arc::clone(r))
    }

    pub fn put(&self, namespace_id: &str, registry: Arc<NamespaceAttributes>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.insert(namespace_id.to_string(), (registry, Instant::now()));
    }

    pub fn invalidate(&self, namespace_id: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(namespace_id);
    }
}
