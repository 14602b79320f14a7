//! Migrating visibility from one database to another with no downtime, on two embedded
//! SQLite files.
//!
//! Run with `cargo run --example dual_migration`. A writer keeps recording executions while
//! the operator walks the steps of the migration guide:
//!
//! 1. primary only (writing mode `off`);
//! 2. `dual` writes, reads still on the primary;
//! 3. reads from the secondary for one namespace;
//! 4. reads from the secondary for every namespace;
//! 5. the secondary promoted to primary (a plain store, the dual settings gone).
//!
//! After each step it prints where reads are served and how many records each store holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use workflow_visibility::dual::{
    DualVisibilityManager, ReadRule, VisibilitySettings, WritingMode, publish, settings_handle,
};
use workflow_visibility::prelude::*;

const NAMESPACES: [&str; 2] = ["orders", "billing"];

/// What the walk-through observed at the end of one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// Step description.
    pub step: &'static str,
    /// Store serving reads for each namespace.
    pub reads: Vec<(String, String)>,
    /// Records in the old store (the first primary).
    pub old_count: i64,
    /// Records in the new store.
    pub new_count: i64,
}

async fn count(store: &dyn VisibilityManager) -> Result<i64, Error> {
    let mut total = 0;
    for ns in NAMESPACES {
        total += store
            .count_workflow_executions(CountRequest::new(ns))
            .await?
            .count;
    }
    Ok(total)
}

/// Runs the whole walk-through in `dir`; returns one report per step.
pub async fn run(dir: &std::path::Path) -> Result<Vec<StepReport>, Error> {
    let old: Arc<dyn VisibilityManager> = Arc::new(
        SqliteStore::setup(SqliteOptions::file(dir.join("old.db")).name("old-sqlite")).await?,
    );
    let new: Arc<dyn VisibilityManager> = Arc::new(
        SqliteStore::setup(SqliteOptions::file(dir.join("new.db")).name("new-sqlite")).await?,
    );
    let settings = settings_handle(VisibilitySettings::default());
    let dual = Arc::new(DualVisibilityManager::new(
        Arc::clone(&old),
        Arc::clone(&new),
        Arc::clone(&settings),
    )?);

    // A live writer: one execution started every few milliseconds, in both namespaces.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (dual, stop, written) = (Arc::clone(&dual), Arc::clone(&stop), Arc::clone(&written));
        tokio::spawn(async move {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let ns = NAMESPACES[i % 2];
                let record = ExecutionRecord::new(
                    ns,
                    format!("wf-{i}"),
                    format!("run-{i}"),
                    "order",
                    chrono::Utc::now(),
                );
                dual.record_workflow_execution_started(RecordStartedRequest::new(record))
                    .await?;
                written.fetch_add(1, Ordering::Relaxed);
                i += 1;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            Ok::<_, Error>(())
        })
    };

    let mut reports = Vec::new();
    let steps: [(&'static str, VisibilitySettings); 4] = [
        ("1. primary only", VisibilitySettings::default()),
        (
            "2. dual writes, reads on the primary",
            VisibilitySettings {
                writing_mode: WritingMode::Dual,
                ..Default::default()
            },
        ),
        (
            "3. reads from the secondary for 'orders'",
            VisibilitySettings {
                writing_mode: WritingMode::Dual,
                read_rules: vec![ReadRule {
                    namespace: Some("orders".into()),
                    namespace_id: None,
                    value: true,
                }],
                ..Default::default()
            },
        ),
        (
            "4. reads from the secondary everywhere",
            VisibilitySettings {
                writing_mode: WritingMode::Dual,
                read_from_secondary: true,
                ..Default::default()
            },
        ),
    ];
    for (step, step_settings) in steps {
        publish(&settings, step_settings);
        let before = written.load(Ordering::Relaxed);
        while written.load(Ordering::Relaxed) < before + 20 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let reads = NAMESPACES
            .iter()
            .map(|ns| (ns.to_string(), dual.read_store_name(ns, None).to_string()))
            .collect();
        reports.push(StepReport {
            step,
            reads,
            old_count: count(&*old).await?,
            new_count: count(&*new).await?,
        });
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.map_err(|e| Error::Internal(e.to_string()))??;

    // 5. Promote: the new store alone (in a real deployment the config now names it as
    // `visibilityStore` and the dual settings are removed). Backfilling the records written
    // before step 2 is a separate tool; the new store has every record since then.
    reports.push(StepReport {
        step: "5. secondary promoted to primary",
        reads: NAMESPACES
            .iter()
            .map(|ns| (ns.to_string(), new.store_name().to_string()))
            .collect(),
        old_count: count(&*old).await?,
        new_count: count(&*new).await?,
    });
    dual.close().await?;
    Ok(reports)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = std::env::temp_dir().join(format!("wfvis-dual-migration-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temp directory");
    let result = run(&dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(reports) => {
            for r in reports {
                println!("{}", r.step);
                for (ns, store) in &r.reads {
                    println!("   reads of {ns:<8} served by {store}");
                }
                println!(
                    "   records: old store {}, new store {}",
                    r.old_count, r.new_count
                );
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
