-- Version 1.2: indexes matching the statements PostgreSQL is given.
--
-- Listing indexes: the columns after the equality prefix are exactly the default order
-- (close_sort DESC, start_time DESC, run_id, workflow_id). PostgreSQL derives "this column is
-- constant" only from `=`, never from `IS NULL`, so with namespace_division between the
-- equality columns and the sort columns (versions 1.0 and 1.1) every listing needed a separate
-- sort. The division now comes last, where `IS NULL` (or `= 'x'`) is still checked inside the
-- index.
DROP INDEX executions_default_order;
CREATE INDEX executions_default_order ON executions
  (namespace_id, close_sort DESC, start_time DESC, run_id, workflow_id, namespace_division);
DROP INDEX executions_by_status;
CREATE INDEX executions_by_status ON executions
  (namespace_id, status, close_sort DESC, start_time DESC, run_id, workflow_id, namespace_division);
DROP INDEX executions_by_type;
CREATE INDEX executions_by_type ON executions
  (namespace_id, workflow_type, close_sort DESC, start_time DESC, run_id, workflow_id, namespace_division);
DROP INDEX executions_by_workflow_id;
CREATE INDEX executions_by_workflow_id ON executions
  (namespace_id, workflow_id, close_sort DESC, start_time DESC, run_id, namespace_division);

-- CloseTime ranges are rendered on close_sort, which the default-order index bounds and
-- orders; an index on close_time alone would only cost writes.
DROP INDEX executions_by_close_time;

-- Value lookups: filters address side rows by attribute storage id, which is unique across
-- namespaces and never constrained together with namespace_id, so a leading namespace_id made
-- these indexes unusable for them.
DROP INDEX sa_string_by_value;
CREATE INDEX sa_string_by_value ON sa_string (attr_id, value, execution_id);
DROP INDEX sa_int_by_value;
CREATE INDEX sa_int_by_value ON sa_int (attr_id, value, execution_id);
DROP INDEX sa_double_by_value;
CREATE INDEX sa_double_by_value ON sa_double (attr_id, value, execution_id);
