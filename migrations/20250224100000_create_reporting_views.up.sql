-- Creates reporting views: one row per run with its agent and step totals,
-- and daily spend per tenant built on top of it.

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
