//! The bulk loaders must write exactly what the store writes. Before loading, the scale
//! bench writes a sample of the data set twice, into two fresh databases: once through the
//! store API (`record_workflow_execution_started` for running records,
//! `record_workflow_execution_closed` for closed ones, one call per record in data-set
//! order), once through the bulk loader. Every row of every table the store writes must be
//! equal, row ids included.

use workflow_visibility::prelude::*;

use super::dataset::Dataset;
use super::{Backend, register_attributes};

/// Records in the sample.
const SAMPLE: u64 = 300;

/// Panics with the first difference if the bulk loader's rows differ from the store's.
pub async fn bulk_matches_store<B: Backend>() {
    let data = Dataset { n: SAMPLE };
    let records: Vec<ExecutionRecord> = (0..SAMPLE).map(|i| data.record(i)).collect();

    let api = B::create("wfvis_scale_check_api").await;
    register_attributes(api.store()).await;
    for r in &records {
        let written = if r.status == ExecutionStatus::Running {
            api.store()
                .record_workflow_execution_started(RecordStartedRequest::new(r.clone()))
                .await
        } else {
            api.store()
                .record_workflow_execution_closed(RecordClosedRequest::new(r.clone()))
                .await
        };
        written.expect("write a sample record through the store");
    }

    let bulk = B::create("wfvis_scale_check_bulk").await;
    register_attributes(bulk.store()).await;
    let registry = bulk.registry().await;
    bulk.bulk_insert(records, &registry).await;

    let (expected, got) = (api.dump().await, bulk.dump().await);
    assert!(
        expected.len() as u64 > SAMPLE,
        "{}: the dump of the store-written sample has {} rows",
        B::NAME,
        expected.len()
    );
    if let Some((e, g)) = expected.iter().zip(&got).find(|(e, g)| e != g) {
        panic!(
            "{}: bulk-loaded rows differ from store-written rows:\n store: {e}\n bulk:  {g}",
            B::NAME
        );
    }
    assert_eq!(
        expected.len(),
        got.len(),
        "{}: store-written and bulk-loaded row counts",
        B::NAME
    );
    println!(
        "{}: bulk loader checked: {} rows equal to store-written rows",
        B::NAME,
        got.len()
    );
    api.close().await;
    bulk.close().await;
}
