-- The console: sessions, email verification, first-run setup, and the guards that keep
-- owners (and the application role acting for them) from forging what only the server may
-- decide. Every new table follows 001_core.sql: RLS enabled and forced, policies keyed on
-- app.user_id, and anything needed before a user context exists goes through a narrow
-- SECURITY DEFINER function.

-- Console sessions. Only SHA-256 of the session id is stored (a database leak yields no
-- usable cookie). Idle timeout and absolute lifetime are enforced in app_console_session().
CREATE TABLE console_sessions (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_user_idx ON console_sessions (user_id);

-- One-time email verification links; only the hash of the token is stored.
CREATE TABLE email_verifications (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX email_verifications_user_idx ON email_verifications (user_id);

-- Addresses an owner proved they control, by clicking a link sent to exactly that address.
-- agents.email_verified is derived from this table and nothing else (trigger below).
CREATE TABLE verified_emails (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email_lower text NOT NULL CHECK (length(email_lower) BETWEEN 3 AND 320),
  verified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, email_lower)
);

-- First-run setup links. No policy: the application role reaches them only through the
-- functions below, and only while no user exists.
CREATE TABLE setup_tokens (
  token_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

ALTER TABLE console_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE email_verifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_verifications FORCE ROW LEVEL SECURITY;
ALTER TABLE verified_emails ENABLE ROW LEVEL SECURITY;
ALTER TABLE verified_emails FORCE ROW LEVEL SECURITY;
ALTER TABLE setup_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE setup_tokens FORCE ROW LEVEL SECURITY;

CREATE POLICY console_sessions_self_or_admin ON console_sessions
  USING (user_id = app_current_user_id() OR app_is_admin())
  WITH CHECK (user_id = app_current_user_id());
CREATE POLICY email_verifications_self ON email_verifications
  USING (user_id = app_current_user_id())
  WITH CHECK (user_id = app_current_user_id());
-- Read-only for the owner: rows are written only by app_confirm_email().
CREATE POLICY verified_emails_self_or_admin ON verified_emails FOR SELECT
  USING (user_id = app_current_user_id() OR app_is_admin());

GRANT SELECT, INSERT, DELETE ON console_sessions TO auth_agent_app;
GRANT SELECT, INSERT, DELETE ON email_verifications TO auth_agent_app;
GRANT SELECT ON verified_emails TO auth_agent_app;

-- Column privileges: the console may change a password, and (admins, checked by the trigger)
-- a role or the disabled flag. Email verification is set only by app_confirm_email().
REVOKE UPDATE ON users FROM auth_agent_app;
GRANT UPDATE (password_hash, role, disabled_at) ON users TO auth_agent_app;
-- Grants: the console may only revoke. A revocation is final (trigger below).
REVOKE UPDATE ON grants FROM auth_agent_app;
GRANT UPDATE (revoked_at, revoke_reason) ON grants TO auth_agent_app;
-- Clients and agents: the identity, owner linkage and creation time are not editable.
REVOKE UPDATE ON agents FROM auth_agent_app;
GRANT UPDATE (secret_hash, secret_version, label, user_email, user_name, disabled_at, updated_at)
  ON agents TO auth_agent_app;
REVOKE UPDATE ON clients FROM auth_agent_app;
GRANT UPDATE (secret_hash, secret_version, name, redirect_uris, disabled_at, updated_at)
  ON clients TO auth_agent_app;

-- For the application role: only an admin may change a role or disable an account, and
-- nobody may change their own role. (Operators working as the schema owner are not limited.)
CREATE TRIGGER users_guard BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_guard();

-- email_verified is never taken from the caller: it is true exactly when the owner verified
-- this address in the console. Changing user_email to another address clears it.
CREATE TRIGGER agents_derive_email_verified BEFORE INSERT OR UPDATE ON agents
  FOR EACH ROW EXECUTE FUNCTION agents_derive_email_verified();

-- A revoked grant stays revoked: no owner can bring a stolen refresh-token family back.
CREATE TRIGGER grants_revocation_is_final BEFORE UPDATE ON grants
  FOR EACH ROW EXECUTE FUNCTION grants_revocation_is_final();

-- The console's functions (sessions, email confirmation, setup links) are in
-- functions/07-console.sql.
