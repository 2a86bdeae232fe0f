-- Creates API keys: only a SHA-256 hash of the secret is stored, next to a
-- short public prefix used to find the key.

CREATE TABLE api_keys (
    id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id    uuid        NOT NULL,
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    key_hash     bytea       NOT NULL,
    scopes       text[]      NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT api_keys_prefix_format CHECK (prefix ~ '^ak_[A-Za-z0-9]{8}$'),
    CONSTRAINT api_keys_key_hash_length CHECK (octet_length(key_hash) = 32)
);

COMMENT ON TABLE api_keys IS 'Tenant API keys; the secret itself is never stored.';
COMMENT ON COLUMN api_keys.prefix IS 'Public part of the key (ak_ plus 8 characters), shown in listings and used for lookup.';
COMMENT ON COLUMN api_keys.key_hash IS 'SHA-256 of the full secret.';

CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (prefix);

-- Listing a tenant's usable keys is the hot path; revoked keys are rarely read.
CREATE INDEX api_keys_tenant_active_idx ON api_keys (tenant_id) WHERE revoked_at IS NULL;
