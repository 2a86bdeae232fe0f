-- Removes the paused run status. PostgreSQL cannot drop an enum value, so
-- run_status is rebuilt without it; everything whose definition names a
-- run_status value (the column default, a CHECK constraint, a partial index,
-- the reporting views) is dropped and recreated exactly as before.

UPDATE runs SET status = 'running' WHERE status = 'paused';

DROP VIEW tenant_daily_spend;
DROP VIEW run_summaries;
DROP INDEX runs_active_idx;
ALTER TABLE runs DROP CONSTRAINT runs_terminal_has_finished_at;
ALTER TABLE runs ALTER COLUMN status DROP DEFAULT;

ALTER TYPE run_status RENAME TO run_status_old;
CREATE TYPE run_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');
COMMENT ON TYPE run_status IS 'Lifecycle of a run; succeeded, failed and cancelled are terminal.';

-- Rebuilds runs_tenant_status_created_at_idx along the way.
ALTER TABLE runs ALTER COLUMN status TYPE run_status USING status::text::run_status;
DROP TYPE run_status_old;

ALTER TABLE runs ALTER COLUMN status SET DEFAULT 'queued';
ALTER TABLE runs ADD CONSTRAINT runs_terminal_has_finished_at
    CHECK (status NOT IN ('succeeded', 'failed', 'cancelled') OR finished_at IS NOT NULL);
CREATE INDEX runs_active_idx ON runs (tenant_id, created_at) WHERE status IN ('queued', 'running');

CREATE VIEW run_summaries AS
SELECT r.id AS run_id,
       r.tenant_id,
       a.slug AS agent_slug,
       av.version AS agent_version,
       r.status,
       r.cost_cents,
       r.created_at,
       r.finished_at - r.started_at AS duration,
       COALESCE(s.step_count, 0) AS step_count,
       COALESCE(s.tokens, 0) AS tokens
  FROM runs r
  JOIN agent_versions av ON av.id = r.agent_version_id
  JOIN agents a ON a.id = av.agent_id
  LEFT JOIN (SELECT run_id, count(*) AS step_count, sum(tokens_in + tokens_out) AS tokens
               FROM run_steps
              GROUP BY run_id) s ON s.run_id = r.id;

COMMENT ON VIEW run_summaries IS 'One row per run with agent, duration, step count and token total.';

CREATE VIEW tenant_daily_spend AS
SELECT tenant_id,
       (created_at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS runs,
       sum(cost_cents) AS cost_cents
  FROM run_summaries
 GROUP BY tenant_id, (created_at AT TIME ZONE 'UTC')::date;

COMMENT ON VIEW tenant_daily_spend IS 'Run count and cost per tenant and UTC day.';
