//! Pieces every store shares: write preparation (validation and normalisation), field
//! extraction for sort keys, and call timeouts.

use std::future::Future;
use std::time::Duration;

use crate::attributes::{
    NamespaceAttributes, PredefinedAttribute, SearchAttributeLimits, SystemAttribute,
    ValidatedAttribute, validate_search_attributes,
};
use crate::error::Error;
use crate::model::{ExecutionRecord, SearchAttributeValue, time};
use crate::query::ir::{Field, Scalar, SortField};

/// Which write a record arrives with; decides the status checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteKind {
    Started,
    Closed,
    Upsert,
}

/// Close-sort value of running executions: later than every close time.
pub(crate) const RUNNING_CLOSE_SORT: i64 = i64::MAX;

/// A validated, normalised record ready to store. The in-memory store reads only the record;
/// the SQL stores read the rest.
#[derive(Debug, Clone)]
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) struct PreparedRecord {
    /// The record with times truncated to µs, attribute values coerced to their registered
    /// types, empty keyword lists dropped and no namespace name.
    pub record: ExecutionRecord,
    /// The search attributes with their storage ids.
    pub attrs: Vec<ValidatedAttribute>,
    pub start_us: i64,
    pub execution_us: i64,
    pub close_us: Option<i64>,
    pub close_sort: i64,
    pub duration_ns: Option<i64>,
    pub division: Option<String>,
}

fn require_id(value: &str, what: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid_argument(format!("{what} must not be empty")));
    }
    if value.contains('\0') {
        return Err(Error::invalid_argument(format!(
            "{what} contains the character U+0000, which is not allowed"
        )));
    }
    Ok(())
}

/// Checks the identity fields shared by get and delete.
pub(crate) fn check_identity(
    namespace_id: &str,
    workflow_id: &str,
    run_id: &str,
) -> Result<(), Error> {
    require_id(namespace_id, "namespace id")?;
    require_id(workflow_id, "workflow id")?;
    require_id(run_id, "run id")
}

/// Validates and normalises a record for a write.
pub(crate) fn prepare(
    record: ExecutionRecord,
    kind: WriteKind,
    registry: &NamespaceAttributes,
    limits: &SearchAttributeLimits,
) -> Result<PreparedRecord, Error> {
    let mut record = record;
    check_identity(&record.namespace_id, &record.workflow_id, &record.run_id)?;
    if record.version < 0 {
        return Err(Error::invalid_argument(format!(
            "write version must be >= 0, got {}",
            record.version
        )));
    }
    for (what, value) in [
        ("workflow type", &record.workflow_type),
        ("task queue", &record.task_queue),
    ] {
        if value.contains('\0') {
            return Err(Error::invalid_argument(format!(
                "{what} contains the character U+0000, which is not allowed"
            )));
        }
    }
    for (what, r) in [("parent", &record.parent), ("root", &record.root)] {
        if let Some(r) = r {
            require_id(&r.workflow_id, &format!("{what} workflow id"))?;
            require_id(&r.run_id, &format!("{what} run id"))?;
        }
    }
    match kind {
        WriteKind::Started if record.status.is_closed() || record.close_time.is_some() => {
            return Err(Error::invalid_argument(
                "record_workflow_execution_started needs a Running record without a close time",
            ));
        }
        WriteKind::Closed if !record.status.is_closed() || record.close_time.is_none() => {
            return Err(Error::invalid_argument(
                "record_workflow_execution_closed needs a closed status and a close time",
            ));
        }
        _ => {}
    }
    if record.status.is_closed() != record.close_time.is_some() {
        return Err(Error::invalid_argument(format!(
            "status {} is inconsistent with {} close time",
            record.status,
            if record.close_time.is_some() {
                "a"
            } else {
                "no"
            }
        )));
    }
    for (what, v) in [
        ("history length", record.history_length),
        ("history size bytes", record.history_size_bytes),
        ("state transition count", record.state_transition_count),
    ] {
        if v < 0 {
            return Err(Error::invalid_argument(format!(
                "{what} must be >= 0, got {v}"
            )));
        }
    }
    let start_us = time::check_range(&record.start_time, "start time")?;
    let execution_us = time::check_range(&record.execution_time, "execution time")?;
    let close_us = match &record.close_time {
        Some(t) => Some(time::check_range(t, "close time")?),
        None => None,
    };
    record.start_time = time::from_micros(start_us);
    record.execution_time = time::from_micros(execution_us);
    record.close_time = close_us.map(time::from_micros);
    record.namespace_name = None;

    let attrs = validate_search_attributes(&record.search_attributes, registry, limits)?;
    record.search_attributes = attrs
        .iter()
        .map(|a| (a.name.clone(), a.value.clone()))
        .collect();
    let division = attrs.iter().find_map(|a| match &a.value {
        SearchAttributeValue::Keyword(s)
            if a.id == PredefinedAttribute::TemporalNamespaceDivision.id() =>
        {
            Some(s.clone())
        }
        _ => None,
    });
    let duration_ns = record.execution_duration_nanos();
    Ok(PreparedRecord {
        record,
        attrs,
        start_us,
        execution_us,
        close_us,
        close_sort: close_us.unwrap_or(RUNNING_CLOSE_SORT),
        duration_ns,
        division,
    })
}

/// The value of a field of a stored (normalised) record; `None` when missing.
///
/// Text and KeywordList attributes have no scalar value and yield `None`; stores test them
/// through their own word and element storage.
pub(crate) fn field_scalar(
    record: &ExecutionRecord,
    field: &Field,
    registry: &NamespaceAttributes,
) -> Option<Scalar> {
    use SystemAttribute as S;
    let string = |s: &str| Some(Scalar::Str(s.to_string()));
    match field {
        Field::System(s) => match s {
            S::WorkflowId => string(&record.workflow_id),
            S::RunId => string(&record.run_id),
            S::WorkflowType => string(&record.workflow_type),
            S::TaskQueue => string(&record.task_queue),
            S::ParentWorkflowId => record.parent.as_ref().and_then(|p| string(&p.workflow_id)),
            S::ParentRunId => record.parent.as_ref().and_then(|p| string(&p.run_id)),
            S::RootWorkflowId => record.root.as_ref().and_then(|p| string(&p.workflow_id)),
            S::RootRunId => record.root.as_ref().and_then(|p| string(&p.run_id)),
            S::StartTime => Some(Scalar::Time(time::to_micros(&record.start_time))),
            S::ExecutionTime => Some(Scalar::Time(time::to_micros(&record.execution_time))),
            S::CloseTime => record.close_time.map(|t| Scalar::Time(time::to_micros(&t))),
            S::ExecutionStatus => Some(Scalar::Int(record.status.code())),
            S::HistoryLength => Some(Scalar::Int(record.history_length)),
            S::HistorySizeBytes => Some(Scalar::Int(record.history_size_bytes)),
            S::StateTransitionCount => Some(Scalar::Int(record.state_transition_count)),
            S::ExecutionDuration => record.execution_duration_nanos().map(Scalar::Int),
        },
        Field::NamespaceDivision => {
            match record
                .search_attributes
                .get(PredefinedAttribute::TemporalNamespaceDivision.name())
            {
                Some(SearchAttributeValue::Keyword(s) | SearchAttributeValue::Text(s)) => string(s),
                _ => None,
            }
        }
        Field::SearchAttribute { id, .. } => {
            let (name, _) = registry.by_id(*id)?;
            match record.search_attributes.get(name)? {
                SearchAttributeValue::Keyword(s) => string(s),
                SearchAttributeValue::Int(i) => Some(Scalar::Int(*i)),
                SearchAttributeValue::Double(d) => Some(Scalar::Double(*d)),
                SearchAttributeValue::Bool(b) => Some(Scalar::Bool(*b)),
                SearchAttributeValue::Datetime(t) => Some(Scalar::Time(time::to_micros(t))),
                SearchAttributeValue::Text(_) | SearchAttributeValue::KeywordList(_) => None,
            }
        }
    }
}

/// The value a record has for a sort key, as stored in page tokens. `ExecutionStatus` sorts by
/// name, so its sort value is the status's name rank.
pub(crate) fn sort_scalar(
    record: &ExecutionRecord,
    key: &SortField,
    registry: &NamespaceAttributes,
) -> Option<Scalar> {
    match key {
        SortField::CloseTimeRunningFirst => Some(Scalar::Time(
            record
                .close_time
                .map(|t| time::to_micros(&t))
                .unwrap_or(RUNNING_CLOSE_SORT),
        )),
        SortField::Field(Field::System(SystemAttribute::ExecutionStatus)) => {
            Some(Scalar::Int(record.status.name_rank()))
        }
        SortField::Field(f) => field_scalar(record, f, registry),
    }
}

/// Runs `fut`, failing with `Unavailable` after `timeout`. Dropping the inner future on
/// timeout is safe because every store write is a single transaction.
pub(crate) async fn with_timeout<T>(
    timeout: Duration,
    operation: &str,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(result) => result,
        Err(_) => Err(Error::Unavailable(format!(
            "{operation} did not complete within {}",
            humantime::format_duration(timeout)
        ))),
    }
}
