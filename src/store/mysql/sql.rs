//! The MySQL store's fixed statements (`?` placeholders).

pub(crate) const SELECT_EXECUTION_FOR_UPDATE: &str = "SELECT id, version FROM executions \
    WHERE namespace_id = ? AND run_id = ? AND workflow_id = ? FOR UPDATE";

pub(crate) const SELECT_TOMBSTONE_FOR_UPDATE: &str = "SELECT version, expires_at FROM tombstones \
    WHERE namespace_id = ? AND run_id = ? AND workflow_id = ? FOR UPDATE";

/// Binds, in order: the identity (namespace, run, workflow), then `RECORD_COLUMNS`.
pub(crate) const INSERT_EXECUTION: &str = "INSERT INTO executions (namespace_id, run_id, \
    workflow_id, workflow_type, start_time, execution_time, close_time, close_sort, status, \
    status_rank, history_length, history_size_bytes, state_transition_count, \
    execution_duration, task_queue, parent_workflow_id, parent_run_id, root_workflow_id, \
    root_run_id, namespace_division, memo, memo_encoding, search_attributes, version) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// Binds the record columns in the same order as `INSERT_EXECUTION` after the identity, then
/// the row id.
pub(crate) const UPDATE_EXECUTION: &str = "UPDATE executions SET workflow_type = ?, \
    start_time = ?, execution_time = ?, close_time = ?, close_sort = ?, status = ?, \
    status_rank = ?, history_length = ?, history_size_bytes = ?, state_transition_count = ?, \
    execution_duration = ?, task_queue = ?, parent_workflow_id = ?, parent_run_id = ?, \
    root_workflow_id = ?, root_run_id = ?, namespace_division = ?, memo = ?, \
    memo_encoding = ?, search_attributes = ?, version = ? WHERE id = ?";

pub(crate) const DELETE_EXECUTION: &str = "DELETE FROM executions WHERE id = ?";

/// Indexed by `ValueTable`: string, int, double.
pub(crate) const DELETE_VALUES_OF_EXECUTION: [&str; 3] = [
    "DELETE FROM sa_string WHERE execution_id = ?",
    "DELETE FROM sa_int WHERE execution_id = ?",
    "DELETE FROM sa_double WHERE execution_id = ?",
];

/// Indexed by `ValueTable`.
pub(crate) const DELETE_VALUES_OF_ATTRIBUTE: [&str; 3] = [
    "DELETE FROM sa_string WHERE namespace_id = ? AND attr_id = ?",
    "DELETE FROM sa_int WHERE namespace_id = ? AND attr_id = ?",
    "DELETE FROM sa_double WHERE namespace_id = ? AND attr_id = ?",
];

/// Multi-row insert heads, indexed by `ValueTable`; the caller appends one `STRING_TUPLE`
/// (string table) or `KEYED_TUPLE` per row.
pub(crate) const INSERT_VALUES_HEAD: [&str; 3] = [
    "INSERT INTO sa_string (execution_id, attr_id, seq, namespace_id, value, close_sort, \
     start_time, run_id, workflow_id) VALUES ",
    "INSERT INTO sa_int (execution_id, attr_id, namespace_id, value) VALUES ",
    "INSERT INTO sa_double (execution_id, attr_id, namespace_id, value) VALUES ",
];
pub(crate) const STRING_TUPLE: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
pub(crate) const KEYED_TUPLE: &str = "(?, ?, ?, ?)";

pub(crate) const INSERT_TOMBSTONE: &str = "INSERT INTO tombstones \
    (namespace_id, run_id, workflow_id, version, expires_at) VALUES (?, ?, ?, ?, ?)";
pub(crate) const UPDATE_TOMBSTONE: &str = "UPDATE tombstones SET version = ?, expires_at = ? \
    WHERE namespace_id = ? AND run_id = ? AND workflow_id = ?";
/// Bounded, so a delete stays cheap however many tombstones expired.
pub(crate) const PURGE_TOMBSTONES: &str =
    "DELETE FROM tombstones WHERE expires_at <= ? ORDER BY expires_at LIMIT 64";

/// Live registrations; removed ones keep their row with a NULL name.
pub(crate) const SELECT_REGISTRATIONS: &str = "SELECT id, name, type FROM search_attributes \
    WHERE namespace_id = ? AND name IS NOT NULL";
pub(crate) const SELECT_REGISTRATIONS_FOR_UPDATE: &str = "SELECT id, name, type \
    FROM search_attributes WHERE namespace_id = ? AND name IS NOT NULL FOR UPDATE";
pub(crate) const INSERT_REGISTRATION: &str =
    "INSERT INTO search_attributes (namespace_id, name, type) VALUES (?, ?, ?)";
pub(crate) const SELECT_REGISTRATION_FOR_UPDATE: &str = "SELECT id, type FROM search_attributes \
    WHERE namespace_id = ? AND name = ? FOR UPDATE";
pub(crate) const RETIRE_REGISTRATION: &str =
    "UPDATE search_attributes SET name = NULL WHERE id = ?";

pub(crate) const HAS_SCHEMA_VERSION_TABLE: &str = "SELECT COUNT(*) FROM information_schema.TABLES \
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_version'";
pub(crate) const SELECT_SCHEMA_VERSION: &str =
    "SELECT curr_version FROM schema_version WHERE version_partition = 0";
pub(crate) const SELECT_SCHEMA_VERSION_FOR_UPDATE: &str =
    "SELECT curr_version FROM schema_version WHERE version_partition = 0 FOR UPDATE";
pub(crate) const INSERT_SCHEMA_VERSION: &str = "INSERT INTO schema_version \
    (version_partition, curr_version, min_compatible_version, creation_time) \
    VALUES (0, ?, ?, ?)";
pub(crate) const UPDATE_SCHEMA_VERSION: &str = "UPDATE schema_version SET curr_version = ?, \
    min_compatible_version = ? WHERE version_partition = 0";
pub(crate) const INSERT_SCHEMA_HISTORY: &str = "INSERT INTO schema_update_history \
    (update_time, old_version, new_version, manifest_hash, description) VALUES (?, ?, ?, ?, ?)";
