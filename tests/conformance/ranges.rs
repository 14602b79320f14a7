//! Value range boundaries: i64 extremes, the first and last storable microsecond, exact
//! doubles, and microsecond truncation of datetimes in records and literals alike.

use workflow_visibility::prelude::*;

use super::support::*;

async fn check(store: &Store, ns: &str, attr: &str, cases: &[(&str, &[&str])]) {
    for (template, expected) in cases {
        assert_matches(store, ns, &template.replace("{}", attr), expected).await;
    }
}

pub async fn int_extremes(store: Store, ns: String) {
    // v0 i64::MIN, v1 i64::MAX, v2 0, v3 -1
    let values = [int(i64::MIN), int(i64::MAX), int(0), int(-1)];
    values_fixture(&store, &ns, INT, SearchAttributeType::Int, &values).await;
    check(
        &store,
        &ns,
        INT,
        &[
            ("{} = -9223372036854775808", &["v0"]),
            ("{} = 9223372036854775807", &["v1"]),
            ("{} > 9223372036854775806", &["v1"]),
            ("{} < -9223372036854775807", &["v0"]),
            ("{} >= -9223372036854775808", &["v0", "v1", "v2", "v3"]),
            ("{} <= 9223372036854775807", &["v0", "v1", "v2", "v3"]),
            ("{} BETWEEN -9223372036854775808 AND -1", &["v0", "v3"]),
            (
                "{} IN (9223372036854775807, -9223372036854775808)",
                &["v0", "v1"],
            ),
            ("{} != 9223372036854775807", &["v0", "v2", "v3"]),
        ],
    )
    .await;
    for (wf, v) in [("v0", i64::MIN), ("v1", i64::MAX)] {
        let got = get(&store, &ns, wf).await.unwrap();
        assert_eq!(got.search_attributes.get(INT), Some(&int(v)));
    }
    let mut big = rec(&ns, "big", at(10));
    big.history_length = i64::MAX;
    big.history_size_bytes = i64::MAX;
    big.state_transition_count = i64::MAX;
    write(&store, big).await;
    assert_matches(&store, &ns, "HistoryLength = 9223372036854775807", &["big"]).await;
    assert_matches(
        &store,
        &ns,
        "HistorySizeBytes > 9223372036854775806 AND StateTransitionCount >= 9223372036854775807",
        &["big"],
    )
    .await;
    assert_eq!(
        get(&store, &ns, "big").await.unwrap().history_length,
        i64::MAX
    );
}

pub async fn datetime_extremes(store: Store, ns: String) {
    // v0 the epoch, v1 the last storable microsecond, v2 2026-01-01
    let values = [
        dt("1970-01-01T00:00:00Z"),
        dt("2262-04-11T23:47:16.854775Z"),
        dt("2026-01-01T00:00:00Z"),
    ];
    values_fixture(&store, &ns, DT, SearchAttributeType::Datetime, &values).await;
    check(
        &store,
        &ns,
        DT,
        &[
            ("{} = '1970-01-01T00:00:00Z'", &["v0"]),
            ("{} = '1970-01-01T01:00:00+01:00'", &["v0"]),
            ("{} = 0", &["v0"]),
            ("{} = '2262-04-11T23:47:16.854775Z'", &["v1"]),
            ("{} = 9223372036854775000", &["v1"]),
            ("{} = 9223372036854775807", &["v1"]),
            ("{} >= '2262-04-11T23:47:16.854775Z'", &["v1"]),
            ("{} < '1970-01-01T00:00:00.000001Z'", &["v0"]),
            ("{} BETWEEN 0 AND 9223372036854775807", &["v0", "v1", "v2"]),
            ("{} > 0", &["v1", "v2"]),
        ],
    )
    .await;
    for (i, v) in values.iter().enumerate() {
        let got = get(&store, &ns, &format!("v{i}")).await.unwrap();
        assert_eq!(got.search_attributes.get(DT), Some(v));
    }
}

pub async fn record_time_extremes(store: Store, ns: String) {
    let epoch = t("1970-01-01T00:00:00Z");
    let last = t("2262-04-11T23:47:16.854775Z");
    write(&store, rec(&ns, "e0", epoch)).await;
    write(&store, rec(&ns, "e1", last)).await;
    write(
        &store,
        rec(&ns, "e2", epoch).closed(ExecutionStatus::Completed, last),
    )
    .await;
    assert_eq!(get(&store, &ns, "e1").await.unwrap().start_time, last);
    assert_eq!(get(&store, &ns, "e2").await.unwrap().close_time, Some(last));
    assert_all(
        &store,
        &ns,
        &[
            ("StartTime = 0", &["e0", "e2"]),
            ("StartTime = '2262-04-11T23:47:16.854775Z'", &["e1"]),
            ("CloseTime = '2262-04-11T23:47:16.854775Z'", &["e2"]),
            ("ExecutionDuration = 9223372036854775000", &["e2"]),
            ("ExecutionDuration > '100000d'", &["e2"]),
            ("CloseTime IS NULL", &["e0", "e1"]),
        ],
    )
    .await;
    assert_order(&store, &ns, "", &["e1", "e0", "e2"]).await;
}

pub async fn doubles_stored_exactly(store: Store, ns: String) {
    let values = [
        0.1 + 0.2,
        0.3,
        1e308,
        -5e-324,
        1.000_000_000_000_000_2,
        1.0,
        123_456_789.123_456_79,
        f64::MIN_POSITIVE,
    ];
    let attrs: Vec<_> = values.iter().map(|v| dbl(*v)).collect();
    values_fixture(&store, &ns, DBL, SearchAttributeType::Double, &attrs).await;
    check(
        &store,
        &ns,
        DBL,
        &[
            ("{} = 0.30000000000000004", &["v0"]),
            ("{} = 0.3", &["v1"]),
            ("{} > 0.3", &["v0", "v2", "v4", "v5", "v6"]),
            ("{} = 1.0000000000000002", &["v4"]),
            ("{} > 1", &["v2", "v4", "v6"]),
            ("{} = 1e308", &["v2"]),
            ("{} < 0", &["v3"]),
            ("{} = -5e-324", &["v3"]),
            ("{} = 123456789.12345679", &["v6"]),
            ("{} = 2.2250738585072014e-308", &["v7"]),
            ("{} BETWEEN 0 AND 1e-300", &["v7"]),
        ],
    )
    .await;
    for (i, v) in values.iter().enumerate() {
        let got = get(&store, &ns, &format!("v{i}")).await.unwrap();
        match got.search_attributes.get(DBL) {
            Some(SearchAttributeValue::Double(d)) => {
                assert_eq!(d.to_bits(), v.to_bits(), "Double {v:e} came back as {d:e}")
            }
            other => panic!("Double {v:e} came back as {other:?}"),
        }
    }
}

pub async fn datetime_literals_truncated_to_microseconds(store: Store, ns: String) {
    // v0 is written with nanoseconds and stored as …123456; v1 is …123457.
    let values = [
        dt("2026-01-01T00:00:00.123456789Z"),
        dt("2026-01-01T00:00:00.123457Z"),
    ];
    values_fixture(&store, &ns, DT, SearchAttributeType::Datetime, &values).await;
    check(
        &store,
        &ns,
        DT,
        &[
            ("{} = '2026-01-01T00:00:00.123456Z'", &["v0"]),
            ("{} = '2026-01-01T00:00:00.123456999Z'", &["v0"]),
            ("{} = 1767225600123456999", &["v0"]),
            ("{} > '2026-01-01T00:00:00.1234569Z'", &["v1"]),
            ("{} < '2026-01-01T00:00:00.1234569Z'", &[]),
            ("{} <= '2026-01-01T00:00:00.1234569Z'", &["v0"]),
            ("{} != '2026-01-01T00:00:00.1234561Z'", &["v1"]),
            (
                "{} BETWEEN '2026-01-01T00:00:00.123456999Z' AND '2026-01-01T00:00:00.123457999Z'",
                &["v0", "v1"],
            ),
            ("{} IN ('2026-01-01T00:00:00.1234579Z')", &["v1"]),
        ],
    )
    .await;
    let got = get(&store, &ns, "v0").await.unwrap();
    assert_eq!(
        got.search_attributes.get(DT),
        Some(&dt("2026-01-01T00:00:00.123456Z"))
    );
    write(&store, rec(&ns, "s", t("2026-02-01T00:00:00.987654321Z"))).await;
    assert_matches(
        &store,
        &ns,
        "StartTime = '2026-02-01T00:00:00.987654999Z'",
        &["s"],
    )
    .await;
}
