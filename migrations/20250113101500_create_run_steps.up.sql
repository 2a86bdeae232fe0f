-- Creates run steps: the ordered model calls, tool calls and approval waits of a run.

CREATE TYPE step_kind AS ENUM ('model_call', 'tool_call', 'approval_wait');

CREATE TABLE run_steps (
    run_id      uuid        NOT NULL,
    seq         integer     NOT NULL,
    kind        step_kind   NOT NULL,
    tool_name   text,
    input       jsonb,
    output      jsonb,
    tokens_in   integer     NOT NULL DEFAULT 0,
    tokens_out  integer     NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT run_steps_pkey PRIMARY KEY (run_id, seq),
    CONSTRAINT run_steps_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE,
    CONSTRAINT run_steps_seq_positive CHECK (seq >= 1),
    CONSTRAINT run_steps_tool_call_has_tool CHECK (kind <> 'tool_call' OR tool_name IS NOT NULL),
    CONSTRAINT run_steps_tokens_non_negative CHECK (tokens_in >= 0 AND tokens_out >= 0)
);

COMMENT ON TABLE run_steps IS 'Ordered steps of a run; seq starts at 1 within each run.';

-- Usage reports group tool calls by tool.
CREATE INDEX run_steps_tool_name_idx ON run_steps (tool_name) WHERE kind = 'tool_call';
