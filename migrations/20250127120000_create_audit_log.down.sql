-- Drops the audit log, its partitions and its guard function.

DROP TABLE audit_log;
DROP FUNCTION audit_log_reject_change();
