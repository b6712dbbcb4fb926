-- grants_agent_or_client_own (013) becomes a trigger on INSERT and on an UPDATE of the columns
-- it concerns (triggers.sql, functions/06-oauth-tokens.sql): as a CHECK, PostgreSQL re-read and
-- re-planned it for every UPDATE of a grant, one per refresh (bench/ANALYSIS.md, "Seventh
-- round"). What it refuses, and the error's SQLSTATE and constraint name, are the same.
ALTER TABLE grants DROP CONSTRAINT IF EXISTS grants_agent_or_client_own;
