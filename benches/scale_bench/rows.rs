//! The rows the SQL stores write for a record, built directly for the bulk loaders.
//!
//! This mirrors the stores' write path (`src/store/sql/values.rs` and each store's INSERT):
//! derived columns (`close_sort`, `status_rank`, `execution_duration`), the attribute
//! document keyed by storage id, and one side-table row per value, numbered in attribute-name
//! order. Only the attribute types the data set uses (Keyword, Int) are mirrored; anything
//! else is refused. The scale bench checks the result against store-written rows table by
//! table before it trusts a bulk load (see `verify.rs`).

use std::collections::HashMap;

use workflow_visibility::prelude::*;

/// Storage ids of the custom attributes, per namespace.
pub type Registry = HashMap<String, HashMap<String, i64>>;

/// A side-table value: attribute id, position among the record's values, value.
#[derive(Debug, Clone)]
pub struct SideValue<T> {
    pub attr_id: i64,
    /// Only the MySQL-family layout stores it.
    #[allow(dead_code)]
    pub seq: i32,
    pub value: T,
}

/// Every column of one `executions` row plus its side-table rows.
#[derive(Debug, Clone)]
pub struct BulkRow {
    pub id: i64,
    pub namespace_id: String,
    pub run_id: String,
    pub workflow_id: String,
    pub workflow_type: String,
    pub start_time: i64,
    pub execution_time: i64,
    pub close_time: Option<i64>,
    pub close_sort: i64,
    pub status: i64,
    pub status_rank: i64,
    pub history_length: i64,
    pub history_size_bytes: i64,
    pub state_transition_count: i64,
    pub execution_duration: Option<i64>,
    pub task_queue: String,
    pub parent_workflow_id: Option<String>,
    pub parent_run_id: Option<String>,
    pub root_workflow_id: Option<String>,
    pub root_run_id: Option<String>,
    pub namespace_division: Option<String>,
    pub memo: Option<Vec<u8>>,
    pub memo_encoding: Option<String>,
    pub search_attributes: String,
    pub version: i64,
    pub strings: Vec<SideValue<String>>,
    pub ints: Vec<SideValue<i64>>,
}

/// Microseconds since the epoch (the data set has no finer precision).
fn micros(t: &chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_micros()
}

impl BulkRow {
    /// The row a store writes for `r` (a record of the data set) under row id `id`.
    pub fn new(r: &ExecutionRecord, id: i64, registry: &Registry) -> BulkRow {
        let ids = registry
            .get(&r.namespace_id)
            .unwrap_or_else(|| panic!("no attributes registered in {}", r.namespace_id));
        let mut document = serde_json::Map::new();
        let (mut strings, mut ints) = (Vec::new(), Vec::new());
        // Search attributes are a BTreeMap: name order, the order the store numbers them in.
        for (seq, (name, value)) in r.search_attributes.iter().enumerate() {
            let attr_id = *ids
                .get(name)
                .unwrap_or_else(|| panic!("{name} is not registered in {}", r.namespace_id));
            let seq = i32::try_from(seq).unwrap();
            match value {
                SearchAttributeValue::Keyword(s) => {
                    document.insert(attr_id.to_string(), s.clone().into());
                    strings.push(SideValue {
                        attr_id,
                        seq,
                        value: s.clone(),
                    });
                }
                SearchAttributeValue::Int(i) => {
                    document.insert(attr_id.to_string(), (*i).into());
                    ints.push(SideValue {
                        attr_id,
                        seq,
                        value: *i,
                    });
                }
                other => panic!("the bulk loader does not mirror {other:?} values"),
            }
        }
        let close_time = r.close_time.as_ref().map(micros);
        BulkRow {
            id,
            namespace_id: r.namespace_id.clone(),
            run_id: r.run_id.clone(),
            workflow_id: r.workflow_id.clone(),
            workflow_type: r.workflow_type.clone(),
            start_time: micros(&r.start_time),
            execution_time: micros(&r.execution_time),
            close_time,
            close_sort: close_time.unwrap_or(i64::MAX),
            status: r.status.code(),
            status_rank: r.status.name_rank(),
            history_length: r.history_length,
            history_size_bytes: r.history_size_bytes,
            state_transition_count: r.state_transition_count,
            execution_duration: r.execution_duration_nanos(),
            task_queue: r.task_queue.clone(),
            parent_workflow_id: r.parent.as_ref().map(|p| p.workflow_id.clone()),
            parent_run_id: r.parent.as_ref().map(|p| p.run_id.clone()),
            root_workflow_id: r.root.as_ref().map(|p| p.workflow_id.clone()),
            root_run_id: r.root.as_ref().map(|p| p.run_id.clone()),
            namespace_division: None,
            memo: r.memo.as_ref().map(|m| m.data.clone()),
            memo_encoding: r.memo.as_ref().map(|m| m.encoding.clone()),
            search_attributes: serde_json::Value::Object(document).to_string(),
            version: r.version,
            strings,
            ints,
        }
    }
}
