-- Version 1.1: indexes for listings by workflow id and for start/close time ranges.
-- MySQL 8 has no CREATE INDEX IF NOT EXISTS; the schema tool treats "duplicate key name" as
-- already applied, so re-running this step is harmless.
CREATE INDEX executions_by_workflow_id ON executions
  (namespace_id, workflow_id, close_sort DESC, start_time DESC, run_id);
CREATE INDEX executions_by_start_time ON executions (namespace_id, start_time);
CREATE INDEX executions_by_close_time ON executions (namespace_id, close_time);
