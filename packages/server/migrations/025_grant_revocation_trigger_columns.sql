-- grants_revocation_is_final (functions/07-console.sql) refuses to change a revoked_at that
-- is set, so it has nothing to check in an UPDATE that does not set revoked_at; it now fires
-- only for those that do. Every refresh updates grants.last_used_at and paid a plpgsql
-- trigger call for nothing (bench/ANALYSIS.md, "Seventh round"). What it refuses is the same.
DROP TRIGGER grants_revocation_is_final ON grants;
CREATE TRIGGER grants_revocation_is_final BEFORE UPDATE OF revoked_at ON grants
  FOR EACH ROW EXECUTE FUNCTION grants_revocation_is_final();
