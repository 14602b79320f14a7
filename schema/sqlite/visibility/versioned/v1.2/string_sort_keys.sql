-- Version 1.2: string side rows carry their record's default-order sort key, so a listing
-- filtered on one Keyword value (or KeywordList element, or Text word) reads its matches from
-- sa_string_by_value in the default order instead of sorting them.
--
-- Writers of earlier versions do not fill these columns, hence a minimum compatible version of
-- 1.2. The defaults exist only so that the columns can be added to a table that has rows.
ALTER TABLE sa_string ADD COLUMN close_sort INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sa_string ADD COLUMN start_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sa_string ADD COLUMN run_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sa_string ADD COLUMN workflow_id TEXT NOT NULL DEFAULT '';
UPDATE sa_string SET (close_sort, start_time, run_id, workflow_id) = (
  SELECT e.close_sort, e.start_time, e.run_id, e.workflow_id
  FROM executions e WHERE e.id = sa_string.execution_id);
DROP INDEX sa_string_by_value;
CREATE INDEX sa_string_by_value ON sa_string
  (attr_id, value, close_sort DESC, start_time DESC, run_id, workflow_id, execution_id);

-- StartTime windows are sorted: the start-time index now also holds the sort keys and the
-- division, so the matches' keys are sorted without reading their rows.
DROP INDEX executions_by_start_time;
CREATE INDEX executions_by_start_time ON executions
  (namespace_id, start_time, close_sort, run_id, workflow_id, namespace_division);
