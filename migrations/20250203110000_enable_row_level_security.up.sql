-- Enables row-level security on tenant-scoped tables: a session sees only the
-- rows of the tenant named by the app.tenant_id setting, and none when it is
-- unset. Superusers and table owners bypass these policies; the application
-- connects as a role that does neither.

CREATE FUNCTION current_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE
AS $$
    SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;

COMMENT ON FUNCTION current_tenant_id() IS 'Tenant of the current session, from the app.tenant_id setting; NULL when unset.';

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = current_tenant_id());

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (tenant_id = current_tenant_id());

ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agents
    USING (tenant_id = current_tenant_id());

-- Versions carry no tenant_id; they are visible when their agent is.
ALTER TABLE agent_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_versions
    USING (EXISTS (SELECT 1 FROM agents a WHERE a.id = agent_versions.agent_id));

ALTER TABLE runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON runs
    USING (tenant_id = current_tenant_id());

ALTER TABLE run_steps ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON run_steps
    USING (EXISTS (SELECT 1 FROM runs r WHERE r.id = run_steps.run_id));

ALTER TABLE tool_policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tool_policies
    USING (tenant_id = current_tenant_id());

ALTER TABLE approvals ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON approvals
    USING (tenant_id = current_tenant_id());

-- The audit log can be read and appended to, never rewritten (see its trigger).
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation_select ON audit_log
    FOR SELECT USING (tenant_id = current_tenant_id());
CREATE POLICY tenant_isolation_insert ON audit_log
    FOR INSERT WITH CHECK (tenant_id = current_tenant_id());
