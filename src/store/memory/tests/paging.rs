//! Keyset paging of listings and scans, tokens and counts.

use super::*;
use crate::ErrorKind;
use crate::attributes::SystemAttribute;
use crate::page_token::{PageToken, TokenKind, fingerprint};
use crate::query::ir::Scalar;
use crate::request::CountGroup;
use SearchAttributeType as T;
use SearchAttributeValue as V;

fn scan_page(
    state: &State,
    page_size: usize,
    token: Option<Vec<u8>>,
) -> crate::Result<ListResponse> {
    let options = StoreOptions::default();
    let ctx = ReadContext {
        store_name: "memory",
        options: &options,
    };
    let request = ListRequest::new(NS)
        .page_size(page_size)
        .next_page_token(token);
    read::scan_compiled(state, &request, &Query::match_all(), &ctx)
}

#[test]
fn pages_cover_the_listing_and_the_last_page_has_no_token() {
    let mut state = State::default();
    for i in 0..6 {
        put(&mut state, running("w", &format!("r{i}"), i));
    }
    let q = query(Expr::True, vec![]);
    let full = list_runs(&state, &q);
    assert_eq!(full.len(), 6);
    for size in 1..=7 {
        assert_eq!(list_runs_paged(&state, &q, size), full, "page size {size}");
    }
    // An exact multiple: the second page is full and still ends the listing.
    let first = list_page(&state, &q, 3, None).unwrap();
    let second = list_page(&state, &q, 3, first.next_page_token).unwrap();
    assert_eq!(second.executions.len(), 3);
    assert_eq!(second.next_page_token, None);
}

#[test]
fn inserts_and_deletes_between_pages_neither_skip_nor_repeat() {
    let mut state = State::default();
    for i in [10, 20, 30, 40, 50] {
        put(&mut state, running("w", &format!("r{i}"), i));
    }
    // Default order is start time descending: r50, r40 | r30, r20 | r10.
    let q = query(Expr::True, vec![]);
    let first = list_page(&state, &q, 2, None).unwrap();
    let runs: Vec<_> = first.executions.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(runs, ["r50", "r40"]);
    // Before the cursor (never shown), after it (shown later), and one deleted.
    put(&mut state, running("w", "r45", 45));
    put(&mut state, running("w", "r25", 25));
    put(&mut state, running("w", "r5", 5));
    state
        .delete(
            NS,
            "w",
            "r30",
            0,
            Instant::now(),
            std::time::Duration::from_secs(60),
        )
        .unwrap();
    let mut rest = Vec::new();
    let mut token = first.next_page_token;
    while let Some(t) = token {
        let page = list_page(&state, &q, 2, Some(t)).unwrap();
        rest.extend(page.executions.into_iter().map(|r| r.run_id));
        token = page.next_page_token;
    }
    assert_eq!(rest, ["r25", "r20", "r10", "r5"]);
}

#[test]
fn page_sizes_are_clamped() {
    let mut state = State::default();
    for i in 0..5 {
        put(&mut state, running("w", &format!("r{i}"), i));
    }
    let q = query(Expr::True, vec![]);
    let page = list_page(&state, &q, 0, None).unwrap();
    assert_eq!(page.executions.len(), 1);
    assert!(page.next_page_token.is_some());

    let options = StoreOptions {
        max_page_size: 3,
        ..StoreOptions::default()
    };
    let ctx = ReadContext {
        store_name: "memory",
        options: &options,
    };
    let request = ListRequest::new(NS).page_size(usize::MAX);
    let page = read::list_compiled(&state, &request, &q, &ctx).unwrap();
    assert_eq!(page.executions.len(), 3);
    assert!(page.next_page_token.is_some());
}

#[test]
fn foreign_and_malformed_tokens_are_rejected() {
    let mut state = State::default();
    for i in 0..3 {
        put(&mut state, running("w", &format!("r{i}"), i));
    }
    let q = query(Expr::True, vec![]);
    let good = list_page(&state, &q, 1, None)
        .unwrap()
        .next_page_token
        .unwrap();
    let decoded = PageToken::decode(&good).unwrap();
    let fp = fingerprint(NS, "hand-built");
    let foreign = [
        b"garbage!".to_vec(),
        Vec::new(),
        PageToken::new("sqlite", TokenKind::List, fp.clone(), decoded.after.clone()).encode(),
        PageToken::new("memory", TokenKind::Scan, fp.clone(), decoded.after.clone()).encode(),
        PageToken::new(
            "memory",
            TokenKind::List,
            fingerprint(NS, "other"),
            decoded.after,
        )
        .encode(),
        PageToken::new("memory", TokenKind::List, fp, vec![None]).encode(),
    ];
    for token in foreign {
        let err = list_page(&state, &q, 1, Some(token)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    }
    // A list token does not continue a scan, and a scan token must hold two keywords.
    assert_eq!(
        scan_page(&state, 1, Some(good)).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    let bad_scan = PageToken::new(
        "memory",
        TokenKind::Scan,
        fingerprint(NS, ""),
        vec![Some(Scalar::Int(1)), None],
    )
    .encode();
    assert_eq!(
        scan_page(&state, 1, Some(bad_scan)).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn scans_return_every_surviving_record_exactly_once() {
    let mut state = State::default();
    for i in 0..10 {
        put(
            &mut state,
            running(&format!("w{}", i % 3), &format!("r{i}"), i),
        );
    }
    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = scan_page(&state, 3, token).unwrap();
        seen.extend(page.executions.iter().map(|r| r.run_id.clone()));
        pages += 1;
        if pages == 1 {
            // Changes during the scan: a new record and a deleted one.
            put(&mut state, running("w", "r99", 0));
            state
                .delete(
                    NS,
                    "w2",
                    "r8",
                    0,
                    Instant::now(),
                    std::time::Duration::from_secs(60),
                )
                .unwrap();
        }
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no record is repeated: {seen:?}");
    for i in 0..8 {
        assert!(
            seen.contains(&format!("r{i}")),
            "r{i} missing from {seen:?}"
        );
    }
    assert!(!seen.contains(&"r8".to_string()));
}

#[test]
fn counts_and_status_groups() {
    let mut state = state_with(&[("K", T::Keyword)]);
    put(
        &mut state,
        with(running("w", "r1", 0), "K", V::Keyword("x".into())),
    );
    put(&mut state, running("w", "r2", 0));
    put(&mut state, closed("w", "r3", 0, 1, ExecutionStatus::Failed));
    put(
        &mut state,
        with(
            closed("w", "r4", 0, 1, ExecutionStatus::Failed),
            "K",
            V::Keyword("x".into()),
        ),
    );
    put(
        &mut state,
        closed("w", "r5", 0, 1, ExecutionStatus::TimedOut),
    );
    let mut grouped = Query::match_all();
    grouped.group_by = Some(Field::System(SystemAttribute::ExecutionStatus));
    let response = read::count_compiled(&state, NS, &grouped).unwrap();
    assert_eq!(response.count, 5);
    let group = |name: &str, n| CountGroup::new(vec![V::Keyword(name.into())], n);
    let mut groups = response.groups;
    groups.sort_by_key(|g| format!("{:?}", g.values));
    assert_eq!(
        groups,
        [
            group("Failed", 2),
            group("Running", 2),
            group("TimedOut", 1)
        ]
    );

    let filtered = query(pred(custom(&state, "K"), Test::IsNotNull), vec![]);
    let response = read::count_compiled(&state, NS, &filtered).unwrap();
    assert_eq!(response.count, 2);
    assert!(response.groups.is_empty());
    assert_eq!(
        read::count_compiled(&state, "elsewhere", &filtered)
            .unwrap()
            .count,
        0
    );
}

#[test]
fn double_sort_keys_survive_the_token_round_trip() {
    // Values whose shortest decimal form needs exact float parsing to read back (without
    // serde_json's `float_roundtrip` these come back one ULP off and pages repeat records).
    let values = [
        1.0715660391465826e-75,
        -1.81996730402717e-179,
        -1.603964615428183e143,
        -9.643915712060552e-234,
        0.1,
    ];
    let mut state = state_with(&[("D", T::Double)]);
    for (i, d) in values.iter().enumerate() {
        put(
            &mut state,
            with(running("w", &format!("r{i}"), 0), "D", V::Double(*d)),
        );
    }
    let d = custom(&state, "D");
    for descending in [false, true] {
        let q = query(Expr::True, vec![by(d.clone(), descending)]);
        let full = list_runs(&state, &q);
        assert_eq!(full.len(), values.len());
        assert_eq!(
            list_runs_paged(&state, &q, 1),
            full,
            "descending: {descending}"
        );
    }
}
