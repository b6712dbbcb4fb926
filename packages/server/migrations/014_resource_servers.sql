-- APIs (resource servers) and RFC 8707 resource indicators (docs/resource-servers.md).
-- An API is registered by an owner, like a website: its identifier is the resource URI that
-- clients send as `resource` and that becomes its tokens' `aud`; it defines the scopes
-- tokens for it may carry, and has credentials of its own (api_id + secret, PBKDF2 like a
-- client's) for introspecting the tokens addressed to it (RFC 7662 §2.1).

CREATE TABLE resource_servers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Generated as api_<128 random bits>; the prefix tells /introspect it is an API.
  api_id text NOT NULL UNIQUE CHECK (api_id ~ '^api_[A-Za-z0-9._~-]{3,124}$'),
  secret_hash text NOT NULL,
  -- RFC 8707 §2: an absolute URI without a fragment (oauth/resource-indicators.ts checks the
  -- form); compared exactly, as clients send it.
  identifier text NOT NULL UNIQUE
    CHECK (length(identifier) BETWEEN 3 AND 2048 AND identifier ~ '^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x22\x24-\x7e]+$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  scopes text[] NOT NULL DEFAULT '{}' CHECK (cardinality(scopes) <= 50),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resource_servers_owner_idx ON resource_servers (owner_id);

ALTER TABLE resource_servers ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_servers FORCE ROW LEVEL SECURITY;
CREATE POLICY resource_servers_owner_or_admin ON resource_servers
  USING (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()))
  WITH CHECK (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()));
-- As for clients (011_abuse_resistance.sql): every column but the hash is readable; the
-- console creates and deletes an owner's APIs; only the operator replaces a secret
-- (operator_set_api_secret, functions/13-resource-servers.sql).
GRANT SELECT (id, api_id, identifier, name, scopes, owner_id, disabled_at, created_at,
              updated_at)
  ON resource_servers TO auth_agent_app;
GRANT INSERT, DELETE ON resource_servers TO auth_agent_app;
GRANT UPDATE (name, scopes, disabled_at, updated_at)
  ON resource_servers TO auth_agent_app;

-- RFC 8707 §2.1: the resources an authorization request names, carried to its code and to the
-- grant; every token of the grant is for all of them or one of them (§2.2). Empty: none,
-- the token's audience is the client, as before.
ALTER TABLE auth_requests ADD COLUMN resources text[] NOT NULL DEFAULT '{}';
ALTER TABLE auth_codes ADD COLUMN resources text[] NOT NULL DEFAULT '{}';
ALTER TABLE grants ADD COLUMN resources text[] NOT NULL DEFAULT '{}';

-- An API is a principal too: its failed secrets are counted and locked like a client's.
ALTER TABLE lockouts DROP CONSTRAINT IF EXISTS lockouts_subject_type_check;
ALTER TABLE lockouts ADD CONSTRAINT lockouts_subject_type_check
  CHECK (subject_type IN ('agent', 'client', 'user', 'api'));
ALTER TABLE auth_trusted_sources DROP CONSTRAINT IF EXISTS auth_trusted_sources_subject_type_check;
ALTER TABLE auth_trusted_sources ADD CONSTRAINT auth_trusted_sources_subject_type_check
  CHECK (subject_type IN ('agent', 'client', 'user', 'api'));

-- Functions whose signature or result changed (new definitions in functions/*.sql).
DROP FUNCTION IF EXISTS
  oauth_create_request(text, text, text, text, text, text, text, integer, text),
  oauth_exchange_code(text, text, boolean, text, integer[], text, text, text, text, integer,
                      text, text, timestamptz),
  oauth_rotate_refresh(text, text, boolean, text, integer[], text, text, text, integer, text,
                       text, timestamptz),
  oauth_client_credentials(text, text, boolean, text, integer[], text, integer);
