use crate::error::Error;
use crate::model::SearchAttributeType;

/// System attributes: fields of every record, queryable but never settable as search
/// attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemAttribute {
    /// `WorkflowId` (Keyword).
    WorkflowId,
    /// `RunId` (Keyword).
    RunId,
    /// `WorkflowType` (Keyword).
    WorkflowType,
    /// `TaskQueue` (Keyword).
    TaskQueue,
    /// `ParentWorkflowId` (Keyword, missing when there is no parent).
    ParentWorkflowId,
    /// `ParentRunId` (Keyword, missing when there is no parent).
    ParentRunId,
    /// `RootWorkflowId` (Keyword, missing when there is no root).
    RootWorkflowId,
    /// `RootRunId` (Keyword, missing when there is no root).
    RootRunId,
    /// `StartTime` (Datetime).
    StartTime,
    /// `ExecutionTime` (Datetime).
    ExecutionTime,
    /// `CloseTime` (Datetime, missing while running).
    CloseTime,
    /// `ExecutionStatus` (status names or codes 1–7).
    ExecutionStatus,
    /// `HistoryLength` (Int).
    HistoryLength,
    /// `HistorySizeBytes` (Int).
    HistorySizeBytes,
    /// `StateTransitionCount` (Int).
    StateTransitionCount,
    /// `ExecutionDuration` (Int nanoseconds or duration strings; missing while running).
    ExecutionDuration,
}

impl SystemAttribute {
    /// Every system attribute.
    pub const ALL: [SystemAttribute; 16] = [
        SystemAttribute::WorkflowId,
        SystemAttribute::RunId,
        SystemAttribute::WorkflowType,
        SystemAttribute::TaskQueue,
        SystemAttribute::ParentWorkflowId,
        SystemAttribute::ParentRunId,
        SystemAttribute::RootWorkflowId,
        SystemAttribute::RootRunId,
        SystemAttribute::StartTime,
        SystemAttribute::ExecutionTime,
        SystemAttribute::CloseTime,
        SystemAttribute::ExecutionStatus,
        SystemAttribute::HistoryLength,
        SystemAttribute::HistorySizeBytes,
        SystemAttribute::StateTransitionCount,
        SystemAttribute::ExecutionDuration,
    ];

    /// The attribute name as written in queries.
    pub fn name(self) -> &'static str {
        match self {
            SystemAttribute::WorkflowId => "WorkflowId",
            SystemAttribute::RunId => "RunId",
            SystemAttribute::WorkflowType => "WorkflowType",
            SystemAttribute::TaskQueue => "TaskQueue",
            SystemAttribute::ParentWorkflowId => "ParentWorkflowId",
            SystemAttribute::ParentRunId => "ParentRunId",
            SystemAttribute::RootWorkflowId => "RootWorkflowId",
            SystemAttribute::RootRunId => "RootRunId",
            SystemAttribute::StartTime => "StartTime",
            SystemAttribute::ExecutionTime => "ExecutionTime",
            SystemAttribute::CloseTime => "CloseTime",
            SystemAttribute::ExecutionStatus => "ExecutionStatus",
            SystemAttribute::HistoryLength => "HistoryLength",
            SystemAttribute::HistorySizeBytes => "HistorySizeBytes",
            SystemAttribute::StateTransitionCount => "StateTransitionCount",
            SystemAttribute::ExecutionDuration => "ExecutionDuration",
        }
    }

    /// Looks up a system attribute by exact (case-sensitive) name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The search-attribute type used for comparisons. `ExecutionStatus` is reported as
    /// Keyword and `ExecutionDuration` as Int, but both accept extra literal forms.
    pub fn value_type(self) -> SearchAttributeType {
        use SystemAttribute as S;
        match self {
            S::WorkflowId
            | S::RunId
            | S::WorkflowType
            | S::TaskQueue
            | S::ParentWorkflowId
            | S::ParentRunId
            | S::RootWorkflowId
            | S::RootRunId
            | S::ExecutionStatus => SearchAttributeType::Keyword,
            S::StartTime | S::ExecutionTime | S::CloseTime => SearchAttributeType::Datetime,
            S::HistoryLength
            | S::HistorySizeBytes
            | S::StateTransitionCount
            | S::ExecutionDuration => SearchAttributeType::Int,
        }
    }
}

/// Predefined search attributes: present in every namespace, stored with the record's
/// search attributes, settable by writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PredefinedAttribute {
    /// `TemporalChangeVersion` (KeywordList).
    TemporalChangeVersion,
    /// `BinaryChecksums` (KeywordList).
    BinaryChecksums,
    /// `BuildIds` (KeywordList).
    BuildIds,
    /// `BatcherNamespace` (Keyword).
    BatcherNamespace,
    /// `BatcherUser` (Keyword).
    BatcherUser,
    /// `TemporalScheduledById` (Keyword).
    TemporalScheduledById,
    /// `TemporalNamespaceDivision` (Keyword); queries that do not name it only see records
    /// without it.
    TemporalNamespaceDivision,
    /// `TemporalScheduledStartTime` (Datetime).
    TemporalScheduledStartTime,
    /// `TemporalSchedulePaused` (Bool).
    TemporalSchedulePaused,
}

impl PredefinedAttribute {
    /// Every predefined attribute.
    pub const ALL: [PredefinedAttribute; 9] = [
        PredefinedAttribute::TemporalChangeVersion,
        PredefinedAttribute::BinaryChecksums,
        PredefinedAttribute::BuildIds,
        PredefinedAttribute::BatcherNamespace,
        PredefinedAttribute::BatcherUser,
        PredefinedAttribute::TemporalScheduledById,
        PredefinedAttribute::TemporalNamespaceDivision,
        PredefinedAttribute::TemporalScheduledStartTime,
        PredefinedAttribute::TemporalSchedulePaused,
    ];

    /// The attribute name.
    pub fn name(self) -> &'static str {
        match self {
            PredefinedAttribute::TemporalChangeVersion => "TemporalChangeVersion",
            PredefinedAttribute::BinaryChecksums => "BinaryChecksums",
            PredefinedAttribute::BuildIds => "BuildIds",
            PredefinedAttribute::BatcherNamespace => "BatcherNamespace",
            PredefinedAttribute::BatcherUser => "BatcherUser",
            PredefinedAttribute::TemporalScheduledById => "TemporalScheduledById",
            PredefinedAttribute::TemporalNamespaceDivision => "TemporalNamespaceDivision",
            PredefinedAttribute::TemporalScheduledStartTime => "TemporalScheduledStartTime",
            PredefinedAttribute::TemporalSchedulePaused => "TemporalSchedulePaused",
        }
    }

    /// The attribute's type.
    pub fn value_type(self) -> SearchAttributeType {
        use PredefinedAttribute as P;
        match self {
            P::TemporalChangeVersion | P::BinaryChecksums | P::BuildIds => {
                SearchAttributeType::KeywordList
            }
            P::BatcherNamespace
            | P::BatcherUser
            | P::TemporalScheduledById
            | P::TemporalNamespaceDivision => SearchAttributeType::Keyword,
            P::TemporalScheduledStartTime => SearchAttributeType::Datetime,
            P::TemporalSchedulePaused => SearchAttributeType::Bool,
        }
    }

    /// The fixed storage id (negative, so it never collides with custom ids).
    pub fn id(self) -> i64 {
        -1 - Self::ALL.iter().position(|p| *p == self).unwrap_or(0) as i64
    }

    /// Looks up a predefined attribute by exact name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// Looks up a predefined attribute by storage id.
    pub fn from_id(id: i64) -> Option<Self> {
        let idx = usize::try_from(-1 - id).ok()?;
        Self::ALL.get(idx).copied()
    }
}

/// Names that may never be registered: they clash with fields the reference server reserves.
const RESERVED: [&str; 4] = ["NamespaceId", "Memo", "MemoEncoding", "VisibilityTaskKey"];

/// Checks a custom attribute name: `[A-Za-z_][A-Za-z0-9_]{0,63}`, not a system, predefined or
/// reserved name, and not starting with `Temporal`.
pub fn check_custom_name(name: &str) -> Result<(), Error> {
    let mut chars = name.chars();
    let well_formed = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            name.len() <= 64 && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    };
    if !well_formed {
        return Err(Error::invalid_argument(format!(
            "invalid search attribute name '{name}': names must match [A-Za-z_][A-Za-z0-9_]{{0,63}}"
        )));
    }
    if SystemAttribute::from_name(name).is_some() {
        return Err(Error::invalid_argument(format!(
            "'{name}' is a system search attribute and cannot be registered"
        )));
    }
    if PredefinedAttribute::from_name(name).is_some() {
        return Err(Error::invalid_argument(format!(
            "'{name}' is a predefined search attribute and cannot be registered"
        )));
    }
    if name.starts_with("Temporal") || RESERVED.contains(&name) {
        return Err(Error::invalid_argument(format!(
            "'{name}' is a reserved search attribute name (names starting with 'Temporal' and \
             {RESERVED:?} are reserved)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_ids_round_trip() {
        for p in PredefinedAttribute::ALL {
            assert!(p.id() < 0);
            assert_eq!(PredefinedAttribute::from_id(p.id()), Some(p));
        }
        assert_eq!(PredefinedAttribute::from_id(0), None);
        assert_eq!(PredefinedAttribute::from_id(5), None);
    }

    #[test]
    fn custom_names() {
        assert!(check_custom_name("CustomKeywordField").is_ok());
        assert!(check_custom_name("_x9").is_ok());
        assert!(check_custom_name(&"a".repeat(64)).is_ok());
        assert!(check_custom_name(&"a".repeat(65)).is_err());
        assert!(check_custom_name("9abc").is_err());
        assert!(check_custom_name("a-b").is_err());
        assert!(check_custom_name("").is_err());
        assert!(check_custom_name("WorkflowId").is_err());
        assert!(check_custom_name("BuildIds").is_err());
        assert!(check_custom_name("TemporalFoo").is_err());
        assert!(check_custom_name("Memo").is_err());
    }
}
