-- Version 1.2: string side rows carry their record's default-order sort key, so a listing
-- filtered on one Keyword value (or KeywordList element, or Text word) reads its matches from
-- sa_string_in_order in the default order instead of sorting them. value_head (the first 255
-- characters) stands in for value in that index: a prefix key part would end the ordering.
--
-- Writers of earlier versions do not fill these columns, hence a minimum compatible version of
-- 1.2. One column per statement: DDL commits on its own, and the schema tool skips a column
-- that an interrupted earlier run already added. The temporary defaults let the columns be
-- added to a table that has rows.
ALTER TABLE sa_string ADD COLUMN close_sort BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sa_string ADD COLUMN start_time BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sa_string ADD COLUMN
  run_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL DEFAULT '';
ALTER TABLE sa_string ADD COLUMN
  workflow_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} NOT NULL DEFAULT '';
ALTER TABLE sa_string ADD COLUMN
  value_head VARCHAR(255) CHARACTER SET utf8mb4 COLLATE {{KEYWORD_COLLATION}} AS (LEFT(value, 255)) STORED;
UPDATE sa_string s JOIN executions e ON e.id = s.execution_id
  SET s.close_sort = e.close_sort, s.start_time = e.start_time,
      s.run_id = e.run_id, s.workflow_id = e.workflow_id;
ALTER TABLE sa_string
  ALTER COLUMN close_sort DROP DEFAULT,
  ALTER COLUMN start_time DROP DEFAULT,
  ALTER COLUMN run_id DROP DEFAULT,
  ALTER COLUMN workflow_id DROP DEFAULT;
CREATE INDEX sa_string_in_order ON sa_string
  (attr_id, value_head, close_sort DESC, start_time DESC, run_id, workflow_id);
