//! Differential property test: a SQL store against the in-memory reference store.
//!
//! Each case writes the same random records (random custom attributes of every type, some
//! missing; random statuses, times, parents and namespace divisions) to both stores in a fresh
//! namespace, then runs random List Filters generated as query text from a grammar over every
//! operator and type, with random `ORDER BY` keys and page sizes. Both stores must return the
//! same pages in the same order (followed through all next-page tokens), the same counts, the
//! same `GROUP BY ExecutionStatus` groups and the same scan sets, or fail alike.
//!
//! The case count comes from `PROPTEST_CASES` (default 32). Across the run, at least a fifth of
//! the generated filters must match some but not all records, so the test cannot pass by
//! generating only trivial filters.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use workflow_visibility::prelude::*;
use workflow_visibility::store::memory::InMemoryStore;

/// A store under test.
pub type Store = Arc<dyn VisibilityManager>;

const KW: &str = "PKeyword";
const TX: &str = "PText";
const INT: &str = "PInt";
const DBL: &str = "PDouble";
const BOOL: &str = "PBool";
const DT: &str = "PDatetime";
const KWL: &str = "PKeywordList";

// Value pools: small, so that generated literals often hit stored values.
const KEYWORDS: [&str; 9] = ["a", "a ", "A", "b", "ab", "é", "%", "_x", ""];
const TEXTS: [&str; 7] = [
    "hello world",
    "Hello",
    "café au lait",
    "cafe",
    "a b c",
    "x-ray 42",
    "!!!",
];
const WORDS: [&str; 9] = [
    "hello", "WORLD", "café", "cafe", "a", "c", "ray", "42", "au",
];
const INTS: [i64; 7] = [-2, -1, 0, 1, 3, i64::MIN, i64::MAX];
const INT_LITERALS: [&str; 10] = [
    "-2",
    "-1",
    "0",
    "1",
    "3",
    "1.5",
    "2.0",
    "-9223372036854775808",
    "9223372036854775807",
    "1e2",
];
const DOUBLES: [f64; 6] = [-1.5, 0.0, 0.1, 2.0, 1e3, 0.30000000000000004];
const DOUBLE_LITERALS: [&str; 9] = [
    "-1.5",
    "0",
    "0.1",
    "2",
    "1000",
    "1e3",
    "0.30000000000000004",
    "0.3",
    "-2",
];
const MINUTES: [i64; 6] = [0, 1, 2, 60, 61, 1440];
const LIST_ITEMS: [&str; 3] = ["a", "b", "c"];
const TYPES: [&str; 4] = ["alpha", "beta", "Beta", "gamma "];
const QUEUES: [&str; 3] = ["q1", "q2", "q1 "];
const RUNS: [&str; 6] = ["r0", "r1", "r2", "r3", "R1", "r10"];
const DURATIONS: [&str; 12] = [
    "'1m'",
    "'30m'",
    "'1h'",
    "'1h30m'",
    "'1d'",
    "'2d'",
    "'00:30:00'",
    "'01:30:00'",
    "0",
    "60000000000",
    "1800000000000",
    "5400000000000",
];
const STATUS_LITERALS: [&str; 10] = [
    "'Running'",
    "'Completed'",
    "'Failed'",
    "'Canceled'",
    "'Terminated'",
    "'ContinuedAsNew'",
    "'TimedOut'",
    "1",
    "2",
    "7",
];

fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// One random record, as indexes into the pools.
#[derive(Debug, Clone)]
struct RecordSpec {
    wf_type: usize,
    run: usize,
    start: usize,
    exec_delay_s: i64,
    status: usize,
    close_after: usize,
    history: usize,
    queue: usize,
    parent: Option<usize>,
    division: bool,
    attrs: AttrSpec,
}

#[derive(Debug, Clone)]
struct AttrSpec {
    kw: Option<usize>,
    tx: Option<usize>,
    int: Option<usize>,
    dbl: Option<usize>,
    boolean: Option<bool>,
    dt: Option<(usize, i64)>,
    kwl: Option<Vec<usize>>,
    batcher: Option<usize>,
}

fn attr_spec() -> impl Strategy<Value = AttrSpec> {
    (
        proptest::option::weighted(0.7, 0..KEYWORDS.len()),
        proptest::option::weighted(0.6, 0..TEXTS.len()),
        proptest::option::weighted(0.7, 0..INTS.len()),
        proptest::option::weighted(0.6, 0..DOUBLES.len()),
        proptest::option::weighted(0.6, any::<bool>()),
        proptest::option::weighted(0.6, (0..MINUTES.len(), 0i64..3)),
        proptest::option::weighted(0.7, proptest::collection::vec(0..LIST_ITEMS.len(), 0..3)),
        proptest::option::weighted(0.3, 0..KEYWORDS.len()),
    )
        .prop_map(|(kw, tx, int, dbl, boolean, dt, kwl, batcher)| AttrSpec {
            kw,
            tx,
            int,
            dbl,
            boolean,
            dt,
            kwl,
            batcher,
        })
}

fn record_spec() -> impl Strategy<Value = RecordSpec> {
    (
        (0..TYPES.len(), 0..RUNS.len(), 0..MINUTES.len(), 0i64..2),
        (
            0..ExecutionStatus::ALL.len(),
            0..MINUTES.len(),
            0usize..4,
            0..QUEUES.len(),
        ),
        (
            proptest::option::weighted(0.3, 0usize..2),
            proptest::bool::weighted(0.1),
            attr_spec(),
        ),
    )
        .prop_map(
            |(
                (wf_type, run, start, exec_delay_s),
                (status, close_after, history, queue),
                (parent, division, attrs),
            )| RecordSpec {
                wf_type,
                run,
                start,
                exec_delay_s,
                status,
                close_after,
                history,
                queue,
                parent,
                division,
                attrs,
            },
        )
}

fn build(ns: &str, index: usize, spec: &RecordSpec) -> ExecutionRecord {
    let start = base() + Duration::minutes(MINUTES[spec.start]);
    let mut r = ExecutionRecord::new(
        ns,
        format!("wf{index:02}"),
        RUNS[spec.run],
        TYPES[spec.wf_type],
        start,
    );
    r.execution_time = start + Duration::seconds(spec.exec_delay_s);
    r.history_length = [0, 1, 10, i64::MAX][spec.history];
    r.task_queue = QUEUES[spec.queue].to_string();
    r.parent = spec
        .parent
        .map(|p| ExecutionRef::new(format!("parent{p}"), "parent-run"));
    let status = ExecutionStatus::ALL[spec.status];
    if status.is_closed() {
        let close = r.execution_time + Duration::minutes(MINUTES[spec.close_after]);
        r = r.closed(status, close);
    }
    let a = &spec.attrs;
    let sa = &mut r.search_attributes;
    if let Some(i) = a.kw {
        sa.insert(KW.into(), SearchAttributeValue::Keyword(KEYWORDS[i].into()));
    }
    if let Some(i) = a.tx {
        sa.insert(TX.into(), SearchAttributeValue::Text(TEXTS[i].into()));
    }
    if let Some(i) = a.int {
        sa.insert(INT.into(), SearchAttributeValue::Int(INTS[i]));
    }
    if let Some(i) = a.dbl {
        sa.insert(DBL.into(), SearchAttributeValue::Double(DOUBLES[i]));
    }
    if let Some(b) = a.boolean {
        sa.insert(BOOL.into(), SearchAttributeValue::Bool(b));
    }
    if let Some((m, s)) = a.dt {
        let t = base() + Duration::minutes(MINUTES[m]) + Duration::seconds(s);
        sa.insert(DT.into(), SearchAttributeValue::Datetime(t));
    }
    if let Some(items) = &a.kwl {
        // Duplicates are kept on purpose: they are valid input.
        let v: Vec<String> = items.iter().map(|i| LIST_ITEMS[*i].to_string()).collect();
        sa.insert(KWL.into(), SearchAttributeValue::KeywordList(v));
    }
    if let Some(i) = a.batcher {
        sa.insert(
            "BatcherUser".into(),
            SearchAttributeValue::Keyword(KEYWORDS[i].into()),
        );
    }
    if spec.division {
        sa.insert(
            "TemporalNamespaceDivision".into(),
            SearchAttributeValue::Keyword("div".into()),
        );
    }
    r
}

/// What kind of values an attribute holds, deciding its operators and literals.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Keyword,
    Text,
    Int,
    Double,
    Bool,
    Datetime,
    KeywordList,
    Status,
    Duration,
}

const FIELDS: [(&str, Kind); 20] = [
    (KW, Kind::Keyword),
    ("WorkflowType", Kind::Keyword),
    ("WorkflowId", Kind::Keyword),
    ("RunId", Kind::Keyword),
    ("TaskQueue", Kind::Keyword),
    ("ParentWorkflowId", Kind::Keyword),
    ("BatcherUser", Kind::Keyword),
    ("TemporalNamespaceDivision", Kind::Keyword),
    (TX, Kind::Text),
    (INT, Kind::Int),
    ("HistoryLength", Kind::Int),
    (DBL, Kind::Double),
    (BOOL, Kind::Bool),
    (DT, Kind::Datetime),
    ("StartTime", Kind::Datetime),
    ("CloseTime", Kind::Datetime),
    ("ExecutionTime", Kind::Datetime),
    (KWL, Kind::KeywordList),
    ("ExecutionStatus", Kind::Status),
    ("ExecutionDuration", Kind::Duration),
];

/// Fields `ORDER BY` accepts.
const ORDERABLE: [&str; 15] = [
    KW,
    INT,
    DBL,
    BOOL,
    DT,
    "WorkflowType",
    "WorkflowId",
    "RunId",
    "TaskQueue",
    "ParentWorkflowId",
    "StartTime",
    "CloseTime",
    "ExecutionTime",
    "ExecutionStatus",
    "ExecutionDuration",
];

fn keyword_literal() -> BoxedStrategy<String> {
    prop_oneof![
        (0..KEYWORDS.len()).prop_map(|i| quote(KEYWORDS[i])),
        (0..TYPES.len()).prop_map(|i| quote(TYPES[i])),
        (0..RUNS.len()).prop_map(|i| quote(RUNS[i])),
        (0..QUEUES.len()).prop_map(|i| quote(QUEUES[i])),
        (0usize..25).prop_map(|i| quote(&format!("wf{i:02}"))),
        Just(quote("parent1")),
        Just(quote("div")),
    ]
    .boxed()
}

fn datetime_literal() -> BoxedStrategy<String> {
    (0..MINUTES.len(), 0i64..3, 0usize..4)
        .prop_map(|(m, s, form)| {
            let t = base() + Duration::minutes(MINUTES[m]) + Duration::seconds(s);
            match form {
                0 => quote(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                1 => quote(
                    &t.with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap())
                        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, false),
                ),
                2 => t.timestamp_nanos_opt().unwrap().to_string(),
                // A fraction below a microsecond, truncated away.
                _ => quote(
                    &(t + Duration::nanoseconds(999))
                        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
                ),
            }
        })
        .boxed()
}

fn pick(values: &'static [&'static str]) -> BoxedStrategy<String> {
    (0..values.len())
        .prop_map(move |i| values[i].to_string())
        .boxed()
}

fn literal(kind: Kind) -> BoxedStrategy<String> {
    match kind {
        Kind::Keyword | Kind::KeywordList => keyword_literal(),
        Kind::Text => (0..WORDS.len()).prop_map(|i| quote(WORDS[i])).boxed(),
        Kind::Int => pick(&INT_LITERALS),
        Kind::Double => pick(&DOUBLE_LITERALS),
        Kind::Bool => prop_oneof![Just("true".to_string()), Just("false".to_string())].boxed(),
        Kind::Datetime => datetime_literal(),
        Kind::Status => pick(&STATUS_LITERALS),
        Kind::Duration => pick(&DURATIONS),
    }
}

fn list_of(kind: Kind) -> BoxedStrategy<String> {
    proptest::collection::vec(literal(kind), 1..4)
        .prop_map(|v| format!("({})", v.join(", ")))
        .boxed()
}

/// A comparison on one field, with an operator its type supports.
fn predicate(field: &'static str, kind: Kind) -> BoxedStrategy<String> {
    let cmp = prop_oneof![
        Just("="),
        Just("!="),
        Just("<>"),
        Just("<"),
        Just("<="),
        Just(">"),
        Just(">=")
    ];
    let eq = prop_oneof![Just("="), Just("!="), Just("<>")];
    let null = prop_oneof![Just("IS NULL"), Just("IS NOT NULL")]
        .prop_map(move |op| format!("{field} {op}"));
    let not = prop_oneof![Just(""), Just("NOT ")];
    let compare = (cmp, literal(kind)).prop_map(move |(op, v)| format!("{field} {op} {v}"));
    let equal = (eq, literal(kind)).prop_map(move |(op, v)| format!("{field} {op} {v}"));
    let between = (not.clone(), literal(kind), literal(kind))
        .prop_map(move |(n, a, b)| format!("{field} {n}BETWEEN {a} AND {b}"));
    let in_list = (not.clone(), list_of(kind)).prop_map(move |(n, l)| format!("{field} {n}IN {l}"));
    match kind {
        Kind::Keyword => prop_oneof![
            3 => compare,
            1 => between,
            2 => in_list,
            2 => (not, prop_oneof![keyword_literal(), Just("''".to_string()), Just("'a'".to_string())])
                .prop_map(move |(n, p)| format!("{field} {n}STARTS_WITH {p}")),
            1 => null,
        ]
        .boxed(),
        Kind::Int | Kind::Double | Kind::Datetime | Kind::Duration => prop_oneof![
            3 => compare,
            1 => between,
            1 => in_list,
            1 => null,
        ]
        .boxed(),
        Kind::Text | Kind::Bool => prop_oneof![3 => equal, 1 => null].boxed(),
        Kind::KeywordList | Kind::Status => {
            prop_oneof![3 => equal, 2 => in_list, 1 => null].boxed()
        }
    }
}

fn leaf() -> BoxedStrategy<String> {
    (0..FIELDS.len())
        .prop_flat_map(|i| {
            let (field, kind) = FIELDS[i];
            predicate(field, kind)
        })
        .boxed()
}

fn filter() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} AND {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} OR {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} AND {b}")),
            inner.clone().prop_map(|a| format!("NOT ({a})")),
            inner.prop_map(|a| format!("NOT {a}")),
        ]
    })
}

fn order_by() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            0..ORDERABLE.len(),
            prop_oneof![Just(""), Just(" ASC"), Just(" DESC")],
        ),
        0..3,
    )
    .prop_map(|keys| {
        if keys.is_empty() {
            String::new()
        } else {
            let keys: Vec<String> = keys
                .into_iter()
                .map(|(i, dir)| format!("{}{dir}", ORDERABLE[i]))
                .collect();
            format!(" ORDER BY {}", keys.join(", "))
        }
    })
}

/// One query of a case: an optional filter, an optional ORDER BY and a page size.
#[derive(Debug, Clone)]
struct QuerySpec {
    filter: Option<String>,
    order: String,
    page_size: usize,
}

fn query_spec() -> impl Strategy<Value = QuerySpec> {
    (
        proptest::option::weighted(0.9, filter()),
        order_by(),
        prop_oneof![1usize..8, Just(1000usize)],
    )
        .prop_map(|(filter, order, page_size)| QuerySpec {
            filter,
            order,
            page_size,
        })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// Counters over the whole run, for the anti-vacuity check.
#[derive(Default)]
struct Stats {
    filters: AtomicUsize,
    accepted: AtomicUsize,
    selective: AtomicUsize,
}

/// Everything a listing returned, page by page, or the error kind.
type Listing = Result<Vec<ExecutionRecord>, ErrorKind>;

async fn list_all(store: &Store, ns: &str, query: &str, page_size: usize) -> Listing {
    let mut out = Vec::new();
    let mut token = None;
    for _ in 0..10_000 {
        let page = store
            .list_workflow_executions(
                ListRequest::new(ns)
                    .query(query)
                    .page_size(page_size)
                    .next_page_token(token.clone()),
            )
            .await
            .map_err(|e| e.kind())?;
        assert!(page.executions.len() <= page_size.clamp(1, 1000));
        if token.is_some() {
            assert!(
                !page.executions.is_empty(),
                "{}: token led to an empty page for {query:?}",
                store.store_name()
            );
        }
        out.extend(page.executions);
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
    panic!("{}: listing {query:?} did not end", store.store_name());
}

async fn scan_set(
    store: &Store,
    ns: &str,
    query: &str,
) -> Result<Vec<(String, String)>, ErrorKind> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = store
            .scan_workflow_executions(
                ListRequest::new(ns)
                    .query(query)
                    .page_size(3)
                    .next_page_token(token.clone()),
            )
            .await
            .map_err(|e| e.kind())?;
        out.extend(
            page.executions
                .into_iter()
                .map(|r| (r.workflow_id, r.run_id)),
        );
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => {
                out.sort();
                return Ok(out);
            }
        }
    }
}

type Groups = Result<(i64, BTreeMap<String, i64>), ErrorKind>;

async fn count(store: &Store, ns: &str, query: &str) -> Groups {
    let resp = store
        .count_workflow_executions(CountRequest::new(ns).query(query))
        .await
        .map_err(|e| e.kind())?;
    let groups = resp
        .groups
        .iter()
        .map(|g| (format!("{:?}", g.values), g.count))
        .collect();
    Ok((resp.count, groups))
}

async fn setup(store: &Store, ns: &str, records: &[ExecutionRecord]) {
    use SearchAttributeType as T;
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            ns,
            [
                (KW, T::Keyword),
                (TX, T::Text),
                (INT, T::Int),
                (DBL, T::Double),
                (BOOL, T::Bool),
                (DT, T::Datetime),
                (KWL, T::KeywordList),
            ]
            .map(|(n, t)| (n.to_string(), t)),
        ))
        .await
        .unwrap_or_else(|e| panic!("{}: register attributes: {e}", store.store_name()));
    for r in records {
        let result = if r.status.is_closed() {
            store
                .record_workflow_execution_closed(RecordClosedRequest::new(r.clone()))
                .await
        } else {
            store
                .record_workflow_execution_started(RecordStartedRequest::new(r.clone()))
                .await
        };
        result.unwrap_or_else(|e| panic!("{}: write {r:?}: {e}", store.store_name()));
    }
}

fn check(cond: bool, msg: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if cond {
        Ok(())
    } else {
        Err(TestCaseError::fail(msg()))
    }
}

async fn run_case(
    store: &Store,
    memory: &Store,
    ns: &str,
    specs: &[RecordSpec],
    queries: &[QuerySpec],
    stats: &Stats,
) -> Result<(), TestCaseError> {
    let records: Vec<ExecutionRecord> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| build(ns, i, s))
        .collect();
    setup(store, ns, &records).await;
    setup(memory, ns, &records).await;
    let everything = records.len();

    for q in queries {
        let filter = q.filter.clone().unwrap_or_default();
        let listing_query = format!("{filter}{}", q.order);
        let a = list_all(store, ns, &listing_query, q.page_size).await;
        let b = list_all(memory, ns, &listing_query, q.page_size).await;
        check(a == b, || {
            format!(
                "list {listing_query:?} (page size {}) differs:\n  store:  {:?}\n  memory: {:?}",
                q.page_size,
                a.as_ref().map(|v| ids(v)),
                b.as_ref().map(|v| ids(v))
            )
        })?;

        let a = count(store, ns, &filter).await;
        let b = count(memory, ns, &filter).await;
        check(a == b, || {
            format!("count {filter:?} differs: store {a:?}, memory {b:?}")
        })?;
        if q.filter.is_some() {
            stats.filters.fetch_add(1, Ordering::Relaxed);
            if let Ok((n, _)) = a {
                stats.accepted.fetch_add(1, Ordering::Relaxed);
                if n > 0 && (n as usize) < everything {
                    stats.selective.fetch_add(1, Ordering::Relaxed);
                }
            }
        }

        let grouped = format!("{filter} GROUP BY ExecutionStatus");
        let a = count(store, ns, &grouped).await;
        let b = count(memory, ns, &grouped).await;
        check(a == b, || {
            format!("count {grouped:?} differs: store {a:?}, memory {b:?}")
        })?;

        let a = scan_set(store, ns, &filter).await;
        let b = scan_set(memory, ns, &filter).await;
        check(a == b, || {
            format!("scan {filter:?} differs: store {a:?}, memory {b:?}")
        })?;
    }
    Ok(())
}

fn ids(records: &[ExecutionRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| format!("{}/{}", r.workflow_id, r.run_id))
        .collect()
}

fn case_count() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

/// Runs the property test: the store `make` builds must agree with the in-memory reference
/// on every generated case.
pub fn check_against_reference<F, Fut>(make: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Store>,
{
    let rt = runtime();
    let store: Store = rt.block_on(make());
    let memory: Store = Arc::new(InMemoryStore::new());
    let stats = Stats::default();
    let case = AtomicUsize::new(0);
    let config = Config {
        cases: case_count(),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (
        proptest::collection::vec(record_spec(), 0..30),
        proptest::collection::vec(query_spec(), 8..17),
    );
    let result = runner.run(&strategy, |(specs, queries)| {
        let ns = format!("prop-{}", case.fetch_add(1, Ordering::Relaxed));
        rt.block_on(run_case(&store, &memory, &ns, &specs, &queries, &stats))
    });
    if let Err(e) = result {
        panic!("{e}");
    }

    let filters = stats.filters.load(Ordering::Relaxed);
    let accepted = stats.accepted.load(Ordering::Relaxed);
    let selective = stats.selective.load(Ordering::Relaxed);
    println!(
        "{filters} filters, {accepted} accepted, {selective} matched some but not all records"
    );
    assert!(filters > 0, "no filters were generated");
    assert!(
        accepted * 10 >= filters * 9,
        "only {accepted} of {filters} generated filters were accepted; the generator is off"
    );
    assert!(
        selective * 5 >= filters,
        "only {selective} of {filters} filters matched some but not all records: the test \
         would pass vacuously"
    );
}
