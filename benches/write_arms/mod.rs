//! The write benchmark's per-store arms and what they share: the record written, the custom
//! attributes it carries, and the criterion group that puts the store next to its baseline.
//!
//! Every arm benchmarks `record_workflow_execution_started` against a baseline that writes
//! the same rows into the same tables (a second, identically set-up database) with plain
//! prepared INSERTs, one transaction per record. The baseline skips everything the store
//! adds on top: validation, the registry lookup, the tombstone guard, duplicate handling,
//! building the attribute JSON and side rows.

#[cfg(feature = "mysql")]
pub mod mariadb;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{TimeZone, Utc};
use criterion::Criterion;
use tokio::runtime::Runtime;
use workflow_visibility::prelude::*;

/// The namespace every record goes to.
pub const NS: &str = "bench-ns";
/// The custom Keyword attribute and its value.
pub const KEYWORD_ATTR: &str = "CustomKeywordField";
pub const KEYWORD_VALUE: &str = "abc";
/// The custom Int attribute and its value.
pub const INT_ATTR: &str = "CustomIntField";
pub const INT_VALUE: i64 = 7;
/// Memo bytes and encoding.
pub const MEMO: &[u8] = &[10, 11, 12];
pub const MEMO_ENCODING: &str = "Proto3";

/// The single-threaded runtime both sides run on, so neither gets more parallelism.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The `n`-th record: a running execution with a memo and two custom attributes.
pub fn record(n: u64) -> ExecutionRecord {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
        + chrono::Duration::seconds(i64::try_from(n).expect("record number fits i64"));
    let mut r = ExecutionRecord::new(
        NS,
        format!("wf-{n}"),
        format!("run-{n:012}"),
        "BenchWorkflow",
        start,
    );
    r.task_queue = "bench-tq".into();
    r.history_length = 10;
    r.history_size_bytes = 1024;
    r.state_transition_count = 5;
    r.memo = Some(Memo {
        encoding: MEMO_ENCODING.into(),
        data: MEMO.to_vec(),
    });
    r.search_attributes.insert(
        KEYWORD_ATTR.into(),
        SearchAttributeValue::Keyword(KEYWORD_VALUE.into()),
    );
    r.search_attributes
        .insert(INT_ATTR.into(), SearchAttributeValue::Int(INT_VALUE));
    r
}

/// Registers the two custom attributes in [`NS`].
pub async fn register_attributes(store: &dyn VisibilityManager) {
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            [
                (KEYWORD_ATTR.to_string(), SearchAttributeType::Keyword),
                (INT_ATTR.to_string(), SearchAttributeType::Int),
            ],
        ))
        .await
        .expect("register the benchmark's custom attributes");
}

/// Storage ids of the two custom attributes, as a baseline reads them from its database.
#[derive(Debug, Clone, Copy)]
pub struct AttributeIds {
    pub keyword: i64,
    pub int: i64,
}

impl AttributeIds {
    /// Picks the ids out of `(name, id)` rows of the `search_attributes` table.
    pub fn from_rows(rows: &[(String, i64)]) -> Self {
        let id = |name: &str| {
            rows.iter()
                .find(|(n, _)| n == name)
                .map(|(_, id)| *id)
                .unwrap_or_else(|| panic!("{name} is not registered in the baseline database"))
        };
        AttributeIds {
            keyword: id(KEYWORD_ATTR),
            int: id(INT_ATTR),
        }
    }

    /// The `search_attributes` document the stores write for [`record`]: values keyed by
    /// storage id (built with the same JSON map type, so key order matches too).
    pub fn document(self) -> String {
        let mut map = serde_json::Map::new();
        map.insert(self.keyword.to_string(), KEYWORD_VALUE.into());
        map.insert(self.int.to_string(), INT_VALUE.into());
        serde_json::Value::Object(map).to_string()
    }
}

/// A baseline: writes the rows of [`record`]`(n)` with plain prepared INSERTs in one
/// transaction.
pub trait Baseline {
    fn insert(&self, n: u64) -> impl Future<Output = ()>;
}

/// Rounds and records per block of the interleaved comparison.
const ROUNDS: usize = 40;
const BLOCK: u64 = 50;

/// Whether criterion runs a full benchmark (`cargo bench` passes `--bench`; `cargo test`
/// does not), and the name filter it was given, if any.
fn bench_args() -> (bool, Option<String>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    let filter = args.into_iter().find(|a| !a.starts_with('-'));
    (bench, filter)
}

/// Store and baseline alternating in blocks of [`BLOCK`] records for [`ROUNDS`] rounds (the
/// side going first alternates too), so drift in the machine's load hits both alike; prints
/// the median time per record of each and the median of the per-round ratios. Criterion's
/// two measurements run seconds apart, which on a shared machine can move the ratio more
/// than the difference being measured.
fn interleaved(
    rt: &Runtime,
    group: &str,
    store: &dyn VisibilityManager,
    baseline: &impl Baseline,
    counter: &AtomicU64,
) {
    let store_block = || async {
        let began = std::time::Instant::now();
        for _ in 0..BLOCK {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            store
                .record_workflow_execution_started(RecordStartedRequest::new(record(n)))
                .await
                .expect("record_workflow_execution_started");
        }
        began.elapsed().as_secs_f64() / BLOCK as f64
    };
    let baseline_block = || async {
        let began = std::time::Instant::now();
        for _ in 0..BLOCK {
            baseline
                .insert(counter.fetch_add(1, Ordering::Relaxed))
                .await;
        }
        began.elapsed().as_secs_f64() / BLOCK as f64
    };
    let (mut stores, mut baselines, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (s, b) = rt.block_on(async {
            if round % 2 == 0 {
                let s = store_block().await;
                (s, baseline_block().await)
            } else {
                let b = baseline_block().await;
                (store_block().await, b)
            }
        });
        stores.push(s);
        baselines.push(b);
        ratios.push(s / b);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{group} interleaved: workflow_visibility {:.1} µs, baseline_prepared_inserts {:.1} µs \
         per record; ratio {:.2}x (median of {ROUNDS} rounds of {BLOCK} records each)",
        median(&mut stores) * 1e6,
        median(&mut baselines) * 1e6,
        median(&mut ratios)
    );
}

/// One criterion group per store, named `<store>_record_started`, with the store and its
/// baseline side by side so their ratio reads straight off the report; under `cargo bench`
/// followed by an interleaved comparison of the two (see [`interleaved`]).
pub fn compare(
    c: &mut Criterion,
    rt: &Runtime,
    store_name: &str,
    store: &dyn VisibilityManager,
    baseline: &impl Baseline,
) {
    // One counter for both sides: every record number is written once.
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group(format!("{store_name}_record_started"));
    group.bench_function("workflow_visibility", |b| {
        b.to_async(rt).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            async move {
                store
                    .record_workflow_execution_started(RecordStartedRequest::new(record(n)))
                    .await
                    .expect("record_workflow_execution_started")
            }
        })
    });
    group.bench_function("baseline_prepared_inserts", |b| {
        b.to_async(rt).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            baseline.insert(n)
        })
    });
    group.finish();
    let group = format!("{store_name}_record_started");
    match bench_args() {
        (true, Some(filter)) if !group.contains(&filter) => {}
        (true, _) => interleaved(rt, &group, store, baseline, &counter),
        (false, _) => {}
    }
}

/// Checks that the baseline wrote what the store writes: reading the baseline's record back
/// through a store on the baseline's database gives the store's own record back.
pub async fn check_baseline_readable(store_on_baseline: &dyn VisibilityManager, n: u64) {
    let expected = record(n);
    let got = store_on_baseline
        .get_workflow_execution(GetRequest::new(NS, &expected.workflow_id, &expected.run_id))
        .await
        .expect("the baseline's record reads back through the store")
        .execution;
    assert_eq!(
        got.search_attributes, expected.search_attributes,
        "baseline attribute document"
    );
    assert_eq!(got.memo, expected.memo, "baseline memo");
    assert_eq!(got.start_time, expected.start_time, "baseline start time");
}
