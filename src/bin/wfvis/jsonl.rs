//! The JSON-lines form of an execution record, read by `load` and written by `list`/`get`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use serde::{Deserialize, Serialize};
use workflow_visibility::attributes::{PredefinedAttribute, SystemAttribute};
use workflow_visibility::model::time::{format_rfc3339, parse_rfc3339};
use workflow_visibility::{
    ExecutionRecord, ExecutionRef, ExecutionStatus, Memo, SearchAttributeType,
    SearchAttributeValue, SearchAttributes,
};

/// Memo data decoder: standard alphabet, padding optional (hand-written files often omit it).
const MEMO_DECODER: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One record as a JSON object. Field order here is the order `list` prints.
///
/// On input, only identity, `workflow_type`, `start_time` and `status` are required; the
/// rest default like [`ExecutionRecord::new`]. `execution_duration` is derived from the
/// times, so it is printed but ignored on input (letting `list` output be loaded back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordLine {
    /// Namespace id.
    pub namespace_id: String,
    /// Workflow id.
    pub workflow_id: String,
    /// Run id.
    pub run_id: String,
    /// Workflow type name.
    pub workflow_type: String,
    /// RFC 3339 start time.
    pub start_time: String,
    /// RFC 3339 execution time; defaults to the start time.
    #[serde(default)]
    pub execution_time: Option<String>,
    /// RFC 3339 close time; null while running.
    #[serde(default)]
    pub close_time: Option<String>,
    /// Close time minus execution time in nanoseconds; null while running. Output only.
    #[serde(default)]
    pub execution_duration: Option<i64>,
    /// Status name, e.g. `Running`.
    pub status: String,
    /// Number of history events.
    #[serde(default)]
    pub history_length: i64,
    /// History size in bytes.
    #[serde(default)]
    pub history_size_bytes: i64,
    /// Number of state transitions.
    #[serde(default)]
    pub state_transition_count: i64,
    /// Task queue name.
    #[serde(default)]
    pub task_queue: String,
    /// Parent workflow id (with `parent_run_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_workflow_id: Option<String>,
    /// Parent run id (with `parent_workflow_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_run_id: Option<String>,
    /// Root workflow id (with `root_run_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_workflow_id: Option<String>,
    /// Root run id (with `root_workflow_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_run_id: Option<String>,
    /// Opaque memo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<MemoLine>,
    /// Write version (the writer's task id).
    #[serde(default)]
    pub task_id: i64,
    /// Search attributes: name → string, number, bool or array of strings.
    #[serde(default)]
    pub search_attributes: BTreeMap<String, serde_json::Value>,
}

/// A memo as JSON: encoding name plus base64 data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoLine {
    /// Encoding name.
    pub encoding: String,
    /// Base64 (standard alphabet) of the memo bytes.
    pub data: String,
}

/// Parses one input line into its JSON form.
pub fn parse_line(text: &str) -> Result<RecordLine, String> {
    serde_json::from_str(text).map_err(|e| {
        // serde_json counts lines within the text; the caller reports the file's line, so
        // only the column is worth keeping.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        match message.strip_suffix(&suffix) {
            Some(m) => format!("invalid JSON record at column {}: {m}", e.column()),
            None => format!("invalid JSON record: {message}"),
        }
    })
}

/// Prints a record as one JSON line (without the newline).
pub fn format_record(record: &ExecutionRecord) -> String {
    // Serialising plain strings, integers and `serde_json::Value`s cannot fail.
    serde_json::to_string(&to_line(record)).unwrap_or_default()
}

/// The JSON form of a record.
pub fn to_line(r: &ExecutionRecord) -> RecordLine {
    RecordLine {
        namespace_id: r.namespace_id.clone(),
        workflow_id: r.workflow_id.clone(),
        run_id: r.run_id.clone(),
        workflow_type: r.workflow_type.clone(),
        start_time: format_rfc3339(&r.start_time),
        execution_time: Some(format_rfc3339(&r.execution_time)),
        close_time: r.close_time.as_ref().map(format_rfc3339),
        execution_duration: r.execution_duration_nanos(),
        status: r.status.name().to_string(),
        history_length: r.history_length,
        history_size_bytes: r.history_size_bytes,
        state_transition_count: r.state_transition_count,
        task_queue: r.task_queue.clone(),
        parent_workflow_id: r.parent.as_ref().map(|p| p.workflow_id.clone()),
        parent_run_id: r.parent.as_ref().map(|p| p.run_id.clone()),
        root_workflow_id: r.root.as_ref().map(|p| p.workflow_id.clone()),
        root_run_id: r.root.as_ref().map(|p| p.run_id.clone()),
        memo: r.memo.as_ref().map(|m| MemoLine {
            encoding: m.encoding.clone(),
            data: STANDARD.encode(&m.data),
        }),
        task_id: r.version,
        search_attributes: r
            .search_attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect(),
    }
}

/// Where a search attribute name's type comes from: the namespace's registered custom
/// attributes, plus the predefined ones every namespace has.
#[derive(Debug, Clone, Default)]
pub struct AttributeTypes {
    /// The namespace's custom attributes.
    pub custom: BTreeMap<String, SearchAttributeType>,
}

impl AttributeTypes {
    /// The type of attribute `name` in `namespace`, or why it cannot be set.
    fn lookup(&self, name: &str, namespace: &str) -> Result<SearchAttributeType, String> {
        if let Some(ty) = self.custom.get(name) {
            return Ok(*ty);
        }
        if let Some(p) = PredefinedAttribute::from_name(name) {
            return Ok(p.value_type());
        }
        if SystemAttribute::from_name(name).is_some() {
            return Err(format!(
                "search attribute {name} is a system attribute; set it through the record's own \
                 field, not in search_attributes"
            ));
        }
        Err(format!(
            "search attribute {name} is not registered in namespace {namespace} (register it \
             with `wfvis search-attribute add`)"
        ))
    }
}

/// Converts a parsed line into a record, typing its search attributes with `types`.
pub fn to_record(line: RecordLine, types: &AttributeTypes) -> Result<ExecutionRecord, String> {
    let time = |field: &str, s: &str| {
        parse_rfc3339(s).ok_or_else(|| {
            format!("{field}: expected an RFC 3339 timestamp with offset, got \"{s}\"")
        })
    };
    let start_time = time("start_time", &line.start_time)?;
    let execution_time = match &line.execution_time {
        Some(s) => time("execution_time", s)?,
        None => start_time,
    };
    let close_time = match &line.close_time {
        Some(s) => Some(time("close_time", s)?),
        None => None,
    };
    let status = ExecutionStatus::from_name(&line.status).ok_or_else(|| {
        format!(
            "status: unknown execution status \"{}\" (expected one of {})",
            line.status,
            ExecutionStatus::ALL.map(ExecutionStatus::name).join(", ")
        )
    })?;
    // Checked here, not only by the store, to name the JSON field at fault.
    match (status.is_closed(), close_time.is_some()) {
        (true, false) => {
            return Err(format!(
                "close_time: a {status} execution needs a close time"
            ));
        }
        (false, true) => {
            return Err(format!(
                "close_time: a {status} execution has no close time (use null)"
            ));
        }
        _ => {}
    }
    let parent = pair("parent", line.parent_workflow_id, line.parent_run_id)?;
    let root = pair("root", line.root_workflow_id, line.root_run_id)?;
    let memo = match line.memo {
        Some(m) => Some(Memo {
            data: MEMO_DECODER
                .decode(m.data.as_bytes())
                .map_err(|e| format!("memo.data: not valid base64: {e}"))?,
            encoding: m.encoding,
        }),
        None => None,
    };
    let mut search_attributes = SearchAttributes::new();
    for (name, value) in &line.search_attributes {
        // A null value means "not set", as it does for the optional record fields.
        if value.is_null() {
            continue;
        }
        let ty = types.lookup(name, &line.namespace_id)?;
        let value = SearchAttributeValue::from_json(value, ty)
            .map_err(|e| format!("search attribute {name}: {e}"))?;
        search_attributes.insert(name.clone(), value);
    }
    let mut record = ExecutionRecord::new(
        line.namespace_id,
        line.workflow_id,
        line.run_id,
        line.workflow_type,
        start_time,
    );
    record.execution_time = execution_time;
    record.close_time = close_time;
    record.status = status;
    record.history_length = line.history_length;
    record.history_size_bytes = line.history_size_bytes;
    record.state_transition_count = line.state_transition_count;
    record.task_queue = line.task_queue;
    record.parent = parent;
    record.root = root;
    record.memo = memo;
    record.search_attributes = search_attributes;
    record.version = line.task_id;
    Ok(record)
}

/// Builds a parent/root reference from its two optional halves; both or neither.
fn pair(
    what: &str,
    workflow_id: Option<String>,
    run_id: Option<String>,
) -> Result<Option<ExecutionRef>, String> {
    match (workflow_id, run_id) {
        (Some(w), Some(r)) => Ok(Some(ExecutionRef::new(w, r))),
        (None, None) => Ok(None),
        _ => Err(format!(
            "{what}_workflow_id and {what}_run_id must be given together"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> AttributeTypes {
        AttributeTypes {
            custom: [
                ("Amount".to_string(), SearchAttributeType::Double),
                ("Due".to_string(), SearchAttributeType::Datetime),
                ("Tags".to_string(), SearchAttributeType::KeywordList),
            ]
            .into(),
        }
    }

    #[test]
    fn round_trips_a_full_record() {
        let text = r#"{"namespace_id":"ns","workflow_id":"w","run_id":"r","workflow_type":"t",
            "start_time":"2026-01-01T00:00:00Z","execution_time":"2026-01-01T00:00:01Z",
            "close_time":"2026-01-01T00:00:03.5+00:00","status":"Failed","history_length":3,
            "history_size_bytes":4,"state_transition_count":5,"task_queue":"q",
            "parent_workflow_id":"pw","parent_run_id":"pr","root_workflow_id":"rw",
            "root_run_id":"rr","memo":{"encoding":"json","data":"AAEC"},"task_id":9,
            "search_attributes":{"Amount":1.25,"Due":"2026-02-01T00:00:00+01:00",
            "Tags":["a","b"],"BatcherUser":"me"}}"#
            .replace('\n', "");
        let record = to_record(parse_line(&text).unwrap(), &types()).unwrap();
        assert_eq!(record.status, ExecutionStatus::Failed);
        assert_eq!(record.version, 9);
        assert_eq!(record.memo.as_ref().unwrap().data, vec![0, 1, 2]);
        assert_eq!(record.parent, Some(ExecutionRef::new("pw", "pr")));
        assert_eq!(record.execution_duration_nanos(), Some(2_500_000_000));
        let line = to_line(&record);
        assert_eq!(line.execution_duration, Some(2_500_000_000));
        assert_eq!(line.close_time.as_deref(), Some("2026-01-01T00:00:03.500Z"));
        assert_eq!(
            line.search_attributes["Due"],
            serde_json::json!("2026-01-31T23:00:00Z")
        );
        let again = to_record(parse_line(&format_record(&record)).unwrap(), &types()).unwrap();
        assert_eq!(again, record);
    }

    #[test]
    fn minimal_line_takes_defaults() {
        let text = r#"{"namespace_id":"ns","workflow_id":"w","run_id":"r","workflow_type":"t","start_time":"2026-01-01T00:00:00Z","status":"Running"}"#;
        let record = to_record(parse_line(text).unwrap(), &types()).unwrap();
        assert_eq!(record.execution_time, record.start_time);
        assert_eq!(record.close_time, None);
        assert_eq!(record.version, 0);
        let printed: serde_json::Value = serde_json::from_str(&format_record(&record)).unwrap();
        assert_eq!(printed["close_time"], serde_json::Value::Null);
        assert_eq!(printed["execution_duration"], serde_json::Value::Null);
        assert_eq!(printed["task_id"], serde_json::json!(0));
        assert!(printed.get("memo").is_none());
        assert!(printed.get("parent_workflow_id").is_none());
    }

    #[test]
    fn rejects_bad_lines_with_reasons() {
        let base = r#""namespace_id":"ns","workflow_id":"w","run_id":"r","workflow_type":"t""#;
        let reject = |rest: &str| {
            let text = format!("{{{base},{rest}}}");
            match parse_line(&text) {
                Err(e) => e,
                Ok(line) => to_record(line, &types()).unwrap_err(),
            }
        };
        assert!(reject(r#""start_time":"yesterday","status":"Running""#).contains("start_time"));
        assert!(
            reject(r#""start_time":"2026-01-01T00:00:00Z","status":"running""#)
                .contains("unknown execution status")
        );
        assert!(
            reject(r#""start_time":"2026-01-01T00:00:00Z","status":"Running","bogus":1"#)
                .contains("bogus")
        );
        assert!(
            reject(r#""start_time":"2026-01-01T00:00:00Z","status":"Running","parent_run_id":"x""#)
                .contains("parent_workflow_id")
        );
        assert!(reject(
            r#""start_time":"2026-01-01T00:00:00Z","status":"Running","search_attributes":{"Nope":1}"#
        )
        .contains("not registered"));
        assert!(reject(
            r#""start_time":"2026-01-01T00:00:00Z","status":"Running","search_attributes":{"Amount":"x"}"#
        )
        .contains("Amount"));
        assert!(reject(
            r#""start_time":"2026-01-01T00:00:00Z","status":"Running","search_attributes":{"WorkflowId":"x"}"#
        )
        .contains("system attribute"));
        assert!(reject(
            r#""start_time":"2026-01-01T00:00:00Z","status":"Running","memo":{"encoding":"e","data":"!!"}"#
        )
        .contains("base64"));
        assert!(
            reject(r#""start_time":"2026-01-01T00:00:00Z","status":"Completed""#)
                .contains("needs a close time")
        );
        assert!(reject(
            r#""start_time":"2026-01-01T00:00:00Z","close_time":"2026-01-01T00:00:00Z","status":"Running""#
        )
        .contains("has no close time"));
        assert_eq!(
            parse_line("{\"namespace_id\": 1}").unwrap_err(),
            "invalid JSON record at column 18: invalid type: integer `1`, expected a string"
        );
    }
}
