//! The store's data and its write rules: records, tombstones and registries per namespace.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crate::attributes::{NamespaceAttributes, SearchAttributeLimits};
use crate::error::Error;
use crate::model::ExecutionRecord;
use crate::store::common::{WriteKind, check_identity, prepare};

/// Everything the store holds.
#[derive(Debug, Default)]
pub(super) struct State {
    /// The last custom attribute id handed out; ids are store-wide and never reused.
    pub last_attribute_id: i64,
    /// Namespaces by id; absent until something is written or registered in them.
    pub namespaces: HashMap<String, Namespace>,
}

/// One namespace's data.
#[derive(Debug, Default)]
pub(super) struct Namespace {
    /// Registered custom attributes.
    pub registry: NamespaceAttributes,
    /// Records in scan order (run id, then workflow id).
    pub records: BTreeMap<RecordKey, ExecutionRecord>,
    /// Deletes that still block lower-version writes.
    tombstones: HashMap<RecordKey, Tombstone>,
}

/// Identity of a record within a namespace. Field order makes the derived order the scan
/// order: run id first, then workflow id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct RecordKey {
    pub run_id: String,
    pub workflow_id: String,
}

impl RecordKey {
    pub fn new(workflow_id: &str, run_id: &str) -> Self {
        Self {
            run_id: run_id.to_string(),
            workflow_id: workflow_id.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Tombstone {
    version: i64,
    /// `None` when the window is too long to represent: the tombstone never expires.
    expires: Option<Instant>,
}

impl Tombstone {
    fn live_at(&self, now: Instant) -> bool {
        self.expires.is_none_or(|e| now < e)
    }
}

/// An empty registry for namespaces nothing was registered in.
fn empty_registry() -> &'static NamespaceAttributes {
    static EMPTY: std::sync::OnceLock<NamespaceAttributes> = std::sync::OnceLock::new();
    EMPTY.get_or_init(NamespaceAttributes::default)
}

impl State {
    /// The custom attributes of a namespace (empty when unknown).
    pub fn registry(&self, namespace_id: &str) -> &NamespaceAttributes {
        match self.namespaces.get(namespace_id) {
            Some(ns) => &ns.registry,
            None => empty_registry(),
        }
    }

    /// Applies a write under the store's write rules. Validation happens before anything
    /// changes; a write that loses to a stored version or a tombstone is dropped silently.
    pub fn write(
        &mut self,
        record: ExecutionRecord,
        kind: WriteKind,
        limits: &SearchAttributeLimits,
        now: Instant,
    ) -> Result<(), Error> {
        let registry = self.registry(&record.namespace_id);
        let prepared = prepare(record, kind, registry, limits)?;
        let record = prepared.record;
        let ns = self
            .namespaces
            .entry(record.namespace_id.clone())
            .or_default();
        let key = RecordKey::new(&record.workflow_id, &record.run_id);
        if let Some(t) = ns.tombstones.get(&key).copied() {
            if !t.live_at(now) {
                ns.tombstones.remove(&key);
            } else if record.version < t.version {
                return Ok(());
            }
        }
        if let Some(stored) = ns.records.get(&key)
            && (kind == WriteKind::Started || stored.version > record.version)
        {
            return Ok(());
        }
        ns.records.insert(key, record);
        Ok(())
    }

    /// Deletes a record unless its stored version is higher, leaving a tombstone that blocks
    /// lower-version writes for `window`. Deleting a missing record succeeds (and still
    /// leaves the tombstone, so a late write cannot create it).
    pub fn delete(
        &mut self,
        namespace_id: &str,
        workflow_id: &str,
        run_id: &str,
        version: i64,
        now: Instant,
        window: Duration,
    ) -> Result<(), Error> {
        check_identity(namespace_id, workflow_id, run_id)?;
        if version < 0 {
            return Err(Error::invalid_argument(format!(
                "delete version must be >= 0, got {version}"
            )));
        }
        let ns = self.namespaces.entry(namespace_id.to_string()).or_default();
        ns.tombstones.retain(|_, t| t.live_at(now));
        let key = RecordKey::new(workflow_id, run_id);
        if ns.records.get(&key).is_some_and(|r| r.version > version) {
            return Ok(());
        }
        ns.records.remove(&key);
        // A repeated delete raises the live tombstone: highest version, latest expiry.
        let expires = now.checked_add(window);
        let tombstone = match ns.tombstones.get(&key) {
            Some(old) => Tombstone {
                version: old.version.max(version),
                expires: old.expires.zip(expires).map(|(a, b)| a.max(b)),
            },
            None => Tombstone { version, expires },
        };
        ns.tombstones.insert(key, tombstone);
        Ok(())
    }

    /// The record with this identity.
    pub fn get(
        &self,
        namespace_id: &str,
        workflow_id: &str,
        run_id: &str,
    ) -> Result<ExecutionRecord, Error> {
        check_identity(namespace_id, workflow_id, run_id)?;
        self.namespaces
            .get(namespace_id)
            .and_then(|ns| ns.records.get(&RecordKey::new(workflow_id, run_id)))
            .cloned()
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "workflow execution with workflow id '{workflow_id}' and run id '{run_id}' \
                     does not exist in namespace '{namespace_id}'"
                ))
            })
    }
}
