-- One live definition per SQL function (functions/*.sql, re-applied on every start), and the
-- stored hash no longer leaves the database: callers present a proof derived from the secret
-- and the function doing the work compares it (functions/02-principals.sql). That comparison
-- replaces secret_version, which let a remembered verification be trusted while it matched.
-- Lockout is counted per identity and source (functions/03-lockout.sql).
--
-- On a database created by an earlier release this removes what those releases defined and
-- nothing re-creates. On a new database most of it finds nothing to do.

DROP TRIGGER IF EXISTS agents_secret_version ON agents;
DROP TRIGGER IF EXISTS clients_secret_version ON clients;
DROP FUNCTION IF EXISTS bump_secret_version();
ALTER TABLE agents DROP COLUMN IF EXISTS secret_version;
ALTER TABLE clients DROP COLUMN IF EXISTS secret_version;

-- Functions whose signature or result changed, or that no longer exist.
DROP FUNCTION IF EXISTS
  oauth_client(text), oauth_agent(text),
  oauth_client_auth(text, text), oauth_agent_auth(text, text),
  oauth_agent_auth_for_request(text, text, text),
  oauth_principal_recheck(text, text, text, integer),
  oauth_create_request(text, uuid, text, text, text, text, text, integer),
  oauth_create_request_for(text, text, text, text, text, text, text, integer),
  oauth_record_failed_attempt(text, integer),
  oauth_complete_request(text, uuid, text, text, integer),
  oauth_complete_request_as(text, text, integer, text, text, text, integer),
  oauth_exchange_code(text, uuid, text, text, text, integer),
  oauth_exchange_code_as(text, text, integer, text, text, text, text, integer),
  oauth_rotate_refresh(text, uuid, text, text, integer),
  oauth_rotate_refresh_as(text, text, integer, text, text, text, integer),
  oauth_refresh_token_state(text),
  oauth_introspect_access_as(text, text, integer, text, uuid),
  oauth_revoke_refresh(text, uuid),
  oauth_revoke_access(text, uuid, uuid, timestamptz),
  app_user_by_email(text),
  security_lockout_state(text, text),
  security_lockout_fail(text, text, integer, integer, integer, integer),
  security_lockout_succeed(text, text),
  security_lockout_clear(text, text),
  security_log_append(text, text, text, text, text, text, text, text, text, text, text, uuid, jsonb);

-- Lockout per identity and source; source_key '*' counts every source of an identity.
-- Existing rows become identity-wide rows.
ALTER TABLE lockouts ADD COLUMN IF NOT EXISTS source_key text NOT NULL DEFAULT '*';
ALTER TABLE lockouts DROP CONSTRAINT IF EXISTS lockouts_pkey;
ALTER TABLE lockouts ADD PRIMARY KEY (subject_type, subject_key, source_key);

-- Sources that authenticated as a subject recently may still try while the subject is under
-- attack from elsewhere (functions/03-lockout.sql).
CREATE TABLE auth_trusted_sources (
  subject_type text NOT NULL CHECK (subject_type IN ('agent', 'client', 'user')),
  subject_key text NOT NULL,
  source_key text NOT NULL,
  last_success_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject_type, subject_key, source_key)
);
ALTER TABLE auth_trusted_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_trusted_sources FORCE ROW LEVEL SECURITY;
