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

-- Hashes stay in the database: the application role may read every column but these. The
-- console tells a confidential client from a public one by `confidential`. (A column added
-- later needs its own GRANT SELECT.)
ALTER TABLE clients ADD COLUMN IF NOT EXISTS confidential boolean
  GENERATED ALWAYS AS (secret_hash IS NOT NULL) STORED;
REVOKE SELECT ON users, agents, clients FROM auth_agent_app;
GRANT SELECT (id, email, role, email_verified_at, disabled_at, created_at)
  ON users TO auth_agent_app;
GRANT SELECT (id, agent_id, owner_id, label, user_email, user_name, email_verified, disabled_at,
              created_at, updated_at)
  ON agents TO auth_agent_app;
GRANT SELECT (id, client_id, confidential, name, redirect_uris, owner_id, disabled_at,
              created_at, updated_at)
  ON clients TO auth_agent_app;

-- Functions created from now on are not executable by PUBLIC unless granted.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
