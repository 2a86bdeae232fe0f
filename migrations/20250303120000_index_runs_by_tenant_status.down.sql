-- no-transaction
-- Drops the runs dashboard index without blocking writes.
DROP INDEX CONCURRENTLY IF EXISTS runs_tenant_status_created_at_idx;
