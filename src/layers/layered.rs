//! A wrapper that implements [`VisibilityManager`] by passing every call of an inner store
//! through an [`Intercept`]or, so a layer writes one `around` method instead of twenty
//! forwarding methods.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::layers::Operation;
use crate::manager::{Capabilities, VisibilityManager};
use crate::request::*;

/// What a layer does around each call of the store it wraps.
pub trait Intercept: Send + Sync {
    /// Runs `call` (the inner store's method for `operation`) with the layer's behaviour.
    fn around<T: Send>(
        &self,
        store: &str,
        operation: Operation,
        call: impl Future<Output = Result<T>> + Send,
    ) -> impl Future<Output = Result<T>> + Send;
}

/// A store wrapped by a layer; itself a [`VisibilityManager`].
#[derive(Debug)]
pub struct Layered<I> {
    inner: Arc<dyn VisibilityManager>,
    layer: I,
}

impl<I: Intercept> Layered<I> {
    /// Wraps `inner` in `layer`.
    pub fn new(inner: Arc<dyn VisibilityManager>, layer: I) -> Self {
        Self { inner, layer }
    }

    /// The layer.
    pub fn layer(&self) -> &I {
        &self.layer
    }

    /// The wrapped store.
    pub fn inner(&self) -> &Arc<dyn VisibilityManager> {
        &self.inner
    }
}

impl std::fmt::Debug for dyn VisibilityManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VisibilityManager({})", self.store_name())
    }
}

/// Emits the whole impl (so `async_trait` sees the generated methods) with every method
/// passed through the layer.
macro_rules! layered_impl {
    ($($method:ident($req:ty) -> $ret:ty => $op:ident;)*) => {
        #[async_trait]
        impl<I: Intercept + 'static> VisibilityManager for Layered<I> {
            fn store_name(&self) -> &str {
                self.inner.store_name()
            }

            fn capabilities(&self) -> Capabilities {
                self.inner.capabilities()
            }

            $(
                async fn $method(&self, request: $req) -> Result<$ret> {
                    self.layer
                        .around(self.inner.store_name(), Operation::$op, self.inner.$method(request))
                        .await
                }
            )*

            async fn close(&self) -> Result<()> {
                self.layer
                    .around(self.inner.store_name(), Operation::Close, self.inner.close())
                    .await
            }
        }
    };
}

layered_impl! {
    record_workflow_execution_started(RecordStartedRequest) -> () => RecordWorkflowExecutionStarted;
    record_workflow_execution_closed(RecordClosedRequest) -> () => RecordWorkflowExecutionClosed;
    upsert_workflow_execution(UpsertRequest) -> () => UpsertWorkflowExecution;
    delete_workflow_execution(DeleteRequest) -> () => DeleteWorkflowExecution;
    get_workflow_execution(GetRequest) -> GetResponse => GetWorkflowExecution;
    list_workflow_executions(ListRequest) -> ListResponse => ListWorkflowExecutions;
    scan_workflow_executions(ListRequest) -> ListResponse => ScanWorkflowExecutions;
    count_workflow_executions(CountRequest) -> CountResponse => CountWorkflowExecutions;
    add_search_attributes(AddSearchAttributesRequest) -> () => AddSearchAttributes;
    list_search_attributes(ListSearchAttributesRequest) -> ListSearchAttributesResponse => ListSearchAttributes;
    remove_search_attributes(RemoveSearchAttributesRequest) -> () => RemoveSearchAttributes;
    list_open_workflow_executions(LegacyListRequest) -> ListResponse => ListOpenWorkflowExecutions;
    list_closed_workflow_executions(LegacyListRequest) -> ListResponse => ListClosedWorkflowExecutions;
    list_open_workflow_executions_by_type(ListByTypeRequest) -> ListResponse => ListOpenWorkflowExecutionsByType;
    list_closed_workflow_executions_by_type(ListByTypeRequest) -> ListResponse => ListClosedWorkflowExecutionsByType;
    list_open_workflow_executions_by_workflow_id(ListByWorkflowIdRequest) -> ListResponse => ListOpenWorkflowExecutionsByWorkflowId;
    list_closed_workflow_executions_by_workflow_id(ListByWorkflowIdRequest) -> ListResponse => ListClosedWorkflowExecutionsByWorkflowId;
    list_closed_workflow_executions_by_status(ListClosedByStatusRequest) -> ListResponse => ListClosedWorkflowExecutionsByStatus;
}

/// A shared layer is a layer (so the caller can keep a handle to it, e.g. to read a
/// recorder or flip a switch).
impl<L: Intercept> Intercept for Arc<L> {
    fn around<T: Send>(
        &self,
        store: &str,
        operation: Operation,
        call: impl Future<Output = Result<T>> + Send,
    ) -> impl Future<Output = Result<T>> + Send {
        (**self).around(store, operation, call)
    }
}
