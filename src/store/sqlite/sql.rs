//! SQLite's statements for the shared driver (`?NNN` placeholders).

/// Writes take the database lock up front, so a write never fails half-way on a lock
/// upgrade; waiting for the lock is bounded by the busy timeout.
pub(crate) const BEGIN: &str = "BEGIN IMMEDIATE";

/// The insert both record writes share; the row is skipped while a tombstone with a higher
/// version (?24 is the write's version) is in force (?25 is now).
macro_rules! insert_unless_tombstoned {
    () => {
        "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, \
         start_time, execution_time, close_time, close_sort, status, status_rank, \
         history_length, history_size_bytes, state_transition_count, execution_duration, \
         task_queue, parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, \
         namespace_division, memo, memo_encoding, search_attributes, version) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19, ?20, ?21, ?22, ?23, ?24 \
         WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.namespace_id = ?1 \
         AND t.run_id = ?2 AND t.workflow_id = ?3 AND t.version > ?24 AND t.expires_at > ?25) "
    };
}

/// The column updates of a replacing write; `executions` is the stored row.
macro_rules! replace_columns {
    () => {
        "workflow_type = excluded.workflow_type, start_time = excluded.start_time, \
         execution_time = excluded.execution_time, close_time = excluded.close_time, \
         close_sort = excluded.close_sort, status = excluded.status, \
         status_rank = excluded.status_rank, history_length = excluded.history_length, \
         history_size_bytes = excluded.history_size_bytes, \
         state_transition_count = excluded.state_transition_count, \
         execution_duration = excluded.execution_duration, task_queue = excluded.task_queue, \
         parent_workflow_id = excluded.parent_workflow_id, parent_run_id = excluded.parent_run_id, \
         root_workflow_id = excluded.root_workflow_id, root_run_id = excluded.root_run_id, \
         namespace_division = excluded.namespace_division, memo = excluded.memo, \
         memo_encoding = excluded.memo_encoding, search_attributes = excluded.search_attributes, \
         version = excluded.version "
    };
}

/// Records a started execution unless it is stored already.
macro_rules! insert_if_absent {
    () => {
        concat!(
            insert_unless_tombstoned!(),
            "ON CONFLICT (namespace_id, run_id, workflow_id) DO NOTHING"
        )
    };
}

/// Replaces the stored record unless it has a higher version; returns the row id when written.
macro_rules! upsert {
    () => {
        concat!(
            insert_unless_tombstoned!(),
            "ON CONFLICT (namespace_id, run_id, workflow_id) DO UPDATE SET ",
            replace_columns!(),
            "WHERE excluded.version >= executions.version RETURNING id"
        )
    };
}

/// A started record with no search attribute values: one statement is the whole write. It
/// returns nothing on purpose: SQLite commits a `RETURNING` statement only after its last row
/// is read, so a returned row costs one more hand-off between the caller and the connection's
/// thread on every write.
pub(crate) const INSERT_IF_ABSENT: &str = insert_if_absent!();

/// The first script of a two-script write: opens the transaction and writes the record row.
/// Returns the id of a new row (none when the record was stored already).
pub(crate) const BEGIN_INSERT_IF_ABSENT: &str =
    concat!("BEGIN IMMEDIATE; ", insert_if_absent!(), " RETURNING id");
pub(crate) const BEGIN_UPSERT: &str = concat!("BEGIN IMMEDIATE; ", upsert!());
/// Statements in [`BEGIN_INSERT_IF_ABSENT`] and [`BEGIN_UPSERT`]. A script's results are read
/// up to its last statement's and no further, so this must not undercount: the statements
/// after the count would never run.
pub(crate) const BEGIN_RECORD_STATEMENTS: usize = 2;

pub(crate) const COMMIT: &str = "COMMIT";
pub(crate) const ROLLBACK: &str = "ROLLBACK";

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

pub(crate) const SELECT_FOR_DELETE: &str =
    "SELECT id, version FROM executions WHERE namespace_id = ? AND run_id = ? AND workflow_id = ?";

pub(crate) const DELETE_EXECUTION: &str = "DELETE FROM executions WHERE id = ?";

/// ?5 is the new expiry, ?6 now: an expired tombstone is replaced, a live one keeps the
/// higher version and the later expiry.
pub(crate) const UPSERT_TOMBSTONE: &str = "INSERT INTO tombstones \
    (namespace_id, run_id, workflow_id, version, expires_at) VALUES (?1, ?2, ?3, ?4, ?5) \
    ON CONFLICT (namespace_id, run_id, workflow_id) DO UPDATE SET \
    version = CASE WHEN tombstones.expires_at <= ?6 THEN excluded.version \
    ELSE max(tombstones.version, excluded.version) END, \
    expires_at = CASE WHEN tombstones.expires_at <= ?6 THEN excluded.expires_at \
    ELSE max(tombstones.expires_at, excluded.expires_at) END";

pub(crate) const PURGE_TOMBSTONES: &str = "DELETE FROM tombstones WHERE rowid IN \
    (SELECT rowid FROM tombstones WHERE expires_at <= ? LIMIT 64)";

pub(crate) const SELECT_REGISTRATIONS: &str =
    "SELECT id, name, type FROM search_attributes WHERE namespace_id = ?";
/// SQLite's IMMEDIATE transaction already holds the write lock: nothing more to lock.
pub(crate) const LOCK_REGISTRATIONS: Option<&str> = None;
pub(crate) const SELECT_REGISTRATIONS_FOR_UPDATE: &str = SELECT_REGISTRATIONS;
pub(crate) const INSERT_REGISTRATION: &str =
    "INSERT INTO search_attributes (namespace_id, name, type) VALUES (?, ?, ?)";
pub(crate) const SELECT_REGISTRATION: &str =
    "SELECT id, type FROM search_attributes WHERE namespace_id = ? AND name = ?";
pub(crate) const DELETE_REGISTRATION: &str = "DELETE FROM search_attributes WHERE id = ?";

pub(crate) const HAS_SCHEMA_VERSION_TABLE: &str =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
pub(crate) const SELECT_SCHEMA_VERSION_FOR_UPDATE: &str =
    "SELECT curr_version FROM schema_version WHERE version_partition = 0";
pub(crate) const UPSERT_SCHEMA_VERSION: &str = "INSERT INTO schema_version \
    (version_partition, curr_version, min_compatible_version, creation_time) \
    VALUES (0, ?1, ?2, ?3) ON CONFLICT (version_partition) DO UPDATE SET \
    curr_version = excluded.curr_version, min_compatible_version = excluded.min_compatible_version";
pub(crate) const INSERT_SCHEMA_HISTORY: &str = "INSERT INTO schema_update_history \
    (update_time, old_version, new_version, manifest_hash, description) VALUES (?, ?, ?, ?, ?)";

#[cfg(test)]
mod tests {
    use super::*;

    /// None of these statements holds a `;` inside a literal, so splitting counts them.
    fn statements(script: &str) -> usize {
        script.split(';').filter(|s| !s.trim().is_empty()).count()
    }

    #[test]
    fn statement_counts_match_the_scripts() {
        assert_eq!(statements(INSERT_IF_ABSENT), 1);
        assert_eq!(statements(COMMIT), 1);
        assert_eq!(statements(BEGIN_INSERT_IF_ABSENT), BEGIN_RECORD_STATEMENTS);
        assert_eq!(statements(BEGIN_UPSERT), BEGIN_RECORD_STATEMENTS);
    }
}
