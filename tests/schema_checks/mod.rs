//! Engine-independent checks of the versioned schemas and the schema tool.
//!
//! A test binary implements [`SchemaTarget`] for one database engine (fresh databases, admin
//! SQL, a normalised catalog dump) and calls the scenario functions below. Everything else goes
//! through the library's URL dispatch (`workflow_visibility::store::connect`), exactly as
//! `wfvis` does, so the same scenarios serve every store the dispatch knows.
//!
//! Include it with `mod schema_checks;`; the engine-specific dumps live in their own files so a
//! binary compiles only the ones its features allow.

#![allow(dead_code)]

#[cfg(feature = "postgres")]
pub mod postgres_catalog;
#[cfg(feature = "sqlite")]
pub mod sqlite_catalog;

use workflow_visibility::schema::{DatabaseSchema, Version};
use workflow_visibility::store::connect;
use workflow_visibility::{Error, ErrorKind};

/// One database engine under test.
#[allow(async_fn_in_trait)] // only used generically inside the test crate, never as `dyn`
pub trait SchemaTarget {
    /// Engine name for messages.
    fn name(&self) -> &str;

    /// The schema the crate embeds for this engine.
    fn schema(&self) -> &'static DatabaseSchema;

    /// URL of a database that exists (or can be created by `schema setup`) and has no schema.
    fn fresh_url(&self, label: &str) -> String;

    /// Runs one admin statement in the database of `url` and returns its rows, each row's
    /// columns joined by tabs.
    async fn query(&self, url: &str, sql: &str) -> Vec<String>;

    /// A normalised, sorted description of everything the schema defines: tables, columns
    /// (types, nullability, defaults, collations, generated expressions), indexes with their
    /// definitions, constraints and triggers. Two databases with equal dumps are
    /// interchangeable for the store. Row contents are not part of it.
    async fn dump(&self, url: &str) -> Vec<String>;
}

/// Fails with a readable diff when two catalog dumps differ.
#[track_caller]
pub fn assert_same_catalog(
    what: &str,
    left_name: &str,
    left: &[String],
    right_name: &str,
    right: &[String],
) {
    let only_left: Vec<&String> = left.iter().filter(|l| !right.contains(l)).collect();
    let only_right: Vec<&String> = right.iter().filter(|r| !left.contains(r)).collect();
    assert!(
        only_left.is_empty() && only_right.is_empty() && left.len() == right.len(),
        "{what}: catalogs differ\n  only in {left_name}:\n    {}\n  only in {right_name}:\n    {}",
        lines(&only_left),
        lines(&only_right),
    );
}

fn lines(items: &[&String]) -> String {
    if items.is_empty() {
        return "(nothing)".to_string();
    }
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n    ")
}

fn version(s: &str) -> Version {
    s.parse().expect("a valid version literal in a test")
}

async fn installed(url: &str) -> Option<Version> {
    connect::schema_version(url)
        .await
        .unwrap_or_else(|e| panic!("schema version of {url}: {e}"))
}

/// Setting up each shipped version and updating to the latest gives exactly the catalog of a
/// fresh latest setup; a second update applies nothing and changes nothing; the update history
/// records one row per applied step.
pub async fn every_version_upgrades_to_the_fresh_schema<T: SchemaTarget>(t: &T) {
    let schema = t.schema();
    let latest = schema.latest().clone();
    assert!(
        schema.oldest() < schema.latest(),
        "{}: ship at least two schema versions",
        t.name()
    );

    let fresh = t.fresh_url("fresh");
    let set_up = connect::setup_schema(&fresh, None)
        .await
        .unwrap_or_else(|e| panic!("{}: fresh setup: {e}", t.name()));
    assert_eq!(set_up, latest);
    assert_eq!(installed(&fresh).await, Some(latest.clone()));
    let fresh_dump = t.dump(&fresh).await;
    assert!(
        fresh_dump.iter().any(|l| l.contains("executions")),
        "{}: the catalog dump of a fresh setup does not mention the executions table: {fresh_dump:?}",
        t.name()
    );

    for step in &schema.steps {
        let start = step.manifest.version.clone();
        let url = t.fresh_url(&format!("from_{start}"));
        let set_up = connect::setup_schema(&url, Some(&start))
            .await
            .unwrap_or_else(|e| panic!("{}: setup at {start}: {e}", t.name()));
        assert_eq!(set_up, start);
        assert_eq!(installed(&url).await, Some(start.clone()));
        let before = t.dump(&url).await;
        if start != latest {
            assert_ne!(
                before,
                fresh_dump,
                "{}: version {start} has the same catalog as {latest}: the versions must differ",
                t.name()
            );
        }

        let report = connect::update_schema(&url, None)
            .await
            .unwrap_or_else(|e| panic!("{}: update from {start}: {e}", t.name()));
        let expected: Vec<Version> = schema
            .steps
            .iter()
            .map(|s| s.manifest.version.clone())
            .filter(|v| *v > start)
            .collect();
        assert_eq!(report.from, start, "{}: update report {report:?}", t.name());
        assert_eq!(report.to, latest, "{}: update report {report:?}", t.name());
        assert_eq!(
            report.applied,
            expected,
            "{}: update report {report:?}",
            t.name()
        );
        assert_eq!(installed(&url).await, Some(latest.clone()));

        let upgraded = t.dump(&url).await;
        assert_same_catalog(
            &format!(
                "{}: {start} updated to {latest} vs fresh {latest}",
                t.name()
            ),
            "updated",
            &upgraded,
            "fresh",
            &fresh_dump,
        );

        let again = connect::update_schema(&url, None)
            .await
            .unwrap_or_else(|e| panic!("{}: second update from {latest}: {e}", t.name()));
        assert!(
            again.applied.is_empty(),
            "{}: re-running update applied {:?}",
            t.name(),
            again.applied
        );
        assert_eq!(
            (again.from.clone(), again.to.clone()),
            (latest.clone(), latest.clone())
        );
        assert_eq!(
            t.dump(&url).await,
            upgraded,
            "{}: a no-op update changed the catalog",
            t.name()
        );

        // Setup on a set-up database changes nothing either.
        assert_eq!(connect::setup_schema(&url, None).await.unwrap(), latest);
        assert_eq!(t.dump(&url).await, upgraded);

        let history = t
            .query(&url, "SELECT new_version FROM schema_update_history")
            .await;
        let mut recorded: Vec<Version> = history.iter().map(|v| version(v)).collect();
        recorded.sort();
        let mut wanted = vec![start.clone()];
        wanted.extend(expected);
        assert_eq!(
            recorded,
            wanted,
            "{}: schema_update_history after setup at {start} and update",
            t.name()
        );

        // The updated database is a working store.
        let store = connect::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{}: open after update from {start}: {e}", t.name()));
        store.close().await.unwrap();
    }
}

/// Updating to an older version than the installed one is refused and changes nothing; an
/// unknown target version is refused too.
pub async fn update_refuses_to_downgrade<T: SchemaTarget>(t: &T) {
    let schema = t.schema();
    let url = t.fresh_url("downgrade");
    connect::setup_schema(&url, None).await.unwrap();
    let before = t.dump(&url).await;

    let err = connect::update_schema(&url, Some(schema.oldest()))
        .await
        .expect_err("a downgrade must be refused");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.message().contains("downgrade"), "{err}");
    assert!(
        err.message().contains(&schema.oldest().to_string())
            && err.message().contains(&schema.latest().to_string()),
        "the error should name both versions: {err}"
    );

    let err = connect::update_schema(&url, Some(&version("99.0")))
        .await
        .expect_err("an unknown version must be refused");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.message().contains("99.0"), "{err}");

    assert_eq!(installed(&url).await, Some(schema.latest().clone()));
    assert_eq!(
        t.dump(&url).await,
        before,
        "a refused update changed the catalog"
    );
}

/// A database recording a version outside the supported range cannot be opened; for an old
/// version the error names `wfvis --url … schema update`.
pub async fn open_refuses_unsupported_versions<T: SchemaTarget>(t: &T) {
    let url = t.fresh_url("unsupported");
    connect::setup_schema(&url, None).await.unwrap();

    t.query(&url, "UPDATE schema_version SET curr_version = '0.1'")
        .await;
    let err = open_error(&url).await;
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("0.1"), "{err}");
    assert!(
        err.message().contains("wfvis --url ") && err.message().contains(" schema update"),
        "the error should name the command that fixes it: {err}"
    );

    t.query(&url, "UPDATE schema_version SET curr_version = '99.0'")
        .await;
    let err = open_error(&url).await;
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("99.0"), "{err}");
    assert!(err.message().contains("newer"), "{err}");
}

/// A database without the schema cannot be opened or updated, and both errors name
/// `wfvis --url … schema setup`; `schema version` reports no schema.
pub async fn missing_schema_names_the_setup_command<T: SchemaTarget>(t: &T) {
    let url = t.fresh_url("empty");
    let err = open_error(&url).await;
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert_names_setup(&err);

    let err = connect::update_schema(&url, None)
        .await
        .expect_err("updating a database without schema must fail");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert_names_setup(&err);
}

/// Whether `err` tells the user to run `wfvis --url … schema setup`.
#[track_caller]
pub fn assert_names_setup(err: &Error) {
    assert!(
        err.message().contains("wfvis --url ") && err.message().contains(" schema setup"),
        "the error should name `wfvis --url … schema setup`: {err}"
    );
}

async fn open_error(url: &str) -> Error {
    match connect::connect(url).await {
        Ok(store) => {
            let _ = store.close().await;
            panic!("opening {url} should have failed")
        }
        Err(e) => e,
    }
}

/// Records written before string rows carried sort keys get them on update: the copied
/// columns equal the record's, and a listing driven by a Keyword value returns the records in
/// the default order (running first, then by close time, newest first).
pub async fn existing_string_rows_get_their_sort_keys<T: SchemaTarget>(t: &T) {
    let schema = t.schema();
    let before_sort_keys = schema
        .steps
        .iter()
        .rev()
        .find(|s| {
            !s.files
                .iter()
                .any(|(name, _)| *name == "string_sort_keys.sql")
        })
        .map(|s| s.manifest.version.clone())
        .expect("a version before string rows carried sort keys");
    let url = t.fresh_url("sort_key_backfill");
    connect::setup_schema(&url, Some(&before_sort_keys))
        .await
        .unwrap_or_else(|e| panic!("{}: setup at {before_sort_keys}: {e}", t.name()));
    t.query(
        &url,
        "INSERT INTO search_attributes (namespace_id, name, type) VALUES ('ns', 'K', 'Keyword')",
    )
    .await;
    let attr = t
        .query(
            &url,
            "SELECT id FROM search_attributes WHERE namespace_id = 'ns' AND name = 'K'",
        )
        .await;
    let attr: i64 = attr[0].trim().parse().expect("an attribute id");
    // (run, value, start, close): one running and two closed records.
    let records: [(&str, &str, i64, Option<i64>); 3] = [
        ("run-a", "v", 1_000, Some(5_000)),
        ("run-b", "v", 2_000, None),
        ("run-c", "v", 3_000, Some(9_000)),
    ];
    // MySQL-family string rows are numbered per record.
    let (seq_column, seq_value) = if schema.database == "mysql" {
        (", seq", ", 0")
    } else {
        ("", "")
    };
    for (run, value, start, close) in records {
        let close_sql = close.map_or("NULL".to_string(), |c| c.to_string());
        let close_sort = close.unwrap_or(i64::MAX);
        let (status, rank) = if close.is_some() { (2, 1) } else { (1, 4) };
        t.query(
            &url,
            &format!(
                "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, \
                 start_time, execution_time, close_time, close_sort, status, status_rank, \
                 history_length, history_size_bytes, state_transition_count, task_queue, \
                 search_attributes, version) VALUES ('ns', '{run}', 'wf-{run}', 't', {start}, \
                 {start}, {close_sql}, {close_sort}, {status}, {rank}, 0, 0, 0, 'q', \
                 '{{\"{attr}\":\"{value}\"}}', 1)"
            ),
        )
        .await;
        t.query(
            &url,
            &format!(
                "INSERT INTO sa_string (execution_id, namespace_id, attr_id, value{seq_column}) \
                 SELECT id, 'ns', {attr}, '{value}'{seq_value} FROM executions \
                 WHERE run_id = '{run}'"
            ),
        )
        .await;
    }

    connect::update_schema(&url, None)
        .await
        .unwrap_or_else(|e| panic!("{}: update from {before_sort_keys}: {e}", t.name()));
    let copied = t
        .query(
            &url,
            "SELECT s.close_sort = e.close_sort AND s.start_time = e.start_time \
             AND s.run_id = e.run_id AND s.workflow_id = e.workflow_id \
             FROM sa_string s JOIN executions e ON e.id = s.execution_id",
        )
        .await;
    assert_eq!(copied.len(), 3, "{}: {copied:?}", t.name());
    assert!(
        copied
            .iter()
            .all(|c| matches!(c.trim(), "1" | "t" | "true")),
        "{}: sort keys not copied: {copied:?}",
        t.name()
    );

    let store = connect::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{}: open after update: {e}", t.name()));
    let page = store
        .list_workflow_executions(
            workflow_visibility::prelude::ListRequest::new("ns").query("K = 'v'"),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: list after update: {e}", t.name()));
    let runs: Vec<&str> = page.executions.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(runs, ["run-b", "run-c", "run-a"], "{}", t.name());
    store.close().await.unwrap();
}
