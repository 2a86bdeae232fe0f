-- Creates tool policies: per-tenant (optionally per-agent) rules deciding
-- whether an agent may call a tool, may not, or needs a human approval.

CREATE TYPE policy_effect AS ENUM ('allow', 'deny', 'require_approval');

CREATE TABLE tool_policies (
    id           uuid          NOT NULL DEFAULT gen_random_uuid(),
    tenant_id    uuid          NOT NULL,
    agent_id     uuid,
    tool_pattern text          NOT NULL,
    effect       policy_effect NOT NULL,
    priority     integer       NOT NULL DEFAULT 100,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT tool_policies_pkey PRIMARY KEY (id),
    CONSTRAINT tool_policies_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT tool_policies_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE CASCADE,
    CONSTRAINT tool_policies_priority_range CHECK (priority BETWEEN 0 AND 1000)
);

COMMENT ON TABLE tool_policies IS 'Tool-call rules; a NULL agent_id applies to every agent of the tenant.';
COMMENT ON COLUMN tool_policies.tool_pattern IS 'Tool name, or a LIKE pattern such as github.%.';

-- One rule per pattern and scope. A plain UNIQUE would let tenant-wide rules
-- (agent_id NULL) repeat, so NULL is folded to a sentinel uuid.
CREATE UNIQUE INDEX tool_policies_scope_pattern_key
    ON tool_policies (tenant_id, COALESCE(agent_id, '00000000-0000-0000-0000-000000000000'::uuid), tool_pattern);

CREATE TRIGGER tool_policies_set_updated_at
    BEFORE UPDATE ON tool_policies
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
