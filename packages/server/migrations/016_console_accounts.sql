-- Console accounts (docs/console.md): password reset by mail, a second factor (TOTP,
-- RFC 6238) with recovery codes, and admins managing other users. Every table here is
-- reached only through the SECURITY DEFINER functions of functions/15-accounts.sql: RLS is
-- enabled and forced with no policy, and the application role has no grant on them.

-- One-time password reset links; only the SHA-256 of the token is stored.
CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id, created_at);

-- A console user's TOTP secret, sealed by the server (AES-256-GCM under KEY_ENCRYPTION_KEY,
-- crypto/sealed-box.ts) so that a dump alone yields no second factor. confirmed_at is NULL
-- while the user has not yet proved their authenticator holds it. last_step: the highest
-- time step a code was accepted for; a code of that step or earlier is a replay.
CREATE TABLE console_totp (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  sealed_secret text NOT NULL,
  confirmed_at timestamptz,
  last_step bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Single-use recovery codes (SHA-256 only), replaced as a set at each enrolment.
CREATE TABLE console_recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- A log-in whose password held, waiting for the second factor: the browser holds the raw
-- id (a cookie), the table its SHA-256. It is no session: app_current_user_id() and
-- app_console_session() never read it.
CREATE TABLE console_login_challenges (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX console_login_challenges_user_idx ON console_login_challenges (user_id);

ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
ALTER TABLE console_totp ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_totp FORCE ROW LEVEL SECURITY;
ALTER TABLE console_recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_recovery_codes FORCE ROW LEVEL SECURITY;
ALTER TABLE console_login_challenges ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_login_challenges FORCE ROW LEVEL SECURITY;
REVOKE ALL ON password_resets, console_totp, console_recovery_codes, console_login_challenges
  FROM PUBLIC, auth_agent_app;

-- Roles change and accounts are deleted only through app_admin_set_role and
-- app_admin_delete_user (functions/15-accounts.sql), which keep at least one enabled admin.
REVOKE DELETE ON users FROM auth_agent_app;
REVOKE UPDATE (role) ON users FROM auth_agent_app;

-- app_user_login now also answers whether the log-in waits for a second factor.
DROP FUNCTION IF EXISTS app_user_login(text, text, text, integer[], text, integer);
