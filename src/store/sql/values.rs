//! How search attribute values are stored by the SQL stores: a JSON document per record
//! (keyed by attribute storage id, for reading records back) and typed side-table rows (for
//! filtering and sorting).

use serde_json::{Map, Value as Json};

use crate::attributes::{NamespaceAttributes, ValidatedAttribute, text_words};
use crate::model::{SearchAttributeType, SearchAttributeValue, SearchAttributes, time};
use crate::store::sql::{SqlValue, ValueTable, value_table};

/// The JSON document of a record's search attributes: `{"<id>": value}`; datetimes are
/// microseconds, lists arrays.
pub(crate) fn encode_attributes(attrs: &[ValidatedAttribute]) -> String {
    let mut map = Map::with_capacity(attrs.len());
    for a in attrs {
        let v = match &a.value {
            SearchAttributeValue::Keyword(s) | SearchAttributeValue::Text(s) => {
                Json::String(s.clone())
            }
            SearchAttributeValue::Int(i) => Json::from(*i),
            SearchAttributeValue::Double(d) => Json::from(*d),
            SearchAttributeValue::Bool(b) => Json::Bool(*b),
            SearchAttributeValue::Datetime(t) => Json::from(time::to_micros(t)),
            SearchAttributeValue::KeywordList(items) => {
                Json::Array(items.iter().cloned().map(Json::String).collect())
            }
        };
        map.insert(a.id.to_string(), v);
    }
    Json::Object(map).to_string()
}

/// Reads the JSON document back, keeping only attributes still registered under the same id.
pub(crate) fn decode_attributes(
    json: &str,
    registry: &NamespaceAttributes,
) -> Result<SearchAttributes, String> {
    let doc: Map<String, Json> =
        serde_json::from_str(json).map_err(|e| format!("search attribute document: {e}"))?;
    let mut out = SearchAttributes::new();
    for (key, v) in doc {
        let id: i64 = key
            .parse()
            .map_err(|_| format!("search attribute document: bad key {key:?}"))?;
        let Some((name, ty)) = registry.by_id(id) else {
            continue;
        };
        let value = match (ty, &v) {
            (SearchAttributeType::Datetime, Json::Number(n)) => n
                .as_i64()
                .map(|us| SearchAttributeValue::Datetime(time::from_micros(us))),
            (ty, v) => SearchAttributeValue::from_json(v, ty).ok(),
        }
        .ok_or_else(|| format!("search attribute document: bad value for {name}"))?;
        out.insert(name.to_string(), value);
    }
    Ok(out)
}

/// One side-table row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SideRow {
    pub table: ValueTable,
    pub attr_id: i64,
    pub value: SqlValue,
}

/// The side-table rows of a record's search attributes. Text values store their words plus
/// an empty-string marker (words are never empty, so the marker records presence even for a
/// text without words); keyword lists store each distinct element.
pub(crate) fn side_rows(attrs: &[ValidatedAttribute]) -> Vec<SideRow> {
    let mut rows = Vec::with_capacity(attrs.len());
    for a in attrs {
        let table = value_table(a.ty);
        let mut push = |value: SqlValue| {
            rows.push(SideRow {
                table,
                attr_id: a.id,
                value,
            })
        };
        match &a.value {
            SearchAttributeValue::Keyword(s) => push(SqlValue::Text(s.clone())),
            SearchAttributeValue::Text(s) => {
                push(SqlValue::Text(String::new()));
                for w in text_words(s) {
                    push(SqlValue::Text(w));
                }
            }
            SearchAttributeValue::KeywordList(items) => {
                let mut seen: Vec<&String> = Vec::with_capacity(items.len());
                for item in items {
                    if !seen.contains(&item) {
                        seen.push(item);
                        push(SqlValue::Text(item.clone()));
                    }
                }
            }
            SearchAttributeValue::Int(i) => push(SqlValue::Int(*i)),
            SearchAttributeValue::Bool(b) => push(SqlValue::Int(i64::from(*b))),
            SearchAttributeValue::Datetime(t) => push(SqlValue::Int(time::to_micros(t))),
            SearchAttributeValue::Double(d) => push(SqlValue::Double(*d)),
        }
    }
    rows
}
