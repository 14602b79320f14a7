//! Decoding `executions` rows (selected with `SELECT_COLUMNS`) into records.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::attributes::NamespaceAttributes;
use crate::error::Error;
use crate::model::{ExecutionRecord, ExecutionRef, ExecutionStatus, Memo, time};
use crate::store::sql::values::decode_attributes;

fn corrupt(store: &str, what: impl std::fmt::Display) -> Error {
    Error::Internal(format!("{store}: corrupted visibility row: {what}"))
}

/// Decodes one row; search attributes are mapped back to names with `registry`.
pub(crate) fn decode_row(
    store: &str,
    row: &SqliteRow,
    registry: &NamespaceAttributes,
) -> Result<ExecutionRecord, Error> {
    let get_err = |e: sqlx::Error| corrupt(store, e);
    let opt_ref = |w: Option<String>, r: Option<String>| match (w, r) {
        (Some(workflow_id), Some(run_id)) => Some(ExecutionRef {
            workflow_id,
            run_id,
        }),
        _ => None,
    };
    let status_code: i64 = row.try_get(7).map_err(get_err)?;
    let status = ExecutionStatus::from_code(status_code)
        .ok_or_else(|| corrupt(store, format!("unknown status code {status_code}")))?;
    let memo = match (
        row.try_get::<Option<Vec<u8>>, _>(16).map_err(get_err)?,
        row.try_get::<Option<String>, _>(17).map_err(get_err)?,
    ) {
        (Some(data), Some(encoding)) => Some(Memo { encoding, data }),
        _ => None,
    };
    let attrs_json: String = row.try_get(18).map_err(get_err)?;
    Ok(ExecutionRecord {
        namespace_id: row.try_get(0).map_err(get_err)?,
        namespace_name: None,
        workflow_id: row.try_get(1).map_err(get_err)?,
        run_id: row.try_get(2).map_err(get_err)?,
        workflow_type: row.try_get(3).map_err(get_err)?,
        start_time: time::from_micros(row.try_get(4).map_err(get_err)?),
        execution_time: time::from_micros(row.try_get(5).map_err(get_err)?),
        close_time: row
            .try_get::<Option<i64>, _>(6)
            .map_err(get_err)?
            .map(time::from_micros),
        status,
        history_length: row.try_get(8).map_err(get_err)?,
        history_size_bytes: row.try_get(9).map_err(get_err)?,
        state_transition_count: row.try_get(10).map_err(get_err)?,
        task_queue: row.try_get(11).map_err(get_err)?,
        parent: opt_ref(
            row.try_get(12).map_err(get_err)?,
            row.try_get(13).map_err(get_err)?,
        ),
        root: opt_ref(
            row.try_get(14).map_err(get_err)?,
            row.try_get(15).map_err(get_err)?,
        ),
        memo,
        search_attributes: decode_attributes(&attrs_json, registry)
            .map_err(|e| corrupt(store, e))?,
        version: row.try_get(19).map_err(get_err)?,
    })
}
