-- Triggers whose functions live in functions/ and that no numbered migration could create on
-- an upgraded database (the numbered migrations run before functions/ is applied). Applied
-- after functions/ on every start, like them (storage/migrate.ts); CREATE OR REPLACE, so
-- applying it again changes nothing. Older triggers stay in the numbered migrations that
-- made them.

-- The shape of a grant (functions/06-oauth-tokens.sql), which was the CHECK constraint
-- grants_agent_or_client_own until 027.
CREATE OR REPLACE TRIGGER grants_agent_or_client_own
  BEFORE INSERT OR UPDATE OF agent_ref, agent_owner_id, code_hash, model ON grants
  FOR EACH ROW EXECUTE FUNCTION grants_agent_or_client_own();

-- The lockout subject key of each agent, client and API (functions/02-principals.sql,
-- 028_principal_subject_keys.sql). Then the rows stored before there was a key: setting it
-- fires the trigger, which writes the derived key (the one place that maps table to kind).
CREATE OR REPLACE TRIGGER agents_subject_key
  BEFORE INSERT OR UPDATE OF agent_id, subject_key ON agents
  FOR EACH ROW EXECUTE FUNCTION auth_store_subject_key();
CREATE OR REPLACE TRIGGER clients_subject_key
  BEFORE INSERT OR UPDATE OF client_id, subject_key ON clients
  FOR EACH ROW EXECUTE FUNCTION auth_store_subject_key();
CREATE OR REPLACE TRIGGER resource_servers_subject_key
  BEFORE INSERT OR UPDATE OF api_id, subject_key ON resource_servers
  FOR EACH ROW EXECUTE FUNCTION auth_store_subject_key();
UPDATE agents SET subject_key = NULL WHERE subject_key IS NULL;
UPDATE clients SET subject_key = NULL WHERE subject_key IS NULL;
UPDATE resource_servers SET subject_key = NULL WHERE subject_key IS NULL;
