use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::time;

/// The type of a search attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SearchAttributeType {
    /// A whole string compared exactly, by Unicode code point.
    Keyword,
    /// Free text matched by words (see the crate docs for the word rules).
    Text,
    /// A 64-bit signed integer.
    Int,
    /// A finite 64-bit float, stored exactly.
    Double,
    /// `true` or `false`.
    Bool,
    /// A timestamp with microsecond precision.
    Datetime,
    /// A list of keywords; filters test membership.
    KeywordList,
}

impl SearchAttributeType {
    /// All types, in declaration order.
    pub const ALL: [SearchAttributeType; 7] = [
        SearchAttributeType::Keyword,
        SearchAttributeType::Text,
        SearchAttributeType::Int,
        SearchAttributeType::Double,
        SearchAttributeType::Bool,
        SearchAttributeType::Datetime,
        SearchAttributeType::KeywordList,
    ];

    /// The canonical name, e.g. `"KeywordList"`.
    pub fn name(self) -> &'static str {
        match self {
            SearchAttributeType::Keyword => "Keyword",
            SearchAttributeType::Text => "Text",
            SearchAttributeType::Int => "Int",
            SearchAttributeType::Double => "Double",
            SearchAttributeType::Bool => "Bool",
            SearchAttributeType::Datetime => "Datetime",
            SearchAttributeType::KeywordList => "KeywordList",
        }
    }
}

impl fmt::Display for SearchAttributeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SearchAttributeType {
    type Err = Error;

    /// Parses a type name case-insensitively (`keyword`, `KeywordList`, `DATETIME`, …).
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "unknown search attribute type '{s}' (expected one of Keyword, Text, Int, \
                     Double, Bool, Datetime, KeywordList)"
                ))
            })
    }
}

/// A typed search attribute value.
///
/// `Keyword` and `Text` values are interchangeable on write: either string variant may be
/// stored in a Keyword or a Text attribute. Reads return the variant of the registered type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SearchAttributeValue {
    /// A Keyword value.
    Keyword(String),
    /// A Text value.
    Text(String),
    /// An Int value.
    Int(i64),
    /// A Double value (must be finite).
    Double(f64),
    /// A Bool value.
    Bool(bool),
    /// A Datetime value (truncated to microseconds on write).
    Datetime(DateTime<Utc>),
    /// A KeywordList value; an empty list counts as a missing attribute.
    KeywordList(Vec<String>),
}

impl SearchAttributeValue {
    /// A short name of the value's variant, used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            SearchAttributeValue::Keyword(_) => "Keyword",
            SearchAttributeValue::Text(_) => "Text",
            SearchAttributeValue::Int(_) => "Int",
            SearchAttributeValue::Double(_) => "Double",
            SearchAttributeValue::Bool(_) => "Bool",
            SearchAttributeValue::Datetime(_) => "Datetime",
            SearchAttributeValue::KeywordList(_) => "KeywordList",
        }
    }

    /// Whether this value can be stored in an attribute of type `ty`.
    pub fn fits(&self, ty: SearchAttributeType) -> bool {
        use SearchAttributeType as T;
        use SearchAttributeValue as V;
        matches!(
            (self, ty),
            (V::Keyword(_) | V::Text(_), T::Keyword | T::Text)
                | (V::Int(_), T::Int)
                | (V::Double(_), T::Double)
                | (V::Bool(_), T::Bool)
                | (V::Datetime(_), T::Datetime)
                | (V::KeywordList(_), T::KeywordList)
        )
    }

    /// Converts the value into the variant for `ty` (Keyword ↔ Text), truncating datetimes
    /// to microseconds. Returns `None` when the value does not fit the type.
    pub fn coerce(self, ty: SearchAttributeType) -> Option<Self> {
        use SearchAttributeType as T;
        use SearchAttributeValue as V;
        Some(match (self, ty) {
            (V::Keyword(s) | V::Text(s), T::Keyword) => V::Keyword(s),
            (V::Keyword(s) | V::Text(s), T::Text) => V::Text(s),
            (V::Datetime(t), T::Datetime) => V::Datetime(time::truncate(&t)),
            (v, t) if v.fits(t) => v,
            _ => return None,
        })
    }

    /// Converts a JSON value to a value of type `ty`: strings for Keyword/Text, RFC 3339
    /// strings for Datetime, numbers for Int/Double, booleans, arrays of strings.
    pub fn from_json(value: &serde_json::Value, ty: SearchAttributeType) -> Result<Self, String> {
        use serde_json::Value as J;
        let bad = || format!("expected a {ty} value, got {value}");
        Ok(match (ty, value) {
            (SearchAttributeType::Keyword, J::String(s)) => {
                SearchAttributeValue::Keyword(s.clone())
            }
            (SearchAttributeType::Text, J::String(s)) => SearchAttributeValue::Text(s.clone()),
            (SearchAttributeType::Int, J::Number(n)) => {
                SearchAttributeValue::Int(n.as_i64().ok_or_else(bad)?)
            }
            (SearchAttributeType::Double, J::Number(n)) => {
                SearchAttributeValue::Double(n.as_f64().ok_or_else(bad)?)
            }
            (SearchAttributeType::Bool, J::Bool(b)) => SearchAttributeValue::Bool(*b),
            (SearchAttributeType::Datetime, J::String(s)) => {
                SearchAttributeValue::Datetime(time::parse_rfc3339(s).ok_or_else(|| {
                    format!("expected an RFC 3339 timestamp with offset, got \"{s}\"")
                })?)
            }
            (SearchAttributeType::KeywordList, J::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        J::String(s) => out.push(s.clone()),
                        _ => return Err(bad()),
                    }
                }
                SearchAttributeValue::KeywordList(out)
            }
            _ => return Err(bad()),
        })
    }

    /// The JSON form used by the CLI: datetimes as RFC 3339, lists as arrays.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            SearchAttributeValue::Keyword(s) | SearchAttributeValue::Text(s) => {
                J::String(s.clone())
            }
            SearchAttributeValue::Int(i) => J::from(*i),
            SearchAttributeValue::Double(d) => J::from(*d),
            SearchAttributeValue::Bool(b) => J::Bool(*b),
            SearchAttributeValue::Datetime(t) => J::String(time::format_rfc3339(t)),
            SearchAttributeValue::KeywordList(v) => {
                J::Array(v.iter().cloned().map(J::String).collect())
            }
        }
    }

    /// Bytes of payload counted against the per-value and total size limits.
    pub fn payload_size(&self) -> usize {
        match self {
            SearchAttributeValue::Keyword(s) | SearchAttributeValue::Text(s) => s.len(),
            SearchAttributeValue::KeywordList(v) => v.iter().map(String::len).sum(),
            SearchAttributeValue::Int(_)
            | SearchAttributeValue::Double(_)
            | SearchAttributeValue::Datetime(_) => 8,
            SearchAttributeValue::Bool(_) => 1,
        }
    }
}

/// Search attributes of a record: attribute name → value.
pub type SearchAttributes = BTreeMap<String, SearchAttributeValue>;
