//! Helpers shared by the conformance cases: record builders, writes, full listings that check
//! the paging contract on the way, and assertions on query results and errors.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use workflow_visibility::prelude::*;

/// The store under test.
pub type Store = Arc<dyn VisibilityManager>;

/// The default page-size cap every store is constructed with in the suite.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Custom attribute names the standard fixture registers, one per type.
pub const KW: &str = "CustomKeywordField";
/// Custom Text attribute.
pub const TX: &str = "CustomTextField";
/// Custom Int attribute.
pub const INT: &str = "CustomIntField";
/// Custom Double attribute.
pub const DBL: &str = "CustomDoubleField";
/// Custom Bool attribute.
pub const BOOL: &str = "CustomBoolField";
/// Custom Datetime attribute.
pub const DT: &str = "CustomDatetimeField";
/// Custom KeywordList attribute.
pub const KWL: &str = "CustomKeywordListField";

/// Parses an RFC 3339 timestamp.
pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("bad timestamp {s:?} in test: {e}"))
        .with_timezone(&Utc)
}

/// 2026-01-01T00:00:00Z, the suite's reference time.
pub fn base() -> DateTime<Utc> {
    t("2026-01-01T00:00:00Z")
}

/// `base()` plus `minutes`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    base() + Duration::minutes(minutes)
}

/// Quotes `s` as a List Filter string literal.
pub fn lit(s: &str) -> String {
    let mut out = String::from("'");
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

/// A Keyword value.
pub fn kw(s: &str) -> SearchAttributeValue {
    SearchAttributeValue::Keyword(s.to_string())
}

/// A Text value.
pub fn text(s: &str) -> SearchAttributeValue {
    SearchAttributeValue::Text(s.to_string())
}

/// An Int value.
pub fn int(i: i64) -> SearchAttributeValue {
    SearchAttributeValue::Int(i)
}

/// A Double value.
pub fn dbl(d: f64) -> SearchAttributeValue {
    SearchAttributeValue::Double(d)
}

/// A Bool value.
pub fn boolean(b: bool) -> SearchAttributeValue {
    SearchAttributeValue::Bool(b)
}

/// A Datetime value.
pub fn dt(s: &str) -> SearchAttributeValue {
    SearchAttributeValue::Datetime(t(s))
}

/// A KeywordList value.
pub fn kwl(items: &[&str]) -> SearchAttributeValue {
    SearchAttributeValue::KeywordList(items.iter().map(|s| s.to_string()).collect())
}

/// A running record in `ns` with workflow id `wf`, run id `run-<wf>`, type `conformance`.
pub fn rec(ns: &str, wf: &str, start: DateTime<Utc>) -> ExecutionRecord {
    ExecutionRecord::new(ns, wf, format!("run-{wf}"), "conformance", start)
}

/// Chainable edits of a record, to keep fixtures short.
pub trait RecordExt: Sized {
    /// Sets a search attribute.
    fn sa(self, name: &str, value: SearchAttributeValue) -> Self;
    /// Sets the write version.
    fn version(self, v: i64) -> Self;
    /// Sets the workflow type.
    fn wf_type(self, ty: &str) -> Self;
    /// Sets the run id.
    fn run(self, run_id: &str) -> Self;
    /// Closes the record with `status`, `minutes` after its execution time.
    fn closed_after(self, status: ExecutionStatus, minutes: i64) -> Self;
}

impl RecordExt for ExecutionRecord {
    fn sa(mut self, name: &str, value: SearchAttributeValue) -> Self {
        self.search_attributes.insert(name.to_string(), value);
        self
    }

    fn version(mut self, v: i64) -> Self {
        self.version = v;
        self
    }

    fn wf_type(mut self, ty: &str) -> Self {
        self.workflow_type = ty.to_string();
        self
    }

    fn run(mut self, run_id: &str) -> Self {
        self.run_id = run_id.to_string();
        self
    }

    fn closed_after(self, status: ExecutionStatus, minutes: i64) -> Self {
        let close = self.execution_time + Duration::minutes(minutes);
        self.closed(status, close)
    }
}

/// Registers custom attributes, panicking on failure.
pub async fn register(store: &Store, ns: &str, attrs: &[(&str, SearchAttributeType)]) {
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            ns,
            attrs.iter().map(|(n, t)| (n.to_string(), *t)),
        ))
        .await
        .unwrap_or_else(|e| panic!("registering {attrs:?} in {ns} failed: {e}"));
}

/// Registers one custom attribute of every type under the `KW`, `TX`, … names.
pub async fn register_standard(store: &Store, ns: &str) {
    use SearchAttributeType as T;
    register(
        store,
        ns,
        &[
            (KW, T::Keyword),
            (TX, T::Text),
            (INT, T::Int),
            (DBL, T::Double),
            (BOOL, T::Bool),
            (DT, T::Datetime),
            (KWL, T::KeywordList),
        ],
    )
    .await;
}

/// Writes a record the way a server would: started while running, closed otherwise.
pub async fn write(store: &Store, record: ExecutionRecord) {
    let what = format!("{}/{}", record.workflow_id, record.run_id);
    let result = if record.status.is_closed() {
        store
            .record_workflow_execution_closed(RecordClosedRequest::new(record))
            .await
    } else {
        store
            .record_workflow_execution_started(RecordStartedRequest::new(record))
            .await
    };
    result.unwrap_or_else(|e| panic!("writing {what} failed: {e}"));
}

/// Writes every record.
pub async fn write_all(store: &Store, records: impl IntoIterator<Item = ExecutionRecord>) {
    for r in records {
        write(store, r).await;
    }
}

/// Upserts a record, panicking on failure.
pub async fn upsert(store: &Store, record: ExecutionRecord) {
    let what = format!("{}/{}", record.workflow_id, record.run_id);
    store
        .upsert_workflow_execution(UpsertRequest::new(record))
        .await
        .unwrap_or_else(|e| panic!("upserting {what} failed: {e}"));
}

/// Gets a record by workflow id with the fixture's run id (`run-<wf>`); `None` on NotFound.
pub async fn get(store: &Store, ns: &str, wf: &str) -> Option<ExecutionRecord> {
    get_run(store, ns, wf, &format!("run-{wf}")).await
}

/// Gets a record; `None` on NotFound, panics on any other error.
pub async fn get_run(store: &Store, ns: &str, wf: &str, run: &str) -> Option<ExecutionRecord> {
    match store
        .get_workflow_execution(GetRequest::new(ns, wf, run))
        .await
    {
        Ok(r) => Some(r.execution),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => panic!("get {ns}/{wf}/{run} failed with {e}, expected a record or NotFound"),
    }
}

/// Lists every page of a query, checking the paging contract on the way: no page exceeds the
/// (clamped) page size and a next-page token is returned exactly when more records remain.
pub async fn list_all(
    store: &Store,
    ns: &str,
    query: &str,
    page_size: usize,
) -> Vec<ExecutionRecord> {
    let cap = page_size.clamp(1, MAX_PAGE_SIZE);
    let mut out = Vec::new();
    let mut token: Option<Vec<u8>> = None;
    for _ in 0..100_000 {
        let page = store
            .list_workflow_executions(
                ListRequest::new(ns)
                    .query(query)
                    .page_size(page_size)
                    .next_page_token(token.clone()),
            )
            .await
            .unwrap_or_else(|e| panic!("list {query:?} (page size {page_size}) failed: {e}"));
        assert!(
            page.executions.len() <= cap,
            "list {query:?}: a page of {} records exceeds page size {page_size} (cap {cap})",
            page.executions.len()
        );
        if token.is_some() {
            assert!(
                !page.executions.is_empty(),
                "list {query:?} (page size {page_size}): a next-page token was returned, but the \
                 page it leads to is empty (tokens must be present exactly when more remain)"
            );
        }
        out.extend(page.executions);
        match page.next_page_token {
            Some(next) => token = Some(next),
            None => return out,
        }
    }
    panic!("list {query:?} did not end after 100000 pages");
}

/// Scans every page of a query (unordered), with the same page checks as [`list_all`].
pub async fn scan_all(
    store: &Store,
    ns: &str,
    query: &str,
    page_size: usize,
) -> Vec<ExecutionRecord> {
    let cap = page_size.clamp(1, MAX_PAGE_SIZE);
    let mut out = Vec::new();
    let mut token: Option<Vec<u8>> = None;
    for _ in 0..100_000 {
        let page = store
            .scan_workflow_executions(
                ListRequest::new(ns)
                    .query(query)
                    .page_size(page_size)
                    .next_page_token(token.clone()),
            )
            .await
            .unwrap_or_else(|e| panic!("scan {query:?} (page size {page_size}) failed: {e}"));
        assert!(
            page.executions.len() <= cap,
            "scan {query:?}: a page of {} records exceeds page size {page_size}",
            page.executions.len()
        );
        out.extend(page.executions);
        match page.next_page_token {
            Some(next) => token = Some(next),
            None => return out,
        }
    }
    panic!("scan {query:?} did not end after 100000 pages");
}

/// Workflow ids of records, in order.
pub fn wf_ids(records: &[ExecutionRecord]) -> Vec<String> {
    records.iter().map(|r| r.workflow_id.clone()).collect()
}

/// The workflow ids a listing returns, in order (one page of up to 1000).
pub async fn ordered(store: &Store, ns: &str, query: &str) -> Vec<String> {
    wf_ids(&list_all(store, ns, query, MAX_PAGE_SIZE).await)
}

/// Asserts that a listing returns exactly `expected` workflow ids in this order.
pub async fn assert_order(store: &Store, ns: &str, query: &str, expected: &[&str]) {
    let got = ordered(store, ns, query).await;
    assert_eq!(got, expected, "order of list {query:?}");
}

fn sorted(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = ids.into_iter().collect();
    v.sort();
    v
}

fn assert_unique(ids: &[String], what: &str) {
    let set: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        set.len(),
        ids.len(),
        "{what} returned a record twice: {ids:?}"
    );
}

/// Asserts that `query` matches exactly the records with workflow ids `expected`, through
/// list, scan and count alike.
pub async fn assert_matches(store: &Store, ns: &str, query: &str, expected: &[&str]) {
    let want = sorted(expected.iter().map(|s| s.to_string()));
    let listed = wf_ids(&list_all(store, ns, query, MAX_PAGE_SIZE).await);
    assert_unique(&listed, &format!("list {query:?}"));
    assert_eq!(sorted(listed), want, "records matched by list {query:?}");
    let scanned = wf_ids(&scan_all(store, ns, query, MAX_PAGE_SIZE).await);
    assert_unique(&scanned, &format!("scan {query:?}"));
    assert_eq!(sorted(scanned), want, "records matched by scan {query:?}");
    let count = count(store, ns, query).await;
    assert_eq!(count, want.len() as i64, "count {query:?}");
}

/// Asserts every `(query, expected)` pair with [`assert_matches`].
pub async fn assert_all(store: &Store, ns: &str, cases: &[(&str, &[&str])]) {
    for (query, expected) in cases {
        assert_matches(store, ns, query, expected).await;
    }
}

/// Counts matching records.
pub async fn count(store: &Store, ns: &str, query: &str) -> i64 {
    store
        .count_workflow_executions(CountRequest::new(ns).query(query))
        .await
        .unwrap_or_else(|e| panic!("count {query:?} failed: {e}"))
        .count
}

/// Counts grouped by status: status name → count, checking the total and group shapes.
pub async fn count_groups(store: &Store, ns: &str, query: &str) -> BTreeMap<String, i64> {
    let resp = store
        .count_workflow_executions(CountRequest::new(ns).query(query))
        .await
        .unwrap_or_else(|e| panic!("count {query:?} failed: {e}"));
    let mut groups = BTreeMap::new();
    for g in &resp.groups {
        assert_eq!(
            g.values.len(),
            1,
            "count {query:?}: a group has {} values, expected one status",
            g.values.len()
        );
        let name = match &g.values[0] {
            SearchAttributeValue::Keyword(s) => s.clone(),
            other => panic!("count {query:?}: group value {other:?} is not a Keyword status name"),
        };
        assert!(
            g.count > 0,
            "count {query:?}: group {name} has count {}",
            g.count
        );
        assert!(
            groups.insert(name.clone(), g.count).is_none(),
            "count {query:?}: group {name} appears twice"
        );
    }
    assert_eq!(
        resp.count,
        groups.values().sum::<i64>(),
        "count {query:?}: total is not the sum of the groups {groups:?}"
    );
    groups
}

/// Asserts that a result is an error of `kind`, returning it.
pub fn expect_err<T: Debug>(result: Result<T, Error>, kind: ErrorKind, what: &str) -> Error {
    match result {
        Ok(v) => panic!("{what}: expected {kind:?}, got success {v:?}"),
        Err(e) => {
            assert_eq!(e.kind(), kind, "{what}: expected {kind:?}, got {e}");
            e
        }
    }
}

/// Asserts that an error is InvalidArgument with a byte position inside the last occurrence of
/// `span` in `query` (its end included, for errors found at the end of the input).
pub fn check_query_error(err: &Error, query: &str, span: &str, what: &str) {
    assert_eq!(
        err.kind(),
        ErrorKind::InvalidArgument,
        "{what} {query:?}: expected InvalidArgument, got {err}"
    );
    let start = query
        .rfind(span)
        .unwrap_or_else(|| panic!("test bug: {span:?} is not part of {query:?}"));
    let pos = err
        .position()
        .unwrap_or_else(|| panic!("{what} {query:?}: the error has no byte position: {err}"));
    assert!(
        (start..=start + span.len()).contains(&pos),
        "{what} {query:?}: error position {pos} is outside {span:?} (bytes {start}..={}): {err}",
        start + span.len()
    );
}

/// Asserts that list rejects `query` with InvalidArgument pointing into `span`.
pub async fn rejects_list(store: &Store, ns: &str, query: &str, span: &str) {
    let r = store
        .list_workflow_executions(ListRequest::new(ns).query(query))
        .await;
    let e = expect_err(r, ErrorKind::InvalidArgument, &format!("list {query:?}"));
    check_query_error(&e, query, span, "list");
}

/// Asserts that scan rejects `query` with InvalidArgument pointing into `span`.
pub async fn rejects_scan(store: &Store, ns: &str, query: &str, span: &str) {
    let r = store
        .scan_workflow_executions(ListRequest::new(ns).query(query))
        .await;
    let e = expect_err(r, ErrorKind::InvalidArgument, &format!("scan {query:?}"));
    check_query_error(&e, query, span, "scan");
}

/// Asserts that count rejects `query` with InvalidArgument pointing into `span`.
pub async fn rejects_count(store: &Store, ns: &str, query: &str, span: &str) {
    let r = store
        .count_workflow_executions(CountRequest::new(ns).query(query))
        .await;
    let e = expect_err(r, ErrorKind::InvalidArgument, &format!("count {query:?}"));
    check_query_error(&e, query, span, "count");
}

/// Asserts that list, scan and count all reject a filter, pointing into `span`.
pub async fn rejects(store: &Store, ns: &str, query: &str, span: &str) {
    rejects_list(store, ns, query, span).await;
    rejects_scan(store, ns, query, span).await;
    rejects_count(store, ns, query, span).await;
}

/// The standard fixture: five records covering every attribute type, with values missing in
/// places. With `custom` false no custom attributes are registered or set.
///
/// | wf | status     | start  | duration | KW     | TX          | INT | DBL   | BOOL  | DT         | KWL   |
/// |----|------------|--------|----------|--------|-------------|-----|-------|-------|------------|-------|
/// | w1 | Running    | +1h    | –        | apple  | Hello world | 1   | 1.5   | true  | 2026-01-01 | a,b   |
/// | w2 | Completed  | +2h    | 1h30m    | banana | Good bye    | 2   | -2.25 | false | 2026-01-02 | b,c   |
/// | w3 | Failed     | +3h    | 2d       | cherry | –           | 3   | 3.0   | true  | 2026-01-03 | c     |
/// | w4 | TimedOut   | +4h    | 1h2m3s   | Apple  | –           | -5  | –     | –     | –          | empty |
/// | w5 | Running    | +5h    | –        | –      | –           | –   | –     | –     | –          | –     |
///
/// System fields: history length 10·n (w5: 0), task queue `tq-1` for w1, w3, w5 and `tq-2`
/// for w2, w4, workflow type `type-a` for w1, w2 and `type-b` otherwise; w1 has parent
/// `parent-wf`/`parent-run`, no record has a root.
pub async fn fixture(store: &Store, ns: &str, custom: bool) {
    use ExecutionStatus as S;
    if custom {
        register_standard(store, ns).await;
    }
    let mut w1 = rec(ns, "w1", at(60)).wf_type("type-a");
    w1.history_length = 10;
    w1.task_queue = "tq-1".into();
    w1.parent = Some(ExecutionRef::new("parent-wf", "parent-run"));
    let mut w2 = rec(ns, "w2", at(120))
        .wf_type("type-a")
        .closed_after(S::Completed, 90);
    w2.history_length = 20;
    w2.task_queue = "tq-2".into();
    let mut w3 = rec(ns, "w3", at(180))
        .wf_type("type-b")
        .closed_after(S::Failed, 2 * 24 * 60);
    w3.history_length = 30;
    w3.task_queue = "tq-1".into();
    let mut w4 = rec(ns, "w4", at(240)).wf_type("type-b");
    w4.execution_time = at(240);
    let close = w4.execution_time + Duration::seconds(3723);
    let mut w4 = w4.closed(S::TimedOut, close);
    w4.history_length = 40;
    w4.task_queue = "tq-2".into();
    let mut w5 = rec(ns, "w5", at(300)).wf_type("type-b");
    w5.task_queue = "tq-1".into();
    if custom {
        w1 = w1
            .sa(KW, kw("apple"))
            .sa(TX, text("Hello world"))
            .sa(INT, int(1))
            .sa(DBL, dbl(1.5))
            .sa(BOOL, boolean(true))
            .sa(DT, dt("2026-01-01T00:00:00Z"))
            .sa(KWL, kwl(&["a", "b"]));
        w2 = w2
            .sa(KW, kw("banana"))
            .sa(TX, text("Good bye"))
            .sa(INT, int(2))
            .sa(DBL, dbl(-2.25))
            .sa(BOOL, boolean(false))
            .sa(DT, dt("2026-01-02T00:00:00Z"))
            .sa(KWL, kwl(&["b", "c"]));
        w3 = w3
            .sa(KW, kw("cherry"))
            .sa(INT, int(3))
            .sa(DBL, dbl(3.0))
            .sa(BOOL, boolean(true))
            .sa(DT, dt("2026-01-03T00:00:00Z"))
            .sa(KWL, kwl(&["c"]));
        w4 = w4.sa(KW, kw("Apple")).sa(INT, int(-5)).sa(KWL, kwl(&[]));
    }
    write_all(store, [w1, w2, w3, w4, w5]).await;
}

/// Registers one attribute of `ty` under `name` and writes one record per value (workflow
/// ids `v0`, `v1`, …) plus `none`, a record without the attribute.
pub async fn values_fixture(
    store: &Store,
    ns: &str,
    name: &str,
    ty: SearchAttributeType,
    values: &[SearchAttributeValue],
) {
    register(store, ns, &[(name, ty)]).await;
    for (i, v) in values.iter().enumerate() {
        write(
            store,
            rec(ns, &format!("v{i}"), at(i as i64)).sa(name, v.clone()),
        )
        .await;
    }
    write(store, rec(ns, "none", at(values.len() as i64))).await;
}

/// Sorts records into the default order: running first, then close time descending, then
/// start time descending, then run id ascending (workflow id last, for identical run ids).
pub fn sort_default(records: &mut [ExecutionRecord]) {
    records.sort_by(|a, b| {
        let close = |r: &ExecutionRecord| r.close_time.map_or(i64::MAX, |t| t.timestamp_micros());
        close(b)
            .cmp(&close(a))
            .then(b.start_time.cmp(&a.start_time))
            .then(a.run_id.cmp(&b.run_id))
            .then(a.workflow_id.cmp(&b.workflow_id))
    });
}

/// A record as a store returns it: no namespace name.
pub fn stored(mut record: ExecutionRecord) -> ExecutionRecord {
    record.namespace_name = None;
    record
}
