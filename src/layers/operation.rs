//! The operations of [`VisibilityManager`](crate::VisibilityManager), for layers.

/// Whether an operation reads, writes or manages the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationKind {
    /// Record/upsert/delete: counted against the write rate limit.
    Write,
    /// Get/list/scan/count: counted against the read rate limit.
    Read,
    /// Search attribute management and close: never rate limited.
    Admin,
}

/// One trait method, named as in the reference server's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are the trait's methods
pub enum Operation {
    RecordWorkflowExecutionStarted,
    RecordWorkflowExecutionClosed,
    UpsertWorkflowExecution,
    DeleteWorkflowExecution,
    GetWorkflowExecution,
    ListWorkflowExecutions,
    ScanWorkflowExecutions,
    CountWorkflowExecutions,
    ListOpenWorkflowExecutions,
    ListClosedWorkflowExecutions,
    ListOpenWorkflowExecutionsByType,
    ListClosedWorkflowExecutionsByType,
    ListOpenWorkflowExecutionsByWorkflowId,
    ListClosedWorkflowExecutionsByWorkflowId,
    ListClosedWorkflowExecutionsByStatus,
    AddSearchAttributes,
    ListSearchAttributes,
    RemoveSearchAttributes,
    Close,
}

impl Operation {
    /// The metric label, e.g. `ListWorkflowExecutions`.
    pub fn name(self) -> &'static str {
        use Operation as O;
        match self {
            O::RecordWorkflowExecutionStarted => "RecordWorkflowExecutionStarted",
            O::RecordWorkflowExecutionClosed => "RecordWorkflowExecutionClosed",
            O::UpsertWorkflowExecution => "UpsertWorkflowExecution",
            O::DeleteWorkflowExecution => "DeleteWorkflowExecution",
            O::GetWorkflowExecution => "GetWorkflowExecution",
            O::ListWorkflowExecutions => "ListWorkflowExecutions",
            O::ScanWorkflowExecutions => "ScanWorkflowExecutions",
            O::CountWorkflowExecutions => "CountWorkflowExecutions",
            O::ListOpenWorkflowExecutions => "ListOpenWorkflowExecutions",
            O::ListClosedWorkflowExecutions => "ListClosedWorkflowExecutions",
            O::ListOpenWorkflowExecutionsByType => "ListOpenWorkflowExecutionsByType",
            O::ListClosedWorkflowExecutionsByType => "ListClosedWorkflowExecutionsByType",
            O::ListOpenWorkflowExecutionsByWorkflowId => "ListOpenWorkflowExecutionsByWorkflowID",
            O::ListClosedWorkflowExecutionsByWorkflowId => {
                "ListClosedWorkflowExecutionsByWorkflowID"
            }
            O::ListClosedWorkflowExecutionsByStatus => "ListClosedWorkflowExecutionsByStatus",
            O::AddSearchAttributes => "AddSearchAttributes",
            O::ListSearchAttributes => "ListSearchAttributes",
            O::RemoveSearchAttributes => "RemoveSearchAttributes",
            O::Close => "Close",
        }
    }

    /// Read, write or admin.
    pub fn kind(self) -> OperationKind {
        use Operation as O;
        match self {
            O::RecordWorkflowExecutionStarted
            | O::RecordWorkflowExecutionClosed
            | O::UpsertWorkflowExecution
            | O::DeleteWorkflowExecution => OperationKind::Write,
            O::AddSearchAttributes
            | O::ListSearchAttributes
            | O::RemoveSearchAttributes
            | O::Close => OperationKind::Admin,
            _ => OperationKind::Read,
        }
    }
}
