//! The scale benchmark's parts: the data set, the bulk loaders (one per store), the check
//! that bulk-loaded rows equal store-written ones, latency sampling and the driver that ties
//! them together for one store.

pub mod dataset;
pub mod explain;
pub mod measure;
pub mod queries;
pub mod rows;
pub mod verify;

#[cfg(feature = "mysql")]
pub mod mariadb;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::future::Future;
use std::time::{Duration, Instant};

use futures::StreamExt;
use workflow_visibility::prelude::*;

use dataset::{Dataset, INT_ATTR, KEYWORD_ATTR, MAIN_NS, namespaces};
use measure::{Line, Sampling};
use queries::{Kind, Tally, canonical};
use rows::Registry;

/// Records generated and written per loader transaction.
const CHUNK: u64 = 10_000;

/// A store under test plus direct access to its database for loading and inspection.
pub trait Backend: Sized {
    /// The store's name in the report.
    const NAME: &'static str;
    /// Its key in `WFVIS_SCALE_STORES` and `WFVIS_SCALE_SQL_<KEY>`.
    const KEY: &'static str;
    /// Loader transactions that may run at once.
    const LOAD_CONCURRENCY: usize;

    /// A fresh database with the store's schema and a store opened on it; `label` names it.
    fn create(label: &str) -> impl Future<Output = Self>;

    /// The store.
    fn store(&self) -> &dyn VisibilityManager;

    /// The server and its settings, for the report.
    fn describe(&self) -> String;

    /// Storage ids of the registered custom attributes, read from the database.
    fn registry(&self) -> impl Future<Output = Registry>;

    /// Writes `records` in one transaction, exactly as the store would have written them,
    /// with row ids from the same source the store takes them from.
    fn bulk_insert(
        &self,
        records: Vec<ExecutionRecord>,
        registry: &Registry,
    ) -> impl Future<Output = ()>;

    /// Runs one statement of `WFVIS_SCALE_SQL_<KEY>` on the loaded database.
    fn execute(&self, sql: &str) -> impl Future<Output = ()>;

    /// Brings the database to the state the server's own maintenance reaches after a load
    /// (statistics; PostgreSQL's autovacuum).
    fn after_load(&self) -> impl Future<Output = ()>;

    /// Every row of the tables a store writes, one string each, sorted.
    fn dump(&self) -> impl Future<Output = Vec<String>>;

    /// The plan of the statement the store runs for a canonical query on the main
    /// namespace (whose custom attributes are `attributes`).
    fn explain(
        &self,
        query: &queries::Canonical,
        attributes: &workflow_visibility::attributes::NamespaceAttributes,
    ) -> impl Future<Output = String>;

    /// Closes the store and releases the database.
    fn close(self) -> impl Future<Output = ()>;
}

/// Registers the data set's custom attributes in every namespace.
pub async fn register_attributes(store: &dyn VisibilityManager) {
    for ns in namespaces() {
        store
            .add_search_attributes(AddSearchAttributesRequest::new(
                ns,
                [
                    (KEYWORD_ATTR.to_string(), SearchAttributeType::Keyword),
                    (INT_ATTR.to_string(), SearchAttributeType::Int),
                ],
            ))
            .await
            .expect("register the data set's custom attributes");
    }
}

/// Reads the registry back through direct SQL rows `(namespace, name, id)`.
pub fn registry_from_rows(rows: Vec<(String, String, i64)>) -> Registry {
    let mut registry = Registry::new();
    for (ns, name, id) in rows {
        registry.entry(ns).or_default().insert(name, id);
    }
    registry
}

/// How the run is configured (see `benches/scale.rs`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub n: u64,
    pub sampling: Sampling,
    pub explain: bool,
}

/// Bulk-loads the data set, printing progress; returns what it loaded.
async fn load<B: Backend>(backend: &B, registry: &Registry, data: Dataset) -> (Tally, Duration) {
    let began = Instant::now();
    let mut tally = Tally::new(&data);
    let chunks = (0..data.n.div_ceil(CHUNK)).map(|c| c * CHUNK..((c + 1) * CHUNK).min(data.n));
    let mut done = 0u64;
    let mut next_report = data.n / 10;
    let mut writes = futures::stream::iter(chunks)
        .map(|range| {
            let records: Vec<ExecutionRecord> = range.map(|i| data.record(i)).collect();
            for r in &records {
                tally.add(r);
            }
            let len = records.len() as u64;
            async move {
                backend.bulk_insert(records, registry).await;
                len
            }
        })
        .buffer_unordered(B::LOAD_CONCURRENCY);
    while let Some(len) = writes.next().await {
        done += len;
        if done >= next_report && data.n >= 100_000 {
            let secs = began.elapsed().as_secs_f64();
            eprintln!(
                "  {}: loaded {done} of {} records in {secs:.1}s ({:.0} records/s)",
                B::NAME,
                data.n,
                done as f64 / secs
            );
            next_report += data.n / 10;
        }
    }
    drop(writes);
    (tally, began.elapsed())
}

/// Checks the load through the store: the count of every namespace, and the status groups of
/// the main one.
async fn check_counts(store: &dyn VisibilityManager, tally: &Tally) {
    let mut total = 0;
    for ns in namespaces() {
        total += store
            .count_workflow_executions(CountRequest::new(&ns))
            .await
            .expect("count")
            .count;
    }
    assert_eq!(
        total as u64, tally.total,
        "records counted through the store"
    );
    let grouped = store
        .count_workflow_executions(CountRequest::new(MAIN_NS).query("GROUP BY ExecutionStatus"))
        .await
        .expect("grouped count");
    check_groups(&grouped, tally);
}

fn check_groups(grouped: &CountResponse, tally: &Tally) {
    assert_eq!(grouped.count as u64, tally.main, "main namespace count");
    for status in ExecutionStatus::ALL {
        let expected = tally.by_status[usize::try_from(status.code() - 1).unwrap()];
        let got = grouped
            .groups
            .iter()
            .find(|g| g.values == [SearchAttributeValue::Keyword(status.name().into())])
            .map_or(0, |g| g.count);
        assert_eq!(got as u64, expected, "group {status}");
    }
}

/// Runs one canonical query once and checks its result against the tally.
async fn run_query(
    store: &dyn VisibilityManager,
    q: &queries::Canonical,
    expected: u64,
    tally: &Tally,
) {
    match q.kind {
        Kind::List => {
            let page = store
                .list_workflow_executions(ListRequest::new(MAIN_NS).query(&q.query).page_size(100))
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", q.label));
            assert_eq!(
                page.executions.len() as u64,
                expected.min(100),
                "{}: page size",
                q.label
            );
            assert_eq!(
                page.next_page_token.is_some(),
                expected > 100,
                "{}: next page",
                q.label
            );
        }
        Kind::GroupedCount => {
            let grouped = store
                .count_workflow_executions(CountRequest::new(MAIN_NS).query(&q.query))
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", q.label));
            check_groups(&grouped, tally);
        }
    }
}

/// Targets at 1M records (issue 3): list p50 ≤ 10 ms, grouped count ≤ 300 ms.
fn target(kind: Kind) -> Duration {
    match kind {
        Kind::List => Duration::from_millis(10),
        Kind::GroupedCount => Duration::from_millis(300),
    }
}

/// The whole run for one store: check the bulk path, load, check, measure, explain.
pub async fn run<B: Backend>(settings: &Settings, lines: &mut Vec<Line>) {
    verify::bulk_matches_store::<B>().await;
    let backend = B::create("wfvis_scale").await;
    eprintln!("{}: {}", B::NAME, backend.describe());
    register_attributes(backend.store()).await;
    let registry = backend.registry().await;
    let data = Dataset { n: settings.n };
    let (tally, took) = load(&backend, &registry, data).await;
    println!(
        "{}: bulk-loaded {} records ({} in {MAIN_NS}) in {:.1}s ({:.0} records/s)",
        B::NAME,
        data.n,
        tally.main,
        took.as_secs_f64(),
        data.n as f64 / took.as_secs_f64()
    );
    // Experiments (say, an index a query might need) run after the load, before the
    // maintenance that gathers statistics.
    let variable = format!("WFVIS_SCALE_SQL_{}", B::KEY.to_ascii_uppercase());
    if let Ok(script) = std::env::var(&variable) {
        for statement in script.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let began = Instant::now();
            backend.execute(statement).await;
            println!(
                "{}: EXPERIMENT ({variable}) ran in {:.1}s: {statement}",
                B::NAME,
                began.elapsed().as_secs_f64()
            );
        }
    }
    let maintenance = Instant::now();
    backend.after_load().await;
    println!(
        "{}: post-load maintenance in {:.1}s",
        B::NAME,
        maintenance.elapsed().as_secs_f64()
    );
    check_counts(backend.store(), &tally).await;
    measure::print_header();
    for (q, &expected) in canonical(&data).iter().zip(&tally.matches) {
        let store = backend.store();
        let summary =
            measure::sample(settings.sampling, || run_query(store, q, expected, &tally)).await;
        let line = Line {
            store: B::NAME.to_string(),
            query: q.label.to_string(),
            matches: expected,
            summary,
            target: Some(target(q.kind)),
        };
        measure::print_line(&line);
        lines.push(line);
        if settings.explain {
            let attributes = explain::main_attributes(&registry);
            println!("{}", backend.explain(q, &attributes).await);
        }
    }
    backend.close().await;
}
