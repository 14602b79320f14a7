//! An in-memory store that evaluates the query IR directly.
//!
//! [`InMemoryStore`] implements the whole [`VisibilityManager`] contract without SQL: filters
//! are evaluated on stored records, listings are sorted in memory and paged with the same
//! keyset tokens as the SQL stores. It is the reference the SQL stores are property-tested
//! against, and a convenient fake for users' own tests.

mod eval;
mod order;
mod read;
mod scalar;
mod search_attributes;
mod state;
#[cfg(test)]
mod tests;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::manager::VisibilityManager;
use crate::model::ExecutionRecord;
use crate::options::StoreOptions;
use crate::request::*;
use crate::store::common::{WriteKind, with_timeout};

use read::ReadContext;
use state::State;

/// A complete [`VisibilityManager`] that keeps everything in memory.
///
/// Data lives as long as the store value (share it through an `Arc`). Every call takes one
/// short lock and never awaits while holding it, so calls are cancel-safe: a write is either
/// fully applied or not at all.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use workflow_visibility::prelude::*;
///
/// let store = InMemoryStore::new();
/// let record = ExecutionRecord::new("ns", "wf-1", "run-1", "billing", chrono::Utc::now());
/// store
///     .record_workflow_execution_started(RecordStartedRequest::new(record))
///     .await
///     .unwrap();
/// let got = store
///     .get_workflow_execution(GetRequest::new("ns", "wf-1", "run-1"))
///     .await
///     .unwrap();
/// assert_eq!(got.execution.workflow_type, "billing");
/// # });
/// ```
#[derive(Debug)]
pub struct InMemoryStore {
    name: String,
    options: StoreOptions,
    state: Mutex<State>,
    closed: AtomicBool,
}

impl Default for InMemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl InMemoryStore {
    /// An empty store named `"memory"` with default options.
    pub fn new() -> Self {
        Self::with_options("memory", StoreOptions::default())
    }

    /// An empty store with its own name (used in errors and page tokens) and options.
    pub fn with_options(name: impl Into<String>, options: StoreOptions) -> Self {
        Self {
            name: name.into(),
            options,
            state: Mutex::new(State::default()),
            closed: AtomicBool::new(false),
        }
    }

    /// Runs `f` on the state under the call timeout. The lock is taken and released inside
    /// one synchronous step, so it is never held across an await.
    async fn call<T>(
        &self,
        operation: &str,
        f: impl FnOnce(&mut State, &Self) -> Result<T>,
    ) -> Result<T> {
        with_timeout(self.options.call_timeout, operation, async {
            if self.closed.load(Ordering::Acquire) {
                return Err(Error::Unavailable(format!(
                    "{operation} failed: store '{}' is closed",
                    self.name
                )));
            }
            let mut state = self.state.lock().map_err(|_| {
                Error::Internal(format!(
                    "{operation} failed: the state of store '{}' was poisoned by a panic",
                    self.name
                ))
            })?;
            f(&mut state, self)
        })
        .await
    }

    fn read_context(&self) -> ReadContext<'_> {
        ReadContext {
            store_name: &self.name,
            options: &self.options,
        }
    }

    async fn write(&self, operation: &str, record: ExecutionRecord, kind: WriteKind) -> Result<()> {
        self.call(operation, |state, me| {
            state.write(
                record,
                kind,
                &me.options.search_attribute_limits,
                Instant::now(),
            )
        })
        .await
    }
}

#[async_trait]
impl VisibilityManager for InMemoryStore {
    fn store_name(&self) -> &str {
        &self.name
    }

    async fn record_workflow_execution_started(&self, request: RecordStartedRequest) -> Result<()> {
        self.write(
            "record_workflow_execution_started",
            request.record,
            WriteKind::Started,
        )
        .await
    }

    async fn record_workflow_execution_closed(&self, request: RecordClosedRequest) -> Result<()> {
        self.write(
            "record_workflow_execution_closed",
            request.record,
            WriteKind::Closed,
        )
        .await
    }

    async fn upsert_workflow_execution(&self, request: UpsertRequest) -> Result<()> {
        self.write(
            "upsert_workflow_execution",
            request.record,
            WriteKind::Upsert,
        )
        .await
    }

    async fn delete_workflow_execution(&self, request: DeleteRequest) -> Result<()> {
        self.call("delete_workflow_execution", |state, me| {
            state.delete(
                &request.namespace_id,
                &request.workflow_id,
                &request.run_id,
                request.version,
                Instant::now(),
                me.options.tombstone_window,
            )
        })
        .await
    }

    async fn get_workflow_execution(&self, request: GetRequest) -> Result<GetResponse> {
        self.call("get_workflow_execution", |state, _| {
            state
                .get(&request.namespace_id, &request.workflow_id, &request.run_id)
                .map(GetResponse::new)
        })
        .await
    }

    async fn list_workflow_executions(&self, request: ListRequest) -> Result<ListResponse> {
        self.call("list_workflow_executions", |state, me| {
            read::list(state, &request, &me.read_context())
        })
        .await
    }

    async fn scan_workflow_executions(&self, request: ListRequest) -> Result<ListResponse> {
        self.call("scan_workflow_executions", |state, me| {
            read::scan(state, &request, &me.read_context())
        })
        .await
    }

    async fn count_workflow_executions(&self, request: CountRequest) -> Result<CountResponse> {
        self.call("count_workflow_executions", |state, me| {
            read::count(state, &request, &me.read_context())
        })
        .await
    }

    async fn add_search_attributes(&self, request: AddSearchAttributesRequest) -> Result<()> {
        self.call("add_search_attributes", |state, me| {
            state.add_attributes(
                &request.namespace_id,
                &request.attributes,
                &me.options.search_attribute_limits,
            )
        })
        .await
    }

    async fn list_search_attributes(
        &self,
        request: ListSearchAttributesRequest,
    ) -> Result<ListSearchAttributesResponse> {
        self.call("list_search_attributes", |state, _| {
            Ok(ListSearchAttributesResponse::new(
                state.list_attributes(&request.namespace_id),
            ))
        })
        .await
    }

    async fn remove_search_attributes(&self, request: RemoveSearchAttributesRequest) -> Result<()> {
        self.call("remove_search_attributes", |state, _| {
            state.remove_attributes(&request.namespace_id, &request.names)
        })
        .await
    }

    /// Marks the store closed; later calls fail with `Unavailable`. Closing twice succeeds.
    async fn close(&self) -> Result<()> {
        self.closed.store(true, Ordering::Release);
        Ok(())
    }
}
