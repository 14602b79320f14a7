//! Request and response types of [`VisibilityManager`](crate::VisibilityManager).
//!
//! Requests are `#[non_exhaustive]` so fields can be added without breaking callers: build them
//! with their `new` constructor and the chainable setters.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::model::{ExecutionRecord, ExecutionStatus, SearchAttributeType, SearchAttributeValue};

macro_rules! record_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            /// The record to write.
            pub record: ExecutionRecord,
        }

        impl $name {
            /// A request writing `record`.
            pub fn new(record: ExecutionRecord) -> Self {
                Self { record }
            }
        }
    };
}

record_request!(
    /// Records a started execution: inserts the record if absent, never replaces one.
    /// The record must be `Running` without a close time.
    RecordStartedRequest
);
record_request!(
    /// Records a closed execution: replaces the whole record (inserting if absent) unless the
    /// stored version is higher. The record must be closed and carry a close time.
    RecordClosedRequest
);
record_request!(
    /// Replaces the whole record (inserting if absent) unless the stored version is higher.
    UpsertRequest
);

/// Identity of one record plus optional time hints some stores use to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetRequest {
    /// Namespace id.
    pub namespace_id: String,
    /// Workflow id.
    pub workflow_id: String,
    /// Run id.
    pub run_id: String,
    /// Start-time hint (used by stores partitioned by time; ignored by others).
    pub start_time: Option<DateTime<Utc>>,
    /// Close-time hint (used by stores partitioned by time; ignored by others).
    pub close_time: Option<DateTime<Utc>>,
}

impl GetRequest {
    /// Gets run `run_id` of workflow `workflow_id` in namespace `namespace_id`.
    pub fn new(
        namespace_id: impl Into<String>,
        workflow_id: impl Into<String>,
        run_id: impl Into<String>,
    ) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            workflow_id: workflow_id.into(),
            run_id: run_id.into(),
            start_time: None,
            close_time: None,
        }
    }

    /// Sets the start-time hint.
    pub fn start_time(mut self, t: DateTime<Utc>) -> Self {
        self.start_time = Some(t);
        self
    }

    /// Sets the close-time hint.
    pub fn close_time(mut self, t: DateTime<Utc>) -> Self {
        self.close_time = Some(t);
        self
    }
}

/// Deletes one record, leaving a tombstone that stops lower-version writes from recreating it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeleteRequest {
    /// Namespace id.
    pub namespace_id: String,
    /// Workflow id.
    pub workflow_id: String,
    /// Run id.
    pub run_id: String,
    /// Version of the delete (the writer's task id); a stored record with a higher version
    /// is kept.
    pub version: i64,
    /// Start-time hint.
    pub start_time: Option<DateTime<Utc>>,
    /// Close-time hint.
    pub close_time: Option<DateTime<Utc>>,
}

impl DeleteRequest {
    /// Deletes run `run_id` of workflow `workflow_id` at write version `version`.
    pub fn new(
        namespace_id: impl Into<String>,
        workflow_id: impl Into<String>,
        run_id: impl Into<String>,
        version: i64,
    ) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            workflow_id: workflow_id.into(),
            run_id: run_id.into(),
            version,
            start_time: None,
            close_time: None,
        }
    }

    /// Sets the start-time hint.
    pub fn start_time(mut self, t: DateTime<Utc>) -> Self {
        self.start_time = Some(t);
        self
    }

    /// Sets the close-time hint.
    pub fn close_time(mut self, t: DateTime<Utc>) -> Self {
        self.close_time = Some(t);
        self
    }
}

/// The result of a get.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GetResponse {
    /// The record.
    pub execution: ExecutionRecord,
}

impl GetResponse {
    /// Wraps a record.
    pub fn new(execution: ExecutionRecord) -> Self {
        Self { execution }
    }
}

/// Lists (or scans) the records of a namespace matching a List Filter.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListRequest {
    /// Namespace id: the records searched.
    pub namespace_id: String,
    /// Namespace name, for per-namespace settings; defaults to the id.
    pub namespace_name: Option<String>,
    /// List Filter; empty matches everything.
    pub query: String,
    /// Page size; values outside `1..=cap` are clamped (the cap is a store option).
    pub page_size: usize,
    /// Token from the previous page's response.
    pub next_page_token: Option<Vec<u8>>,
}

impl ListRequest {
    /// Lists namespace `namespace_id` with an empty filter and page size 100.
    pub fn new(namespace_id: impl Into<String>) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            namespace_name: None,
            query: String::new(),
            page_size: 100,
            next_page_token: None,
        }
    }

    /// Sets the List Filter.
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// Sets the page size.
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size;
        self
    }

    /// Continues after a previous page.
    pub fn next_page_token(mut self, token: Option<Vec<u8>>) -> Self {
        self.next_page_token = token;
        self
    }

    /// Sets the namespace name.
    pub fn namespace_name(mut self, name: impl Into<String>) -> Self {
        self.namespace_name = Some(name.into());
        self
    }
}

/// One page of records.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ListResponse {
    /// The records of this page.
    pub executions: Vec<ExecutionRecord>,
    /// Present exactly when more records remain.
    pub next_page_token: Option<Vec<u8>>,
}

impl ListResponse {
    /// A page.
    pub fn new(executions: Vec<ExecutionRecord>, next_page_token: Option<Vec<u8>>) -> Self {
        Self {
            executions,
            next_page_token,
        }
    }
}

/// Counts the records of a namespace matching a List Filter, optionally grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CountRequest {
    /// Namespace id.
    pub namespace_id: String,
    /// Namespace name; defaults to the id.
    pub namespace_name: Option<String>,
    /// List Filter; may end with `GROUP BY ExecutionStatus`.
    pub query: String,
}

impl CountRequest {
    /// Counts everything in namespace `namespace_id`.
    pub fn new(namespace_id: impl Into<String>) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            namespace_name: None,
            query: String::new(),
        }
    }

    /// Sets the List Filter.
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// Sets the namespace name.
    pub fn namespace_name(mut self, name: impl Into<String>) -> Self {
        self.namespace_name = Some(name.into());
        self
    }
}

/// One group of a grouped count.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CountGroup {
    /// The group's values, one per `GROUP BY` field (a status name for `ExecutionStatus`).
    pub values: Vec<SearchAttributeValue>,
    /// Records in the group.
    pub count: i64,
}

impl CountGroup {
    /// A group.
    pub fn new(values: Vec<SearchAttributeValue>, count: i64) -> Self {
        Self { values, count }
    }
}

/// The result of a count.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct CountResponse {
    /// Total matching records (the sum of the groups when grouped).
    pub count: i64,
    /// Groups, in no particular order; empty unless the query has `GROUP BY`.
    pub groups: Vec<CountGroup>,
}

impl CountResponse {
    /// A count result.
    pub fn new(count: i64, groups: Vec<CountGroup>) -> Self {
        Self { count, groups }
    }
}

/// Common part of the legacy listings: a namespace, an optional time range and paging.
///
/// Open listings bound the start time, closed listings the close time; both bounds are
/// inclusive. `namespace_division` selects records of that division (default: records
/// without one).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LegacyListRequest {
    /// Namespace id.
    pub namespace_id: String,
    /// Namespace name; defaults to the id.
    pub namespace_name: Option<String>,
    /// `TemporalNamespaceDivision` to list; `None` lists records without one.
    pub namespace_division: Option<String>,
    /// Earliest start (open) or close (closed) time, inclusive.
    pub earliest_time: Option<DateTime<Utc>>,
    /// Latest start (open) or close (closed) time, inclusive.
    pub latest_time: Option<DateTime<Utc>>,
    /// Page size (clamped like [`ListRequest::page_size`]).
    pub page_size: usize,
    /// Token from the previous page.
    pub next_page_token: Option<Vec<u8>>,
}

impl LegacyListRequest {
    /// Lists namespace `namespace_id` over all times, 100 per page.
    pub fn new(namespace_id: impl Into<String>) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            namespace_name: None,
            namespace_division: None,
            earliest_time: None,
            latest_time: None,
            page_size: 100,
            next_page_token: None,
        }
    }

    /// Sets the inclusive time range.
    pub fn time_range(mut self, earliest: DateTime<Utc>, latest: DateTime<Utc>) -> Self {
        self.earliest_time = Some(earliest);
        self.latest_time = Some(latest);
        self
    }

    /// Sets the page size.
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size;
        self
    }

    /// Continues after a previous page.
    pub fn next_page_token(mut self, token: Option<Vec<u8>>) -> Self {
        self.next_page_token = token;
        self
    }

    /// Lists records of a namespace division instead of records without one.
    pub fn namespace_division(mut self, division: impl Into<String>) -> Self {
        self.namespace_division = Some(division.into());
        self
    }
}

/// Registers custom search attributes in a namespace (all or none).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddSearchAttributesRequest {
    /// Namespace id.
    pub namespace_id: String,
    /// Name → type of each attribute to register.
    pub attributes: BTreeMap<String, SearchAttributeType>,
}

impl AddSearchAttributesRequest {
    /// Registers `attributes` in namespace `namespace_id`.
    pub fn new(
        namespace_id: impl Into<String>,
        attributes: impl IntoIterator<Item = (String, SearchAttributeType)>,
    ) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            attributes: attributes.into_iter().collect(),
        }
    }
}

/// Removes custom search attributes from a namespace (all or none).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoveSearchAttributesRequest {
    /// Namespace id.
    pub namespace_id: String,
    /// Names to remove.
    pub names: Vec<String>,
}

impl RemoveSearchAttributesRequest {
    /// Removes `names` from namespace `namespace_id`.
    pub fn new(
        namespace_id: impl Into<String>,
        names: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            namespace_id: namespace_id.into(),
            names: names.into_iter().map(Into::into).collect(),
        }
    }
}

/// Lists the custom search attributes of a namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListSearchAttributesRequest {
    /// Namespace id.
    pub namespace_id: String,
}

impl ListSearchAttributesRequest {
    /// Lists namespace `namespace_id`.
    pub fn new(namespace_id: impl Into<String>) -> Self {
        Self {
            namespace_id: namespace_id.into(),
        }
    }
}

/// The custom search attributes of a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ListSearchAttributesResponse {
    /// Name → type of every registered custom attribute.
    pub custom: BTreeMap<String, SearchAttributeType>,
}

impl ListSearchAttributesResponse {
    /// A response.
    pub fn new(custom: BTreeMap<String, SearchAttributeType>) -> Self {
        Self { custom }
    }
}

/// Filters for the legacy "closed by status" listing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListClosedByStatusRequest {
    /// Namespace, time range and paging.
    pub list: LegacyListRequest,
    /// Status to list (a closed status).
    pub status: ExecutionStatus,
}

impl ListClosedByStatusRequest {
    /// Lists closed executions with `status`.
    pub fn new(list: LegacyListRequest, status: ExecutionStatus) -> Self {
        Self { list, status }
    }
}

/// Filters for the legacy "by workflow type" listings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListByTypeRequest {
    /// Namespace, time range and paging.
    pub list: LegacyListRequest,
    /// Workflow type name.
    pub workflow_type: String,
}

impl ListByTypeRequest {
    /// Lists executions of `workflow_type`.
    pub fn new(list: LegacyListRequest, workflow_type: impl Into<String>) -> Self {
        Self {
            list,
            workflow_type: workflow_type.into(),
        }
    }
}

/// Filters for the legacy "by workflow id" listings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListByWorkflowIdRequest {
    /// Namespace, time range and paging.
    pub list: LegacyListRequest,
    /// Workflow id.
    pub workflow_id: String,
}

impl ListByWorkflowIdRequest {
    /// Lists executions of `workflow_id`.
    pub fn new(list: LegacyListRequest, workflow_id: impl Into<String>) -> Self {
        Self {
            list,
            workflow_id: workflow_id.into(),
        }
    }
}
