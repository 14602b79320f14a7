-- Visibility schema for PostgreSQL, version 1.3 (full schema for fresh installs).
--
-- Times are BIGINT microseconds since the Unix epoch; execution_duration is nanoseconds.
-- Every keyword column uses COLLATE "C", so comparisons and sorts are by code point whatever
-- the database's default collation is.

CREATE TABLE schema_version (
  version_partition      INTEGER NOT NULL PRIMARY KEY,
  curr_version           TEXT    NOT NULL,
  min_compatible_version TEXT    NOT NULL,
  creation_time          BIGINT  NOT NULL
);

CREATE TABLE schema_update_history (
  update_time   BIGINT NOT NULL,
  old_version   TEXT   NOT NULL,
  new_version   TEXT   NOT NULL,
  manifest_hash TEXT   NOT NULL,
  description   TEXT   NOT NULL,
  PRIMARY KEY (update_time, new_version)
);

CREATE TABLE executions (
  id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace_id           TEXT COLLATE "C" NOT NULL,
  run_id                 TEXT COLLATE "C" NOT NULL,
  workflow_id            TEXT COLLATE "C" NOT NULL,
  workflow_type          TEXT COLLATE "C" NOT NULL,
  start_time             BIGINT NOT NULL,
  execution_time         BIGINT NOT NULL,
  close_time             BIGINT,
  close_sort             BIGINT NOT NULL,
  status                 BIGINT NOT NULL,
  status_rank            BIGINT NOT NULL,
  history_length         BIGINT NOT NULL,
  history_size_bytes     BIGINT NOT NULL,
  state_transition_count BIGINT NOT NULL,
  execution_duration     BIGINT,
  task_queue             TEXT COLLATE "C" NOT NULL,
  parent_workflow_id     TEXT COLLATE "C",
  parent_run_id          TEXT COLLATE "C",
  root_workflow_id       TEXT COLLATE "C",
  root_run_id            TEXT COLLATE "C",
  namespace_division     TEXT COLLATE "C",
  memo                   BYTEA,
  memo_encoding          TEXT,
  search_attributes      TEXT   NOT NULL,
  version                BIGINT NOT NULL
);

CREATE UNIQUE INDEX executions_identity ON executions (namespace_id, run_id, workflow_id);
-- Listing indexes: equality columns, then exactly the default order, then the division. The
-- division must not sit before the sort columns: PostgreSQL does not treat `IS NULL` as making
-- a column constant, so the rows would no longer come out in the default order.
CREATE INDEX executions_default_order ON executions
  (namespace_id, close_sort DESC, start_time DESC, run_id, workflow_id, namespace_division);
CREATE INDEX executions_by_status ON executions
  (namespace_id, status, close_sort DESC, start_time DESC, run_id, workflow_id, namespace_division);
CREATE INDEX executions_by_type ON executions
  (namespace_id, workflow_type, close_sort DESC, start_time DESC, run_id, workflow_id, namespace_division);
CREATE INDEX executions_by_workflow_id ON executions
  (namespace_id, workflow_id, close_sort DESC, start_time DESC, run_id, namespace_division);
-- StartTime windows are sorted: this index also carries the sort keys, the division and the
-- row id, so the matches' keys are sorted from the index alone (see the listing renderer).
CREATE INDEX executions_by_start_time ON executions (namespace_id, start_time)
  INCLUDE (close_sort, run_id, workflow_id, namespace_division, id);
-- Counts grouped by status read this small index alone (an index-only scan): every count that
-- does not name TemporalNamespaceDivision tests `namespace_division IS NULL`.
CREATE INDEX executions_status_counts ON executions (namespace_id, status)
  WHERE namespace_division IS NULL;
-- No close_time index: CloseTime ranges are rendered on close_sort (equal for closed records),
-- which executions_default_order bounds and orders.

-- Custom search attribute registrations; identity ids are never reused.
CREATE TABLE search_attributes (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace_id TEXT COLLATE "C" NOT NULL,
  name         TEXT COLLATE "C" NOT NULL,
  type         TEXT NOT NULL,
  UNIQUE (namespace_id, name)
);

-- Each row also carries its record's default-order sort key (close_sort, start_time, run_id,
-- workflow_id, copied on every write), so a listing filtered on one string value reads the
-- matches from sa_string_by_value already in the default order: no sort, however many records
-- of the namespace match.
CREATE TABLE sa_string (
  execution_id BIGINT NOT NULL,
  namespace_id TEXT COLLATE "C" NOT NULL,
  attr_id      BIGINT NOT NULL,
  value        TEXT COLLATE "C" NOT NULL,
  close_sort   BIGINT NOT NULL,
  start_time   BIGINT NOT NULL,
  run_id       TEXT COLLATE "C" NOT NULL,
  workflow_id  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (execution_id, attr_id, value)
);
-- Led by the attribute id: it is unique across namespaces and the only key filters give.
CREATE INDEX sa_string_by_value ON sa_string
  (attr_id, value, close_sort DESC, start_time DESC, run_id, workflow_id, execution_id);

CREATE TABLE sa_int (
  execution_id BIGINT NOT NULL,
  namespace_id TEXT COLLATE "C" NOT NULL,
  attr_id      BIGINT NOT NULL,
  value        BIGINT NOT NULL,
  PRIMARY KEY (execution_id, attr_id)
);
CREATE INDEX sa_int_by_value ON sa_int (attr_id, value, execution_id);

CREATE TABLE sa_double (
  execution_id BIGINT NOT NULL,
  namespace_id TEXT COLLATE "C" NOT NULL,
  attr_id      BIGINT NOT NULL,
  value        DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (execution_id, attr_id)
);
CREATE INDEX sa_double_by_value ON sa_double (attr_id, value, execution_id);

CREATE TABLE tombstones (
  namespace_id TEXT COLLATE "C" NOT NULL,
  run_id       TEXT COLLATE "C" NOT NULL,
  workflow_id  TEXT COLLATE "C" NOT NULL,
  version      BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, run_id, workflow_id)
);
CREATE INDEX tombstones_by_expiry ON tombstones (expires_at);
