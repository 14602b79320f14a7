//! Where each field lives in the SQL layout (see `schema/<db>/visibility/schema.sql`).

use crate::attributes::SystemAttribute;
use crate::model::SearchAttributeType;

/// The side table holding values of a search attribute type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueTable {
    /// `sa_string`: Keyword values, KeywordList elements, Text words.
    String,
    /// `sa_int`: Int, Bool (0/1), Datetime (µs).
    Int,
    /// `sa_double`: Double.
    Double,
}

impl ValueTable {
    pub fn name(self) -> &'static str {
        match self {
            ValueTable::String => "sa_string",
            ValueTable::Int => "sa_int",
            ValueTable::Double => "sa_double",
        }
    }
}

pub(crate) fn value_table(ty: SearchAttributeType) -> ValueTable {
    match ty {
        SearchAttributeType::Keyword
        | SearchAttributeType::Text
        | SearchAttributeType::KeywordList => ValueTable::String,
        SearchAttributeType::Int | SearchAttributeType::Bool | SearchAttributeType::Datetime => {
            ValueTable::Int
        }
        SearchAttributeType::Double => ValueTable::Double,
    }
}

/// Column of a system attribute on the `executions` table (alias `e`).
pub(crate) fn system_column(attr: SystemAttribute) -> &'static str {
    use SystemAttribute as S;
    match attr {
        S::WorkflowId => "e.workflow_id",
        S::RunId => "e.run_id",
        S::WorkflowType => "e.workflow_type",
        S::TaskQueue => "e.task_queue",
        S::ParentWorkflowId => "e.parent_workflow_id",
        S::ParentRunId => "e.parent_run_id",
        S::RootWorkflowId => "e.root_workflow_id",
        S::RootRunId => "e.root_run_id",
        S::StartTime => "e.start_time",
        S::ExecutionTime => "e.execution_time",
        S::CloseTime => "e.close_time",
        S::ExecutionStatus => "e.status",
        S::HistoryLength => "e.history_length",
        S::HistorySizeBytes => "e.history_size_bytes",
        S::StateTransitionCount => "e.state_transition_count",
        S::ExecutionDuration => "e.execution_duration",
    }
}

/// Columns read for a record, in the order the row decoders expect.
pub(crate) const SELECT_COLUMNS: &str = "e.namespace_id, e.workflow_id, e.run_id, \
     e.workflow_type, e.start_time, e.execution_time, e.close_time, e.status, e.history_length, \
     e.history_size_bytes, e.state_transition_count, e.task_queue, e.parent_workflow_id, \
     e.parent_run_id, e.root_workflow_id, e.root_run_id, e.memo, e.memo_encoding, \
     e.search_attributes, e.version";
