//! Temporal's dynamic-config file: parsing the visibility keys, and hot reload through
//! `DynamicConfigWatcher`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use proptest::prelude::*;
use workflow_visibility::ErrorKind;
use workflow_visibility::config::dynamic::{
    DynamicConfig, DynamicConfigWatcher, ERROR_COUNTER, ReloadOutcome, WatchOptions,
};
use workflow_visibility::dual::{
    FailurePolicy, ReadRule, SettingsHandle, VisibilitySettings, WritingMode, settings_handle,
};

/// The example of issue 4, byte for byte.
const ISSUE_YAML: &str = r#"system.secondaryVisibilityWritingMode:
  - value: "dual"
    constraints: {}
system.enableReadFromSecondaryVisibility:
  - value: true
    constraints:
      namespace: "orders"
  - value: false
    constraints: {}
"#;

fn parse(yaml: &str) -> DynamicConfig {
    DynamicConfig::from_yaml_str(yaml).unwrap_or_else(|e| panic!("{e}\n--- yaml:\n{yaml}"))
}

fn settings(yaml: &str) -> VisibilitySettings {
    parse(yaml).apply_to(&VisibilitySettings::default())
}

/// The error message for `yaml`, which must be rejected as an invalid argument.
fn rejected(yaml: &str) -> String {
    match DynamicConfig::from_yaml_str(yaml) {
        Ok(c) => panic!("accepted: {c:?}\n--- yaml:\n{yaml}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
            e.to_string()
        }
    }
}

fn rule(namespace: Option<&str>, namespace_id: Option<&str>, value: bool) -> ReadRule {
    ReadRule {
        namespace: namespace.map(Into::into),
        namespace_id: namespace_id.map(Into::into),
        value,
    }
}

#[test]
fn the_issue_example_parses() {
    let config = parse(ISSUE_YAML);
    assert_eq!(config.writing_mode, WritingMode::Dual);
    assert!(!config.read_from_secondary);
    assert_eq!(config.read_rules, vec![rule(Some("orders"), None, true)]);
    assert_eq!((config.max_read_qps, config.max_write_qps), (9000, 9000));
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);

    let s = config.apply_to(&VisibilitySettings::default());
    assert!(s.reads_from_secondary("any-id", "orders"));
    assert!(!s.reads_from_secondary("any-id", "billing"));
}

#[test]
fn keys_and_constraint_names_match_case_insensitively() {
    let s = settings(
        r#"
SYSTEM.SecondaryVisibilityWRITINGMODE:
  - value: "on"
system.ENABLEREADFROMSECONDARYVISIBILITY:
  - value: true
    constraints:
      NameSpace: "orders"
  - value: true
    constraints:
      NAMESPACEID: "id-7"
system.visibilitypersistencemaxreadqps:
  - value: 10
System.VisibilityPersistenceMaxWriteQps:
  - value: 20
"#,
    );
    assert_eq!(s.writing_mode, WritingMode::On);
    assert_eq!(
        s.read_rules,
        vec![
            rule(Some("orders"), None, true),
            rule(None, Some("id-7"), true)
        ]
    );
    assert_eq!((s.max_read_qps, s.max_write_qps), (10, 20));
}

#[test]
fn unrelated_keys_are_ignored_whatever_their_shape() {
    let config = parse(
        r#"
# A server's dynamic config holds settings for every service.
frontend.enableClientVersionCheck:
  - value: true
    constraints: {}
history.persistenceMaxQPS:
  - value: 3000
frontend.namespaceCount:
  - value: 20
    constraints:
      namespace: "orders"
      taskQueueName: "q"
limit.maxIDLength:
  - value: 255
    constraints: {}
matching.numTaskqueueReadPartitions:
  - value: 5
    constraints:
      taskQueueName: "hot"
      taskType: 1
system.advancedVisibilityWritingMode:
  - value: "Dual"
system.enableReadVisibilityFromES:
  - value: "not a boolean"
worker.ESProcessorFlushInterval: [1, {nested: [a, b]}, null]
history.someMap:
  - value:
      a: 1
      b: [x, y]
"quoted.key with spaces": {a: b}
system.secondaryVisibilityWritingMode:
  - value: dual
"#,
    );
    assert_eq!(config.writing_mode, WritingMode::Dual);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[test]
fn missing_keys_mean_their_defaults() {
    for yaml in [
        "",
        "# only a comment\n",
        "{}",
        "---\n",
        "frontend.enableClientVersionCheck:\n  - value: true\n",
        // A key whose entries are all commented out.
        "system.enableReadFromSecondaryVisibility:\n#  - value: true\n",
    ] {
        let config = parse(yaml);
        assert_eq!(config, DynamicConfig::default(), "{yaml:?}");
        assert_eq!(config.writing_mode, WritingMode::Off);
        assert!(!config.read_from_secondary);
        assert!(config.read_rules.is_empty());
        assert_eq!((config.max_read_qps, config.max_write_qps), (9000, 9000));
    }
    let only_mode = parse("system.secondaryVisibilityWritingMode:\n  - value: dual\n");
    assert_eq!(only_mode.writing_mode, WritingMode::Dual);
    assert!(!only_mode.read_from_secondary);
    assert_eq!(only_mode.max_write_qps, 9000);
}

#[test]
fn the_most_specific_entry_wins_regardless_of_order() {
    let global_first = r#"
system.enableReadFromSecondaryVisibility:
  - value: false
    constraints: {}
  - value: true
    constraints:
      namespace: orders
"#;
    let namespace_first = r#"
system.enableReadFromSecondaryVisibility:
  - value: true
    constraints:
      namespace: orders
  - value: false
    constraints: {}
"#;
    for yaml in [global_first, namespace_first] {
        let s = settings(yaml);
        assert!(!s.read_from_secondary);
        assert!(s.reads_from_secondary("id-1", "orders"), "{yaml}");
        assert!(!s.reads_from_secondary("id-1", "billing"), "{yaml}");
    }

    // The opposite polarity: everything from the secondary except one namespace.
    let s = settings(
        r#"
system.enableReadFromSecondaryVisibility:
  - value: false
    constraints:
      namespace: legacy
  - value: true
"#,
    );
    assert!(s.read_from_secondary);
    assert!(!s.reads_from_secondary("id-1", "legacy"));
    assert!(s.reads_from_secondary("id-1", "orders"));
}

#[test]
fn namespace_id_rules_match_ids_and_outrank_names() {
    let yaml = |order: [&str; 4]| {
        let entries = [
            "  - value: false\n    constraints: {}\n",
            "  - value: true\n    constraints:\n      namespace: orders\n",
            "  - value: false\n    constraints:\n      namespaceId: id-orders-eu\n",
            "  - value: true\n    constraints:\n      namespace: orders\n      namespaceId: id-orders-eu-2\n",
        ];
        let mut text = String::from("system.enableReadFromSecondaryVisibility:\n");
        for key in order {
            let index = ["global", "name", "id", "both"]
                .iter()
                .position(|k| *k == key)
                .unwrap();
            text.push_str(entries[index]);
        }
        text
    };
    for order in [
        ["global", "name", "id", "both"],
        ["both", "id", "name", "global"],
        ["id", "global", "both", "name"],
    ] {
        let text = yaml(order);
        let s = settings(&text);
        assert_eq!(s.read_rules.len(), 3, "{text}");
        // Name only.
        assert!(s.reads_from_secondary("id-orders-us", "orders"), "{text}");
        // The id rule beats the name rule.
        assert!(!s.reads_from_secondary("id-orders-eu", "orders"), "{text}");
        // An id rule matches whatever the name.
        assert!(!s.reads_from_secondary("id-orders-eu", "renamed"), "{text}");
        // Both constraints beat the id alone, and need both to match.
        assert!(s.reads_from_secondary("id-orders-eu-2", "orders"), "{text}");
        assert!(
            !s.reads_from_secondary("id-orders-eu-2", "billing"),
            "{text}"
        );
        // Default.
        assert!(!s.reads_from_secondary("id-x", "billing"), "{text}");
    }
}

#[test]
fn entries_with_other_constraint_names_are_ignored_with_a_warning() {
    let config = parse(
        r#"
system.enableReadFromSecondaryVisibility:
  - value: true
    constraints:
      taskQueueName: "q1"
  - value: true
    constraints:
      namespace: orders
      shardId: 3
  - value: true
    constraints:
      namespace: billing
"#,
    );
    assert_eq!(config.read_rules, vec![rule(Some("billing"), None, true)]);
    assert!(
        !config.read_from_secondary,
        "the taskQueueName entry is not a default"
    );
    assert_eq!(config.warnings.len(), 2, "{:?}", config.warnings);
    assert!(
        config.warnings[0].contains("taskQueueName"),
        "{:?}",
        config.warnings
    );
    assert!(
        config.warnings[0].contains("entry 1"),
        "{:?}",
        config.warnings
    );
    assert!(
        config.warnings[1].contains("shardId"),
        "{:?}",
        config.warnings
    );
    assert!(
        config.warnings[1].contains("entry 2"),
        "{:?}",
        config.warnings
    );
}

#[test]
fn constraints_on_the_global_keys_are_ignored_with_a_warning() {
    let config = parse(
        r#"
system.secondaryVisibilityWritingMode:
  - value: dual
    constraints:
      namespace: orders
  - value: "on"
    constraints: {}
system.visibilityPersistenceMaxReadQPS:
  - value: 5
    constraints:
      namespaceId: id-1
"#,
    );
    assert_eq!(config.writing_mode, WritingMode::On);
    assert_eq!(config.max_read_qps, 9000);
    assert_eq!(config.warnings.len(), 2, "{:?}", config.warnings);
    assert!(
        config.warnings[0].contains("system.secondaryVisibilityWritingMode entry 1")
            && config.warnings[0].contains("global"),
        "{:?}",
        config.warnings
    );
    assert!(
        config.warnings[1].contains("system.visibilityPersistenceMaxReadQPS entry 1"),
        "{:?}",
        config.warnings
    );

    let only_constrained = parse(
        "system.secondaryVisibilityWritingMode:\n  - value: dual\n    constraints:\n      namespace: orders\n",
    );
    assert_eq!(only_constrained.writing_mode, WritingMode::Off);
    assert_eq!(only_constrained.warnings.len(), 1);
}

#[test]
fn identical_constraint_sets_keep_the_first_entry_with_a_warning() {
    let config = parse(
        r#"
system.secondaryVisibilityWritingMode:
  - value: dual
  - value: "off"
    constraints: {}
system.enableReadFromSecondaryVisibility:
  - value: true
    constraints: {}
  - value: true
    constraints:
      namespace: orders
      namespaceId: id-1
  - value: false
  - value: false
    constraints:
      namespaceId: id-1
      namespace: orders
"#,
    );
    assert_eq!(config.writing_mode, WritingMode::Dual);
    assert!(config.read_from_secondary);
    assert_eq!(
        config.read_rules,
        vec![rule(Some("orders"), Some("id-1"), true)]
    );
    assert_eq!(config.warnings.len(), 3, "{:?}", config.warnings);
    assert!(config.warnings.iter().all(|w| w.contains("first one wins")));
}

#[test]
fn a_key_spelled_twice_is_read_as_one_list_in_file_order() {
    let config = parse(
        r#"
system.secondaryVisibilityWritingMode:
  - value: "on"
SYSTEM.SECONDARYVISIBILITYWRITINGMODE:
  - value: dual
"#,
    );
    assert_eq!(config.writing_mode, WritingMode::On);
    assert!(
        config
            .warnings
            .iter()
            .any(|w| w.contains("appears 2 times"))
    );
}

#[test]
fn unquoted_on_and_off_are_writing_modes_not_booleans() {
    assert_eq!(
        settings("system.secondaryVisibilityWritingMode:\n  - value: on\n").writing_mode,
        WritingMode::On
    );
    assert_eq!(
        settings("system.secondaryVisibilityWritingMode:\n  - value: off\n").writing_mode,
        WritingMode::Off
    );
}

#[test]
fn invalid_writing_modes_are_errors_naming_the_key() {
    for (value, expected) in [
        ("\"Dual\"", "Dual"),
        ("DUAL", "DUAL"),
        ("\"\"", "''"),
        ("shadow", "shadow"),
        ("true", "boolean true"),
        ("1", "number 1"),
        ("[dual]", "a list"),
        ("", "null"),
    ] {
        let yaml = format!("system.secondaryVisibilityWritingMode:\n  - value: {value}\n");
        let message = rejected(&yaml);
        assert!(
            message.contains("system.secondaryVisibilityWritingMode entry 1"),
            "{message}"
        );
        assert!(message.contains(expected), "{value}: {message}");
    }
    // Checked even in an entry that is ignored for its constraints.
    let message = rejected(
        "system.secondaryVisibilityWritingMode:\n  - value: dual\n  - value: Dual\n    constraints:\n      namespace: x\n",
    );
    assert!(message.contains("entry 2"), "{message}");
}

#[test]
fn values_of_the_wrong_type_are_errors_naming_the_key() {
    let key = "system.enableReadFromSecondaryVisibility";
    for value in ["\"true\"", "yes", "1", "{a: b}", "on"] {
        let message = rejected(&format!("{key}:\n  - value: {value}\n"));
        assert!(message.contains(key), "{message}");
        assert!(message.contains("boolean"), "{message}");
    }
    for (yaml, expected) in [
        (format!("{key}: true\n"), "list of"),
        (format!("{key}:\n  - true\n"), "entry 1"),
        (format!("{key}:\n  - constraints: {{}}\n"), "no value"),
        (
            format!("{key}:\n  - value: true\n    constraints: [namespace]\n"),
            "constraints must be a map",
        ),
        (
            format!("{key}:\n  - value: true\n    constraints:\n      namespace: 12\n"),
            "namespace must be a non-empty string",
        ),
        (
            format!("{key}:\n  - value: true\n    constraints:\n      namespace: \"\"\n"),
            "non-empty",
        ),
        (
            format!(
                "{key}:\n  - value: true\n    constraints:\n      namespace: a\n      NAMESPACE: b\n"
            ),
            "twice",
        ),
    ] {
        let message = rejected(&yaml);
        assert!(message.contains(key), "{message}");
        assert!(message.contains(expected), "{expected}: {message}");
    }
    // A bad entry after good ones rejects the whole file.
    let message = rejected(&format!(
        "system.secondaryVisibilityWritingMode:\n  - value: dual\n{key}:\n  - value: true\n  - value: maybe\n"
    ));
    assert!(message.contains("entry 2"), "{message}");
}

#[test]
fn malformed_yaml_is_an_error() {
    for yaml in [
        "system.secondaryVisibilityWritingMode:\n  - value: \"dual\n",
        "system.secondaryVisibilityWritingMode: [\n",
        "- just\n- a list\n",
        "plain scalar",
        "a: 1\na: 2\n",
        "key: value\n  bad indentation: here\n",
        "\t- tab",
    ] {
        rejected(yaml);
    }
}

#[test]
fn qps_keys_are_positive_integers() {
    let s = settings(
        r#"
system.visibilityPersistenceMaxReadQPS:
  - value: 3000
    constraints: {}
system.visibilityPersistenceMaxWriteQPS:
  - value: 1
"#,
    );
    assert_eq!((s.max_read_qps, s.max_write_qps), (3000, 1));
    assert_eq!(s.writing_mode, WritingMode::Off);

    for (value, expected) in [
        ("0", "greater than 0"),
        ("-5", "greater than 0"),
        ("1.5", "whole number"),
        ("\"100\"", "string"),
        ("5000000000", "at most"),
        ("true", "boolean"),
    ] {
        for key in [
            "system.visibilityPersistenceMaxReadQPS",
            "system.visibilityPersistenceMaxWriteQPS",
        ] {
            let message = rejected(&format!("{key}:\n  - value: {value}\n"));
            assert!(message.contains(key), "{message}");
            assert!(message.contains(expected), "{value}: {message}");
        }
    }
}

#[test]
fn applying_keeps_the_settings_the_file_does_not_hold() {
    let base = VisibilitySettings {
        generation: 41,
        failure_policy: FailurePolicy::Tolerate,
        max_read_qps: 5,
        read_from_secondary: true,
        ..Default::default()
    };
    let s = parse(ISSUE_YAML).apply_to(&base);
    assert_eq!(s.failure_policy, FailurePolicy::Tolerate);
    assert_eq!(s.generation, 41);
    assert_eq!(s.writing_mode, WritingMode::Dual);
    // Held by the file (by its absence: the default).
    assert_eq!(s.max_read_qps, 9000);
    assert!(!s.read_from_secondary);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the input, parsing returns a value or an error; it never panics.
    #[test]
    fn parsing_never_panics(text in "(system\\.[a-zA-Z]{0,40}|[-:{}\\[\\], \"'\\n#&*!|>a-z0-9.]){0,200}") {
        let _ = DynamicConfig::from_yaml_str(&text);
    }

    #[test]
    fn parsing_known_keys_with_any_scalar_never_panics(
        key in prop::sample::select(vec![
            "system.secondaryVisibilityWritingMode",
            "system.enableReadFromSecondaryVisibility",
            "system.visibilityPersistenceMaxReadQPS",
        ]),
        value in "[-a-zA-Z0-9.\"'{}\\[\\] ]{0,12}",
        constraint in "[a-zA-Z]{0,12}",
    ) {
        let yaml = format!("{key}:\n  - value: {value}\n    constraints:\n      {constraint}: x\n");
        let _ = DynamicConfig::from_yaml_str(&yaml);
    }
}

// ---------------------------------------------------------------------------------------
// Hot reload.

const POLL: Duration = Duration::from_millis(20);
/// Generous so a loaded machine does not fail the test; a passing run waits a few polls.
const DEADLINE: Duration = Duration::from_secs(10);

fn mode_file(mode: &str) -> String {
    format!(
        "frontend.enableClientVersionCheck:\n  - value: true\nsystem.secondaryVisibilityWritingMode:\n  - value: {mode}\n"
    )
}

/// Replaces `path` atomically, as an operator should, so a poll never sees a half-written
/// file.
fn replace(path: &Path, content: &str) {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, content).unwrap();
    fs::rename(&tmp, path).unwrap();
}

/// Replaces `path` with content of the same length and the same modification time, so only
/// the content tells the versions apart.
fn replace_keeping_mtime(path: &Path, content: &str) {
    let old_len = fs::metadata(path).unwrap().len();
    assert_eq!(
        old_len,
        content.len() as u64,
        "the test wants equal lengths"
    );
    let mtime = fs::metadata(path).unwrap().modified().unwrap();
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, content).unwrap();
    File::options()
        .write(true)
        .open(&tmp)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    fs::rename(&tmp, path).unwrap();
    assert_eq!(fs::metadata(path).unwrap().modified().unwrap(), mtime);
}

async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn setup(content: &str) -> (tempfile::TempDir, PathBuf, SettingsHandle) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dynamic.yaml");
    replace(&path, content);
    (dir, path, settings_handle(VisibilitySettings::default()))
}

fn options(poll_interval: Duration) -> WatchOptions {
    WatchOptions {
        poll_interval,
        base: VisibilitySettings {
            failure_policy: FailurePolicy::Tolerate,
            ..Default::default()
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_reload_switches_keeps_the_last_good_settings_and_recovers() {
    let (_dir, path, handle) = setup(&mode_file("dual"));
    assert_eq!(handle.load().generation, 1);
    let watcher = DynamicConfigWatcher::start(&path, handle.clone(), options(POLL)).unwrap();
    let loaded = handle.load_full();
    assert_eq!(loaded.generation, 2);
    assert_eq!(loaded.writing_mode, WritingMode::Dual);
    assert_eq!(
        loaded.failure_policy,
        FailurePolicy::Tolerate,
        "from the base"
    );
    assert_eq!((watcher.reload_count(), watcher.error_count()), (1, 0));

    // Same length, same mtime: only the content hash can see this change.
    replace_keeping_mtime(&path, &mode_file("\"on\""));
    wait_until("the new mode is published", || {
        handle.load().writing_mode == WritingMode::On
    })
    .await;
    let switched = handle.load_full();
    assert_eq!(switched.generation, 3, "one new snapshot");
    assert_eq!(switched.failure_policy, FailurePolicy::Tolerate);
    assert_eq!(watcher.reload_count(), 2);

    // A broken file: counted and reported, the last good settings stay.
    replace(&path, &mode_file("Dual"));
    wait_until("the broken file is reported", || watcher.error_count() == 1).await;
    let error = watcher.last_error().expect("the error is kept");
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(
        error
            .to_string()
            .contains("system.secondaryVisibilityWritingMode"),
        "{error}"
    );
    assert!(error.to_string().contains("dynamic.yaml"), "{error}");
    // Further polls see the same bad content and neither recount nor publish.
    tokio::time::sleep(POLL * 5).await;
    assert_eq!(watcher.error_count(), 1);
    assert_eq!(*handle.load_full(), *switched);

    // Fixed: applied again.
    replace(&path, &mode_file("\"off\""));
    wait_until("the fixed file is applied", || {
        handle.load().writing_mode == WritingMode::Off
    })
    .await;
    assert_eq!(handle.load().generation, 4);
    assert_eq!(watcher.last_error(), None);
    assert_eq!((watcher.reload_count(), watcher.error_count()), (3, 1));
    watcher.stop();
}

#[tokio::test]
async fn a_missing_file_keeps_the_last_good_settings() {
    let (_dir, path, handle) = setup(ISSUE_YAML);
    let watcher = DynamicConfigWatcher::start(&path, handle.clone(), options(POLL)).unwrap();
    let good = handle.load_full();
    assert_eq!(good.writing_mode, WritingMode::Dual);

    fs::remove_file(&path).unwrap();
    wait_until("the missing file is reported", || {
        watcher.error_count() == 1
    })
    .await;
    assert_eq!(watcher.last_error().unwrap().kind(), ErrorKind::Unavailable);
    assert_eq!(*handle.load_full(), *good);

    replace(&path, &mode_file("\"on\""));
    wait_until("the restored file is applied", || {
        handle.load().writing_mode == WritingMode::On
    })
    .await;
    assert_eq!(watcher.error_count(), 1);
    assert!(watcher.last_error().is_none());
}

#[tokio::test]
async fn reload_now_reports_each_version_once() {
    let (_dir, path, handle) = setup(&mode_file("dual"));
    // Polls never run during this test: every reload is explicit.
    let watcher =
        DynamicConfigWatcher::start(&path, handle.clone(), options(Duration::from_secs(3600)))
            .unwrap();
    assert_eq!(watcher.reload_now().unwrap(), ReloadOutcome::Unchanged);

    replace(&path, &mode_file("\"on\""));
    assert_eq!(
        watcher.reload_now().unwrap(),
        ReloadOutcome::Applied { generation: 3 }
    );
    assert_eq!(handle.load().writing_mode, WritingMode::On);

    replace(
        &path,
        "system.visibilityPersistenceMaxReadQPS:\n  - value: -1\n",
    );
    let first = watcher.reload_now().unwrap_err();
    assert!(first.to_string().contains("greater than 0"), "{first}");
    assert_eq!(watcher.reload_now().unwrap_err(), first, "the same content");
    assert_eq!(watcher.error_count(), 1, "reported once");
    assert_eq!(handle.load().generation, 3);
    assert_eq!(handle.load().max_read_qps, 9000);

    // An empty file is a half-written one, not "all defaults".
    replace(&path, "");
    assert!(
        watcher
            .reload_now()
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
    assert_eq!(handle.load().writing_mode, WritingMode::On);

    replace(&path, "{}");
    assert_eq!(
        watcher.reload_now().unwrap(),
        ReloadOutcome::Applied { generation: 4 }
    );
    assert_eq!(handle.load().writing_mode, WritingMode::Off);
    assert_eq!(
        (watcher.reload_count(), watcher.error_count()),
        (3, 2),
        "initial load + 2 applied; 2 distinct bad versions"
    );
}

#[tokio::test]
async fn warnings_of_the_applied_file_are_kept() {
    let (_dir, path, handle) = setup(
        "system.enableReadFromSecondaryVisibility:\n  - value: true\n    constraints:\n      taskQueueName: q\n",
    );
    let watcher = DynamicConfigWatcher::start(&path, handle, options(POLL)).unwrap();
    let warnings = watcher.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("taskQueueName"), "{warnings:?}");
}

#[tokio::test]
async fn stop_ends_the_poll_task() {
    let (_dir, path, handle) = setup(&mode_file("dual"));
    let watcher = DynamicConfigWatcher::start(&path, handle.clone(), options(POLL)).unwrap();
    assert!(watcher.is_running());
    watcher.stop();
    wait_until("the task has ended", || !watcher.is_running()).await;

    replace(&path, &mode_file("\"on\""));
    tokio::time::sleep(POLL * 5).await;
    assert_eq!(
        handle.load().writing_mode,
        WritingMode::Dual,
        "no poll after stop"
    );
    assert_eq!(handle.load().generation, 2);
    watcher.stop();
}

#[tokio::test]
async fn dropping_the_watcher_ends_the_poll_task() {
    let (_dir, path, handle) = setup(&mode_file("dual"));
    drop(DynamicConfigWatcher::start(&path, handle.clone(), options(POLL)).unwrap());
    replace(&path, &mode_file("\"on\""));
    tokio::time::sleep(POLL * 5).await;
    assert_eq!(handle.load().writing_mode, WritingMode::Dual);
}

#[tokio::test]
async fn start_fails_without_publishing_on_a_bad_or_missing_file() {
    let (dir, path, handle) = setup(&mode_file("Dual"));
    let e = DynamicConfigWatcher::start(&path, handle.clone(), options(POLL)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("Dual"), "{e}");

    let missing = dir.path().join("absent.yaml");
    let e = DynamicConfigWatcher::start(&missing, handle.clone(), options(POLL)).unwrap_err();
    assert!(e.to_string().contains("absent.yaml"), "{e}");

    let e =
        DynamicConfigWatcher::start(&path, handle.clone(), options(Duration::ZERO)).unwrap_err();
    assert!(e.to_string().contains("poll interval"), "{e}");

    assert_eq!(handle.load().generation, 1, "nothing was published");
}

#[test]
fn start_outside_a_runtime_is_an_error() {
    let (_dir, path, handle) = setup(ISSUE_YAML);
    let e = DynamicConfigWatcher::start(&path, handle.clone(), options(POLL)).unwrap_err();
    assert!(e.to_string().contains("Tokio runtime"), "{e}");
    assert_eq!(handle.load().generation, 1);
}

#[tokio::test]
async fn errors_are_counted_in_the_metrics_counter() {
    let (_dir, path, handle) = setup(ISSUE_YAML);
    let watcher =
        DynamicConfigWatcher::start(&path, handle, options(Duration::from_secs(3600))).unwrap();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    replace(&path, "system.enableReadFromSecondaryVisibility: [");
    metrics::with_local_recorder(&recorder, || {
        assert!(watcher.reload_now().is_err());
        assert!(watcher.reload_now().is_err());
    });
    let errors: u64 = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, ..)| key.key().name() == ERROR_COUNTER)
        .map(|(.., value)| match value {
            DebugValue::Counter(n) => n,
            other => panic!("{other:?}"),
        })
        .sum();
    assert_eq!(errors, 1, "the same bad content is counted once");
}
