-- Creates workflows (versioned multi-agent graphs) and links runs to the
-- workflow that started them.

CREATE TABLE workflows (
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id  uuid        NOT NULL,
    name       text        NOT NULL,
    definition jsonb       NOT NULL,
    version    integer     NOT NULL DEFAULT 1,
    is_active  boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT workflows_pkey PRIMARY KEY (id),
    CONSTRAINT workflows_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT workflows_tenant_id_name_key UNIQUE (tenant_id, name),
    CONSTRAINT workflows_version_positive CHECK (version > 0),
    CONSTRAINT workflows_definition_has_steps CHECK (jsonb_typeof(definition -> 'steps') = 'array')
);

COMMENT ON TABLE workflows IS 'Multi-step workflows; definition holds a JSON object with a steps array.';

CREATE TRIGGER workflows_set_updated_at
    BEFORE UPDATE ON workflows
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE workflows ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workflows
    USING (tenant_id = current_tenant_id());

ALTER TABLE runs ADD COLUMN workflow_id uuid;
ALTER TABLE runs ADD CONSTRAINT runs_workflow_id_fkey
    FOREIGN KEY (workflow_id) REFERENCES workflows (id) ON DELETE SET NULL;

COMMENT ON COLUMN runs.workflow_id IS 'Workflow that started this run; NULL for direct runs.';

CREATE INDEX runs_workflow_id_idx ON runs (workflow_id) WHERE workflow_id IS NOT NULL;
