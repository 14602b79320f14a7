//! A SQLite file store's write path when a write fails part-way: the transaction it opened is
//! rolled back, and its connection (one per store, dedicated to writes) serves the next write.
//!
//! Failures are provoked with the database's own tools: a trigger that aborts a chosen insert,
//! and a second connection that holds the write lock.

#![cfg(feature = "sqlite")]

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;
use workflow_visibility::prelude::*;

const NS: &str = "writes";

fn record(workflow_id: &str, tag: Option<&str>, version: i64) -> ExecutionRecord {
    let start = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    let mut r = ExecutionRecord::new(NS, workflow_id, format!("run-{workflow_id}"), "T", start);
    r.version = version;
    if let Some(tag) = tag {
        r.search_attributes
            .insert("Tag".into(), SearchAttributeValue::Keyword(tag.into()));
        r.search_attributes.insert(
            "Score".into(),
            SearchAttributeValue::Double(version as f64 + 0.5),
        );
    }
    r
}

async fn store_at(path: &Path, busy: Duration) -> SqliteStore {
    let store = SqliteStore::setup(SqliteOptions::file(path).busy_timeout(busy))
        .await
        .expect("create the database");
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            [
                ("Tag".to_string(), SearchAttributeType::Keyword),
                ("Score".to_string(), SearchAttributeType::Double),
            ],
        ))
        .await
        .unwrap();
    store
}

async fn raw_connection(path: &Path) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open a second connection")
}

async fn get(store: &SqliteStore, workflow_id: &str) -> Option<ExecutionRecord> {
    match store
        .get_workflow_execution(GetRequest::new(
            NS,
            workflow_id,
            format!("run-{workflow_id}"),
        ))
        .await
    {
        Ok(found) => Some(found.execution),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => panic!("get {workflow_id}: {e}"),
    }
}

async fn count(store: &SqliteStore, query: &str) -> i64 {
    store
        .count_workflow_executions(CountRequest::new(NS).query(query))
        .await
        .unwrap()
        .count
}

#[tokio::test]
async fn a_write_failing_part_way_is_rolled_back_and_the_next_write_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vis.db");
    let store = store_at(&path, Duration::from_secs(5)).await;
    let mut raw = raw_connection(&path).await;
    // The record row is written first, its side rows after it: abort on a side row.
    sqlx::query(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON sa_string WHEN NEW.value = 'boom' \
         BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END",
    )
    .execute(&mut raw)
    .await
    .unwrap();

    // A started record: nothing of it stays.
    let err = store
        .record_workflow_execution_started(RecordStartedRequest::new(record(
            "new",
            Some("boom"),
            0,
        )))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("refused by the test trigger"),
        "{err}"
    );
    assert_eq!(get(&store, "new").await, None);

    // A replacing write: the stored record and its values stay as they were.
    let kept = record("kept", Some("before"), 1);
    store
        .record_workflow_execution_started(RecordStartedRequest::new(kept.clone()))
        .await
        .unwrap();
    store
        .upsert_workflow_execution(UpsertRequest::new(record("kept", Some("boom"), 2)))
        .await
        .unwrap_err();
    assert_eq!(get(&store, "kept").await.map(|r| r.version), Some(1));
    assert_eq!(count(&store, "Tag = 'before'").await, 1);
    assert_eq!(count(&store, "Score = 1.5").await, 1);

    // The connection is out of the failed transaction: later writes of every shape commit,
    // and another connection can take the write lock again.
    store
        .upsert_workflow_execution(UpsertRequest::new(record("kept", Some("after"), 3)))
        .await
        .unwrap();
    store
        .record_workflow_execution_started(RecordStartedRequest::new(record("plain", None, 0)))
        .await
        .unwrap();
    store
        .record_workflow_execution_started(RecordStartedRequest::new(record(
            "tagged",
            Some("after"),
            0,
        )))
        .await
        .unwrap();
    assert_eq!(count(&store, "Tag = 'after'").await, 2);
    assert_eq!(count(&store, "Tag = 'before'").await, 0);
    assert_eq!(count(&store, "").await, 3);
    sqlx::query("BEGIN IMMEDIATE; ROLLBACK")
        .execute(&mut raw)
        .await
        .unwrap();
    store.close().await.unwrap();
}

#[tokio::test]
async fn a_write_refused_the_lock_fails_as_unavailable_and_the_store_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vis.db");
    let store = store_at(&path, Duration::from_millis(50)).await;
    let mut raw = raw_connection(&path).await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut raw)
        .await
        .unwrap();

    // Both write shapes: one autocommitted statement, and a transaction of two scripts.
    for r in [record("plain", None, 0), record("tagged", Some("t"), 0)] {
        let err = store
            .record_workflow_execution_started(RecordStartedRequest::new(r))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
        assert!(err.to_string().contains("locked"), "{err}");
    }
    let err = store
        .upsert_workflow_execution(UpsertRequest::new(record("tagged", Some("t"), 1)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");

    sqlx::query("ROLLBACK").execute(&mut raw).await.unwrap();
    store
        .record_workflow_execution_started(RecordStartedRequest::new(record("plain", None, 0)))
        .await
        .unwrap();
    store
        .upsert_workflow_execution(UpsertRequest::new(record("tagged", Some("t"), 1)))
        .await
        .unwrap();
    assert_eq!(count(&store, "").await, 2);
    assert_eq!(count(&store, "Tag = 't'").await, 1);
    // The store's writer holds no lock between writes.
    sqlx::query("BEGIN IMMEDIATE; ROLLBACK")
        .execute(&mut raw)
        .await
        .unwrap();
    store.close().await.unwrap();
}
