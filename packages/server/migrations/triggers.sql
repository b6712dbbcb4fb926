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
