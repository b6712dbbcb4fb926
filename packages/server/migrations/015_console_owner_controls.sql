-- What owners see and control in the console (issue 15): an agent's or website's sign-in
-- history is read from the security log by the id it names.
CREATE INDEX IF NOT EXISTS security_events_target_idx
  ON security_events (target_id, event, occurred_at DESC);

-- Client-secret rotation with an overlap (docs/configuration.md, CLIENT_SECRET_OVERLAP): the
-- secret a rotation replaced keeps working until it expires or the owner ends the overlap
-- (02-principals.sql, auth_secret_matches). It is a hash like secret_hash: the application
-- role may read when it expires, never the hash.
ALTER TABLE clients ADD COLUMN previous_secret_hash text;
ALTER TABLE clients ADD COLUMN previous_secret_expires_at timestamptz;
ALTER TABLE clients ADD CONSTRAINT clients_previous_secret_expires
  CHECK ((previous_secret_hash IS NULL) = (previous_secret_expires_at IS NULL));
GRANT SELECT (previous_secret_expires_at) ON clients TO auth_agent_app;

-- The websites an agent may sign in to, when its owner restricts it (none listed: any). The
-- sign-in is refused in oauth_complete_request (04-oauth-requests.sql); the owner sets the
-- list through app_set_agent_websites (14-console-owner.sql), which may name another owner's
-- website by its public client_id.
CREATE TABLE agent_allowed_clients (
  agent_ref uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  client_ref uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  PRIMARY KEY (agent_ref, client_ref)
);
CREATE INDEX agent_allowed_clients_client_idx ON agent_allowed_clients (client_ref);
ALTER TABLE agent_allowed_clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_allowed_clients FORCE ROW LEVEL SECURITY;
REVOKE ALL ON agent_allowed_clients FROM PUBLIC;
