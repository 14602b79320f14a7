//! Search-attribute management (add / list / remove, names, per-type limits, reuse after
//! removal) and write-time validation of search attribute values.

use std::collections::BTreeMap;

use workflow_visibility::prelude::*;

use super::support::*;

async fn listed(store: &Store, ns: &str) -> BTreeMap<String, SearchAttributeType> {
    store
        .list_search_attributes(ListSearchAttributesRequest::new(ns))
        .await
        .unwrap_or_else(|e| panic!("list_search_attributes failed: {e}"))
        .custom
}

async fn add(store: &Store, ns: &str, attrs: &[(&str, SearchAttributeType)]) -> Result<(), Error> {
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            ns,
            attrs.iter().map(|(n, t)| (n.to_string(), *t)),
        ))
        .await
}

async fn remove(store: &Store, ns: &str, names: &[&str]) -> Result<(), Error> {
    store
        .remove_search_attributes(RemoveSearchAttributesRequest::new(
            ns,
            names.iter().copied(),
        ))
        .await
}

fn map(attrs: &[(&str, SearchAttributeType)]) -> BTreeMap<String, SearchAttributeType> {
    attrs.iter().map(|(n, t)| (n.to_string(), *t)).collect()
}

/// Asserts that writing `record` (started) fails with InvalidArgument naming `name`, and that
/// nothing was stored.
async fn rejects_write(store: &Store, record: ExecutionRecord, name: &str, what: &str) {
    let (ns, wf, run) = (
        record.namespace_id.clone(),
        record.workflow_id.clone(),
        record.run_id.clone(),
    );
    let e = expect_err(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(record.clone()))
            .await,
        ErrorKind::InvalidArgument,
        what,
    );
    assert!(
        e.message().contains(name),
        "{what}: the error does not name the attribute {name}: {e}"
    );
    let e = expect_err(
        store
            .upsert_workflow_execution(UpsertRequest::new(record))
            .await,
        ErrorKind::InvalidArgument,
        &format!("{what} (upsert)"),
    );
    assert!(
        e.message().contains(name),
        "{what} (upsert): the error does not name the attribute {name}: {e}"
    );
    assert!(
        get_run(store, &ns, &wf, &run).await.is_none(),
        "{what}: the rejected record was stored"
    );
}

pub async fn add_list_remove(store: Store, ns: String) {
    use SearchAttributeType as T;
    assert!(
        listed(&store, &ns).await.is_empty(),
        "a fresh namespace has custom attributes"
    );
    let all = [
        ("Alpha", T::Keyword),
        ("Beta", T::Int),
        ("Gamma", T::KeywordList),
        ("Delta", T::Text),
        ("Epsilon", T::Double),
        ("Zeta", T::Bool),
        ("Eta", T::Datetime),
    ];
    add(&store, &ns, &all).await.expect("add");
    assert_eq!(listed(&store, &ns).await, map(&all));
    remove(&store, &ns, &["Alpha", "Delta"])
        .await
        .expect("remove");
    let mut rest = map(&all);
    rest.remove("Alpha");
    rest.remove("Delta");
    assert_eq!(listed(&store, &ns).await, rest);
    add(&store, &ns, &[("Alpha", T::Double)])
        .await
        .expect("re-add with another type");
    assert_eq!(listed(&store, &ns).await.get("Alpha"), Some(&T::Double));
    // Registered attributes are usable right away.
    write(
        &store,
        rec(&ns, "wf", at(0))
            .sa("Alpha", dbl(1.0))
            .sa("Beta", int(2))
            .sa("Gamma", kwl(&["g"])),
    )
    .await;
    let got = get(&store, &ns, "wf").await.unwrap();
    assert_eq!(got.search_attributes.get("Alpha"), Some(&dbl(1.0)));
}

pub async fn add_existing_is_already_exists(store: Store, ns: String) {
    use SearchAttributeType as T;
    add(&store, &ns, &[("Alpha", T::Keyword)])
        .await
        .expect("add");
    for attrs in [
        vec![("Alpha", T::Keyword)],
        vec![("Alpha", T::Int)],
        vec![("Alpha", T::Keyword), ("Fresh", T::Int)],
    ] {
        expect_err(
            add(&store, &ns, &attrs).await,
            ErrorKind::AlreadyExists,
            &format!("add {attrs:?} while Alpha exists"),
        );
    }
    assert_eq!(
        listed(&store, &ns).await,
        map(&[("Alpha", T::Keyword)]),
        "a failed add registered some attributes (adds are all or none)"
    );
}

pub async fn remove_missing_is_not_found(store: Store, ns: String) {
    use SearchAttributeType as T;
    expect_err(
        remove(&store, &ns, &["Nope"]).await,
        ErrorKind::NotFound,
        "remove an unregistered attribute",
    );
    add(&store, &ns, &[("Beta", T::Int)]).await.expect("add");
    expect_err(
        remove(&store, &ns, &["Beta", "Nope"]).await,
        ErrorKind::NotFound,
        "remove a registered and an unregistered attribute",
    );
    assert_eq!(
        listed(&store, &ns).await,
        map(&[("Beta", T::Int)]),
        "a failed remove removed some attributes (removes are all or none)"
    );
    expect_err(
        remove(&store, &format!("{ns}-other"), &["Beta"]).await,
        ErrorKind::NotFound,
        "remove an attribute registered in another namespace",
    );
    remove(&store, &ns, &["Beta"]).await.expect("remove");
    expect_err(
        remove(&store, &ns, &["Beta"]).await,
        ErrorKind::NotFound,
        "remove twice",
    );
}

pub async fn invalid_names_rejected(store: Store, ns: String) {
    use SearchAttributeType as T;
    let long = "a".repeat(65);
    for name in [
        "",
        "9abc",
        "a-b",
        "a b",
        "é",
        "a;DROP TABLE x",
        "a'b",
        long.as_str(),
        "WorkflowId",
        "ExecutionStatus",
        "CloseTime",
        "BuildIds",
        "TemporalNamespaceDivision",
        "TemporalAnything",
    ] {
        expect_err(
            add(&store, &ns, &[(name, T::Keyword)]).await,
            ErrorKind::InvalidArgument,
            &format!("register attribute named {name:?}"),
        );
    }
    expect_err(
        add(&store, &ns, &[("GoodName", T::Int), ("bad-name", T::Int)]).await,
        ErrorKind::InvalidArgument,
        "register a good and a bad name together",
    );
    assert!(
        listed(&store, &ns).await.is_empty(),
        "a rejected add registered something"
    );
    let longest = "A".repeat(64);
    let valid = [
        ("_x", T::Keyword),
        ("a9_Z", T::Int),
        (longest.as_str(), T::Bool),
        ("workflowId", T::Keyword),
    ];
    add(&store, &ns, &valid).await.expect("valid names");
    assert_eq!(listed(&store, &ns).await, map(&valid));
}

pub async fn per_type_limits(store: Store, ns: String) {
    for ty in SearchAttributeType::ALL {
        let mut registered = 0usize;
        let err = loop {
            let name = format!("Lim{}{registered}", ty.name());
            match add(&store, &ns, &[(&name, ty)]).await {
                Ok(()) => registered += 1,
                Err(e) => break e,
            }
            assert!(
                registered <= 1000,
                "registered 1000 {ty} attributes without reaching a per-type limit"
            );
        };
        assert!(
            registered >= 1,
            "could not register a single {ty} attribute: {err}"
        );
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidArgument | ErrorKind::ResourceExhausted
            ),
            "the {ty} limit failed with {err}, expected InvalidArgument or ResourceExhausted"
        );
        assert!(
            err.message().contains(ty.name()),
            "the error for exceeding the {ty} limit does not name the type: {err}"
        );
        let count = listed(&store, &ns)
            .await
            .values()
            .filter(|t| **t == ty)
            .count();
        assert_eq!(
            count, registered,
            "a rejected add registered a {ty} attribute"
        );
        // Removing one frees room for one more.
        remove(&store, &ns, &[&format!("Lim{}0", ty.name())])
            .await
            .expect("remove");
        add(&store, &ns, &[(&format!("Lim{}Again", ty.name()), ty)])
            .await
            .unwrap_or_else(|e| panic!("re-register a {ty} attribute after a removal: {e}"));
        // The limit is per namespace.
        add(&store, &format!("{ns}-other"), &[("Elsewhere", ty)])
            .await
            .unwrap_or_else(|e| panic!("{ty} limit leaked into another namespace: {e}"));
        remove(&store, &format!("{ns}-other"), &["Elsewhere"])
            .await
            .expect("remove");
    }
}

pub async fn removed_attribute_values_never_return(store: Store, ns: String) {
    use SearchAttributeType as T;
    register(
        &store,
        &ns,
        &[
            ("Reused", T::Keyword),
            ("ReusedText", T::Text),
            ("ReusedList", T::KeywordList),
        ],
    )
    .await;
    write(
        &store,
        rec(&ns, "old", at(0))
            .sa("Reused", kw("old"))
            .sa("ReusedText", text("old words"))
            .sa("ReusedList", kwl(&["old"])),
    )
    .await;
    remove(&store, &ns, &["Reused", "ReusedText", "ReusedList"])
        .await
        .expect("remove");
    rejects(&store, &ns, "Reused = 'old'", "Reused").await;
    let got = get(&store, &ns, "old").await.unwrap();
    assert!(
        got.search_attributes.is_empty(),
        "a removed attribute's value is still returned: {:?}",
        got.search_attributes
    );

    // Same names, same types.
    register(
        &store,
        &ns,
        &[
            ("Reused", T::Keyword),
            ("ReusedText", T::Text),
            ("ReusedList", T::KeywordList),
        ],
    )
    .await;
    assert_all(
        &store,
        &ns,
        &[
            ("Reused = 'old'", &[]),
            ("Reused IS NOT NULL", &[]),
            ("Reused IS NULL", &["old"]),
            ("ReusedText = 'old'", &[]),
            ("ReusedText IS NOT NULL", &[]),
            ("ReusedList = 'old'", &[]),
            ("ReusedList IS NULL", &["old"]),
        ],
    )
    .await;
    assert!(
        get(&store, &ns, "old")
            .await
            .unwrap()
            .search_attributes
            .is_empty()
    );
    write(&store, rec(&ns, "new", at(1)).sa("Reused", kw("old"))).await;
    assert_matches(&store, &ns, "Reused = 'old'", &["new"]).await;

    // Same name, another type.
    remove(&store, &ns, &["Reused"]).await.expect("remove");
    register(&store, &ns, &[("Reused", T::Int)]).await;
    assert_matches(&store, &ns, "Reused IS NOT NULL", &[]).await;
    write(&store, rec(&ns, "int", at(2)).sa("Reused", int(5))).await;
    assert_matches(&store, &ns, "Reused IS NOT NULL", &["int"]).await;
    assert_matches(&store, &ns, "Reused = 5", &["int"]).await;
    for wf in ["old", "new"] {
        assert_eq!(
            get(&store, &ns, wf)
                .await
                .unwrap()
                .search_attributes
                .get("Reused"),
            None,
            "{wf} shows a value of a removed attribute"
        );
    }
}

pub async fn unknown_attribute_rejected_on_write(store: Store, ns: String) {
    rejects_write(
        &store,
        rec(&ns, "wf", at(0)).sa("NotRegistered", kw("x")),
        "NotRegistered",
        "write with an unregistered attribute",
    )
    .await;
    rejects_write(
        &store,
        rec(&ns, "wf", at(0)).sa("WorkflowType", kw("x")),
        "WorkflowType",
        "write with a system attribute as a search attribute",
    )
    .await;
    let e = expect_err(
        store
            .record_workflow_execution_closed(RecordClosedRequest::new(
                rec(&ns, "wf", at(0))
                    .sa("AlsoUnknown", int(1))
                    .closed_after(ExecutionStatus::Completed, 1),
            ))
            .await,
        ErrorKind::InvalidArgument,
        "closed write with an unregistered attribute",
    );
    assert!(e.message().contains("AlsoUnknown"), "{e}");
}

pub async fn wrong_value_type_rejected(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    for (name, value) in [
        (INT, kw("1")),
        (INT, dbl(1.0)),
        (DBL, int(1)),
        (KW, int(1)),
        (KW, kwl(&["a"])),
        (BOOL, int(1)),
        (DT, kw("2026-01-01T00:00:00Z")),
        (KWL, kw("a")),
        (TX, boolean(true)),
        ("BatcherUser", int(1)),
        ("TemporalSchedulePaused", kw("true")),
    ] {
        rejects_write(
            &store,
            rec(&ns, "wf", at(0))
                .sa(KW, kw("fine"))
                .sa(name, value.clone()),
            name,
            &format!("write {value:?} to {name}"),
        )
        .await;
    }
}

pub async fn out_of_range_datetime_rejected(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    for value in [
        "1969-12-31T23:59:59.999999Z",
        "1900-01-01T00:00:00Z",
        "2262-04-11T23:47:16.854776Z",
        "2262-04-12T00:00:00Z",
        "9999-12-31T23:59:59Z",
    ] {
        rejects_write(
            &store,
            rec(&ns, "wf", at(0)).sa(DT, dt(value)),
            DT,
            &format!("write Datetime {value}"),
        )
        .await;
    }
}

pub async fn non_finite_double_rejected(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        rejects_write(
            &store,
            rec(&ns, "wf", at(0)).sa(DBL, dbl(value)),
            DBL,
            &format!("write Double {value}"),
        )
        .await;
    }
}

pub async fn too_many_attributes_rejected(store: Store, ns: String) {
    use SearchAttributeType as T;
    // 100 attributes: the 9 predefined ones plus 91 custom, and one more custom for 101.
    let predefined = [
        ("TemporalChangeVersion", kwl(&["v"])),
        ("BinaryChecksums", kwl(&["c"])),
        ("BuildIds", kwl(&["b"])),
        ("BatcherNamespace", kw("n")),
        ("BatcherUser", kw("u")),
        ("TemporalScheduledById", kw("s")),
        ("TemporalNamespaceDivision", kw("d")),
        ("TemporalScheduledStartTime", dt("2026-01-01T00:00:00Z")),
        ("TemporalSchedulePaused", boolean(false)),
    ];
    let mut types = vec![
        T::Keyword,
        T::Int,
        T::Double,
        T::Bool,
        T::Datetime,
        T::Text,
        T::KeywordList,
    ];
    let mut custom: Vec<(String, SearchAttributeType)> = Vec::new();
    let mut i = 0;
    while custom.len() < 92 && !types.is_empty() {
        let ty = types[i % types.len()];
        let name = format!("Many{}{}", ty.name(), custom.len());
        match add(&store, &ns, &[(&name, ty)]).await {
            Ok(()) => custom.push((name, ty)),
            Err(_) => {
                types.retain(|t| *t != ty);
                continue;
            }
        }
        i += 1;
    }
    assert_eq!(
        custom.len(),
        92,
        "could not register 92 custom attributes, so a record of 101 attributes is impossible"
    );
    let value = |ty: T| match ty {
        T::Keyword => kw("x"),
        T::Text => text("x"),
        T::Int => int(1),
        T::Double => dbl(1.0),
        T::Bool => boolean(true),
        T::Datetime => dt("2026-01-01T00:00:00Z"),
        T::KeywordList => kwl(&["x"]),
    };
    let mut hundred = rec(&ns, "hundred", at(0));
    for (n, v) in &predefined {
        hundred = hundred.sa(n, v.clone());
    }
    for (n, ty) in &custom[..91] {
        hundred = hundred.sa(n, value(*ty));
    }
    assert_eq!(hundred.search_attributes.len(), 100);
    write(&store, hundred.clone()).await;
    let got = get(&store, &ns, "hundred")
        .await
        .expect("record with 100 attributes");
    assert_eq!(got.search_attributes.len(), 100);

    let (n, ty) = &custom[91];
    let mut over = hundred.run("run-over");
    over.workflow_id = "over".into();
    let over = over.sa(n, value(*ty));
    assert_eq!(over.search_attributes.len(), 101);
    let e = expect_err(
        store
            .record_workflow_execution_started(RecordStartedRequest::new(over))
            .await,
        ErrorKind::InvalidArgument,
        "write with 101 search attributes",
    );
    assert!(
        e.message().contains("100"),
        "the error does not state the limit: {e}"
    );
    assert!(get_run(&store, &ns, "over", "run-over").await.is_none());
}

pub async fn value_size_limit(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    // Sizes are bytes, not characters: "é" is two bytes.
    let exactly = "é".repeat(1024);
    let over = format!("{exactly}a");
    write(
        &store,
        rec(&ns, "fits", at(0))
            .sa(KW, kw(&exactly))
            .sa(TX, text(&exactly))
            .sa(KWL, kwl(&[&"a".repeat(1024), &"b".repeat(1024)])),
    )
    .await;
    let got = get(&store, &ns, "fits")
        .await
        .expect("2048-byte values fit");
    assert_eq!(got.search_attributes.get(KW), Some(&kw(&exactly)));
    for (name, value) in [
        (KW, kw(&over)),
        (TX, text(&over)),
        (KWL, kwl(&[&"a".repeat(1024), &"b".repeat(1025)])),
        (KWL, kwl(&[&"c".repeat(2049)])),
        ("BatcherUser", kw(&"u".repeat(2049))),
    ] {
        rejects_write(
            &store,
            rec(&ns, "wf", at(0)).sa(name, value),
            name,
            &format!("write a value over 2 KiB to {name}"),
        )
        .await;
    }
}

pub async fn total_size_limit(store: Store, ns: String) {
    let names: Vec<String> = (0..21).map(|i| format!("Big{i:02}")).collect();
    let attrs: Vec<(&str, SearchAttributeType)> = names
        .iter()
        .map(|n| (n.as_str(), SearchAttributeType::Keyword))
        .collect();
    register(&store, &ns, &attrs).await;
    let value = "v".repeat(2000);
    // 20 × 2000 bytes of values (40100 with names) fit in 40 KiB; 21 do not.
    let mut fits = rec(&ns, "fits", at(0));
    for n in &names[..20] {
        fits = fits.sa(n, kw(&value));
    }
    write(&store, fits).await;
    assert!(get(&store, &ns, "fits").await.is_some());
    let mut over = rec(&ns, "over", at(0));
    for n in &names {
        over = over.sa(n, kw(&value));
    }
    rejects_write(
        &store,
        over,
        "Big",
        "write 42000 bytes of search attributes",
    )
    .await;
}

pub async fn nul_character_rejected(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    for (name, value) in [
        (KW, kw("a\0b")),
        (TX, text("text\0")),
        (KWL, kwl(&["ok", "\0"])),
        ("BatcherUser", kw("\0")),
    ] {
        rejects_write(
            &store,
            rec(&ns, "wf", at(0)).sa(name, value),
            name,
            &format!("write U+0000 to {name}"),
        )
        .await;
    }
}

pub async fn predefined_attributes_settable(store: Store, ns: String) {
    let r = rec(&ns, "wf", at(0))
        .sa("TemporalChangeVersion", kwl(&["v1", "v2"]))
        .sa("BinaryChecksums", kwl(&["c"]))
        .sa("BuildIds", kwl(&["b1"]))
        .sa("BatcherNamespace", kw("n"))
        .sa("BatcherUser", kw("u"))
        .sa("TemporalScheduledById", kw("s"))
        .sa("TemporalScheduledStartTime", dt("2026-01-01T00:00:00.5Z"))
        .sa("TemporalSchedulePaused", boolean(true));
    write(&store, r.clone()).await;
    let got = get(&store, &ns, "wf").await.expect("record");
    assert_eq!(got.search_attributes, r.search_attributes);
    assert!(
        store
            .list_search_attributes(ListSearchAttributesRequest::new(&ns))
            .await
            .expect("list")
            .custom
            .is_empty(),
        "predefined attributes must not be listed as custom ones"
    );
}

pub async fn keyword_list_keeps_its_elements(store: Store, ns: String) {
    register_standard(&store, &ns).await;
    let list = kwl(&["b", "a", "b", ""]);
    write(&store, rec(&ns, "dup", at(0)).sa(KWL, list.clone())).await;
    write(&store, rec(&ns, "other", at(1)).sa(KWL, kwl(&["c"]))).await;
    let got = get(&store, &ns, "dup").await.expect("record");
    assert_eq!(
        got.search_attributes.get(KWL),
        Some(&list),
        "a keyword list lost its order, duplicates or empty element"
    );
    // Matching several elements still returns the record once.
    assert_all(
        &store,
        &ns,
        &[
            (&format!("{KWL} = 'b'"), &["dup"]),
            (&format!("{KWL} IN ('a', 'b', 'c')"), &["dup", "other"]),
            (&format!("{KWL} = ''"), &["dup"]),
            (&format!("{KWL} NOT IN ('c')"), &["dup"]),
            (&format!("{KWL} != 'a'"), &["other"]),
        ],
    )
    .await;
}
