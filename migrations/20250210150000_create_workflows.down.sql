-- Unlinks runs from workflows and drops workflows.

DROP INDEX runs_workflow_id_idx;
ALTER TABLE runs DROP CONSTRAINT runs_workflow_id_fkey;
ALTER TABLE runs DROP COLUMN workflow_id;

DROP TABLE workflows;
