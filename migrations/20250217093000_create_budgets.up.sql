-- Creates spending budgets per tenant and records the cost of each run.

CREATE TABLE budgets (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    tenant_id       uuid         NOT NULL,
    period          text         NOT NULL,
    limit_cents     bigint       NOT NULL,
    alert_threshold numeric(3,2) NOT NULL DEFAULT 0.80,
    hard_stop       boolean      NOT NULL DEFAULT false,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT budgets_pkey PRIMARY KEY (id),
    CONSTRAINT budgets_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT budgets_tenant_id_period_key UNIQUE (tenant_id, period),
    CONSTRAINT budgets_period_valid CHECK (period IN ('day', 'month')),
    CONSTRAINT budgets_limit_positive CHECK (limit_cents > 0),
    CONSTRAINT budgets_alert_threshold_range CHECK (alert_threshold > 0 AND alert_threshold <= 1)
);

COMMENT ON TABLE budgets IS 'Spending limits per tenant and period, in US cents.';
COMMENT ON COLUMN budgets.hard_stop IS 'When true, new runs are refused once the limit is reached.';

CREATE TRIGGER budgets_set_updated_at
    BEFORE UPDATE ON budgets
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE budgets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON budgets
    USING (tenant_id = current_tenant_id());

ALTER TABLE runs ADD COLUMN cost_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE runs ADD CONSTRAINT runs_cost_non_negative CHECK (cost_cents >= 0);
