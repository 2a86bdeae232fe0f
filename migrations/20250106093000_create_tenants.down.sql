-- Drops tenants and the shared updated_at trigger function.

DROP TABLE tenants;
DROP FUNCTION set_updated_at();
