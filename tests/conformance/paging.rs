//! Paging: every record exactly once across pages at any page size, inserts between pages
//! neither skipped nor repeated, page sizes clamped into 1..=1000, bad tokens rejected.

use std::collections::BTreeSet;

use futures::StreamExt;
use workflow_visibility::page_token::{PageToken, TokenKind, fingerprint};
use workflow_visibility::prelude::*;

use super::support::*;

/// 23 records with ties on start time, close time and mixed statuses; returns them as stored.
async fn mixed_records(store: &Store, ns: &str, custom: bool) -> Vec<ExecutionRecord> {
    use ExecutionStatus as S;
    let statuses = [S::Completed, S::Failed, S::Canceled, S::TimedOut];
    let mut out = Vec::new();
    for i in 0..23i64 {
        let mut r = rec(ns, &format!("w{i:02}"), at(i % 5)).run(&format!("r{:02}", (i * 7) % 23));
        if i % 3 != 0 {
            r = r.closed(statuses[(i % 4) as usize], at(100 + i % 4));
        }
        if custom {
            if i % 4 != 0 {
                r = r.sa(INT, int(i % 3));
            }
            if i % 5 != 1 {
                r = r.sa(KW, kw(["x", "y", "x ", "X"][(i % 4) as usize]));
            }
        }
        write(store, r.clone()).await;
        out.push(stored(r));
    }
    out
}

pub async fn every_record_once_at_several_page_sizes(store: Store, ns: String) {
    let mut expected = mixed_records(&store, &ns, false).await;
    sort_default(&mut expected);
    for page_size in [1, 2, 3, 5, 7, 22, 23, 24, 1000] {
        let got = list_all(&store, &ns, "", page_size).await;
        assert_eq!(
            wf_ids(&got),
            wf_ids(&expected),
            "records listed at page size {page_size}"
        );
        assert_eq!(got, expected, "records listed at page size {page_size}");
    }
}

pub async fn ordered_pages_stay_ordered(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    mixed_records(&store, &ns, true).await;
    for query in [
        format!("ORDER BY {INT}"),
        format!("ORDER BY {INT} DESC, {KW}"),
        format!("ORDER BY {KW} DESC"),
        "ORDER BY ExecutionStatus DESC".to_string(),
        "ORDER BY CloseTime DESC".to_string(),
        "ORDER BY CloseTime, StartTime DESC".to_string(),
        format!("{INT} != 1 ORDER BY {KW}, {INT} DESC"),
    ] {
        let whole = wf_ids(&list_all(&store, &ns, &query, 1000).await);
        for page_size in [1, 2, 3, 4, 9] {
            let paged = wf_ids(&list_all(&store, &ns, &query, page_size).await);
            assert_eq!(paged, whole, "{query:?} at page size {page_size}");
        }
    }
}

/// Listings filtered on one Keyword value, KeywordList element or Text word (which SQL stores
/// read in order from the string rows' index): every page in the default order, matching a
/// filter over the whole listing, also after records closed and their values changed.
pub async fn single_value_listings_page_in_default_order(store: Store, ns: String) {
    use ExecutionStatus as S;
    register_standard(&store, &ns).await;
    let mut records = Vec::new();
    for i in 0..17i64 {
        let mut r = rec(&ns, &format!("w{i:02}"), at(i % 4)).run(&format!("r{:02}", (i * 5) % 17));
        r = r
            .sa(KW, kw(["x", "y"][(i % 2) as usize]))
            .sa(KWL, kwl(&[["a", "b"][(i % 2) as usize], "c"]))
            .sa(TX, text(["alpha beta", "beta gamma"][(i % 2) as usize]));
        write(&store, r.clone()).await;
        records.push(r);
    }
    // Close some records (their sort key moves) and change the value of others.
    for (i, r) in records.iter_mut().enumerate() {
        let i = i as i64;
        if i % 3 == 0 {
            *r = r.clone().closed(S::Completed, at(50 + i % 5));
            write(&store, r.clone()).await;
        } else if i % 5 == 1 {
            *r = r
                .clone()
                .sa(KW, kw("x"))
                .sa(KWL, kwl(&["a"]))
                .sa(TX, text("alpha"));
            upsert(&store, r.clone()).await;
        }
    }
    let whole = list_all(&store, &ns, "", 1000).await;
    assert_eq!(whole.len(), records.len());
    let has = |r: &ExecutionRecord, name: &str, wanted: &str| match r.search_attributes.get(name) {
        Some(SearchAttributeValue::Keyword(v)) => v == wanted,
        Some(SearchAttributeValue::KeywordList(items)) => items.iter().any(|v| v == wanted),
        Some(SearchAttributeValue::Text(v)) => v.split(' ').any(|w| w == wanted),
        _ => false,
    };
    type Matches<'a> = Box<dyn Fn(&ExecutionRecord) -> bool + 'a>;
    let cases: Vec<(String, Matches<'_>)> = vec![
        (format!("{KW} = 'x'"), Box::new(|r| has(r, KW, "x"))),
        (format!("{KW} IN ('y')"), Box::new(|r| has(r, KW, "y"))),
        (format!("{KWL} = 'a'"), Box::new(|r| has(r, KWL, "a"))),
        (format!("{TX} = 'gamma'"), Box::new(|r| has(r, TX, "gamma"))),
        (
            format!("{KW} = 'x' AND ExecutionStatus = 'Running'"),
            Box::new(|r| has(r, KW, "x") && r.status == S::Running),
        ),
        (
            format!(
                "StartTime >= '{}' AND {KWL} = 'c'",
                at(1).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Box::new(|r| has(r, KWL, "c") && r.start_time >= at(1)),
        ),
        (format!("{KW} = 'none'"), Box::new(|_| false)),
    ];
    for (query, matches) in cases {
        let expected: Vec<String> = whole
            .iter()
            .filter(|r| matches(r))
            .map(|r| r.workflow_id.clone())
            .collect();
        for page_size in [1, 2, 3, 1000] {
            let got = wf_ids(&list_all(&store, &ns, &query, page_size).await);
            assert_eq!(got, expected, "{query:?} at page size {page_size}");
        }
    }
}

pub async fn inserts_between_pages(store: Store, ns: String) {
    // Default order: w11, w10, …, w00 (all running, start descending).
    for i in 0..12 {
        write(&store, rec(&ns, &format!("w{i:02}"), at(i * 10))).await;
    }
    let mut seen: Vec<ExecutionRecord> = Vec::new();
    let mut must_appear: Vec<String> = Vec::new();
    let mut must_not_appear: Vec<String> = Vec::new();
    let mut token = None;
    for k in 0.. {
        let page = store
            .list_workflow_executions(
                ListRequest::new(&ns)
                    .page_size(3)
                    .next_page_token(token.clone()),
            )
            .await
            .expect("list");
        seen.extend(page.executions);
        let Some(next) = page.next_page_token else {
            break;
        };
        assert!(k < 100, "listing does not end while inserting");
        token = Some(next);
        let last = seen
            .last()
            .expect("a page with a token is not empty")
            .clone();
        // Sorts before the cursor: must not show up later (the listing is ordered).
        let front = format!("front-{k}");
        write(&store, rec(&ns, &front, at(10_000 + k))).await;
        let tie_before = format!("tie-before-{k}");
        write(
            &store,
            rec(&ns, &tie_before, last.start_time).run(&format!("a-{k}")),
        )
        .await;
        must_not_appear.extend([front, tie_before]);
        // Sorts after the cursor: must show up exactly once.
        let back = format!("back-{k}");
        write(&store, rec(&ns, &back, at(-100 - k))).await;
        let tie_after = format!("tie-after-{k}");
        write(
            &store,
            rec(&ns, &tie_after, last.start_time).run(&format!("zz-{k}")),
        )
        .await;
        must_appear.extend([back, tie_after]);
    }
    let ids = wf_ids(&seen);
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "a record was listed twice: {ids:?}"
    );
    for i in 0..12 {
        let wf = format!("w{i:02}");
        assert!(ids.contains(&wf), "{wf} was skipped: {ids:?}");
    }
    for wf in &must_appear {
        assert!(
            ids.contains(wf),
            "{wf}, inserted behind the cursor, was skipped: {ids:?}"
        );
    }
    for wf in &must_not_appear {
        assert!(
            !ids.contains(wf),
            "{wf}, inserted ahead of the cursor, appeared out of order: {ids:?}"
        );
    }
    let mut sorted = seen.clone();
    sort_default(&mut sorted);
    assert_eq!(wf_ids(&sorted), ids, "pages are not in the default order");
}

pub async fn page_size_clamped(store: Store, ns: String) {
    let total = 1005usize;
    futures::stream::iter(0..total)
        .map(|i| {
            let store = store.clone();
            let r = rec(&ns, &format!("w{i:04}"), at(i as i64));
            async move { write(&store, r).await }
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    assert_eq!(count(&store, &ns, "").await, total as i64);
    let page = |size: usize, token: Option<Vec<u8>>| {
        store.list_workflow_executions(ListRequest::new(&ns).page_size(size).next_page_token(token))
    };
    let p = page(0, None).await.expect("page size 0");
    assert_eq!(p.executions.len(), 1, "page size 0 must be clamped to 1");
    assert!(p.next_page_token.is_some());
    for size in [1000, 1001, usize::MAX] {
        let p = page(size, None).await.expect("large page");
        assert_eq!(
            p.executions.len(),
            1000,
            "page size {size} must be clamped to 1000"
        );
        let rest = page(size, p.next_page_token.clone())
            .await
            .expect("second page");
        assert_eq!(rest.executions.len(), 5);
        assert!(rest.next_page_token.is_none());
    }
    let p = page(999, None).await.expect("page size 999");
    assert_eq!(p.executions.len(), 999);
    let p = store
        .list_open_workflow_executions(LegacyListRequest::new(&ns).page_size(0))
        .await
        .expect("legacy page size 0");
    assert_eq!(
        p.executions.len(),
        1,
        "legacy page size 0 must be clamped to 1"
    );
    let p = store
        .scan_workflow_executions(ListRequest::new(&ns).page_size(0))
        .await
        .expect("scan page size 0");
    assert!(
        p.executions.len() <= 1,
        "scan page size 0 must be clamped to 1"
    );
    assert!(p.next_page_token.is_some());
    let p = store
        .scan_workflow_executions(ListRequest::new(&ns).page_size(usize::MAX))
        .await
        .expect("scan page size usize::MAX");
    assert!(p.executions.len() <= 1000, "scan pages are capped at 1000");
}

pub async fn bad_tokens_rejected(store: Store, ns: String) {
    for i in 0..5 {
        write(&store, rec(&ns, &format!("w{i}"), at(i))).await;
    }
    let first = store
        .list_workflow_executions(ListRequest::new(&ns).page_size(2))
        .await
        .expect("first page");
    let token = first.next_page_token.clone().expect("a token");
    let scan_token = store
        .scan_workflow_executions(ListRequest::new(&ns).page_size(2))
        .await
        .expect("scan")
        .next_page_token
        .expect("a scan token");

    let list_with = |ns: String, query: &'static str, t: Vec<u8>| {
        let store = store.clone();
        async move {
            store
                .list_workflow_executions(
                    ListRequest::new(ns)
                        .query(query)
                        .page_size(2)
                        .next_page_token(Some(t)),
                )
                .await
        }
    };
    let foreign = PageToken::new(
        format!("{}-elsewhere", store.store_name()),
        TokenKind::List,
        fingerprint(&ns, ""),
        vec![None, None, None, None],
    )
    .encode();
    let json_garbage = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"v":1}"#)
    };
    for (what, t) in [
        ("garbage", b"garbage!".to_vec()),
        ("non-UTF-8 bytes", vec![0xff, 0xfe, 0x00, 0x01]),
        ("base64 of a wrong document", json_garbage.into_bytes()),
        ("a token of another store", foreign),
        ("a truncated token", token[..token.len() / 2].to_vec()),
        ("a scan token", scan_token.clone()),
    ] {
        expect_err(
            list_with(ns.clone(), "", t).await,
            ErrorKind::InvalidArgument,
            &format!("list with {what}"),
        );
    }
    expect_err(
        list_with(format!("{ns}-other"), "", token.clone()).await,
        ErrorKind::InvalidArgument,
        "list with a token of another namespace",
    );
    expect_err(
        list_with(ns.clone(), "WorkflowId != 'w9'", token.clone()).await,
        ErrorKind::InvalidArgument,
        "list with a token of another query",
    );
    expect_err(
        store
            .scan_workflow_executions(
                ListRequest::new(&ns)
                    .page_size(2)
                    .next_page_token(Some(token.clone())),
            )
            .await,
        ErrorKind::InvalidArgument,
        "scan with a list token",
    );
    expect_err(
        store
            .list_closed_workflow_executions(
                LegacyListRequest::new(&ns).next_page_token(Some(token.clone())),
            )
            .await,
        ErrorKind::InvalidArgument,
        "closed listing with a token of a plain listing",
    );

    // A good token still works, more than once, and with another page size.
    let again = list_with(ns.clone(), "", token.clone())
        .await
        .expect("reuse");
    let twice = list_with(ns.clone(), "", token.clone())
        .await
        .expect("reuse");
    assert_eq!(wf_ids(&again.executions), ["w2", "w1"]);
    assert_eq!(again.executions, twice.executions);
    let rest = store
        .list_workflow_executions(
            ListRequest::new(&ns)
                .page_size(10)
                .next_page_token(Some(token)),
        )
        .await
        .expect("continue with another page size");
    assert_eq!(wf_ids(&rest.executions), ["w2", "w1", "w0"]);
    assert!(rest.next_page_token.is_none());
}
