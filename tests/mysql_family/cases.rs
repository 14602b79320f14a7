//! Test bodies run on MariaDB and, when configured, on MySQL 8: collation, schema tool,
//! password redaction, query plans, concurrency and column limits.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use workflow_visibility::attributes::{AttributeDef, NamespaceAttributes};
use workflow_visibility::prelude::*;
use workflow_visibility::query::{QueryPurpose, compile};
use workflow_visibility::schema::Version;
use workflow_visibility::store::mysql::{
    MysqlOptions, MysqlStore, RenderedSql, render_count_sql, render_list_sql,
};
use workflow_visibility::store::pool::PoolOptions;
use workflow_visibility::{ErrorKind, QueryLimits};

use super::{Target, admin_exec, admin_rows, catalog_dump, with_database, with_password};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

fn minutes(m: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::minutes(m)
}

async fn set_up_and_open(url: &str) -> MysqlStore {
    let options = MysqlOptions::from_url(url).expect("parse URL");
    MysqlStore::setup_schema(options.clone(), None)
        .await
        .expect("set up the schema");
    MysqlStore::open(options).await.expect("open the store")
}

async fn register(store: &MysqlStore, ns: &str, attrs: &[(&str, SearchAttributeType)]) {
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            ns,
            attrs.iter().map(|(n, t)| (n.to_string(), *t)),
        ))
        .await
        .expect("register attributes");
}

async fn start(store: &MysqlStore, record: ExecutionRecord) {
    let what = format!("{}/{}", record.workflow_id, record.run_id);
    store
        .record_workflow_execution_started(RecordStartedRequest::new(record))
        .await
        .unwrap_or_else(|e| panic!("writing {what}: {e}"));
}

/// Workflow ids of a full listing (all pages).
async fn list_ids(store: &MysqlStore, ns: &str, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let page = store
            .list_workflow_executions(
                ListRequest::new(ns)
                    .query(query)
                    .page_size(2)
                    .next_page_token(token),
            )
            .await
            .unwrap_or_else(|e| panic!("listing {query:?}: {e}"));
        ids.extend(page.executions.into_iter().map(|r| r.workflow_id));
        token = page.next_page_token;
        if token.is_none() {
            return ids;
        }
    }
}

fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''").replace('\\', "\\\\"))
}

/// Keyword columns compare and sort by code point without padding, on a server whose defaults
/// are something else (latin1 on the harness's MariaDB); long values sharing a prefix longer
/// than the indexed prefix and than the server's default sort length stay exact.
pub async fn keyword_collation(target: &Target) {
    let db = target.fresh("collation");
    let store = set_up_and_open(&db.url).await;
    let collation = store.server().keyword_collation();
    let columns = admin_rows(
        &db.url,
        "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         AND COLLATION_NAME IS NOT NULL",
    )
    .await;
    assert!(columns.len() >= 20, "too few string columns: {columns:?}");
    for c in &columns {
        assert_eq!(c[2].as_deref(), Some("utf8mb4"), "{c:?}");
        assert_eq!(c[3].as_deref(), Some(collation), "{c:?}");
    }
    for t in admin_rows(
        &db.url,
        "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE()",
    )
    .await
    {
        assert_eq!(t[1].as_deref(), Some(collation), "{t:?}");
    }

    let ns = "collation";
    register(&store, ns, &[("K", SearchAttributeType::Keyword)]).await;
    let long = "x".repeat(1500);
    let values = [
        "a".to_string(),
        "a ".to_string(),
        "B".to_string(),
        "é".to_string(),
        "中".to_string(),
        "😀".to_string(),
        "ab".to_string(),
        format!("{long}b"),
        format!("{long}a"),
        format!("{long}c"),
    ];
    for (i, v) in values.iter().enumerate() {
        let mut r = ExecutionRecord::new(ns, format!("w{i}"), "run", "t", minutes(i as i64));
        r.search_attributes
            .insert("K".into(), SearchAttributeValue::Keyword(v.clone()));
        start(&store, r).await;
    }
    let id_of = |v: &str| format!("w{}", values.iter().position(|x| x == v).unwrap());
    let ids = |vs: &[&str]| vs.iter().map(|v| id_of(v)).collect::<Vec<_>>();
    assert_eq!(list_ids(&store, ns, "K = 'a'").await, ids(&["a"]));
    assert_eq!(list_ids(&store, ns, "K = 'a '").await, ids(&["a "]));
    assert_eq!(
        list_ids(&store, ns, "K STARTS_WITH 'a' ORDER BY K").await,
        ids(&["a", "a ", "ab"])
    );
    let (la, lb, lc) = (format!("{long}a"), format!("{long}b"), format!("{long}c"));
    assert_eq!(
        list_ids(&store, ns, "ORDER BY K ASC").await,
        ids(&["B", "a", "a ", "ab", &la, &lb, &lc, "é", "中", "😀"]),
        "code-point order"
    );
    assert_eq!(
        list_ids(&store, ns, "ORDER BY K DESC").await,
        ids(&["😀", "中", "é", &lc, &lb, &la, "ab", "a ", "a", "B"])
    );
    assert_eq!(
        list_ids(&store, ns, &format!("K = {}", lit(&lb))).await,
        ids(&[&lb])
    );
    assert_eq!(
        list_ids(&store, ns, &format!("K > {} ORDER BY K", lit(&la))).await,
        ids(&[&lb, &lc, "é", "中", "😀"])
    );
    assert_eq!(
        list_ids(
            &store,
            ns,
            &format!("K STARTS_WITH {} ORDER BY K", lit(&long))
        )
        .await,
        ids(&[&la, &lb, &lc])
    );

    // Identities differ by a trailing space: two records, not a duplicate key.
    for wf in ["w", "w "] {
        start(&store, ExecutionRecord::new(ns, wf, "r", "t", t0())).await;
    }
    for wf in ["w", "w "] {
        let got = store
            .get_workflow_execution(GetRequest::new(ns, wf, "r"))
            .await
            .expect("get");
        assert_eq!(got.execution.workflow_id, wf);
    }
    assert_eq!(list_ids(&store, ns, "WorkflowId = 'w '").await, ["w "]);
    assert_eq!(
        list_ids(&store, ns, "WorkflowId < 'w0' AND WorkflowId >= 'w'")
            .await
            .len(),
        2
    );
    store.close().await.expect("close");
}

/// Setup at the oldest version, then update, gives the catalog of a fresh setup; a second
/// update is a no-op; downgrades are refused; an update interrupted half-way finishes on a
/// re-run.
pub async fn schema_versions(target: &Target) {
    let schema = workflow_visibility::schema::mysql();
    let versions: Vec<Version> = schema
        .steps
        .iter()
        .map(|s| s.manifest.version.clone())
        .collect();
    let v10: Version = "1.0".parse().unwrap();
    let latest = schema.latest().clone();
    assert_eq!(versions[0], v10);
    assert!(versions.len() >= 3, "{versions:?}");
    let old = target.fresh("schema_old");
    let fresh = target.fresh("schema_new");
    let old_opts = MysqlOptions::from_url(&old.url).unwrap();
    let fresh_opts = MysqlOptions::from_url(&fresh.url).unwrap();

    assert_eq!(
        MysqlStore::setup_schema(old_opts.clone(), Some(&v10))
            .await
            .unwrap(),
        v10
    );
    assert_eq!(
        MysqlStore::installed_schema_version(old_opts.clone())
            .await
            .unwrap(),
        Some(v10.clone())
    );
    // 1.0 predates the oldest version this crate writes: opening names the fix.
    let e = MysqlStore::open(old_opts.clone())
        .await
        .expect_err("1.0 is older than the supported range");
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.to_string().contains("schema update"), "{e}");
    let dump_v10 = catalog_dump(&old.url).await;

    assert_eq!(
        MysqlStore::setup_schema(fresh_opts.clone(), None)
            .await
            .unwrap(),
        latest
    );
    let dump_fresh = catalog_dump(&fresh.url).await;
    for expected in [
        "executions_by_workflow_id",
        "sa_string_in_order",
        "column | executions",
    ] {
        assert!(
            dump_fresh.iter().any(|l| l.contains(expected)),
            "{expected} missing from {dump_fresh:#?}"
        );
    }
    assert!(
        dump_fresh
            .iter()
            .any(|l| l.contains("value_head") && l.contains("left")),
        "value_head is generated from value: {dump_fresh:#?}"
    );
    assert_ne!(
        dump_v10, dump_fresh,
        "the latest version must differ from 1.0"
    );

    let report = MysqlStore::update_schema(old_opts.clone(), None)
        .await
        .unwrap();
    assert_eq!(
        (report.from, report.to.clone()),
        (v10.clone(), latest.clone())
    );
    assert_eq!(report.applied, versions[1..]);
    assert_eq!(catalog_dump(&old.url).await, dump_fresh);
    let store = MysqlStore::open(old_opts.clone())
        .await
        .expect("open after the update");
    assert_eq!(store.schema_version().await.unwrap(), latest);
    store.close().await.unwrap();

    let again = MysqlStore::update_schema(old_opts.clone(), None)
        .await
        .unwrap();
    assert!(again.applied.is_empty(), "{again:?}");
    assert_eq!((again.from, again.to), (latest.clone(), latest.clone()));
    assert_eq!(catalog_dump(&old.url).await, dump_fresh);

    let down = MysqlStore::update_schema(old_opts.clone(), Some(&v10))
        .await
        .unwrap_err();
    assert_eq!(down.kind(), ErrorKind::InvalidArgument);
    assert!(down.to_string().contains("downgrade"), "{down}");
    assert_eq!(
        MysqlStore::setup_schema(old_opts.clone(), None)
            .await
            .unwrap(),
        latest,
        "setup on a set-up database changes nothing"
    );
    assert_eq!(catalog_dump(&old.url).await, dump_fresh);
    let history = admin_rows(
        &old.url,
        "SELECT old_version, new_version, description FROM schema_update_history \
         ORDER BY update_time, new_version",
    )
    .await;
    assert_eq!(history.len(), versions.len(), "{history:?}");
    for (i, v) in versions.iter().enumerate() {
        assert_eq!(history[i][1].as_deref(), Some(v.to_string().as_str()));
        if i > 0 {
            assert_eq!(
                history[i][0].as_deref(),
                Some(versions[i - 1].to_string().as_str())
            );
        }
    }

    // An update that died after creating one of 1.1's indexes and one of 1.2's columns: DDL
    // is not transactional here, so the re-run must accept what is already there.
    let half = target.fresh("schema_half");
    let half_opts = MysqlOptions::from_url(&half.url).unwrap();
    MysqlStore::setup_schema(half_opts.clone(), Some(&v10))
        .await
        .unwrap();
    admin_exec(
        &half.url,
        "CREATE INDEX executions_by_start_time ON executions (namespace_id, start_time)",
    )
    .await;
    admin_exec(
        &half.url,
        "ALTER TABLE sa_string ADD COLUMN close_sort BIGINT NOT NULL DEFAULT 0",
    )
    .await;
    let report = MysqlStore::update_schema(half_opts.clone(), None)
        .await
        .expect("re-run a half-applied update");
    assert_eq!(report.applied, versions[1..]);
    assert_eq!(catalog_dump(&half.url).await, dump_fresh);
}

/// Opening a database without a schema, or a missing one, names the command that fixes it.
pub async fn missing_schema_names_the_fix(target: &Target) {
    let empty = target.fresh("empty");
    target.create(&empty).await;
    let opts = MysqlOptions::from_url(&empty.url).unwrap();
    let e = MysqlStore::open(opts.clone()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.to_string().contains("schema setup"), "{e}");
    assert!(e.to_string().contains(&opts.redacted_url()), "{e}");
    let e = MysqlStore::update_schema(opts.clone(), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("schema setup"), "{e}");
    assert_eq!(
        MysqlStore::installed_schema_version(opts).await.unwrap(),
        None
    );

    let missing = with_database(&empty.url, "wfvis_no_such_database_x");
    let e = MysqlStore::connect(&missing).await.unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(e.to_string().contains("schema setup"), "{e}");
}

/// A sentinel password never shows in errors (refused connection, bad credentials, pool
/// timeout, missing schema), in `Debug` output, or in anything logged through `tracing`.
///
/// `working` is a URL whose password the server accepts, when one is available: the sentinel
/// is then that password.
pub async fn password_never_shows(target: &Target, working: Option<&str>) {
    const SENTINEL: &str = "Sentinel-Pa55-d0-not-print";
    let (captured, _guard) = super::tracing_capture::capture();
    let mut shown = Vec::new();
    let fast = |url: &str| {
        MysqlOptions::from_url(url)
            .unwrap()
            .pool_options(PoolOptions {
                connect_timeout: Duration::from_millis(500),
                ..PoolOptions::default()
            })
    };

    // Refused: nothing listens on a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused_url = format!("mysql://app:{SENTINEL}@127.0.0.1:{port}/db");
    let e = MysqlStore::open(fast(&refused_url)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
    assert!(e.to_string().contains("refused"), "{e}");
    shown.push(format!("{e} {e:?}"));
    let e = MysqlStore::setup_schema(fast(&refused_url), None)
        .await
        .unwrap_err();
    shown.push(format!("{e} {e:?}"));

    // Bad credentials on the real server.
    let shared = target.fresh("creds");
    let bad_url = with_password(&shared.url, SENTINEL);
    let e = MysqlStore::open(fast(&bad_url)).await.unwrap_err();
    assert!(
        e.to_string().contains("rejected the credentials"),
        "bad credentials should say so: {e}"
    );
    assert!(!e.is_retryable(), "{e}");
    shown.push(format!("{e} {e:?}"));
    shown.push(format!("{:?}", fast(&bad_url)));

    if let Some(url) = working {
        let secret = super::password_of(url).expect("the working URL has a password");
        let opts = fast(url);
        shown.push(format!("{opts:?}"));
        // Missing schema.
        let e = MysqlStore::open(opts.clone()).await.unwrap_err();
        assert!(e.to_string().contains("schema setup"), "{e}");
        assert!(e.to_string().contains(":****@"), "{e}");
        shown.push(format!("{e} {e:?}"));
        // Pool timeout: one connection, held by a call blocked on a table lock.
        MysqlStore::setup_schema(opts.clone(), None).await.unwrap();
        let mut pool = opts.pool.clone();
        pool.max_connections = 1;
        pool.connect_timeout = Duration::from_millis(300);
        let store_opts = StoreOptions {
            call_timeout: Duration::from_secs(3),
            ..StoreOptions::default()
        };
        let store = Arc::new(
            MysqlStore::open(opts.clone().pool_options(pool).store_options(store_opts))
                .await
                .unwrap(),
        );
        shown.push(format!("{store:?}"));
        let mut locker = <sqlx::MySqlConnection as sqlx::Connection>::connect(url)
            .await
            .unwrap();
        sqlx::raw_sql("LOCK TABLES executions WRITE")
            .execute(&mut locker)
            .await
            .unwrap();
        let blocked = {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .count_workflow_executions(CountRequest::new("ns"))
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let e = store
            .get_workflow_execution(GetRequest::new("ns", "w", "r"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
        assert!(e.to_string().contains("no connection"), "{e}");
        shown.push(format!("{e} {e:?}"));
        let e = blocked.await.unwrap().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
        shown.push(format!("{e} {e:?}"));
        sqlx::raw_sql("UNLOCK TABLES")
            .execute(&mut locker)
            .await
            .unwrap();
        // The pool recovers once the lock is gone.
        let mut recovered = false;
        for _ in 0..20 {
            if store
                .count_workflow_executions(CountRequest::new("ns"))
                .await
                .is_ok()
            {
                recovered = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            recovered,
            "the store did not recover after the lock was released"
        );
        store.close().await.unwrap();
        for s in &shown {
            assert!(!s.contains(&secret), "password shown: {s}");
        }
    }
    for s in &shown {
        assert!(!s.contains(SENTINEL), "sentinel shown: {s}");
    }
    let logged = captured.text();
    assert!(!logged.contains(SENTINEL), "sentinel logged:\n{logged}");
    if let Some(url) = working {
        let secret = super::password_of(url).unwrap();
        assert!(!logged.contains(&secret), "password logged:\n{logged}");
    }
    println!(
        "{} shown messages and {} bytes of logs checked",
        shown.len(),
        logged.len()
    );
}

/// Runs `EXPLAIN` on exactly the statement the store runs; returns `(table, type, key, extra)`
/// per plan row.
async fn explain(
    url: &str,
    collation: &str,
    rendered: &RenderedSql,
) -> Vec<(String, String, String, String)> {
    let mut conn = <sqlx::MySqlConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    // The store's sessions use the keyword collation for the connection.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "SET NAMES utf8mb4 COLLATE {collation}"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    let sql = format!("EXPLAIN {}", rendered.sql);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for p in &rendered.params {
        use workflow_visibility::store::mysql::SqlValue;
        q = match p {
            SqlValue::Text(s) => q.bind(s.clone()),
            SqlValue::Int(i) => q.bind(*i),
            SqlValue::Double(d) => q.bind(*d),
        };
    }
    let rows = q.fetch_all(&mut conn).await.unwrap();
    use sqlx::Row;
    let text = |row: &sqlx::mysql::MySqlRow, name: &str| -> String {
        row.try_get::<Option<String>, _>(name)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    rows.iter()
        .map(|r| {
            (
                text(r, "table"),
                text(r, "type"),
                text(r, "key"),
                text(r, "Extra"),
            )
        })
        .collect()
}

/// The canonical queries read through the intended index and, where the index delivers the
/// default order, without a separate sort step.
pub async fn canonical_query_plans(target: &Target) {
    let db = target.fresh("plans");
    let store = Arc::new(set_up_and_open(&db.url).await);
    let collation = store.server().keyword_collation();
    let ns = "plans";
    register(
        &store,
        ns,
        &[("CustomKeywordField", SearchAttributeType::Keyword)],
    )
    .await;
    register(
        &store,
        "other",
        &[("CustomKeywordField", SearchAttributeType::Keyword)],
    )
    .await;
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for i in (worker..3000).step_by(8) {
                let namespace = if i % 3 == 0 { "other" } else { ns };
                let mut r = ExecutionRecord::new(
                    namespace,
                    format!("wf-{}", i % 500),
                    format!("run-{i}"),
                    format!("type-{}", i % 7),
                    minutes(i as i64),
                );
                r.search_attributes.insert(
                    "CustomKeywordField".into(),
                    SearchAttributeValue::Keyword(format!("k{}", i % 50)),
                );
                if i % 4 == 0 {
                    r = r.closed(ExecutionStatus::Completed, minutes(i as i64 + 5));
                    store
                        .record_workflow_execution_closed(RecordClosedRequest::new(r))
                        .await
                        .unwrap();
                } else {
                    store
                        .record_workflow_execution_started(RecordStartedRequest::new(r))
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    admin_exec(
        &db.url,
        "ANALYZE TABLE executions, sa_string, sa_int, sa_double",
    )
    .await;
    let id: i64 = admin_rows(
        &db.url,
        "SELECT CAST(id AS CHAR) FROM search_attributes WHERE namespace_id = 'plans'",
    )
    .await[0][0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    let registry = NamespaceAttributes::new([AttributeDef {
        id,
        name: "CustomKeywordField".into(),
        ty: SearchAttributeType::Keyword,
    }]);
    let compiled = |q: &str, purpose| {
        compile(q, &registry, purpose, &QueryLimits::default())
            .unwrap_or_else(|e| panic!("{q}: {e}"))
    };
    let cases: [(&str, &[&str], bool); 6] = [
        ("", &["executions_default_order"], true),
        (
            "ExecutionStatus = 'Running'",
            // Either index serves this in order without a filesort; which one MariaDB picks
            // depends on its statistics for the run's data.
            &["executions_by_status", "executions_default_order"],
            true,
        ),
        ("WorkflowType = 'type-3'", &["executions_by_type"], true),
        ("WorkflowId = 'wf-7'", &["executions_by_workflow_id"], true),
        (
            "CustomKeywordField = 'k7'",
            // Matches read from the string rows' ordering index, records by primary key.
            &["sa_string_in_order", "PRIMARY"],
            true,
        ),
        (
            "StartTime >= '2026-01-02T00:00:00Z' AND StartTime < '2026-01-02T02:00:00Z'",
            &["executions_by_start_time", "executions_default_order"],
            false,
        ),
    ];
    let mut report = String::new();
    for (query, keys, sort_free) in cases {
        let rendered = render_list_sql(ns, &compiled(query, QueryPurpose::List), 100);
        let plan = explain(&db.url, collation, &rendered).await;
        report.push_str(&format!("{query:?}: {plan:?}\n"));
        let main = plan
            .iter()
            .find(|p| p.0 == "e")
            .unwrap_or_else(|| panic!("no plan row for executions: {plan:?}"));
        assert_ne!(main.1, "ALL", "{query:?} scans executions: {plan:?}");
        // `<subqueryN>` rows read a materialized semi-join result, not a table.
        for row in plan.iter().filter(|p| !p.0.starts_with('<')) {
            assert_ne!(row.1, "ALL", "{query:?} scans {}: {plan:?}", row.0);
            assert!(
                keys.contains(&row.2.as_str()),
                "{query:?} uses index {:?} on {}, expected one of {keys:?}: {plan:?}",
                row.2,
                row.0
            );
        }
        if sort_free {
            for row in &plan {
                assert!(!row.3.contains("filesort"), "{query:?} sorts: {plan:?}");
                assert!(!row.3.contains("temporary"), "{query:?} sorts: {plan:?}");
            }
        }
    }
    let grouped = render_count_sql(
        ns,
        &compiled("GROUP BY ExecutionStatus", QueryPurpose::Count),
    );
    let plan = explain(&db.url, collation, &grouped).await;
    report.push_str(&format!("count by status: {plan:?}\n"));
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert_eq!(plan[0].2, "executions_by_status", "{plan:?}");
    assert!(
        !plan[0].3.contains("filesort") && !plan[0].3.contains("temporary"),
        "{plan:?}"
    );
    println!("{} plans:\n{report}", target.describe());
    store.close().await.unwrap();
}

/// Concurrent writers of one execution never surface a conflict, and the outcome is the one
/// some serial order gives; concurrent registrations keep the per-type limit.
pub async fn concurrent_writes(target: &Target) {
    let db = target.fresh("concurrency");
    let store = Arc::new(set_up_and_open(&db.url).await);
    let ns = "concurrency";

    // Many starts of one new execution: one record, no error.
    let mut tasks = Vec::new();
    for v in 0..16 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let mut r = ExecutionRecord::new(ns, "same", "run", "t", t0());
            r.version = v;
            store
                .record_workflow_execution_started(RecordStartedRequest::new(r))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("concurrent start");
    }
    assert_eq!(list_ids(&store, ns, "WorkflowId = 'same'").await, ["same"]);

    // Many upserts with distinct versions: the highest wins.
    let mut tasks = Vec::new();
    for v in (1..=16).rev() {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let mut r = ExecutionRecord::new(ns, "upserted", "run", format!("v{v}"), t0());
            r.version = v;
            store.upsert_workflow_execution(UpsertRequest::new(r)).await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("concurrent upsert");
    }
    let got = store
        .get_workflow_execution(GetRequest::new(ns, "upserted", "run"))
        .await
        .unwrap()
        .execution;
    assert_eq!((got.version, got.workflow_type.as_str()), (16, "v16"));

    // New executions next to each other in every index, started at once.
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let r = ExecutionRecord::new(ns, format!("n-{w}-{i}"), format!("r-{i}"), "t", t0());
                store
                    .record_workflow_execution_started(RecordStartedRequest::new(r))
                    .await?;
            }
            Ok::<_, workflow_visibility::Error>(())
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("concurrent inserts");
    }
    let count = store
        .count_workflow_executions(CountRequest::new(ns).query("WorkflowId STARTS_WITH 'n-'"))
        .await
        .unwrap();
    assert_eq!(count.count, 200);

    // Delete racing a write: every serial order gives the same outcome here.
    let mut tasks = Vec::new();
    for i in 0..20 {
        for (delete_version, write_version) in [(10, 5), (5, 10)] {
            let wf = format!("race-{delete_version}-{i}");
            let store_d = Arc::clone(&store);
            let wf_d = wf.clone();
            tasks.push(tokio::spawn(async move {
                store_d
                    .delete_workflow_execution(DeleteRequest::new(ns, wf_d, "run", delete_version))
                    .await
            }));
            let store_w = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                let mut r = ExecutionRecord::new(ns, wf, "run", "t", t0());
                r.version = write_version;
                store_w
                    .upsert_workflow_execution(UpsertRequest::new(r))
                    .await
            }));
        }
    }
    for t in tasks {
        t.await.unwrap().expect("racing delete or write");
    }
    // Delete 10 vs write 5: gone either way. Delete 5 vs write 10: the write survives.
    assert!(
        list_ids(&store, ns, "WorkflowId STARTS_WITH 'race-10-'")
            .await
            .is_empty()
    );
    assert_eq!(
        list_ids(&store, ns, "WorkflowId STARTS_WITH 'race-5-'")
            .await
            .len(),
        20
    );

    // Concurrent registrations against a limit of 3 Int attributes.
    let mut limits = workflow_visibility::attributes::SearchAttributeLimits::default();
    limits
        .max_custom_per_type
        .insert(SearchAttributeType::Int, 3);
    let limited =
        Arc::new(
            MysqlStore::open(MysqlOptions::from_url(&db.url).unwrap().store_options(
                StoreOptions {
                    search_attribute_limits: limits,
                    ..StoreOptions::default()
                },
            ))
            .await
            .unwrap(),
        );
    let mut tasks = Vec::new();
    for i in 0..8 {
        let limited = Arc::clone(&limited);
        tasks.push(tokio::spawn(async move {
            limited
                .add_search_attributes(AddSearchAttributesRequest::new(
                    "limited",
                    [(format!("Int{i}"), SearchAttributeType::Int)],
                ))
                .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}"),
        }
    }
    assert_eq!(ok, 3);
    let listed = limited
        .list_search_attributes(ListSearchAttributesRequest::new("limited"))
        .await
        .unwrap();
    assert_eq!(listed.custom.len(), 3);
    limited.close().await.unwrap();
    store.close().await.unwrap();
}

/// A removed attribute's id is never handed out again, even to the same name.
pub async fn registration_ids_are_never_reused(target: &Target) {
    let db = target.fresh("ids");
    let store = set_up_and_open(&db.url).await;
    let ids = async || {
        admin_rows(
            &db.url,
            "SELECT CAST(id AS CHAR), name FROM search_attributes ORDER BY id",
        )
        .await
    };
    register(&store, "ns", &[("A", SearchAttributeType::Int)]).await;
    register(&store, "ns", &[("B", SearchAttributeType::Int)]).await;
    store
        .remove_search_attributes(RemoveSearchAttributesRequest::new("ns", ["B"]))
        .await
        .unwrap();
    register(&store, "ns", &[("B", SearchAttributeType::Keyword)]).await;
    let rows = ids().await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(
        rows[1][1], None,
        "the removed registration keeps its row: {rows:?}"
    );
    assert_eq!(rows[2][1].as_deref(), Some("B"));
    let listed = store
        .list_search_attributes(ListSearchAttributesRequest::new("ns"))
        .await
        .unwrap();
    assert_eq!(listed.custom.get("B"), Some(&SearchAttributeType::Keyword));
    assert_eq!(listed.custom.len(), 2);
    let e = store
        .remove_search_attributes(RemoveSearchAttributesRequest::new("ns", ["B", "Nope"]))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(ids().await, rows, "a failed removal changes nothing");
    store.close().await.unwrap();
}

/// Strings longer than their columns are InvalidArgument naming the field, counted in
/// characters (not bytes); strings at the limit are stored whole.
pub async fn column_limits(target: &Target) {
    let db = target.fresh("limits");
    let store = set_up_and_open(&db.url).await;
    let ns = "limits";
    let wf = "中".repeat(255);
    let run = "😀".repeat(128);
    start(
        &store,
        ExecutionRecord::new(ns, &wf, &run, "t".repeat(250), t0()),
    )
    .await;
    let got = store
        .get_workflow_execution(GetRequest::new(ns, &wf, &run))
        .await
        .unwrap();
    assert_eq!(got.execution.workflow_id, wf);
    for (record, field) in [
        (
            ExecutionRecord::new(ns, "x".repeat(256), "r", "t", t0()),
            "workflow id",
        ),
        (
            ExecutionRecord::new("n".repeat(129), "w", "r", "t", t0()),
            "namespace id",
        ),
        (
            ExecutionRecord::new(ns, "w", "r".repeat(129), "t", t0()),
            "run id",
        ),
        (
            ExecutionRecord::new(ns, "w", "r", "t".repeat(251), t0()),
            "workflow type",
        ),
    ] {
        let e = store
            .record_workflow_execution_started(RecordStartedRequest::new(record))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert!(e.to_string().contains(field), "{e}");
    }
    store.close().await.unwrap();
}

/// Keyword values longer than the value column (possible only with raised limits) are
/// InvalidArgument naming the attribute.
pub async fn oversized_values_with_raised_limits(target: &Target) {
    let db = target.fresh("values");
    let url = db.url.clone();
    set_up_and_open(&url).await.close().await.unwrap();
    let limits = workflow_visibility::attributes::SearchAttributeLimits {
        max_value_bytes: 20_000,
        max_total_bytes: 100_000,
        ..Default::default()
    };
    let store = MysqlStore::open(MysqlOptions::from_url(&url).unwrap().store_options(
        StoreOptions {
            search_attribute_limits: limits,
            ..StoreOptions::default()
        },
    ))
    .await
    .unwrap();
    let ns = "values";
    register(
        &store,
        ns,
        &[
            ("Long", SearchAttributeType::Keyword),
            ("Items", SearchAttributeType::KeywordList),
        ],
    )
    .await;
    let fits = "é".repeat(4096);
    let mut r = ExecutionRecord::new(ns, "fits", "r", "t", t0());
    r.search_attributes
        .insert("Long".into(), SearchAttributeValue::Keyword(fits.clone()));
    start(&store, r).await;
    assert_eq!(
        list_ids(&store, ns, &format!("Long = {}", lit(&fits))).await,
        ["fits"]
    );
    for (name, value) in [
        ("Long", SearchAttributeValue::Keyword("x".repeat(4097))),
        (
            "Items",
            SearchAttributeValue::KeywordList(vec!["a".into(), "y".repeat(5000)]),
        ),
    ] {
        let mut r = ExecutionRecord::new(ns, "too-long", "r", "t", t0());
        r.search_attributes.insert(name.into(), value);
        let e = store
            .record_workflow_execution_started(RecordStartedRequest::new(r))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert!(e.to_string().contains(name), "{e}");
    }
    store.close().await.unwrap();
}

/// `ssl-mode=REQUIRED` connects over TLS when the server offers it and otherwise fails as
/// Unavailable naming the server, never silently in plain text.
pub async fn tls_required(target: &Target) {
    let db = target.fresh("tls");
    target.create(&db).await;
    let cipher = admin_rows(
        &db.url,
        "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS \
         WHERE VARIABLE_NAME = 'Ssl_cipher'",
    )
    .await;
    let cipher = match cipher.first() {
        Some(row) => row[0].clone().unwrap_or_default(),
        None => {
            // MySQL 8 keeps session status in performance_schema.
            admin_rows(
                &db.url,
                "SELECT VARIABLE_VALUE FROM performance_schema.session_status \
                 WHERE VARIABLE_NAME = 'Ssl_cipher'",
            )
            .await
            .first()
            .and_then(|r| r[0].clone())
            .unwrap_or_default()
        }
    };
    let separator = if db.url.contains('?') { '&' } else { '?' };
    let url = format!("{}{separator}ssl-mode=REQUIRED", db.url);
    let options = MysqlOptions::from_url(&url).unwrap();
    assert_eq!(
        options.pool.tls.mode,
        workflow_visibility::store::pool::TlsMode::Require
    );
    let result = MysqlStore::setup_schema(options, None).await;
    if cipher.is_empty() {
        let e = result.expect_err("TLS required on a server without TLS");
        assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
        assert!(e.to_string().contains("TLS"), "{e}");
        println!("{} offers no TLS: {e}", target.describe());
    } else {
        result.expect("TLS connection");
        println!("{} offers TLS ({cipher})", target.describe());
    }
}
