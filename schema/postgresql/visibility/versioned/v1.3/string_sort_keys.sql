-- Version 1.3: string side rows carry their record's default-order sort key, so a listing
-- filtered on one Keyword value (or KeywordList element, or Text word) reads its matches from
-- sa_string_by_value in the default order instead of joining and sorting them.
--
-- Writers of earlier versions do not fill these columns, hence a minimum compatible version of
-- 1.3. The temporary defaults let the columns be added to a table that has rows.
ALTER TABLE sa_string
  ADD COLUMN close_sort BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN start_time BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN workflow_id TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE sa_string s
  SET close_sort = e.close_sort, start_time = e.start_time,
      run_id = e.run_id, workflow_id = e.workflow_id
  FROM executions e WHERE e.id = s.execution_id;
ALTER TABLE sa_string
  ALTER COLUMN close_sort DROP DEFAULT,
  ALTER COLUMN start_time DROP DEFAULT,
  ALTER COLUMN run_id DROP DEFAULT,
  ALTER COLUMN workflow_id DROP DEFAULT;
DROP INDEX sa_string_by_value;
CREATE INDEX sa_string_by_value ON sa_string
  (attr_id, value, close_sort DESC, start_time DESC, run_id, workflow_id, execution_id);

-- Counts grouped by status read this small index alone (an index-only scan): every count that
-- does not name TemporalNamespaceDivision tests `namespace_division IS NULL`.
CREATE INDEX executions_status_counts ON executions (namespace_id, status)
  WHERE namespace_division IS NULL;

-- StartTime windows are sorted: the start-time index now also carries the sort keys, the
-- division and the row id, so the matches' keys are sorted from the index alone.
DROP INDEX executions_by_start_time;
CREATE INDEX executions_by_start_time ON executions (namespace_id, start_time)
  INCLUDE (close_sort, run_id, workflow_id, namespace_division, id);
