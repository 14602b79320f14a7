//! The second pass: turn a known key's raw value into checked entries, each a value plus a
//! constraint set this crate can match on (or the reason it cannot).

use std::collections::BTreeMap;

use serde_json::Value;

use super::raw::RawKey;
use crate::error::{Error, Result};

/// What an entry's constraints restrict it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Constraints {
    /// `constraints: {}` or no constraints at all: applies everywhere.
    Global,
    /// A namespace name, a namespace id, or both.
    Namespace {
        name: Option<String>,
        id: Option<String>,
    },
    /// Constraint names this crate does not match on (e.g. `taskQueueName`), as written.
    Unsupported(Vec<String>),
}

/// One checked `{value, constraints}` entry.
#[derive(Debug)]
pub(super) struct Entry<'a> {
    /// "`<key as written>` entry <n>", for messages.
    pub origin: String,
    pub value: &'a Value,
    pub constraints: Constraints,
    /// Fields other than `value` and `constraints`, which Temporal ignores too.
    pub unknown_fields: Vec<String>,
}

/// An error about `raw`, naming the key as written.
pub(super) fn key_error(raw: &RawKey, message: impl std::fmt::Display) -> Error {
    Error::invalid_argument(format!("dynamic config key {}: {message}", raw.spelled))
}

/// The entries of `raw`, in document order. A key with no value (every entry commented out)
/// has no entries, as in Temporal.
pub(super) fn entries(raw: &RawKey) -> Result<Vec<Entry<'_>>> {
    let items = match &raw.entries {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        other => {
            return Err(key_error(
                raw,
                format_args!(
                    "expected a list of {{value, constraints}} entries, found {}",
                    describe(other)
                ),
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| entry(raw, i + 1, item))
        .collect()
}

fn entry<'a>(raw: &RawKey, number: usize, item: &'a Value) -> Result<Entry<'a>> {
    let at = |message: String| key_error(raw, format_args!("entry {number}: {message}"));
    let Value::Object(fields) = item else {
        return Err(at(format!(
            "expected a map with value and constraints, found {}",
            describe(item)
        )));
    };
    let value = fields
        .get("value")
        .ok_or_else(|| at("has no value".to_owned()))?;
    let constraints = match fields.get("constraints") {
        None | Some(Value::Null) => Constraints::Global,
        Some(Value::Object(map)) => constraints(map).map_err(at)?,
        Some(other) => {
            return Err(at(format!(
                "constraints must be a map, found {}",
                describe(other)
            )));
        }
    };
    Ok(Entry {
        origin: format!("{} entry {number}", raw.spelled),
        value,
        constraints,
        unknown_fields: fields
            .keys()
            .filter(|k| *k != "value" && *k != "constraints")
            .cloned()
            .collect(),
    })
}

/// Constraint names match case-insensitively, like keys.
fn constraints(map: &serde_json::Map<String, Value>) -> Result<Constraints, String> {
    let mut found: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut unsupported = Vec::new();
    for (name, value) in map {
        let canonical = match name.to_ascii_lowercase().as_str() {
            "namespace" => "namespace",
            "namespaceid" => "namespaceId",
            _ => {
                unsupported.push(name.clone());
                continue;
            }
        };
        let text = match value {
            Value::String(s) if !s.is_empty() => s.clone(),
            other => {
                return Err(format!(
                    "constraint {name} must be a non-empty string, found {}",
                    describe(other)
                ));
            }
        };
        if found.insert(canonical, text).is_some() {
            return Err(format!(
                "constraint {canonical} is given twice (constraint names ignore case)"
            ));
        }
    }
    if !unsupported.is_empty() {
        return Ok(Constraints::Unsupported(unsupported));
    }
    let name = found.remove("namespace");
    let id = found.remove("namespaceId");
    Ok(if name.is_none() && id.is_none() {
        Constraints::Global
    } else {
        Constraints::Namespace { name, id }
    })
}

/// A short description of a YAML value for messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a map".to_owned(),
    }
}
