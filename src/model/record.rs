use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{ExecutionStatus, SearchAttributes};

/// A workflow execution identified by workflow id and run id (used for parent and root).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExecutionRef {
    /// Workflow id.
    pub workflow_id: String,
    /// Run id.
    pub run_id: String,
}

impl ExecutionRef {
    /// A reference to the run `run_id` of workflow `workflow_id`.
    pub fn new(workflow_id: impl Into<String>, run_id: impl Into<String>) -> Self {
        Self {
            workflow_id: workflow_id.into(),
            run_id: run_id.into(),
        }
    }
}

/// An opaque memo: bytes plus the name of their encoding. Stores never look inside.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Memo {
    /// Encoding name, e.g. `"Proto3"`.
    pub encoding: String,
    /// The encoded bytes.
    pub data: Vec<u8>,
}

/// One visibility record: everything a store keeps about a workflow execution.
///
/// A record is identified by `(namespace_id, workflow_id, run_id)`. Timestamps are truncated
/// to microseconds when stored. `version` is the writer's task id and guards against
/// out-of-order writes: a write never replaces a record stored with a higher version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    /// Storage key of the namespace.
    pub namespace_id: String,
    /// Namespace name; per-namespace settings (such as read routing) match names. When
    /// `None`, the id is used. Not persisted: records read back carry `None`.
    pub namespace_name: Option<String>,
    /// Workflow id.
    pub workflow_id: String,
    /// Run id.
    pub run_id: String,
    /// Workflow type name.
    pub workflow_type: String,
    /// When the execution started.
    pub start_time: DateTime<Utc>,
    /// When the execution was (or will be) first scheduled to run.
    pub execution_time: DateTime<Utc>,
    /// When the execution closed; `None` exactly when `status` is `Running`.
    pub close_time: Option<DateTime<Utc>>,
    /// Execution status.
    pub status: ExecutionStatus,
    /// Number of history events.
    pub history_length: i64,
    /// Size of the history in bytes.
    pub history_size_bytes: i64,
    /// Number of state transitions.
    pub state_transition_count: i64,
    /// Task queue name.
    pub task_queue: String,
    /// Parent execution, for child workflows.
    pub parent: Option<ExecutionRef>,
    /// Root execution of the workflow chain.
    pub root: Option<ExecutionRef>,
    /// Opaque memo.
    pub memo: Option<Memo>,
    /// Typed search attributes (system attributes are fields above, not entries here).
    pub search_attributes: SearchAttributes,
    /// Write version (the writer's task id); must be ≥ 0.
    pub version: i64,
}

impl ExecutionRecord {
    /// A running execution with the given identity, type and start time; other fields take
    /// neutral defaults (execution time = start time, empty task queue, version 0).
    pub fn new(
        namespace_id: impl Into<String>,
        workflow_id: impl Into<String>,
        run_id: impl Into<String>,
        workflow_type: impl Into<String>,
        start_time: DateTime<Utc>,
    ) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            namespace_name: None,
            workflow_id: workflow_id.into(),
            run_id: run_id.into(),
            workflow_type: workflow_type.into(),
            start_time,
            execution_time: start_time,
            close_time: None,
            status: ExecutionStatus::Running,
            history_length: 0,
            history_size_bytes: 0,
            state_transition_count: 0,
            task_queue: String::new(),
            parent: None,
            root: None,
            memo: None,
            search_attributes: SearchAttributes::new(),
            version: 0,
        }
    }

    /// The namespace name, falling back to the id.
    pub fn namespace_name(&self) -> &str {
        self.namespace_name.as_deref().unwrap_or(&self.namespace_id)
    }

    /// Close time minus execution time in nanoseconds for closed executions (never negative);
    /// `None` while running.
    pub fn execution_duration_nanos(&self) -> Option<i64> {
        let close = self.close_time?;
        let d = close.signed_duration_since(self.execution_time);
        Some(d.num_nanoseconds().unwrap_or(i64::MAX).max(0))
    }

    /// Marks the record closed with `status` at `close_time`.
    pub fn closed(mut self, status: ExecutionStatus, close_time: DateTime<Utc>) -> Self {
        self.status = status;
        self.close_time = Some(close_time);
        self
    }
}
