//! Runs the examples as part of the test suite, so they keep compiling and working.

#![cfg(feature = "sqlite")]

#[path = "../examples/quickstart.rs"]
#[allow(dead_code)]
mod quickstart;

#[tokio::test]
async fn quickstart_lists_the_two_matching_records() {
    let listed = quickstart::run().await.expect("quickstart failed");
    // order-0 (closed) and order-2 are billing runs for acme.
    assert_eq!(listed, 2);
}

#[path = "../examples/dual_migration.rs"]
#[allow(dead_code)]
mod dual_migration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dual_migration_walks_every_step() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dual_migration::run(dir.path())
        .await
        .expect("walk-through failed");
    assert_eq!(reports.len(), 5);
    let reads =
        |i: usize| -> Vec<&str> { reports[i].reads.iter().map(|(_, s)| s.as_str()).collect() };
    // Step 1: nothing reaches the new store; reads on the old one.
    assert_eq!(reports[0].new_count, 0);
    assert!(reports[0].old_count > 0);
    assert_eq!(reads(0), ["old-sqlite", "old-sqlite"]);
    // Step 2: dual writes reach the new store too.
    assert!(reports[1].new_count > 0);
    assert_eq!(reads(1), ["old-sqlite", "old-sqlite"]);
    // Step 3: 'orders' reads from the new store, 'billing' still from the old one.
    assert_eq!(reads(2), ["new-sqlite", "old-sqlite"]);
    // Step 4: all reads from the new store; both stores keep growing.
    assert_eq!(reads(3), ["new-sqlite", "new-sqlite"]);
    assert!(reports[3].new_count > reports[1].new_count);
    assert!(reports[3].old_count > reports[1].old_count);
    // The old store has everything the new one has, plus what came before step 2.
    assert!(reports[3].old_count >= reports[3].new_count);
    assert_eq!(reads(4), ["new-sqlite", "new-sqlite"]);
}
