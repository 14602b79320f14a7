-- Visibility schema for SQLite, version 1.2 (full schema for fresh installs).
--
-- Times are INTEGER microseconds since the Unix epoch; execution_duration is nanoseconds.
-- Search attribute values live in typed side tables keyed by the record's id and the
-- attribute's storage id, so every filter on a search attribute is an indexed lookup and
-- values of a removed attribute can never surface under a later one with the same name.

CREATE TABLE schema_version (
  version_partition      INTEGER NOT NULL PRIMARY KEY,
  curr_version           TEXT    NOT NULL,
  min_compatible_version TEXT    NOT NULL,
  creation_time          INTEGER NOT NULL
);

CREATE TABLE schema_update_history (
  update_time   INTEGER NOT NULL,
  old_version   TEXT    NOT NULL,
  new_version   TEXT    NOT NULL,
  manifest_hash TEXT    NOT NULL,
  description   TEXT    NOT NULL,
  PRIMARY KEY (update_time, new_version)
);

CREATE TABLE executions (
  id                     INTEGER PRIMARY KEY,
  namespace_id           TEXT    NOT NULL,
  run_id                 TEXT    NOT NULL,
  workflow_id            TEXT    NOT NULL,
  workflow_type          TEXT    NOT NULL,
  start_time             INTEGER NOT NULL,
  execution_time         INTEGER NOT NULL,
  close_time             INTEGER,
  -- close_time, or the largest integer for running executions: the default order's first key
  close_sort             INTEGER NOT NULL,
  status                 INTEGER NOT NULL,
  -- position of the status name in alphabetical order, for ORDER BY ExecutionStatus
  status_rank            INTEGER NOT NULL,
  history_length         INTEGER NOT NULL,
  history_size_bytes     INTEGER NOT NULL,
  state_transition_count INTEGER NOT NULL,
  execution_duration     INTEGER,
  task_queue             TEXT    NOT NULL,
  parent_workflow_id     TEXT,
  parent_run_id          TEXT,
  root_workflow_id       TEXT,
  root_run_id            TEXT,
  namespace_division     TEXT,
  memo                   BLOB,
  memo_encoding          TEXT,
  -- every search attribute value as JSON, keyed by attribute storage id
  search_attributes      TEXT    NOT NULL,
  version                INTEGER NOT NULL
);

CREATE UNIQUE INDEX executions_identity ON executions (namespace_id, run_id, workflow_id);
CREATE INDEX executions_default_order ON executions
  (namespace_id, namespace_division, close_sort DESC, start_time DESC, run_id, workflow_id);
CREATE INDEX executions_by_status ON executions
  (namespace_id, status, namespace_division, close_sort DESC, start_time DESC, run_id, workflow_id);
CREATE INDEX executions_by_type ON executions
  (namespace_id, workflow_type, namespace_division, close_sort DESC, start_time DESC, run_id, workflow_id);
CREATE INDEX executions_by_workflow_id ON executions
  (namespace_id, workflow_id, namespace_division, close_sort DESC, start_time DESC, run_id);
-- StartTime windows are sorted: this index also holds the sort keys and the division, so the
-- matches' keys are sorted without reading their rows (see the listing renderer).
CREATE INDEX executions_by_start_time ON executions
  (namespace_id, start_time, close_sort, run_id, workflow_id, namespace_division);
CREATE INDEX executions_by_close_time ON executions (namespace_id, close_time);

-- Custom search attribute registrations. AUTOINCREMENT: ids are never reused after removal.
CREATE TABLE search_attributes (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  namespace_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  type         TEXT NOT NULL,
  UNIQUE (namespace_id, name)
);

-- Keyword values, KeywordList elements, and Text words (plus an empty-string marker row
-- that records the presence of a Text value).
--
-- Each row also carries its record's default-order sort key (close_sort, start_time, run_id,
-- workflow_id, copied on every write), so a listing filtered on one string value reads the
-- matches from sa_string_by_value already in the default order, however many records of the
-- namespace match. The defaults exist only because version 1.2 added these columns to
-- existing tables; every write sets them.
CREATE TABLE sa_string (
  execution_id INTEGER NOT NULL,
  namespace_id TEXT    NOT NULL,
  attr_id      INTEGER NOT NULL,
  value        TEXT    NOT NULL,
  close_sort   INTEGER NOT NULL DEFAULT 0,
  start_time   INTEGER NOT NULL DEFAULT 0,
  run_id       TEXT    NOT NULL DEFAULT '',
  workflow_id  TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (execution_id, attr_id, value)
) WITHOUT ROWID;
CREATE INDEX sa_string_by_value ON sa_string
  (attr_id, value, close_sort DESC, start_time DESC, run_id, workflow_id, execution_id);

-- Int, Bool (0/1) and Datetime (microseconds) values.
CREATE TABLE sa_int (
  execution_id INTEGER NOT NULL,
  namespace_id TEXT    NOT NULL,
  attr_id      INTEGER NOT NULL,
  value        INTEGER NOT NULL,
  PRIMARY KEY (execution_id, attr_id)
) WITHOUT ROWID;
CREATE INDEX sa_int_by_value ON sa_int (namespace_id, attr_id, value, execution_id);

-- Double values.
CREATE TABLE sa_double (
  execution_id INTEGER NOT NULL,
  namespace_id TEXT    NOT NULL,
  attr_id      INTEGER NOT NULL,
  value        REAL    NOT NULL,
  PRIMARY KEY (execution_id, attr_id)
) WITHOUT ROWID;
CREATE INDEX sa_double_by_value ON sa_double (namespace_id, attr_id, value, execution_id);

-- Deleted records: a write with a lower version than the tombstone is ignored until expiry.
CREATE TABLE tombstones (
  namespace_id TEXT    NOT NULL,
  run_id       TEXT    NOT NULL,
  workflow_id  TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (namespace_id, run_id, workflow_id)
);
CREATE INDEX tombstones_by_expiry ON tombstones (expires_at);
