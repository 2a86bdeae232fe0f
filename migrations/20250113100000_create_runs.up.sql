-- Creates runs: one execution of an agent version, with its lifecycle status.

CREATE TYPE run_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

COMMENT ON TYPE run_status IS 'Lifecycle of a run; succeeded, failed and cancelled are terminal.';

CREATE TABLE runs (
    id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id        uuid        NOT NULL,
    agent_version_id uuid        NOT NULL,
    status           run_status  NOT NULL DEFAULT 'queued',
    input            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    output           jsonb,
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT runs_pkey PRIMARY KEY (id),
    CONSTRAINT runs_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT runs_agent_version_id_fkey FOREIGN KEY (agent_version_id) REFERENCES agent_versions (id) ON DELETE RESTRICT,
    CONSTRAINT runs_finished_after_started CHECK (finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at),
    CONSTRAINT runs_terminal_has_finished_at CHECK (status NOT IN ('succeeded', 'failed', 'cancelled') OR finished_at IS NOT NULL)
);

COMMENT ON TABLE runs IS 'One execution of an agent version on behalf of a tenant.';
COMMENT ON COLUMN runs.error IS 'Error message when status is failed.';

-- Schedulers poll for unfinished runs only; finished runs dominate the table.
CREATE INDEX runs_active_idx ON runs (tenant_id, created_at) WHERE status IN ('queued', 'running');

CREATE INDEX runs_agent_version_id_idx ON runs (agent_version_id);

CREATE TRIGGER runs_set_updated_at
    BEFORE UPDATE ON runs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
