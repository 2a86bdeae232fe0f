-- Drops agent versions and agents.

DROP TABLE agent_versions;
DROP TABLE agents;
