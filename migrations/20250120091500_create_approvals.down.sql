-- Drops approvals and the approval_state type.

DROP TABLE approvals;
DROP TYPE approval_state;
