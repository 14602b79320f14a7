//! Queries over one namespace: ordered listing, scan and count.

use std::cmp::Ordering;
use std::ops::Bound;

use crate::attributes::SystemAttribute;
use crate::error::Error;
use crate::model::{ExecutionRecord, ExecutionStatus, SearchAttributeValue};
use crate::options::StoreOptions;
use crate::page_token::{PageToken, TokenKind, fingerprint};
use crate::query::ir::{Field, Query, Scalar};
use crate::query::{QueryPurpose, compile};
use crate::request::{CountGroup, CountRequest, CountResponse, ListRequest, ListResponse};

use super::eval::matches;
use super::order::{SortValues, compare_sort_values, sort_values};
use super::state::{RecordKey, State};

/// What a query needs from the store besides its data.
pub(super) struct ReadContext<'a> {
    /// Issuer name written into (and required of) page tokens.
    pub store_name: &'a str,
    /// Page-size cap and query limits.
    pub options: &'a StoreOptions,
}

/// The records of a namespace matching a compiled query, in scan order from `start`.
fn matching<'s>(
    state: &'s State,
    namespace_id: &str,
    query: &'s Query,
    start: Bound<RecordKey>,
) -> impl Iterator<Item = (&'s RecordKey, &'s ExecutionRecord)> {
    let registry = state.registry(namespace_id);
    state
        .namespaces
        .get(namespace_id)
        .into_iter()
        .flat_map(move |ns| ns.records.range((start.clone(), Bound::Unbounded)))
        .filter(move |(_, r)| matches(&query.filter, r, registry))
}

/// One page of an ordered listing. The token carries the sort values of the page's last
/// record; the next page starts strictly after them, so records inserted or deleted between
/// pages never shift the others.
pub(super) fn list(
    state: &State,
    request: &ListRequest,
    ctx: &ReadContext<'_>,
) -> Result<ListResponse, Error> {
    let query = compile(
        &request.query,
        state.registry(&request.namespace_id),
        QueryPurpose::List,
        &ctx.options.query_limits,
    )?;
    list_compiled(state, request, &query, ctx)
}

/// [`list`] with the query already compiled (`request.query` is only fingerprinted).
pub(super) fn list_compiled(
    state: &State,
    request: &ListRequest,
    query: &Query,
    ctx: &ReadContext<'_>,
) -> Result<ListResponse, Error> {
    let namespace_id = request.namespace_id.as_str();
    let registry = state.registry(namespace_id);
    let keys = query.sort_keys();
    let fp = fingerprint(namespace_id, &request.query);
    let after = match request.next_page_token.as_deref() {
        Some(bytes) => Some(
            PageToken::decode_for(bytes, ctx.store_name, TokenKind::List, &fp, keys.len())?.after,
        ),
        None => None,
    };
    let page_size = ctx.options.clamp_page_size(request.page_size);

    let mut candidates: Vec<(SortValues, &ExecutionRecord)> =
        matching(state, namespace_id, query, Bound::Unbounded)
            .map(|(_, r)| (sort_values(r, &keys, registry), r))
            .filter(|(values, _)| {
                after
                    .as_ref()
                    .is_none_or(|a| compare_sort_values(values, a, &keys) == Ordering::Greater)
            })
            .collect();
    let by_key = |a: &(SortValues, &ExecutionRecord), b: &(SortValues, &ExecutionRecord)| {
        compare_sort_values(&a.0, &b.0, &keys)
    };
    // Only the page plus one look-ahead record need to be fully sorted.
    if candidates.len() > page_size + 1 {
        candidates.select_nth_unstable_by(page_size, by_key);
        candidates.truncate(page_size + 1);
    }
    candidates.sort_by(by_key);

    let more = candidates.len() > page_size;
    candidates.truncate(page_size);
    let token = match candidates.last() {
        Some((values, _)) if more => {
            Some(PageToken::new(ctx.store_name, TokenKind::List, fp, values.clone()).encode())
        }
        _ => None,
    };
    Ok(ListResponse::new(
        candidates.into_iter().map(|(_, r)| r.clone()).collect(),
        token,
    ))
}

/// One page of a scan, in (run id, workflow id) order: a record present for the whole scan
/// lies either before or after every token, so it is returned exactly once.
pub(super) fn scan(
    state: &State,
    request: &ListRequest,
    ctx: &ReadContext<'_>,
) -> Result<ListResponse, Error> {
    let query = compile(
        &request.query,
        state.registry(&request.namespace_id),
        QueryPurpose::Scan,
        &ctx.options.query_limits,
    )?;
    scan_compiled(state, request, &query, ctx)
}

/// [`scan`] with the query already compiled (`request.query` is only fingerprinted).
pub(super) fn scan_compiled(
    state: &State,
    request: &ListRequest,
    query: &Query,
    ctx: &ReadContext<'_>,
) -> Result<ListResponse, Error> {
    let namespace_id = request.namespace_id.as_str();
    let fp = fingerprint(namespace_id, &request.query);
    let start = match request.next_page_token.as_deref() {
        None => Bound::Unbounded,
        Some(bytes) => {
            let token = PageToken::decode_for(bytes, ctx.store_name, TokenKind::Scan, &fp, 2)?;
            match token.after.as_slice() {
                [Some(Scalar::Str(run_id)), Some(Scalar::Str(workflow_id))] => {
                    Bound::Excluded(RecordKey::new(workflow_id, run_id))
                }
                _ => {
                    return Err(Error::invalid_argument(
                        "malformed next page token: a scan position must be a run id and a \
                         workflow id",
                    ));
                }
            }
        }
    };
    let page_size = ctx.options.clamp_page_size(request.page_size);

    let mut page: Vec<(&RecordKey, &ExecutionRecord)> = Vec::new();
    let mut more = false;
    for entry in matching(state, namespace_id, query, start) {
        if page.len() == page_size {
            more = true;
            break;
        }
        page.push(entry);
    }
    let token = match page.last() {
        Some((key, _)) if more => {
            let after = vec![
                Some(Scalar::Str(key.run_id.clone())),
                Some(Scalar::Str(key.workflow_id.clone())),
            ];
            Some(PageToken::new(ctx.store_name, TokenKind::Scan, fp, after).encode())
        }
        _ => None,
    };
    Ok(ListResponse::new(
        page.into_iter().map(|(_, r)| r.clone()).collect(),
        token,
    ))
}

/// Counts matching records, grouped by status for `GROUP BY ExecutionStatus` (only
/// non-empty groups are reported).
pub(super) fn count(
    state: &State,
    request: &CountRequest,
    ctx: &ReadContext<'_>,
) -> Result<CountResponse, Error> {
    let query = compile(
        &request.query,
        state.registry(&request.namespace_id),
        QueryPurpose::Count,
        &ctx.options.query_limits,
    )?;
    count_compiled(state, &request.namespace_id, &query)
}

/// [`count`] with the query already compiled.
pub(super) fn count_compiled(
    state: &State,
    namespace_id: &str,
    query: &Query,
) -> Result<CountResponse, Error> {
    let mut per_status = [0i64; ExecutionStatus::ALL.len()];
    let mut total = 0i64;
    for (_, record) in matching(state, namespace_id, query, Bound::Unbounded) {
        total += 1;
        if let Some(i) = ExecutionStatus::ALL
            .iter()
            .position(|s| *s == record.status)
        {
            per_status[i] += 1;
        }
    }
    match &query.group_by {
        None => Ok(CountResponse::new(total, Vec::new())),
        Some(Field::System(SystemAttribute::ExecutionStatus)) => {
            let groups = ExecutionStatus::ALL
                .iter()
                .zip(per_status)
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| {
                    CountGroup::new(vec![SearchAttributeValue::Keyword(s.name().to_string())], n)
                })
                .collect();
            Ok(CountResponse::new(total, groups))
        }
        Some(other) => Err(Error::invalid_argument(format!(
            "GROUP BY is only supported on ExecutionStatus, not on {other:?}"
        ))),
    }
}
