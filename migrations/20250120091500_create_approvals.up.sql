-- Creates approvals: human decisions on run steps that a policy held back.

CREATE TYPE approval_state AS ENUM ('pending', 'approved', 'rejected', 'expired');

CREATE TABLE approvals (
    id           uuid           NOT NULL DEFAULT gen_random_uuid(),
    tenant_id    uuid           NOT NULL,
    run_id       uuid           NOT NULL,
    step_seq     integer        NOT NULL,
    state        approval_state NOT NULL DEFAULT 'pending',
    requested_at timestamptz    NOT NULL DEFAULT now(),
    decided_at   timestamptz,
    decided_by   text,
    reason       text,
    CONSTRAINT approvals_pkey PRIMARY KEY (id),
    CONSTRAINT approvals_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT approvals_run_step_fkey FOREIGN KEY (run_id, step_seq) REFERENCES run_steps (run_id, seq) ON DELETE CASCADE,
    CONSTRAINT approvals_decision_consistent CHECK ((state = 'pending') = (decided_at IS NULL))
);

COMMENT ON TABLE approvals IS 'Approval requests for held tool calls and their outcome.';

-- A step waits on at most one open request at a time.
CREATE UNIQUE INDEX approvals_one_pending_per_step ON approvals (run_id, step_seq) WHERE state = 'pending';

CREATE INDEX approvals_tenant_pending_idx ON approvals (tenant_id, requested_at) WHERE state = 'pending';
