-- Drops runs and the run_status type.

DROP TABLE runs;
DROP TYPE run_status;
