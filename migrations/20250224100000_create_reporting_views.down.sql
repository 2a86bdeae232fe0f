-- Drops the reporting views.

DROP VIEW tenant_daily_spend;
DROP VIEW run_summaries;
