//! Decoding rows into records and registrations.

use sqlx::Row;
use sqlx::mysql::MySqlRow;

use crate::SearchAttributeType;
use crate::attributes::{AttributeDef, NamespaceAttributes};
use crate::error::{Error, Result};
use crate::model::{ExecutionRecord, ExecutionRef, ExecutionStatus, Memo, time};
use crate::store::sql::values::decode_attributes;

fn corrupt(store: &str, what: impl std::fmt::Display) -> Error {
    Error::Internal(format!("{store}: corrupted visibility row: {what}"))
}

/// Decodes a row selected with `SELECT_COLUMNS`; attribute ids map back to names through
/// `registry`.
pub(crate) fn decode_record(
    store: &str,
    row: &MySqlRow,
    registry: &NamespaceAttributes,
) -> Result<ExecutionRecord> {
    let e = |e: sqlx::Error| corrupt(store, e);
    let pair = |w: Option<String>, r: Option<String>| match (w, r) {
        (Some(workflow_id), Some(run_id)) => Some(ExecutionRef {
            workflow_id,
            run_id,
        }),
        _ => None,
    };
    let code: i64 = row.try_get(7).map_err(e)?;
    let status = ExecutionStatus::from_code(code)
        .ok_or_else(|| corrupt(store, format!("unknown status code {code}")))?;
    let memo = match (
        row.try_get::<Option<Vec<u8>>, _>(16).map_err(e)?,
        row.try_get::<Option<String>, _>(17).map_err(e)?,
    ) {
        (Some(data), Some(encoding)) => Some(Memo { encoding, data }),
        _ => None,
    };
    let attrs: String = row.try_get(18).map_err(e)?;
    Ok(ExecutionRecord {
        namespace_id: row.try_get(0).map_err(e)?,
        namespace_name: None,
        workflow_id: row.try_get(1).map_err(e)?,
        run_id: row.try_get(2).map_err(e)?,
        workflow_type: row.try_get(3).map_err(e)?,
        start_time: time::from_micros(row.try_get(4).map_err(e)?),
        execution_time: time::from_micros(row.try_get(5).map_err(e)?),
        close_time: row
            .try_get::<Option<i64>, _>(6)
            .map_err(e)?
            .map(time::from_micros),
        status,
        history_length: row.try_get(8).map_err(e)?,
        history_size_bytes: row.try_get(9).map_err(e)?,
        state_transition_count: row.try_get(10).map_err(e)?,
        task_queue: row.try_get(11).map_err(e)?,
        parent: pair(row.try_get(12).map_err(e)?, row.try_get(13).map_err(e)?),
        root: pair(row.try_get(14).map_err(e)?, row.try_get(15).map_err(e)?),
        memo,
        search_attributes: decode_attributes(&attrs, registry).map_err(|m| corrupt(store, m))?,
        version: row.try_get(19).map_err(e)?,
    })
}

/// A registered type name back to its type.
pub(crate) fn parse_type(store: &str, ty: &str) -> Result<SearchAttributeType> {
    ty.parse().map_err(|_| {
        Error::Internal(format!(
            "{store}: unknown attribute type {ty:?} in registry"
        ))
    })
}

/// Rows `(id, name, type)` to registrations.
pub(crate) fn decode_registrations(store: &str, rows: &[MySqlRow]) -> Result<Vec<AttributeDef>> {
    rows.iter()
        .map(|row| {
            let e = |e: sqlx::Error| corrupt(store, e);
            let ty: String = row.try_get(2).map_err(e)?;
            Ok(AttributeDef {
                id: row.try_get(0).map_err(e)?,
                name: row.try_get(1).map_err(e)?,
                ty: parse_type(store, &ty)?,
            })
        })
        .collect()
}
