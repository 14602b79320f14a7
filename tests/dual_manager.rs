//! The dual manager on two in-memory stores: write routing per mode, read routing per
//! namespace, continuation tokens across a switch, failure policies, search attribute
//! registration on both stores with repair, and one settings snapshot per call while the
//! settings change under concurrent load.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{TimeZone, Utc};
use workflow_visibility::dual::{
    DualVisibilityManager, FailurePolicy, ReadRule, SettingsHandle, VisibilitySettings,
    WritingMode, publish, settings_handle,
};
use workflow_visibility::layers::{
    GenerationRecorder, Intercept, Layered, Operation, OperationKind,
};
use workflow_visibility::prelude::*;

/// Fails every call of the wrapped store with `Unavailable` while switched on (an
/// unreachable store).
#[derive(Default)]
struct Outage(AtomicBool);

impl Intercept for Outage {
    async fn around<T: Send>(
        &self,
        store: &str,
        _operation: Operation,
        call: impl Future<Output = Result<T, Error>> + Send,
    ) -> Result<T, Error> {
        if self.0.load(Ordering::SeqCst) {
            return Err(Error::Unavailable(format!("{store}: connection refused")));
        }
        call.await
    }
}

struct Fixture {
    dual: Arc<DualVisibilityManager>,
    primary: Arc<dyn VisibilityManager>,
    secondary: Arc<dyn VisibilityManager>,
    settings: SettingsHandle,
    secondary_outage: Arc<Outage>,
    recorder: Arc<Layered<Arc<GenerationRecorder>>>,
}

fn fixture(
    settings: VisibilitySettings,
) -> (Fixture, Arc<GenerationRecorder>, Arc<GenerationRecorder>) {
    let settings = settings_handle(settings);
    let primary: Arc<dyn VisibilityManager> = Arc::new(InMemoryStore::with_options(
        "primary",
        StoreOptions::default(),
    ));
    let secondary: Arc<dyn VisibilityManager> = Arc::new(InMemoryStore::with_options(
        "secondary",
        StoreOptions::default(),
    ));
    let outage = Arc::new(Outage::default());
    let secondary_down: Arc<dyn VisibilityManager> =
        Arc::new(Layered::new(Arc::clone(&secondary), Arc::clone(&outage)));
    let rec_p = Arc::new(GenerationRecorder::default());
    let rec_s = Arc::new(GenerationRecorder::default());
    let p_layer = Arc::new(Layered::new(Arc::clone(&primary), Arc::clone(&rec_p)));
    let s_layer: Arc<dyn VisibilityManager> =
        Arc::new(Layered::new(secondary_down, Arc::clone(&rec_s)));
    let dual = Arc::new(
        DualVisibilityManager::new(p_layer.clone(), s_layer, Arc::clone(&settings)).unwrap(),
    );
    (
        Fixture {
            dual,
            primary,
            secondary,
            settings,
            secondary_outage: outage,
            recorder: p_layer,
        },
        rec_p,
        rec_s,
    )
}

fn record(ns: &str, i: usize) -> ExecutionRecord {
    let t =
        Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(i as i64);
    ExecutionRecord::new(ns, format!("wf-{i}"), format!("run-{i}"), "billing", t)
}

async fn present(store: &Arc<dyn VisibilityManager>, ns: &str, i: usize) -> bool {
    match store
        .get_workflow_execution(GetRequest::new(ns, format!("wf-{i}"), format!("run-{i}")))
        .await
    {
        Ok(_) => true,
        Err(e) if e.kind() == ErrorKind::NotFound => false,
        Err(e) => panic!("get failed: {e}"),
    }
}

fn with_mode(mode: WritingMode) -> VisibilitySettings {
    VisibilitySettings {
        writing_mode: mode,
        ..Default::default()
    }
}

#[tokio::test]
async fn writes_follow_the_writing_mode() {
    let (f, _, _) = fixture(with_mode(WritingMode::Off));
    let ns = "ns";
    for (i, mode) in [WritingMode::Off, WritingMode::On, WritingMode::Dual]
        .into_iter()
        .enumerate()
    {
        publish(&f.settings, with_mode(mode));
        assert_eq!(
            f.dual.write_store_names(),
            match mode {
                WritingMode::Off => vec!["primary"],
                WritingMode::On => vec!["secondary"],
                WritingMode::Dual => vec!["primary", "secondary"],
            }
        );
        f.dual
            .record_workflow_execution_started(RecordStartedRequest::new(record(ns, i)))
            .await
            .unwrap();
        let (p, s) = (
            present(&f.primary, ns, i).await,
            present(&f.secondary, ns, i).await,
        );
        assert_eq!(
            (p, s),
            match mode {
                WritingMode::Off => (true, false),
                WritingMode::On => (false, true),
                WritingMode::Dual => (true, true),
            },
            "mode {mode}"
        );
    }
}

#[tokio::test]
async fn reads_follow_namespace_rules_and_tokens_stay_with_their_store() {
    let (f, _, _) = fixture(with_mode(WritingMode::Dual));
    for i in 0..5 {
        f.dual
            .record_workflow_execution_started(RecordStartedRequest::new(record("orders", i)))
            .await
            .unwrap();
    }
    // Only the primary has this one, so reads show where they are served from.
    f.primary
        .record_workflow_execution_started(RecordStartedRequest::new(record("orders", 99)))
        .await
        .unwrap();
    let count = |f: &Fixture| {
        let dual = Arc::clone(&f.dual);
        async move {
            dual.count_workflow_executions(CountRequest::new("orders").namespace_name("orders"))
                .await
                .unwrap()
                .count
        }
    };
    assert_eq!(
        f.dual.read_store_name("id-orders", Some("orders")),
        "primary"
    );

    // Page 1 from the primary, then reads move to the secondary for this namespace.
    let page1 = f
        .dual
        .list_workflow_executions(ListRequest::new("orders").page_size(2))
        .await
        .unwrap();
    assert_eq!(page1.executions.len(), 2);
    publish(
        &f.settings,
        VisibilitySettings {
            writing_mode: WritingMode::Dual,
            read_rules: vec![ReadRule {
                namespace: Some("orders".into()),
                namespace_id: None,
                value: true,
            }],
            ..Default::default()
        },
    );
    assert_eq!(f.dual.read_store_name("orders", None), "secondary");
    assert_eq!(f.dual.read_store_name("billing", None), "primary");
    assert_eq!(
        count(&f).await,
        5,
        "reads of orders now come from the secondary (5 records)"
    );
    // The continuation still goes to the primary, which issued the token: 6 records in all.
    let mut seen = page1.executions.len();
    let mut token = page1.next_page_token;
    while let Some(t) = token {
        let page = f
            .dual
            .list_workflow_executions(
                ListRequest::new("orders")
                    .page_size(2)
                    .next_page_token(Some(t)),
            )
            .await
            .unwrap();
        seen += page.executions.len();
        token = page.next_page_token;
    }
    assert_eq!(seen, 6, "the continuation must stay on the primary");
    // A new listing is served by the secondary (5 records).
    let fresh = f
        .dual
        .list_workflow_executions(ListRequest::new("orders").page_size(100))
        .await
        .unwrap();
    assert_eq!(fresh.executions.len(), 5);

    // A token from a store that is not configured is rejected.
    let foreign = InMemoryStore::with_options("elsewhere", StoreOptions::default());
    for i in 0..3 {
        foreign
            .record_workflow_execution_started(RecordStartedRequest::new(record("orders", i)))
            .await
            .unwrap();
    }
    let t = foreign
        .list_workflow_executions(ListRequest::new("orders").page_size(1))
        .await
        .unwrap()
        .next_page_token;
    let e = f
        .dual
        .list_workflow_executions(ListRequest::new("orders").next_page_token(t))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("elsewhere"), "{e}");
}

#[tokio::test]
async fn unreachable_secondary_fails_the_call_or_is_tolerated() {
    let (f, _, _) = fixture(with_mode(WritingMode::Dual));
    f.secondary_outage.0.store(true, Ordering::SeqCst);
    let e = f
        .dual
        .record_workflow_execution_started(RecordStartedRequest::new(record("ns", 1)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(
        e.to_string().contains("secondary"),
        "names the failed store: {e}"
    );
    // The primary write may have happened; the version guard makes a retry safe.
    assert!(present(&f.primary, "ns", 1).await);

    publish(
        &f.settings,
        VisibilitySettings {
            writing_mode: WritingMode::Dual,
            failure_policy: FailurePolicy::Tolerate,
            ..Default::default()
        },
    );
    f.dual
        .record_workflow_execution_started(RecordStartedRequest::new(record("ns", 2)))
        .await
        .expect("tolerated");
    assert_eq!(f.dual.tolerated_write_failures(), 1);
    assert!(present(&f.primary, "ns", 2).await);
    assert!(!present(&f.secondary, "ns", 2).await);

    // Bad input is never tolerated.
    let mut bad = record("ns", 3);
    bad.version = -1;
    assert_eq!(
        f.dual
            .record_workflow_execution_started(RecordStartedRequest::new(bad))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidArgument
    );
}

#[tokio::test]
async fn search_attributes_go_to_both_stores_and_a_rerun_repairs() {
    let (f, _, _) = fixture(with_mode(WritingMode::Off));
    let attrs = || {
        AddSearchAttributesRequest::new(
            "ns",
            [("CustomerId".to_string(), SearchAttributeType::Keyword)],
        )
    };
    let list = |s: Arc<dyn VisibilityManager>| async move {
        s.list_search_attributes(ListSearchAttributesRequest::new("ns"))
            .await
            .unwrap()
            .custom
    };
    f.secondary_outage.0.store(true, Ordering::SeqCst);
    let e = f.dual.add_search_attributes(attrs()).await.unwrap_err();
    assert!(e.to_string().contains("repair"), "{e}");
    assert_eq!(list(Arc::clone(&f.primary)).await.len(), 1);
    assert_eq!(list(Arc::clone(&f.secondary)).await.len(), 0);
    f.secondary_outage.0.store(false, Ordering::SeqCst);
    f.dual
        .add_search_attributes(attrs())
        .await
        .expect("re-run repairs");
    let expected = BTreeMap::from([("CustomerId".to_string(), SearchAttributeType::Keyword)]);
    assert_eq!(list(Arc::clone(&f.primary)).await, expected);
    assert_eq!(list(Arc::clone(&f.secondary)).await, expected);
    assert_eq!(
        f.dual
            .add_search_attributes(attrs())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::AlreadyExists
    );
    f.dual
        .remove_search_attributes(RemoveSearchAttributesRequest::new("ns", ["CustomerId"]))
        .await
        .unwrap();
    assert!(list(Arc::clone(&f.primary)).await.is_empty());
    assert!(list(Arc::clone(&f.secondary)).await.is_empty());
    assert_eq!(
        f.dual
            .remove_search_attributes(RemoveSearchAttributesRequest::new("ns", ["CustomerId"]))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_call_uses_one_snapshot_while_settings_flip() {
    let (f, rec_p, rec_s) = fixture(with_mode(WritingMode::Off));
    let _ = &f.recorder;
    let modes = [WritingMode::Off, WritingMode::On, WritingMode::Dual];
    let mode_of: Arc<std::sync::Mutex<HashMap<u64, (WritingMode, bool)>>> = Arc::new(
        std::sync::Mutex::new(HashMap::from([(1, (WritingMode::Off, false))])),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let flipper = {
        let (settings, mode_of, stop) = (
            Arc::clone(&f.settings),
            Arc::clone(&mode_of),
            Arc::clone(&stop),
        );
        tokio::spawn(async move {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let mode = modes[i % 3];
                let read_secondary = i % 2 == 1;
                {
                    // Hold the map lock across publish so no generation is ever unknown.
                    let mut map = mode_of.lock().unwrap();
                    let g = publish(
                        &settings,
                        VisibilitySettings {
                            writing_mode: mode,
                            read_from_secondary: read_secondary,
                            ..Default::default()
                        },
                    );
                    map.insert(g, (mode, read_secondary));
                }
                i += 1;
                tokio::task::yield_now().await;
            }
        })
    };
    let mut workers = Vec::new();
    for w in 0..8 {
        let dual = Arc::clone(&f.dual);
        workers.push(tokio::spawn(async move {
            for i in 0..60 {
                let n = w * 1000 + i;
                // Each call on its own task, so the recorder can group a call's store calls.
                let d = Arc::clone(&dual);
                tokio::spawn(async move {
                    d.record_workflow_execution_started(RecordStartedRequest::new(record("ns", n)))
                        .await
                })
                .await
                .unwrap()
                .unwrap();
                let d = Arc::clone(&dual);
                tokio::spawn(async move {
                    d.list_workflow_executions(ListRequest::new("ns").page_size(5))
                        .await
                })
                .await
                .unwrap()
                .unwrap();
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    flipper.await.unwrap();

    let mode_of = mode_of.lock().unwrap();
    let mut by_task: HashMap<tokio::task::Id, Vec<(String, Operation, u64)>> = HashMap::new();
    for c in rec_p.calls().into_iter().chain(rec_s.calls()) {
        let generation = c
            .generation
            .expect("every store call runs under a generation");
        by_task
            .entry(c.task.expect("store calls run on a task"))
            .or_default()
            .push((c.store, c.operation, generation));
    }
    assert!(
        by_task.len() >= 8 * 60 * 2,
        "calls recorded: {}",
        by_task.len()
    );
    for calls in by_task.values() {
        let generations: Vec<u64> = calls.iter().map(|c| c.2).collect();
        assert!(
            generations.windows(2).all(|w| w[0] == w[1]),
            "one manager call saw several generations: {calls:?}"
        );
        let (mode, read_secondary) = mode_of[&generations[0]];
        let stores: Vec<&str> = calls.iter().map(|c| c.0.as_str()).collect();
        match calls[0].1.kind() {
            OperationKind::Write => assert_eq!(
                stores,
                match mode {
                    WritingMode::Off => vec!["primary"],
                    WritingMode::On => vec!["secondary"],
                    WritingMode::Dual => {
                        let mut s = stores.clone();
                        s.sort();
                        assert_eq!(s, ["primary", "secondary"]);
                        stores.clone()
                    }
                },
                "write under generation {} ({mode})",
                generations[0]
            ),
            _ => assert_eq!(
                stores,
                [if read_secondary {
                    "secondary"
                } else {
                    "primary"
                }],
                "read under generation {}",
                generations[0]
            ),
        }
    }
}
