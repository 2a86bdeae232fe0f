-- Creates agents and their immutable, numbered versions.

CREATE TABLE agents (
    id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id    uuid        NOT NULL,
    slug         text        NOT NULL,
    display_name text        NOT NULL,
    description  text,
    archived_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agents_pkey PRIMARY KEY (id),
    CONSTRAINT agents_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT agents_tenant_id_slug_key UNIQUE (tenant_id, slug)
);

COMMENT ON TABLE agents IS 'Named agents of a tenant; behaviour lives in agent_versions.';

-- Case-insensitive search by name within a tenant.
CREATE INDEX agents_tenant_lower_display_name_idx ON agents (tenant_id, lower(display_name));

CREATE TRIGGER agents_set_updated_at
    BEFORE UPDATE ON agents
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE agent_versions (
    id            uuid        NOT NULL DEFAULT gen_random_uuid(),
    agent_id      uuid        NOT NULL,
    version       integer     NOT NULL,
    model         text        NOT NULL,
    system_prompt text        NOT NULL DEFAULT '',
    config        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agent_versions_pkey PRIMARY KEY (id),
    CONSTRAINT agent_versions_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE CASCADE,
    CONSTRAINT agent_versions_agent_id_version_key UNIQUE (agent_id, version),
    CONSTRAINT agent_versions_version_positive CHECK (version > 0),
    CONSTRAINT agent_versions_config_is_object CHECK (jsonb_typeof(config) = 'object')
);

COMMENT ON TABLE agent_versions IS 'Immutable snapshots of an agent''s model, prompt and configuration.';
