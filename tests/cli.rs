//! End-to-end tests of the `wfvis` binary on temporary SQLite files.
#![cfg(feature = "cli")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const NS: &str = "ns-cli";
const STATUSES: [&str; 7] = [
    "Running",
    "Completed",
    "Failed",
    "Canceled",
    "Terminated",
    "ContinuedAsNew",
    "TimedOut",
];
/// Records in the fixture file (good lines).
const RECORDS: usize = 23;

/// What one run of the binary produced.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    fn stdout_json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    #[track_caller]
    fn assert_ok(&self) -> &Self {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }

    /// The contract for a command that fails as a whole.
    #[track_caller]
    fn assert_failed_cleanly(&self) -> &str {
        assert_ne!(self.code, 0, "expected failure: {self:?}");
        assert_eq!(self.stdout, "", "stdout must be empty on failure: {self:?}");
        let lines = self.stderr_lines();
        assert_eq!(lines.len(), 1, "expected one stderr line: {self:?}");
        assert!(lines[0].starts_with("error: "), "{self:?}");
        lines[0]
    }
}

/// A scratch directory with a database URL.
struct Env {
    dir: tempfile::TempDir,
    url: String,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("vis.db").display());
        Self { dir, url }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `wfvis --url <this env's database> ARGS`.
    fn wfvis(&self, args: &[&str]) -> Run {
        let mut all = vec!["--url", self.url.as_str()];
        all.extend_from_slice(args);
        wfvis(&all)
    }

    /// Schema, attributes and the fixture records loaded (all lines good).
    fn loaded() -> Self {
        let env = Self::new();
        env.wfvis(&["schema", "setup"]).assert_ok();
        add_attributes(&env);
        let file = env.path("good.jsonl");
        write_lines(&file, &fixture_lines());
        let run = env.wfvis(&["load", file.to_str().unwrap()]);
        run.assert_ok();
        assert_eq!(
            run.stderr_lines(),
            [format!("loaded {RECORDS} records, rejected 0 lines")]
        );
        env
    }
}

/// The binary under test. `WFVIS_TEST_BIN` overrides the one cargo built, to run this
/// suite against an installed binary, or when several checkouts share one target directory
/// and overwrite each other's `target/debug/wfvis`.
fn binary() -> std::ffi::OsString {
    std::env::var_os("WFVIS_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_wfvis").into())
}

/// Runs the binary with exactly `args`, without inherited configuration.
fn wfvis(args: &[&str]) -> Run {
    let out = Command::new(binary())
        .args(args)
        .env_remove("WFVIS_URL")
        .env_remove("WFVIS_LOG")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn add_attributes(env: &Env) {
    for (name, ty) in [
        ("CustomKeywordField", "keyword"),
        ("CustomIntField", "INT"),
        ("Amount", "Double"),
        ("Due", "datetime"),
        ("Tags", "KeywordList"),
        ("Note", "text"),
        ("Urgent", "bool"),
    ] {
        let run = env.wfvis(&[
            "search-attribute",
            "add",
            "--namespace",
            NS,
            "--name",
            name,
            "--type",
            ty,
        ]);
        run.assert_ok();
        assert_eq!(run.stderr, "");
    }
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// Status of fixture record `i`.
fn status_of(i: usize) -> &'static str {
    STATUSES[i % STATUSES.len()]
}

/// The fixture: `RECORDS` JSON lines with distinct start times, every status, all attribute
/// types, memos, parents and task ids on some.
fn fixture_lines() -> Vec<String> {
    (0..RECORDS)
        .map(|i| {
            let start = format!("2026-01-01T00:{i:02}:00Z");
            let status = status_of(i);
            let mut line = json!({
                "namespace_id": NS,
                "workflow_id": format!("wf-{i:02}"),
                "run_id": format!("run-{i:02}"),
                "workflow_type": if i % 2 == 0 { "billing" } else { "shipping" },
                "start_time": start,
                "execution_time": start,
                "close_time": if status == "Running" {
                    Value::Null
                } else {
                    json!(format!("2026-01-01T01:{i:02}:30.25Z"))
                },
                "status": status,
                "history_length": i * 10,
                "history_size_bytes": i * 100,
                "state_transition_count": i,
                "task_queue": format!("queue-{}", i % 3),
                "task_id": i * 7,
                "search_attributes": {
                    "CustomKeywordField": if i % 3 == 0 { "a" } else { "b" },
                    "CustomIntField": i,
                    "Amount": i as f64 + 0.5,
                    "Due": "2026-03-01T12:00:00.123456+02:00",
                    "Tags": ["t1", format!("t{}", i % 4)],
                    "Note": format!("note number {i}"),
                    "Urgent": i % 5 == 0,
                },
            });
            if i % 4 == 1 {
                line["memo"] = json!({"encoding": "json/plain", "data": "eyJrIjoxfQ=="});
            }
            if i % 6 == 2 {
                line["parent_workflow_id"] = json!("parent-wf");
                line["parent_run_id"] = json!("parent-run");
                line["root_workflow_id"] = json!("root-wf");
                line["root_run_id"] = json!("root-run");
            }
            line.to_string()
        })
        .collect()
}

/// Workflow ids of JSON lines.
fn ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["workflow_id"].as_str().unwrap().to_string())
        .collect()
}

/// Splits a `list` page's stderr into the next-page token, if any.
fn next_token(run: &Run) -> Option<String> {
    let lines = run.stderr_lines();
    assert!(lines.len() <= 1, "{run:?}");
    lines.first().map(|l| {
        l.strip_prefix("next-page-token: ")
            .unwrap_or_else(|| panic!("unexpected stderr: {l}"))
            .to_string()
    })
}

#[test]
fn schema_setup_is_idempotent_and_other_commands_require_it() {
    let env = Env::new();
    let run = env.wfvis(&["list", "--namespace", NS]);
    let line = run.assert_failed_cleanly();
    assert!(
        line.contains("wfvis") && line.contains("schema setup"),
        "{line}"
    );
    assert!(
        !env.path("vis.db").exists(),
        "a read must not create the database"
    );

    for _ in 0..2 {
        let run = env.wfvis(&["schema", "setup"]);
        run.assert_ok();
        assert!(run.stdout.contains("schema version"), "{run:?}");
        assert_eq!(run.stderr, "");
    }
    let run = env.wfvis(&["count", "--namespace", NS, "--output", "json"]);
    run.assert_ok();
    assert_eq!(run.stdout_json_lines(), [json!({"count": 0})]);

    // A database file without the schema (created by something else) is refused too.
    let other = Env::new();
    std::fs::write(other.path("vis.db"), b"").unwrap();
    let line = other
        .wfvis(&[
            "get",
            "--namespace",
            NS,
            "--workflow-id",
            "w",
            "--run-id",
            "r",
        ])
        .assert_failed_cleanly()
        .to_string();
    assert!(line.contains("schema setup"), "{line}");
}

#[test]
fn search_attributes_are_added_and_listed() {
    let env = Env::new();
    env.wfvis(&["schema", "setup"]).assert_ok();
    add_attributes(&env);

    let run = env.wfvis(&[
        "search-attribute",
        "list",
        "--namespace",
        NS,
        "--output",
        "json",
    ]);
    run.assert_ok();
    let listed: BTreeMap<String, String> = run
        .stdout_json_lines()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap().to_string(),
                l["type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = [
        ("Amount", "Double"),
        ("CustomIntField", "Int"),
        ("CustomKeywordField", "Keyword"),
        ("Due", "Datetime"),
        ("Note", "Text"),
        ("Tags", "KeywordList"),
        ("Urgent", "Bool"),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), t.to_string()))
    .collect();
    assert_eq!(listed, expected);

    let run = env.wfvis(&["search-attribute", "list", "--namespace", NS]);
    run.assert_ok();
    let lines: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["name", "type"]);
    assert_eq!(lines[1], ["Amount", "Double"]);
    assert_eq!(lines.len(), 1 + expected.len());

    // Other namespaces are separate.
    let run = env.wfvis(&[
        "search-attribute",
        "list",
        "--namespace",
        "other",
        "--output",
        "json",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout, "");

    let dup = env.wfvis(&[
        "search-attribute",
        "add",
        "--namespace",
        NS,
        "--name",
        "Amount",
        "--type",
        "Int",
    ]);
    assert!(dup.assert_failed_cleanly().contains("Amount"));
    let bad_type = env.wfvis(&[
        "search-attribute",
        "add",
        "--namespace",
        NS,
        "--name",
        "X",
        "--type",
        "Float",
    ]);
    assert!(bad_type.assert_failed_cleanly().contains("Float"));
    let reserved = env.wfvis(&[
        "search-attribute",
        "add",
        "--namespace",
        NS,
        "--name",
        "TemporalThing",
        "--type",
        "Keyword",
    ]);
    assert!(reserved.assert_failed_cleanly().contains("TemporalThing"));
}

#[test]
fn load_reports_each_rejected_line_and_a_summary() {
    let env = Env::new();
    env.wfvis(&["schema", "setup"]).assert_ok();
    add_attributes(&env);
    let good = fixture_lines();
    let mut lines = vec![
        good[0].clone(),
        "{not json".to_string(),
        good[1].clone(),
        String::new(),
        json!({"namespace_id": NS, "workflow_id": "x", "run_id": "y", "workflow_type": "t",
               "start_time": "2026-01-01T00:00:00Z", "status": "Running",
               "search_attributes": {"NotRegistered": "v"}})
        .to_string(),
        json!({"namespace_id": NS, "workflow_id": "x", "run_id": "y", "workflow_type": "t",
               "start_time": "2026-01-01T00:00:00Z", "status": "Running",
               "search_attributes": {"CustomIntField": "seven"}})
        .to_string(),
        json!({"namespace_id": NS, "workflow_id": "x", "run_id": "y", "workflow_type": "t",
               "start_time": "not a time", "status": "Running"})
        .to_string(),
        json!({"namespace_id": NS, "workflow_id": "x", "run_id": "y", "workflow_type": "t",
               "start_time": "2026-01-01T00:00:00Z", "status": "Done"})
        .to_string(),
        json!({"namespace_id": NS, "workflow_id": "x", "run_id": "y", "workflow_type": "t",
               "start_time": "2026-01-01T00:00:00Z", "status": "Completed"})
        .to_string(),
        json!({"namespace_id": NS, "workflow_id": "x", "run_id": "y", "workflow_type": "t",
               "start_time": "2026-01-01T00:00:00Z", "status": "Running", "task_id": -1})
        .to_string(),
    ];
    lines.extend(good[2..].iter().cloned());
    let file = env.path("mixed.jsonl");
    write_lines(&file, &lines);

    let run = env.wfvis(&["load", file.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "");
    let err = run.stderr_lines();
    assert_eq!(err.len(), 8, "{run:?}");
    let expect = [
        ("line 2: ", "JSON"),
        ("line 5: ", "NotRegistered"),
        ("line 6: ", "CustomIntField"),
        ("line 7: ", "start_time"),
        ("line 8: ", "Done"),
        ("line 9: ", "close time"),
        ("line 10: ", "version"),
    ];
    for (line, (prefix, needle)) in err.iter().zip(expect) {
        assert!(line.starts_with(prefix), "{line}");
        assert!(line.contains(needle), "{line} should mention {needle}");
    }
    assert_eq!(
        err[7],
        format!("loaded {RECORDS} records, rejected 7 lines")
    );

    // The good lines are all there, the bad ones are not.
    let run = env.wfvis(&["count", "--namespace", NS, "--output", "json"]);
    run.assert_ok();
    assert_eq!(run.stdout_json_lines(), [json!({"count": RECORDS})]);
    let missing = env.wfvis(&[
        "get",
        "--namespace",
        NS,
        "--workflow-id",
        "x",
        "--run-id",
        "y",
    ]);
    assert!(missing.assert_failed_cleanly().contains("not found"));

    // An unreadable file fails as a whole.
    let run = env.wfvis(&["load", env.path("absent.jsonl").to_str().unwrap()]);
    assert!(run.assert_failed_cleanly().contains("absent.jsonl"));
}

#[test]
fn get_prints_the_record_as_json_and_as_a_table() {
    let env = Env::loaded();
    let source: Value = serde_json::from_str(&fixture_lines()[2]).unwrap();
    let run = env.wfvis(&[
        "get",
        "--namespace",
        NS,
        "--workflow-id",
        "wf-02",
        "--run-id",
        "run-02",
        "--output",
        "json",
    ]);
    run.assert_ok();
    assert_eq!(run.stderr, "");
    let got = &run.stdout_json_lines()[0];
    for field in [
        "namespace_id",
        "workflow_id",
        "run_id",
        "workflow_type",
        "start_time",
        "status",
        "history_length",
        "history_size_bytes",
        "state_transition_count",
        "task_queue",
        "task_id",
        "parent_workflow_id",
        "parent_run_id",
        "root_workflow_id",
        "root_run_id",
    ] {
        assert_eq!(got[field], source[field], "{field}");
    }
    assert_eq!(got["status"], "Failed");
    assert_eq!(got["close_time"], "2026-01-01T01:02:30.250Z");
    assert_eq!(got["execution_duration"], json!(3_630_250_000_000i64));
    let attrs = &got["search_attributes"];
    assert_eq!(attrs["CustomKeywordField"], "b");
    assert_eq!(attrs["CustomIntField"], 2);
    assert_eq!(attrs["Amount"], 2.5);
    assert_eq!(attrs["Due"], "2026-03-01T10:00:00.123456Z");
    assert_eq!(attrs["Tags"], json!(["t1", "t2"]));
    assert_eq!(attrs["Note"], "note number 2");
    assert_eq!(attrs["Urgent"], false);

    // Memo bytes survive the base64 round trip.
    let run = env.wfvis(&[
        "get",
        "--namespace",
        NS,
        "--workflow-id",
        "wf-01",
        "--run-id",
        "run-01",
        "--output",
        "json",
    ]);
    let got = &run.assert_ok().stdout_json_lines()[0];
    assert_eq!(
        got["memo"],
        json!({"encoding": "json/plain", "data": "eyJrIjoxfQ=="})
    );
    assert!(got.get("parent_workflow_id").is_none());

    let run = env.wfvis(&[
        "get",
        "--namespace",
        NS,
        "--workflow-id",
        "wf-00",
        "--run-id",
        "run-00",
    ]);
    run.assert_ok();
    let rows: BTreeMap<&str, &str> = run
        .stdout
        .lines()
        .map(|l| {
            let (k, v) = l.split_once("  ").unwrap();
            (k.trim(), v.trim())
        })
        .collect();
    assert_eq!(rows["field"], "value");
    assert_eq!(rows["status"], "Running");
    assert_eq!(rows["close_time"], "-");
    assert_eq!(rows["search_attributes.CustomKeywordField"], "a");
    assert_eq!(rows["task_queue"], "queue-0");

    // All three identity parts must match.
    let run = env.wfvis(&[
        "get",
        "--namespace",
        NS,
        "--workflow-id",
        "wf-00",
        "--run-id",
        "run-01",
    ]);
    assert!(run.assert_failed_cleanly().contains("not found"));
    let run = env.wfvis(&[
        "get",
        "--namespace",
        "other",
        "--workflow-id",
        "wf-00",
        "--run-id",
        "run-00",
    ]);
    run.assert_failed_cleanly();
}

#[test]
fn list_all_prints_every_record_in_default_order() {
    let env = Env::loaded();
    let run = env.wfvis(&["list", "--namespace", NS, "--all", "--output", "json"]);
    run.assert_ok();
    assert_eq!(run.stderr, "", "--all prints no token");
    let lines = run.stdout_json_lines();
    assert_eq!(lines.len(), RECORDS);
    // Default order: running first (newest start first), then by close time descending.
    let running: Vec<String> = (0..RECORDS)
        .rev()
        .filter(|i| status_of(*i) == "Running")
        .map(|i| format!("wf-{i:02}"))
        .collect();
    let closed: Vec<String> = (0..RECORDS)
        .rev()
        .filter(|i| status_of(*i) != "Running")
        .map(|i| format!("wf-{i:02}"))
        .collect();
    assert_eq!(ids(&lines), [running, closed].concat());
    for line in &lines {
        let running = line["status"] == "Running";
        assert_eq!(line["execution_duration"].is_null(), running, "{line}");
        assert_eq!(line["close_time"].is_null(), running, "{line}");
        assert!(line["search_attributes"].is_object());
    }

    // The list output is valid `load` input: loading it elsewhere gives the same records.
    let copy = Env::new();
    copy.wfvis(&["schema", "setup"]).assert_ok();
    add_attributes(&copy);
    let file = copy.path("copy.jsonl");
    std::fs::write(&file, &run.stdout).unwrap();
    copy.wfvis(&["load", file.to_str().unwrap()]).assert_ok();
    let again = copy.wfvis(&["list", "--namespace", NS, "--all", "--output", "json"]);
    assert_eq!(again.assert_ok().stdout, run.stdout);

    let table = env.wfvis(&["list", "--namespace", NS, "--all"]);
    table.assert_ok();
    let rows: Vec<Vec<&str>> = table
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "workflow_id",
            "run_id",
            "workflow_type",
            "status",
            "start_time",
            "close_time",
            "task_queue"
        ]
    );
    assert_eq!(rows.len(), RECORDS + 1);
    assert_eq!(
        rows[1],
        [
            "wf-21",
            "run-21",
            "shipping",
            "Running",
            "2026-01-01T00:21:00Z",
            "-",
            "queue-0"
        ]
    );
    // Columns are aligned: every row starts its second column at the same offset.
    let offsets: BTreeSet<usize> = table
        .stdout
        .lines()
        .map(|l| l.find("run").unwrap())
        .collect();
    assert_eq!(offsets.len(), 1, "{}", table.stdout);
}

#[test]
fn paging_with_next_page_token_visits_every_record_once() {
    let env = Env::loaded();
    let all = env.wfvis(&["list", "--namespace", NS, "--all", "--output", "json"]);
    let expected = ids(&all.assert_ok().stdout_json_lines());

    for page_size in ["1", "4", "7", "23", "100"] {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut args = vec![
                "list",
                "--namespace",
                NS,
                "--page-size",
                page_size,
                "--output",
                "json",
            ];
            if let Some(t) = &token {
                args.extend(["--next-page-token", t.as_str()]);
            }
            let run = env.wfvis(&args);
            run.assert_ok();
            let page = run.stdout_json_lines();
            assert!(page.len() <= page_size.parse().unwrap());
            seen.extend(ids(&page));
            pages += 1;
            assert!(pages <= RECORDS + 1, "paging does not end");
            token = next_token(&run);
            if token.is_none() {
                break;
            }
        }
        assert_eq!(seen, expected, "page size {page_size}");
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), RECORDS);
    }

    // With a filter and table output, the token still goes to stderr only.
    let run = env.wfvis(&[
        "list",
        "--namespace",
        NS,
        "--query",
        "CustomKeywordField = 'a'",
        "--page-size",
        "3",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout.lines().count(), 4);
    assert!(next_token(&run).is_some());
}

#[test]
fn list_filters_with_the_query() {
    let env = Env::loaded();
    let run = env.wfvis(&[
        "list",
        "--namespace",
        NS,
        "--all",
        "--query",
        "CustomKeywordField = 'a' AND ExecutionStatus != 'Running' ORDER BY CustomIntField ASC",
        "--output",
        "json",
    ]);
    run.assert_ok();
    let expected: Vec<String> = (0..RECORDS)
        .filter(|i| i % 3 == 0 && status_of(*i) != "Running")
        .map(|i| format!("wf-{i:02}"))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&run.stdout_json_lines()), expected);
}

#[test]
fn count_prints_totals_and_groups() {
    let env = Env::loaded();
    let run = env.wfvis(&["count", "--namespace", NS, "--output", "json"]);
    assert_eq!(
        run.assert_ok().stdout_json_lines(),
        [json!({"count": RECORDS})]
    );

    let run = env.wfvis(&[
        "count",
        "--namespace",
        NS,
        "--query",
        "WorkflowType = 'billing'",
        "--output",
        "json",
    ]);
    assert_eq!(
        run.assert_ok().stdout_json_lines(),
        [json!({"count": RECORDS.div_ceil(2)})]
    );

    let run = env.wfvis(&[
        "count",
        "--namespace",
        NS,
        "--query",
        "GROUP BY ExecutionStatus",
        "--output",
        "json",
    ]);
    let doc = &run.assert_ok().stdout_json_lines()[0];
    assert_eq!(doc["count"], RECORDS);
    // Keys in the documented order; groups in status-code order (Running first).
    assert!(
        run.stdout.starts_with(&format!(
            r#"{{"count":{RECORDS},"groups":[{{"values":["Running"],"count":4}},"#
        )),
        "{}",
        run.stdout
    );
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..RECORDS {
        *expected.entry(status_of(i).to_string()).or_default() += 1;
    }
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    for group in doc["groups"].as_array().unwrap() {
        let values = group["values"].as_array().unwrap();
        assert_eq!(values.len(), 1, "{group}");
        got.insert(
            values[0].as_str().unwrap().to_string(),
            group["count"].as_u64().unwrap(),
        );
    }
    assert_eq!(got, expected);

    // A grouped count that matches nothing keeps its shape.
    let run = env.wfvis(&[
        "count",
        "--namespace",
        NS,
        "--query",
        "WorkflowType = 'none' GROUP BY ExecutionStatus",
        "--output",
        "json",
    ]);
    assert_eq!(
        run.assert_ok().stdout_json_lines(),
        [json!({"count": 0, "groups": []})]
    );

    let run = env.wfvis(&["count", "--namespace", NS]);
    let lines: Vec<&str> = run.assert_ok().stdout.lines().collect();
    assert_eq!(lines, ["count", &RECORDS.to_string()]);

    let run = env.wfvis(&[
        "count",
        "--namespace",
        NS,
        "--query",
        "group by ExecutionStatus",
    ]);
    let rows: Vec<Vec<&str>> = run
        .assert_ok()
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["count"]);
    assert_eq!(rows[1], [RECORDS.to_string().as_str()]);
    assert!(rows[2].is_empty());
    assert_eq!(rows[3], ["status", "count"]);
    let table: BTreeMap<String, u64> = rows[4..]
        .iter()
        .map(|r| (r[0].to_string(), r[1].parse().unwrap()))
        .collect();
    assert_eq!(table, expected);
}

#[test]
fn failures_print_one_error_line_and_nothing_on_stdout() {
    let env = Env::loaded();
    // A malformed query names the problem and its position.
    let line = env
        .wfvis(&["list", "--namespace", NS, "--query", "WorkflowType = "])
        .assert_failed_cleanly()
        .to_string();
    assert!(line.contains("invalid argument"), "{line}");
    let line = env
        .wfvis(&[
            "count",
            "--namespace",
            NS,
            "--query",
            "Nope = 1",
            "--output",
            "json",
        ])
        .assert_failed_cleanly()
        .to_string();
    assert!(line.contains("Nope"), "{line}");
    env.wfvis(&[
        "list",
        "--namespace",
        NS,
        "--query",
        "WorkflowType = 'x' GROUP BY ExecutionStatus",
    ])
    .assert_failed_cleanly();

    // --all and --next-page-token exclude each other.
    let line = env
        .wfvis(&[
            "list",
            "--namespace",
            NS,
            "--all",
            "--next-page-token",
            "abc",
        ])
        .assert_failed_cleanly()
        .to_string();
    assert!(
        line.contains("--all") && line.contains("--next-page-token"),
        "{line}"
    );

    // A token that the store did not issue.
    let line = env
        .wfvis(&["list", "--namespace", NS, "--next-page-token", "garbage"])
        .assert_failed_cleanly()
        .to_string();
    assert!(line.contains("token"), "{line}");

    // A token from another query.
    let first = env.wfvis(&["list", "--namespace", NS, "--page-size", "2"]);
    let token = next_token(first.assert_ok()).unwrap();
    env.wfvis(&[
        "list",
        "--namespace",
        NS,
        "--query",
        "WorkflowType = 'billing'",
        "--next-page-token",
        &token,
    ])
    .assert_failed_cleanly();

    // Usage errors.
    assert!(
        wfvis(&["list", "--namespace", NS])
            .assert_failed_cleanly()
            .contains("--url")
    );
    env.wfvis(&[]).assert_failed_cleanly();
    env.wfvis(&["list"]).assert_failed_cleanly();
    env.wfvis(&["list", "--namespace", NS, "--page-size", "0"])
        .assert_failed_cleanly();
    env.wfvis(&["list", "--namespace", NS, "--output", "yaml"])
        .assert_failed_cleanly();
    env.wfvis(&["frobnicate"]).assert_failed_cleanly();
    wfvis(&["--url", "nosuch://x", "list", "--namespace", NS]).assert_failed_cleanly();

    // Help is not an error.
    let help = wfvis(&["--help"]);
    help.assert_ok();
    assert!(help.stdout.contains("search-attribute"));
}
