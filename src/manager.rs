//! The [`VisibilityManager`] trait every store and layer implements.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::model::time::format_rfc3339;
use crate::request::*;

/// What a store supports. The conformance suite skips a case only through one of these flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// Full List Filter support (every operator on every type, `AND`/`OR`/`NOT`).
    pub filter_queries: bool,
    /// `ORDER BY` in listings.
    pub order_by: bool,
    /// `GROUP BY ExecutionStatus` in counts.
    pub count_group_by: bool,
    /// Custom search attribute registration.
    pub custom_search_attributes: bool,
}

impl Capabilities {
    /// Everything supported (the SQL stores and the in-memory store).
    pub const FULL: Capabilities = Capabilities {
        filter_queries: true,
        order_by: true,
        count_group_by: true,
        custom_search_attributes: true,
    };
}

/// Visibility persistence: record, list, count, scan and manage search attributes.
///
/// Object safe: use it as `Arc<dyn VisibilityManager>`. Every call is cancel-safe (dropping
/// the future leaves the store either unchanged or fully written) and bounded by the store's
/// call timeout, which fails with [`Error::Unavailable`](crate::Error::Unavailable).
///
/// Write rules, identical on every store:
/// * `record_workflow_execution_started` inserts the record if absent and never replaces one;
/// * `record_workflow_execution_closed` and `upsert_workflow_execution` replace the whole record
///   (inserting if absent) unless the stored version is higher; with equal versions the later
///   call wins;
/// * `delete_workflow_execution` removes the record unless its stored version is higher, and
///   leaves a tombstone for the store's tombstone window so that a late write with a lower
///   version does not recreate it; deleting a missing record succeeds.
#[async_trait]
pub trait VisibilityManager: Send + Sync {
    /// The store's name (used in errors, page tokens, metrics).
    fn store_name(&self) -> &str;

    /// What this store supports.
    fn capabilities(&self) -> Capabilities {
        Capabilities::FULL
    }

    /// Records a started execution (insert if absent).
    async fn record_workflow_execution_started(&self, request: RecordStartedRequest) -> Result<()>;

    /// Records a closed execution (version-guarded replace).
    async fn record_workflow_execution_closed(&self, request: RecordClosedRequest) -> Result<()>;

    /// Replaces a record (version-guarded), e.g. after a search attribute update.
    async fn upsert_workflow_execution(&self, request: UpsertRequest) -> Result<()>;

    /// Deletes a record (version-guarded, leaves a tombstone).
    async fn delete_workflow_execution(&self, request: DeleteRequest) -> Result<()>;

    /// Gets one record; `NotFound` unless namespace id, workflow id and run id all match.
    async fn get_workflow_execution(&self, request: GetRequest) -> Result<GetResponse>;

    /// Lists records matching a List Filter in order, one page at a time.
    async fn list_workflow_executions(&self, request: ListRequest) -> Result<ListResponse>;

    /// Iterates over all matching records in no particular order. Every record that exists
    /// for the whole scan is returned exactly once. `ORDER BY` is rejected.
    async fn scan_workflow_executions(&self, request: ListRequest) -> Result<ListResponse>;

    /// Counts matching records, grouped when the query ends with `GROUP BY ExecutionStatus`.
    async fn count_workflow_executions(&self, request: CountRequest) -> Result<CountResponse>;

    /// Registers custom search attributes in a namespace (all or none).
    async fn add_search_attributes(&self, request: AddSearchAttributesRequest) -> Result<()>;

    /// Lists a namespace's custom search attributes.
    async fn list_search_attributes(
        &self,
        request: ListSearchAttributesRequest,
    ) -> Result<ListSearchAttributesResponse>;

    /// Removes custom search attributes from a namespace (all or none). Their stored values
    /// never reappear, even under an attribute registered later with the same name.
    async fn remove_search_attributes(&self, request: RemoveSearchAttributesRequest) -> Result<()>;

    /// Releases the store's resources. Calls made afterwards fail with `Unavailable`.
    async fn close(&self) -> Result<()>;

    /// Open executions whose start time lies in the request's range.
    async fn list_open_workflow_executions(
        &self,
        request: LegacyListRequest,
    ) -> Result<ListResponse> {
        self.list_workflow_executions(legacy_query(&request, true, None))
            .await
    }

    /// Closed executions whose close time lies in the request's range.
    async fn list_closed_workflow_executions(
        &self,
        request: LegacyListRequest,
    ) -> Result<ListResponse> {
        self.list_workflow_executions(legacy_query(&request, false, None))
            .await
    }

    /// Open executions of one workflow type.
    async fn list_open_workflow_executions_by_type(
        &self,
        request: ListByTypeRequest,
    ) -> Result<ListResponse> {
        let extra = format!("WorkflowType = {}", quote(&request.workflow_type));
        self.list_workflow_executions(legacy_query(&request.list, true, Some(extra)))
            .await
    }

    /// Closed executions of one workflow type.
    async fn list_closed_workflow_executions_by_type(
        &self,
        request: ListByTypeRequest,
    ) -> Result<ListResponse> {
        let extra = format!("WorkflowType = {}", quote(&request.workflow_type));
        self.list_workflow_executions(legacy_query(&request.list, false, Some(extra)))
            .await
    }

    /// Open executions of one workflow id.
    async fn list_open_workflow_executions_by_workflow_id(
        &self,
        request: ListByWorkflowIdRequest,
    ) -> Result<ListResponse> {
        let extra = format!("WorkflowId = {}", quote(&request.workflow_id));
        self.list_workflow_executions(legacy_query(&request.list, true, Some(extra)))
            .await
    }

    /// Closed executions of one workflow id.
    async fn list_closed_workflow_executions_by_workflow_id(
        &self,
        request: ListByWorkflowIdRequest,
    ) -> Result<ListResponse> {
        let extra = format!("WorkflowId = {}", quote(&request.workflow_id));
        self.list_workflow_executions(legacy_query(&request.list, false, Some(extra)))
            .await
    }

    /// Closed executions with one status.
    async fn list_closed_workflow_executions_by_status(
        &self,
        request: ListClosedByStatusRequest,
    ) -> Result<ListResponse> {
        let extra = format!("ExecutionStatus = '{}'", request.status.name());
        self.list_workflow_executions(legacy_query(&request.list, false, Some(extra)))
            .await
    }
}

/// Quotes a string as a List Filter literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn time_literal(t: &DateTime<Utc>) -> String {
    quote(&format_rfc3339(t))
}

/// Builds the List Filter behind a legacy listing.
fn legacy_query(request: &LegacyListRequest, open: bool, extra: Option<String>) -> ListRequest {
    let mut clauses = vec![if open {
        "ExecutionStatus = 'Running'".to_string()
    } else {
        "ExecutionStatus != 'Running'".to_string()
    }];
    let time_attr = if open { "StartTime" } else { "CloseTime" };
    if let Some(t) = &request.earliest_time {
        clauses.push(format!("{time_attr} >= {}", time_literal(t)));
    }
    if let Some(t) = &request.latest_time {
        clauses.push(format!("{time_attr} <= {}", time_literal(t)));
    }
    if let Some(d) = &request.namespace_division {
        clauses.push(format!("TemporalNamespaceDivision = {}", quote(d)));
    }
    clauses.extend(extra);
    ListRequest {
        namespace_id: request.namespace_id.clone(),
        namespace_name: request.namespace_name.clone(),
        query: clauses.join(" AND "),
        page_size: request.page_size,
        next_page_token: request.next_page_token.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_quotes_and_backslashes() {
        assert_eq!(quote(r"it's a \ b"), r"'it''s a \\ b'");
    }
}
