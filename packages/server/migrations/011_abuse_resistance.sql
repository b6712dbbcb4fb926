-- Abuse resistance (docs/security.md).
--
-- 1. A lock of a whole identity is told apart from a lock of one source, so the server can
--    raise an alert for it: auth_attempt_failed's result changed.
-- 2. Defence in depth below row-level security: the identity the policies trust is a
--    console session the database verifies (app_current_user_id, functions/01-rls.sql), and
--    the application role can neither read secret hashes nor call what only the operator
--    may do (grants at the end of each functions/*.sql file).

-- Functions whose signature or result changed (new definitions in functions/*.sql).
DROP FUNCTION IF EXISTS auth_attempt_failed(text, text, text, integer[]);
DROP FUNCTION IF EXISTS app_register_user(text, text, text);
DROP FUNCTION IF EXISTS app_complete_setup(text, text, text);

-- Each policy asks for the identity once per statement (an InitPlan), not once per row:
-- app_current_user_id() now looks the session up.
ALTER POLICY users_self_or_admin ON users
  USING (id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()))
  WITH CHECK (id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()));
ALTER POLICY agents_owner_or_admin ON agents
  USING (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()))
  WITH CHECK (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()));
ALTER POLICY clients_owner_or_admin ON clients
  USING (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()))
  WITH CHECK (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()));
ALTER POLICY grants_party_or_admin ON grants
  USING (agent_owner_id = (SELECT app_current_user_id())
         OR client_owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()))
  WITH CHECK (agent_owner_id = (SELECT app_current_user_id())
              OR client_owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()));
ALTER POLICY console_sessions_self_or_admin ON console_sessions
  USING (user_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()))
  WITH CHECK (user_id = (SELECT app_current_user_id()));
ALTER POLICY email_verifications_self ON email_verifications
  USING (user_id = (SELECT app_current_user_id()))
  WITH CHECK (user_id = (SELECT app_current_user_id()));
ALTER POLICY verified_emails_self_or_admin ON verified_emails
  USING (user_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()));
ALTER POLICY security_events_owner_or_admin ON security_events
  USING ((SELECT app_current_user_id()) = ANY (owner_ids) OR (SELECT app_is_admin()));

-- Hashes stay in the database: the application role may read every column of users, agents
-- and clients but the hashes (password_hash, secret_hash, and registration_token_hash where
-- 013_self_registered_clients.sql has added it). The console tells a confidential client from
-- a public one by `confidential`. A migration that adds a column to these tables grants
-- SELECT on it (test/sql-privileges.test.ts checks every column).
ALTER TABLE clients ADD COLUMN IF NOT EXISTS confidential boolean
  GENERATED ALWAYS AS (secret_hash IS NOT NULL) STORED;
REVOKE SELECT ON users, agents, clients FROM auth_agent_app;
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name IN ('users', 'agents', 'clients')
      AND column_name NOT IN ('password_hash', 'secret_hash', 'registration_token_hash')
  LOOP
    EXECUTE format('GRANT SELECT (%I) ON %I TO auth_agent_app', c.column_name, c.table_name);
  END LOOP;
END
$$;

-- Functions created from now on are not executable by PUBLIC unless granted.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
