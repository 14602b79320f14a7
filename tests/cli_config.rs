//! `wfvis --config FILE [--dynamic-config FILE]`: schema setup on both stores of a persistence
//! config, and data commands through the dual manager.

#![cfg(all(feature = "cli", feature = "sqlite"))]

use std::process::Command;

fn wfvis(args: &[&str]) -> (i32, String, String) {
    let bin =
        std::env::var("WFVIS_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_wfvis").into());
    let out = Command::new(bin).args(args).output().expect("run wfvis");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn config_and_dynamic_config_drive_both_stores() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let server = dir.path().join("server.yaml");
    std::fs::write(
        &server,
        format!(
            "log: {{stdout: true}}\npersistence:\n  visibilityStore: old-vis\n  secondaryVisibilityStore: new-vis\n  datastores:\n    old-vis:\n      sql:\n        pluginName: sqlite\n        databaseName: {d}/old.db\n    new-vis:\n      sql:\n        pluginName: sqlite\n        databaseName: {d}/new.db\n"
        ),
    )
    .unwrap();
    let dynamic = dir.path().join("dc.yaml");
    std::fs::write(
        &dynamic,
        "system.secondaryVisibilityWritingMode:\n  - value: \"dual\"\n    constraints: {}\n",
    )
    .unwrap();
    let records = dir.path().join("r.jsonl");
    std::fs::write(
        &records,
        "{\"namespace_id\":\"orders\",\"workflow_id\":\"w1\",\"run_id\":\"r1\",\"workflow_type\":\"t\",\"start_time\":\"2026-01-01T00:00:00Z\",\"status\":\"Running\"}\n",
    )
    .unwrap();
    let (s, c, d_) = (
        server.to_str().unwrap(),
        dynamic.to_str().unwrap(),
        records.to_str().unwrap(),
    );

    let (code, out, err) = wfvis(&["--config", s, "schema", "setup"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("old-vis") && out.contains("new-vis"), "{out}");

    // Without a dynamic config: primary only.
    let (code, _, err) = wfvis(&[
        "--config",
        s,
        "search-attribute",
        "add",
        "--namespace",
        "orders",
        "--name",
        "CustomerId",
        "--type",
        "Keyword",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = wfvis(&["--config", s, "--dynamic-config", c, "load", d_]);
    assert_eq!(code, 0, "{err}");
    for db in ["old.db", "new.db"] {
        let url = format!("sqlite://{}/{db}", dir.path().display());
        let (code, out, err) = wfvis(&[
            "--url",
            &url,
            "count",
            "--namespace",
            "orders",
            "--output",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), "{\"count\":1}", "dual load reaches {db}");
        // Attribute registration went to both stores.
        let (_, out, _) = wfvis(&[
            "--url",
            &url,
            "search-attribute",
            "list",
            "--namespace",
            "orders",
            "--output",
            "json",
        ]);
        assert!(out.contains("CustomerId"), "{db}: {out}");
    }
    let (code, out, err) = wfvis(&[
        "--config",
        s,
        "--url",
        "sqlite::memory:",
        "count",
        "--namespace",
        "orders",
    ]);
    assert_ne!(code, 0);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
}
