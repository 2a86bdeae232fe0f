-- Adds the paused run status, used while a run waits on an approval.

ALTER TYPE run_status ADD VALUE 'paused' AFTER 'running';
