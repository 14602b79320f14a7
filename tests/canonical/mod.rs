//! The canonical queries the SQL schemas are indexed for, and a fixture to plan them against.
//!
//! Engine-independent: a test binary loads [`Fixture`] into any store, refreshes the engine's
//! statistics, renders each [`CanonicalQuery`] with the store's public render hook and checks
//! the engine's plan for it (see `tests/postgres_explain.rs`).
//!
//! Include it with `mod canonical;`.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use workflow_visibility::prelude::*;

/// The custom Keyword attribute every namespace of the fixture registers.
pub const KEYWORD: &str = "CustomKeywordField";

/// What a canonical query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One page of a listing in the default order, read from an index in that order: no sort.
    OrderedList,
    /// One page of a listing whose matches are found through indexes and then sorted. Allowed
    /// where finding the matches in order would mean walking the whole namespace (see
    /// [`Fixture::queries`] for which and why).
    SortedList,
    /// A count grouped by `ExecutionStatus`.
    CountByStatus,
}

impl Kind {
    /// Whether the query is a listing (compiled with `QueryPurpose::List`).
    pub fn is_list(self) -> bool {
        self != Kind::CountByStatus
    }
}

/// One canonical query: a name for messages and the List Filter text.
#[derive(Debug, Clone)]
pub struct CanonicalQuery {
    /// Short name, e.g. `namespace + ExecutionStatus`.
    pub name: &'static str,
    /// List Filter text (without the namespace, which every store adds).
    pub filter: String,
    /// What plan it must get.
    pub kind: Kind,
}

/// Page size of the canonical listings.
pub const PAGE_SIZE: usize = 100;

/// Records with different statuses, types, workflow ids, Keyword values and times, spread over
/// several namespaces so that the queried one holds only part of the table.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Namespace ids; the canonical queries target the first.
    pub namespaces: Vec<String>,
    /// Records per namespace.
    pub per_namespace: usize,
}

/// 2026-01-01T00:00:00Z: the fixture's first start time.
pub fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("a valid timestamp")
        .with_timezone(&Utc)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

const CLOSED: [ExecutionStatus; 6] = [
    ExecutionStatus::Completed,
    ExecutionStatus::Failed,
    ExecutionStatus::Canceled,
    ExecutionStatus::Terminated,
    ExecutionStatus::ContinuedAsNew,
    ExecutionStatus::TimedOut,
];

impl Fixture {
    /// `namespaces` namespaces named `<prefix>-<n>` with `per_namespace` records each.
    pub fn new(prefix: &str, namespaces: usize, per_namespace: usize) -> Self {
        Self {
            namespaces: (0..namespaces).map(|n| format!("{prefix}-{n}")).collect(),
            per_namespace,
        }
    }

    /// The namespace the canonical queries read.
    pub fn queried_namespace(&self) -> &str {
        &self.namespaces[0]
    }

    /// Record `j` of namespace `ns`: one in four running; four workflow types; three runs per
    /// workflow id; half the Keyword values shared, the rest spread over twenty; starts every
    /// ten minutes (about a week per thousand records) with closes one to seven hours later.
    pub fn record(&self, ns: &str, j: usize) -> ExecutionRecord {
        // A cheap deterministic scramble, so that neighbouring records differ in every field.
        let mix = (j as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17);
        let start =
            base() + Duration::minutes(10 * j as i64) + Duration::seconds((mix % 600) as i64);
        let mut record = ExecutionRecord::new(
            ns,
            format!("wf-{:04}", j / 3),
            format!("run-{ns}-{j:05}"),
            format!("type-{}", (mix >> 8) % 4),
            start,
        );
        record.task_queue = format!("queue-{}", j % 4);
        record.version = 1;
        record.history_length = (mix % 1000) as i64;
        // Half the records share one value (like an environment name), the rest spread over
        // twenty rarer ones (like customer ids).
        let keyword = if j.is_multiple_of(2) {
            "prod".to_string()
        } else {
            format!("kw-{}", mix % 20)
        };
        record
            .search_attributes
            .insert(KEYWORD.to_string(), SearchAttributeValue::Keyword(keyword));
        if !j.is_multiple_of(4) {
            let status = CLOSED[(mix as usize / 7) % CLOSED.len()];
            record = record.closed(status, start + Duration::hours(1 + (mix % 7) as i64));
        }
        record
    }

    /// The canonical queries, with values that occur in the fixture.
    ///
    /// Listings that must come straight out of an index in the default order: the namespace
    /// alone, and with a status, a workflow type, a workflow id, a StartTime lower bound or a
    /// CloseTime range (each matching more records than a page), and with a custom Keyword,
    /// common or rare (its string rows carry the record's sort key, and their index holds the
    /// rows of one value in the default order).
    ///
    /// Listings whose matches are found through indexes and then sorted: a one-day StartTime
    /// window matches fewer records than a page; sorting those few beats walking the
    /// namespace in order.
    pub fn queries(&self) -> Vec<CanonicalQuery> {
        let day = |d: i64| rfc3339(base() + Duration::days(d));
        let ordered = |name, filter: String| CanonicalQuery {
            name,
            filter,
            kind: Kind::OrderedList,
        };
        let sorted = |name, filter: String| CanonicalQuery {
            name,
            filter,
            kind: Kind::SortedList,
        };
        vec![
            ordered("namespace only", String::new()),
            ordered(
                "namespace + ExecutionStatus",
                "ExecutionStatus = 'Running'".into(),
            ),
            ordered("namespace + WorkflowType", "WorkflowType = 'type-3'".into()),
            ordered("namespace + WorkflowId", "WorkflowId = 'wf-0100'".into()),
            ordered(
                "namespace + StartTime since",
                format!("StartTime >= '{}'", day(3)),
            ),
            ordered(
                "namespace + CloseTime range",
                format!("CloseTime >= '{}' AND CloseTime < '{}'", day(2), day(5)),
            ),
            ordered(
                "namespace + CloseTime since",
                format!("CloseTime >= '{}'", day(7)),
            ),
            ordered(
                "namespace + CloseTime BETWEEN",
                format!("CloseTime BETWEEN '{}' AND '{}'", day(1), day(4)),
            ),
            ordered("namespace + custom Keyword", format!("{KEYWORD} = 'prod'")),
            ordered(
                "namespace + rare custom Keyword",
                format!("{KEYWORD} = 'kw-7'"),
            ),
            sorted(
                "namespace + one-day StartTime range",
                format!("StartTime >= '{}' AND StartTime < '{}'", day(2), day(3)),
            ),
            CanonicalQuery {
                name: "count GROUP BY ExecutionStatus",
                filter: "GROUP BY ExecutionStatus".into(),
                kind: Kind::CountByStatus,
            },
        ]
    }

    /// Registers the Keyword attribute in every namespace and writes every record (started
    /// or closed), a few writes at a time.
    pub async fn load(&self, store: Arc<dyn VisibilityManager>) {
        for ns in &self.namespaces {
            store
                .add_search_attributes(AddSearchAttributesRequest::new(
                    ns.clone(),
                    [(KEYWORD.to_string(), SearchAttributeType::Keyword)],
                ))
                .await
                .unwrap_or_else(|e| panic!("register {KEYWORD} in {ns}: {e}"));
        }
        let records: Vec<ExecutionRecord> = self
            .namespaces
            .iter()
            .flat_map(|ns| (0..self.per_namespace).map(move |j| self.record(ns, j)))
            .collect();
        futures::stream::iter(records)
            .for_each_concurrent(8, |record| {
                let store = store.clone();
                async move {
                    let what = format!("{}/{}", record.namespace_id, record.run_id);
                    let written = if record.status == ExecutionStatus::Running {
                        store
                            .record_workflow_execution_started(RecordStartedRequest::new(record))
                            .await
                    } else {
                        store
                            .record_workflow_execution_closed(RecordClosedRequest::new(record))
                            .await
                    };
                    written.unwrap_or_else(|e| panic!("write {what}: {e}"));
                }
            })
            .await;
    }
}
