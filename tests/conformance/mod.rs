//! The generic `VisibilityManager` conformance suite.
//!
//! Every store runs the same cases through `Arc<dyn VisibilityManager>`: a test binary calls
//! [`conformance_suite!`] with an async constructor and gets one test per case, named
//! `<topic>::<case>`. All cases of one binary share one store (so a database is set up once),
//! and each case works in its own fresh namespace, so cases never see each other's records.
//!
//! A store may skip a case only by declaring a missing [`Capabilities`] flag; the skip is
//! printed. Nothing else is optional.
//!
//! [`Capabilities`]: workflow_visibility::Capabilities

pub mod support;

pub mod attributes;
pub mod count;
pub mod filters;
pub mod keywords;
pub mod legacy;
pub mod lifecycle;
pub mod namespaces;
pub mod nulls;
pub mod ordering;
pub mod paging;
pub mod ranges;
pub mod rejections;
pub mod scan;
pub mod text;
pub mod writes;

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use workflow_visibility::Capabilities;

use support::Store;

/// A case body: runs against a store in its own namespace and panics on a violation.
pub type CaseFn = fn(Store, String) -> Pin<Box<dyn Future<Output = ()>>>;

/// A capability a case needs, with how to read it from [`Capabilities`].
pub type Requirement = (&'static str, fn(&Capabilities) -> bool);

/// Longest a single case may run before it counts as hung.
const CASE_TIMEOUT: Duration = Duration::from_secs(300);

/// The runtime every case of a binary runs on. A store shared between cases must outlive
/// each case's runtime (connection pools keep background tasks on the runtime that created
/// them), so the cases share one multi-threaded runtime instead of one each.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("build the conformance runtime")
    })
}

/// A namespace id no other case (nor an earlier run against a persistent database) uses.
pub fn unique_namespace(topic: &str, case: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static RUN: OnceLock<u128> = OnceLock::new();
    let run = RUN.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
            ^ u128::from(std::process::id())
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("conf-{topic}-{case}-{run:x}-{n}")
}

/// Runs one case: gets the shared store, checks the case's required capabilities (printing a
/// skip line when one is missing), then runs the body in a fresh namespace under a timeout.
/// A store constructor of an optional suite may yield `None` (no server configured): the case
/// then passes without running, and the constructor is responsible for saying so once.
pub fn run_case<F, Fut, S>(
    store: F,
    topic: &'static str,
    case: &'static str,
    requires: &[Requirement],
    body: CaseFn,
) where
    F: FnOnce() -> Fut,
    Fut: Future<Output = S>,
    S: Into<Option<Store>>,
{
    runtime().block_on(async move {
        let Some(store) = store().await.into() else {
            return;
        };
        let caps = store.capabilities();
        let missing: Vec<&str> = requires
            .iter()
            .filter(|(_, has)| !has(&caps))
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            println!(
                "SKIPPED conformance case {topic}::{case}: store '{}' declares no capability {}",
                store.store_name(),
                missing.join(", ")
            );
            return;
        }
        let ns = unique_namespace(topic, case);
        if tokio::time::timeout(CASE_TIMEOUT, body(store, ns))
            .await
            .is_err()
        {
            panic!("conformance case {topic}::{case} did not finish within {CASE_TIMEOUT:?}");
        }
    });
}

/// Expands the case list into one `#[test]` per case, grouped in one module per topic.
#[macro_export]
macro_rules! conformance_emit {
    ($( $topic:ident ($store:ident) { $( $case:ident [$($cap:ident),*] )* } )*) => {
        $(
            mod $topic {
                $(
                    #[test]
                    fn $case() {
                        $crate::conformance::run_case(
                            super::$store,
                            stringify!($topic),
                            stringify!($case),
                            &[$((
                                stringify!($cap),
                                (|c: &::workflow_visibility::Capabilities| c.$cap)
                                    as fn(&::workflow_visibility::Capabilities) -> bool,
                            )),*],
                            |store, ns| {
                                ::std::boxed::Box::pin(
                                    $crate::conformance::$topic::$case(store, ns),
                                )
                            },
                        );
                    }
                )*
            }
        )*
    };
}

/// Declares the whole conformance suite for one store.
///
/// `$make` is an async constructor returning `Arc<dyn VisibilityManager>` or an `Arc` of a
/// concrete store (e.g. `async || Arc::new(InMemoryStore::new())`). It is called once per test
/// binary; every case shares the store it returns.
///
/// `conformance_suite!(optional $make)` declares the suite for a store that may not be
/// available (an external server named by an environment variable): `$make` returns
/// `Option<Arc<…>>`, and with `None` every case passes without running. `$make` should then
/// print one line saying what was skipped and why.
#[macro_export]
macro_rules! conformance_suite {
    (optional $make:expr) => {
        static CONFORMANCE_STORE: ::tokio::sync::OnceCell<
            ::std::option::Option<::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager>>,
        > = ::tokio::sync::OnceCell::const_new();

        /// A new store from the constructor, for cases that must not share theirs.
        async fn conformance_fresh_store()
        -> ::std::option::Option<::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager>> {
            let make = $make;
            make().await
        }

        async fn conformance_store()
        -> ::std::option::Option<::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager>> {
            CONFORMANCE_STORE
                .get_or_init(|| async {
                    let make = $make;
                    let store: ::std::option::Option<
                        ::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager>,
                    > = make().await;
                    store
                })
                .await
                .clone()
        }

        $crate::conformance_cases!();
    };
    ($make:expr) => {
        static CONFORMANCE_STORE: ::tokio::sync::OnceCell<
            ::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager>,
        > = ::tokio::sync::OnceCell::const_new();

        /// A new store from the constructor, for cases that must not share theirs.
        async fn conformance_fresh_store()
        -> ::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager> {
            let make = $make;
            let store: ::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager> =
                make().await;
            store
        }

        /// The store every ordinary case of this binary shares.
        async fn conformance_store()
        -> ::std::sync::Arc<dyn ::workflow_visibility::VisibilityManager> {
            CONFORMANCE_STORE
                .get_or_init(conformance_fresh_store)
                .await
                .clone()
        }

        $crate::conformance_cases!();
    };
}

/// The case list, expanded by [`conformance_suite!`] next to its `conformance_store`.
#[macro_export]
macro_rules! conformance_cases {
    () => {
        $crate::conformance_emit! {
            writes(conformance_store) {
                started_inserts_and_never_replaces []
                started_never_replaces_a_closed_record []
                closed_and_upsert_are_version_guarded []
                closed_and_upsert_insert_when_absent []
                upsert_replaces_search_attributes [filter_queries, custom_search_attributes]
                negative_versions_rejected []
                started_and_closed_check_status []
                identity_fields_validated []
                delete_is_version_guarded []
                tombstone_blocks_lower_versions []
                delete_of_missing_record_succeeds []
                get_needs_namespace_workflow_and_run []
                get_round_trips_every_field [custom_search_attributes]
                times_truncated_to_microseconds []
                cancelled_writes_are_all_or_nothing []
            }
            attributes(conformance_store) {
                add_list_remove [custom_search_attributes]
                add_existing_is_already_exists [custom_search_attributes]
                remove_missing_is_not_found [custom_search_attributes]
                invalid_names_rejected [custom_search_attributes]
                per_type_limits [custom_search_attributes]
                removed_attribute_values_never_return [filter_queries, custom_search_attributes]
                unknown_attribute_rejected_on_write []
                wrong_value_type_rejected [custom_search_attributes]
                out_of_range_datetime_rejected [custom_search_attributes]
                non_finite_double_rejected [custom_search_attributes]
                too_many_attributes_rejected [custom_search_attributes]
                value_size_limit [custom_search_attributes]
                total_size_limit [custom_search_attributes]
                nul_character_rejected [custom_search_attributes]
                predefined_attributes_settable []
                keyword_list_keeps_its_elements [filter_queries, custom_search_attributes]
            }
            filters(conformance_store) {
                keyword_operators [filter_queries, custom_search_attributes]
                text_operators [filter_queries, custom_search_attributes]
                int_operators [filter_queries, custom_search_attributes]
                double_operators [filter_queries, custom_search_attributes]
                bool_operators [filter_queries, custom_search_attributes]
                datetime_operators [filter_queries, custom_search_attributes]
                keyword_list_operators [filter_queries, custom_search_attributes]
                execution_status_operators [filter_queries]
                execution_duration_operators [filter_queries]
                system_keyword_fields [filter_queries]
                system_time_and_count_fields [filter_queries]
                predefined_attributes [filter_queries]
                boolean_connectives [filter_queries, custom_search_attributes]
                literal_syntax [filter_queries]
                wide_and_long_expressions [filter_queries, custom_search_attributes]
            }
            rejections(conformance_store) {
                syntax_errors [filter_queries]
                unknown_attributes [filter_queries]
                wrong_value_types [filter_queries, custom_search_attributes]
                unsupported_operators [filter_queries, custom_search_attributes]
                unsupported_constructs [filter_queries]
                group_by_outside_count [filter_queries]
                query_length_bound [filter_queries]
                nesting_depth_bound [filter_queries]
            }
            nulls(conformance_store) {
                negations_never_match_missing_values [filter_queries, custom_search_attributes]
                kleene_logic_in_compound_expressions [filter_queries, custom_search_attributes]
                only_is_null_tests_presence [filter_queries, custom_search_attributes]
                empty_keyword_list_is_missing [filter_queries, custom_search_attributes]
                running_has_no_close_time_or_duration [filter_queries]
            }
            text(conformance_store) {
                words_match_case_insensitively [filter_queries, custom_search_attributes]
                one_letter_words_and_punctuation [filter_queries, custom_search_attributes]
                accents_are_not_folded [filter_queries, custom_search_attributes]
                literal_without_words_rejected [filter_queries, custom_search_attributes]
            }
            keywords(conformance_store) {
                trailing_spaces_are_significant [filter_queries, custom_search_attributes]
                code_point_order_and_case [filter_queries, custom_search_attributes]
                starts_with_is_literal [filter_queries, custom_search_attributes]
            }
            ranges(conformance_store) {
                int_extremes [filter_queries, custom_search_attributes]
                datetime_extremes [filter_queries, custom_search_attributes]
                record_time_extremes [filter_queries]
                doubles_stored_exactly [filter_queries, custom_search_attributes]
                datetime_literals_truncated_to_microseconds [filter_queries, custom_search_attributes]
            }
            ordering(conformance_store) {
                default_order []
                explicit_order_missing_last [order_by, custom_search_attributes]
                close_time_desc_puts_running_last [order_by]
                status_sorts_by_name [order_by]
                order_by_each_type [order_by, custom_search_attributes]
                multiple_keys_then_default [order_by, custom_search_attributes]
                order_by_rejections [order_by, custom_search_attributes]
            }
            paging(conformance_store) {
                every_record_once_at_several_page_sizes []
                ordered_pages_stay_ordered [order_by, custom_search_attributes]
                single_value_listings_page_in_default_order [filter_queries, custom_search_attributes]
                inserts_between_pages []
                page_size_clamped []
                bad_tokens_rejected [filter_queries]
            }
            scan(conformance_store) {
                every_record_exactly_once []
                exactly_once_with_concurrent_inserts []
                scan_rejects_order_by [filter_queries, order_by]
            }
            count(conformance_store) {
                count_matches_listing [filter_queries]
                group_by_execution_status [count_group_by]
                group_by_with_filter [filter_queries, count_group_by]
                group_by_rejections [count_group_by]
            }
            legacy(conformance_store) {
                open_and_closed_by_time_range []
                by_workflow_type []
                by_workflow_id []
                closed_by_status []
                legacy_paging []
                legacy_namespace_division []
            }
            lifecycle(conformance_fresh_store) {
                close_makes_calls_unavailable []
            }
            namespaces(conformance_store) {
                namespaces_are_isolated []
                custom_attributes_are_per_namespace [custom_search_attributes]
                implicit_namespace_division_filter [filter_queries]
                namespace_name_is_not_persisted []
            }
        }
    };
}
