-- Drops API keys.

DROP TABLE api_keys;
