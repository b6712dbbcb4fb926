-- The roles the schema needs, applied before anything else on every start and by
-- `auth-agent migrate`, so a dump restored into a new cluster finds them again.
-- Roles are cluster-wide: several databases on one server share this one, and creating it
-- must tolerate a concurrent migration of another database.
DO $$
BEGIN
  CREATE ROLE auth_agent_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;
