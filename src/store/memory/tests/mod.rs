//! Unit tests of the in-memory store. Queries are built as IR by hand so evaluation is
//! tested independently of the parser.

mod attributes;
mod eval;
mod order;
mod paging;
mod writes;

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};

use super::read::{self, ReadContext};
use super::state::State;
use crate::attributes::SearchAttributeLimits;
use crate::model::{ExecutionRecord, ExecutionStatus, SearchAttributeType, SearchAttributeValue};
use crate::options::StoreOptions;
use crate::query::ir::{Expr, Field, Predicate, Query, SortField, SortKey, Test};
use crate::request::{ListRequest, ListResponse};
use crate::store::common::WriteKind;

/// The namespace most tests use.
const NS: &str = "ns";

/// A fixed instant plus `secs` seconds.
fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

/// A running record in [`NS`] started at `at(start)`.
fn running(workflow_id: &str, run_id: &str, start: i64) -> ExecutionRecord {
    ExecutionRecord::new(NS, workflow_id, run_id, "wt", at(start))
}

/// A record in [`NS`] closed with `status` at `at(close)`.
fn closed(
    workflow_id: &str,
    run_id: &str,
    start: i64,
    close: i64,
    status: ExecutionStatus,
) -> ExecutionRecord {
    running(workflow_id, run_id, start).closed(status, at(close))
}

/// Adds a search attribute value to a record.
fn with(mut record: ExecutionRecord, name: &str, value: SearchAttributeValue) -> ExecutionRecord {
    record.search_attributes.insert(name.to_string(), value);
    record
}

/// A state with custom attributes registered in [`NS`].
fn state_with(attributes: &[(&str, SearchAttributeType)]) -> State {
    let mut state = State::default();
    let map: BTreeMap<String, SearchAttributeType> = attributes
        .iter()
        .map(|(n, t)| (n.to_string(), *t))
        .collect();
    state
        .add_attributes(NS, &map, &SearchAttributeLimits::default())
        .unwrap();
    state
}

/// Stores `record` with an upsert (which accepts running and closed records alike).
fn put(state: &mut State, record: ExecutionRecord) {
    state
        .write(
            record,
            WriteKind::Upsert,
            &SearchAttributeLimits::default(),
            Instant::now(),
        )
        .unwrap();
}

/// The IR field of a registered custom attribute.
fn custom(state: &State, name: &str) -> Field {
    let def = state
        .registry(NS)
        .custom(name)
        .expect("attribute registered");
    Field::SearchAttribute {
        id: def.id,
        ty: def.ty,
    }
}

/// A single-test expression.
fn pred(field: Field, test: Test) -> Expr {
    Expr::Pred(Predicate { field, test })
}

/// A listing query with `filter` and explicit sort keys.
fn query(filter: Expr, order_by: Vec<SortKey>) -> Query {
    Query {
        filter,
        order_by,
        group_by: None,
    }
}

/// An explicit sort key on a field.
fn by(field: Field, descending: bool) -> SortKey {
    SortKey {
        key: SortField::Field(field),
        descending,
    }
}

/// Lists one page under default options with store name "memory".
fn list_page(
    state: &State,
    q: &Query,
    page_size: usize,
    token: Option<Vec<u8>>,
) -> crate::Result<ListResponse> {
    let options = StoreOptions::default();
    let ctx = ReadContext {
        store_name: "memory",
        options: &options,
    };
    let request = ListRequest::new(NS)
        .query("hand-built")
        .page_size(page_size)
        .next_page_token(token);
    read::list_compiled(state, &request, q, &ctx)
}

/// Run ids of a whole listing, in order.
fn list_runs(state: &State, q: &Query) -> Vec<String> {
    let page = list_page(state, q, 1000, None).unwrap();
    assert!(page.next_page_token.is_none());
    page.executions.into_iter().map(|r| r.run_id).collect()
}

/// Run ids of every page of a listing at `page_size`, checking the token contract.
fn list_runs_paged(state: &State, q: &Query, page_size: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = list_page(state, q, page_size, token).unwrap();
        assert!(page.executions.len() <= page_size);
        out.extend(page.executions.into_iter().map(|r| r.run_id));
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}
