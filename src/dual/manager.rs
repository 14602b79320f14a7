//! [`DualVisibilityManager`]: one [`VisibilityManager`] over a primary and a secondary store.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use crate::dual::{FailurePolicy, SettingsHandle, VisibilitySettings, WritingMode};
use crate::error::{Error, ErrorKind, Result};
use crate::layers::{Operation, with_generation};
use crate::manager::{Capabilities, VisibilityManager};
use crate::model::ExecutionRecord;
use crate::page_token::PageToken;
use crate::request::*;

/// Routes every call between a primary and a secondary store by the current
/// [`VisibilitySettings`]:
///
/// * writes go to the primary (`off`), the secondary (`on`) or both concurrently (`dual`);
///   a partial dual failure fails the call naming the store ([`FailurePolicy::FailCall`]) or is
///   counted and logged ([`FailurePolicy::Tolerate`]) — a write that failed on both stores
///   always fails the call;
/// * reads go to exactly one store, chosen per namespace; a next-page token goes back to the
///   store that issued it, even if reads have moved since;
/// * search attribute registration and removal go to both stores whatever the mode (primary
///   first); a re-run repairs a partial failure.
///
/// Each call loads one settings snapshot (lock-free) and uses it throughout.
pub struct DualVisibilityManager {
    primary: Arc<dyn VisibilityManager>,
    secondary: Arc<dyn VisibilityManager>,
    settings: SettingsHandle,
    name: String,
    tolerated_failures: AtomicU64,
}

impl std::fmt::Debug for DualVisibilityManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DualVisibilityManager")
            .field("primary", &self.primary.store_name())
            .field("secondary", &self.secondary.store_name())
            .field("settings", &**self.settings.load())
            .finish()
    }
}

impl DualVisibilityManager {
    /// A dual manager over two stores with distinct names.
    pub fn new(
        primary: Arc<dyn VisibilityManager>,
        secondary: Arc<dyn VisibilityManager>,
        settings: SettingsHandle,
    ) -> Result<Self> {
        if primary.store_name() == secondary.store_name() {
            return Err(Error::invalid_argument(format!(
                "the primary and secondary visibility stores must have different names, both are \
                 '{}'",
                primary.store_name()
            )));
        }
        Ok(Self {
            name: format!("{}+{}", primary.store_name(), secondary.store_name()),
            primary,
            secondary,
            settings,
            tolerated_failures: AtomicU64::new(0),
        })
    }

    /// The settings handle the manager reads.
    pub fn settings(&self) -> &SettingsHandle {
        &self.settings
    }

    /// The primary store.
    pub fn primary(&self) -> &Arc<dyn VisibilityManager> {
        &self.primary
    }

    /// The secondary store.
    pub fn secondary(&self) -> &Arc<dyn VisibilityManager> {
        &self.secondary
    }

    /// Both store names, primary first.
    pub fn store_names(&self) -> [&str; 2] {
        [self.primary.store_name(), self.secondary.store_name()]
    }

    /// The store that serves reads of a namespace now (`namespace_name` defaults to the id).
    pub fn read_store_name(&self, namespace_id: &str, namespace_name: Option<&str>) -> &str {
        let settings = self.settings.load();
        self.read_store(&settings, namespace_id, namespace_name)
            .store_name()
    }

    /// The stores that receive writes now, primary first.
    pub fn write_store_names(&self) -> Vec<&str> {
        self.write_stores(self.settings.load().writing_mode)
            .iter()
            .map(|s| s.store_name())
            .collect()
    }

    /// Dual writes that failed on one store and were tolerated ([`FailurePolicy::Tolerate`]).
    pub fn tolerated_write_failures(&self) -> u64 {
        self.tolerated_failures.load(Ordering::Relaxed)
    }

    fn read_store(
        &self,
        settings: &VisibilitySettings,
        namespace_id: &str,
        namespace_name: Option<&str>,
    ) -> &Arc<dyn VisibilityManager> {
        let name = namespace_name.unwrap_or(namespace_id);
        if settings.reads_from_secondary(namespace_id, name) {
            &self.secondary
        } else {
            &self.primary
        }
    }

    fn write_stores(&self, mode: WritingMode) -> Vec<&Arc<dyn VisibilityManager>> {
        match mode {
            WritingMode::Off => vec![&self.primary],
            WritingMode::On => vec![&self.secondary],
            WritingMode::Dual => vec![&self.primary, &self.secondary],
        }
    }

    /// The store a continuation goes to: the one that issued the token.
    fn token_store(&self, token: &[u8]) -> Result<&Arc<dyn VisibilityManager>> {
        let issuer = PageToken::issuing_store(token)?;
        [&self.primary, &self.secondary]
            .into_iter()
            .find(|s| s.store_name() == issuer)
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "next page token was issued by store '{issuer}', which is no longer \
                     configured (stores: {}, {})",
                    self.primary.store_name(),
                    self.secondary.store_name()
                ))
            })
    }

    async fn read<'a, T, F, Fut>(
        &'a self,
        namespace_id: &str,
        namespace_name: Option<&str>,
        token: Option<&[u8]>,
        call: F,
    ) -> Result<T>
    where
        F: FnOnce(&'a Arc<dyn VisibilityManager>) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let settings = self.settings.load_full();
        let store = match token {
            Some(t) => self.token_store(t)?,
            None => self.read_store(&settings, namespace_id, namespace_name),
        };
        with_generation(settings.generation, call(store)).await
    }

    async fn write<'a, F, Fut>(
        &'a self,
        operation: Operation,
        record: &RecordKey,
        call: F,
    ) -> Result<()>
    where
        F: Fn(&'a Arc<dyn VisibilityManager>) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let settings = self.settings.load_full();
        let generation = settings.generation;
        match settings.writing_mode {
            WritingMode::Off => with_generation(generation, call(&self.primary)).await,
            WritingMode::On => with_generation(generation, call(&self.secondary)).await,
            WritingMode::Dual => {
                let (p, s) = with_generation(generation, async {
                    futures::join!(call(&self.primary), call(&self.secondary))
                })
                .await;
                self.settle(operation, record, settings.failure_policy, p, s)
            }
        }
    }

    /// Combines the results of a dual write.
    fn settle(
        &self,
        operation: Operation,
        record: &RecordKey,
        policy: FailurePolicy,
        primary: Result<()>,
        secondary: Result<()>,
    ) -> Result<()> {
        let (failed, error) = match (primary, secondary) {
            (Ok(()), Ok(())) => return Ok(()),
            (Err(p), Err(s)) => {
                let also = format!("store '{}' also failed: {s}", self.secondary.store_name());
                return Err(p.context(format!("store '{}' ({also})", self.primary.store_name())));
            }
            (Err(e), Ok(())) => (&self.primary, e),
            (Ok(()), Err(e)) => (&self.secondary, e),
        };
        let store = failed.store_name();
        // Bad input fails on both stores alike; never hide it behind the policy.
        if policy == FailurePolicy::FailCall || error.kind() == ErrorKind::InvalidArgument {
            return Err(error.context(format!("store '{store}'")));
        }
        self.tolerated_failures.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(
            "visibility_dual_write_failures",
            "store" => store.to_string(),
            "operation" => operation.name()
        )
        .increment(1);
        tracing::warn!(
            store,
            operation = operation.name(),
            namespace_id = %record.namespace_id,
            workflow_id = %record.workflow_id,
            run_id = %record.run_id,
            error = %error,
            "tolerated a failed dual visibility write"
        );
        Ok(())
    }

    /// How a failure on one store of a two-store registration is reported: on the secondary,
    /// after the primary changed, it says a re-run repairs it.
    fn registration_error(&self, second: bool, what: &str, store: &str, e: Error) -> Error {
        if second {
            e.context(format!(
                "{what} in store '{}' but not in store '{store}'; run it again to repair",
                self.primary.store_name()
            ))
        } else {
            e.context(format!("store '{store}'"))
        }
    }

    async fn add_attributes(&self, request: AddSearchAttributesRequest) -> Result<()> {
        let ns = &request.namespace_id;
        let mut added_somewhere = false;
        for (i, store) in [&self.primary, &self.secondary].into_iter().enumerate() {
            let name = store.store_name();
            let fail = |e| self.registration_error(i == 1, "registered", name, e);
            let existing = store
                .list_search_attributes(ListSearchAttributesRequest::new(ns.clone()))
                .await
                .map_err(fail)?
                .custom;
            let mut missing = BTreeMap::new();
            for (attr, ty) in &request.attributes {
                match existing.get(attr) {
                    Some(t) if t != ty => {
                        return Err(Error::AlreadyExists(format!(
                            "search attribute {attr} is registered in store '{name}' with type \
                             {t}, not {ty}"
                        )));
                    }
                    Some(_) => {}
                    None => {
                        missing.insert(attr.clone(), *ty);
                    }
                }
            }
            if missing.is_empty() {
                continue;
            }
            store
                .add_search_attributes(AddSearchAttributesRequest::new(ns.clone(), missing))
                .await
                .map_err(fail)?;
            added_somewhere = true;
        }
        if added_somewhere {
            Ok(())
        } else {
            Err(Error::AlreadyExists(format!(
                "search attributes {:?} are already registered in namespace {ns} in both stores",
                request.attributes.keys().collect::<Vec<_>>()
            )))
        }
    }

    async fn remove_attributes(&self, request: RemoveSearchAttributesRequest) -> Result<()> {
        let ns = &request.namespace_id;
        let mut registered = Vec::with_capacity(2);
        for store in [&self.primary, &self.secondary] {
            let existing = store
                .list_search_attributes(ListSearchAttributesRequest::new(ns.clone()))
                .await
                .map_err(|e| e.context(format!("store '{}'", store.store_name())))?
                .custom;
            registered.push(existing);
        }
        for name in &request.names {
            if registered.iter().all(|r| !r.contains_key(name)) {
                return Err(Error::NotFound(format!(
                    "search attribute {name} is not registered in namespace {ns} in either store"
                )));
            }
        }
        for (i, (store, existing)) in [&self.primary, &self.secondary]
            .into_iter()
            .zip(&registered)
            .enumerate()
        {
            let present: Vec<String> = request
                .names
                .iter()
                .filter(|n| existing.contains_key(*n))
                .cloned()
                .collect();
            if present.is_empty() {
                continue;
            }
            let name = store.store_name();
            store
                .remove_search_attributes(RemoveSearchAttributesRequest::new(ns.clone(), present))
                .await
                .map_err(|e| self.registration_error(i == 1, "removed", name, e))?;
        }
        Ok(())
    }
}

/// Identity of the record a write is about, for logs.
struct RecordKey {
    namespace_id: String,
    workflow_id: String,
    run_id: String,
}

impl RecordKey {
    fn of(r: &ExecutionRecord) -> Self {
        Self {
            namespace_id: r.namespace_id.clone(),
            workflow_id: r.workflow_id.clone(),
            run_id: r.run_id.clone(),
        }
    }
}

#[async_trait]
impl VisibilityManager for DualVisibilityManager {
    fn store_name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        let (p, s) = (self.primary.capabilities(), self.secondary.capabilities());
        Capabilities {
            filter_queries: p.filter_queries && s.filter_queries,
            order_by: p.order_by && s.order_by,
            count_group_by: p.count_group_by && s.count_group_by,
            custom_search_attributes: p.custom_search_attributes && s.custom_search_attributes,
        }
    }

    async fn record_workflow_execution_started(&self, request: RecordStartedRequest) -> Result<()> {
        let key = RecordKey::of(&request.record);
        self.write(Operation::RecordWorkflowExecutionStarted, &key, |s| {
            s.record_workflow_execution_started(request.clone())
        })
        .await
    }

    async fn record_workflow_execution_closed(&self, request: RecordClosedRequest) -> Result<()> {
        let key = RecordKey::of(&request.record);
        self.write(Operation::RecordWorkflowExecutionClosed, &key, |s| {
            s.record_workflow_execution_closed(request.clone())
        })
        .await
    }

    async fn upsert_workflow_execution(&self, request: UpsertRequest) -> Result<()> {
        let key = RecordKey::of(&request.record);
        self.write(Operation::UpsertWorkflowExecution, &key, |s| {
            s.upsert_workflow_execution(request.clone())
        })
        .await
    }

    async fn delete_workflow_execution(&self, request: DeleteRequest) -> Result<()> {
        let key = RecordKey {
            namespace_id: request.namespace_id.clone(),
            workflow_id: request.workflow_id.clone(),
            run_id: request.run_id.clone(),
        };
        self.write(Operation::DeleteWorkflowExecution, &key, |s| {
            s.delete_workflow_execution(request.clone())
        })
        .await
    }

    async fn get_workflow_execution(&self, request: GetRequest) -> Result<GetResponse> {
        let ns = request.namespace_id.clone();
        self.read(&ns, None, None, |s| s.get_workflow_execution(request))
            .await
    }

    async fn list_workflow_executions(&self, request: ListRequest) -> Result<ListResponse> {
        let (ns, name, token) = (
            request.namespace_id.clone(),
            request.namespace_name.clone(),
            request.next_page_token.clone(),
        );
        self.read(&ns, name.as_deref(), token.as_deref(), |s| {
            s.list_workflow_executions(request)
        })
        .await
    }

    async fn scan_workflow_executions(&self, request: ListRequest) -> Result<ListResponse> {
        let (ns, name, token) = (
            request.namespace_id.clone(),
            request.namespace_name.clone(),
            request.next_page_token.clone(),
        );
        self.read(&ns, name.as_deref(), token.as_deref(), |s| {
            s.scan_workflow_executions(request)
        })
        .await
    }

    async fn count_workflow_executions(&self, request: CountRequest) -> Result<CountResponse> {
        let (ns, name) = (request.namespace_id.clone(), request.namespace_name.clone());
        self.read(&ns, name.as_deref(), None, |s| {
            s.count_workflow_executions(request)
        })
        .await
    }

    async fn add_search_attributes(&self, request: AddSearchAttributesRequest) -> Result<()> {
        let generation = self.settings.load().generation;
        with_generation(generation, self.add_attributes(request)).await
    }

    async fn list_search_attributes(
        &self,
        request: ListSearchAttributesRequest,
    ) -> Result<ListSearchAttributesResponse> {
        let ns = request.namespace_id.clone();
        self.read(&ns, None, None, |s| s.list_search_attributes(request))
            .await
    }

    async fn remove_search_attributes(&self, request: RemoveSearchAttributesRequest) -> Result<()> {
        let generation = self.settings.load().generation;
        with_generation(generation, self.remove_attributes(request)).await
    }

    async fn close(&self) -> Result<()> {
        let (p, s) = futures::join!(self.primary.close(), self.secondary.close());
        p.and(s)
    }
}
