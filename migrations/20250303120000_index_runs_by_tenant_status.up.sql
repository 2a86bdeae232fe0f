-- no-transaction
-- Adds the index behind the runs dashboard (filter by tenant and status,
-- newest first). Built concurrently because runs takes writes all the time.
CREATE INDEX CONCURRENTLY runs_tenant_status_created_at_idx ON runs (tenant_id, status, created_at DESC);
