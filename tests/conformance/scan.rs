//! Scan: unordered bulk iteration returning every record that exists for the whole scan
//! exactly once, even while records are being inserted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use workflow_visibility::prelude::*;

use super::support::*;

pub async fn every_record_exactly_once(store: Store, ns: String) {
    use ExecutionStatus as S;
    let mut expected = BTreeMap::new();
    for i in 0..57i64 {
        let mut r = rec(&ns, &format!("w{i:02}"), at(i % 7));
        if i % 2 == 0 {
            r = r.closed(S::Completed, at(100 + i % 3));
        }
        write(&store, r.clone()).await;
        expected.insert(r.workflow_id.clone(), stored(r));
    }
    // Records of a namespace division are not part of the default scan.
    write(
        &store,
        rec(&ns, "divided", at(0)).sa("TemporalNamespaceDivision", kw("d")),
    )
    .await;
    for page_size in [1, 4, 10, 56, 57, 1000] {
        let got = scan_all(&store, &ns, "", page_size).await;
        let ids = wf_ids(&got);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "scan at page size {page_size} repeated a record"
        );
        let got: BTreeMap<String, ExecutionRecord> = got
            .into_iter()
            .map(|r| (r.workflow_id.clone(), r))
            .collect();
        assert_eq!(got, expected, "scan at page size {page_size}");
    }
}

pub async fn exactly_once_with_concurrent_inserts(store: Store, ns: String) {
    let originals: Vec<String> = (0..30).map(|i| format!("w{i:02}")).collect();
    for (i, wf) in originals.iter().enumerate() {
        write(&store, rec(&ns, wf, at(i as i64))).await;
    }
    // A writer inserting concurrently with the scan.
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, ns, stop, started) = (store.clone(), ns.clone(), stop.clone(), started.clone());
        tokio::spawn(async move {
            let mut n = 0i64;
            // Bounded, so that a scan that returns new records can still catch up.
            while !stop.load(Ordering::Relaxed) && n < 200 {
                let start = at(if n % 2 == 0 { -1000 - n } else { 1000 + n });
                write(&store, rec(&ns, &format!("bg{n:04}"), start)).await;
                n += 1;
                started.store(true, Ordering::Relaxed);
                tokio::task::yield_now().await;
            }
            n
        })
    };
    // A fast store could finish the scan before the writer is first scheduled: start
    // scanning only once it is writing, so the scan really overlaps with inserts.
    while !started.load(Ordering::Relaxed) {
        tokio::task::yield_now().await;
    }
    let mut seen = Vec::new();
    let mut token = None;
    for k in 0.. {
        let page = store
            .scan_workflow_executions(
                ListRequest::new(&ns)
                    .page_size(4)
                    .next_page_token(token.clone()),
            )
            .await
            .expect("scan");
        seen.extend(page.executions);
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => break,
        }
        assert!(k < 10_000, "scan does not end while inserting");
        // And inserts between pages, before and after in any plausible order.
        write(&store, rec(&ns, &format!("between-a-{k}"), at(-500 - k))).await;
        write(&store, rec(&ns, &format!("between-b-{k}"), at(500 + k))).await;
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.expect("writer task");
    let ids = wf_ids(&seen);
    let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
    for id in &ids {
        *counts.entry(id).or_default() += 1;
    }
    let repeated: Vec<_> = counts.iter().filter(|(_, c)| **c > 1).collect();
    assert!(repeated.is_empty(), "scan repeated records: {repeated:?}");
    for wf in &originals {
        assert_eq!(
            counts.get(wf),
            Some(&1),
            "scan skipped {wf}, which existed throughout"
        );
    }
    assert!(written > 0, "the concurrent writer did not run");
}

pub async fn scan_rejects_order_by(store: Store, ns: String) {
    write(&store, rec(&ns, "w", at(0))).await;
    for (query, span) in [
        ("ORDER BY StartTime", "ORDER BY StartTime"),
        (
            "WorkflowId = 'w' ORDER BY StartTime DESC",
            "ORDER BY StartTime DESC",
        ),
    ] {
        rejects_scan(&store, &ns, query, span).await;
    }
}
