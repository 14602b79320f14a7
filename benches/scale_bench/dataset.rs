//! The generated data set: N records, deterministic in their index, with a realistic spread.
//!
//! * 90% of the records are in one namespace ([`MAIN_NS`]), the rest spread over 99 others,
//!   so the canonical queries run against one big namespace among small ones.
//! * Start times cover one year in record order (records arrive in time order, as a server
//!   writes them), close times follow after a duration of up to three days.
//! * Status: ~20% Running, ~55% Completed, the rest spread over the other five.
//! * Eight workflow types with skewed frequencies (30% down to 2%); workflow ids shared by
//!   three consecutive runs; 5% of the records have a parent; half carry a memo.
//! * A custom Keyword attribute on 90% of the records with 1,000 distinct values, and a custom
//!   Int attribute on 70%.

use chrono::{DateTime, TimeZone, Utc};
use workflow_visibility::ExecutionRef;
use workflow_visibility::prelude::*;

/// The namespace that holds most records and that every query runs on.
pub const MAIN_NS: &str = "ns-main";
/// How many other namespaces share the remaining records.
pub const OTHER_NAMESPACES: u64 = 99;
/// The custom Keyword attribute.
pub const KEYWORD_ATTR: &str = "CustomKeywordField";
/// The custom Int attribute.
pub const INT_ATTR: &str = "CustomIntField";
/// Distinct values of the Keyword attribute.
pub const KEYWORD_VALUES: u64 = 1_000;
/// Workflow types and their weights (percent).
pub const WORKFLOW_TYPES: [(&str, u64); 8] = [
    ("order-fulfilment", 30),
    ("payment-capture", 20),
    ("invoice-billing", 15),
    ("shipment-tracking", 10),
    ("customer-onboarding", 10),
    ("report-generation", 8),
    ("data-export", 5),
    ("account-cleanup", 2),
];
/// The span start times cover.
const SPAN_MICROS: i64 = 365 * 24 * 3600 * 1_000_000;
/// Longest execution.
const MAX_DURATION_MICROS: i64 = 3 * 24 * 3600 * 1_000_000;

/// Start of the covered year.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
}

/// Every namespace the data set uses, the main one first.
pub fn namespaces() -> Vec<String> {
    std::iter::once(MAIN_NS.to_string())
        .chain((1..=OTHER_NAMESPACES).map(|k| format!("ns-{k:02}")))
        .collect()
}

/// SplitMix64: a fast, well-mixed generator; one stream per record.
struct Rng(u64);

impl Rng {
    fn for_record(i: u64) -> Self {
        Rng(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5151_2025_0000_0001)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

fn status_for(roll: u64) -> ExecutionStatus {
    match roll {
        0..20 => ExecutionStatus::Running,
        20..75 => ExecutionStatus::Completed,
        75..85 => ExecutionStatus::Failed,
        85..89 => ExecutionStatus::Canceled,
        89..93 => ExecutionStatus::Terminated,
        93..98 => ExecutionStatus::ContinuedAsNew,
        _ => ExecutionStatus::TimedOut,
    }
}

fn workflow_type_for(roll: u64) -> &'static str {
    let mut acc = 0;
    for (name, weight) in WORKFLOW_TYPES {
        acc += weight;
        if roll < acc {
            return name;
        }
    }
    WORKFLOW_TYPES[0].0
}

/// The Keyword attribute's `k`-th value.
pub fn keyword_value(k: u64) -> String {
    format!("customer-{k:04}")
}

/// The data set of `n` records.
#[derive(Debug, Clone, Copy)]
pub struct Dataset {
    pub n: u64,
}

impl Dataset {
    /// Record `i` (0-based) of the data set.
    pub fn record(&self, i: u64) -> ExecutionRecord {
        let mut rng = Rng::for_record(i);
        let namespace = if rng.below(100) < 90 {
            MAIN_NS.to_string()
        } else {
            format!("ns-{:02}", 1 + rng.below(OTHER_NAMESPACES))
        };
        let slot = SPAN_MICROS / i64::try_from(self.n.max(1)).unwrap();
        let offset = i64::try_from(i).unwrap() * slot
            + i64::try_from(rng.below(u64::try_from(slot.max(1)).unwrap())).unwrap();
        let start = epoch() + chrono::Duration::microseconds(offset);
        let status = status_for(rng.below(100));
        let workflow_type = workflow_type_for(rng.below(100));
        let mut r = ExecutionRecord::new(
            namespace,
            format!("wf-{:09}", i / 3),
            rng.uuid(),
            workflow_type,
            start,
        );
        if status != ExecutionStatus::Running {
            let duration = 1_000_000 + rng.below(MAX_DURATION_MICROS as u64);
            r.close_time =
                Some(start + chrono::Duration::microseconds(i64::try_from(duration).unwrap()));
            r.status = status;
        }
        r.task_queue = format!("queue-{}", rng.below(4));
        r.history_length = 10 + i64::try_from(rng.below(990)).unwrap();
        r.history_size_bytes = r.history_length * 180 + i64::try_from(rng.below(1000)).unwrap();
        r.state_transition_count = r.history_length / 2;
        r.version = i64::try_from(i).unwrap();
        if rng.below(100) < 5 {
            r.parent = Some(ExecutionRef {
                workflow_id: format!("parent-{:09}", rng.below(self.n.max(1))),
                run_id: rng.uuid(),
            });
        }
        if rng.below(2) == 0 {
            let len = 16 + rng.below(48);
            r.memo = Some(Memo {
                encoding: "json/plain".into(),
                data: (0..len).map(|_| rng.below(256) as u8).collect(),
            });
        }
        if rng.below(100) < 90 {
            r.search_attributes.insert(
                KEYWORD_ATTR.into(),
                SearchAttributeValue::Keyword(keyword_value(rng.below(KEYWORD_VALUES))),
            );
        }
        if rng.below(100) < 70 {
            r.search_attributes.insert(
                INT_ATTR.into(),
                SearchAttributeValue::Int(i64::try_from(rng.below(10_000)).unwrap()),
            );
        }
        r
    }
}
