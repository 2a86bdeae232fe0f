-- Creates the audit log: append-only, range-partitioned by year on
-- occurred_at, with a default partition catching anything outside the
-- prepared years. A trigger rejects UPDATE, DELETE and TRUNCATE.

CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id   uuid        NOT NULL,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    target_type text,
    target_id   text,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_pkey PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- No foreign key to tenants on purpose: the trail must outlive a deleted
-- tenant, and a cascading delete would be refused by the trigger below.
COMMENT ON TABLE audit_log IS 'Append-only record of who did what; rows are never updated or deleted.';
COMMENT ON COLUMN audit_log.actor IS 'Who acted: a user id, api_key:<prefix> or system.';

CREATE TABLE audit_log_2025 PARTITION OF audit_log
    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE audit_log_2026 PARTITION OF audit_log
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

CREATE INDEX audit_log_tenant_occurred_at_idx ON audit_log (tenant_id, occurred_at DESC);

CREATE FUNCTION audit_log_reject_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

COMMENT ON FUNCTION audit_log_reject_change() IS 'Trigger function: refuses any change to audit_log rows.';

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change();
