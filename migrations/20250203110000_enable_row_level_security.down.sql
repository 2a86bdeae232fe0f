-- Disables row-level security and drops the tenant isolation policies.

DROP POLICY tenant_isolation_insert ON audit_log;
DROP POLICY tenant_isolation_select ON audit_log;
ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON approvals;
ALTER TABLE approvals DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON tool_policies;
ALTER TABLE tool_policies DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON run_steps;
ALTER TABLE run_steps DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON runs;
ALTER TABLE runs DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON agent_versions;
ALTER TABLE agent_versions DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON agents;
ALTER TABLE agents DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON api_keys;
ALTER TABLE api_keys DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON tenants;
ALTER TABLE tenants DISABLE ROW LEVEL SECURITY;

DROP FUNCTION current_tenant_id();
