//! Search attribute management: all-or-none adds and removes, limits, ids, reuse of names.

use std::collections::BTreeMap;

use super::*;
use crate::attributes::SearchAttributeLimits;
use crate::prelude::*;
use crate::store::memory::InMemoryStore;
use SearchAttributeType as T;

fn attrs(list: &[(&str, T)]) -> Vec<(String, T)> {
    list.iter().map(|(n, t)| (n.to_string(), *t)).collect()
}

async fn registered(store: &InMemoryStore, ns: &str) -> BTreeMap<String, T> {
    store
        .list_search_attributes(ListSearchAttributesRequest::new(ns))
        .await
        .unwrap()
        .custom
}

#[tokio::test]
async fn adds_are_all_or_none() {
    let store = InMemoryStore::new();
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            attrs(&[("A", T::Keyword), ("B", T::Int)]),
        ))
        .await
        .unwrap();
    assert_eq!(
        registered(&store, NS).await,
        BTreeMap::from([("A".to_string(), T::Keyword), ("B".to_string(), T::Int)])
    );
    assert!(registered(&store, "other").await.is_empty());

    let err = store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            attrs(&[("C", T::Bool), ("A", T::Keyword)]),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert!(err.message().contains('A'), "{err}");
    for bad in ["WorkflowId", "BuildIds", "TemporalX", "9x", "a-b"] {
        let err = store
            .add_search_attributes(AddSearchAttributesRequest::new(
                NS,
                attrs(&[("C", T::Bool), (bad, T::Keyword)]),
            ))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{bad}");
    }
    assert!(!registered(&store, NS).await.contains_key("C"));
    let err = store
        .add_search_attributes(AddSearchAttributesRequest::new(
            "",
            attrs(&[("C", T::Bool)]),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = store
        .add_search_attributes(AddSearchAttributesRequest::new(NS, attrs(&[])))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[tokio::test]
async fn per_type_limits_name_the_type() {
    let mut limits = SearchAttributeLimits::default();
    limits.max_custom_per_type.insert(T::Int, 2);
    let options = StoreOptions {
        search_attribute_limits: limits,
        ..StoreOptions::default()
    };
    let store = InMemoryStore::with_options("memory", options);
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            attrs(&[("I1", T::Int)]),
        ))
        .await
        .unwrap();
    let err = store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            attrs(&[("I2", T::Int), ("I3", T::Int), ("K", T::Keyword)]),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(
        err.message().contains("Int") && err.message().contains('2'),
        "{err}"
    );
    assert_eq!(registered(&store, NS).await.len(), 1);
    // Limits are per namespace.
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            "other",
            attrs(&[("I2", T::Int), ("I3", T::Int)]),
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn removes_are_all_or_none_and_unknown_names_are_not_found() {
    let store = InMemoryStore::new();
    store
        .add_search_attributes(AddSearchAttributesRequest::new(
            NS,
            attrs(&[("A", T::Keyword), ("B", T::Int)]),
        ))
        .await
        .unwrap();
    for missing in ["Zed", "BuildIds", "WorkflowId"] {
        let err = store
            .remove_search_attributes(RemoveSearchAttributesRequest::new(NS, ["A", missing]))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert!(err.message().contains(missing), "{err}");
    }
    assert_eq!(registered(&store, NS).await.len(), 2);
    store
        .remove_search_attributes(RemoveSearchAttributesRequest::new(NS, ["A", "B"]))
        .await
        .unwrap();
    assert!(registered(&store, NS).await.is_empty());
}

#[test]
fn ids_are_store_wide_and_never_reused() {
    let mut state = State::default();
    let limits = SearchAttributeLimits::default();
    let one = |name: &str, ty| BTreeMap::from([(name.to_string(), ty)]);
    state
        .add_attributes(NS, &one("A", T::Keyword), &limits)
        .unwrap();
    state
        .add_attributes("other", &one("A", T::Keyword), &limits)
        .unwrap();
    let first = state.registry(NS).custom("A").unwrap().id;
    let other = state.registry("other").custom("A").unwrap().id;
    assert_eq!((first, other), (1, 2));
    state.remove_attributes(NS, &["A".to_string()]).unwrap();
    state
        .add_attributes(NS, &one("A", T::Keyword), &limits)
        .unwrap();
    assert_eq!(state.registry(NS).custom("A").unwrap().id, 3);
}

#[tokio::test]
async fn removed_values_never_reappear_under_a_new_registration() {
    let store = InMemoryStore::new();
    let add =
        |ty| store.add_search_attributes(AddSearchAttributesRequest::new(NS, attrs(&[("A", ty)])));
    add(T::Keyword).await.unwrap();
    let record = with(
        running("w", "r", 0),
        "A",
        SearchAttributeValue::Keyword("old".into()),
    );
    store
        .upsert_workflow_execution(UpsertRequest::new(record))
        .await
        .unwrap();
    let read = || async {
        store
            .get_workflow_execution(GetRequest::new(NS, "w", "r"))
            .await
            .unwrap()
            .execution
            .search_attributes
    };
    assert!(read().await.contains_key("A"));
    store
        .remove_search_attributes(RemoveSearchAttributesRequest::new(NS, ["A"]))
        .await
        .unwrap();
    assert!(read().await.is_empty());
    // Re-registered with the same type, and then with another type: still no value.
    add(T::Keyword).await.unwrap();
    assert!(read().await.is_empty());
    store
        .remove_search_attributes(RemoveSearchAttributesRequest::new(NS, ["A"]))
        .await
        .unwrap();
    add(T::Int).await.unwrap();
    assert!(read().await.is_empty());
}

#[test]
fn a_re_registered_attribute_starts_missing_in_filters() {
    let mut state = state_with(&[("A", T::Keyword)]);
    put(
        &mut state,
        with(
            running("w", "r", 0),
            "A",
            SearchAttributeValue::Keyword("old".into()),
        ),
    );
    let old_field = custom(&state, "A");
    state.remove_attributes(NS, &["A".to_string()]).unwrap();
    let limits = SearchAttributeLimits::default();
    state
        .add_attributes(
            NS,
            &BTreeMap::from([("A".to_string(), T::Keyword)]),
            &limits,
        )
        .unwrap();
    let new_field = custom(&state, "A");
    assert_ne!(old_field, new_field);
    for field in [old_field, new_field] {
        let q = query(pred(field, Test::IsNull), vec![]);
        assert_eq!(list_runs(&state, &q), ["r"]);
    }
}
