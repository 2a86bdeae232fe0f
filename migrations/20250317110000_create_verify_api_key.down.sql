-- Drops verify_api_key().

DROP FUNCTION verify_api_key(text, bytea);
