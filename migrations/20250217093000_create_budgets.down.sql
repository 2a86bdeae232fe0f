-- Drops run costs and budgets.

ALTER TABLE runs DROP CONSTRAINT runs_cost_non_negative;
ALTER TABLE runs DROP COLUMN cost_cents;

DROP TABLE budgets;
