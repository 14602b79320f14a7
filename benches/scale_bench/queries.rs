//! The canonical queries, and how many records of the data set each one matches (tallied
//! while the data set is generated, so every result can be checked).

use workflow_visibility::model::time::format_rfc3339;
use workflow_visibility::prelude::*;

use super::dataset::{self, Dataset, KEYWORD_ATTR, MAIN_NS};

/// The workflow type the type query asks for (10% of the records).
pub const TARGET_TYPE: &str = "shipment-tracking";
/// Index of the Keyword value the custom-attribute query asks for.
pub const TARGET_KEYWORD: u64 = 42;
/// Days after the epoch the time-range query starts, and its length.
const RANGE_START_DAYS: i64 = 180;
const RANGE_DAYS: i64 = 7;

/// What a canonical query does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `list_workflow_executions`, first page of 100 in the default order.
    List,
    /// `count_workflow_executions` with `GROUP BY ExecutionStatus`.
    GroupedCount,
}

/// One canonical query on [`MAIN_NS`].
#[derive(Debug, Clone)]
pub struct Canonical {
    pub label: &'static str,
    pub query: String,
    pub kind: Kind,
}

/// The record the workflow-id query looks for: the first one in the main namespace from the
/// middle of the data set on.
fn target_workflow_id(data: &Dataset) -> String {
    (data.n / 2..data.n)
        .map(|i| data.record(i))
        .find(|r| r.namespace_id == MAIN_NS)
        .map(|r| r.workflow_id)
        .expect("the data set has main-namespace records in its second half")
}

fn range() -> (i64, i64) {
    let start = dataset::epoch() + chrono::Duration::days(RANGE_START_DAYS);
    let end = start + chrono::Duration::days(RANGE_DAYS);
    (start.timestamp_micros(), end.timestamp_micros())
}

/// The queries, in report order.
pub fn canonical(data: &Dataset) -> Vec<Canonical> {
    let (from, to) = range();
    let rfc = |us: i64| format_rfc3339(&workflow_visibility::model::time::from_micros(us));
    let list = |label, query: String| Canonical {
        label,
        query,
        kind: Kind::List,
    };
    vec![
        list("namespace only", String::new()),
        list(
            "ExecutionStatus = 'Running'",
            "ExecutionStatus = 'Running'".into(),
        ),
        list(
            "WorkflowType = x",
            format!("WorkflowType = '{TARGET_TYPE}'"),
        ),
        list(
            "WorkflowId = x",
            format!("WorkflowId = '{}'", target_workflow_id(data)),
        ),
        list(
            "CustomKeywordField = x",
            format!(
                "{KEYWORD_ATTR} = '{}'",
                dataset::keyword_value(TARGET_KEYWORD)
            ),
        ),
        list(
            "StartTime range (7 days)",
            format!("StartTime BETWEEN '{}' AND '{}'", rfc(from), rfc(to)),
        ),
        Canonical {
            label: "count GROUP BY ExecutionStatus",
            query: "GROUP BY ExecutionStatus".into(),
            kind: Kind::GroupedCount,
        },
    ]
}

/// Matches per canonical query in the main namespace, plus its status breakdown.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Records in the data set.
    pub total: u64,
    /// Records in the main namespace.
    pub main: u64,
    /// Main-namespace records per status code (index = code - 1).
    pub by_status: [u64; 7],
    /// Matches of each list query, in [`canonical`] order (the last entry, the count, is
    /// `main`).
    pub matches: Vec<u64>,
    workflow_id: String,
}

impl Tally {
    /// An empty tally for `data`'s queries.
    pub fn new(data: &Dataset) -> Tally {
        Tally {
            matches: vec![0; canonical(data).len()],
            workflow_id: target_workflow_id(data),
            ..Tally::default()
        }
    }

    /// Counts one record.
    pub fn add(&mut self, r: &ExecutionRecord) {
        self.total += 1;
        if r.namespace_id != MAIN_NS {
            return;
        }
        self.main += 1;
        self.by_status[usize::try_from(r.status.code() - 1).unwrap()] += 1;
        let (from, to) = range();
        let start = r.start_time.timestamp_micros();
        let keyword = dataset::keyword_value(TARGET_KEYWORD);
        let hits = [
            true,
            r.status == ExecutionStatus::Running,
            r.workflow_type == TARGET_TYPE,
            r.workflow_id == self.workflow_id,
            matches!(r.search_attributes.get(KEYWORD_ATTR),
                Some(SearchAttributeValue::Keyword(k)) if *k == keyword),
            (from..=to).contains(&start),
            true,
        ];
        for (count, hit) in self.matches.iter_mut().zip(hits) {
            *count += u64::from(hit);
        }
    }
}
