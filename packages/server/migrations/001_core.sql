-- Core schema: owners, agents, clients and the OAuth state that hangs off them.
-- Bearer values (request ids, codes, refresh tokens) are stored only as SHA-256 hashes;
-- secrets and passwords only as PBKDF2 strings.

-- The application role auth_agent_app is created by roles.sql before any migration runs.
-- Functions are not defined here: they live in functions/*.sql (see migrate.ts).

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  password_hash text NOT NULL,
  role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
  email_verified_at timestamptz,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE agents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id text NOT NULL UNIQUE CHECK (agent_id ~ '^[A-Za-z0-9._~-]{3,128}$'),
  secret_hash text NOT NULL,
  -- Bumped on rotate/disable/delete so cached verifications die at once.
  secret_version integer NOT NULL DEFAULT 1,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  label text,
  user_email text NOT NULL CHECK (length(user_email) BETWEEN 3 AND 320),
  user_name text CHECK (length(user_name) <= 200),
  email_verified boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_owner_idx ON agents (owner_id);

CREATE TABLE clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id text NOT NULL UNIQUE CHECK (client_id ~ '^[A-Za-z0-9._~-]{3,128}$'),
  -- NULL for public clients, which must use PKCE and cannot introspect.
  secret_hash text,
  secret_version integer NOT NULL DEFAULT 1,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  redirect_uris text[] NOT NULL CHECK (cardinality(redirect_uris) BETWEEN 1 AND 20),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_owner_idx ON clients (owner_id);

CREATE TABLE auth_requests (
  request_hash text PRIMARY KEY,
  client_ref uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  redirect_uri text NOT NULL,
  state text NOT NULL,
  code_challenge text NOT NULL,
  scope text NOT NULL,
  browser_hash text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'authenticated', 'denied')),
  failed_attempts integer NOT NULL DEFAULT 0,
  agent_ref uuid REFERENCES agents (id) ON DELETE CASCADE,
  model text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX auth_requests_expiry_idx ON auth_requests (expires_at);

CREATE TABLE auth_codes (
  code_hash text PRIMARY KEY,
  request_hash text NOT NULL,
  client_ref uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  agent_ref uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  redirect_uri text NOT NULL,
  code_challenge text NOT NULL,
  scope text NOT NULL,
  model text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz
);
CREATE INDEX auth_codes_expiry_idx ON auth_codes (expires_at);

-- A grant is one sign-in of one agent to one website; its refresh tokens form one family.
CREATE TABLE grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_ref uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  client_ref uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  agent_owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL UNIQUE,
  scope text NOT NULL,
  model text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoke_reason text
);
CREATE INDEX grants_agent_idx ON grants (agent_ref);
CREATE INDEX grants_client_idx ON grants (client_ref);
CREATE INDEX grants_agent_owner_idx ON grants (agent_owner_id);
CREATE INDEX grants_client_owner_idx ON grants (client_owner_id);

CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz
);
CREATE INDEX refresh_tokens_grant_idx ON refresh_tokens (grant_id);

-- Access tokens are self-contained JWTs; only revoked ones are recorded, until they expire.
CREATE TABLE revoked_access_tokens (
  jti text PRIMARY KEY,
  grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now()
);

-- Row-level security. The server runs as auth_agent_app, which is neither superuser nor
-- BYPASSRLS. Console queries see rows through these policies (app_current_user_id and
-- app_is_admin are in functions/01-rls.sql); OAuth endpoints reach only SECURITY DEFINER functions.

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE agents FORCE ROW LEVEL SECURITY;
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
ALTER TABLE grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE grants FORCE ROW LEVEL SECURITY;
ALTER TABLE auth_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_requests FORCE ROW LEVEL SECURITY;
ALTER TABLE auth_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_codes FORCE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
ALTER TABLE revoked_access_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE revoked_access_tokens FORCE ROW LEVEL SECURITY;

CREATE POLICY users_self_or_admin ON users
  USING (id = app_current_user_id() OR app_is_admin())
  WITH CHECK (id = app_current_user_id() OR app_is_admin());
CREATE POLICY agents_owner_or_admin ON agents
  USING (owner_id = app_current_user_id() OR app_is_admin())
  WITH CHECK (owner_id = app_current_user_id() OR app_is_admin());
CREATE POLICY clients_owner_or_admin ON clients
  USING (owner_id = app_current_user_id() OR app_is_admin())
  WITH CHECK (owner_id = app_current_user_id() OR app_is_admin());
CREATE POLICY grants_party_or_admin ON grants
  USING (agent_owner_id = app_current_user_id() OR client_owner_id = app_current_user_id() OR app_is_admin())
  WITH CHECK (agent_owner_id = app_current_user_id() OR client_owner_id = app_current_user_id() OR app_is_admin());
-- auth_requests, auth_codes, refresh_tokens and revoked_access_tokens have no policy for the
-- application role at all: with RLS forced, it sees none of their rows directly.

GRANT USAGE ON SCHEMA public TO auth_agent_app;
GRANT SELECT ON schema_migrations TO auth_agent_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, agents, clients TO auth_agent_app;
GRANT SELECT, UPDATE ON grants TO auth_agent_app;
