-- Visibility schema for MySQL 8.0.21+ and MariaDB 10.11+, version 1.2 (full schema for fresh
-- installs).
--
-- {{KEYWORD_COLLATION}} is replaced, for the server the schema is applied to, by its binary
-- NO PAD utf8mb4 collation (MySQL 8: utf8mb4_0900_bin, MariaDB: utf8mb4_nopad_bin): strings
-- compare and sort by code point, case-sensitively, and 'a' <> 'a '. Every table and every
-- string column names its character set and collation, so nothing depends on the server's or
-- the database's defaults (the test server runs with latin1).
--
-- Times are BIGINT microseconds since the Unix epoch; execution_duration is nanoseconds.
-- Search attribute values live in typed side tables keyed by the record's id and the
-- attribute's storage id, so every filter on a search attribute is an indexed lookup and
-- values of a removed attribute can never surface under a later one with the same name.
--
-- Index key lengths: InnoDB limits an index key to 3072 bytes and counts 4 bytes per utf8mb4
-- character. The identity columns are sized so that every ordering index holds them in full
-- (no prefix parts, so the index can deliver the default order without a sort):
-- namespace_id 128, run_id 128, workflow_id 255 and workflow_type 250 characters give
-- 4 * (128 + 250 + 128 + 255) + 16 = 3060 bytes for executions_by_type, the widest one.
-- Keyword values (up to 4096 characters) are indexed through a 512-character prefix; the
-- engine re-checks the full value, so equality and range filters stay exact.
--
-- The value indexes of the side tables start with attr_id, not namespace_id: a custom
-- attribute's id is unique across namespaces, and the filters address values by attribute
-- id only (EXISTS (... s.execution_id = e.id AND s.attr_id = ? AND s.value ...)), so a plan
-- that reads the matching values first can use the index.

CREATE TABLE schema_version (
  version_partition      INT          NOT NULL,
  curr_version           VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  min_compatible_version VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  creation_time          BIGINT       NOT NULL,
  PRIMARY KEY (version_partition)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};

CREATE TABLE schema_update_history (
  update_time   BIGINT        NOT NULL,
  old_version   VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  new_version   VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  manifest_hash VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  description   VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  PRIMARY KEY (update_time, new_version)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};

CREATE TABLE executions (
  id                     BIGINT        NOT NULL AUTO_INCREMENT,
  namespace_id           VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  run_id                 VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  workflow_id            VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  workflow_type          VARCHAR(250)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  start_time             BIGINT        NOT NULL,
  execution_time         BIGINT        NOT NULL,
  close_time             BIGINT        NULL,
  -- close_time, or the largest BIGINT for running executions: the default order's first key
  close_sort             BIGINT        NOT NULL,
  status                 TINYINT       NOT NULL,
  -- position of the status name in alphabetical order, for ORDER BY ExecutionStatus
  status_rank            TINYINT       NOT NULL,
  history_length         BIGINT        NOT NULL,
  history_size_bytes     BIGINT        NOT NULL,
  state_transition_count BIGINT        NOT NULL,
  execution_duration     BIGINT        NULL,
  task_queue             VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  parent_workflow_id     VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NULL,
  parent_run_id          VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NULL,
  root_workflow_id       VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NULL,
  root_run_id            VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NULL,
  namespace_division     VARCHAR(4096) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NULL,
  memo                   LONGBLOB      NULL,
  memo_encoding          VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NULL,
  -- every search attribute value as JSON text, keyed by attribute storage id (text, not the
  -- JSON type, so that both servers return the document byte for byte)
  search_attributes      LONGTEXT      CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  version                BIGINT        NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY executions_identity (namespace_id, run_id, workflow_id),
  -- The ordering indexes leave out namespace_division: every query tests it (IS NULL unless it
  -- names TemporalNamespaceDivision), and the test runs on the rows the index delivers in
  -- order, which keeps the sort-free plan on both servers.
  KEY executions_default_order
    (namespace_id, close_sort DESC, start_time DESC, run_id, workflow_id),
  KEY executions_by_status
    (namespace_id, status, close_sort DESC, start_time DESC, run_id, workflow_id),
  KEY executions_by_type
    (namespace_id, workflow_type, close_sort DESC, start_time DESC, run_id, workflow_id),
  KEY executions_by_workflow_id
    (namespace_id, workflow_id, close_sort DESC, start_time DESC, run_id),
  KEY executions_by_start_time (namespace_id, start_time),
  KEY executions_by_close_time (namespace_id, close_time)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};

-- Custom search attribute registrations. A removed attribute keeps its row with name NULL, so
-- the largest id is never deleted and AUTO_INCREMENT cannot hand an id out twice, whatever
-- the server does with the counter on restart or table rebuild.
CREATE TABLE search_attributes (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  namespace_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  name         VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NULL,
  type         VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY search_attributes_name (namespace_id, name)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};

-- Keyword values, KeywordList elements, and Text words (plus an empty-string marker row that
-- records the presence of a Text value). A value is too long for an exact key, so rows are
-- numbered per record (seq) and the value index uses a prefix.
--
-- Each row also carries its record's default-order sort key (close_sort, start_time, run_id,
-- workflow_id, copied on every write), so a listing filtered on one string value reads the
-- matches from sa_string_in_order already in the default order. A prefix key part cannot
-- deliver the columns after it in order, so that index holds value_head, the first 255
-- characters as a stored column: rows with an equal value_head come out in the default order,
-- and the re-check of the full value only drops rows.
CREATE TABLE sa_string (
  execution_id BIGINT        NOT NULL,
  attr_id      BIGINT        NOT NULL,
  seq          INT           NOT NULL,
  namespace_id VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  value        VARCHAR(4096) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  close_sort   BIGINT        NOT NULL,
  start_time   BIGINT        NOT NULL,
  run_id       VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  workflow_id  VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  value_head   VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} AS (LEFT(value, 255)) STORED,
  PRIMARY KEY (execution_id, attr_id, seq),
  KEY sa_string_by_value (attr_id, value(512), execution_id),
  KEY sa_string_in_order (attr_id, value_head, close_sort DESC, start_time DESC, run_id, workflow_id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};

-- Int, Bool (0/1) and Datetime (microseconds) values.
CREATE TABLE sa_int (
  execution_id BIGINT       NOT NULL,
  attr_id      BIGINT       NOT NULL,
  namespace_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  value        BIGINT       NOT NULL,
  PRIMARY KEY (execution_id, attr_id),
  KEY sa_int_by_value (attr_id, value, execution_id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};

-- Double values (IEEE 754 binary64, stored exactly).
CREATE TABLE sa_double (
  execution_id BIGINT       NOT NULL,
  attr_id      BIGINT       NOT NULL,
  namespace_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  value        DOUBLE       NOT NULL,
  PRIMARY KEY (execution_id, attr_id),
  KEY sa_double_by_value (attr_id, value, execution_id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};

-- Deleted records: a write with a lower version than the tombstone is ignored until expiry.
CREATE TABLE tombstones (
  namespace_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  run_id       VARCHAR(128) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  workflow_id  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL,
  version      BIGINT       NOT NULL,
  expires_at   BIGINT       NOT NULL,
  PRIMARY KEY (namespace_id, run_id, workflow_id),
  KEY tombstones_by_expiry (expires_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}};
