//! PostgreSQL's statements for the shared driver (`$n` placeholders).

pub(crate) const BEGIN: &str = "BEGIN";

macro_rules! insert_unless_tombstoned {
    () => {
        "INSERT INTO executions (namespace_id, run_id, workflow_id, workflow_type, \
         start_time, execution_time, close_time, close_sort, status, status_rank, \
         history_length, history_size_bytes, state_transition_count, execution_duration, \
         task_queue, parent_workflow_id, parent_run_id, root_workflow_id, root_run_id, \
         namespace_division, memo, memo_encoding, search_attributes, version) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20, $21, $22, $23, $24 \
         WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.namespace_id = $1 \
         AND t.run_id = $2 AND t.workflow_id = $3 AND t.version > $24 AND t.expires_at > $25) "
    };
}

/// A started record and its side rows in one statement: the record row unless it is stored
/// already (`ON CONFLICT DO NOTHING`), then each side table's rows from a pair of arrays (attribute ids,
/// values: $26/$27 strings, $28/$29 ints, $30/$31 doubles), inserted only when the record row
/// was (a stored record or a tombstone wins, and nothing is written). Data-modifying CTEs run
/// in the statement's one snapshot, and an autocommitted statement is atomic.
pub(crate) const INSERT_STARTED_WITH_VALUES: &str = concat!(
    "WITH e AS (",
    insert_unless_tombstoned!(),
    "ON CONFLICT (namespace_id, run_id, workflow_id) DO NOTHING RETURNING id), \
     s AS (INSERT INTO sa_string (execution_id, namespace_id, attr_id, value, close_sort, \
     start_time, run_id, workflow_id) SELECT e.id, $1, u.attr_id, u.value, $8, $5, $2, $3 \
     FROM e CROSS JOIN unnest($26::bigint[], $27::text[]) AS u(attr_id, value)), \
     i AS (INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) \
     SELECT e.id, $1, u.attr_id, u.value \
     FROM e CROSS JOIN unnest($28::bigint[], $29::bigint[]) AS u(attr_id, value)), \
     d AS (INSERT INTO sa_double (execution_id, namespace_id, attr_id, value) \
     SELECT e.id, $1, u.attr_id, u.value \
     FROM e CROSS JOIN unnest($30::bigint[], $31::float8[]) AS u(attr_id, value)) \
     SELECT count(*) FROM e"
);

macro_rules! upsert_record {
    () => {
        concat!(
            insert_unless_tombstoned!(),
            "ON CONFLICT (namespace_id, run_id, workflow_id) DO UPDATE SET \
     workflow_type = excluded.workflow_type, start_time = excluded.start_time, \
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
     version = excluded.version \
     WHERE excluded.version >= executions.version RETURNING id"
        )
    };
}

/// A replacing write (closed, upsert) and its side rows in one statement. The record row,
/// unless the stored one has a higher version; then, only when it was written, each side table keeps exactly the new values:
/// rows not among them are deleted and the new ones inserted or refreshed (string rows carry
/// the record's sort key, which a close moves). Deleted and upserted rows are disjoint, as
/// data-modifying CTEs of one statement must not touch a row twice. Arrays as in
/// [`INSERT_STARTED_WITH_VALUES`].
pub(crate) const UPSERT_WITH_VALUES: &str = concat!(
    "WITH e AS (",
    upsert_record!(),
    "), \
     ds AS (DELETE FROM sa_string x USING e WHERE x.execution_id = e.id AND NOT EXISTS \
     (SELECT 1 FROM unnest($26::bigint[], $27::text[]) AS u(attr_id, value) \
     WHERE u.attr_id = x.attr_id AND u.value = x.value)), \
     s AS (INSERT INTO sa_string (execution_id, namespace_id, attr_id, value, close_sort, \
     start_time, run_id, workflow_id) SELECT e.id, $1, u.attr_id, u.value, $8, $5, $2, $3 \
     FROM e CROSS JOIN unnest($26::bigint[], $27::text[]) AS u(attr_id, value) \
     ON CONFLICT (execution_id, attr_id, value) DO UPDATE SET \
     close_sort = excluded.close_sort, start_time = excluded.start_time), \
     di AS (DELETE FROM sa_int x USING e WHERE x.execution_id = e.id \
     AND x.attr_id <> ALL ($28::bigint[])), \
     i AS (INSERT INTO sa_int (execution_id, namespace_id, attr_id, value) \
     SELECT e.id, $1, u.attr_id, u.value \
     FROM e CROSS JOIN unnest($28::bigint[], $29::bigint[]) AS u(attr_id, value) \
     ON CONFLICT (execution_id, attr_id) DO UPDATE SET value = excluded.value), \
     dd AS (DELETE FROM sa_double x USING e WHERE x.execution_id = e.id \
     AND x.attr_id <> ALL ($30::bigint[])), \
     d AS (INSERT INTO sa_double (execution_id, namespace_id, attr_id, value) \
     SELECT e.id, $1, u.attr_id, u.value \
     FROM e CROSS JOIN unnest($30::bigint[], $31::float8[]) AS u(attr_id, value) \
     ON CONFLICT (execution_id, attr_id) DO UPDATE SET value = excluded.value) \
     SELECT count(*) FROM e"
);

pub(crate) const DELETE_VALUES_OF_EXECUTION: [&str; 3] = [
    "DELETE FROM sa_string WHERE execution_id = $1",
    "DELETE FROM sa_int WHERE execution_id = $1",
    "DELETE FROM sa_double WHERE execution_id = $1",
];

pub(crate) const DELETE_VALUES_OF_ATTRIBUTE: [&str; 3] = [
    "DELETE FROM sa_string WHERE namespace_id = $1 AND attr_id = $2",
    "DELETE FROM sa_int WHERE namespace_id = $1 AND attr_id = $2",
    "DELETE FROM sa_double WHERE namespace_id = $1 AND attr_id = $2",
];

pub(crate) const SELECT_FOR_DELETE: &str = "SELECT id, version FROM executions \
    WHERE namespace_id = $1 AND run_id = $2 AND workflow_id = $3 FOR UPDATE";

pub(crate) const DELETE_EXECUTION: &str = "DELETE FROM executions WHERE id = $1";

pub(crate) const UPSERT_TOMBSTONE: &str = "INSERT INTO tombstones \
    (namespace_id, run_id, workflow_id, version, expires_at) VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (namespace_id, run_id, workflow_id) DO UPDATE SET \
    version = CASE WHEN tombstones.expires_at <= $6 THEN excluded.version \
    ELSE GREATEST(tombstones.version, excluded.version) END, \
    expires_at = CASE WHEN tombstones.expires_at <= $6 THEN excluded.expires_at \
    ELSE GREATEST(tombstones.expires_at, excluded.expires_at) END";

pub(crate) const PURGE_TOMBSTONES: &str = "DELETE FROM tombstones WHERE ctid IN \
    (SELECT ctid FROM tombstones WHERE expires_at <= $1 LIMIT 64)";

pub(crate) const SELECT_REGISTRATIONS: &str =
    "SELECT id, name, type FROM search_attributes WHERE namespace_id = $1";
/// A transaction-scoped advisory lock per namespace serialises registrations, so two
/// concurrent adds cannot both pass the per-type limit.
pub(crate) const LOCK_REGISTRATIONS: Option<&str> =
    Some("SELECT pg_advisory_xact_lock(hashtextextended($1, 7306))");
pub(crate) const SELECT_REGISTRATIONS_FOR_UPDATE: &str = SELECT_REGISTRATIONS;
pub(crate) const INSERT_REGISTRATION: &str =
    "INSERT INTO search_attributes (namespace_id, name, type) VALUES ($1, $2, $3)";
pub(crate) const SELECT_REGISTRATION: &str =
    "SELECT id, type FROM search_attributes WHERE namespace_id = $1 AND name = $2 FOR UPDATE";
pub(crate) const DELETE_REGISTRATION: &str = "DELETE FROM search_attributes WHERE id = $1";

pub(crate) const HAS_SCHEMA_VERSION_TABLE: &str = "SELECT 1 FROM information_schema.tables \
    WHERE table_schema = current_schema() AND table_name = 'schema_version'";
pub(crate) const SELECT_SCHEMA_VERSION_FOR_UPDATE: &str =
    "SELECT curr_version FROM schema_version WHERE version_partition = 0 FOR UPDATE";
pub(crate) const UPSERT_SCHEMA_VERSION: &str = "INSERT INTO schema_version \
    (version_partition, curr_version, min_compatible_version, creation_time) \
    VALUES (0, $1, $2, $3) ON CONFLICT (version_partition) DO UPDATE SET \
    curr_version = excluded.curr_version, min_compatible_version = excluded.min_compatible_version";
pub(crate) const INSERT_SCHEMA_HISTORY: &str = "INSERT INTO schema_update_history \
    (update_time, old_version, new_version, manifest_hash, description) \
    VALUES ($1, $2, $3, $4, $5)";
