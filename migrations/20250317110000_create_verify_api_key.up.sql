-- Adds verify_api_key(), which resolves a presented key (its prefix and the
-- SHA-256 of its secret, computed by the caller) to a tenant before any tenant
-- is known. It runs as its owner to see past row-level security, so EXECUTE is
-- taken away from PUBLIC; the deployment grants it to the API role.

CREATE FUNCTION verify_api_key(p_prefix text, p_key_hash bytea) RETURNS uuid
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
AS $$
DECLARE
    v_tenant_id uuid;
BEGIN
    UPDATE api_keys
       SET last_used_at = now()
     WHERE prefix = p_prefix
       AND key_hash = p_key_hash
       AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > now())
    RETURNING tenant_id INTO v_tenant_id;
    RETURN v_tenant_id;
END;
$$;

COMMENT ON FUNCTION verify_api_key(text, bytea) IS 'Tenant of a valid, unrevoked, unexpired API key; NULL otherwise. Touches last_used_at.';

REVOKE ALL ON FUNCTION verify_api_key(text, bytea) FROM PUBLIC;
