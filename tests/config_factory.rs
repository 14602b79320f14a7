//! Building managers from persistence YAML: plain store vs dual manager, store names from
//! datastore names, unimplemented stores reported, and promotion of the secondary by config.

#![cfg(feature = "sqlite")]

use std::sync::Arc;

use workflow_visibility::config::factory::{build_manager, setup_schemas};
use workflow_visibility::config::persistence::PersistenceConfig;
use workflow_visibility::dual::{VisibilitySettings, WritingMode, settings_handle};
use workflow_visibility::prelude::*;

fn sqlite_datastore(name: &str, path: &std::path::Path) -> String {
    format!(
        "    {name}:\n      sql:\n        pluginName: \"sqlite\"\n        databaseName: \"{}\"\n        connectAttributes:\n          setup: true\n",
        path.display()
    )
}

#[tokio::test]
async fn a_single_store_config_builds_a_plain_layered_store() {
    let yaml = r#"
global:
  membership: {maxJoinDuration: 30s}
persistence:
  visibilityStore: sqlite-visibility
  datastores:
    sqlite-visibility:
      sql:
        user: "username_for_auth"
        password: "password_for_auth"
        pluginName: "sqlite"
        databaseName: "default"
        connectAddr: "localhost"
        connectProtocol: "tcp"
        connectAttributes:
          mode: "memory"
          cache: "private"
        maxConns: 1
        maxIdleConns: 1
        maxConnLifetime: "1h"
"#;
    let config = PersistenceConfig::from_yaml_str(yaml).unwrap();
    let manager = build_manager(&config, settings_handle(VisibilitySettings::default()))
        .await
        .unwrap();
    assert_eq!(manager.store_name(), "sqlite-visibility");
    manager
        .record_workflow_execution_started(RecordStartedRequest::new(ExecutionRecord::new(
            "ns",
            "wf",
            "run",
            "t",
            chrono::Utc::now(),
        )))
        .await
        .unwrap();
    assert_eq!(
        manager
            .count_workflow_executions(CountRequest::new("ns"))
            .await
            .unwrap()
            .count,
        1
    );
}

#[tokio::test]
async fn a_pair_builds_a_dual_manager_and_promotion_is_a_config_change() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.db"), dir.path().join("new.db"));
    let dual_yaml = format!(
        "persistence:\n  visibilityStore: old-vis\n  secondaryVisibilityStore: new-vis\n  datastores:\n{}{}",
        sqlite_datastore("old-vis", &old),
        sqlite_datastore("new-vis", &new)
    );
    let config = PersistenceConfig::from_yaml_str(&dual_yaml).unwrap();
    let created = setup_schemas(&config).await.unwrap();
    assert_eq!(
        created.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["old-vis", "new-vis"]
    );
    let settings = settings_handle(VisibilitySettings {
        writing_mode: WritingMode::Dual,
        ..Default::default()
    });
    let dual = build_manager(&config, settings).await.unwrap();
    assert_eq!(dual.store_name(), "old-vis+new-vis");
    let record = ExecutionRecord::new("ns", "wf", "run", "t", chrono::Utc::now());
    dual.record_workflow_execution_started(RecordStartedRequest::new(record))
        .await
        .unwrap();
    dual.close().await.unwrap();

    // Promotion: the new store becomes `visibilityStore`, the secondary key and dual settings go.
    let promoted_yaml = format!(
        "persistence:\n  visibilityStore: new-vis\n  datastores:\n{}",
        sqlite_datastore("new-vis", &new)
    );
    let config = PersistenceConfig::from_yaml_str(&promoted_yaml).unwrap();
    let promoted = build_manager(&config, settings_handle(VisibilitySettings::default()))
        .await
        .unwrap();
    assert_eq!(promoted.store_name(), "new-vis");
    promoted
        .get_workflow_execution(GetRequest::new("ns", "wf", "run"))
        .await
        .expect("the record written in dual mode is in the promoted store");
}

#[tokio::test]
async fn unimplemented_stores_are_named() {
    let yaml = r#"
persistence:
  visibilityStore: es-visibility
  datastores:
    es-visibility:
      elasticsearch:
        version: "v7"
        logLevel: "error"
        url:
          scheme: "http"
          host: "127.0.0.1:9200"
        indices:
          visibility: temporal_visibility_v1
          secondary_visibility: temporal_visibility_v1_new
        closeIdleConnectionsInterval: 15s
"#;
    let config = PersistenceConfig::from_yaml_str(yaml).unwrap();
    let e = build_manager(&config, settings_handle(VisibilitySettings::default()))
        .await
        .err()
        .expect("Elasticsearch is not implemented yet");
    assert!(e.to_string().contains("es-visibility"), "{e}");
    assert!(e.to_string().contains("Elasticsearch"), "{e}");
}
