-- Drops run steps and the step_kind type.

DROP TABLE run_steps;
DROP TYPE step_kind;
