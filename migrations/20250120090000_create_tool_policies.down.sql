-- Drops tool policies and the policy_effect type.

DROP TABLE tool_policies;
DROP TYPE policy_effect;
