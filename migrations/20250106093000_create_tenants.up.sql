-- Creates tenants, the root of every tenant-scoped table, and the shared
-- trigger function that keeps updated_at columns current.

CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS 'Row trigger: sets updated_at to the transaction time on every UPDATE.';

CREATE TABLE tenants (
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    slug       text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_pkey PRIMARY KEY (id),
    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    CONSTRAINT tenants_name_not_blank CHECK (btrim(name) <> '')
);

COMMENT ON TABLE tenants IS 'Customer organisations; every other tenant-scoped row points here.';
COMMENT ON COLUMN tenants.slug IS 'URL-safe identifier, unique across the control plane.';

CREATE TRIGGER tenants_set_updated_at
    BEFORE UPDATE ON tenants
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
